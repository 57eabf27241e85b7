"""The bounded memos that replace lru_cache on the hottest look-ups (``iam_redshift._memo``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift import knowledge as k
from iam_redshift._memo import MISSING, Memo
from iam_redshift.knowledge import _actions


@given(
    maxsize=st.integers(1, 8),
    pairs=st.lists(st.tuples(st.integers(0, 20), st.integers()), max_size=60),
)
def test_a_memo_never_holds_more_than_its_bound_and_gives_back_what_it_remembers(
    maxsize: int, pairs: list[tuple[int, int]]
) -> None:
    memo: Memo[int, int] = Memo(maxsize)
    for key, value in pairs:
        assert memo.remember(key, value) == value
        assert memo.get(key, MISSING) == value  # the answer just given is always there
        assert len(memo) <= maxsize
    memo.cache_clear()
    assert len(memo) == 0


def test_none_is_an_answer_and_missing_is_not() -> None:
    memo: Memo[str, int | None] = Memo(4)
    memo.remember("nosuch:Action", None)
    assert memo.get("nosuch:Action", MISSING) is None
    assert memo.get("s3:GetObject", MISSING) is MISSING


_TEXTS = st.one_of(
    st.sampled_from(["s3:GetObject", "S3:getobject", "redshift:GetClusterCredentials", "nosuch:X"]),
    st.text(max_size=12),
    st.sampled_from(["s3:GetObject", "nosuch:"]).map(lambda text: text + "x" * 600),
)


@given(texts=st.lists(_TEXTS, max_size=10))
def test_looking_an_action_up_twice_gives_what_the_index_says_and_long_texts_are_not_kept(
    texts: list[str],
) -> None:
    """The memo in front of the index answers as the index does, first time or not, and a text
    longer than the bound on remembered texts is answered without being kept."""
    for _ in range(2):
        assert k.each_action_facts(texts) == [_actions._lookup_uncached(t) for t in texts]
        for text in texts:
            assert k.action_facts(text) == _actions._lookup_uncached(text)
    for text in texts:
        assert (text in _actions._LOOKED_UP) is (len(text) <= 512)


def test_the_memo_of_action_facts_is_bounded_and_emptied_with_the_index() -> None:
    assert _actions._LOOKED_UP.maxsize == 32768
    k.action_facts("s3:GetObject")
    assert "s3:GetObject" in _actions._LOOKED_UP
    k.use_index(None)  # choosing the index again forgets what the old one said
    assert "s3:GetObject" not in _actions._LOOKED_UP
