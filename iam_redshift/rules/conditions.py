"""IR503: condition keys and operators that do not fit the actions of their statement.

A key that no action of the statement documents (nor a global or cross-service key) never
matches a request, so the condition silently fails; a typed operator on a key of another type
(a String operator on a Bool key) compares nothing. The facts come from the compiled action index
(:mod:`iam_redshift.knowledge`), whose date every message names.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from iam_redshift import knowledge
from iam_redshift.rules._base import Example, Hit, LintContext, Rule
from iam_redshift.rules._common import (
    ACTION_SYNTAX,
    ACTIONS_TABLE,
    CACHED_TEXT,
    CONDITION,
    DBUSER_ARN,
    GLOBAL_KEYS,
    MULTIVALUED,
    OPERATORS,
    POLICY_CHECKS,
    allow,
    data_note,
    example_policy,
)
from iam_redshift.rules.wildcards import expand, has_wildcard, listed

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement


# -- IR503 --------------------------------------------------------------------------------------

#: Data types of the global condition keys whose type a typed operator can contradict (IAM
#: User Guide, "AWS global condition context keys"), lower-cased. aws:EpochTime takes a date or
#: a number of seconds. Keys not listed are strings or ARNs.
GLOBAL_KEY_TYPES: dict[str, frozenset[str]] = {
    "aws:currenttime": frozenset({"Date"}),
    "aws:epochtime": frozenset({"Date", "Numeric"}),
    "aws:tokenissuetime": frozenset({"Date"}),
    "aws:multifactorauthage": frozenset({"Numeric"}),
    "aws:multifactorauthpresent": frozenset({"Bool"}),
    "aws:securetransport": frozenset({"Bool"}),
    "aws:principalisawsservice": frozenset({"Bool"}),
    "aws:viaawsservice": frozenset({"Bool"}),
    "aws:assumedroot": frozenset({"Bool"}),
    "aws:ec2instancesourceprivateipv4": frozenset({"IP address"}),
    "aws:sourceip": frozenset({"IP address"}),
    "aws:vpcsourceip": frozenset({"IP address"}),
}

#: Global keys documented as strings or ARNs (the templates end in "/"), lower-cased: a Date,
#: Numeric, Bool or IP address operator never matches them. Other aws: keys (newer ones) are not
#: type-checked.
GLOBAL_STRING_KEYS = frozenset(
    {
        "aws:calledvia",
        "aws:calledviafirst",
        "aws:calledvialast",
        "aws:federatedprovider",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalservicename",
        "aws:principalservicenameslist",
        "aws:principaltype",
        "aws:referer",
        "aws:requestedregion",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceidentity",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:tagkeys",
        "aws:useragent",
        "aws:userid",
        "aws:username",
        "aws:principaltag/",
        "aws:requesttag/",
        "aws:resourcetag/",
    }
)

#: Global keys that can hold several values in one request: the only global keys a set
#: operator (ForAllValues:, ForAnyValue:) fits (IAM User Guide, "Single-valued vs. multivalued
#: context keys").
MULTIVALUED_GLOBAL_KEYS = frozenset(
    {
        "aws:tagkeys",
        "aws:calledvia",
        "aws:principalservicenameslist",
        "aws:principalorgpaths",
        "aws:resourceorgpaths",
        "aws:sourceorgpaths",
    }
)

# The typed operator families: what each compares, and an example of each to suggest. String,
# ARN and binary operators are left out: IAM compares any key's value as text with them.
_TYPED_OPERATORS = {
    "Date": ("Date", "DateGreaterThan"),
    "Numeric": ("Numeric", "NumericLessThan"),
    "Bool": ("Bool", "Bool"),
    "IpAddress": ("IP address", "IpAddress"),
    "NotIpAddress": ("IP address", "IpAddress"),
}


def _is_string_operator(operator: str) -> bool:
    return operator.rpartition(":")[2].startswith("String")


def _operator_type(operator: str) -> str | None:
    """The value type a typed operator compares (Date, Numeric, Bool, IP address), else None."""
    base = operator.rpartition(":")[2].removesuffix("IfExists")
    for family, (value_type, _) in _TYPED_OPERATORS.items():
        if base.startswith(family):
            return value_type
    return None


def _actions_of(pattern: str) -> tuple[str, ...]:
    if has_wildcard(pattern):
        return expand(pattern)
    canonical = knowledge.canonical_action(pattern)
    return (canonical,) if canonical is not None else ()


def _documented(pattern: str) -> bool:
    """Whether ``pattern`` is an action name or pattern that names current actions only, all
    with their condition keys documented (else nothing can be said of the keys they support)."""
    if len(pattern) > CACHED_TEXT:  # a long text is not remembered (the cache stays small)
        return _documented_uncached(pattern)
    return _documented_cached(pattern)


def _documented_uncached(pattern: str) -> bool:
    if not ACTION_SYNTAX.fullmatch(pattern):
        return False
    actions = _actions_of(pattern)
    return bool(actions) and all(map(knowledge.has_details, actions))


_documented_cached = functools.lru_cache(maxsize=65536)(_documented_uncached)


@functools.lru_cache(maxsize=65536)
def _keys_of(pattern: str) -> frozenset[str] | None:
    """The condition keys (lower-cased) of the actions ``pattern`` names, or None when any of
    them is unknown (then nothing can be said)."""
    if not _documented(pattern):
        return None
    return frozenset().union(*map(knowledge.condition_keys, _actions_of(pattern)))


@functools.lru_cache(maxsize=1024)
def _service_keys(prefix: str) -> frozenset[str]:
    return (_keys_of(f"{prefix}:*") or frozenset()) | knowledge.service_condition_keys(prefix)


def _fits_any(templates: frozenset[str], key: str) -> bool:
    # Most keys are documented as they are written: a set look-up before the templates.
    return key.lower() in templates or any(
        knowledge.condition_key_matches(template, key) for template in _with_slots(templates)
    )


@functools.lru_cache(maxsize=4096)
def _with_slots(templates: frozenset[str]) -> tuple[str, ...]:
    """The templates a key can fit other than by being equal to it, ignoring case: those with a
    slot (``${TagKey}``, ``<key>``, a trailing ``/`` or ``/tag-key``), and any not in lower
    case. A statement supports hundreds of keys, few of them templates."""
    return tuple(
        template
        for template in templates
        if "$" in template
        or "<" in template
        or template.endswith(("/", "/tag-key"))
        or template != template.lower()
    )


def _documented_actions(statement: Statement) -> list[str] | None:
    """The statement's Action values, or None when nothing can be said of the condition keys
    they support: an action is unknown or has no documented keys (or NotAction, or "*")."""
    if not statement.has("Action"):
        return None
    actions = list(statement.texts("Action"))
    if not actions or "*" in actions:
        return None
    if max(map(len, actions)) <= CACHED_TEXT:  # every answer from the cache, in C
        return actions if all(map(_documented_cached, actions)) else None
    return actions if all(map(_documented, actions)) else None


def _statement_keys(actions: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(the condition keys the documented ``actions`` support, their service prefixes)."""
    keys: set[str] = set()
    for action in actions:
        keys |= _keys_of(action) or frozenset()
    return frozenset(keys), frozenset(a.partition(":")[0].lower() for a in actions)


def _global_key_problem(key: str) -> str | None:
    """What is wrong with an aws: condition key: one that is not a global key."""
    if knowledge.is_global_condition_key(key):
        return None
    return (
        f"{key} is not a global condition key in {data_note()}; check the spelling (the IAM "
        "User Guide lists them under 'AWS global condition context keys')"
    )


def _service_key_problem(
    key: str, supported: frozenset[str], services: frozenset[str], actions: list[str]
) -> str | None:
    """What is wrong with a condition key of a service (not aws:) that the statement's
    ``actions`` (with the ``supported`` keys, of the ``services``) may not carry."""
    lowered = key.lower()
    prefix = lowered.partition(":")[0]
    if knowledge.is_cross_service_condition_key(key) or _fits_any(supported, key):
        return None
    if not knowledge.service_known(prefix):
        return None  # a service the data does not know: nothing to compare with
    of_service = _service_keys(prefix)
    if _fits_any(of_service, key):
        if prefix in services:
            return None  # a key of the statement's own service: trust the author over old data
        return (
            f"{key} is a condition key of {prefix} actions, but this statement's actions "
            f"({listed(actions)}) never carry it, so the condition cannot match (an Allow then "
            "grants nothing, a Deny never applies); use a key of these actions or a global aws: "
            "key"
        )
    # Not a key of its service at all: a typo when a known key is close, else perhaps newer
    # than the data (say nothing).
    import difflib  # only when a name is unknown: not on every lint's import path

    close = difflib.get_close_matches(lowered, [t for t in of_service if "$" not in t], 1, 0.85)
    if not close:
        return None
    return (
        f"{key} is not a condition key of {prefix} in {data_note()}: did you mean "
        f"{close[0]}? A key missing from the request makes the condition fail"
    )


def _operator_problem(operator: str, key: str) -> str | None:
    """What is wrong with comparing ``key`` with ``operator``, or None."""
    if len(operator) + len(key) > _CACHED_PAIR:
        return _operator_problem_cached.__wrapped__(operator, key)
    return _operator_problem_cached(operator, key)


#: The longest operator and key, together, whose answer is remembered: real ones are far
#: shorter, and a cache must not hold a hostile document's megabyte-long keys.
_CACHED_PAIR = 256


# The same few hundred pairs (StringEquals on aws:SourceAccount...) recur across policies.
@functools.lru_cache(maxsize=8192)
def _operator_problem_cached(operator: str, key: str) -> str | None:
    lowered = key.lower()
    set_operator, colon, base = operator.rpartition(":")
    if (
        colon
        and lowered.startswith("aws:")
        and lowered not in MULTIVALUED_GLOBAL_KEYS
        and knowledge.is_global_condition_key(key)
    ):
        return (
            f"{set_operator}: compares sets of values, but {key} has a single value in a "
            f"request; use {base} without {set_operator}: "
            + (
                "(ForAllValues: also matches requests that lack the key)"
                if set_operator == "ForAllValues"
                else "(a set operator on a single-valued key can be overly permissive)"
            )
        )
    key_types = GLOBAL_KEY_TYPES.get(lowered)
    if key_types is None and (
        lowered in GLOBAL_STRING_KEYS or lowered.partition("/")[0] + "/" in GLOBAL_STRING_KEYS
    ):
        key_types = frozenset({"String"})
    if key_types is None and knowledge.condition_key_type(key) == "Bool":
        key_types = frozenset({"Bool"})  # a service's Bool key, as the index documents it
    compared = _operator_type(operator)
    if compared is None and key_types == frozenset({"Bool"}) and _is_string_operator(operator):
        # IAM Access Analyzer reports this type mismatch: a Bool key takes the Bool operator.
        return (
            f"{operator} compares strings, but {key} is a Bool key; use Bool (IAM Access "
            "Analyzer reports the mismatched type)"
        )
    if key_types is None or compared is None or compared in key_types:
        return None
    if not knowledge.is_global_condition_key(key):
        return None  # reported as an unknown key instead
    kind = sorted(key_types)[0]
    suggestion = next(
        (op for value_type, op in _TYPED_OPERATORS.values() if value_type == kind),
        "a String operator such as StringEquals",
    )
    return (
        f"{operator} compares {compared} values, but {key} is a {kind} key, so the condition "
        f"never matches; use {suggestion}"
        + (" (or another operator of that type)" if kind != "String" else "")
    )


def _check_condition_keys(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.statements:
        entries = statement.condition_keys()
        if not entries:
            continue
        actions = _documented_actions(statement)
        # The keys the actions support, for the first key that is not global: most conditions
        # use only aws: keys, which are checked against the global ones alone.
        fit: tuple[frozenset[str], frozenset[str]] | None = None
        for operator, key, pointer in entries:
            problem = _operator_problem(operator, key)
            if problem is not None or actions is None:
                pass
            elif key.lower().partition(":")[0] == "aws":
                problem = _global_key_problem(key)
            else:
                fit = fit or _statement_keys(actions)
                problem = _service_key_problem(key, *fit, actions)
            if problem is not None:
                yield Hit(pointer, problem)


#: The condition both examples carry: a Redshift key, which S3 actions do not support.
_DBUSER_CONDITION = {"StringEquals": {"redshift:DbUser": "etl_user"}}

CONDITION_FIT = Rule.declare(
    """
    IR503 condition-key-mismatch (warning)

    A condition key that the statement's actions do not support, or an operator that does not fit
    the key.

    Why: A condition on a key that is not in the request is false (for most operators): an Allow
    statement then grants nothing and a Deny statement never applies, and IAM accepts the policy
    without a word. Service keys only exist for that service's actions (redshift:DbUser for
    redshift:GetClusterCredentials, not for s3:GetObject); a Date, Numeric, Bool or IP operator on a
    key of another type never matches; ForAllValues: on a single-valued key matches requests that
    lack the key. Trust policies are checked too (sts:ExternalId fits sts:AssumeRole; keys of
    identity providers are left alone).

    Fix: Use a condition key the statement's actions support (the Service Authorization Reference
    lists them per action) or a global aws: key, with an operator of the key's type.
    """,
    check_document=_check_condition_keys,
    references=(CONDITION, OPERATORS, GLOBAL_KEYS, MULTIVALUED, ACTIONS_TABLE, POLICY_CHECKS),
    bad=Example.document(
        example_policy(
            allow("s3:GetObject", "arn:aws:s3:::analytics-bucket/*", Condition=_DBUSER_CONDITION)
        )
    ),
    good=Example.document(
        example_policy(
            allow("redshift:GetClusterCredentials", DBUSER_ARN, Condition=_DBUSER_CONDITION)
        )
    ),
)


RULES = (CONDITION_FIT,)
knowledge.caches_follow_the_index(__name__)
