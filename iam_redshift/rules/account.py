"""IR11x: account-authorization-details dumps (``aws iam get-account-authorization-details``).

The documents inside a dump are linted by every other rule; these rules are about the dump
itself. They have no check of their own: the engine reports them when it reads a dump
(:mod:`iam_redshift.engine.dump`), and ``iam-redshift graph`` reports them too.
"""

from __future__ import annotations

from iam_redshift.rules._base import Example, Rule

__all__ = ["MANAGED_POLICY_NOT_IN_DUMP", "RULES"]

_DETAILS = (
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html"
)
_MANAGED = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html"

_POLICY_ARN = "arn:aws:iam::123456789012:policy/Redshift-Describe"
_USER = {
    "UserName": "analyst",
    "Arn": "arn:aws:iam::123456789012:user/analyst",
    "UserPolicyList": [],
    "GroupList": [],
    "AttachedManagedPolicies": [{"PolicyName": "Redshift-Describe", "PolicyArn": _POLICY_ARN}],
}
_POLICY = {
    "PolicyName": "Redshift-Describe",
    "Arn": _POLICY_ARN,
    "DefaultVersionId": "v1",
    "PolicyVersionList": [
        {
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "Document": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DescribeAnalyticsCluster",
                        "Effect": "Allow",
                        "Action": "redshift:DescribeClusters",
                        "Resource": "arn:aws:redshift:us-east-1:123456789012:cluster:analytics",
                    }
                ],
            },
        }
    ],
}

MANAGED_POLICY_NOT_IN_DUMP = Rule.declare(
    """
    IR110 managed-policy-not-in-dump (warning)

    A user, group or role of an authorization-details dump attaches a managed policy (or uses a
    permissions boundary) that the dump does not hold.

    Why: get-account-authorization-details lists every managed policy that is attached to something;
    one that is missing was filtered out (--filter), lost with a page of a paginated dump, or
    deleted while the dump was taken. What it allows or denies cannot be seen, so every answer about
    that principal (who can assume what, who can reach Redshift credentials) may be incomplete.

    Fix: Take the dump again without --filter, keep every page (pass them all to iam-redshift), or
    detach the policy if it no longer exists.
    """,
    references=(_DETAILS, _MANAGED),
    bad=Example.document(
        {"UserDetailList": [_USER], "GroupDetailList": [], "RoleDetailList": [], "Policies": []},
        note="the Policies list does not hold the attached policy",
    ),
    good=Example.document(
        {
            "UserDetailList": [_USER],
            "GroupDetailList": [],
            "RoleDetailList": [],
            "Policies": [_POLICY],
        }
    ),
)

RULES = (MANAGED_POLICY_NOT_IN_DUMP,)
