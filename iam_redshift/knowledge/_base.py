"""What the parts of :mod:`iam_redshift.knowledge` share: the index in use, the bounds of the
caches keyed on document text, the patterns they read with, and the records they answer with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from iam_redshift.knowledge._index import Index, KnowledgeError, Service, active

# Bounds of the caches keyed on document text: entries, and the longest text remembered.
_PATTERN_CACHE: Final = 8192
_ACTION_CACHE: Final = 32768
_CONDITION_CACHE: Final = 16384
_RESOURCE_CACHE: Final = 32768
_CACHED_TEXT: Final = 512

#: No action name is longer than this (the longest AWS documents is under 100 characters), so a
#: pattern with more literal characters than this matches nothing and needs no matching.
_LONGEST_ACTION: Final = 160

#: An ARN is at most 2,048 characters for almost every service; a longer Resource entry is
#: matched no further (no claim of a mismatch), which keeps matching linear in the input.
_LONGEST_ARN: Final = 2048


_WILDCARDS: Final = frozenset("*?")
_STAR_RUN: Final = re.compile(r"\*{2,}")
_ARN_VARIABLE: Final = re.compile(r"\$\{.*?\}")
_BRACKETS: Final = re.compile(r"\[.+?\]")
# ${TagKey}, <key>: one template slot in a documented condition key.
_KEY_SLOT: Final = re.compile(r"(\$\{[^}]*\}|<[^>]*>)")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type an action can be granted on (Service Authorization Reference).

    ``arn_format`` is the documented format, variables and all
    (``arn:${Partition}:redshift:${Region}:${Account}:dbuser:${ClusterName}/${DbUser}``);
    ``required`` is the reference's ``*`` mark; ``condition_keys`` are the keys documented for
    this resource type.
    """

    name: str
    arn_format: str
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """One source of the index: ``name``, ``version``, the ``date`` of its data, its
    ``license``, and what it ``supplies``."""

    id: str
    name: str
    version: str
    date: str
    license: str
    supplies: str

    def label(self) -> str:
        """``"iam-floyd 0.851.0 (2026-10)"``."""
        return f"{self.name} {self.version} ({self.date})"


# --- the index in use --------------------------------------------------------------------------

_ERRORS: list[str] = []


def _index() -> Index | None:
    try:
        return active()
    except KnowledgeError as error:
        if not _ERRORS:
            _ERRORS.append(str(error))
        return None


# --- services and actions ---------------------------------------------------------------------


# The services asked for, by prefix as asked (a hot path: every rule asks about every action).
# Bounded: at most _SERVICE_MEMO prefixes, known or not, are remembered.
_SERVICE_MEMO: Final = 4096
_SERVICES: dict[str, Service | None] = {}


def _service(prefix: str) -> Service | None:
    try:
        return _SERVICES[prefix]
    except KeyError:
        pass
    index = _index()
    found = index.service(prefix) if index is not None else None
    if len(_SERVICES) < _SERVICE_MEMO and len(prefix) <= _CACHED_TEXT:
        _SERVICES[prefix] = found
    return found


def sources() -> tuple[Source, ...]:
    """The sources of the index in use, freshest data first."""
    index = _index()
    if index is None:
        return ()
    found = [
        Source(
            id=key,
            name=str(facts.get("name", key)),
            version=str(facts.get("version", "")),
            date=str(facts.get("date", "")),
            license=str(facts.get("license", "")),
            supplies=str(facts.get("supplies", "")),
        )
        for key, facts in index.sources.items()
    ]
    return tuple(sorted(found, key=lambda s: (s.date, s.id), reverse=True))
