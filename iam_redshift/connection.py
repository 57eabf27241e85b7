"""What a user enters in the ETL tool to connect as one access role.

Pure: a :class:`~iam_redshift.model.Setup` and a role name in, a frozen
:class:`ConnectionSettings` out. The JDBC URL follows the Amazon Redshift JDBC driver 2.x:
``jdbc:redshift:iam://<cluster>:<region>/<db>`` when the driver may look the cluster up
(``redshift:DescribeClusters``), the cluster's endpoint otherwise, and
``jdbc:redshift:iam://<workgroup>.<account>.<region>.redshift-serverless.<domain>:5439/<db>``
for a serverless workgroup. Options are the driver's: ``DbUser``, ``DbGroups``, ``AutoCreate``
in the URL and ``IAMDisableCache`` among the advanced connection settings.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from iam_redshift._record import record
from iam_redshift.model import AccessRole, RedshiftCluster, Setup

__all__ = ["DEFAULT_PORT", "ConnectionSettings", "connection_settings", "find_access_role"]

#: The port Redshift listens on unless it was changed.
DEFAULT_PORT = 5439

#: The DNS suffix of each partition (botocore's endpoints.json ``dnsSuffix``).
_DNS_SUFFIX = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
}

#: The source page's reason for IAMDisableCache, in our words.
DISABLE_CACHE_REASON = (
    "the setup has {count} access roles: a connection made with one role is cached, so "
    "connecting with another role needs the cache off"
)


@record
class ConnectionSettings:
    """What to enter in the ETL tool for one access role.

    ``role_arn`` is the ARN to select under IAM-based authentication; ``jdbc_url`` the Redshift
    JDBC IAM URL (None when the setup does not say what the role reaches, as with the seed);
    ``advanced_settings`` the advanced connection settings as (name, value, why) triples; and
    ``notes`` what the user still has to fill in or may choose.
    """

    role: str
    role_arn: str
    jdbc_url: str | None
    advanced_settings: tuple[tuple[str, str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The settings as a JSON object, for scripts."""
        return {
            "role": self.role,
            "role_arn": self.role_arn,
            "jdbc_url": self.jdbc_url,
            "advanced_connection_settings": [
                {"name": name, "value": value, "reason": why}
                for name, value, why in self.advanced_settings
            ],
            "notes": list(self.notes),
        }

    def text(self) -> str:
        """The settings as lines to read and paste from."""
        lines = [
            f"Role ARN (IAM-based authentication): {self.role_arn}",
            f"JDBC URL: {self.jdbc_url if self.jdbc_url is not None else '(none, see below)'}",
        ]
        if self.advanced_settings:
            lines.append("Advanced connection settings:")
            for name, value, why in self.advanced_settings:
                lines += [f"  {name}:{value}", f"    ({why})"]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def find_access_role(setup: Setup, name: str) -> AccessRole | None:
    """The access role named ``name`` (IAM role names are unique ignoring case)."""
    wanted = name.casefold()
    return next((r for r in setup.access_roles if r.name.casefold() == wanted), None)


def _value(text: str) -> str:
    # The driver wants ; + { } [ ] & = ? and spaces URL-encoded in option values; the commas
    # of DbGroups separate its names.
    return quote(text, safe=",@")


def _cluster_url(target: RedshiftCluster) -> tuple[str, list[str]]:
    notes = []
    if target.connect_by_cluster_id:
        host = f"{target.cluster}:{target.region}"
    else:
        host = f"<endpoint>:{DEFAULT_PORT}"
        notes.append(
            "connect_by_cluster_id is false, so the role may not call redshift:DescribeClusters "
            "and the driver cannot find the cluster by its identifier: replace <endpoint> with "
            f"the endpoint of cluster {target.cluster} (Redshift console, General information)"
            f", and {DEFAULT_PORT} with its port if you changed it"
        )
    options = [f"DbUser={_value(target.db_users[0])}"]
    if target.db_groups:
        options.append(f"DbGroups={_value(','.join(target.db_groups))}")
    if target.auto_create:
        options.append("AutoCreate=true")
    if len(target.db_users) > 1:
        others = ", ".join(target.db_users[1:])
        notes.append(f"the role may also log on as {others}: change DbUser to use one of them")
    if target.group_federation:
        notes.append(
            "the role may also connect with groupFederation=true "
            "(redshift:GetClusterCredentialsWithIAM); the database user is then the IAM role "
            "itself, and DbUser, DbGroups and AutoCreate are not used"
        )
    url = f"jdbc:redshift:iam://{host}/{_value(target.db_name)}?{'&'.join(options)}"
    return url, notes


def connection_settings(setup: Setup, role: AccessRole) -> ConnectionSettings:
    """The connection settings of access role ``role`` of ``setup``."""
    notes: list[str] = []
    target = role.target
    url: str | None
    if target is None:
        url = None
        notes.append(
            f"the setup does not say which cluster or workgroup {role.name} reaches (profile "
            f"{setup.profile!r}), so there is no URL to give: use your cluster's endpoint, "
            f"jdbc:redshift:iam://<endpoint>:{DEFAULT_PORT}/<database>?DbUser=<user>"
        )
    elif isinstance(target, RedshiftCluster):
        url, notes = _cluster_url(target)
    else:
        workgroup = target.workgroup_name or "<workgroup-name>"
        host = (
            f"{workgroup}.{setup.account_id}.{target.region}.redshift-serverless."
            f"{_DNS_SUFFIX[setup.partition]}"
        )
        url = f"jdbc:redshift:iam://{host}:{DEFAULT_PORT}/{_value(target.db_name)}"
        if target.workgroup_name is None:
            notes.append(
                "replace <workgroup-name> with the name of workgroup "
                f"{target.workgroup_id}, or add workgroup_name to the setup"
            )
    advanced = []
    count = len(setup.access_roles)
    if count > 1:
        advanced.append(("IAMDisableCache", "true", DISABLE_CACHE_REASON.format(count=count)))
    return ConnectionSettings(role.name, setup.arn_of(role), url, tuple(advanced), tuple(notes))
