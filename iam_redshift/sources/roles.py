"""The roles of one template or plan, and which of them play the two-role pattern's parts.

A role's ARN is often unknown until deploy (``!GetAtt InstanceRole.Arn``,
``aws_iam_role.instance.arn``), so a role is known by what names it: its reference (a
:class:`~iam_redshift.sources.embedded.Placeholder` text) and, when the file gives its name and
path, any literal role ARN with that path and name. Which role is the instance role and which
are access roles is inferred from the pattern itself: the instance role trusts EC2 and may
assume the file's other roles (or is trusted by them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, Literal

from iam_redshift.sources.embedded import EmbeddedDocument, Positions, RoleIdentity, SourceFile

__all__ = ["RoleIndex", "assign_role_kinds", "source_file_with_roles", "strings_in"]

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


_ROLE_ARN = re.compile(r"arn:[^:]+:iam::[^:]*:role(/.*)")


class RoleIndex:
    """Finds the role of a file a principal or Resource value names, in constant time: by its
    reference, or by the path and name of a role ARN (see :meth:`RoleIdentity.names`)."""

    def __init__(self, roles: Iterable[RoleIdentity]) -> None:
        self.by_reference: dict[str, RoleIdentity] = {}
        self.by_path_name: dict[str, RoleIdentity] = {}
        for role in roles:
            self.by_reference.setdefault(role.reference, role)
            if role.name is not None and "{{" not in role.name:
                self.by_path_name.setdefault(role.path + role.name, role)

    def named(self, text: str) -> RoleIdentity | None:
        """The role ``text`` names, if any."""
        found = self.by_reference.get(text)
        if found is not None:
            return found
        match = _ROLE_ARN.fullmatch(text)
        return self.by_path_name.get(match.group(1)) if match is not None else None


def assign_role_kinds(
    roles: Iterable[RoleIdentity], documents: Iterable[EmbeddedDocument]
) -> tuple[tuple[RoleIdentity, ...], tuple[EmbeddedDocument, ...]]:
    """The roles and documents with the pattern's parts filled in, when the file holds exactly
    one instance role (trusts EC2, and may assume another role of the file or is trusted by
    one); the access roles are those it may assume and those that trust it. Unchanged when the
    file holds no such role, or more than one."""
    roles, documents = tuple(roles), tuple(documents)
    index = RoleIndex(roles)
    ec2: set[str] = set()
    assumed: dict[str, set[str]] = {r.role: set() for r in roles}  # role -> roles it may assume
    trusted_by: dict[str, set[str]] = {r.role: set() for r in roles}  # role -> roles trusting it
    for document in documents:
        if document.role not in assumed:
            continue
        if document.kind == "trust":
            if _trusts_ec2(document.value):
                ec2.add(document.role)
            for text in _trusted(document.value):
                other = index.named(text)
                if other is not None and other.role != document.role:
                    trusted_by[other.role].add(document.role)
        elif document.kind == "permissions":
            for text in _assume_targets(document.value):
                other = index.named(text)
                if other is not None and other.role != document.role:
                    assumed[document.role].add(other.role)
    candidates = [
        r.role for r in roles if r.role in ec2 and (assumed[r.role] or trusted_by[r.role])
    ]
    if len(candidates) != 1:
        return roles, documents
    instance = candidates[0]
    kinds: dict[str, Literal["instance", "access"]] = dict.fromkeys(
        assumed[instance] | trusted_by[instance], "access"
    )
    kinds[instance] = "instance"
    roles = tuple(replace(r, role_kind=kinds.get(r.role)) for r in roles)
    documents = tuple(
        replace(d, role_kind=kinds[d.role]) if d.role in kinds else d for d in documents
    )
    return roles, documents


def source_file_with_roles(
    file: str,
    kind: str,
    roles: Iterable[RoleIdentity],
    documents: Iterable[EmbeddedDocument],
    positions: Positions,
) -> SourceFile:
    """What a template, plan or configuration reader returns: the file's documents and the roles
    it creates, with their parts in the pattern filled in by :func:`assign_role_kinds`."""
    assigned_roles, assigned = assign_role_kinds(roles, documents)
    return SourceFile(file, kind, assigned, positions, roles=assigned_roles)
