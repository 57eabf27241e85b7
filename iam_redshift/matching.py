"""IAM's wildcards, ``*`` (any run of characters) and ``?`` (one character), as one matcher.

IAM has no character sets, so ``[`` is literal. The expression comes from ``fnmatch``, whose
translation (Python 3.9 and later) cannot backtrack exponentially on many stars: a plain
``.*``-per-star regex took seconds on a 15-star pattern, and patterns come from the documents
being linted.
"""

from __future__ import annotations

import fnmatch
import functools
import re

__all__ = [
    "POLICY_VARIABLE",
    "action_matches",
    "glob_match",
    "glob_regex",
    "is_pattern",
    "resource_matches",
]

#: A policy variable (``${aws:username}``): filled in per request, so it may stand for anything.
POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")


@functools.lru_cache(maxsize=4096)
def glob_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A compiled expression matching the whole of a text that ``pattern`` covers."""
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(fnmatch.translate(pattern.replace("[", "[[]")), flags)


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether ``pattern`` (with IAM's ``*`` and ``?``) covers all of ``text``."""
    return glob_regex(pattern, ignore_case=ignore_case).match(text) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Whether the Action value ``pattern`` covers ``action`` (action names ignore case)."""
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == action.lower()  # most values: no pattern to compile
    service, colon, _ = pattern.partition(":")
    if (
        colon
        and "*" not in service
        and "?" not in service
        and service.lower() != action.partition(":")[0].lower()
    ):
        return False  # another service's pattern (ec2:Describe*): no pattern to compile
    return glob_match(pattern, action, ignore_case=True)


def is_pattern(resource: str) -> bool:
    """Whether a Resource value can cover more than the one ARN it spells (a wildcard or a
    policy variable)."""
    return "*" in resource or "?" in resource or "${" in resource


def resource_matches(pattern: str, arn: str) -> bool:
    """Whether a Resource value covers ``arn``. A policy variable could expand to anything, so it
    counts as ``*``."""
    if pattern == arn:
        return True
    if not is_pattern(pattern):
        return False
    return glob_match(POLICY_VARIABLE.sub("*", pattern), arn)
