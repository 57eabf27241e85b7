"""The roles of one template or plan, and which of them play the two-role pattern's parts.

A role's ARN is often unknown until deploy (``!GetAtt InstanceRole.Arn``,
``aws_iam_role.instance.arn``), so a role is known by what names it: its reference (a
:class:`~iam_redshift.sources.embedded.Placeholder` text) and, when the file gives its name and
path, any literal role ARN with that path and name. Which role is the instance role and which
are access roles is inferred from the pattern itself: the instance role trusts EC2 and may
assume the file's other roles (or is trusted by them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, Literal

from iam_redshift.sources.embedded import EmbeddedDocument, RoleIdentity

__all__ = ["assign_role_kinds", "strings_in"]

_ASSUME = frozenset({"sts:assumerole", "sts:*", "*", "sts:assume*"})


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict)] if isinstance(statements, list) else []


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _trusts_ec2(document: Any) -> bool:
    for statement in _statements(document):
        principal = statement.get("Principal")
        if statement.get("Effect") == "Allow" and isinstance(principal, dict):
            services = _as_list(principal.get("Service"))
            if any(isinstance(s, str) and s.startswith("ec2.amazonaws.com") for s in services):
                return True
    return False


def _assume_targets(document: Any) -> list[str]:
    targets: list[str] = []
    for statement in _statements(document):
        actions = [a.lower() for a in _as_list(statement.get("Action")) if isinstance(a, str)]
        if statement.get("Effect") == "Allow" and _ASSUME.intersection(actions):
            targets.extend(r for r in _as_list(statement.get("Resource")) if isinstance(r, str))
    return targets


def _trusted(document: Any) -> list[str]:
    found: list[str] = []
    for statement in _statements(document):
        principal = statement.get("Principal")
        if statement.get("Effect") == "Allow" and isinstance(principal, dict):
            found.extend(p for p in _as_list(principal.get("AWS")) if isinstance(p, str))
    return found


def assign_role_kinds(
    roles: Iterable[RoleIdentity], documents: Iterable[EmbeddedDocument]
) -> tuple[tuple[RoleIdentity, ...], tuple[EmbeddedDocument, ...]]:
    """The roles and documents with the pattern's parts filled in, when the file holds exactly
    one instance role (trusts EC2, and may assume another role of the file or is trusted by
    one); the access roles are those it may assume and those that trust it. Unchanged when the
    file holds no such role, or more than one."""
    roles, documents = tuple(roles), tuple(documents)
    trust = {
        r.role: [d.value for d in documents if d.role == r.role and d.kind == "trust"]
        for r in roles
    }
    permissions = {
        r.role: [d.value for d in documents if d.role == r.role and d.kind == "permissions"]
        for r in roles
    }
    targets = {r.role: [t for v in permissions[r.role] for t in _assume_targets(v)] for r in roles}
    trusted = {r.role: [t for v in trust[r.role] for t in _trusted(v)] for r in roles}

    def assumes(who: RoleIdentity, other: RoleIdentity) -> bool:
        return any(other.names(t) for t in targets[who.role])

    def trusts(who: RoleIdentity, other: RoleIdentity) -> bool:
        return any(other.names(t) for t in trusted[who.role])

    candidates = [
        r
        for r in roles
        if any(_trusts_ec2(v) for v in trust[r.role])
        and any(o is not r and (assumes(r, o) or trusts(o, r)) for o in roles)
    ]
    if len(candidates) != 1:
        return roles, documents
    instance = candidates[0]
    access = {
        o.role for o in roles if o is not instance and (assumes(instance, o) or trusts(o, instance))
    }
    kinds: dict[str, Literal["instance", "access"]] = {instance.role: "instance"}
    kinds.update(dict.fromkeys(access, "access"))
    roles = tuple(replace(r, role_kind=kinds.get(r.role)) for r in roles)
    documents = tuple(
        replace(d, role_kind=kinds[d.role]) if d.role in kinds else d for d in documents
    )
    return roles, documents
