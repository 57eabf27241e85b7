"""IR6xx: Redshift IAM authentication. The mistakes that stop an ETL tool's IAM login to
Redshift, or let it log in as the wrong database user.

Facts from the Amazon Redshift Cluster Management Guide ("Using IAM authentication to generate
database user credentials", "Resource policies for GetClusterCredentials", "JDBC and ODBC
options for creating database user credentials"), the GetClusterCredentials API reference, the
Service Authorization Reference for Amazon Redshift and the IAM User Guide ("Role chaining").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from iam_redshift.document.policy import services_of
from iam_redshift.matching import action_matches
from iam_redshift.model import RedshiftCluster, RedshiftServerless, Setup
from iam_redshift.rules._base import BundleContext, Example, Hit, LintContext, Rule
from iam_redshift.rules._common import REDSHIFT_ACTIONS, allow, example_policy
from iam_redshift.rules._redshift import (
    ACCESS_POLICY,
    ACCOUNT,
    ARN,
    CHAINED_SESSION_MAX,
    CREDENTIAL_ACTIONS,
    DBGROUP,
    DBNAME,
    DBUSER,
    DRIVER_COMPANIONS,
    GET_CLUSTER_CREDENTIALS,
    IAM_CREDENTIALS,
    INSTANCE,
    JDBC_OPTIONS,
    PROVISIONED_CREDENTIALS,
    REDSHIFT_ARN,
    RESOURCE_POLICIES,
    ROLE_CHAINING,
    SERVERLESS_ACTIONS,
    SERVERLESS_ARN,
    SERVERLESS_CREDENTIALS,
    TAKES,
    WILDCARD,
    WORKGROUP,
    cluster_example_setup,
    covers,
    own_account,
)

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement

_REDSHIFT = services_of(PROVISIONED_CREDENTIALS)

# -- IR601 -------------------------------------------------------------------------------------

#: What in the setup asks for each call, for the message.
_PROMISE = {
    "redshift:DescribeClusters": "connect_by_cluster_id = true",
    "redshift:JoinGroup": "db_groups",
    "redshift:CreateClusterUser": "auto_create = true",
    "redshift:GetClusterCredentialsWithIAM": "group_federation = true",
    "redshift-serverless:GetCredentials": "[redshift_serverless]",
}


def _promise(action: str, resource: str) -> str:
    if action == "redshift:GetClusterCredentials":
        return "db_name" if ":dbname:" in resource else "db_users"
    return _PROMISE.get(action, action)


def _check_companion_grants(bundle: BundleContext) -> Iterator[Hit]:
    setup = bundle.setup
    if all(role.target is None for role in setup.roles):
        return  # a setup that names no target promises no call (and needs no evaluator)
    from iam_redshift.evaluation import Policy, Request, Verdict, evaluate
    from iam_redshift.evaluation.connection_check import target_calls

    for role in setup.roles:
        documents = [d for d in bundle.documents if d.role == role.name and d.kind == "permissions"]
        if role.target is None or not documents:
            continue
        policies = [Policy(d.file, d.value) for d in documents]
        for call in target_calls(setup, role.name):
            request = Request(call.principal, call.action, call.resource, call.context)
            decision = evaluate(request, policies)
            if decision.verdict not in (Verdict.IMPLICITLY_DENIED, Verdict.EXPLICITLY_DENIED):
                continue
            where = (decision.statements or decision.near_misses or (None,))[0]
            file = where.file if where is not None else documents[0].file
            pointer = where.pointer if where is not None else ""
            if decision.verdict is Verdict.EXPLICITLY_DENIED:
                how = f"a Deny statement ({where}) denies it"
            else:
                missing = {"Effect": "Allow", "Action": call.action, "Resource": call.resource}
                how = "no statement allows it: add " + json.dumps(missing)
            yield Hit(
                pointer,
                f"the setup gives {role.name} {_promise(call.action, call.resource)}, so the "
                f"driver calls {call.action} on {call.resource}, and {how}",
                file=file,
            )


COMPANION_GRANT = Rule.declare(
    """
    IR601 missing-companion-grant (error)

    A role's permissions lack a call its Redshift connection needs (JoinGroup for DbGroups,
    CreateClusterUser for AutoCreate, the dbname ARN, DescribeClusters...).

    Why: GetClusterCredentials is not enough on its own: with DbGroups the caller also needs
    redshift:JoinGroup on each dbgroup ARN, with AutoCreate redshift:CreateClusterUser on the dbuser
    ARN, with a database name (the JDBC driver always sends one) the dbname ARN, and a driver that
    connects by cluster identifier calls redshift:DescribeClusters first. Each missing grant fails
    the login with an authorisation error at connection time. The rule evaluates every call the
    setup promises against the role's own documents.

    Fix: Add the statement the message gives (iam-redshift render writes it for you), or drop the
    option from the setup and the ETL tool's connection settings.
    """,
    check_bundle=_check_companion_grants,
    references=(IAM_CREDENTIALS, GET_CLUSTER_CREDENTIALS, JDBC_OPTIONS),
    bad=Example.bundle(
        {
            ACCESS_POLICY: example_policy(
                allow("redshift:GetClusterCredentials", [DBUSER, DBNAME]),
            )
        },
        note='the setup lists db_groups = ["etl"], and the policy has no redshift:JoinGroup',
        setup=cluster_example_setup(db_groups=("etl",)),
    ),
    good=Example.bundle({}, setup=cluster_example_setup(db_groups=("etl",))),
)

# -- IR602 -------------------------------------------------------------------------------------


def _redshift_type(arn: str) -> str | None:
    match = REDSHIFT_ARN.fullmatch(arn)
    return match.group("type") if match else None


def _check_wrong_resource_type(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if not document.may_allow_service(_REDSHIFT):
        return  # every action of a statement it reads is one of Redshift's
    for statement in document.statements:
        actions = statement.texts("Action")
        if not actions or not statement.allows or any(a.lower() not in TAKES for a in actions):
            continue
        resources = [(v, _redshift_type(v.text)) for v in statement.strings("Resource")]
        typed = [(v, kind) for v, kind in resources if kind is not None]
        # IR502 reports an action none of whose resources fit; this rule the extra ones.
        if any(not any(k in TAKES[a.lower()] for _, k in typed) for a in actions):
            continue
        taken = frozenset().union(*(TAKES[a.lower()] for a in actions))
        for value, kind in typed:
            if kind in taken:
                continue
            wanted = sorted(a for a in TAKES if kind in TAKES[a])
            names = " or ".join(
                next(c for c in CREDENTIAL_ACTIONS if c.lower() == a) for a in wanted
            )
            yield Hit(
                value.pointer,
                f"this {kind} ARN is under {', '.join(actions)}, which "
                f"{'takes' if len(actions) == 1 else 'take'} only "
                f"{', '.join(sorted(taken))} ARNs, so it grants nothing here; {kind} ARNs "
                f"belong under {names or 'no credentials action'}",
            )


WRONG_RESOURCE_TYPE = Rule.declare(
    """
    IR602 redshift-resource-under-wrong-action (warning)

    A dbname or dbgroup ARN under a Redshift credentials action that does not take it (such as
    redshift:CreateClusterUser, which takes only dbuser ARNs).

    Why: Published examples list the dbname and dbgroup ARNs under CreateClusterUser or JoinGroup.
    IAM accepts the policy, but each action is authorised only on its own resource types, so those
    ARNs grant nothing there, and the grant the author meant (JoinGroup on the dbgroup,
    GetClusterCredentials on the dbname) may be missing.

    Fix: Move each ARN under the action that takes it: dbuser under GetClusterCredentials and
    CreateClusterUser, dbname under GetClusterCredentials (or GetClusterCredentialsWithIAM), dbgroup
    under JoinGroup.
    """,
    check_document=_check_wrong_resource_type,
    kinds=frozenset({"permissions"}),
    references=(REDSHIFT_ACTIONS, IAM_CREDENTIALS),
    bad=Example.document(
        example_policy(
            allow("redshift:GetClusterCredentials", [DBUSER, DBNAME]),
            allow("redshift:CreateClusterUser", [DBUSER, DBGROUP]),
            allow("redshift:JoinGroup", DBGROUP),
        )
    ),
    good=Example.document(
        example_policy(
            allow("redshift:GetClusterCredentials", [DBUSER, DBNAME]),
            allow("redshift:CreateClusterUser", DBUSER),
            allow("redshift:JoinGroup", DBGROUP),
        )
    ),
)

# -- IR603 -------------------------------------------------------------------------------------


def foreign_credential_resources(
    document: PolicyDocument, context: LintContext
) -> Iterator[tuple[str, str, str, str]]:
    """(pointer, ARN, its account, the role's account) of each Redshift credentials resource
    (dbuser, dbname, dbgroup, workgroup) of an Allow statement granting a credentials action
    whose account is not the role's own. IR307 leaves these to IR603."""
    own = own_account(document, context)
    if own is None or document.kind != "permissions":
        return
    if not document.may_allow_service(services_of(CREDENTIAL_ACTIONS)):
        return
    for statement in document.allow_statements():
        if not covers(statement, CREDENTIAL_ACTIONS):
            continue
        for value in statement.strings("Resource"):
            match = REDSHIFT_ARN.fullmatch(value.text) or SERVERLESS_ARN.fullmatch(value.text)
            if match is None or match.group("type") == "cluster":
                continue
            account = match.group("account")
            if re.fullmatch(r"\d{12}", account) and account != own:
                yield value.pointer, value.text, account, own


def _check_account(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for pointer, arn, account, own in foreign_credential_resources(document, context):
        yield Hit(
            pointer,
            f"{arn!r} is in account {account}, and this role is in account {own}: Redshift "
            "issues database credentials only to principals of the cluster's own account. "
            f"If the cluster is in {own}, use that account in the ARN; if it is in {account}, "
            f"assume a role of account {account} and grant the credentials there",
        )


DBUSER_ACCOUNT = Rule.declare(
    """
    IR603 redshift-credentials-in-another-account (error)

    A dbuser, dbname, dbgroup or workgroup ARN names an account other than the role's own.

    Why: GetClusterCredentials is authorised in the cluster's account: a principal of another
    account cannot get database credentials for it, whatever its policy says. In cross-account
    setups the dbuser ARN is often written with the caller's account (or the caller's with the
    cluster's): either way the login fails.

    Fix: Keep the credentials grant in the cluster's account: an access role there, which the
    instance role assumes, with dbuser, dbname and dbgroup ARNs of that account.
    """,
    check_document=_check_account,
    kinds=frozenset({"permissions"}),
    references=(GET_CLUSTER_CREDENTIALS, IAM_CREDENTIALS),
    bad=Example.document(
        example_policy(
            allow(
                "redshift:GetClusterCredentials",
                "arn:aws:redshift:us-east-1:210987654321:dbuser:analytics/etl_user",
            )
        ),
        note="the roles are in account 123456789012",
        instance_role=INSTANCE,
    ),
    good=Example.document(
        example_policy(allow("redshift:GetClusterCredentials", DBUSER)), instance_role=INSTANCE
    ),
)

# -- IR604 -------------------------------------------------------------------------------------

_BINDING_KEYS = ("aws:userid", "redshift:dbuser")


def _binds_database_user(statement: Statement) -> bool:
    """Whether a condition ties the database user to the caller: aws:userid (role id and
    session name), or redshift:DbUser to fixed names."""
    for operator, block in statement.condition.items():
        base = operator.rpartition(":")[2].lower().removesuffix("ifexists")
        if base not in ("stringequals", "stringlike", "stringequalsignorecase"):
            continue
        if not isinstance(block, dict):
            continue
        for key, values in block.items():
            texts = values if isinstance(values, list) else [values]
            if key.lower() == "aws:userid":
                return True
            if key.lower() == "redshift:dbuser" and all(
                isinstance(t, str) and t.strip("*?") for t in texts
            ):
                return True
    return False


def _check_unbound_user(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if not document.may_allow_service(_REDSHIFT):
        return
    for statement in document.allow_statements():
        if not covers(statement, ("redshift:GetClusterCredentials",)):
            continue
        if _binds_database_user(statement):
            continue
        for value in statement.strings("Resource"):
            match = REDSHIFT_ARN.fullmatch(value.text)
            if match is None or match.group("type") != "dbuser":
                continue
            user = match.group("rest").rpartition("/")[2]
            if "${redshift:dbuser}" in user.lower() or WILDCARD.search(user):
                which = (
                    "any database user they name in DbUser, a superuser included"
                    if user in ("*", "${redshift:DbUser}")
                    else f"any database user matching {user!r} they name in DbUser"
                )
                yield Hit(
                    value.pointer,
                    f"{value.text!r} lets whoever holds this role log on as {which}, and no "
                    "condition ties the user to the caller: list the users by name, or add a "
                    'condition such as "StringEquals": {"aws:userid": '
                    '"<role id>:${redshift:DbUser}"}',
                )


UNBOUND_USER = Rule.declare(
    """
    IR604 unbound-database-user (security-warning)

    GetClusterCredentials on a wildcard or ${redshift:DbUser} dbuser with no condition that binds
    the database user to the caller.

    Why: The database user is whatever the caller puts in DbUser. With a dbuser ARN ending in * or
    ${redshift:DbUser}, every principal that can use the role can log on as any database user,
    including a superuser. AWS recommends a condition that checks the user against the caller
    (aws:userid, the role id and the role session name).

    Fix: Name the database users in the dbuser ARNs, or add a condition on aws:userid such as
    "StringEquals": {"aws:userid": "AROAEXAMPLEID:${redshift:DbUser}"}.
    """,
    check_document=_check_unbound_user,
    kinds=frozenset({"permissions"}),
    references=(RESOURCE_POLICIES, JDBC_OPTIONS),
    bad=Example.document(
        example_policy(allow("redshift:GetClusterCredentials", f"{ARN}:dbuser:analytics/*"))
    ),
    good=Example.document(
        example_policy(
            allow(
                "redshift:GetClusterCredentials",
                f"{ARN}:dbuser:analytics/${{redshift:DbUser}}",
                Condition={"StringEquals": {"aws:userid": "AROAEXAMPLEID:${redshift:DbUser}"}},
            )
        )
    ),
)

# -- IR605 -------------------------------------------------------------------------------------

_DURATION_KEYS = {
    "sts:durationseconds": ("sts:AssumeRole",),
    "redshift:durationseconds": PROVISIONED_CREDENTIALS,
}


def _numbers(values: Any) -> list[float]:
    found = []
    for item in values if isinstance(values, list) else [values]:
        try:
            found.append(float(item))
        except (TypeError, ValueError):
            continue
    return found


def _check_duration(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        for operator, key, pointer in statement.condition_keys():
            actions = _DURATION_KEYS.get(key.lower())
            base = operator.rpartition(":")[2].lower().removesuffix("ifexists")
            if actions is None or not base.startswith("numeric") or "not" in base:
                continue
            if not covers(statement, actions):
                continue
            block = statement.condition[operator]
            over = [n for n in _numbers(block[key]) if n > CHAINED_SESSION_MAX]
            if not over:
                continue
            what = (
                "the instance role's session assumes the access role, which is role chaining: "
                "AWS caps the chained session at one hour whatever the role's "
                "MaxSessionDuration"
                if key.lower() == "sts:durationseconds"
                else "temporary database credentials last 900 to 3,600 seconds"
            )
            yield Hit(
                pointer,
                f"{key} allows {int(max(over)):,} seconds, but {what}: a request above "
                f"{CHAINED_SESSION_MAX:,} fails. Use at most {CHAINED_SESSION_MAX}",
            )


SESSION_DURATION = Rule.declare(
    """
    IR605 session-duration-over-chaining-cap (warning)

    A DurationSeconds condition allows sessions longer than 3,600 seconds, the cap on a chained role
    session and on Redshift's database credentials.

    Why: The ETL tool runs as the instance role and assumes an access role: that is role chaining,
    and AWS limits the chained session to one hour whatever the access role's MaxSessionDuration
    says. A tool configured for a longer session (DurationSeconds above 3,600) gets an error, not a
    shorter session. GetClusterCredentials' DurationSeconds is 900 to 3,600 likewise.

    Fix: Cap sts:DurationSeconds and redshift:DurationSeconds at 3600, and configure the tool's
    session duration (the driver's IAMDuration) to at most an hour.
    """,
    check_document=_check_duration,
    references=(ROLE_CHAINING, GET_CLUSTER_CREDENTIALS),
    bad=Example.document(
        example_policy(
            allow(
                "sts:AssumeRole",
                f"arn:aws:iam::{ACCOUNT}:role/Redshift-Access-Role-1",
                Condition={"NumericLessThanEquals": {"sts:DurationSeconds": "43200"}},
            )
        )
    ),
    good=Example.document(
        example_policy(
            allow(
                "sts:AssumeRole",
                f"arn:aws:iam::{ACCOUNT}:role/Redshift-Access-Role-1",
                Condition={"NumericLessThanEquals": {"sts:DurationSeconds": "3600"}},
            )
        )
    ),
)

# -- IR606 -------------------------------------------------------------------------------------


def _check_mixed(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if not document.may_allow_service(services_of(SERVERLESS_CREDENTIALS)):
        return
    provisioned = [s for s in document.allow_statements() if covers(s, PROVISIONED_CREDENTIALS)]
    serverless = [s for s in document.allow_statements() if covers(s, SERVERLESS_CREDENTIALS)]
    if not provisioned or not serverless:
        return
    statement = serverless[0]
    pointer = next(
        (
            v.pointer
            for v in statement.strings("Action")
            if v.text != "*" and any(action_matches(v.text, a) for a in SERVERLESS_CREDENTIALS)
        ),
        statement.pointer_of("Action"),
    )
    yield Hit(
        pointer,
        "this policy grants credentials for a serverless workgroup here and for a provisioned "
        f"cluster at {provisioned[0].pointer}: each access role of the two-role pattern reaches "
        "one target, and one role for both lets a tool meant for one log on to the other; give "
        "each target its own access role",
    )


MIXED_TARGETS = Rule.declare(
    """
    IR606 serverless-and-provisioned-mixed (warning)

    One permissions policy grants both provisioned (GetClusterCredentials) and serverless
    (redshift-serverless:GetCredentials) database credentials.

    Why: In the two-role pattern each access role stands for one target, a cluster or a workgroup,
    so that choosing the role in the ETL tool chooses what it may reach. A role that holds both
    kinds of credentials usually comes from merging two roles, and lets connections meant for one
    target log on to the other.

    Fix: Split the role: one access role per cluster or workgroup (a [access_roles.redshift] or
    [access_roles.redshift_serverless] table each, in the setup).
    """,
    check_document=_check_mixed,
    kinds=frozenset({"permissions"}),
    references=(REDSHIFT_ACTIONS, SERVERLESS_ACTIONS),
    bad=Example.document(
        example_policy(
            allow("redshift:GetClusterCredentials", [DBUSER, DBNAME]),
            allow("redshift-serverless:GetCredentials", WORKGROUP),
        )
    ),
    good=Example.document(example_policy(allow("redshift-serverless:GetCredentials", WORKGROUP))),
)

# -- IR607 -------------------------------------------------------------------------------------


def _target_of(document: PolicyDocument, context: LintContext) -> Any:
    if context.setup is None or document.role is None:
        return None
    role = next((r for r in context.setup.roles if r.name == document.role), None)
    return role.target if role is not None else None


def credentials_on_star(
    statement: Statement, document: PolicyDocument, context: LintContext
) -> bool:
    """Whether IR607 reports this statement: every action a credentials action, on ``"*"``,
    in the policy of a role whose setup names its target. IR204 leaves it to IR607."""
    if _target_of(document, context) is None:
        return False  # first: the cheap test, and the usual answer (a loose document)
    actions = [v.text for v in statement.strings("Action")]
    if not actions:
        return False
    allowed = (*CREDENTIAL_ACTIONS, *DRIVER_COMPANIONS)
    if not all(any(action_matches(a, c) for c in allowed) for a in actions) or any(
        a == "*" for a in actions
    ):
        return False
    return any(v.text == "*" for v in statement.strings("Resource"))


def _scoped_arns(setup: Setup, target: Any) -> list[str]:
    if isinstance(target, RedshiftServerless):
        return [
            f"arn:{setup.partition}:redshift-serverless:{target.region}:{setup.account_id}"
            f":workgroup/{target.workgroup_id}"
        ]
    assert isinstance(target, RedshiftCluster)
    arn = f"arn:{setup.partition}:redshift:{target.region}:{setup.account_id}"
    return [
        *(f"{arn}:dbuser:{target.cluster}/{u}" for u in target.db_users),
        f"{arn}:dbname:{target.cluster}/{target.db_name}",
        *(f"{arn}:dbgroup:{target.cluster}/{g}" for g in target.db_groups),
    ]


def _check_credentials_on_star(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    target = _target_of(document, context)
    if target is None or context.setup is None:
        return
    for statement in document.allow_statements():
        if not credentials_on_star(statement, document, context):
            continue
        star = next(v for v in statement.strings("Resource") if v.text == "*")
        arns = _scoped_arns(context.setup, target)
        yield Hit(
            star.pointer,
            f'"Resource": "*" grants {", ".join(v.text for v in statement.strings("Action"))} '
            "for every cluster and database user in reach, but the setup names what "
            f"{document.role} logs on to: name {', '.join(arns)} instead",
        )


CREDENTIALS_ON_STAR = Rule.declare(
    """
    IR607 credentials-on-every-resource (security-warning)

    A database-credentials action on "Resource": "*" in the policy of a role whose setup names its
    cluster or workgroup.

    Why: With "*" the role may get credentials as any database user of any cluster or workgroup of
    the account, now and later, although the setup says exactly which one it connects to: the scoped
    ARNs cost nothing and stop a leaked role from reaching the rest.

    Fix: Name the dbuser, dbname and dbgroup ARNs (or the workgroup ARN) the setup gives; profile =
    'least-privilege' renders them.
    """,
    check_document=_check_credentials_on_star,
    kinds=frozenset({"permissions"}),
    references=(IAM_CREDENTIALS, REDSHIFT_ACTIONS),
    bad=Example.bundle(
        {ACCESS_POLICY: example_policy(allow("redshift:GetClusterCredentials", "*"))},
        setup=cluster_example_setup(),
    ),
    good=Example.bundle(
        {ACCESS_POLICY: example_policy(allow("redshift:GetClusterCredentials", [DBUSER, DBNAME]))},
        setup=cluster_example_setup(),
    ),
)

RULES = (
    COMPANION_GRANT,
    WRONG_RESOURCE_TYPE,
    DBUSER_ACCOUNT,
    UNBOUND_USER,
    SESSION_DURATION,
    MIXED_TARGETS,
    CREDENTIALS_ON_STAR,
)
