"""A bundle as a CloudFormation template: one ``AWS::IAM::Role`` per role, the instance profile,
and the role ARNs as outputs.

Pure: a :class:`~iam_redshift.render.bundle.Bundle` in, a template (a JSON object) out. Each
role's ``AssumeRolePolicyDocument`` and inline policy are exactly the documents of the bundle, so
the template grants what ``iam-redshift render`` prints, no more. The access roles depend on the
instance role, because IAM refuses a trust policy whose principal does not exist yet.
"""

from __future__ import annotations

from typing import Any

from iam_redshift.render.bundle import (
    GENERATED_BY,
    INLINE_POLICY_NAME,
    Bundle,
    dump_document,
)

__all__ = [
    "FILE_NAME",
    "cloudformation_template",
    "dump_template",
    "logical_ids",
]

#: The file ``render --format cloudformation -o DIR`` writes in DIR.
FILE_NAME = "iam-redshift.cfn.json"

INSTANCE_ROLE_ID = "InstanceRole"
INSTANCE_PROFILE_ID = "InstanceProfile"


def logical_ids(bundle: Bundle) -> dict[str, str]:
    """Each role's logical id, by role name: ``InstanceRole``, then ``AccessRole1``, ... in the
    setup's order (role names may hold characters logical ids may not)."""
    setup = bundle.setup
    ids = {setup.instance_role.name: INSTANCE_ROLE_ID}
    ids.update({r.name: f"AccessRole{i}" for i, r in enumerate(setup.access_roles, start=1)})
    return ids


def cloudformation_template(bundle: Bundle) -> dict[str, Any]:
    """The CloudFormation template that creates the roles of ``bundle``.

    Role names are fixed, so deploying needs ``CAPABILITY_NAMED_IAM``.
    """
    setup = bundle.setup
    ids = logical_ids(bundle)
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for role in setup.roles:
        trust = bundle.document(role.name, "trust")
        permissions = bundle.document(role.name, "permissions")
        logical_id = ids[role.name]
        resource: dict[str, Any] = {"Type": "AWS::IAM::Role"}
        if logical_id != INSTANCE_ROLE_ID:
            resource["DependsOn"] = INSTANCE_ROLE_ID
        resource["Properties"] = {
            "RoleName": role.name,
            "Path": role.path,
            "AssumeRolePolicyDocument": trust.document,
            "Policies": [
                {"PolicyName": INLINE_POLICY_NAME, "PolicyDocument": permissions.document}
            ],
        }
        resources[logical_id] = resource
        outputs[f"{logical_id}Arn"] = {
            "Description": f"The ARN of role {role.name}",
            "Value": {"Fn::GetAtt": [logical_id, "Arn"]},
        }
        if logical_id == INSTANCE_ROLE_ID:
            resources[INSTANCE_PROFILE_ID] = {
                "Type": "AWS::IAM::InstanceProfile",
                "Properties": {
                    "InstanceProfileName": role.name,
                    "Path": role.path,
                    "Roles": [{"Ref": INSTANCE_ROLE_ID}],
                },
            }
            outputs[f"{INSTANCE_PROFILE_ID}Arn"] = {
                "Description": f"The ARN of instance profile {role.name}, for the EC2 instance",
                "Value": {"Fn::GetAtt": [INSTANCE_PROFILE_ID, "Arn"]},
            }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{GENERATED_BY} (profile {setup.profile}): an EC2 instance role and the "
        "Redshift access roles it may assume.",
        "Resources": resources,
        "Outputs": outputs,
    }


def dump_template(bundle: Bundle) -> str:
    """The template as text: our one JSON form (2-space indent, a final newline)."""
    return dump_document(cloudformation_template(bundle))
