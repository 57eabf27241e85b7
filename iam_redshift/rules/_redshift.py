"""What the Redshift rules (:mod:`~iam_redshift.rules.redshift`) share: their references, the
credentials actions and their ARNs, and the documents their examples are made of."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from iam_redshift.document.policy import services_of
from iam_redshift.matching import action_matches
from iam_redshift.model import AccessRole, InstanceRole, RedshiftCluster, Setup

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement
    from iam_redshift.rules._base import LintContext

MGMT = "https://docs.aws.amazon.com/redshift/latest/mgmt"
IAM_CREDENTIALS = f"{MGMT}/generating-iam-credentials-role-permissions.html"
RESOURCE_POLICIES = f"{MGMT}/redshift-iam-access-control-identity-based.html"
JDBC_OPTIONS = f"{MGMT}/jdbc-and-odbc-options-for-database-credentials.html"
GET_CLUSTER_CREDENTIALS = (
    "https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentials.html"
)
SERVERLESS_ACTIONS = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "list_amazonredshiftserverless.html"
)
ROLE_CHAINING = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html"
    "#iam-term-role-chaining"
)

#: The database-credential actions and the Redshift resource types each one takes (Service
#: Authorization Reference for Amazon Redshift), lower-cased.
TAKES: dict[str, frozenset[str]] = {
    "redshift:getclustercredentials": frozenset({"dbuser", "dbname", "dbgroup"}),
    "redshift:getclustercredentialswithiam": frozenset({"dbname"}),
    "redshift:createclusteruser": frozenset({"dbuser"}),
    "redshift:joingroup": frozenset({"dbgroup"}),
}
PROVISIONED_CREDENTIALS = (
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
)
SERVERLESS_CREDENTIALS = ("redshift-serverless:GetCredentials",)
CREDENTIAL_ACTIONS = (
    *PROVISIONED_CREDENTIALS,
    "redshift:CreateClusterUser",
    "redshift:JoinGroup",
    *SERVERLESS_CREDENTIALS,
)
#: What a serverless driver calls beside GetCredentials, on the same workgroup ARN.
DRIVER_COMPANIONS = ("redshift-serverless:GetWorkgroup",)
#: Temporary credentials from a chained role session, and Redshift's temporary database
#: credentials, last at most an hour.
CHAINED_SESSION_MAX = 3600

ACCOUNT = "123456789012"
ARN = f"arn:aws:redshift:us-east-1:{ACCOUNT}"
DBUSER = f"{ARN}:dbuser:analytics/etl_user"
DBNAME = f"{ARN}:dbname:analytics/dev"
DBGROUP = f"{ARN}:dbgroup:analytics/etl"
WORKGROUP = (
    f"arn:aws:redshift-serverless:us-east-1:{ACCOUNT}:workgroup/"
    "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
)
ACCESS_POLICY = "Redshift-Access-Role-1/permissions-policy.json"
INSTANCE = f"arn:aws:iam::{ACCOUNT}:role/EC2-Redshift-Initiator-Role"
REDSHIFT_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):redshift:(?P<region>[^:]*):(?P<account>[^:]*):"
    r"(?P<type>dbuser|dbname|dbgroup|cluster):(?P<rest>.*)",
    re.DOTALL,
)
SERVERLESS_ARN = re.compile(
    r"arn:[^:]*:redshift-serverless:[^:]*:(?P<account>[^:]*):(?P<type>workgroup)/.*", re.DOTALL
)
WILDCARD = re.compile(r"[*?]|\$\{")


def cluster_example_setup(**options: Any) -> Setup:
    """One access role that logs on to cluster ``analytics`` as ``etl_user``."""
    target = RedshiftCluster("us-east-1", "analytics", "dev", ("etl_user",), **options)
    return Setup(
        ACCOUNT,
        InstanceRole("EC2-Redshift-Initiator-Role"),
        (AccessRole("Redshift-Access-Role-1", target=target),),
        profile="least-privilege",
    )


def covers(statement: Statement, actions: tuple[str, ...]) -> list[str]:
    """The ``actions`` an Allow statement's Action element grants (``"*"`` alone excluded:
    IR201 reports it)."""
    if not statement.allows or statement.has("NotAction"):
        return []
    services = services_of(actions)
    if not statement.may_grant_service(services):
        return []  # the usual case: only other services' actions (decided once a statement)
    # Only the values that can cover an action of these services (their prefix, or one with a
    # wildcard): an AWS managed policy can list hundreds of other services' actions.
    texts = statement.texts("Action")
    positions = statement.action_positions(services)
    patterns = [texts[at] for at in positions if texts[at] != "*"]  # "*" alone: IR201's
    return [a for a in actions if any(action_matches(p, a) for p in patterns)]


def own_account(document: PolicyDocument, context: LintContext) -> str | None:
    """The account of the role whose policy this is: its manifest entry, or the setup."""
    if document.role_arn is not None:
        fields = document.role_arn.split(":")
        if len(fields) > 4 and fields[4].isdigit():
            return fields[4]
    if context.setup is not None:
        return context.setup.account_id
    if context.instance_role_arn is not None:
        # Loose files: --instance-role says which account the pattern's roles live in.
        fields = context.instance_role_arn.split(":")
        if len(fields) > 4 and fields[4].isdigit():
            return fields[4]
    return None
