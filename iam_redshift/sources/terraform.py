"""Terraform: the policy documents of a plan (``terraform show -json``, format 1.x) and of a JSON
configuration (``*.tf.json``).

Read: ``aws_iam_role`` (``assume_role_policy``, ``inline_policy``), ``aws_iam_role_policy``,
``aws_iam_policy`` (attached through ``aws_iam_role_policy_attachment`` or the role's
``managed_policy_arns``), ``aws_iam_user_policy``, ``aws_iam_group_policy``, and the
``aws_iam_policy_document`` data sources they use. Policies are JSON text inside the plan, parsed
here. A value known only after apply is a :class:`~iam_redshift.sources.embedded.Placeholder`
named after the reference the plan's ``configuration`` section gives for it
(``{{ref:aws_iam_role.instance.arn}}``); when a document's ``json`` is unknown, it is rebuilt
from the data source's ``statement`` blocks. Findings point into the plan by JSON pointer (a plan
does not say which ``.tf`` line a value comes from).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from iam_redshift.sources.embedded import (
    EmbeddedDocument,
    Placeholder,
    RoleIdentity,
    document_value,
)
from iam_redshift.sources.json_text import escape_pointer
from iam_redshift.sources.roles import source_file_with_roles

if TYPE_CHECKING:
    from iam_redshift.sources.embedded import Positions, SourceFile

__all__ = ["is_configuration", "is_plan", "read_plan", "rebuild_document"]

#: Resource types whose ``policy`` is an identity policy, and whether it belongs to a role.
_POLICY_TYPES = {
    "aws_iam_role_policy": True,
    "aws_iam_policy": True,
    "aws_iam_user_policy": False,
    "aws_iam_group_policy": False,
}
_CONFIGURATION_KEYS = frozenset(
    {"resource", "data", "terraform", "provider", "variable", "output", "module", "locals", "//"}
)
_INDEX = re.compile(r"\[[^\]]*\]")
_DOCUMENT_FIELDS = (
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def is_plan(value: Any) -> bool:
    """Whether a JSON value is a Terraform plan or state in JSON (``terraform show -json``)."""
    if not isinstance(value, dict):
        return False
    version = value.get("format_version")
    return (
        isinstance(version, str)
        and version.startswith("1.")
        and any(
            k in value for k in ("planned_values", "resource_changes", "configuration", "values")
        )
    )


def is_configuration(value: Any) -> bool:
    """Whether a JSON value is a Terraform JSON configuration (the top-level blocks only)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= _CONFIGURATION_KEYS
        and any(k in value for k in ("resource", "data"))
    )


def _reference(references: list[str]) -> list[str]:
    """The references an expression makes, without the bare resources Terraform lists beside
    each attribute (``aws_iam_role.r`` beside ``aws_iam_role.r.arn``)."""
    return [r for r in references if not any(o != r and o.startswith(r + ".") for o in references)]


def _references(expression: Any) -> list[str]:
    if isinstance(expression, dict) and isinstance(expression.get("references"), list):
        return _reference([r for r in expression["references"] if isinstance(r, str)])
    return []


def _all_references(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            references = item.get("references")
            if isinstance(references, list):
                yield from (r for r in references if isinstance(r, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class _Unknowns:
    """Turns values that are unknown until apply into placeholders, named after the references
    the configuration gives, in order."""

    def __init__(self, address: str) -> None:
        self.address = address

    def values(self, known: Any, unknown: Any, expression: Any, field: str) -> list[Any]:
        references = iter(_references(expression))

        def placeholder() -> str:
            reference = next(references, None)
            if reference is None:
                return Placeholder(f"{self.address}.{field}", "unknown").text()
            return Placeholder(reference, "ref").text()

        if unknown is True:
            found = _references(expression)
            if not found:
                return [placeholder()]
            return [Placeholder(r, "ref").text() for r in found]
        if not isinstance(known, list):
            return [] if known is None else [known]
        marks = unknown if isinstance(unknown, list) else []
        result: list[Any] = []
        for index, item in enumerate(known):
            if item is None and index < len(marks) and marks[index] is True:
                result.append(placeholder())
            elif item is not None:
                result.append(item)
        return result


def _item(value: Any, index: int) -> Any:
    return value[index] if isinstance(value, list) and index < len(value) else {}


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def rebuild_document(address: str, after: Any, unknown: Any, expressions: Any) -> dict[str, Any]:
    """An ``aws_iam_policy_document``'s policy, from its ``statement`` blocks."""
    unknowns = _Unknowns(address)
    statements: list[dict[str, Any]] = []
    blocks = _get(after, "statement")
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict):
            continue
        marks = _item(_get(unknown, "statement"), index)
        expression = _item(_get(expressions, "statement"), index)
        statement: dict[str, Any] = {}
        if isinstance(block.get("sid"), str) and block["sid"]:
            statement["Sid"] = block["sid"]
        statement["Effect"] = block.get("effect") or "Allow"
        for field, element in _DOCUMENT_FIELDS:
            values = unknowns.values(
                block.get(field), _get(marks, field), _get(expression, field), field
            )
            if values:
                statement[element] = values[0] if len(values) == 1 else values
        for field, element in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            principals: dict[str, Any] = {}
            items = block.get(field)
            for p_index, item in enumerate(items if isinstance(items, list) else []):
                if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                    continue
                identifiers = unknowns.values(
                    item.get("identifiers"),
                    _get(_item(_get(marks, field), p_index), "identifiers"),
                    _get(_item(_get(expression, field), p_index), "identifiers"),
                    f"{field}.identifiers",
                )
                principals.setdefault(item["type"], []).extend(identifiers)
            if principals:
                # type "*" with identifiers ["*"] is how the provider writes "Principal": "*".
                statement[element] = (
                    "*"
                    if principals == {"*": ["*"]}
                    else {k: v[0] if len(v) == 1 else v for k, v in principals.items()}
                )
        conditions: dict[str, dict[str, Any]] = {}
        items = block.get("condition")
        for c_index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("test"), str):
                values = unknowns.values(
                    item.get("values"),
                    _get(_item(_get(marks, "condition"), c_index), "values"),
                    _get(_item(_get(expression, "condition"), c_index), "values"),
                    "condition.values",
                )
                variable = item.get("variable")
                conditions.setdefault(item["test"], {})[str(variable)] = values
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    document: dict[str, Any] = {"Version": _get(after, "version") or "2012-10-17"}
    document["Statement"] = statements
    return document


@dataclass
class _Resource:
    """One resource or data source of a plan: its values after apply, which of them are
    unknown until then, where they are in the plan, and its configuration's expressions."""

    address: str
    type: str
    mode: str
    after: dict[str, Any]
    unknown: dict[str, Any]
    pointer: str
    expressions: dict[str, Any] = dataclasses.field(default_factory=dict)


def _resource(
    address: str, body: dict[str, Any], after: Any, unknown: Any, pointer: str
) -> _Resource:
    return _Resource(
        address,
        str(body.get("type")),
        str(body.get("mode")),
        after if isinstance(after, dict) else {},
        unknown if isinstance(unknown, dict) else {},
        pointer,
    )


def _configuration_expressions(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    root = _get(_get(plan, "configuration"), "root_module")
    stack: list[tuple[str, Any, int]] = [("", root, 0)]
    while stack:
        prefix, module, depth = stack.pop()
        if not isinstance(module, dict) or depth > 16:
            continue
        resources = module.get("resources")
        for resource in resources if isinstance(resources, list) else []:
            address = _get(resource, "address")
            expressions = _get(resource, "expressions")
            if isinstance(address, str) and isinstance(expressions, dict):
                found[prefix + address] = expressions
        calls = module.get("module_calls")
        for name, call in calls.items() if isinstance(calls, dict) else []:
            stack.append((f"{prefix}module.{name}.", _get(call, "module"), depth + 1))
    return found


def _plan_resources(plan: dict[str, Any]) -> list[_Resource]:
    resources: dict[str, _Resource] = {}
    changes = plan.get("resource_changes")
    for index, change in enumerate(changes if isinstance(changes, list) else []):
        if not isinstance(change, dict) or not isinstance(change.get("address"), str):
            continue
        body = change.get("change")
        after = _get(body, "after")
        if not isinstance(after, dict):
            continue  # deleted
        resources[change["address"]] = _resource(
            change["address"],
            change,
            after,
            _get(body, "after_unknown"),
            f"/resource_changes/{index}/change/after",
        )
    # Data sources read while planning, and resources of a state (``terraform show -json``).
    for section, values_key in (("prior_state", "values"), ("values", None)):
        root = _get(_get(plan, section), values_key) if values_key else plan.get(section)
        base = f"/{section}/{values_key}" if values_key else f"/{section}"
        module = _get(root, "root_module")
        stack: list[tuple[str, Any, int]] = [(f"{base}/root_module", module, 0)]
        while stack:
            pointer, module, depth = stack.pop()
            if not isinstance(module, dict) or depth > 16:
                continue
            items = module.get("resources")
            for index, resource in enumerate(items if isinstance(items, list) else []):
                address = _get(resource, "address")
                if isinstance(address, str) and address not in resources:
                    resources[address] = _resource(
                        address,
                        resource,
                        _get(resource, "values"),
                        {},
                        f"{pointer}/resources/{index}/values",
                    )
            children = module.get("child_modules")
            for index, child in enumerate(children if isinstance(children, list) else []):
                stack.append((f"{pointer}/child_modules/{index}", child, depth + 1))
    expressions = _configuration_expressions(plan)
    for resource in resources.values():
        resource.expressions = expressions.get(_INDEX.sub("", resource.address), {})
    return list(resources.values())


def _data_documents(resources: list[_Resource]) -> dict[str, tuple[str, Any]]:
    """Each ``aws_iam_policy_document``'s policy and its pointer: its ``json`` when the plan
    knows it, else rebuilt from its statement blocks."""
    found: dict[str, tuple[str, Any]] = {}
    for resource in resources:
        if resource.mode != "data" or resource.type != "aws_iam_policy_document":
            continue
        text = resource.after.get("json")
        if isinstance(text, str) and resource.unknown.get("json") is not True:
            found[resource.address] = (f"{resource.pointer}/json", document_value(text))
        else:
            found[resource.address] = (
                resource.pointer,
                rebuild_document(
                    resource.address, resource.after, resource.unknown, resource.expressions
                ),
            )
    return found


def _plan_roles(resources: list[_Resource]) -> list[RoleIdentity]:
    roles: list[RoleIdentity] = []
    for resource in resources:
        if resource.type == "aws_iam_role" and resource.mode == "managed":
            name = resource.after.get("name")
            path = resource.after.get("path")
            roles.append(
                RoleIdentity(
                    resource.address,
                    Placeholder(f"{resource.address}.arn", "ref").text(),
                    name if isinstance(name, str) else None,
                    path if isinstance(path, str) else "/",
                    written=f"{resource.address}.arn",
                )
            )
    return roles


class _PlanReader:
    """Turns a plan's IAM resources into documents, each with the role it belongs to."""

    def __init__(self, resources: list[_Resource]) -> None:
        self.resources = resources
        self.by_address = {r.address: r for r in resources}
        self.data_documents = _data_documents(resources)
        self.used: set[str] = set()
        self.roles = _plan_roles(resources)
        self.role_of_name = {r.name: r.role for r in reversed(self.roles) if r.name}
        self.attached: dict[str, list[str]] = {}
        for resource in resources:
            if resource.type == "aws_iam_role_policy_attachment":
                role = self.role_of(resource, "role")
                for reference in _references(resource.expressions.get("policy_arn")):
                    if role is not None:
                        self.attached.setdefault(reference.rpartition(".")[0], []).append(role)
            if resource.type == "aws_iam_role":
                for reference in _references(resource.expressions.get("managed_policy_arns")):
                    owner = reference.rpartition(".")[0]
                    self.attached.setdefault(owner, []).append(resource.address)
        self.documents: list[EmbeddedDocument] = []

    def role_of(self, resource: _Resource, attribute: str) -> str | None:
        """The role a resource's ``role`` argument names (by name, or by reference)."""
        value = resource.after.get(attribute)
        if isinstance(value, str) and value in self.role_of_name:
            return self.role_of_name[value]
        for reference in _references(resource.expressions.get(attribute)):
            owner = reference.rpartition(".")[0]
            if owner in self.by_address and self.by_address[owner].type == "aws_iam_role":
                return owner
        return None

    def document(
        self, pointer: str, attribute: str, after: Any, expression: Any
    ) -> tuple[str, Any] | None:
        """The policy an argument holds: its JSON text, or the data source it refers to."""
        value = _get(after, attribute)
        for reference in _references(_get(expression, attribute)):
            source = reference.removesuffix(".json")
            if source in self.data_documents:
                self.used.add(source)
                if not isinstance(value, str):
                    return self.data_documents[source]
        if isinstance(value, str):
            return f"{pointer}/{escape_pointer(attribute)}", document_value(value)
        return None  # unknown until apply, and not from a data source: nothing to lint

    def add(
        self,
        found: tuple[str, Any] | None,
        origin: str,
        kind: Literal["trust", "permissions"] | None,
        role: str | None,
        *,
        attachment: Literal["inline", "managed"] | None = None,
    ) -> None:
        if found is None:
            return
        pointer, value = found
        role_arn = Placeholder(f"{role}.arn", "ref").text() if role else None
        self.documents.append(
            EmbeddedDocument(
                pointer,
                value,
                origin,
                kind=kind,
                role=role,
                role_arn=role_arn,
                attachment=attachment,
            )
        )

    def read(self, resource: _Resource) -> None:
        """Add the documents of one resource."""
        address, expressions = resource.address, resource.expressions
        if resource.type == "aws_iam_role":
            self.add(
                self.document(resource.pointer, "assume_role_policy", resource.after, expressions),
                f"{address}, assume_role_policy",
                "trust",
                address,
            )
            inline = resource.after.get("inline_policy")
            for index, item in enumerate(inline if isinstance(inline, list) else []):
                self.add(
                    self.document(
                        f"{resource.pointer}/inline_policy/{index}",
                        "policy",
                        item,
                        _item(expressions.get("inline_policy"), index),
                    ),
                    f"{address}, inline_policy[{index}]",
                    "permissions",
                    address,
                    attachment="inline",
                )
        elif resource.type in _POLICY_TYPES:
            role = (
                self.role_of(resource, "role") if resource.type == "aws_iam_role_policy" else None
            )
            if resource.type == "aws_iam_policy":
                owners = self.attached.get(address, [])
                role = owners[0] if owners else None
            self.add(
                self.document(resource.pointer, "policy", resource.after, expressions),
                f"{address}, policy",
                "permissions",
                role,
                attachment="managed" if resource.type == "aws_iam_policy" else "inline",
            )


def read_plan(file: str, plan: dict[str, Any], positions: Positions) -> SourceFile:
    """The policy documents of a Terraform plan (already parsed), with the plan's positions."""
    reader = _PlanReader(_plan_resources(plan))
    for resource in reader.resources:
        if resource.mode == "managed":
            reader.read(resource)
    # A policy document no resource of the plan uses is linted on its own, as what it says.
    referenced = {r.removesuffix(".json") for r in _all_references(plan.get("configuration"))}
    for address, found in reader.data_documents.items():
        if address not in reader.used and address not in referenced:
            reader.add(found, f"{address}, json", None, None)
    return source_file_with_roles(
        file, "terraform-plan", reader.roles, reader.documents, _block_positions(positions)
    )


_ELEMENT_FIELDS = {
    "Sid": "sid",
    "Effect": "effect",
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
    "Principal": "principals",
    "NotPrincipal": "not_principals",
    "Condition": "condition",
}
_REBUILT = re.compile(r"(?P<base>.*)/Statement/(?P<index>\d+)(?:/(?P<element>[A-Za-z]+))?.*")


def _block_positions(positions: Positions) -> Positions:
    """Positions for documents rebuilt from statement blocks: an element of the rebuilt
    document is where the block's matching argument is written."""

    def position(pointer: str) -> tuple[int, int]:
        match = _REBUILT.fullmatch(pointer)
        if match is not None and not match.group("base").endswith(("/json", "policy")):
            block = f"{match.group('base')}/statement/{match.group('index')}"
            field = _ELEMENT_FIELDS.get(match.group("element") or "")
            return positions(f"{block}/{field}" if field else block)
        return positions(pointer)

    return position
