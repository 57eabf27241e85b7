"""IAM's wildcard matching, shared by every rule: right, and safe on hostile patterns."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.matching import glob_match

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
