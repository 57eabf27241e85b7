"""IAM's wildcard matching, shared by every rule: right, and safe on hostile patterns."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.matching import glob_match, glob_matcher, glob_regex

ALPHABET = st.sampled_from("ab*?[]:/-")


def reference(pattern: str, text: str) -> bool:
    """Plain dynamic programming over IAM's rules: * any run, ? one character, all else literal."""
    fits = [[False] * (len(text) + 1) for _ in range(len(pattern) + 1)]
    fits[0][0] = True
    for i, p in enumerate(pattern, start=1):
        fits[i][0] = fits[i - 1][0] and p == "*"
        for j, c in enumerate(text, start=1):
            if p == "*":
                fits[i][j] = fits[i - 1][j] or fits[i][j - 1]
            else:
                fits[i][j] = fits[i - 1][j - 1] and p in ("?", c)
    return fits[len(pattern)][len(text)]


@given(st.text(ALPHABET, max_size=12), st.text(st.sampled_from("ab[]:/-"), max_size=12))
def test_glob_agrees_with_the_reference(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) == reference(pattern, text)


def test_brackets_are_literal_and_case_is_optional() -> None:
    assert glob_match("redshift:[G]*", "redshift:[G]etX")
    assert not glob_match("redshift:[G]*", "redshift:GetX")
    assert glob_match("Redshift:get*", "redshift:GetClusterCredentials", ignore_case=True)
    assert not glob_match("Redshift:get*", "redshift:GetClusterCredentials")


def test_many_stars_do_not_backtrack_exponentially() -> None:
    # A hang guard, not a timing assertion: exponential matching would run for minutes.
    code = (
        "from iam_redshift.matching import glob_match;"
        "assert not glob_match('redshift:' + '*a' * 20 + '*b', 'redshift:' + 'a' * 80)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# Patterns without "?" are matched by the texts between their stars, not by an expression:
# the answers must be the expression's, with and without case, for any characters.
STAR_TEXT = st.text(st.sampled_from("aAbB*:/[\n\u00e9\u00c9\u0130\u212a"), max_size=12)
TEXT = st.text(st.sampled_from("aAbB:/[\n\u00e9\u00c9\u0130i\u212ak"), max_size=12)


@given(STAR_TEXT, TEXT, st.booleans())
def test_star_patterns_match_as_the_expression_does(
    pattern: str, text: str, ignore_case: bool
) -> None:
    expected = glob_regex(pattern, ignore_case=ignore_case).match(text) is not None
    assert glob_match(pattern, text, ignore_case=ignore_case) == expected


@given(st.text(ALPHABET, max_size=12), st.text(st.sampled_from("ab[]:/-"), max_size=12))
def test_a_patterns_matcher_agrees_with_glob_match(pattern: str, text: str) -> None:
    assert glob_matcher(pattern)(text) == glob_match(pattern, text)


def test_star_patterns_need_every_part_in_order() -> None:
    assert glob_match("ec2:*Tags*", "ec2:CreateTagsForResource")
    assert not glob_match("a*b*b", "ab")  # the parts may not overlap
    assert glob_match("a*b*b", "abb")
    assert not glob_match("a*b*c", "acb")  # nor change order
    assert glob_match("*", "")
    assert not glob_match("abc*abc", "abc")


def test_case_is_ignored_as_the_expression_ignores_it_beyond_ascii() -> None:
    # str.lower() turns the dotted capital I into two characters; the expression's case
    # folding takes it as "i". Outside ASCII, the expression decides.
    assert glob_match("\u0130*", "i", ignore_case=True)
    assert glob_match("K*", "\u212a", ignore_case=True)  # the Kelvin sign
    assert not glob_match("\u0130*", "i")
