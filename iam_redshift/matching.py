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
from collections.abc import Callable

__all__ = [
    "POLICY_VARIABLE",
    "action_matches",
    "glob_match",
    "glob_matcher",
    "glob_regex",
    "is_pattern",
    "resource_matches",
    "star_match",
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
    if "?" not in pattern and (not ignore_case or (pattern.isascii() and text.isascii())):
        # No "?": matched by the texts between the stars, with no expression to compile
        # (a compile costs about 150 microseconds, and most patterns are asked about once).
        if ignore_case:
            pattern, text = pattern.lower(), text.lower()
        return star_match(_between_stars(pattern), text)
    return glob_regex(pattern, ignore_case=ignore_case).match(text) is not None


def glob_matcher(pattern: str) -> Callable[[str], bool]:
    """:func:`glob_match` of ``pattern`` (case-sensitive) as a function of the text: for a
    pattern asked about many texts (a wildcard against a service's action names)."""
    if "?" in pattern:
        match = glob_regex(pattern).match
        return lambda text: match(text) is not None
    return functools.partial(star_match, _between_stars(pattern))


@functools.lru_cache(maxsize=4096)
def _between_stars(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("*"))


def star_match(between: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` fits a pattern whose only wildcard is ``*``, given as the texts between
    its stars (``"a*b*c".split("*")``): the text starts with the first and ends with the last,
    and holds the others in order, in between. Each is placed at its leftmost place, which
    leaves the most room for those after it; every ``find`` starts where the last one ended,
    so the time is linear in the text and the pattern, however many stars it has."""
    head, tail = between[0], between[-1]
    if len(between) == 1:
        return text == head
    end = len(text) - len(tail)
    if end < len(head) or not text.startswith(head) or not text.endswith(tail):
        return False
    at = len(head)
    for part in between[1:-1]:
        if part:
            found = text.find(part, at, end)
            if found < 0:
                return False
            at = found + len(part)
    return True


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
