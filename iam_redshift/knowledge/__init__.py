"""Facts about IAM actions, from one compiled index, behind a small total API.

The index (``data/`` in this package, built by ``tools/build_knowledge.py`` from pinned sources,
or a newer one that ``iam-redshift knowledge update`` wrote into the user's cache) holds every
service prefix, each service's actions with their access level, resource types with ARN formats,
each action's required and optional resource types and condition keys, condition keys with
their types, the actions AWS has removed (with the source that last listed them), and the
partitions with their regions. Every source is recorded with its version and the date of its
data (:func:`sources`), and every answer can name the data it came from
(:func:`service_data_note`).

Cost: importing this package reads nothing. The first question reads ``index.json`` (tens of
KB); a service's own file is read when a question first concerns that service, so a lint of a
few documents reads a few files. Nothing here imports parliament, policyuniverse or botocore:
they are read when the index is built, never on the lint path.

Every function takes ``str`` and returns plain values; every function is total: it never
raises, whatever the string (ill-typed arguments get the same safe answer as unknown ones).
Answers for unknown actions make no claim: :func:`resource_matches` and
:func:`condition_key_allowed` return ``True``. An action named by the freshest source but
documented by none in detail (:func:`has_details` ``False``) has no resource types and no
condition keys to check against: the rules then stay silent about it.

Memory: the per-service data is bounded by the index; the caches keyed on document strings are
LRU caches of fixed size that skip strings longer than :data:`_CACHED_TEXT`, so a long-running
process linting many large documents does not grow without bound.
"""

from __future__ import annotations

from pathlib import Path

from iam_redshift.knowledge._actions import (
    _LOOKED_UP,
    _expand_wildcard,
    _facts,
    _matches_known_wildcard,
    access_level,
    action_facts,
    action_known,
    action_matches_known,
    arn_formats,
    canonical_action,
    each_action_facts,
    expand_action,
    expand_action_facts,
    has_details,
    resource_types,
    retired_action,
    service_action_count,
    service_known,
    service_prefixes,
    supports_resource_level,
)
from iam_redshift.knowledge._base import (
    _ERRORS,
    _SERVICES,
    ResourceType,
    Source,
    _index,
    sources,
)
from iam_redshift.knowledge._conditions import (
    CROSS_SERVICE_CONDITION_KEYS,
    GLOBAL_CONDITION_KEYS,
    _condition_key_allowed_cached,
    condition_key_allowed,
    condition_key_matches,
    condition_key_type,
    condition_keys,
    is_cross_service_condition_key,
    is_global_condition_key,
    service_condition_keys,
)
from iam_redshift.knowledge._index import (
    ActionFacts,
    KnowledgeError,
    cache_dir,
    load_index,
    pin,
    shipped_dir,
)
from iam_redshift.knowledge._regions import (
    _closest_region,
    closest_region,
    known_regions,
    region_data_note,
    region_known,
)
from iam_redshift.knowledge._resources import (
    _resource_matches_cached,
    resource_fits_formats,
    resource_matches,
)

__all__ = [
    "CROSS_SERVICE_CONDITION_KEYS",
    "GLOBAL_CONDITION_KEYS",
    "ActionFacts",
    "KnowledgeError",
    "ResourceType",
    "Source",
    "access_level",
    "action_facts",
    "action_known",
    "action_matches_known",
    "arn_formats",
    "cache_dir",
    "caches_follow_the_index",
    "canonical_action",
    "closest_region",
    "condition_key_allowed",
    "condition_key_matches",
    "condition_key_type",
    "condition_keys",
    "data_date",
    "data_source",
    "each_action_facts",
    "expand_action",
    "expand_action_facts",
    "has_details",
    "index_path",
    "index_pinned",
    "is_cross_service_condition_key",
    "is_global_condition_key",
    "knowledge_error",
    "known_regions",
    "load_index",
    "region_data_note",
    "region_known",
    "resource_fits_formats",
    "resource_matches",
    "resource_types",
    "retired_action",
    "service_action_count",
    "service_condition_keys",
    "service_data_note",
    "service_known",
    "service_prefixes",
    "shipped_dir",
    "sources",
    "supports_resource_level",
    "use_index",
]


def _clear_caches() -> None:
    _SERVICES.clear()
    for cached in (
        _LOOKED_UP,
        _facts,
        _expand_wildcard,
        _matches_known_wildcard,
        _resource_matches_cached,
        _condition_key_allowed_cached,
        _closest_region,
    ):
        cached.cache_clear()
    _ERRORS.clear()


_LISTENERS: list[str] = []


def caches_follow_the_index(module: str) -> None:
    """Clear every cache of ``module`` (a module name: its ``functools`` caches, and any other
    object with a ``cache_clear`` method) whenever the index in use changes (:func:`use_index`):
    for the rule modules that cache answers derived from it."""
    if module not in _LISTENERS:
        _LISTENERS.append(module)


def _clear_listeners() -> None:
    import sys

    for name in _LISTENERS:
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and not isinstance(value, type):  # a cache, not its class
                clear()


def use_index(path: str | Path | None) -> None:
    """Use the index in directory ``path`` (``--knowledge PATH``, the ``knowledge`` setting);
    ``None`` chooses again (the newer of the shipped and the cached index).

    Raises :class:`KnowledgeError` (an input error, exit 2) naming ``path`` when it holds no
    index this version can read.
    """
    pin(Path(path) if path is not None else None)
    _clear_caches()
    _clear_listeners()


def index_pinned() -> bool:
    """Whether an index is pinned (:func:`use_index`)."""
    from iam_redshift.knowledge._index import pinned

    return pinned() is not None


def index_path() -> Path | None:
    """The directory of the index in use."""
    index = _index()
    return index.root if index is not None else None


def data_date() -> str:
    """The date of the freshest action data in the index in use (``"2026-10"``)."""
    index = _index()
    return index.date if index is not None else ""


def data_source() -> str:
    """Where the knowledge comes from, in one line: the sources with versions and dates."""
    found = sources()
    if not found:
        return "no action data"
    return ", ".join(source.label() for source in found)


def service_data_note(prefix: str) -> str:
    """How a message names the data it relied on for the service ``prefix``:
    ``"the action data of 2026-10 (iam-floyd 0.851.0)"``; for an unknown prefix, the index's
    freshest data."""
    index = _index()
    if index is None:
        return "the action data (unavailable)"
    entry = index.prefixes.get(prefix.lower()) if isinstance(prefix, str) else None
    if entry is not None:
        source = entry["source"]
    else:  # the freshest source of action data (not of regions)
        used = {facts["source"] for facts in index.prefixes.values()}
        source = max(sorted(used), key=lambda s: str(index.sources.get(s, {}).get("date", "")))
    facts = index.sources.get(source, {})
    date, name = facts.get("date", "?"), facts.get("name", source)
    return f"the action data of {date} ({name} {facts.get('version', '?')})"


def knowledge_error() -> str | None:
    """Why no index could be read, or ``None``."""
    _index()
    return _ERRORS[0] if _ERRORS else None
