"""Services and actions: is an action known, retired, of which access level, and which actions
does a wildcard pattern cover."""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Iterator, Sequence
from itertools import repeat

from iam_redshift._memo import MISSING, Memo
from iam_redshift.knowledge._base import (
    _ACTION_CACHE,
    _CACHED_TEXT,
    _LONGEST_ACTION,
    _PATTERN_CACHE,
    _STAR_RUN,
    _WILDCARDS,
    ResourceType,
    _index,
    _service,
)
from iam_redshift.knowledge._index import (
    FIELDS,
    ActionFacts,
    Service,
    parse_resource_entry,
)
from iam_redshift.matching import glob_matcher


def service_prefixes() -> tuple[str, ...]:
    """Every service prefix the index knows, sorted."""
    index = _index()
    return tuple(sorted(index.prefixes)) if index is not None else ()


def service_known(prefix: str) -> bool:
    """Whether ``prefix`` (``"redshift"``, any case) is a service prefix the index knows."""
    if not isinstance(prefix, str):
        return False
    index = _index()
    return index is not None and prefix.lower() in index.prefixes


def _lookup(action: str) -> ActionFacts | None:
    """The facts of a current action named as ``"svc:Name"`` (any case), or ``None``: the hot
    path of every question about an action, remembered by the text as written."""
    found: ActionFacts | None = _LOOKED_UP.get(action, MISSING)
    if found is MISSING:
        found = _lookup_uncached(action)
        if len(action) <= _CACHED_TEXT:  # a long text is not remembered
            _LOOKED_UP.remember(action, found)
    return found


def _lookup_uncached(action: str) -> ActionFacts | None:
    prefix, colon, name = action.partition(":")
    if not colon:
        return None
    service = _service(prefix.lower())
    return service.action(name.lower()) if service is not None else None


# Sized for the distinct spellings a large lint asks about (the 1,645 AWS managed policies:
# some 17,000), so that a second pass over them finds them all.
_LOOKED_UP: Memo[str, ActionFacts | None] = Memo(_ACTION_CACHE)


def action_facts(action: str) -> ActionFacts | None:
    """What the index says of a current action (``"svc:Name"``, any case, no wildcard): its
    documented spelling, access level, whether its resource types are documented, and its ARN
    formats, in one look-up; ``None`` for a pattern or an action that is not current."""
    return _lookup(action) if isinstance(action, str) else None


def each_action_facts(actions: Sequence[str]) -> list[ActionFacts | None]:
    """:func:`action_facts` of each of ``actions``, in order: for a rule that asks about every
    action of a statement (hundreds, for some), the look-ups run in C."""
    # The memo read in C (a value that is not a string is not remembered: MISSING, then None
    # from action_facts); only the values not remembered yet are looked up one at a time.
    try:
        found: list[ActionFacts | None] = list(map(_LOOKED_UP.get, actions, repeat(MISSING)))
    except TypeError:  # an unhashable value (a list): one at a time
        return [action_facts(action) for action in actions]
    if MISSING in found:
        return [
            action_facts(action) if facts is MISSING else facts
            for facts, action in zip(found, actions, strict=True)
        ]
    return found


def action_known(action: str) -> bool:
    """Whether ``action`` (``"svc:Name"``, any case, no wildcard) is a current action.

    A pattern with ``*`` or ``?`` is not an action name and gives ``False``: see
    :func:`action_matches_known`. A retired action gives ``False``: see :func:`retired_action`.
    """
    return isinstance(action, str) and _lookup(action) is not None


def canonical_action(action: str) -> str | None:
    """The documented spelling of a current action (``"redshift:GetClusterCredentials"``), or
    ``None``."""
    if not isinstance(action, str):
        return None
    found = _lookup(action)
    return found.name if found is not None else None


def retired_action(action: str) -> str | None:
    """For an action that AWS has removed (older data lists it, the freshest source of its
    service does not): the source that last listed it, as ``"parliament 1.6.4 (2025-02-27)"``;
    otherwise ``None``."""
    if not isinstance(action, str):
        return None
    prefix, _, name = action.partition(":")
    service = _service(prefix.lower())
    index = _index()
    if service is None or index is None:
        return None
    found = service.retired.get(name.lower())
    return index.label(found.partition(FIELDS)[2]) if found is not None else None


def has_details(action: str) -> bool:
    """Whether the index documents the action's resource types and condition keys (a current
    action that only a names-only source lists has none to check against)."""
    if not isinstance(action, str):
        return False
    found = _lookup(action)
    return found is not None and found.detailed


def access_level(action: str) -> str | None:
    """The access level of a current action (``"Write"``, ``"Permissions management"``...)."""
    if not isinstance(action, str):
        return None
    found = _lookup(action)
    return found.access if found is not None else None


def _cacheable(*texts: str) -> bool:
    return max(map(len, texts), default=0) <= _CACHED_TEXT


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _facts(action: str) -> tuple[ResourceType, ...] | None:
    prefix, _, name = action.partition(":")
    service = _service(prefix)
    entry = service.entry(name) if service is not None else None
    if service is None or entry is None:
        return None
    types: list[ResourceType] = []
    for kind, required in entry[2] or ():
        arns, keys = parse_resource_entry(service.resources.get(kind, ""))
        types.append(
            ResourceType(
                name=kind,
                arn_format=arns[0] if arns else "",
                required=required,
                condition_keys=tuple(keys),
            )
        )
    return tuple(types)


def resource_types(action: str) -> tuple[ResourceType, ...]:
    """The resource types of a current action, in documented order; ``()`` when the action has
    none (it supports only ``"Resource": "*"``), is unknown, or is not documented in detail."""
    if not isinstance(action, str) or not _cacheable(action):
        return ()
    return _facts(action.lower()) or ()


def arn_formats(action: str) -> tuple[tuple[str, str, bool], ...]:
    """(resource type, ARN format, required) for each ARN format of each resource type of a
    current action, in documented order; ``()`` when there is none or the action is unknown."""
    if not isinstance(action, str):
        return ()
    found = _lookup(action)
    return found.formats if found is not None else ()


def supports_resource_level(action: str) -> bool:
    """Whether the action can be granted on specific resources: at least one of its resource
    types has an ARN format. ``redshift:GetClusterCredentials``: yes; ``iam:ListRoles``: no."""
    if not isinstance(action, str):
        return False
    found = _lookup(action)
    return found is not None and bool(found.formats)


# --- wildcard patterns ------------------------------------------------------------------------


def _has_wildcard(text: str) -> bool:
    return not _WILDCARDS.isdisjoint(text)


def _normalise_pattern(pattern: str) -> str | None:
    """The pattern, lower-cased, with each run of ``*`` as one (the same set of names); ``None``
    when it has more literal characters than any action name, so matches nothing. This keeps
    matching linear in the pattern: 20,000 stars are one star."""
    pattern = _STAR_RUN.sub("*", pattern.lower())
    if len(pattern) - pattern.count("*") > _LONGEST_ACTION + 64:
        return None
    return pattern


def _candidates(pattern: str) -> Iterator[Service]:
    prefix, colon, _ = pattern.partition(":")
    index = _index()
    if index is None:
        return
    if colon and not _has_wildcard(prefix):
        service = index.service(prefix)
        if service is not None:
            yield service
        return
    fits = glob_matcher(prefix if colon else "*")
    for known in sorted(index.prefixes):
        if fits(known):
            service = index.service(known)
            if service is not None:
                yield service


def _past_prefix(head: str) -> str | None:
    """The least string greater than every string that starts with ``head``: its last
    character raised by one, past any U+10FFFF at the end (which has no successor); ``None``
    when there is none (``head`` is empty, or all U+10FFFF)."""
    stripped = head.rstrip("\U0010ffff")
    return f"{stripped[:-1]}{chr(ord(stripped[-1]) + 1)}" if stripped else None


def _matches(pattern: str) -> Iterator[ActionFacts]:
    """The facts of the current actions a normalised pattern covers, service by service in
    prefix order, each service's in lower-cased order."""
    head = pattern[: min(i for i in (pattern.find("*"), pattern.find("?"), len(pattern)) if i >= 0)]
    simple = pattern == f"{head}*"
    fits = None if simple else glob_matcher(pattern)
    # The names are sorted: those that start with the pattern's literal head are one run, up
    # to the first name at or after the least string above all of them.
    after = _past_prefix(head)
    for service in _candidates(pattern):
        names, facts = service.listing
        low = bisect.bisect_left(names, head)
        high = bisect.bisect_left(names, after, low) if after is not None else len(names)
        if fits is None:
            yield from facts[low:high]
        else:
            yield from (facts[at] for at in range(low, high) if fits(names[at]))


_NAME = operator.itemgetter(0)  # an ActionFacts' documented name


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _expand_wildcard(pattern: str) -> tuple[tuple[str, ...], tuple[ActionFacts, ...]]:
    """A normalised pattern's matches, sorted by documented name: the names, and their facts
    (one expansion for the rules that want either)."""
    facts = tuple(sorted(_matches(pattern), key=_NAME))
    return tuple(map(_NAME, facts)), facts


def _expansion(pattern: str) -> tuple[tuple[str, ...], tuple[ActionFacts, ...]]:
    """:func:`_expand_wildcard` of any pattern with a wildcard, any case; cached unless long."""
    normalised = _normalise_pattern(pattern)
    if normalised is None:
        return (), ()
    if not _cacheable(normalised):
        return _expand_wildcard.__wrapped__(normalised)
    return _expand_wildcard(normalised)


def expand_action(pattern: str) -> tuple[str, ...]:
    """The sorted, documented spellings of the current actions an action pattern matches.

    ``*`` and ``?`` are IAM's wildcards and nothing else is; matching ignores case; ``"*"`` is
    every action. ``()`` when nothing matches.
    """
    if not isinstance(pattern, str):
        return ()
    if not _has_wildcard(pattern):
        name = canonical_action(pattern)
        return (name,) if name is not None else ()
    return _expansion(pattern)[0]


def expand_action_facts(pattern: str) -> tuple[ActionFacts, ...]:
    """The facts of the current actions an action pattern matches, in the order of
    :func:`expand_action`: for a rule that asks about each match, without a look-up each."""
    if not isinstance(pattern, str):
        return ()
    if not _has_wildcard(pattern):
        found = _lookup(pattern)
        return (found,) if found is not None else ()
    return _expansion(pattern)[1]


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _matches_known_wildcard(pattern: str) -> bool:
    return next(_matches(pattern), None) is not None


def action_matches_known(pattern: str) -> bool:
    """Whether an action pattern (wildcards allowed, any case) matches at least one current
    action; for a pattern without wildcards, the same as :func:`action_known`."""
    if not isinstance(pattern, str):
        return False
    if not _has_wildcard(pattern):
        return action_known(pattern)
    normalised = _normalise_pattern(pattern)
    if normalised is None:
        return False
    if not _cacheable(normalised):
        return bool(_matches_known_wildcard.__wrapped__(normalised))
    return _matches_known_wildcard(normalised)


def service_action_count(prefix: str) -> int:
    """How many current actions the service has; ``0`` for an unknown or wildcard prefix."""
    if not isinstance(prefix, str) or _has_wildcard(prefix):
        return 0
    service = _service(prefix.lower())
    return len(service.actions) if service is not None else 0
