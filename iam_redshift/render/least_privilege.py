"""The ``least-privilege`` profile: permissions scoped to what each role reaches.

Pure functions from a :class:`~iam_redshift.model.Setup` to permissions policies. Resource ARNs
follow the Service Authorization Reference's formats for Amazon Redshift
(``arn:${Partition}:redshift:${Region}:${Account}:dbuser:${ClusterName}/${DbUser}``, ``dbname:``,
``dbgroup:``, ``cluster:``) and Amazon Redshift Serverless
(``arn:${Partition}:redshift-serverless:${Region}:${Account}:workgroup/${WorkgroupId}``).
Statements come in a fixed order with stable Sids, each optional permission in a statement of
its own, so that a setup option adds exactly one statement.
"""

from __future__ import annotations

from typing import Any

from iam_redshift.model import (
    SCOPED_ROLE_READ_ACTIONS,
    AccessRole,
    RedshiftCluster,
    RedshiftServerless,
    Setup,
    Target,
)
from iam_redshift.render.documents import PolicyJson, policy

__all__ = [
    "SCOPED_ROLE_READ_ACTIONS",
    "SERVERLESS_ACTIONS",
    "access_role_permissions_policy",
    "instance_role_permissions_policy",
    "target_statements",
]

#: What a driver calls on a serverless workgroup: GetWorkgroup to find its endpoint,
#: GetCredentials for the temporary database credentials.
SERVERLESS_ACTIONS = ("redshift-serverless:GetCredentials", "redshift-serverless:GetWorkgroup")


def _redshift_arn(setup: Setup, target: RedshiftCluster, kind: str, name: str = "") -> str:
    suffix = f"{target.cluster}/{name}" if name else target.cluster
    return f"arn:{setup.partition}:redshift:{target.region}:{setup.account_id}:{kind}:{suffix}"


def _workgroup_arn(setup: Setup, target: RedshiftServerless) -> str:
    return (
        f"arn:{setup.partition}:redshift-serverless:{target.region}:{setup.account_id}"
        f":workgroup/{target.workgroup_id}"
    )


def _statement(
    sid: str, action: str | list[str], resource: str | list[str], **extra: Any
) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _cluster_statements(setup: Setup, target: RedshiftCluster) -> list[dict[str, Any]]:
    users = [_redshift_arn(setup, target, "dbuser", u) for u in target.db_users]
    database = _redshift_arn(setup, target, "dbname", target.db_name)
    duration: dict[str, Any] = {}
    if target.max_session_seconds is not None:
        # IfExists: a request without DurationSeconds gets the API's default, 900 seconds, the
        # shortest there is, so only longer requests are checked against the cap.
        duration = {
            "Condition": {
                "NumericLessThanEqualsIfExists": {
                    "redshift:DurationSeconds": str(target.max_session_seconds)
                }
            }
        }
    # The Redshift JDBC driver always sends the database name, and GetClusterCredentials then
    # needs the dbname resource besides the dbuser one.
    statements = [
        _statement("GetClusterCredentials", "redshift:GetClusterCredentials", [*users, database])
        | duration
    ]
    if target.db_groups:
        groups = [_redshift_arn(setup, target, "dbgroup", g) for g in target.db_groups]
        statements.append(_statement("JoinDbGroups", "redshift:JoinGroup", groups))
    if target.auto_create:
        statements.append(_statement("CreateClusterUser", "redshift:CreateClusterUser", users))
    if target.connect_by_cluster_id:
        statements.append(
            _statement(
                "DescribeCluster",
                "redshift:DescribeClusters",
                _redshift_arn(setup, target, "cluster"),
            )
        )
    if target.group_federation:
        statements.append(
            _statement(
                "GetClusterCredentialsWithIAM",
                "redshift:GetClusterCredentialsWithIAM",
                database,
                **duration,
            )
        )
    return statements


def target_statements(setup: Setup, target: Target) -> list[dict[str, Any]]:
    """The statements that let a role log on to ``target`` and nothing else, in a fixed order:
    GetClusterCredentials, then JoinGroup, CreateClusterUser, DescribeClusters and
    GetClusterCredentialsWithIAM as the setup asks; or the serverless actions on the workgroup.
    """
    if isinstance(target, RedshiftCluster):
        return _cluster_statements(setup, target)
    return [
        _statement(
            "GetServerlessCredentials", list(SERVERLESS_ACTIONS), _workgroup_arn(setup, target)
        )
    ]


def instance_role_permissions_policy(setup: Setup) -> PolicyJson:
    """The instance role's permissions: read and assume exactly the access roles.

    iam:ListRoles (on ``*``, the only resource it takes) only with ``list_roles``; Redshift
    permissions only when the instance role names a target of its own.
    """
    arns = list(setup.access_role_arns)
    statements = [_statement("ReadAccessRoles", list(SCOPED_ROLE_READ_ACTIONS), arns)]
    if setup.instance_role.list_roles:
        statements.append(_statement("ListRoles", "iam:ListRoles", "*"))
    statements.append(_statement("AssumeAccessRoles", "sts:AssumeRole", arns))
    if setup.instance_role.target is not None:
        statements += target_statements(setup, setup.instance_role.target)
    return policy(*statements)


def access_role_permissions_policy(setup: Setup, role: AccessRole) -> PolicyJson:
    """An access role's permissions: log on to its cluster or workgroup, nothing else."""
    if role.target is None:
        # A least-privilege Setup never holds such a role; a seed one has no target to scope to.
        raise ValueError(f"access role {role.name!r} names no cluster or workgroup")
    return policy(*target_statements(setup, role.target))
