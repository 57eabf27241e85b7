"""Deciding one request against policies, offline, the way IAM's enforcement code does.

Every statement that applies is considered (IAM User Guide, "Policy evaluation logic"): an
explicit Deny overrides everything; otherwise an Allow is needed. Within one account a
resource-based policy that names the caller's ARN is enough on its own, except that a role's
trust policy must always allow ``sts:AssumeRole``; across accounts both sides must allow.
A statement whose match hangs on a context key the caller did not give is "depends on a
condition", never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from enum import Enum
from typing import Any, Literal

from iam_redshift._record import record
from iam_redshift.evaluation.conditions import FALSE, TRUE, Outcome, both, either
from iam_redshift.evaluation.conditions import evaluate_condition as _condition
from iam_redshift.evaluation.variables import (
    ContextValue,
    normalise_context,
    substitute,
    unsubstituted,
    wildcard_match,
)

__all__ = [
    "Decision",
    "Policy",
    "Request",
    "StatementRef",
    "Verdict",
    "evaluate",
    "statement_applies",
]

#: The only Version under which policy variables are filled in.
VARIABLES_VERSION = "2012-10-17"


@record
class Request:
    """One authorisation request: who (an ARN, or a service principal such as
    ``ec2.amazonaws.com``), which action, on which resource ARN, with which context keys.

    ``context`` maps condition keys to a string, a tuple of strings (a multivalued key), or
    None for a key the request is known not to carry; keys it does not mention are unknown.
    """

    principal: str
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict, hash=False)


@record
class Policy:
    """A policy document and where it is: ``file`` names it in verdicts. ``kind`` is
    ``identity`` (attached to the caller) or ``resource`` (attached to the resource, such as a
    role's trust policy); ``owner`` is the ARN of the resource a resource policy is on."""

    file: str
    document: Any = field(hash=False)
    kind: Literal["identity", "resource"] = "identity"
    owner: str | None = None


@record
class StatementRef:
    """A statement: its file, JSON pointer and Sid."""

    file: str
    pointer: str
    sid: str | None = None

    def __str__(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.file} {self.pointer}{sid}"


class Verdict(str, Enum):
    """What IAM would decide."""

    ALLOWED = "allowed"
    EXPLICITLY_DENIED = "denied-explicitly"
    IMPLICITLY_DENIED = "implicitly-denied"
    DEPENDS = "depends-on-condition"


@record
class Decision:
    """The verdict on one request and why.

    ``statements`` are the statements that decided it: the Allows, the Deny, or those whose
    condition could go either way (then ``keys`` names the context keys they need).
    ``near_misses`` are Allow statements that grant the action on other resources, the usual
    sign of a resource written for the wrong account, cluster or database. ``reason`` says it
    in one sentence.
    """

    verdict: Verdict
    reason: str
    statements: tuple[StatementRef, ...] = ()
    keys: tuple[str, ...] = ()
    near_misses: tuple[StatementRef, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the request is allowed."""
        return self.verdict is Verdict.ALLOWED


def statements(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, statement) of every statement object of a policy document (``Statement`` may
    be one object or a list; what is not an object is left out)."""
    value = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(value, dict):
        yield "/Statement", value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield f"/Statement/{index}", item


def string_values(value: Any) -> list[str]:
    """The strings of an element written as one string or a list (other items left out)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _action_outcome(statement: Mapping[str, Any], action: str) -> Outcome:
    for element, negated in (("Action", False), ("NotAction", True)):
        if element in statement:
            patterns = _strings(statement[element])
            if patterns is None:
                return FALSE  # a malformed element matches nothing (IAM would refuse it)
            found = any(wildcard_match(p, action, ignore_case=True) for p in patterns)
            return Outcome(found != negated)
    return FALSE


def _resource_outcome(
    statement: Mapping[str, Any],
    resource: str,
    context: Mapping[str, ContextValue],
    variables: bool,
    kind: str,
) -> Outcome:
    for element, negated in (("Resource", False), ("NotResource", True)):
        if element not in statement:
            continue
        patterns = _strings(statement[element])
        if patterns is None:
            return FALSE
        outcomes = []
        for pattern in patterns:
            filled = substitute(pattern, context) if variables else unsubstituted(pattern)
            if filled.unknown:
                outcomes.append(Outcome(None, filled.unknown))
            else:
                # Case-sensitive: resource ARNs are (IAM User Guide, "Resource").
                outcomes.append(
                    Outcome(filled.text is not None and wildcard_match(filled.text, resource))
                )
        found = either(outcomes)
        if not negated or found.value is None:
            return found
        return Outcome(not found.value)
    # A resource policy's statements may leave Resource out: they are about the resource
    # they are attached to. An identity statement without one is invalid and grants nothing.
    return TRUE if kind == "resource" else FALSE


def _account(arn: str) -> str | None:
    fields = arn.split(":", 5)
    return fields[4] if len(fields) == 6 and fields[0] == "arn" else None


def _principal_values(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [("*", value)]
    if not isinstance(value, dict):
        return []
    pairs = []
    for kind, items in value.items():
        for item in _strings(items) or []:
            pairs.append((kind, item))
    return pairs


def _principal_match(kind: str, value: str, principal: str) -> Literal["arn", "account", ""]:
    """How a principal entry covers the caller: by its own ARN, by its account, or not."""
    if value == "*" and kind in ("*", "AWS"):
        return "arn"
    if kind == "Service":
        return "arn" if value.lower() == principal.lower() else ""
    if kind not in ("AWS", "*"):
        return "arn" if value == principal else ""  # Federated, CanonicalUser: exact
    if value == principal:
        return "arn"
    account = _account(principal)
    if account is not None and (
        value == account or (value.endswith(":root") and _account(value) == account)
    ):
        return "account"
    return ""


def _principal_outcome(statement: Mapping[str, Any], principal: str) -> tuple[Outcome, str]:
    """Whether Principal (or NotPrincipal) covers the caller, and how ("arn" or "account")."""
    for element, negated in (("Principal", False), ("NotPrincipal", True)):
        if element in statement:
            ways = {
                _principal_match(k, v, principal) for k, v in _principal_values(statement[element])
            }
            ways.discard("")
            if negated:
                return Outcome(not ways), "arn"
            how = "arn" if "arn" in ways else ("account" if ways else "")
            return Outcome(bool(ways)), how
    return FALSE, ""


@record
class _Match:
    ref: StatementRef
    effect: str
    outcome: Outcome
    how: str  # for resource policies: "arn" or "account"
    action_only: bool  # the action matched, the resource did not (a near miss)


def statement_applies(
    statement: Mapping[str, Any], request: Request, *, kind: str = "identity", version: Any = None
) -> Outcome:
    """Whether one statement applies to ``request``: action, resource, principal (for a
    resource policy) and condition. Its Effect is not looked at."""
    context = normalise_context(request.context)
    return _match(statement, request, context, kind, version == VARIABLES_VERSION)[0]


def _match(
    statement: Mapping[str, Any],
    request: Request,
    context: Mapping[str, ContextValue],
    kind: str,
    variables: bool,
) -> tuple[Outcome, str, bool]:
    how = ""
    action = _action_outcome(statement, request.action)
    if action.value is False:
        return FALSE, how, False
    parts = [action]
    if kind == "resource":
        principal, how = _principal_outcome(statement, request.principal)
        parts.append(principal)
    resource = _resource_outcome(statement, request.resource, context, variables, kind)
    if resource.value is False:
        return FALSE, how, both(parts).value is not False
    parts.append(resource)
    parts.append(_condition(statement.get("Condition"), context, variables=variables))
    return both(parts), how, False


def _matches(policy: Policy, request: Request, context: Mapping[str, ContextValue]) -> list[_Match]:
    version = policy.document.get("Version") if isinstance(policy.document, dict) else None
    found = []
    for pointer, statement in statements(policy.document):
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            continue
        outcome, how, near = _match(
            statement, request, context, policy.kind, version == VARIABLES_VERSION
        )
        sid = statement.get("Sid")
        ref = StatementRef(policy.file, pointer, sid if isinstance(sid, str) else None)
        found.append(_Match(ref, effect, outcome, how, near))
    return found


def _keys(matches: Iterable[_Match]) -> tuple[str, ...]:
    return tuple(sorted({k for m in matches for k in m.outcome.unknown}, key=str.lower))


def _refs(matches: Iterable[_Match]) -> tuple[StatementRef, ...]:
    return tuple(m.ref for m in matches)


def _side(matches: list[_Match]) -> tuple[list[_Match], list[_Match]]:
    """(Allow statements that surely apply, Allow statements that may apply)."""
    sure = [m for m in matches if m.effect == "Allow" and m.outcome.value is True]
    maybe = [m for m in matches if m.effect == "Allow" and m.outcome.value is None]
    return sure, maybe


def evaluate(request: Request, policies: Sequence[Policy]) -> Decision:
    """IAM's decision on ``request`` given the caller's identity policies and, for a request
    on a resource that carries one (a role, for ``sts:AssumeRole``), its resource policy."""
    context = normalise_context(request.context)
    identity: list[_Match] = []
    resource: list[_Match] = []
    for policy in policies:
        (resource if policy.kind == "resource" else identity).extend(
            _matches(policy, request, context)
        )
    everything = identity + resource
    what = f"{request.action} on {request.resource}"
    denies = [m for m in everything if m.effect == "Deny" and m.outcome.value is True]
    if denies:
        return Decision(
            Verdict.EXPLICITLY_DENIED,
            f"an explicit Deny applies to {what}",
            _refs(denies),
        )
    maybe_denies = [m for m in everything if m.effect == "Deny" and m.outcome.value is None]
    near = tuple(m.ref for m in identity if m.effect == "Allow" and m.action_only)
    id_sure, id_maybe = _side(identity)
    res_sure, res_maybe = _side(resource)
    has_resource_policy = any(p.kind == "resource" for p in policies)
    is_trust = request.action.lower() == "sts:assumerole" and has_resource_policy
    owner = next((p.owner for p in policies if p.kind == "resource" and p.owner), None)
    # A service principal (no account of its own) is decided by the resource policy alone.
    caller_account = _account(request.principal)
    cross_account = (
        owner is not None
        and caller_account is not None
        and _account(owner) not in (None, caller_account)
    )

    def allowed_by(sure: list[_Match], maybe: list[_Match]) -> Outcome:
        if sure:
            return TRUE
        return Outcome(None, _keys(maybe)) if maybe else FALSE

    identity_side = allowed_by(id_sure, id_maybe)
    resource_side = allowed_by(res_sure, res_maybe)
    if not has_resource_policy:
        overall = identity_side
    else:
        # A resource policy naming the caller's own ARN is enough within one account; one
        # naming only the account hands the decision to the identity policies.
        by_arn = any(m.how == "arn" for m in res_sure)
        if cross_account or not by_arn:
            overall = both([identity_side, resource_side])
        elif is_trust:
            overall = resource_side
        else:
            overall = either([identity_side, resource_side])
        if is_trust and resource_side.value is False:
            return Decision(
                Verdict.IMPLICITLY_DENIED,
                f"the trust policy of {owner or 'the role'} does not let {request.principal} "
                "assume it: no statement names that principal",
            )
    if overall.value is False:
        files = sorted({p.file for p in policies if p.kind == "identity"})
        own = ", ".join(files) if files else "the caller's identity policies (there are none)"
        if has_resource_policy and resource_side.value is False and identity_side.value is True:
            side = ", ".join(sorted({p.file for p in policies if p.kind == "resource"}))
        else:
            side = own
        reason = f"no statement of {side} allows {what}"
        return Decision(Verdict.IMPLICITLY_DENIED, reason, (), (), near)
    if overall.value is None or maybe_denies:
        pending = [*id_maybe, *res_maybe, *maybe_denies] if overall.value is None else maybe_denies
        return Decision(
            Verdict.DEPENDS,
            f"whether {what} is allowed depends on condition keys this check cannot know",
            _refs(pending),
            _keys(pending),
        )
    return Decision(Verdict.ALLOWED, f"{what} is allowed", _refs(id_sure + res_sure))
