"""Rendering: pure functions from a setup to policy documents and bundles."""

from __future__ import annotations

from iam_redshift.render.bundle import (
    MANIFEST_NAME,
    Bundle,
    BundleDocument,
    dump_document,
    render_bundle,
)
from iam_redshift.render.documents import (
    access_role_permissions_policy,
    access_role_trust_policy,
    instance_role_permissions_policy,
    instance_role_trust_policy,
)

__all__ = [
    "MANIFEST_NAME",
    "Bundle",
    "BundleDocument",
    "access_role_permissions_policy",
    "access_role_trust_policy",
    "dump_document",
    "instance_role_permissions_policy",
    "instance_role_trust_policy",
    "render_bundle",
]
