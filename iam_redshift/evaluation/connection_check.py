"""Will it connect? The AWS calls the Amazon Redshift JDBC driver makes for an IAM connection,
each evaluated against a bundle's documents.

Pure: a :class:`~iam_redshift.render.Bundle` (its setup and documents), the role the ETL tool
selects and the driver's settings in, a :class:`ConnectionCheck` out. The calls follow the
Amazon Redshift Cluster Management Guide ("Using IAM authentication to generate database user
credentials", "JDBC and ODBC options for creating database user credentials") and the
GetClusterCredentials API reference:

- the instance role assumes the access role (``sts:AssumeRole``: the instance role's
  permissions and the access role's trust policy);
- connecting by cluster identifier and region, not by endpoint, the driver looks the cluster up
  (``redshift:DescribeClusters`` on the ``cluster`` ARN);
- ``redshift:GetClusterCredentials`` on the ``dbuser`` ARN, and on the ``dbname`` ARN of the
  database the URL names (the driver always sends it); ``DbGroups`` adds
  ``redshift:JoinGroup`` on each ``dbgroup`` ARN, ``AutoCreate=true``
  ``redshift:CreateClusterUser`` on the ``dbuser`` ARN;
- ``groupFederation=true`` calls ``redshift:GetClusterCredentialsWithIAM`` on the ``dbname``
  ARN instead (the database user is the IAM identity itself);
- a serverless workgroup: ``redshift-serverless:GetCredentials`` on the ``workgroup`` ARN.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any

from iam_redshift._record import record
from iam_redshift.evaluation.evaluate import Policy, Request, Verdict, evaluate
from iam_redshift.evaluation.jdbc import (
    REGION,
    WORKGROUP_ID,
    ConnectionCheckError,
    DriverSettings,
    driver_settings_for,
    parse_jdbc_url,
)
from iam_redshift.model import RedshiftServerless, partition_of_region

if TYPE_CHECKING:
    from iam_redshift.evaluation.evaluate import Decision, StatementRef
    from iam_redshift.evaluation.variables import ContextValue
    from iam_redshift.model import Setup
    from iam_redshift.render.bundle import Bundle, BundleDocument

__all__ = [
    "Call",
    "CallVerdict",
    "ConnectionCheck",
    "ConnectionCheckError",
    "DriverSettings",
    "check_connection",
    "driver_settings_for",
    "parse_jdbc_url",
    "target_calls",
]


@record
class Call:
    """One authorisation the connection needs: ``principal`` calling ``action`` on
    ``resource``, and why the driver makes the call."""

    action: str
    principal: str
    resource: str
    why: str
    context: Mapping[str, ContextValue] = field(default_factory=dict, hash=False)


@record
class CallVerdict:
    """A call and IAM's decision on it, with the statement that would allow it when none
    does (``missing``)."""

    call: Call
    decision: Decision
    missing: dict[str, Any] | None = field(default=None, hash=False)

    def to_json(self) -> dict[str, Any]:
        """The verdict as a JSON object."""

        def refs(items: tuple[StatementRef, ...]) -> list[dict[str, Any]]:
            return [{"file": r.file, "pointer": r.pointer, "sid": r.sid} for r in items]

        return {
            "action": self.call.action,
            "principal": self.call.principal,
            "resource": self.call.resource,
            "why": self.call.why,
            "verdict": self.decision.verdict.value,
            "reason": self.decision.reason,
            "statements": refs(self.decision.statements),
            "condition_keys": list(self.decision.keys),
            "near_misses": refs(self.decision.near_misses),
            "missing_statement": self.missing,
        }


_LABEL = {
    Verdict.ALLOWED: "allowed",
    Verdict.EXPLICITLY_DENIED: "denied",
    Verdict.IMPLICITLY_DENIED: "denied",
    Verdict.DEPENDS: "depends",
}


@record
class ConnectionCheck:
    """The verdict on every call one connection makes, in the order the driver makes them."""

    role: str
    target: str
    settings: DriverSettings
    verdicts: tuple[CallVerdict, ...]
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether every call is allowed: the connection will be authorised."""
        return all(v.decision.allowed for v in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        """The whole check as a JSON object, for tools."""
        return {
            "role": self.role,
            "target": self.target,
            "allowed": self.allowed,
            "settings": self.settings.to_json(),
            "calls": [v.to_json() for v in self.verdicts],
            "notes": list(self.notes),
        }

    def text(self) -> str:
        """The check as lines to read: one block per call, then the overall verdict."""
        lines = [f"Connecting as {self.role} to {self.target}:"]
        for verdict in self.verdicts:
            decision = verdict.decision
            call = verdict.call
            lines.append(f"  {_LABEL[decision.verdict]:<8} {call.action} on {call.resource}")
            lines.append(f"           ({call.why})")
            if decision.verdict is Verdict.ALLOWED:
                lines += [f"           by {ref}" for ref in decision.statements]
            elif decision.verdict is Verdict.EXPLICITLY_DENIED:
                lines += [f"           by the Deny of {ref}" for ref in decision.statements]
            elif decision.verdict is Verdict.DEPENDS:
                keys = ", ".join(decision.keys) or "a condition"
                lines.append(f"           on {keys}, which this check cannot know:")
                lines += [f"           {ref}" for ref in decision.statements]
            else:
                lines.append(f"           {decision.reason}")
                lines += [
                    f"           {ref} allows the action, on other resources"
                    for ref in decision.near_misses
                ]
                if verdict.missing is not None:
                    lines.append(
                        "           missing statement: "
                        + json.dumps(verdict.missing, ensure_ascii=True)
                    )
        lines += [f"Note: {note}" for note in self.notes]
        denied = sum(1 for v in self.verdicts if not v.decision.allowed)
        if denied == 0:
            lines.append(f"Result: all {len(self.verdicts)} calls are allowed.")
        else:
            lines.append(
                f"Result: {denied} of {len(self.verdicts)} calls would not be allowed; the "
                "connection fails."
            )
        return "\n".join(lines) + "\n"


def _policies(bundle: Bundle, role: str) -> list[Policy]:
    return [
        Policy(d.path, d.document)
        for d in bundle.documents
        if d.role.casefold() == role.casefold() and d.kind == "permissions"
    ]


def _trust(bundle: Bundle, role: str) -> BundleDocument | None:
    return next(
        (d for d in bundle.documents if d.role.casefold() == role.casefold() and d.kind == "trust"),
        None,
    )


def _session_context(principal: str, account: str) -> dict[str, ContextValue]:
    # A role session has no aws:username; its aws:userid is "<role id>:<session name>", and the
    # role id is not in any document, so aws:userid stays unknown.
    return {
        "aws:username": None,
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": "AssumedRole",
    }


def _missing(call: Call) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": call.action, "Resource": call.resource}


def _cluster_calls(
    settings: DriverSettings, principal: str, arn: str, context: dict[str, ContextValue]
) -> list[Call]:
    cluster = settings.cluster_id
    calls = []
    if settings.host is None:
        calls.append(
            Call(
                "redshift:DescribeClusters",
                principal,
                f"{arn}:cluster:{cluster}",
                f"the URL names cluster {cluster} in {settings.region}, not its endpoint: the "
                "driver looks the endpoint up",
                context,
            )
        )
    duration: ContextValue = (
        str(settings.duration_seconds) if settings.duration_seconds is not None else None
    )
    database = f"{arn}:dbname:{cluster}/{settings.db_name}" if settings.db_name else None
    if settings.group_federation:
        if database is None:
            raise ConnectionCheckError("groupFederation needs the database name in the URL")
        iam_context = {
            **context,
            "redshift:DbName": settings.db_name,
            "redshift:DurationSeconds": duration,
        }
        return [
            *calls,
            Call(
                "redshift:GetClusterCredentialsWithIAM",
                principal,
                database,
                "groupFederation=true: the database user is the IAM role itself",
                iam_context,
            ),
        ]
    if not settings.db_user:
        raise ConnectionCheckError(
            "the driver needs DbUser for redshift:GetClusterCredentials (or groupFederation=true)"
        )
    user = f"{arn}:dbuser:{cluster}/{settings.db_user}"
    credentials_context = {
        **context,
        "redshift:DbUser": settings.db_user,
        "redshift:DbName": settings.db_name,
        "redshift:DurationSeconds": duration,
    }
    calls.append(
        Call(
            "redshift:GetClusterCredentials",
            principal,
            user,
            f"DbUser={settings.db_user}: temporary credentials for that database user",
            credentials_context,
        )
    )
    if database is not None:
        calls.append(
            Call(
                "redshift:GetClusterCredentials",
                principal,
                database,
                f"the URL names database {settings.db_name}, which the driver sends as DbName",
                credentials_context,
            )
        )
    for group in settings.db_groups:
        calls.append(
            Call(
                "redshift:JoinGroup",
                principal,
                f"{arn}:dbgroup:{cluster}/{group}",
                f"DbGroups includes {group}",
                credentials_context,
            )
        )
    if settings.auto_create:
        calls.append(
            Call(
                "redshift:CreateClusterUser",
                principal,
                user,
                "AutoCreate=true: the driver creates the database user if it does not exist",
                credentials_context,
            )
        )
    return calls


def _workgroup_id(setup: Setup, settings: DriverSettings) -> str | None:
    name = settings.workgroup
    if name is None:
        return None
    if WORKGROUP_ID.fullmatch(name):
        return name
    for role in setup.roles:
        target = role.target
        if isinstance(target, RedshiftServerless) and target.workgroup_name == name:
            return target.workgroup_id
    return None


def _check_region(setup: Setup, region: str | None) -> str:
    if region is None or not REGION.fullmatch(region):
        given = "not given" if region is None else repr(region)
        raise ConnectionCheckError(
            f"the region of the cluster or workgroup is {given}: name it in the URL "
            "(<cluster>:<region>) or with Region"
        )
    if partition_of_region(region) != setup.partition:
        raise ConnectionCheckError(
            f"region {region} is in partition {partition_of_region(region)}, and the bundle's "
            f"roles are in {setup.partition}"
        )
    return region


def _serverless_call(
    setup: Setup, settings: DriverSettings, principal: str, region: str, account: str
) -> Call:
    workgroup = _workgroup_id(setup, settings)
    if workgroup is None:
        raise ConnectionCheckError(
            f"workgroup {settings.workgroup}: the bundle's setup does not give its id (the "
            "end of its ARN, which the permissions name): add workgroup_name to the setup"
        )
    return Call(
        "redshift-serverless:GetCredentials",
        principal,
        f"arn:{setup.partition}:redshift-serverless:{region}:{account}:workgroup/{workgroup}",
        f"temporary credentials for workgroup {settings.workgroup}",
        _session_context(principal, setup.account_id),
    )


def _is_serverless(settings: DriverSettings) -> bool:
    host = settings.host or ""
    return settings.workgroup is not None or "redshift-serverless" in host.lower()


def _verdict(bundle: Bundle, call: Call, caller: str) -> CallVerdict:
    if call.action == "sts:AssumeRole":
        trust = _trust(bundle, caller)
        policies = _policies(bundle, bundle.setup.instance_role.name)
        if trust is not None:
            policies.append(Policy(trust.path, trust.document, "resource", call.resource))
    else:
        policies = _policies(bundle, caller)
    request = Request(call.principal, call.action, call.resource, call.context)
    decision = evaluate(request, policies)
    missing = None
    if decision.verdict is Verdict.IMPLICITLY_DENIED:
        missing = _missing(call)
        if call.action == "sts:AssumeRole" and "trust policy" in decision.reason:
            missing = {
                "Effect": "Allow",
                "Principal": {"AWS": call.principal},
                "Action": "sts:AssumeRole",
            }
    return CallVerdict(call, decision, missing)


def check_connection(bundle: Bundle, role: str, settings: DriverSettings) -> ConnectionCheck:
    """Evaluate every call a connection as ``role`` with ``settings`` makes against the
    bundle's documents. ``role`` is an access role (reached through the instance role) or the
    instance role itself. Raises :class:`ConnectionCheckError` for settings the driver would
    refuse."""
    setup = bundle.setup
    instance = setup.instance_role
    caller = next((r for r in setup.roles if r.name.casefold() == role.casefold()), None)
    if caller is None:
        known = ", ".join(r.name for r in setup.access_roles)
        raise ConnectionCheckError(
            f"{role}: no role of that name in the bundle (access roles: {known})"
        )
    principal = setup.arn_of(caller)
    region = _check_region(setup, settings.region)
    account = settings.account_id or setup.account_id
    calls: list[Call] = []
    notes: list[str] = []
    if caller is not instance:
        calls.append(
            Call(
                "sts:AssumeRole",
                setup.instance_role_arn,
                principal,
                f"the ETL tool runs as {instance.name} and assumes {caller.name}",
                _session_context(setup.instance_role_arn, setup.account_id),
            )
        )
        if _trust(bundle, caller.name) is None:
            notes.append(f"the bundle has no trust policy for {caller.name}")
    if _is_serverless(settings):
        target = (
            f"serverless workgroup {settings.workgroup} in {region}, database {settings.db_name}"
        )
        calls.append(_serverless_call(setup, settings, principal, region, account))
    else:
        if settings.cluster_id is None:
            raise ConnectionCheckError(
                "the cluster is not known: give its identifier in the URL "
                "(jdbc:redshift:iam://<cluster>:<region>/<db>) or with ClusterID"
            )
        target = f"cluster {settings.cluster_id} in {region}, database {settings.db_name}"
        if settings.db_user and not settings.group_federation:
            target += f", as database user {settings.db_user}"
        arn = f"arn:{setup.partition}:redshift:{region}:{account}"
        calls += _cluster_calls(
            settings, principal, arn, _session_context(principal, setup.account_id)
        )
    if account != setup.account_id:
        notes.append(
            f"the cluster or workgroup is in account {account}, the roles in "
            f"{setup.account_id}: Redshift issues credentials only to principals of the "
            "cluster's own account"
        )
    if len(setup.access_roles) > 1 and not settings.iam_disable_cache:
        notes.append(
            "IAMDisableCache is not set and the setup has several access roles: the driver may "
            "reuse credentials cached for another role"
        )
    verdicts = tuple(_verdict(bundle, call, caller.name) for call in calls)
    return ConnectionCheck(caller.name, target, settings, verdicts, tuple(notes))


def target_calls(setup: Setup, role: str) -> list[Call]:
    """Every Redshift call the setup promises ``role`` may make on its target: each database
    user, each group, ``AutoCreate``, ``DescribeClusters`` when connecting by cluster id,
    ``GetClusterCredentialsWithIAM`` with group federation, or the serverless workgroup's
    ``GetCredentials``. Empty when the role names no target. The ``sts:AssumeRole`` hop is
    not included: trust is the IR3xx rules' subject."""
    owner = next((r for r in setup.roles if r.name == role), None)
    target = owner.target if owner is not None else None
    if owner is None or target is None:
        return []
    principal = setup.arn_of(owner)
    context = _session_context(principal, setup.account_id)
    if isinstance(target, RedshiftServerless):
        settings = DriverSettings(
            workgroup=target.workgroup_id, region=target.region, db_name=target.db_name
        )
        return [_serverless_call(setup, settings, principal, target.region, setup.account_id)]
    arn = f"arn:{setup.partition}:redshift:{target.region}:{setup.account_id}"
    calls: list[Call] = []
    for index, user in enumerate(target.db_users):
        settings = DriverSettings(
            db_user=user,
            db_groups=target.db_groups,
            auto_create=target.auto_create,
            db_name=target.db_name,
            cluster_id=target.cluster,
            region=target.region,
            host=None if target.connect_by_cluster_id and index == 0 else "endpoint",
        )
        calls += _cluster_calls(settings, principal, arn, context)
    if target.group_federation:
        settings = DriverSettings(
            db_name=target.db_name,
            cluster_id=target.cluster,
            region=target.region,
            host="endpoint",
            group_federation=True,
        )
        calls += _cluster_calls(settings, principal, arn, context)
    # One call per (action, resource): several users share the dbname and dbgroup ARNs.
    unique: dict[tuple[str, str], Call] = {}
    for call in calls:
        unique.setdefault((call.action, call.resource), call)
    return list(unique.values())
