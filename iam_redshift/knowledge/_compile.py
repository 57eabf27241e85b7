"""Compile source views of the Service Authorization Reference into one knowledge index.

Used at build time (``tools/build_knowledge.py``, from pinned packages) and by
``iam-redshift knowledge update`` (from AWS's machine-readable service reference); never on the
lint path. Everything here is a pure function of its inputs, except :func:`write_index`.

Precedence, per service prefix: the freshest source that lists the service decides which actions
it has (AWS adds and removes actions; a newer list is the better witness of both). Each action's
details (resource types, their ARN formats, condition keys) come from the freshest source that
has details for it: a names-only source (iam-floyd) leaves them to the next one. An action that
only older sources list is *retired*: kept, with the source that last listed it, so that the
linter can say so rather than accept it silently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iam_redshift.knowledge._index import (
    FIELDS,
    FORMAT,
    ITEMS,
    REQUIRED,
    parse_action_entry,
    parse_resource_entry,
)

__all__ = [
    "FORMAT",
    "PREFIX",
    "ServiceView",
    "SourceView",
    "from_service_reference",
    "merge",
    "pack_service",
    "render_index",
    "unpack_service",
    "write_index",
]


#: A service prefix as AWS spells them; anything else (from a download) is refused.
PREFIX = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


@dataclass
class ServiceView:
    """What one source says about one service.

    ``actions`` maps the documented name to its facts: ``access`` (access level) always;
    ``resources`` (``[[type, required], ...]``) and ``keys`` (the action's own condition keys)
    only when the source documents them. ``resources`` maps a resource type to its ``arns``
    (ARN formats) and ``keys``; ``conditions`` maps a condition key to its type.
    """

    name: str
    actions: dict[str, dict[str, Any]]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)


@dataclass
class SourceView:
    """One source: its identity, the date of its data, and its view of each service."""

    id: str
    name: str
    version: str
    date: str  # ISO date, as precise as known: "2026-10" or "2025-02-27"
    license: str
    supplies: str
    services: dict[str, ServiceView]

    def label(self) -> str:
        """``"iam-floyd 0.851.0 (2026-10)"``: how messages name the source."""
        return f"{self.name} {self.version} ({self.date})"

    def header(self) -> dict[str, str]:
        """The source's entry in the index."""
        return {
            "name": self.name,
            "version": self.version,
            "date": self.date,
            "license": self.license,
            "supplies": self.supplies,
        }


def _freshest_first(views: Iterable[SourceView]) -> list[SourceView]:
    # A later date wins; among equal dates, the order given (stable sort).
    return sorted(views, key=lambda view: view.date, reverse=True)


def merge(views: Iterable[SourceView]) -> dict[str, dict[str, Any]]:
    """Every service of every view, merged by the precedence of the module docstring, as the
    records the index stores (one per prefix, sorted)."""
    ordered = _freshest_first(views)
    prefixes = sorted({prefix for view in ordered for prefix in view.services})
    merged: dict[str, dict[str, Any]] = {}
    for prefix in prefixes:
        having = [view for view in ordered if view.services.get(prefix) is not None]
        having = [view for view in having if view.services[prefix].actions] or having
        merged[prefix] = _merge_service(prefix, having)
    return merged


def _merge_service(prefix: str, views: list[SourceView]) -> dict[str, Any]:
    winner = views[0]
    own = winner.services[prefix]
    actions: dict[str, dict[str, Any]] = {}
    resources: dict[str, dict[str, Any]] = {}
    conditions: dict[str, str] = {}
    for view in views:
        service = view.services[prefix]
        for key, key_type in service.conditions.items():
            conditions.setdefault(key, key_type)
    for name in sorted(own.actions):
        facts = own.actions[name]
        record: dict[str, Any] = {"access": facts.get("access") or "Unknown"}
        for view in views:  # the details of the freshest source that has them
            found = _lookup(view.services[prefix].actions, name)
            if found is not None and "resources" in found:
                record["resources"] = [list(row) for row in found["resources"]]
                record["keys"] = sorted(set(found.get("keys", ())))
                table = view.services[prefix].resources
                for row in found["resources"]:
                    if row[0] in table:
                        resources.setdefault(row[0], table[row[0]])
                break
        actions[name] = record
    current = {name.lower() for name in actions}
    retired: dict[str, str] = {}
    for view in views[1:]:
        for name in sorted(view.services[prefix].actions):
            if name.lower() not in current:
                current.add(name.lower())
                retired[name] = view.id
    return {
        "prefix": prefix,
        "name": next((v.services[prefix].name for v in views if v.services[prefix].name), prefix),
        "source": winner.id,
        "actions": actions,
        "resources": {name: resources[name] for name in sorted(resources)},
        "conditions": {key: conditions[key] for key in sorted(conditions)},
        "retired": retired,
    }


def _lookup(actions: Mapping[str, dict[str, Any]], name: str) -> dict[str, Any] | None:
    found = actions.get(name)
    if found is not None:
        return found
    lowered = name.lower()
    return next((facts for key, facts in actions.items() if key.lower() == lowered), None)


def render_index(
    sources: Iterable[SourceView],
    services: Mapping[str, dict[str, Any]],
    partitions: Mapping[str, Iterable[str]],
) -> dict[str, bytes]:
    """The index's files, by relative path, as bytes: ``index.json`` and one
    ``services/<prefix>.json`` per service. Same input, same bytes."""
    source_list = list(sources)
    used = {record["source"] for record in services.values()} | {
        source for record in services.values() for source in record["retired"].values()
    }
    header = {
        "format": FORMAT,
        "date": max((s.date for s in source_list if s.id in used), default=""),
        "sources": {s.id: s.header() for s in source_list},
        "services": {
            prefix: {"name": record["name"], "source": record["source"]}
            for prefix, record in sorted(services.items())
        },
        "partitions": {name: sorted(set(regions)) for name, regions in sorted(partitions.items())},
    }
    files = {"index.json": _dump(header)}
    for prefix, record in services.items():
        try:
            files[f"services/{prefix}.json"] = _dump(pack_service(record))
        except ValueError as error:
            raise ValueError(f"the service {prefix!r}: {error}") from None
    return files


# --- a service's file ---------------------------------------------------------------------------
# merge() speaks in records with lists (``{"access", "resources": [[type, required]], "keys"}``);
# the file stores each entry as one string (the format is in _index's docstring).


def _joined(items: Iterable[str], what: str) -> str:
    return ITEMS.join(_storable(str(item), what) for item in items if item)


def pack_service(record: Mapping[str, Any]) -> dict[str, Any]:
    """A merged service record as its file stores it; :class:`ValueError` naming the entry if
    a name, ARN format or key holds a separator (``|`` or ``,``) or starts with ``+``. Empty
    ARN formats and keys are left out. :func:`unpack_service` undoes it."""
    actions: dict[str, str] = {}
    for name in sorted(record["actions"]):  # of names equal but for case, the last one wins
        facts = record["actions"][name]
        fields = [_storable(name, "an action"), _storable(str(facts["access"]), name)]
        if "resources" in facts:
            marked = [
                REQUIRED * bool(required) + _storable(str(kind), name)
                for kind, required in facts["resources"]
            ]
            fields += [ITEMS.join(marked), _joined(facts.get("keys", ()), name)]
        actions[name.lower()] = FIELDS.join(fields)
    resources = {
        _storable(kind, "a resource type"): FIELDS.join(
            (_joined(table.get("arns", ()), kind), _joined(table.get("keys", ()), kind))
        )
        for kind, table in record["resources"].items()
    }
    conditions = {
        key.lower(): FIELDS.join((_storable(key, "a condition key"), _storable(kind, key)))
        for key, kind in sorted(record["conditions"].items())
    }
    retired = {
        name.lower(): FIELDS.join((_storable(name, "a retired action"), _storable(source, name)))
        for name, source in sorted(record["retired"].items())
    }
    return {
        "prefix": record["prefix"],
        "name": record["name"],
        "source": record["source"],
        "actions": actions,
        "resources": resources,
        "conditions": conditions,
        "retired": retired,
    }


def _pair(packed: str) -> tuple[str, str]:
    first, _, second = packed.partition(FIELDS)
    return first, second


def unpack_service(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A service's file as the record :func:`merge` makes (the inverse of
    :func:`pack_service`)."""
    actions: dict[str, dict[str, Any]] = {}
    for packed in stored["actions"].values():
        name, access, rows, keys = parse_action_entry(packed)
        facts: dict[str, Any] = {"access": access}
        if rows is not None:
            facts["resources"] = [list(row) for row in rows]
            facts["keys"] = keys
        actions[name] = facts
    resources = {}
    for kind, packed in stored["resources"].items():
        arns, keys = parse_resource_entry(packed)
        resources[kind] = {"arns": arns, "keys": keys}
    return {
        "prefix": stored["prefix"],
        "name": stored["name"],
        "source": stored["source"],
        "actions": actions,
        "resources": resources,
        "conditions": dict(_pair(packed) for packed in stored["conditions"].values()),
        "retired": dict(_pair(packed) for packed in stored["retired"].values()),
    }


def _dump(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return (text + "\n").encode("ascii")


def write_index(target: Path, files: Mapping[str, bytes]) -> None:
    """Write the index's files as the directory ``target``, all or nothing: they are written
    into a new directory beside it, which then takes its place (the old one, if any, is
    removed after the switch)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for relative, data in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        retired = None
        if target.exists():
            retired = target.with_name(f".{target.name}.old-{os.getpid()}")
            if retired.exists():
                shutil.rmtree(retired)
            target.rename(retired)
        try:
            staging.rename(target)
        except OSError:
            if retired is not None:
                retired.rename(target)  # put the old index back
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


# --- AWS's service reference -------------------------------------------------------------------

_ACCESS = (
    ("IsPermissionManagement", "Permissions management"),
    ("IsTaggingOnly", "Tagging"),
    ("IsWrite", "Write"),
    ("IsList", "List"),
)


class ReferenceError_(ValueError):
    """A service reference file that does not have the documented shape."""


def _strings(value: object, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ReferenceError_(f"{what} is not a list of strings")
    for item in value:
        if item:  # an empty one is left out when stored
            _storable(item, what)
    return list(value)


def _storable(text: str, what: str) -> str:
    """``text``, if an index can store it: no name, ARN format or key may hold ``|`` or ``,``,
    nor a resource type start with ``+`` (no AWS name does)."""
    if not text or FIELDS in text or ITEMS in text or text.startswith(REQUIRED):
        raise ReferenceError_(
            f"{what}: {text!r:.80} is empty, holds {FIELDS!r} or {ITEMS!r}, or starts with"
            f" {REQUIRED!r}"
        )
    return text


def _objects(value: object, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ReferenceError_(f"{what} is not a list of objects")
    return list(value)


def from_service_reference(prefix: str, document: object) -> ServiceView:
    """One service of AWS's machine-readable Service Authorization Reference (``{"Name": ...,
    "Actions": [...], "Resources": [...], "ConditionKeys": [...]}``) as a :class:`ServiceView`.

    Raises :class:`ValueError` naming what does not have the documented shape. The reference
    does not mark required resource types; every listed type is taken as required.
    """
    if not isinstance(document, dict):
        raise ReferenceError_("the service file is not a JSON object")
    name = document.get("Name")
    if not isinstance(name, str) or name.lower() != prefix:
        raise ReferenceError_(f"its Name is {name!r}, not the service {prefix!r}")
    actions: dict[str, dict[str, Any]] = {}
    for action in _objects(document.get("Actions"), "Actions"):
        action_name = action.get("Name")
        if not isinstance(action_name, str) or not _NAME.fullmatch(action_name):
            raise ReferenceError_(f"an action has the name {action_name!r}")
        properties = (action.get("Annotations") or {}).get("Properties") or {}
        if not isinstance(properties, dict):
            raise ReferenceError_(f"{action_name}: Annotations.Properties is not an object")
        access = next((level for flag, level in _ACCESS if properties.get(flag) is True), "Read")
        listed = _objects(action.get("Resources"), f"{action_name}: Resources")
        kinds = [row.get("Name") for row in listed]
        if not all(isinstance(kind, str) for kind in kinds):
            raise ReferenceError_(f"{action_name}: a resource has no Name")
        rows = [[_storable(str(kind), action_name), True] for kind in kinds]
        keys = _strings(action.get("ActionConditionKeys"), f"{action_name}: ActionConditionKeys")
        actions[action_name] = {"access": access, "resources": rows, "keys": keys}
    if not actions:
        raise ReferenceError_("it lists no actions")
    resources: dict[str, dict[str, Any]] = {}
    for resource in _objects(document.get("Resources"), "Resources"):
        resource_name = resource.get("Name")
        if not isinstance(resource_name, str):
            raise ReferenceError_("a resource type has no Name")
        _storable(resource_name, "Resources")
        resources[resource_name] = {
            "arns": _strings(resource.get("ARNFormats"), f"{resource_name}: ARNFormats"),
            "keys": sorted(set(_strings(resource.get("ConditionKeys"), resource_name))),
        }
    conditions: dict[str, str] = {}
    for key in _objects(document.get("ConditionKeys"), "ConditionKeys"):
        key_name = key.get("Name")
        if not isinstance(key_name, str):
            raise ReferenceError_("a condition key has no Name")
        _storable(key_name, "ConditionKeys")
        types = _strings(key.get("Types"), f"{key_name}: Types")
        conditions[key_name] = types[0] if types else "String"
    return ServiceView(name=name, actions=actions, resources=resources, conditions=conditions)
