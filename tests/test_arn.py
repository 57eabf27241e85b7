"""ARNs read the IAM way (:mod:`iam_redshift.arn`): the shape policyuniverse accepts, without its
flaws, and without importing it on the lint path."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.arn import parse_arn as _parse_arn
from tests.conftest import modules_after


def test_arn_helper_splits_role_arns_the_iam_way() -> None:
    arn = _parse_arn("arn:aws:iam::123456789012:role/a/b/Name")
    assert arn is not None
    assert (arn.partition, arn.service, arn.region, arn.account) == (
        "aws",
        "iam",
        "",
        "123456789012",
    )
    assert (arn.resource_type, arn.path, arn.name) == ("role", "/a/b/", "Name")
    root = _parse_arn("arn:aws:iam::123456789012:root")
    assert root is not None
    assert (root.resource_type, root.path, root.name) == ("root", "", "")


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:iam::123456789012:root\n",  # policyuniverse's $ accepts a trailing newline
        "arn::iam::123456789012:role/R",  # and an empty partition
        "arn:aws:iam::<your-aws-account-id>:role/R",
        "ec2.amazonaws.com",  # a service principal, which policyuniverse calls an ARN
        "123456789012123456789012",  # which policyuniverse takes for one account id
        "*",
    ],
)
def test_arn_helper_rejects_what_is_not_an_arn(text: str) -> None:
    assert _parse_arn(text) is None


@pytest.mark.parametrize("value", [None, 12, b"arn:aws:iam::123456789012:root", ["arn:"]])
def test_arn_helper_never_raises_on_other_types(value: Any) -> None:
    assert _parse_arn(value) is None


_FIELD = st.text(alphabet="ab:*/-0123456789", max_size=6)
_ACCOUNTS = st.sampled_from(["", "*", "123456789012", "12345678901", "aws", "cloudfront", "x"])


@given(
    st.one_of(
        st.builds(
            lambda p, s, r, a, res: f"arn:{p}:{s}:{r}:{a}:{res}",
            _FIELD,
            _FIELD,
            _FIELD,
            _ACCOUNTS,
            _FIELD,
        ),
        st.text(max_size=30),
    )
)
def test_accepts_what_policyuniverse_accepts_less_its_flaws(text: str) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        from policyuniverse.arn import ARN

    theirs = ARN(text)
    flawed = (
        bool(theirs.service)  # a service principal or bare account id is not an ARN
        or not theirs.partition
        or not theirs.tech
        or re.search(r"[\n\r\t]", text) is not None
        or text != text.strip()
    )
    ours = _parse_arn(text)
    if theirs.error or flawed:
        assert ours is None or not flawed
        return
    assert ours is not None
    assert (ours.partition, ours.service, ours.region, ours.account, ours.resource) == (
        theirs.partition,
        theirs.tech,
        theirs.region,
        theirs.account_number,
        theirs.name,
    )


def test_reading_arns_does_not_import_policyuniverse() -> None:
    loaded = modules_after(
        "from iam_redshift.arn import parse_arn\n"
        "assert parse_arn('arn:aws:iam::123456789012:role/R') is not None"
    )
    assert "policyuniverse" not in loaded
