"""A bundle: every document of a setup, with the manifest that says what each one is."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from iam_redshift.model import AccessRole, InstanceRole, Setup
from iam_redshift.render import documents

__all__ = [
    "MANIFEST_NAME",
    "Bundle",
    "BundleDocument",
    "DocumentKind",
    "RoleKind",
    "dump_document",
    "render_bundle",
]

#: The manifest's file name inside a bundle directory.
MANIFEST_NAME = "iam-redshift.json"

RoleKind = Literal["instance", "access"]
DocumentKind = Literal["trust", "permissions"]


def dump_document(value: Any) -> str:
    """Our one JSON text form: 2-space indent, keys in the order given, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def role_directory(name: str) -> str:
    """The directory a role's documents go in: its name, except names made only of dots (valid
    in IAM), which would mean "here" or "up" to a file system."""
    return name.replace(".", "%2E") if set(name) == {"."} else name


@dataclass(frozen=True)
class BundleDocument:
    """One policy document of a bundle and what it belongs to."""

    path: str
    role: str
    role_arn: str
    role_kind: RoleKind
    kind: DocumentKind
    document: dict[str, Any] = field(compare=True, hash=False)

    def manifest_entry(self) -> dict[str, str]:
        """This document's entry in the manifest's ``documents`` list."""
        return {
            "path": self.path,
            "role": self.role,
            "role_arn": self.role_arn,
            "role_kind": self.role_kind,
            "kind": self.kind,
        }

    def text(self) -> str:
        """The document as it is written to disk."""
        return dump_document(self.document)


@dataclass(frozen=True)
class Bundle:
    """A setup and the documents rendered from it, in a fixed order: the instance role's trust
    and permissions policies, then each access role's, in the setup's order."""

    setup: Setup
    documents: tuple[BundleDocument, ...]

    def manifest(self) -> dict[str, Any]:
        """The manifest: the setup's keys and the ``documents`` list."""
        from iam_redshift.setup_file import setup_to_mapping

        return {
            **setup_to_mapping(self.setup),
            "documents": [d.manifest_entry() for d in self.documents],
        }

    def files(self) -> dict[str, str]:
        """Every file of the bundle directory: relative path to text, the manifest first."""
        return {MANIFEST_NAME: dump_document(self.manifest())} | {
            d.path: d.text() for d in self.documents
        }

    def to_json(self) -> str:
        """The whole bundle as one JSON object: each file's relative path to its content."""
        return dump_document(
            {MANIFEST_NAME: self.manifest()} | {d.path: d.document for d in self.documents}
        )


def _entries(
    setup: Setup,
    role: InstanceRole | AccessRole,
    trust: dict[str, Any],
    permissions: dict[str, Any],
) -> tuple[BundleDocument, BundleDocument]:
    role_kind: RoleKind = "instance" if isinstance(role, InstanceRole) else "access"
    folder = role_directory(role.name)
    arn = setup.arn_of(role)
    return (
        BundleDocument(f"{folder}/trust-policy.json", role.name, arn, role_kind, "trust", trust),
        BundleDocument(
            f"{folder}/permissions-policy.json",
            role.name,
            arn,
            role_kind,
            "permissions",
            permissions,
        ),
    )


def render_bundle(setup: Setup) -> Bundle:
    """Render every document of ``setup`` (a pure function: same setup, same bundle)."""
    rendered = list(
        _entries(
            setup,
            setup.instance_role,
            documents.instance_role_trust_policy(setup),
            documents.instance_role_permissions_policy(setup),
        )
    )
    for role in setup.access_roles:
        rendered += _entries(
            setup,
            role,
            documents.access_role_trust_policy(setup, role),
            documents.access_role_permissions_policy(setup, role),
        )
    return Bundle(setup, tuple(rendered))
