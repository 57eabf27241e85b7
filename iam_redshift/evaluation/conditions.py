"""The Condition element, decided offline against a request context.

IAM's rules (IAM User Guide, "Condition operators" and "Conditions with multiple context keys
or values"): operators are ANDed, keys within an operator are ANDed, the values of one key are
ORed (NORed for a negated operator). A key missing from the request makes a condition false,
except for negated operators (true), ``...IfExists`` (true) and ``Null``. ``ForAnyValue:`` and
``ForAllValues:`` compare a multivalued key's values as sets; ``ForAllValues`` holds for a
missing key, ``ForAnyValue`` does not.

A key the caller's context does not mention at all is *unknown*: the condition is then
undecidable (None) and the key is reported, never guessed.
"""

from __future__ import annotations

import ipaddress
import math
import operator as op
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from iam_redshift._record import record
from iam_redshift.evaluation.variables import (
    ContextValue,
    Substituted,
    plain_text,
    substitute,
    unsubstituted,
    wildcard_match,
)

__all__ = ["Outcome", "evaluate_condition", "known_operator"]


@record
class Outcome:
    """True, False, or None (undecidable), with the keys that made it undecidable."""

    value: bool | None
    unknown: tuple[str, ...] = ()


TRUE = Outcome(True)
FALSE = Outcome(False)


def both(outcomes: list[Outcome]) -> Outcome:
    """AND in three values: any false is false, else any unknown is unknown."""
    if any(o.value is False for o in outcomes):
        return FALSE
    unknown = tuple(dict.fromkeys(k for o in outcomes for k in o.unknown))
    return Outcome(None, unknown) if any(o.value is None for o in outcomes) else TRUE


def either(outcomes: list[Outcome]) -> Outcome:
    """OR in three values: any true is true, else any unknown is unknown."""
    if any(o.value is True for o in outcomes):
        return TRUE
    unknown = tuple(dict.fromkeys(k for o in outcomes for k in o.unknown))
    return Outcome(None, unknown) if any(o.value is None for o in outcomes) else FALSE


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _date(text: str) -> float | None:
    number = _number(text)
    if number is not None:
        return number  # epoch seconds
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def _ordered(parse: Callable[[str], float | None], test: Callable[[float, float], bool]) -> Any:
    def compare(policy: str, request: str) -> bool:
        p, r = parse(plain_text(policy)), parse(request)
        return p is not None and r is not None and test(r, p)

    return compare


def _arn_like(policy: str, request: str) -> bool:
    # Each of the six colon-separated fields is matched on its own, so * never spans a colon
    # there; the resource field may itself hold colons.
    pattern_fields, request_fields = policy.split(":", 5), request.split(":", 5)
    if len(pattern_fields) < 6:
        return wildcard_match(policy, request)
    if len(request_fields) < 6:
        return False
    return all(wildcard_match(p, r) for p, r in zip(pattern_fields, request_fields, strict=True))


def _ip(policy: str, request: str) -> bool:
    try:
        network = ipaddress.ip_network(plain_text(policy), strict=False)
        return ipaddress.ip_address(request) in network
    except ValueError:
        return False


# name -> (compare(policy value, request value), negated)
_OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "stringequals": (lambda p, r: plain_text(p) == r, False),
    "stringnotequals": (lambda p, r: plain_text(p) == r, True),
    "stringequalsignorecase": (lambda p, r: plain_text(p).casefold() == r.casefold(), False),
    "stringnotequalsignorecase": (lambda p, r: plain_text(p).casefold() == r.casefold(), True),
    "stringlike": (wildcard_match, False),
    "stringnotlike": (wildcard_match, True),
    "bool": (lambda p, r: plain_text(p).lower() == r.lower(), False),
    "binaryequals": (lambda p, r: plain_text(p) == r, False),
    "ipaddress": (_ip, False),
    "notipaddress": (_ip, True),
    "arnequals": (_arn_like, False),
    "arnlike": (_arn_like, False),
    "arnnotequals": (_arn_like, True),
    "arnnotlike": (_arn_like, True),
}

# The Numeric and Date operators: the same six comparisons of parsed values (the request's
# value on the left: NumericLessThan is true when the request's number is less).
_COMPARISONS: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {
    "equals": (op.eq, False),
    "notequals": (op.eq, True),
    "lessthan": (op.lt, False),
    "lessthanequals": (op.le, False),
    "greaterthan": (op.gt, False),
    "greaterthanequals": (op.ge, False),
}
_OPERATORS.update(
    {
        f"{kind}{name}": (_ordered(parse, compare), negated)
        for kind, parse in (("numeric", _number), ("date", _date))
        for name, (compare, negated) in _COMPARISONS.items()
    }
)

#: Operators whose values may hold policy variables (IAM User Guide, "Condition operators").
_VARIABLES = ("string", "arn")


def _split(operator: str) -> tuple[str, str, bool]:
    """(set qualifier, base operator, IfExists), all lower-cased."""
    qualifier, _, base = operator.rpartition(":")
    base = base.lower()
    if_exists = base.endswith("ifexists") and base != "ifexists"
    if if_exists:
        base = base[: -len("ifexists")]
    return qualifier.lower(), base, if_exists


def known_operator(operator: str) -> bool:
    """Whether this evaluator can decide ``operator``."""
    qualifier, base, _ = _split(operator)
    return qualifier in ("", "foranyvalue", "forallvalues") and (
        base in _OPERATORS or base == "null"
    )


def _texts(value: Any) -> list[str] | None:
    """A condition's values as strings (IAM reads true and 3600 as "true" and "3600")."""
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if isinstance(item, bool):
            texts.append("true" if item else "false")
        elif isinstance(item, str):
            texts.append(item)
        elif isinstance(item, int | float):
            texts.append(str(item))
        else:
            return None
    return texts


def _one_key(
    operator: str, key: str, values: Any, context: Mapping[str, ContextValue], variables: bool
) -> Outcome:
    qualifier, base, if_exists = _split(operator)
    texts = _texts(values)
    if texts is None or not known_operator(operator):
        return Outcome(None, (f"{operator} on {key} (not decidable offline)",))
    lowered = key.lower()
    if lowered not in context:
        return Outcome(None, (key,))
    present = context[lowered]
    request = [present] if isinstance(present, str) else list(present or ())
    if base == "null":
        expect_missing = [t.lower() == "true" for t in texts]
        return Outcome(any(m == (not request) for m in expect_missing))
    compare, negated = _OPERATORS[base]
    if not request:
        if qualifier == "forallvalues" or if_exists:
            return TRUE
        if qualifier == "foranyvalue":
            return FALSE
        return Outcome(negated)
    # Policy values, their variables filled in where the operator takes them.
    filled: list[Substituted] = [
        substitute(t, context) if variables and base.startswith(_VARIABLES) else unsubstituted(t)
        for t in texts
    ]
    unknown = tuple(k for s in filled for k in s.unknown)
    patterns = [s.text for s in filled if s.text is not None]

    def matches(value: str) -> bool:
        return any(compare(p, value) for p in patterns)

    def holds(value: str) -> bool:
        return not matches(value) if negated else matches(value)

    if qualifier == "forallvalues":
        result = all(holds(v) for v in request)
    else:  # ForAnyValue, and a single-valued operator given several values: any one of them
        result = any(holds(v) for v in request)
    # An unknown variable could still make a value match: only a decided match counts.
    if unknown and result is negated:
        return Outcome(None, unknown)
    return Outcome(result)


def evaluate_condition(
    condition: Any, context: Mapping[str, ContextValue], *, variables: bool = True
) -> Outcome:
    """Whether a statement's Condition block holds for ``context`` (lower-cased keys).

    ``variables`` is False for a policy whose Version predates policy variables.
    """
    if condition is None:
        return TRUE
    if not isinstance(condition, dict):
        return Outcome(None, ("Condition (not an object)",))
    outcomes = []
    for operator, block in condition.items():
        if not isinstance(block, dict):
            outcomes.append(Outcome(None, (f"{operator} (not an object)",)))
            continue
        for key, values in block.items():
            outcomes.append(_one_key(operator, key, values, context, variables))
    return both(outcomes)
