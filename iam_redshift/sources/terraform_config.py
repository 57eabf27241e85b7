"""Terraform JSON configuration (``*.tf.json``): the policy documents its resources and
``aws_iam_policy_document`` data sources write out, with interpolations (``${...}``) as
:class:`~iam_redshift.sources.embedded.Placeholder` texts. Plans are
:mod:`iam_redshift.sources.terraform`'s.
"""

from __future__ import annotations

import json
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
from iam_redshift.sources.terraform import (
    _POLICY_TYPES,
    _get,
    rebuild_document,
)

if TYPE_CHECKING:
    from iam_redshift.sources.embedded import Positions, SourceFile

__all__ = ["read_configuration"]


_JSONENCODE = re.compile(r"\$\{\s*jsonencode\(\s*([A-Za-z0-9_.\-]+)\s*\)\s*\}")
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([^}]*)\}")


def _interpolated(text: str) -> str:
    """A Terraform template's text with every reference a placeholder (``${jsonencode(r)}``, which
    stands for a whole JSON string, quotes included, becomes a quoted one)."""
    text = _JSONENCODE.sub(lambda m: json.dumps(Placeholder(m.group(1), "ref").text()), text)
    text = _INTERPOLATION.sub(lambda m: Placeholder(m.group(1).strip(), "ref").text(), text)
    return text.replace("$${", "${").replace("%%{", "%{")


def _interpolate_all(value: Any) -> Any:
    if isinstance(value, str):
        return _interpolated(value)
    if isinstance(value, list):
        return [_interpolate_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _interpolate_all(v) for k, v in value.items()}
    return value


def _blocks(value: Any) -> dict[str, Any]:
    """``{"name": body}`` for a block written as an object, or as a list of such objects."""
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for item in value:
            if isinstance(item, dict):
                merged.update(item)
        return merged
    return value if isinstance(value, dict) else {}


def _statement_blocks(body: Any) -> list[dict[str, Any]]:
    statement = _get(body, "statement")
    if isinstance(statement, dict):
        statement = [statement]
    return [s for s in statement if isinstance(s, dict)] if isinstance(statement, list) else []


def _configuration_document(body: Any) -> dict[str, Any]:
    """An ``aws_iam_policy_document`` data block's policy, from its statement blocks."""
    after = {"statement": [], "version": _get(body, "version")}
    for block in _statement_blocks(_interpolate_all(body)):
        item = dict(block)
        for field in ("principals", "not_principals", "condition"):
            if isinstance(item.get(field), dict):
                item[field] = [item[field]]
        after["statement"].append(item)
    return rebuild_document("data", after, {}, {})


def read_configuration(
    file: str, configuration: dict[str, Any], positions: Positions
) -> SourceFile:
    """The policy documents of a Terraform JSON configuration (already parsed)."""
    resources = _blocks(configuration.get("resource"))
    data = _blocks(_blocks(configuration.get("data")).get("aws_iam_policy_document"))
    data_documents = {f"data.aws_iam_policy_document.{n}": b for n, b in data.items()}
    documents: list[EmbeddedDocument] = []
    roles: list[RoleIdentity] = []
    role_of_name: dict[str, str] = {}

    def document(pointer: str, text: Any) -> tuple[str, Any] | None:
        if not isinstance(text, str):
            return None
        whole = _INTERPOLATION.fullmatch(text.strip())
        if whole is not None:
            source = whole.group(1).strip().removesuffix(".json")
            if source in data_documents:
                name = source.rpartition(".")[2]
                return (
                    f"/data/aws_iam_policy_document/{escape_pointer(name)}",
                    _configuration_document(data_documents[source]),
                )
            return None  # a reference to something this file does not hold
        return pointer, document_value(_interpolated(text))

    for name, body in _blocks(resources.get("aws_iam_role")).items():
        address = f"aws_iam_role.{name}"
        role_name = _get(body, "name")
        path = _get(body, "path")
        known_name = role_name if isinstance(role_name, str) and "${" not in role_name else None
        roles.append(
            RoleIdentity(
                address,
                Placeholder(f"{address}.arn", "ref").text(),
                known_name.replace("$${", "${") if known_name else None,
                path.replace("$${", "${") if isinstance(path, str) else "/",
                written=f"{address}.arn",
            )
        )
        if known_name:
            role_of_name[known_name] = address

    def add(
        found: tuple[str, Any] | None,
        origin: str,
        kind: Literal["trust", "permissions"],
        role: str | None,
        *,
        attachment: Literal["inline", "managed"] | None = None,
    ) -> None:
        if found is not None:
            role_arn = Placeholder(f"{role}.arn", "ref").text() if role else None
            documents.append(
                EmbeddedDocument(
                    found[0],
                    found[1],
                    origin,
                    kind=kind,
                    role=role,
                    role_arn=role_arn,
                    attachment=attachment,
                )
            )

    def role_named(value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        match = re.fullmatch(r"\$\{\s*aws_iam_role\.([A-Za-z0-9_\-]+)\.(?:id|name)\s*\}", value)
        if match is not None:
            return f"aws_iam_role.{match.group(1)}"
        return role_of_name.get(value)

    for kind, blocks in resources.items():
        for name, body in _blocks(blocks).items():
            address = f"{kind}.{name}"
            base = f"/resource/{escape_pointer(kind)}/{escape_pointer(name)}"
            if kind == "aws_iam_role":
                add(
                    document(f"{base}/assume_role_policy", _get(body, "assume_role_policy")),
                    f"{address}, assume_role_policy",
                    "trust",
                    address,
                )
                inline = _get(body, "inline_policy")
                for index, item in enumerate(inline if isinstance(inline, list) else []):
                    add(
                        document(f"{base}/inline_policy/{index}/policy", _get(item, "policy")),
                        f"{address}, inline_policy[{index}]",
                        "permissions",
                        address,
                        attachment="inline",
                    )
            elif kind in _POLICY_TYPES:
                role = role_named(_get(body, "role")) if kind == "aws_iam_role_policy" else None
                add(
                    document(f"{base}/policy", _get(body, "policy")),
                    f"{address}, policy",
                    "permissions",
                    role,
                    attachment="managed" if kind == "aws_iam_policy" else "inline",
                )
    return source_file_with_roles(file, "terraform-configuration", roles, documents, positions)
