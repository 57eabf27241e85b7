"""Large, realistic ``get-account-authorization-details`` dumps for benchmarks: no Hypothesis
here, a seeded random generator, so the same size and seed give the same dump."""

from __future__ import annotations

import random
from typing import Any

__all__ = ["synthetic_dump"]

VERSION = "2012-10-17"


def _policy(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": statements}


_SERVICES = (
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "glue.amazonaws.com",
    "states.amazonaws.com",
    "codebuild.amazonaws.com",
)
_ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "kms:Decrypt",
    "ssm:GetParameter",
    "secretsmanager:GetSecretValue",
    "ec2:DescribeInstances",
    "cloudwatch:PutMetricData",
)


def _permissions(rng: random.Random, account_id: str, size: int) -> dict[str, Any]:
    statements = []
    for index in range(size):
        actions = rng.sample(_ACTIONS, rng.randint(1, 6))
        statements.append(
            {
                "Sid": f"S{index}",
                "Effect": "Allow",
                "Action": actions,
                "Resource": [
                    f"arn:aws:s3:::bucket-{rng.randrange(500)}/*",
                    f"arn:aws:dynamodb:us-east-1:{account_id}:table/t{rng.randrange(500)}",
                ],
            }
        )
    return _policy(statements)


def synthetic_dump(
    roles: int,
    *,
    seed: int = 0,
    account_id: str = "123456789012",
    users: int | None = None,
    managed_policies: int | None = None,
) -> dict[str, Any]:
    """A large, realistic dump for benchmarks: ``roles`` roles (mostly service roles, some
    trusting other roles, a few trusting the account or an outside account with an
    ExternalId), one user per ten roles in a handful of groups, a pool of customer managed
    policies with several versions each (each principal attaches a few), one or two inline
    policies per role, and 1% of roles the two-role Redshift pattern. Deterministic for a
    seed."""
    rng = random.Random(seed)
    users = roles // 10 if users is None else users
    pool_size = max(10, roles // 20) if managed_policies is None else managed_policies
    pool = [f"arn:aws:iam::{account_id}:policy/app-policy-{i}" for i in range(pool_size)]
    policies = [
        {
            "PolicyName": arn.rpartition("/")[2],
            "Arn": arn,
            "DefaultVersionId": "v3",
            "PolicyVersionList": [
                {
                    "VersionId": f"v{v}",
                    "IsDefaultVersion": v == 3,
                    "Document": _permissions(rng, account_id, rng.randint(2, 6)),
                }
                for v in (1, 2, 3)
            ],
        }
        for arn in pool
    ]
    arns = [f"arn:aws:iam::{account_id}:role/app/role-{i}" for i in range(roles)]
    role_list = []
    for index, arn in enumerate(arns):
        name = arn.rpartition("/")[2]
        draw = rng.random()
        permissions = [
            {
                "PolicyName": f"{name}-inline-{k}",
                "PolicyDocument": _permissions(rng, account_id, rng.randint(1, 5)),
            }
            for k in range(rng.randint(1, 2))
        ]
        profiles: list[dict[str, Any]] = []
        condition = None
        if index % 100 == 0 and index + 1 < roles:
            # The two-role pattern: an instance role and the access role it assumes.
            principal: Any = {"Service": "ec2.amazonaws.com"}
            profiles = [
                {
                    "InstanceProfileName": name,
                    "Arn": f"arn:aws:iam::{account_id}:instance-profile/{name}",
                    "Roles": [],
                }
            ]
            permissions.append(
                {
                    "PolicyName": "AllowAssumingPreferredRoles",
                    "PolicyDocument": _policy(
                        [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Resource": [arns[index + 1]],
                            }
                        ]
                    ),
                }
            )
        elif index % 100 == 1:
            principal = {"AWS": arns[index - 1]}
            permissions.append(
                {
                    "PolicyName": "RedshiftCredentials",
                    "PolicyDocument": _policy(
                        [
                            {
                                "Effect": "Allow",
                                "Action": "redshift:GetClusterCredentials",
                                "Resource": [
                                    f"arn:aws:redshift:us-east-1:{account_id}:dbuser:analytics/etl_user",
                                    f"arn:aws:redshift:us-east-1:{account_id}:dbname:analytics/dev",
                                ],
                            }
                        ]
                    ),
                }
            )
        elif draw < 0.70:
            principal = {"Service": rng.choice(_SERVICES)}
        elif draw < 0.85:
            principal = {"AWS": rng.choice(arns)}
        elif draw < 0.90:
            principal = {"AWS": f"arn:aws:iam::{account_id}:root"}
            condition = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        elif draw < 0.95:
            principal = {"AWS": "arn:aws:iam::999999999999:root"}
            condition = {"StringEquals": {"sts:ExternalId": f"ext-{index}"}}
        else:
            principal = {"Service": "ec2.amazonaws.com"}
            profiles = [
                {
                    "InstanceProfileName": name,
                    "Arn": f"arn:aws:iam::{account_id}:instance-profile/{name}",
                    "Roles": [],
                }
            ]
        if rng.random() < 0.05:
            # Some roles may assume others (role chaining).
            permissions.append(
                {
                    "PolicyName": "AssumeOthers",
                    "PolicyDocument": _policy(
                        [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Resource": rng.sample(arns, 3),
                            }
                        ]
                    ),
                }
            )
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:AssumeRole",
        }
        if condition:
            statement["Condition"] = condition
        role_list.append(
            {
                "Path": "/app/",
                "RoleName": name,
                "RoleId": f"AROA{index:016d}",
                "Arn": arn,
                "CreateDate": "2024-01-01T00:00:00+00:00",
                "AssumeRolePolicyDocument": _policy([statement]),
                "InstanceProfileList": profiles,
                "RolePolicyList": permissions,
                "AttachedManagedPolicies": [
                    {"PolicyName": p.rpartition("/")[2], "PolicyArn": p}
                    for p in rng.sample(pool, min(len(pool), rng.randint(1, 4)))
                ],
                "Tags": [],
                "RoleLastUsed": {},
            }
        )
    groups = [f"team-{i}" for i in range(max(1, users // 20))]
    group_list = [
        {
            "Path": "/",
            "GroupName": group,
            "Arn": f"arn:aws:iam::{account_id}:group/{group}",
            "GroupPolicyList": [
                {
                    "PolicyName": f"{group}-inline",
                    "PolicyDocument": _permissions(rng, account_id, 3),
                }
            ],
            "AttachedManagedPolicies": [
                {"PolicyName": p.rpartition("/")[2], "PolicyArn": p}
                for p in rng.sample(pool, min(len(pool), 2))
            ],
        }
        for group in groups
    ]
    user_list = []
    for index in range(users):
        name = f"user-{index}"
        assume: list[dict[str, Any]] = []
        if rng.random() < 0.2:
            assume = [
                {
                    "PolicyName": "assume",
                    "PolicyDocument": _policy(
                        [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Resource": rng.sample(arns, 2),
                            }
                        ]
                    ),
                }
            ]
        user_list.append(
            {
                "Path": "/",
                "UserName": name,
                "Arn": f"arn:aws:iam::{account_id}:user/{name}",
                "GroupList": [rng.choice(groups)],
                "UserPolicyList": assume,
                "AttachedManagedPolicies": [
                    {"PolicyName": p.rpartition("/")[2], "PolicyArn": p}
                    for p in rng.sample(pool, min(len(pool), 2))
                ],
                "Tags": [],
            }
        )
    return {
        "UserDetailList": user_list,
        "GroupDetailList": group_list,
        "RoleDetailList": role_list,
        "Policies": policies,
    }
