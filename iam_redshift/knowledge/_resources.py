"""Resources: which resource types and ARN formats an action takes, and whether a Resource
value can be one of them (matching stays linear in the input)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from iam_redshift.knowledge._actions import _cacheable, _lookup
from iam_redshift.knowledge._base import (
    _ARN_VARIABLE,
    _BRACKETS,
    _LONGEST_ARN,
    _RESOURCE_CACHE,
    _STAR_RUN,
)
from iam_redshift.matching import POLICY_VARIABLE

# --- resources ---------------------------------------------------------------------------------


def _globs_intersect(first: str, second: str) -> bool:
    """Whether two ``*``-globs can match a common string (parliament's is_glob_match, in
    polynomial time): literal heads and tails must agree; then a glob ending in ``*`` meets one
    starting with ``*`` (the first's match, then the second's); else a plain match or a table."""
    # The literal heads, up to the first "*" of either, compared as slices (in C). Found
    # inline: IR502 asks this for thousands of resources a lint.
    star, other = first.find("*"), second.find("*")
    if star < 0 and other < 0:
        return first == second
    head = min(len(first) if star < 0 else star, len(second) if other < 0 else other)
    if first[:head] != second[:head]:
        return False
    first, second = first[head:], second[head:]
    tail = min(len(first) - 1 - first.rfind("*"), len(second) - 1 - second.rfind("*"))
    if tail:
        if first[-tail:] != second[-tail:]:
            return False
        first, second = first[:-tail], second[:-tail]
    if not first or not second:
        return not (first + second).strip("*")
    if (first[-1] == "*" and second[0] == "*") or (second[-1] == "*" and first[0] == "*"):
        return True
    if "*" not in second:
        return _star_fits(first, second)
    if "*" not in first:
        return _star_fits(second, first)
    return _globs_table(first, second)


def _globs_table(first: str, second: str) -> bool:
    """The general case of :func:`_globs_intersect`, by dynamic programming: O(len * len)."""
    n, m = len(first), len(second)
    row = [False] * (m + 1)  # row[j]: first[i:] and second[j:] can meet, for i = n
    row[m] = True
    for j in range(m - 1, -1, -1):
        row[j] = second[j] == "*" and row[j + 1]
    for i in range(n - 1, -1, -1):
        below, row = row, [False] * (m + 1)
        star = first[i] == "*"
        row[m] = star and below[m]
        for j in range(m - 1, -1, -1):
            if star:
                row[j] = below[j] or row[j + 1]
            elif second[j] == "*":
                row[j] = row[j + 1] or below[j]
            else:
                row[j] = first[i] == second[j] and below[j + 1]
    return row[0]


def _star_fits(pattern: str, text: str) -> bool:
    """Whether ``text`` fits a glob whose only wildcard is ``*``: the literal head and tail in
    place, the pieces between them found in order, leftmost first (linear in both)."""
    pieces = pattern.split("*")
    head, tail = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return text == pattern
    if len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
        return False
    position, end = len(head), len(text) - len(tail)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


class _Arn(NamedTuple):
    """An ARN, or an ARN glob, split for matching."""

    text: str
    head: tuple[str, ...]  # partition, service, region, account and... : empty when fewer
    id: str  # the resource part: what follows the fifth ":" ("" when there is none)


def _split_arn(arn: str) -> _Arn:
    parts = arn.split(":", 5)
    # tuple.__new__: a NamedTuple's own __new__ is a Python function (a call for each of the
    # thousands of resources a large lint matches).
    if len(parts) == 6:
        return tuple.__new__(_Arn, (arn, tuple(parts[:5]), parts[5]))
    return tuple.__new__(_Arn, (arn, (), ""))


@functools.cache  # bounded by the index: ARN formats only
def _format_arn(arn_format: str) -> _Arn:
    """An ARN format as a glob (each ``${Variable}`` becomes ``*``), split once."""
    return _split_arn(_ARN_VARIABLE.sub("*", arn_format))


def _fits(resource_type: str, documented: _Arn, given: _Arn, given_id: str) -> bool:
    """Whether a Resource entry (``given``, its resource part with ``[...]`` as ``*`` in
    ``given_id``) can name a resource of an ARN format (``documented``), both as globs:
    partition, service, region and account each equal, or ``*`` (the documented one only
    against a non-empty one), then resource parts that can meet."""
    if documented.text == "*" or given.text == "*":
        return True
    if "bucket" in resource_type and "/" in given.text:
        return False  # a bucket's ARN has no "/"
    if not documented.head or not given.head:
        return False  # fewer than six fields
    return _heads_fit(documented.head, given.head) and _globs_intersect(documented.id, given_id)


@functools.lru_cache(maxsize=4096)
def _heads_fit(documented: tuple[str, ...], given: tuple[str, ...]) -> bool:
    """Whether partition, service, region and account of a Resource entry fit an ARN format's:
    each equal, or ``*`` (the documented one only against a non-empty one). Remembered: a
    lint compares the same few heads thousands of times."""
    for expected, found in zip(documented, given, strict=True):
        if not (found in ("*", expected) or (expected == "*" and found != "")):
            return False
    return True


def _arn_match(resource_type: str, arn_format: str, resource: str) -> bool:
    """Whether a Resource entry can name a resource of an ARN format (both as globs)."""
    given = _split_arn(resource)
    return _fits(resource_type, _split_arn(arn_format), given, _BRACKETS.sub("*", given.id))


def _normalise_resource(resource: str) -> str:
    """A policy variable may stand for anything, so it becomes ``*``; so does ``?`` (broader is
    the safe side here); a run of ``*`` is one."""
    if "${" in resource:
        resource = POLICY_VARIABLE.sub("*", resource)
    resource = resource.replace("?", "*")
    # The regexes only where they can change something: most entries are plain ARNs.
    return _STAR_RUN.sub("*", resource) if "**" in resource else resource


def _resource_matches(action: str, resource: str) -> bool:
    found = _lookup(action)
    if found is None or not found.detailed:
        return True  # unknown, or not documented in detail: no claim
    return resource_fits_formats(found.formats, resource)


def resource_fits_formats(formats: tuple[tuple[str, str, bool], ...], resource: str) -> bool:
    """Whether a Resource entry can name a resource of one of ``formats`` (as
    :func:`arn_formats` gives them): :func:`resource_matches` for an action's formats, for
    callers that group actions sharing theirs. ``()`` fits only ``"*"``."""
    if resource == "*":
        return True
    if not formats:
        return False  # no resource-level permissions: the Resource must be "*"
    normalised = _normalise_resource(resource)
    if len(normalised) > _LONGEST_ARN:
        return True  # longer than any ARN: not ours to judge here, and not worth the time
    # The entry is split once, not once for each format it is compared with.
    given = _split_arn(normalised)
    given_id = _BRACKETS.sub("*", given.id) if "[" in given.id else given.id
    for name, arn_format, _ in formats:  # a loop, not any(...): one frame fewer a format
        if _fits(name, _format_arn(arn_format), given, given_id):
            return True
    return False


_resource_matches_cached = functools.lru_cache(maxsize=_RESOURCE_CACHE)(_resource_matches)


def resource_matches(action: str, resource: str) -> bool:
    """Whether a Resource entry (an ARN, wildcards and policy variables allowed) can name a
    resource of one of the action's resource types.

    ``"*"`` always matches. An action without resource types (no resource-level permissions)
    needs ``"*"``, so any other entry gives ``False``. An unknown action, one not documented in
    detail, or no index gives ``True`` (no claim of a mismatch). Partition, service, region and
    account must fit; then the resource part, as two globs that must overlap; ``${...}``
    variables and ``?`` count as ``*``.
    """
    if not isinstance(action, str) or not isinstance(resource, str):
        return True
    if resource == "*":
        return True
    if _cacheable(action, resource):
        return _resource_matches_cached(action.lower(), resource)
    return _resource_matches(action.lower(), resource)
