"""Pure functions from a :class:`~iam_redshift.model.Setup` to IAM policy documents.

Key order, Sids, statement order and string-versus-list forms follow the source page exactly, so
that the ``seed`` profile reproduces its documents byte for byte.
"""

from __future__ import annotations

from typing import Any

from iam_redshift.model import AccessRole, Setup

__all__ = [
    "POLICY_VERSION",
    "SEED_ROLE_READ_ACTIONS",
    "PolicyJson",
    "access_role_permissions_policy",
    "access_role_trust_policy",
    "instance_role_permissions_policy",
    "instance_role_trust_policy",
    "policy",
]

#: The current IAM policy language version.
POLICY_VERSION = "2012-10-17"

#: What the ETL application reads to show the roles it may use (the page's first statement).
SEED_ROLE_READ_ACTIONS = (
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
)

#: A policy document as JSON data (the linter's view of one is
#: :class:`iam_redshift.document.policy.PolicyJson`).
PolicyJson = dict[str, Any]


def policy(*statements: dict[str, Any]) -> PolicyJson:
    """A policy document of the current language version holding ``statements``."""
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def _trust(principal: dict[str, str]) -> PolicyJson:
    return policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def instance_role_trust_policy(setup: Setup) -> PolicyJson:
    """The instance role's trust policy: the partition's EC2 service may assume it."""
    return _trust({"Service": setup.ec2_principal})


def instance_role_permissions_policy(setup: Setup) -> PolicyJson:
    """The instance role's three statements: read IAM roles, Redshift, assume the access roles."""
    return policy(
        {
            "Sid": "AllowIamRoleReadAndList",
            "Effect": "Allow",
            "Action": list(SEED_ROLE_READ_ACTIONS),
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


def access_role_trust_policy(setup: Setup, role: AccessRole) -> PolicyJson:
    """An access role's trust policy: exactly the instance role (full ARN, path included).

    ``role`` is part of the signature so that every access-role renderer takes the same
    arguments; in this pattern every access role trusts the same principal.
    """
    del role
    return _trust({"AWS": setup.instance_role_arn})


def access_role_permissions_policy(setup: Setup, role: AccessRole) -> PolicyJson:
    """An access role's Redshift permissions."""
    del setup, role
    return policy(
        {
            "Sid": "GrantRedshiftPermissions",
            "Effect": "Allow",
            "Action": "redshift:*",
            "Resource": "*",
        }
    )
