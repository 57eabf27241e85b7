"""A fast yes/no check of a document against one of our JSON Schemas.

Almost every document the linter sees is valid, and jsonschema's ``iter_errors`` costs about
4 ms for a typical AWS managed policy: most of a lint. This module compiles a schema once into
plain closures that answer only "valid or not", with the meaning Draft 2020-12 gives the
keywords our schemas use. The grammar rule asks it first and runs jsonschema (for the error
messages) only when the answer is "not valid".

Each schema is compiled once for each JSON type: what it asks of a string, of an object, of an
array... with the keywords about other types left out, and ``if``/``not``/``anyOf`` decided at
compile time where the type alone decides them (``"if": {"type": "object"}``). A value's type is
looked up once, where the check goes down into a member or an item, not again by every keyword.

A keyword it does not implement makes :func:`quick_validator` return None, so a schema that
grows a new keyword falls back to jsonschema instead of being half-checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from iam_redshift._schemas import ecma_regex

__all__ = ["quick_validator"]

Check = Callable[[Any], bool]

#: The JSON types a check tells apart; "other" is a Python value of none of them (a tuple, a
#: date), which only keywords about every value (type, enum, allOf...) can fail.
_KINDS = ("string", "object", "array", "number", "boolean", "null", "other")
#: The exact classes of decoded JSON values, and their types (subclasses go through _kind).
_CLASS_KINDS: dict[type, str] = {
    str: "string",
    dict: "object",
    list: "array",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}
#: The types whose values are of one class (and its subclasses): one isinstance tells them.
_SINGLE_CLASS: dict[str, type] = {"string": str, "object": dict, "array": list}
#: The types a ``type`` keyword may name ("integer" is a kind of number).
_TYPE_NAMES = frozenset({"string", "object", "array", "number", "integer", "boolean", "null"})

#: What a schema asks of a value of each JSON type: a check of a value known to be of that type
#: (:func:`_never` when none passes). A type it leaves out: every value of it passes (most
#: keywords are about one type, and a table of one entry is cheaper to compile than of seven).
Table = dict[str, Check]

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
#: Keywords about strings, checked together by one function (each action, each ARN).
_STRING_KEYWORDS = frozenset({"pattern", "minLength", "maxLength"})


class _Unsupported(Exception):
    """The schema uses a keyword (or a form of one) this module does not implement."""


def _always(_instance: Any) -> bool:
    return True


def _never(_instance: Any) -> bool:
    return False


_ANY: Table = {}
_NONE: Table = dict.fromkeys(_KINDS, _never)


def _kind(instance: Any) -> str:
    """The JSON type of ``instance`` as jsonschema sees it (by isinstance: subclasses count)."""
    kind = _CLASS_KINDS.get(instance.__class__)
    if kind is not None:
        return kind
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int | float):
        return "number"
    for cls, name in ((str, "string"), (dict, "object"), (list, "array")):
        if isinstance(instance, cls):
            return name
    return "other"


def _only(kind: str, check: Check | None) -> Table:
    """A keyword about values of one type: the others pass it."""
    return _ANY if check is None else {kind: check}


def _per_kind(checks: Callable[[str], Check | None]) -> Table:
    """The table of ``checks(kind)`` for every kind (those that are None: every value passes)."""
    table: Table = {}
    for kind in _KINDS:
        check = checks(kind)
        if check is not None:
            table[kind] = check
    return table


def _runnable(check: Check | None) -> Check:
    return _always if check is None else check


def _all_of(checks: list[Check | None]) -> Check | None:
    live: list[Check] = []
    for check in checks:
        if check is _never:
            return _never
        if check is not None:
            live.append(check)
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    if len(live) == 2:
        first, second = live
        return lambda instance: first(instance) and second(instance)
    frozen = tuple(live)

    def every(instance: Any) -> bool:
        # A plain loop is twice as fast as all() over a generator, and this runs for every
        # statement of every document.
        for check in frozen:  # noqa: SIM110
            if not check(instance):
                return False
        return True

    return every


def _tables_all_of(tables: list[Table]) -> Table:
    tables = [table for table in tables if table]
    if len(tables) <= 1:
        return tables[0] if tables else _ANY
    if sum(map(len, tables)) == len(merged := {k: c for t in tables for k, c in t.items()}):
        return merged  # each type asked about by one keyword only (a type and a pattern)
    by_kind: dict[str, list[Check | None]] = {}
    for table in tables:
        for kind, check in table.items():
            by_kind.setdefault(kind, []).append(check)
    return {kind: _all_of(checks) or _always for kind, checks in by_kind.items()}


def _dispatch(table: Table) -> Check:
    """One check for a value of any type: its type's check in ``table``. Worked out where a
    value's type is not known yet (a member, an item), once, not once for every keyword."""
    if not table:
        return _always
    live = [kind for kind in _KINDS if table.get(kind) is not _never]
    if not live:
        return _never
    if len(live) == 1 and live[0] in _SINGLE_CLASS:
        # One type only (an action, a statement): one isinstance, no lookup.
        only, cls = table.get(live[0]), _SINGLE_CLASS[live[0]]
        if only is None:
            return lambda instance: isinstance(instance, cls)
        return lambda instance: isinstance(instance, cls) and only(instance)
    by_class = {cls: table.get(kind) for cls, kind in _CLASS_KINDS.items()}

    def check(instance: Any) -> bool:
        try:
            sub = by_class[instance.__class__]
        except KeyError:
            sub = table.get(_kind(instance))
        return sub is None or sub(instance)

    return check


def _number(instance: Any) -> bool:
    return isinstance(instance, int | float) and not isinstance(instance, bool)


def _bound(keyword: str, limit: Any) -> Table:
    """``minimum`` and its kin: they apply to numbers only (a bool is not one)."""
    if not _number(limit):
        raise _Unsupported(f"{keyword} of a non-number")
    compare: dict[str, Check] = {
        "minimum": lambda x: bool(x >= limit),
        "maximum": lambda x: bool(x <= limit),
        "exclusiveMinimum": lambda x: bool(x > limit),
        "exclusiveMaximum": lambda x: bool(x < limit),
    }
    return _only("number", compare[keyword])


def _string_keywords(keywords: Mapping[str, Any]) -> Check | None:
    """``pattern``, ``minLength`` and ``maxLength`` of one schema as one check of a string: it
    runs for every item of every Action and Resource list."""
    pattern = keywords.get("pattern")
    search = ecma_regex(pattern).search if isinstance(pattern, str) else None
    if "pattern" in keywords and search is None:
        raise _Unsupported("a pattern that is not a string")
    shortest, longest = keywords.get("minLength", 0), keywords.get("maxLength")
    for limit in (shortest, longest):
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
            raise _Unsupported("a length that is not an integer")

    def within(text: str) -> bool:
        return shortest <= len(text) and (longest is None or len(text) <= longest)

    bounded = bool(shortest) or longest is not None
    if search is None:
        return within if bounded else None
    if not bounded:
        return lambda text: search(text) is not None
    return lambda text: within(text) and search(text) is not None


def _integral(instance: Any) -> bool:
    """A number that is an integer: 1 and 1.0 (as jsonschema sees them)."""
    return isinstance(instance, int) or instance.is_integer()


@functools.cache
def _type_table(names: frozenset[str]) -> Table:
    """What ``"type": NAMES`` asks (shared: a table is never changed once made)."""
    table: Table = {kind: _never for kind in _KINDS if kind not in names}
    if "number" not in names and "integer" in names:
        table["number"] = _integral
    return table


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Table] = {}
        self.compiling: set[str] = set()
        # One check a table (a definition referred to from many places): by the table's
        # identity, holding the table so that the identity stays its own.
        self.dispatched: dict[int, tuple[Table, Check]] = {}

    def compile(self, schema: Any) -> Check:
        """``schema`` as one check of a value of any type."""
        table = self.table(schema)
        known = self.dispatched.get(id(table))
        if known is None:
            known = self.dispatched[id(table)] = (table, _dispatch(table))
        return known[1]

    def ref(self, target: Any) -> Table:
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
                def later(kind: str) -> Check:
                    def check(instance: Any) -> bool:
                        return _runnable(self.refs[name].get(kind))(instance)

                    return check

                return {kind: later(kind) for kind in _KINDS}
            self.compiling.add(name)
            self.refs[name] = self.table(self.root["$defs"][name])
            self.compiling.discard(name)
        return self.refs[name]

    def table(self, schema: Any) -> Table:
        """What ``schema`` asks of a value of each type."""
        if schema is True:
            return _ANY
        if schema is False:
            return _NONE
        if not isinstance(schema, dict):
            raise _Unsupported("a schema that is not an object or a boolean")
        tables = [self.keyword(k, v, schema) for k, v in schema.items() if k not in _IGNORED]
        if not schema.keys().isdisjoint(_STRING_KEYWORDS):
            tables.append(_only("string", _string_keywords(schema)))
        return _tables_all_of(tables)

    def keyword(self, keyword: str, value: Any, schema: Mapping[str, Any]) -> Table:
        """One keyword of ``schema`` (its siblings matter for a few keywords)."""
        if keyword == "$ref":
            return self.ref(value)
        if keyword == "type":
            return self.type(value)
        if keyword in _STRING_KEYWORDS:
            return _ANY  # all three at once, by table()
        if keyword in ("enum", "const"):
            allowed = frozenset(value if keyword == "enum" else [value])
            if not all(isinstance(v, str) for v in allowed):
                raise _Unsupported(f"{keyword} of values other than strings")
            return {**_NONE, "string": lambda instance: instance in allowed}
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            return _bound(keyword, value)
        if keyword == "maxItems":
            return _only("array", lambda instance: len(instance) <= value)
        if keyword == "minItems":
            return _only("array", lambda instance: len(instance) >= value)
        if keyword == "minProperties":
            return _only("object", lambda instance: len(instance) >= value)
        if keyword == "required":
            names = frozenset(value)
            return _only("object", lambda instance: instance.keys() >= names)
        if keyword == "properties":
            return self.members(value, schema.get("additionalProperties"))
        if keyword == "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported("additionalProperties beside patternProperties")
            if "properties" in schema:
                return _ANY  # checked with them, in one pass over the members
            return self.members({}, value)
        if keyword == "propertyNames":
            names_check = self.table(value).get("string")  # a name is a string
            if names_check is None:
                return _ANY
            return _only("object", lambda instance: all(map(names_check, instance)))
        if keyword == "items":
            if "prefixItems" in schema or not isinstance(value, dict | bool):
                raise _Unsupported("items with prefixItems, or in its old array form")
            item = self.compile(value)
            return _only("array", lambda instance: all(map(item, instance)))
        if keyword == "if":
            return self.condition(
                self.table(value),
                self.table(schema.get("then", True)),
                self.table(schema.get("else", True)),
            )
        if keyword == "not":
            negated = self.table(value)
            return _per_kind(lambda kind: _negation(negated.get(kind)))
        if keyword in ("allOf", "anyOf", "oneOf"):
            subs = [self.table(s) for s in value]
            if keyword == "allOf":
                return _tables_all_of(subs)
            if keyword == "anyOf":
                return _per_kind(lambda kind: _any_of([sub.get(kind) for sub in subs]))
            return _per_kind(lambda kind: _one_of([sub.get(kind) for sub in subs]))
        if keyword == "dependentSchemas":
            return self.dependent({n: self.table(s).get("object") for n, s in value.items()})
        raise _Unsupported(keyword)

    @staticmethod
    def type(value: Any) -> Table:
        names = frozenset([value] if isinstance(value, str) else value)
        if not names <= _TYPE_NAMES:
            raise _Unsupported(f"type {sorted(names - _TYPE_NAMES)!r}")
        return _type_table(names)

    @staticmethod
    def condition(condition: Table, then: Table, otherwise: Table) -> Table:
        """``if``/``then``/``else``, decided now for the types whose answer does not depend on
        the value (``"if": {"type": "object"}``)."""

        def decided(kind: str) -> Check | None:
            test = condition.get(kind)
            if test is None:
                return then.get(kind)
            if test is _never:
                return otherwise.get(kind)
            return _if_then_else(test, then.get(kind), otherwise.get(kind))

        return _per_kind(decided)

    def members(self, properties: Mapping[str, Any], additional: Any) -> Table:
        """``properties`` and ``additionalProperties`` together: one pass over the members."""
        compiled = {name: self.compile(sub) for name, sub in properties.items()}
        if additional is None:
            # Only the members named (a statement's "NotAction" in a dependentSchemas): look
            # them up, rather than going through every member of the object.
            named = tuple(compiled.items())

            def present(instance: Any) -> bool:
                for name, sub in named:
                    if name in instance and not sub(instance[name]):
                        return False
                return True

            return _only("object", present)
        other = self.compile(additional)

        def check(instance: Any) -> bool:
            for name, member in instance.items():  # noqa: SIM110 (as in _all_of)
                if not compiled.get(name, other)(member):
                    return False
            return True

        return _only("object", check)

    @staticmethod
    def dependent(compiled: Mapping[str, Check | None]) -> Table:
        live = {name: _runnable(check) for name, check in compiled.items() if check is not None}
        if not live:
            return _ANY
        pairs = tuple(live.items())

        def check(instance: Any) -> bool:
            for name, sub in pairs:  # noqa: SIM110 (as in _all_of)
                if name in instance and not sub(instance):
                    return False
            return True

        return _only("object", check)


def _if_then_else(test: Check, then: Check | None, otherwise: Check | None) -> Check | None:
    if then is None and otherwise is None:
        return None
    yes, no = _runnable(then), _runnable(otherwise)
    if otherwise is None:  # "if not NotAction then Action": most statements have no else
        return lambda instance: not test(instance) or yes(instance)
    if then is None:
        return lambda instance: test(instance) or no(instance)
    return lambda instance: yes(instance) if test(instance) else no(instance)


def _negation(check: Check | None) -> Check | None:
    if check is None:
        return _never
    if check is _never:
        return None
    negated = check
    return lambda instance: not negated(instance)


def _any_of(checks: list[Check | None]) -> Check | None:
    if any(check is None for check in checks):
        return None
    live = [check for check in checks if check is not None and check is not _never]
    if not live:
        return _never
    return lambda instance: any(check(instance) for check in live)


def _one_of(checks: list[Check | None]) -> Check | None:
    runnable = [_runnable(check) for check in checks if check is not _never]
    if not runnable:
        return _never
    return lambda instance: sum(1 for check in runnable if check(instance)) == 1


@functools.cache
def quick_validator(name: str) -> Check | None:
    """A function telling whether a value is valid against schema ``name``, or None when the
    schema uses a keyword this module does not implement (then ask jsonschema)."""
    from iam_redshift._schemas import load_schema

    schema = load_schema(name)
    try:
        compiled = _Compiler(schema).compile(schema)
    except (_Unsupported, re.error, TypeError, AttributeError):
        return None
    shape = _policy_shape(name, schema)
    if shape is None:
        return compiled
    # The common shape first (yes in C calls); whatever it is not sure of, the full check.
    return lambda instance: shape(instance) or compiled(instance)


# -- The common shape of a policy, in a few C calls ----------------------------------------------
#
# Nearly every policy linted is a Version string and a list of statements whose elements are
# strings or lists of strings: the compiled check still makes a Python call or two for every
# member and item. What follows accepts that shape with C calls (a set of key names, the classes
# of a list's items, a pattern's search mapped over a list) and says "not sure" for anything else,
# which the compiled check then decides. It only ever says yes to a valid document: the schema
# tests compare quick_validator with jsonschema on the corpus and on generated documents.

#: The policy schemas this shape was written for: whether every statement must name Resource or
#: NotResource, and the SHA-256 of the schema's canonical JSON when the shape was last checked
#: against it (tests/test_quick_schema.py fails when a schema changes: review the shape then).
_SHAPE_SCHEMAS = {
    "identity-policy.schema.json": (
        True,
        "2d933fe37acef129ada80c335ba357380fb7b338392e3ea1368a09be8e3f7687",
    ),
    "trust-policy.schema.json": (
        False,
        "cc3a451c1027d1c8769b2d758cb7533a8bc252d5e0ebc3314df4055c843b6f64",
    ),
}
_TOP_KEYS = frozenset({"Version", "Id", "Statement"})
_PRINCIPAL_KEYS = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
_STRINGS = frozenset({str})
_CONDITION_SCALARS = frozenset({str, int, float, bool})


def _policy_shape(name: str, schema: Mapping[str, Any]) -> Check | None:
    """The shape check for policy schema ``name``, or None for any other schema."""
    if name not in _SHAPE_SCHEMAS:
        return None
    needs_resource = _SHAPE_SCHEMAS[name][0]
    definitions = schema["$defs"]
    pattern = definitions["action"]["pattern"]
    action = ecma_regex(pattern).search
    operator = ecma_regex(definitions["condition_operator"]["pattern"]).search
    # A list of actions, joined by line feeds, as one text: one regex call for an Action list
    # hundreds long. A line feed is no character of an action, so each line must be one action,
    # and there must be one line an item (else an item held a line feed: no quick yes).
    one = pattern[1:-1] if pattern.startswith("^") and pattern.endswith("$") else None
    lines = re.compile(f"(?:(?:{one})\n)*(?:{one})").fullmatch if one is not None else None

    # The Action values found to fit the pattern so far: a lint meets the same actions in
    # policy after policy (the AWS managed policies: 60,900 values, about 17,000 distinct),
    # and the regex then runs only over those not met before (a first lint of that corpus:
    # 24 M instructions fewer, -0.4%; a lint that repeats its policies gains more).
    fitting: set[str] = set()

    def actions(value: Any) -> bool:
        if value.__class__ is str:
            if value in fitting:
                return True
            if action(value) is None:
                return False
            _remember(fitting, (value,))
            return True
        if value.__class__ is not list or not value or not set(map(type, value)) <= _STRINGS:
            return False
        # Only the values not seen before are matched (in any order: each must fit alone).
        unseen = list(set(value).difference(fitting))
        if not unseen:
            return True
        if lines is None or len(unseen) == 1:
            fits = all(map(action, unseen))
        else:
            text = "\n".join(unseen)
            fits = text.count("\n") == len(unseen) - 1 and lines(text) is not None
        if fits:
            _remember(fitting, unseen)
        return fits

    def strings(value: Any) -> bool:  # Resource, a principal: non-empty strings
        if value.__class__ is str:
            return value != ""
        return (
            value.__class__ is list
            and bool(value)
            and set(map(type, value)) <= _STRINGS
            and "" not in value
        )

    def principal(value: Any) -> bool:
        if value.__class__ is str:
            return value == "*"
        return (
            value.__class__ is dict
            and bool(value)
            and value.keys() <= _PRINCIPAL_KEYS
            and all(map(strings, value.values()))
        )

    def condition_values(value: Any) -> bool:
        if value.__class__ is list:
            return bool(value) and set(map(type, value)) <= _CONDITION_SCALARS
        return value.__class__ in _CONDITION_SCALARS

    def condition_block(block: Any) -> bool:
        return (
            block.__class__ is dict
            and bool(block)
            and set(map(type, block)) <= _STRINGS
            and "" not in block
            and all(map(condition_values, block.values()))
        )

    def condition(value: Any) -> bool:
        return (
            value.__class__ is dict
            and set(map(type, value)) <= _STRINGS
            and all(map(operator, value))
            and all(map(condition_block, value.values()))
        )

    def statement(value: Any) -> bool:
        if value.__class__ is not dict or not value.keys() <= elements:
            return False
        effect = value.get("Effect")
        if effect.__class__ is not str or effect not in ("Allow", "Deny"):
            return False
        # Exactly one of Action and NotAction; of Resource and NotResource, exactly one where
        # the schema asks for one, else at most one; of Principal and NotPrincipal at most one.
        if ("Action" in value) == ("NotAction" in value):
            return False
        resource, not_resource = "Resource" in value, "NotResource" in value
        if (resource and not_resource) or (needs_resource and not (resource or not_resource)):
            return False
        if "Principal" in value and "NotPrincipal" in value:
            return False
        for element, member in value.items():  # noqa: SIM110 (a loop: cheaper than all())
            if not checks[element](member):
                return False
        return True

    checks: dict[str, Check] = {
        "Sid": _is_string,
        "Effect": _always,  # checked above
        "Action": actions,
        "NotAction": actions,
        "Resource": strings,
        "NotResource": strings,
        "Principal": principal,
        "NotPrincipal": principal,
        "Condition": condition,
    }
    elements = checks.keys()

    def policy(value: Any) -> bool:
        if value.__class__ is not dict or not value.keys() <= _TOP_KEYS:
            return False
        for element in ("Version", "Id"):
            if element in value and value[element].__class__ is not str:
                return False
        statements = value.get("Statement")
        if statements.__class__ is dict:
            return statement(statements)
        return statements.__class__ is list and bool(statements) and all(map(statement, statements))

    return policy


def _is_string(value: Any) -> bool:
    return value.__class__ is str


#: At most this many Action values are remembered as fitting (then forgotten all at once), each
#: of at most :data:`_REMEMBERED_LENGTH` characters (the longest action name has about 100).
_REMEMBERED_VALUES = 32768
_REMEMBERED_LENGTH = 128


def _remember(fitting: set[str], values: Sequence[str]) -> None:
    """Note ``values`` (each checked to fit) in ``fitting``, within its bounds."""
    if len(fitting) + len(values) > _REMEMBERED_VALUES:
        fitting.clear()
    if len(values) > _REMEMBERED_VALUES:
        return
    if max(map(len, values)) <= _REMEMBERED_LENGTH:
        fitting.update(values)  # the usual list, in C
    else:
        fitting.update(v for v in values if len(v) <= _REMEMBERED_LENGTH)
