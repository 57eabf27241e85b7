"""Finding, choosing and reading a knowledge index (``index.json`` + ``services/*.json``).

Three places hold an index: the package's own (``data/``, built by ``tools/build_knowledge.py``),
the user's cache (written by ``iam-redshift knowledge update``), and one pinned by the user
(``--knowledge PATH`` or the ``knowledge`` configuration key). A pinned index is used as it is;
otherwise the newer (by data date) of the shipped and the cached one. The top-level file is
small and read on first use; a service's file is read when a rule first asks about that service.

A service's file is one JSON object whose tables map a name to one string each, so that reading
it makes one dict per table and no other container (the facts of an action are taken apart
only when a rule asks about that action):

- ``actions``: lower-cased action name -> ``"Documented|Access"``, or, when the action's
  details are documented, ``"Documented|Access|types|keys"``: its resource types in documented
  order, a required one marked with a leading ``+``, and its own condition keys, each list
  joined by ``,`` (``"AbortMultipartUpload|Write|accesspointobject,object|s3:TlsVersion"``);
- ``resources``: resource type -> ``"ARN formats|condition keys"``, each joined by ``,``;
- ``conditions``: lower-cased condition key -> ``"Documented|Type"``;
- ``retired``: lower-cased action name -> ``"Documented|source id"``.

No name, ARN format or key holds ``|`` or ``,``, and no resource type starts with ``+``:
the compiler refuses them (:mod:`iam_redshift.knowledge._compile`).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

from iam_redshift._read import read_regular
from iam_redshift._record import cached_view, record
from iam_redshift.errors import KnowledgeError

__all__ = [
    "DEFAULT_URL",
    "ActionFacts",
    "Index",
    "KnowledgeError",
    "Service",
    "active",
    "cache_dir",
    "load_index",
    "pin",
    "pinned",
    "shipped_dir",
]

FORMAT: Final = "iam-redshift-knowledge/2"

#: How a service file's strings are put together (see the module docstring).
FIELDS: Final = "|"
ITEMS: Final = ","
REQUIRED: Final = "+"

#: AWS's service list (the Service Authorization Reference, "programmatic access").
DEFAULT_URL = "https://servicereference.us-east-1.amazonaws.com/"
#: A service file is a few hundred KB at most; anything much larger is not ours.
_MAX_SERVICE_BYTES: Final = 8 * 1024 * 1024
_MAX_INDEX_BYTES: Final = 4 * 1024 * 1024


def shipped_dir() -> Path:
    """The index that comes with the package."""
    return Path(__file__).resolve().parent / "data"


def cache_dir() -> Path:
    """Where ``knowledge update`` writes: the user's cache directory, by platform convention
    (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
    ``%LOCALAPPDATA%`` on Windows), then ``iam-redshift/knowledge``."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "iam-redshift" / "Cache" / "knowledge"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "iam-redshift" / "knowledge"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "iam-redshift" / "knowledge"


class ActionFacts(NamedTuple):
    """One current action's facts, worked out together the first time a question concerns the
    action: every later question about it (is it known, its spelling, access level, ARN
    formats) is one dict look-up. A tuple: a lint makes thousands, and reads them often."""

    name: str  # the documented spelling, prefix and all: "redshift:GetClusterCredentials"
    access: str
    detailed: bool  # its resource types and condition keys are documented
    formats: tuple[tuple[str, str, bool], ...]  # (resource type, ARN format, required)


_new_tuple = tuple.__new__


class _TypeRows(NamedTuple):
    """A resource type's ARN formats, as the rows of an action's ``formats``."""

    optional: tuple[tuple[str, str, bool], ...]  # its (type, ARN format, False) rows
    required: tuple[tuple[str, str, bool], ...]  # its (type, ARN format, True) rows


@record
class Service:
    """One service's facts as its file stores them (see the module docstring): the file's
    tables as they are read, with what was worked out from them so far."""

    prefix: str
    name: str
    source: str
    actions: dict[str, str]  # lower-cased name -> "Documented|Access[|types|keys]"
    resources: dict[str, str]  # resource type -> "ARN formats|condition keys"
    conditions: dict[str, str]  # lower-cased key -> "Documented|Type"
    retired: dict[str, str]  # lower-cased name -> "Documented|source id"
    # What was worked out from the tables so far, beside the cached views below (every
    # action's facts, the sorted listing): condition keys per action and per resource
    # type (few actions need them), and the ARN rows of each resource type.
    _keys: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _type_rows: dict[str, _TypeRows] = field(default_factory=dict, compare=False, repr=False)
    # The formats of each list of resource types asked about: actions that list the same
    # types share one tuple (IR204 counts votes per distinct tuple).
    _formats: dict[str, tuple[tuple[str, str, bool], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _type_keys: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def action(self, name: str) -> ActionFacts | None:
        """The facts of the current action ``name`` (lower-cased, without the prefix), or
        ``None`` when the service has no such action."""
        return self.facts.get(name)

    @cached_view
    def facts(self) -> dict[str, ActionFacts]:
        """Every current action's facts, by lower-cased name: worked out together, in one pass
        over the service's entries, when a rule first asks about one of its actions. A
        wildcard's matches are handed out with their facts (:attr:`listing`), and a large
        lint asks about nearly all of them anyway (the AWS managed policies: 21,200 of the
        22,200 actions of the 440 services they name). An entry the compiler does not write
        (fewer than two fields) is left out: as good as unknown."""
        facts: dict[str, ActionFacts] = {}
        prefix = self.prefix + ":"
        formats_of = self._formats
        # 22,000 actions when a lint names every service: the loop is kept lean (the keys are
        # split off but not taken apart, and the common entry takes one branch).
        for name, packed in self.actions.items():
            fields = packed.split(FIELDS, 3)
            if len(fields) < 3:
                if len(fields) == 2:  # documented without details: no resource types
                    facts[name] = _new_tuple(
                        ActionFacts, (prefix + fields[0], fields[1], False, ())
                    )
                continue
            formats = formats_of.get(fields[2])
            if formats is None:
                formats = formats_of[fields[2]] = self._formats_of(fields[2])
            # tuple.__new__: a NamedTuple's own __new__ is a Python function.
            facts[name] = _new_tuple(ActionFacts, (prefix + fields[0], fields[1], True, formats))
        return facts

    def _formats_of(self, kinds: str) -> tuple[tuple[str, str, bool], ...]:
        """The rows of ``formats`` for an entry's resource types (``"+cluster,dbuser"``)."""
        formats: tuple[tuple[str, str, bool], ...] = ()
        for kind, required in _marked(kinds):
            shared = self._rows(kind)
            formats += shared.required if required else shared.optional
        return formats

    def entry(self, name: str) -> tuple[str, str, list[tuple[str, bool]] | None, list[str]] | None:
        """The current action ``name``'s entry taken apart (:func:`parse_action_entry`), or
        ``None`` when the service has no such action: for the questions :meth:`action` does
        not answer (its resource types one by one, its condition keys)."""
        return parse_action_entry(self.actions[name]) if self.action(name) is not None else None

    @cached_view
    def listing(self) -> tuple[tuple[str, ...], tuple[ActionFacts, ...]]:
        """Every current action's lower-cased ``"prefix:name"``, sorted, and the facts of each,
        in the same order: worked out when a pattern first needs them."""
        facts = self.facts
        ordered = sorted(facts)  # already in order in a compiled file: one pass to see it
        names = tuple(map(f"{self.prefix}:".__add__, ordered))
        return names, tuple(map(facts.__getitem__, ordered))

    def condition_keys(self, name: str) -> frozenset[str]:
        """The lower-cased condition keys of the current action ``name`` (lower-cased, without
        the prefix): its own and its resource types'; empty when there is no such action."""
        found = self._keys.get(name)
        if found is None:
            entry = self.entry(name)
            if entry is None:
                return frozenset()
            _, _, rows, own = entry
            keys = {key.lower() for key in own}
            for kind, _ in rows or ():
                keys.update(self._resource_keys(kind))
            found = self._keys[name] = frozenset(keys)
        return found

    # What the actions of one resource type share, worked out once per type: many actions
    # share each (every S3 object action lists ``object``, with its 40 keys).

    def _rows(self, kind: str) -> _TypeRows:
        found = self._type_rows.get(kind)
        if found is None:
            arns = parse_resource_entry(self.resources.get(kind, ""))[0]
            found = self._type_rows[kind] = _TypeRows(
                tuple((kind, arn, False) for arn in arns),
                tuple((kind, arn, True) for arn in arns),
            )
        return found

    def _resource_keys(self, kind: str) -> frozenset[str]:
        found = self._type_keys.get(kind)
        if found is None:
            keys = parse_resource_entry(self.resources.get(kind, ""))[1]
            found = self._type_keys[kind] = frozenset(key.lower() for key in keys)
        return found


def _items(joined: str) -> list[str]:
    """The items of a ``,``-joined list (an empty one is not an item)."""
    return [item for item in joined.split(ITEMS) if item] if joined else []


def parse_resource_entry(packed: str) -> tuple[list[str], list[str]]:
    """A resource type's ARN formats and condition keys, from its entry in a service file."""
    arns, _, keys = packed.partition(FIELDS)
    return _items(arns), _items(keys)


def parse_action_entry(packed: str) -> tuple[str, str, list[tuple[str, bool]] | None, list[str]]:
    """An action's documented name, access level, resource types with their required marks
    (``None`` when not documented) and own condition keys, from its entry in a service file."""
    fields = packed.split(FIELDS)
    if len(fields) < 2:
        raise ValueError(f"{packed!r:.80} is not an action's entry")
    if len(fields) == 2:
        return fields[0], fields[1], None, []
    return fields[0], fields[1], _marked(fields[2]), _items(fields[3]) if len(fields) > 3 else []


def _marked(kinds: str) -> list[tuple[str, bool]]:
    """(resource type, required) for each of an entry's resource types, a required one marked
    with a leading ``+`` (``"+cluster,dbuser"``)."""
    return [
        (kind[1:], True) if kind[:1] == REQUIRED else (kind, False)
        for kind in kinds.split(ITEMS)
        if kind
    ]


@dataclass
class Index:
    """A loaded index: the top-level file now, each service's file on first use."""

    root: Path
    header: dict[str, Any]
    _services: dict[str, Service | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def date(self) -> str:
        """The date of the index's freshest data (``"2026-10"``)."""
        return str(self.header.get("date", ""))

    @property
    def prefixes(self) -> dict[str, dict[str, str]]:
        """Every service prefix the index knows, with its name and source."""
        services: dict[str, dict[str, str]] = self.header["services"]
        return services

    @property
    def sources(self) -> dict[str, dict[str, str]]:
        """Each source's name, version, date, license and what it supplies, by id."""
        sources: dict[str, dict[str, str]] = self.header["sources"]
        return sources

    @property
    def partitions(self) -> dict[str, list[str]]:
        """Each partition's regions."""
        partitions: dict[str, list[str]] = self.header["partitions"]
        return partitions

    def label(self, source: str) -> str:
        """``"iam-floyd 0.851.0 (2026-10)"``."""
        facts = self.sources.get(source, {})
        return f"{facts.get('name', source)} {facts.get('version', '?')} ({facts.get('date', '?')})"

    def service(self, prefix: str) -> Service | None:
        """The facts of the service ``prefix`` (lower-cased), read on first use; ``None`` for
        a prefix the index does not know. Only known prefixes are remembered, so the memory
        this takes is bounded by the index, not by the documents linted."""
        if prefix not in self.prefixes:
            return None
        found = self._services.get(prefix)
        if found is None and prefix not in self._services:
            with self._lock:
                if prefix not in self._services:
                    self._services[prefix] = self._read_service(prefix)
                found = self._services[prefix]
        return found

    def _read_service(self, prefix: str) -> Service | None:
        path = self.root / "services" / f"{prefix}.json"
        try:
            record = _read_json(path, _MAX_SERVICE_BYTES)
            return _service(prefix, self.prefixes[prefix], record)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # a damaged file: the service is as good as unknown, nothing raised


def _service(prefix: str, entry: dict[str, str], record: dict[str, Any]) -> Service:
    tables = [record[table] for table in ("actions", "resources", "conditions", "retired")]
    for table in tables:  # a string for each name (checked in C: no Python call per entry)
        if not isinstance(table, dict) or not set(map(type, table.values())) <= {str}:
            raise TypeError("a service file's table is not an object of strings")
    return Service(prefix, str(entry.get("name", prefix)), str(record["source"]), *tables)


def _read_json(path: Path, limit: int) -> Any:
    data = read_regular(path, limit)
    if len(data) > limit:
        raise ValueError(f"{path.name} is larger than {limit} bytes")
    return json.loads(data.decode("utf-8"))


def load_index(root: Path) -> Index:
    """The index in the directory ``root``; :class:`KnowledgeError` naming it if it is not
    one this version can read."""
    root = Path(root)
    where = str(root)
    if not root.is_dir():
        raise KnowledgeError(where, "not a directory holding a knowledge index")
    try:
        header = _read_json(root / "index.json", _MAX_INDEX_BYTES)
    except FileNotFoundError:
        raise KnowledgeError(where, "no index.json: not a knowledge index") from None
    except (OSError, ValueError) as error:
        raise KnowledgeError(where, f"index.json cannot be read: {error}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise KnowledgeError(where, f"index.json has the format {found!r}, not {FORMAT!r}")
    for key in ("services", "sources", "partitions"):
        if not isinstance(header.get(key), dict):
            raise KnowledgeError(where, f"index.json has no {key!r} object")
    return Index(root=root, header=header)


_PINNED: list[Path] = []
_ACTIVE: list[Index] = []
_LOCK = threading.Lock()


def pin(path: Path | None) -> None:
    """Use the index in ``path`` from now on (``None``: choose again, shipped or cached).

    Raises :class:`KnowledgeError` naming ``path`` when it is not a usable index.
    """
    with _LOCK:
        _ACTIVE.clear()
        _PINNED.clear()
        if path is not None:
            index = load_index(path)
            _PINNED.append(Path(path))
            _ACTIVE.append(index)


def pinned() -> Path | None:
    """The pinned index's directory, if one is pinned."""
    return _PINNED[0] if _PINNED else None


def active() -> Index:
    """The index in use: the pinned one, else the newer of the shipped and the cached one
    (a cached index that cannot be read is passed over)."""
    if _ACTIVE:
        return _ACTIVE[0]
    with _LOCK:
        if not _ACTIVE:
            _ACTIVE.append(_choose())
        return _ACTIVE[0]


def _choose() -> Index:
    shipped = load_index(shipped_dir())
    try:
        cached = load_index(cache_dir())
    except KnowledgeError:
        return shipped
    return cached if cached.date > shipped.date else shipped
