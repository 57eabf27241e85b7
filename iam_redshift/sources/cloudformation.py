"""CloudFormation templates (JSON or YAML): the policy documents of their IAM resources.

Read: ``AWS::IAM::Role`` (``AssumeRolePolicyDocument``, ``Policies``, and the template's managed
policies it names in ``ManagedPolicyArns``), ``AWS::IAM::Policy``, ``AWS::IAM::ManagedPolicy``,
``AWS::IAM::RolePolicy``, the ``Policies`` of ``AWS::IAM::User`` and ``AWS::IAM::Group``, and the
roles of ``AWS::IAM::InstanceProfile``.

Intrinsic functions resolve symbolically, never to invented names: a value that cannot be known
offline becomes a :class:`~iam_redshift.sources.embedded.Placeholder` text (``!GetAtt R.Arn`` is
``{{ref:R.Arn}}``, ``!Ref R`` is ``{{ref:R}}``, ``${AWS::AccountId}`` is ``{{aws:AccountId}}``,
``!ImportValue X`` is ``{{import:X}}``, a parameter without a default ``{{param:P}}``); a
parameter with a default is its default. ``Fn::If`` has both branches, and only one can be linted:
it takes the first that is not ``AWS::NoValue``.
"""

from __future__ import annotations

import re
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

__all__ = ["is_template", "read_template"]

_NO_VALUE = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
#: Properties of ``Policies`` items, by resource type, that hold inline policies.
_WITH_POLICIES = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")


def is_template(value: Any) -> bool:
    """Whether a JSON value is a CloudFormation template: an object with
    ``AWSTemplateFormatVersion``, or whose ``Resources`` are objects with a ``Type``."""
    if not isinstance(value, dict):
        return False
    if "AWSTemplateFormatVersion" in value:
        return True
    resources = value.get("Resources")
    return (
        isinstance(resources, dict)
        and bool(resources)
        and all(isinstance(r, dict) and isinstance(r.get("Type"), str) for r in resources.values())
    )


class _Resolver:
    """Resolves intrinsic functions into JSON data with placeholders."""

    def __init__(self, template: dict[str, Any]) -> None:
        resources = template.get("Resources")
        parameters = template.get("Parameters")
        self.resources = resources if isinstance(resources, dict) else {}
        self.parameters = parameters if isinstance(parameters, dict) else {}
        self.budget = 100_000  # values resolved at most: a template cannot make this slow

    def reference(self, name: str) -> Any:
        if name.startswith("AWS::"):
            if name == "AWS::NoValue":
                return _NO_VALUE
            return Placeholder(name[len("AWS::") :], "aws").text()
        parameter = self.parameters.get(name)
        if isinstance(parameter, dict):
            default = parameter.get("Default")
            if isinstance(default, str | int | float) and not isinstance(default, bool):
                return str(default)
            return Placeholder(name, "param").text()
        return Placeholder(name, "ref").text()

    def resolve(self, value: Any) -> Any:
        self.budget -= 1
        if self.budget < 0:
            return Placeholder("too-large", "unknown").text()
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                return self.function(key, argument)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}

    def function(self, name: str, argument: Any) -> Any:
        if name == "Ref":
            return self.reference(argument) if isinstance(argument, str) else _unknown("Ref")
        if name == "Fn::GetAtt":
            if isinstance(argument, str):
                argument = argument.split(".", 1)
            if isinstance(argument, list) and len(argument) == 2:
                logical, attribute = argument[0], self.resolve(argument[1])
                if isinstance(logical, str) and isinstance(attribute, str):
                    return Placeholder(f"{logical}.{attribute}", "ref").text()
            return _unknown("GetAtt")
        if name == "Fn::Sub":
            return self.sub(argument)
        if name == "Fn::Join":
            if isinstance(argument, list) and len(argument) == 2:
                delimiter, items = argument[0], self.resolve(argument[1])
                if (
                    isinstance(delimiter, str)
                    and isinstance(items, list)
                    and all(isinstance(i, str | int | float) for i in items)
                ):
                    return delimiter.join(str(i) for i in items)
            return _unknown("Join")
        if name == "Fn::If":
            if isinstance(argument, list) and len(argument) == 3:
                first = self.resolve(argument[1])
                return first if first is not _NO_VALUE else self.resolve(argument[2])
            return _unknown("If")
        if name == "Fn::ImportValue":
            imported = self.resolve(argument)
            return Placeholder(imported if isinstance(imported, str) else "?", "import").text()
        if name == "Fn::Select":
            if isinstance(argument, list) and len(argument) == 2:
                index, items = self.resolve(argument[0]), self.resolve(argument[1])
                if isinstance(items, list):
                    try:
                        return items[int(index)]
                    except (ValueError, TypeError, IndexError):
                        pass
            return _unknown("Select")
        return _unknown(name.removeprefix("Fn::"))

    def sub(self, argument: Any) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        if not isinstance(argument, str):
            return _unknown("Sub")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} is the text ${Literal}
            if name in variables:
                value = variables[name]
                return value if isinstance(value, str) else _unknown("Sub")
            if "." in name and not name.startswith("AWS::"):
                return Placeholder(name, "ref").text()
            value = self.reference(name)
            return value if isinstance(value, str) else ""

        return _SUB_VARIABLE.sub(replace, argument)


def _unknown(function: str) -> str:
    return Placeholder(f"Fn::{function}".replace("::", "."), "unknown").text()


def read_template(file: str, template: dict[str, Any], positions: Positions) -> SourceFile:
    """The policy documents of a template (already parsed), with the template's positions."""
    resolver = _Resolver(template)
    resources = resolver.resources
    documents: list[EmbeddedDocument] = []
    roles: list[RoleIdentity] = []
    role_of_name: dict[str, str] = {}
    attached: dict[str, list[str]] = {}  # policy logical id -> role logical ids

    def role_named(value: Any) -> str | None:
        """The logical id of the role a RoleName/Roles item names (``!Ref Role`` or its name)."""
        resolved = resolver.resolve(value)
        if not isinstance(resolved, str):
            return None
        for logical in resources:
            if resolved == Placeholder(logical, "ref").text():
                return logical if _type(resources, logical) == "AWS::IAM::Role" else None
        return role_of_name.get(resolved)

    for logical, resource in resources.items():
        if _type(resources, logical) != "AWS::IAM::Role":
            continue
        properties = _properties(resource)
        name = resolver.resolve(properties.get("RoleName"))
        path = resolver.resolve(properties.get("Path", "/"))
        roles.append(
            RoleIdentity(
                logical,
                Placeholder(f"{logical}.Arn", "ref").text(),
                name if isinstance(name, str) else None,
                path if isinstance(path, str) else "/",
                written=f"!GetAtt {logical}.Arn",
            )
        )
        if isinstance(name, str):
            role_of_name.setdefault(name, logical)
        for item in _list(properties.get("ManagedPolicyArns")):
            arn = resolver.resolve(item)
            for other in resources:
                if arn in (
                    Placeholder(other, "ref").text(),
                    Placeholder(f"{other}.Arn", "ref").text(),
                ):
                    attached.setdefault(other, []).append(logical)

    for logical, resource in resources.items():
        kind = _type(resources, logical)
        properties = _properties(resource)
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for item in _list(properties.get("Roles")):
                role = role_named(item)
                if role is not None:
                    attached.setdefault(logical, []).append(role)
        elif kind == "AWS::IAM::RolePolicy":
            role = role_named(properties.get("RoleName"))
            if role is not None:
                attached.setdefault(logical, []).append(role)

    def add(
        pointer: str,
        value: Any,
        origin: str,
        kind: Literal["trust", "permissions"],
        role: str | None,
        *,
        attachment: Literal["inline", "managed"] | None = None,
    ) -> None:
        documents.append(
            EmbeddedDocument(
                pointer,
                document_value(resolver.resolve(value)),
                origin,
                kind=kind,
                role=role,
                role_arn=Placeholder(f"{role}.Arn", "ref").text() if role else None,
                attachment=attachment,
            )
        )

    for logical, resource in resources.items():
        kind = _type(resources, logical)
        properties = _properties(resource)
        base = f"/Resources/{escape_pointer(logical)}/Properties"
        if kind == "AWS::IAM::Role" and "AssumeRolePolicyDocument" in properties:
            add(
                f"{base}/AssumeRolePolicyDocument",
                properties["AssumeRolePolicyDocument"],
                f"{kind} {logical}, AssumeRolePolicyDocument",
                "trust",
                logical,
            )
        if kind in _WITH_POLICIES:
            for index, item in enumerate(_list(properties.get("Policies"))):
                if isinstance(item, dict) and "PolicyDocument" in item:
                    add(
                        f"{base}/Policies/{index}/PolicyDocument",
                        item["PolicyDocument"],
                        f"{kind} {logical}, Policies[{index}]",
                        "permissions",
                        logical if kind == "AWS::IAM::Role" else None,
                        attachment="inline",
                    )
        if (
            kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")
            and "PolicyDocument" in properties
        ):
            owners = attached.get(logical, [])
            add(
                f"{base}/PolicyDocument",
                properties["PolicyDocument"],
                f"{kind} {logical}, PolicyDocument",
                "permissions",
                owners[0] if owners else None,
                attachment="managed" if kind == "AWS::IAM::ManagedPolicy" else "inline",
            )
    return source_file_with_roles(file, "cloudformation", roles, documents, positions)


def _type(resources: dict[str, Any], logical: str) -> str | None:
    resource = resources.get(logical)
    kind = resource.get("Type") if isinstance(resource, dict) else None
    return kind if isinstance(kind, str) else None


def _properties(resource: Any) -> dict[str, Any]:
    properties = resource.get("Properties") if isinstance(resource, dict) else None
    return properties if isinstance(properties, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
