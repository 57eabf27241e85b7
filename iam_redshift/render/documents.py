"""Pure functions from a :class:`~iam_redshift.model.Setup` to IAM policy documents.

Key order, Sids, statement order and string-versus-list forms follow the source page exactly, so
that the ``seed`` profile reproduces its documents byte for byte.
"""

from __future__ import annotations

from typing import Any

from iam_redshift.model import AccessRole, Setup

__all__ = [
    "IAM_ROLE_READ_ACTIONS",
    "POLICY_VERSION",
    "access_role_permissions_policy",
    "access_role_trust_policy",
    "instance_role_permissions_policy",
    "instance_role_trust_policy",
]

#: The current IAM policy language version.
POLICY_VERSION = "2012-10-17"

#: What the ETL application reads to show the roles it may use (the page's first statement).
IAM_ROLE_READ_ACTIONS = (
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
)

PolicyDocument = dict[str, Any]


def _policy(*statements: dict[str, Any]) -> PolicyDocument:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def _trust(principal: dict[str, str]) -> PolicyDocument:
    return _policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def instance_role_trust_policy(setup: Setup) -> PolicyDocument:
    """The instance role's trust policy: the partition's EC2 service may assume it."""
    return _trust({"Service": setup.ec2_principal})


def instance_role_permissions_policy(setup: Setup) -> PolicyDocument:
    """The instance role's three statements: read IAM roles, Redshift, assume the access roles."""
    return _policy(
        {
            "Sid": "AllowIamRoleReadAndList",
            "Effect": "Allow",
            "Action": list(IAM_ROLE_READ_ACTIONS),
            "Resource": "*",
        },
        {"Sid": "BroadRedshiftAccess", "Effect": "Allow", "Action": "redshift:*", "Resource": "*"},
        {
            "Sid": "AllowAssumingPreferredRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": list(setup.access_role_arns),
        },
    )


def access_role_trust_policy(setup: Setup, role: AccessRole) -> PolicyDocument:
    """An access role's trust policy: exactly the instance role (full ARN, path included).

    ``role`` is part of the signature so that every access-role renderer takes the same
    arguments; in this pattern every access role trusts the same principal.
    """
    del role
    return _trust({"AWS": setup.instance_role_arn})


def access_role_permissions_policy(setup: Setup, role: AccessRole) -> PolicyDocument:
    """An access role's Redshift permissions."""
    del setup, role
    return _policy(
        {
            "Sid": "GrantRedshiftPermissions",
            "Effect": "Allow",
            "Action": "redshift:*",
            "Resource": "*",
        }
    )
