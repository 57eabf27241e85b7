"""A bundle as Terraform JSON (a ``.tf.json`` file): ``aws_iam_role``, ``aws_iam_role_policy``
and ``aws_iam_instance_profile`` resources, and the role ARNs as outputs.

Pure: a :class:`~iam_redshift.render.bundle.Bundle` in, a Terraform JSON object out. The policy
documents are the bundle's, as JSON text, with one change: where an access role's trust policy
names the instance role, it says ``${jsonencode(aws_iam_role.instance_role.arn)}``, a Terraform
reference, so that the principal can never drift from the role Terraform creates. ``jsonencode``
quotes and escapes the ARN, which matters for role paths holding a quote or a
backslash.

In Terraform JSON every string is a template, so literal ``${`` and ``%{`` (possible in role
paths) are escaped as ``$${`` and ``%%{``.
"""

from __future__ import annotations

import json
from typing import Any

from iam_redshift.render.bundle import (
    GENERATED_BY,
    INLINE_POLICY_NAME,
    Bundle,
    BundleDocument,
    dump_document,
)

__all__ = [
    "FILE_NAME",
    "INSTANCE_ROLE_ARN_REFERENCE",
    "dump_configuration",
    "resource_names",
    "terraform_configuration",
    "unescape",
]

#: The file ``render --format terraform -o DIR`` writes in DIR.
FILE_NAME = "iam-redshift.tf.json"

INSTANCE_ROLE = "instance_role"
INSTANCE_PROFILE = "instance_profile"
#: What an access role's trust policy names as its principal.
#: It stands for the whole JSON string, quotes included.
INSTANCE_ROLE_ARN_REFERENCE = f"${{jsonencode(aws_iam_role.{INSTANCE_ROLE}.arn)}}"


def escape(text: str) -> str:
    """``text`` as a Terraform template that means ``text`` literally."""
    return text.replace("${", "$${").replace("%{", "%%{")


def unescape(text: str) -> str:
    """The literal text a Terraform template without references stands for."""
    return text.replace("$${", "${").replace("%%{", "%{")


def resource_names(bundle: Bundle) -> dict[str, str]:
    """Each role's Terraform resource name, by role name: ``instance_role``, then
    ``access_role_1``, ... in the setup's order (role names may hold characters Terraform
    identifiers may not)."""
    setup = bundle.setup
    names = {setup.instance_role.name: INSTANCE_ROLE}
    names.update({r.name: f"access_role_{i}" for i, r in enumerate(setup.access_roles, start=1)})
    return names


def _policy_text(document: dict[str, Any]) -> str:
    return escape(json.dumps(document, indent=2, ensure_ascii=False))


def _trust_text(bundle: Bundle, trust: BundleDocument) -> str:
    text = _policy_text(trust.document)
    if trust.role_kind == "access":
        # The instance role's ARN appears only as the principal of an access role's trust
        # policy: replace the JSON string, quotes included, so nothing else can match.
        principal = escape(json.dumps(bundle.setup.instance_role_arn, ensure_ascii=False))
        text = text.replace(principal, INSTANCE_ROLE_ARN_REFERENCE)
    return text


def terraform_configuration(bundle: Bundle) -> dict[str, Any]:
    """The Terraform JSON configuration that creates the roles of ``bundle``."""
    setup = bundle.setup
    names = resource_names(bundle)
    roles: dict[str, Any] = {}
    policies: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for role in setup.roles:
        name = names[role.name]
        trust = bundle.document(role.name, "trust")
        permissions = bundle.document(role.name, "permissions")
        roles[name] = {
            "name": role.name,
            "path": escape(role.path),
            "assume_role_policy": _trust_text(bundle, trust),
        }
        policies[name] = {
            "name": INLINE_POLICY_NAME,
            "role": f"${{aws_iam_role.{name}.id}}",
            "policy": _policy_text(permissions.document),
        }
        outputs[f"{name}_arn"] = {
            "description": escape(f"The ARN of role {role.name}"),
            "value": f"${{aws_iam_role.{name}.arn}}",
        }
    outputs[f"{INSTANCE_PROFILE}_arn"] = {
        "description": escape(f"The ARN of instance profile {setup.instance_role.name}"),
        "value": f"${{aws_iam_instance_profile.{INSTANCE_PROFILE}.arn}}",
    }
    return {
        "//": f"{GENERATED_BY} (profile {setup.profile}): an EC2 instance role and the Redshift "
        "access roles it may assume.",
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}},
        "resource": {
            "aws_iam_role": roles,
            "aws_iam_role_policy": policies,
            "aws_iam_instance_profile": {
                INSTANCE_PROFILE: {
                    "name": setup.instance_role.name,
                    "path": escape(setup.instance_role.path),
                    "role": f"${{aws_iam_role.{INSTANCE_ROLE}.name}}",
                }
            },
        },
        "output": outputs,
    }


def dump_configuration(bundle: Bundle) -> str:
    """The configuration as text: our one JSON form (2-space indent, a final newline)."""
    return dump_document(terraform_configuration(bundle))
