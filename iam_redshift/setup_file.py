"""Reading and writing setup files (TOML or JSON), checked against ``schemas/setup.schema.json``.

This is an edge of the library: it does the I/O and turns every way a file can be wrong into one
:class:`SetupFileError` that names the file, the key and the problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.errors import SetupFileError
from iam_redshift.model import (
    AccessRole,
    InstanceRole,
    RedshiftCluster,
    RedshiftServerless,
    Setup,
    SetupError,
    Target,
)

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = [
    "MAX_SETUP_BYTES",
    "SetupFileError",
    "dump_json",
    "dump_toml",
    "load_setup",
    "parse_setup",
    "setup_from_mapping",
    "setup_to_mapping",
]

#: A setup file larger than this is refused before it is parsed.
MAX_SETUP_BYTES = 1 << 20


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def read_document_bytes(path: Path, *, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, or a :class:`SetupFileError` that says why they
    cannot be had (read as every file is read: a FIFO or a device is refused, not waited on)."""
    from iam_redshift.sources.files import ReadProblem, read_limited

    source = str(path)
    data = read_limited(path, limit=limit)
    if isinstance(data, ReadProblem):
        if isinstance(data.error, FileNotFoundError):
            raise SetupFileError(source, f"no such {what}")
        if data.file_type is not None:
            raise SetupFileError(source, f"is {data.file_type}, not a {what}")
        error = data.error
        detail = (error.strerror or str(error)) if error is not None else data.reason
        raise SetupFileError(source, f"cannot read: {detail}")
    if len(data) > limit:
        raise SetupFileError(source, f"larger than {limit} bytes; not a {what}")
    return data


def parse_mapping(data: bytes, *, source: str) -> dict[str, Any]:
    """Decode TOML or JSON bytes to a mapping. JSON when the name ends in ``.json`` or the text
    starts with ``{``; TOML otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SetupFileError(source, f"not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise SetupFileError(source, "the file is empty")
    is_json = source.endswith(".json") or text.lstrip().startswith("{")
    try:
        if is_json:
            value = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
        else:
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - exercised on Python 3.10 only
                import tomli as tomllib
            value = tomllib.loads(text)
    except RecursionError:
        raise SetupFileError(source, "nested too deeply to read") from None
    except ValueError as error:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        kind = "JSON" if is_json else "TOML"
        raise SetupFileError(source, f"invalid {kind}: {error}") from None
    if not isinstance(value, dict):
        raise SetupFileError(source, f"expected an object at the top, got {json_type(value)}")
    return value


def json_type(value: object) -> str:
    """What a decoded JSON value is, in JSON's words (``an array``, ``null``...)."""
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _where(path: Any) -> str:
    """``access_roles[1].name`` from a jsonschema path."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


#: A value echoed in an error message is cut to this many characters: a 900 KB account id
#: makes a useless one-line message.
MAX_ECHOED_CHARS = 100


def echo(value: object) -> str:
    """``repr(value)`` for an error message, cut to :data:`MAX_ECHOED_CHARS` with a note of how
    long it was."""
    text = repr(value)
    if len(text) <= MAX_ECHOED_CHARS:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(text)} characters"
    return f"{text[: MAX_ECHOED_CHARS - 20]}... ({size})"


def _did_you_mean(unknown: str, known: list[str]) -> str:
    """`` (did you mean 'account_id'?)`` when ``unknown`` is close to one of ``known``."""
    import difflib

    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_keys(error: ValidationError, schema: Mapping[str, Any]) -> list[str]:
    allowed = schema.get("properties", {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    return sorted(str(k) for k in instance if k not in allowed)


def describe_schema_error(error: ValidationError) -> str:
    """One line for a schema violation: the key, what is wrong, and what is expected."""
    where = _where(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = _unknown_keys(error, schema)
        keys = ", ".join(echo(k) + _did_you_mean(k, allowed) for k in extra[:5])
        more = f" and {len(extra) - 5} more" if len(extra) > 5 else ""
        return f"{where}: unknown key {keys}{more} (allowed: {', '.join(allowed)})"
    if error.validator == "required":
        required = [str(k) for k in schema.get("required", [])]
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in required if k not in instance][:1]
        if missing:
            # A typo in a required key shows up as that key missing: name the typo.
            typos = [k for k in _unknown_keys(error, schema) if _did_you_mean(k, missing)]
            if typos:
                return (
                    f"{where}: unknown key {echo(typos[0])} (did you mean {missing[0]!r}?); "
                    f"{missing[0]!r} is missing"
                )
            return f"{where}: {missing[0]!r} is missing"
        return f"{where}: {error.message.replace('is a required property', 'is missing')}"
    if error.validator == "type":
        return f"{where}: expected {error.validator_value}, got {json_type(error.instance)}"
    if error.validator == "minItems" and error.validator_value == 1:
        return f"{where}: must not be empty"
    if error.validator == "enum" and isinstance(error.validator_value, list):
        options = ", ".join(map(repr, error.validator_value))
        return f"{where}: {echo(error.instance)} is not one of {options}"
    description = schema.get("description")
    if description:
        return f"{where}: {echo(error.instance)} is not valid. {description}"
    message = error.message
    if len(message) > 2 * MAX_ECHOED_CHARS:
        # jsonschema's own messages start with the value; keep what it says about it.
        message = message.replace(repr(error.instance), echo(error.instance))
    return f"{where}: {message}"


def check_against_schema(data: Mapping[str, Any], *, schema: str, source: str) -> None:
    """Raise :class:`SetupFileError` for the most relevant violation of ``schema``."""
    from iam_redshift._quick_schema import quick_validator

    quick = quick_validator(schema)
    if quick is not None and quick(data):
        return  # valid: no need to import jsonschema (a tenth of a second) to say so
    from jsonschema.exceptions import best_match

    from iam_redshift._schemas import validator

    error = best_match(validator(schema).iter_errors(data))
    if error is not None:
        raise SetupFileError(source, describe_schema_error(error))


def _target_from_mapping(role: Mapping[str, Any], where: str, table: str) -> Target | None:
    """The cluster or workgroup a role's table names, if any; ``where`` names the role and
    ``table`` its table (``access_roles`` or ``instance_role``) in error messages."""
    kinds = {RedshiftCluster.key: RedshiftCluster, RedshiftServerless.key: RedshiftServerless}
    present = [key for key in kinds if key in role]
    if len(present) > 1:
        raise SetupError(
            where,
            present,
            f"a role reaches either a provisioned cluster ([{table}.redshift]) or a serverless "
            f"workgroup ([{table}.redshift_serverless]), not both",
        )
    if not present:
        return None
    try:
        # The schema has already checked the keys: required ones present, no others.
        target: Target = kinds[present[0]](**role[present[0]])
    except SetupError as error:
        raise SetupError(f"{where}.{error.field}", error.value, error.reason) from None
    return target


def _check_regions(role: Mapping[str, Any], where: str) -> None:
    """A region that no partition has (``us-esat-1``) is a typo the schema's pattern lets
    through: the partitions' regions come from the action-knowledge index."""
    from iam_redshift import knowledge

    for table in ("redshift", "redshift_serverless"):
        target = role.get(table)
        region = target.get("region") if isinstance(target, Mapping) else None
        if isinstance(region, str) and not knowledge.region_known(region):
            close = knowledge.closest_region(region)
            hint = f"; did you mean {close!r}?" if close else ""
            raise SetupError(
                f"{where}.{table}.region",
                region,
                f"not a region of any AWS partition{hint}",
            )


def setup_from_mapping(
    data: Mapping[str, Any], *, source: str = "<setup>", schema: str | None = "setup.schema.json"
) -> Setup:
    """Build a :class:`Setup` from a decoded setup file (or manifest), schema first.

    ``schema=None`` skips the schema, for a caller that only wants to know whether ``data`` is
    what a render writes and checks that more strictly (byte for byte) afterwards: it must then
    expect ``LookupError``, ``TypeError`` and ``AttributeError`` for data of the wrong shape.
    """
    if schema is not None:
        check_against_schema(data, schema=schema, source=source)
    try:
        roles = []
        for index, entry in enumerate(data["access_roles"]):
            where = f"access_roles[{index}]"
            _check_regions(entry, where)
            try:
                target = _target_from_mapping(entry, where, "access_roles")
                roles.append(AccessRole(entry["name"], entry.get("path", "/"), target))
            except SetupError as error:
                field = error.field.replace("access_roles[]", where)
                raise SetupError(field, error.value, error.reason) from None
        instance = data["instance_role"]
        _check_regions(instance, "instance_role")
        return Setup(
            account_id=data["account_id"],
            partition=data.get("partition", "aws"),
            profile=data.get("profile", "seed"),
            instance_role=InstanceRole(
                instance["name"],
                instance.get("path", "/"),
                instance.get("list_roles", False),
                _target_from_mapping(instance, "instance_role", "instance_role"),
            ),
            access_roles=tuple(roles),
        )
    except SetupError as error:
        raise SetupFileError(
            source, f"{error.field}: {error.reason} (got {echo(error.value)})"
        ) from None


def parse_setup(data: bytes, *, source: str = "<setup>") -> Setup:
    """A :class:`Setup` from the bytes of a TOML or JSON setup file."""
    return setup_from_mapping(parse_mapping(data, source=source), source=source)


def load_setup(path: str | Path) -> Setup:
    """Read, check and build the setup in the file at ``path``."""
    path = Path(path)
    data = read_document_bytes(path, limit=MAX_SETUP_BYTES, what="setup file")
    return parse_setup(data, source=str(path))


def _target_to_mapping(target: Target) -> dict[str, Any]:
    """A target's table: every field in order, lists for tuples, unset options left out."""
    table: dict[str, Any] = {}
    for field in fields(target):
        value = getattr(target, field.name)
        if value is not None:
            table[field.name] = list(value) if isinstance(value, tuple) else value
    return table


def _role_to_mapping(role: InstanceRole | AccessRole, setup: Setup) -> dict[str, Any]:
    table: dict[str, Any] = {"name": role.name, "path": role.path}
    # Only least privilege knows these keys; a seed setup's mapping stays the seed's.
    if isinstance(role, InstanceRole) and setup.profile == "least-privilege":
        table["list_roles"] = role.list_roles
    if role.target is not None:
        table[role.target.key] = _target_to_mapping(role.target)
    return table


def setup_to_mapping(setup: Setup) -> dict[str, Any]:
    """The setup as the keys of a setup file, every default spelled out."""
    return {
        "account_id": setup.account_id,
        "partition": setup.partition,
        "profile": setup.profile,
        "instance_role": _role_to_mapping(setup.instance_role, setup),
        "access_roles": [_role_to_mapping(r, setup) for r in setup.access_roles],
    }


def dump_json(setup: Setup) -> str:
    """The setup as a JSON setup file."""
    return json.dumps(setup_to_mapping(setup), indent=2) + "\n"


def _toml_string(value: str) -> str:
    # json.dumps escapes ", \ and control characters; TOML also wants DEL escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_table(mapping: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in mapping.items():
        if isinstance(value, str):
            lines.append(f"{key} = {_toml_string(value)}")
        elif isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            lines.append(f"{key} = [{', '.join(_toml_string(v) for v in value)}]")
    return lines


def _toml_section(header: str, mapping: Mapping[str, Any], *, array: bool = False) -> list[str]:
    """One table (or array-of-tables entry) and, after it, its sub-tables."""
    lines = ["", f"[[{header}]]" if array else f"[{header}]", *_toml_table(mapping)]
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines += _toml_section(f"{header}.{key}", value)
    return lines


def dump_toml(setup: Setup) -> str:
    """The setup as a TOML setup file that :func:`load_setup` reads back unchanged."""
    mapping = setup_to_mapping(setup)
    lines = _toml_table(mapping)
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines += _toml_section(key, value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for entry in value:
                lines += _toml_section(key, entry, array=True)
    return "\n".join(lines) + "\n"
