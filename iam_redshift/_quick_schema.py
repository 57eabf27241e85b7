"""A fast yes/no check of a document against one of our JSON Schemas.

Almost every document the linter sees is valid, and jsonschema's ``iter_errors`` costs about
4 ms for a typical AWS managed policy: most of a lint. This module compiles a schema once into
plain closures that answer only "valid or not", with the meaning Draft 2020-12 gives the
keywords our schemas use. The grammar rule asks it first and runs jsonschema (for the error
messages) only when the answer is "not valid".

A keyword it does not implement makes :func:`quick_validator` return None, so a schema that
grows a new keyword falls back to jsonschema instead of being half-checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["quick_validator"]

Check = Callable[[Any], bool]

#: Keywords that never make a document invalid (then and else are compiled with if).
_IGNORED = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "title",
        "description",
        "default",
        "examples",
        "then",
        "else",
    }
)
#: JSON types whose check is one isinstance call (JSON values are exact built-in types).
_SIMPLE_TYPES: dict[str, type] = {"string": str, "object": dict, "array": list, "boolean": bool}


class _Unsupported(Exception):
    """The schema uses a keyword (or a form of one) this module does not implement."""


def _always(_instance: Any) -> bool:
    return True


def _never(_instance: Any) -> bool:
    return False


def _is_type(instance: Any, name: str) -> bool:
    if name in _SIMPLE_TYPES:
        return isinstance(instance, _SIMPLE_TYPES[name])
    if name == "number":
        return isinstance(instance, int | float) and not isinstance(instance, bool)
    if name == "integer":
        if isinstance(instance, bool):
            return False
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    if name == "null":
        return instance is None
    raise _Unsupported(f"type {name!r}")


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda instance: first(instance) and second(instance)
    frozen = tuple(checks)

    def every(instance: Any) -> bool:
        # A plain loop is twice as fast as all() over a generator, and this runs for every
        # statement of every document.
        for check in frozen:  # noqa: SIM110
            if not check(instance):
                return False
        return True

    return every


def _number(instance: Any) -> bool:
    return isinstance(instance, int | float) and not isinstance(instance, bool)


def _bound(keyword: str, limit: Any) -> Check:
    """``minimum`` and its kin: they apply to numbers only (a bool is not one)."""
    if not _number(limit):
        raise _Unsupported(f"{keyword} of a non-number")
    compare: dict[str, Check] = {
        "minimum": lambda x: bool(x >= limit),
        "maximum": lambda x: bool(x <= limit),
        "exclusiveMinimum": lambda x: bool(x > limit),
        "exclusiveMaximum": lambda x: bool(x < limit),
    }
    check = compare[keyword]
    return lambda instance: not _number(instance) or check(instance)


def _string_check(keywords: Mapping[str, Any]) -> Check | None:
    """A schema that is ``"type": "string"`` with a ``pattern`` or ``minLength`` (each action,
    each ARN) as one check, not one a keyword: it runs for every item of every Action and
    Resource list. None for any other schema."""
    if keywords.get("type") != "string" or not keywords.keys() <= {"type", "pattern", "minLength"}:
        return None
    pattern = keywords.get("pattern")
    search = re.compile(pattern).search if isinstance(pattern, str) else None
    if "pattern" in keywords and search is None:
        raise _Unsupported("a pattern that is not a string")
    shortest = keywords.get("minLength", 0)
    if not isinstance(shortest, int) or isinstance(shortest, bool):
        raise _Unsupported("minLength that is not an integer")
    if search is None:
        return lambda instance: isinstance(instance, str) and len(instance) >= shortest
    if not shortest:
        return lambda instance: isinstance(instance, str) and search(instance) is not None
    return lambda instance: (
        isinstance(instance, str) and len(instance) >= shortest and search(instance) is not None
    )


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}
        self.compiling: set[str] = set()

    def ref(self, target: Any) -> Check:
        if isinstance(target, str) and "#" in target and not target.startswith("#"):
            # Another of our schemas (setup.schema.json#/$defs/account_id): compiled with it.
            from iam_redshift._schemas import load_schema

            other, _, local = target.partition("#")
            if "/" in other or not other:
                raise _Unsupported(f"$ref {target!r}")
            compiler: _Compiler = _Compiler(load_schema(other))
            return compiler.ref("#" + local)
        prefix = "#/$defs/"
        name = target[len(prefix) :] if isinstance(target, str) else ""
        if not target.startswith(prefix) or "/" in name or name not in self.root.get("$defs", {}):
            raise _Unsupported(f"$ref {target!r}")
        if name not in self.refs:
            if name in self.compiling:
                # A recursive reference: look the compiled check up when it runs.
                def later(instance: Any) -> bool:
                    return self.refs[name](instance)

                return later
            self.compiling.add(name)
            self.refs[name] = self.compile(self.root["$defs"][name])
            self.compiling.discard(name)
        return self.refs[name]

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise _Unsupported("a schema that is not an object or a boolean")
        keywords = {k: v for k, v in schema.items() if k not in _IGNORED}
        string = _string_check(keywords)
        if string is not None:
            return string
        return _all_of([self.keyword(k, v, schema) for k, v in keywords.items()])

    def keyword(self, keyword: str, value: Any, schema: Mapping[str, Any]) -> Check:
        """One keyword of ``schema`` as a check (its siblings matter for a few keywords)."""
        if keyword == "$ref":
            return self.ref(value)
        if keyword == "type":
            return self.type(value)
        if keyword in ("enum", "const"):
            allowed = frozenset(value if keyword == "enum" else [value])
            if not all(isinstance(v, str) for v in allowed):
                raise _Unsupported(f"{keyword} of values other than strings")
            return lambda instance: isinstance(instance, str) and instance in allowed
        if keyword == "pattern":
            search = re.compile(value).search  # jsonschema searches, as here
            return lambda instance: not isinstance(instance, str) or search(instance) is not None
        if keyword == "minLength":
            return lambda instance: not isinstance(instance, str) or len(instance) >= value
        if keyword == "maxLength":
            return lambda instance: not isinstance(instance, str) or len(instance) <= value
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            return _bound(keyword, value)
        if keyword == "maxItems":
            return lambda instance: not isinstance(instance, list) or len(instance) <= value
        if keyword == "minItems":
            return lambda instance: not isinstance(instance, list) or len(instance) >= value
        if keyword == "minProperties":
            return lambda instance: not isinstance(instance, dict) or len(instance) >= value
        if keyword == "required":
            names = tuple(value)
            return lambda instance: (
                not isinstance(instance, dict) or all(n in instance for n in names)
            )
        if keyword == "properties":
            return self.properties(value)
        if keyword == "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported("additionalProperties beside patternProperties")
            return self.additional(frozenset(schema.get("properties", {})), self.compile(value))
        if keyword == "propertyNames":
            names_check = self.compile(value)
            return lambda instance: (
                not isinstance(instance, dict) or all(map(names_check, instance))
            )
        if keyword == "items":
            if "prefixItems" in schema or not isinstance(value, dict | bool):
                raise _Unsupported("items with prefixItems, or in its old array form")
            item = self.compile(value)
            return lambda instance: not isinstance(instance, list) or all(map(item, instance))
        if keyword == "if":
            condition = self.compile(value)
            then = self.compile(schema.get("then", True))
            otherwise = self.compile(schema.get("else", True))
            return lambda instance: then(instance) if condition(instance) else otherwise(instance)
        if keyword == "not":
            negated = self.compile(value)
            return lambda instance: not negated(instance)
        if keyword in ("allOf", "anyOf", "oneOf"):
            subs = [self.compile(s) for s in value]
            if keyword == "allOf":
                return _all_of(subs)
            if keyword == "anyOf":
                return lambda instance: any(sub(instance) for sub in subs)
            return lambda instance: sum(1 for sub in subs if sub(instance)) == 1
        if keyword == "dependentSchemas":
            return self.dependent({n: self.compile(s) for n, s in value.items()})
        raise _Unsupported(keyword)

    @staticmethod
    def type(value: Any) -> Check:
        names = {value} if isinstance(value, str) else set(value)
        for name in names:
            _is_type(None, name)  # refuses unknown type names now, not at check time
        if names <= _SIMPLE_TYPES.keys():
            types = tuple(_SIMPLE_TYPES[n] for n in names)
            return lambda instance: isinstance(instance, types)
        return lambda instance: any(_is_type(instance, name) for name in names)

    def properties(self, value: Mapping[str, Any]) -> Check:
        compiled = {name: self.compile(sub) for name, sub in value.items()}

        def check(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            for name, member in instance.items():
                sub = compiled.get(name)
                if sub is not None and not sub(member):
                    return False
            return True

        return check

    @staticmethod
    def additional(known: frozenset[str], sub: Check) -> Check:
        def check(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(sub(v) for k, v in instance.items() if k not in known)

        return check

    @staticmethod
    def dependent(compiled: Mapping[str, Check]) -> Check:
        def check(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(sub(instance) for name, sub in compiled.items() if name in instance)

        return check


@functools.cache
def quick_validator(name: str) -> Check | None:
    """A function telling whether a value is valid against schema ``name``, or None when the
    schema uses a keyword this module does not implement (then ask jsonschema)."""
    from iam_redshift._schemas import load_schema

    try:
        return _Compiler(load_schema(name)).compile(load_schema(name))
    except (_Unsupported, re.error, TypeError, AttributeError):
        return None
