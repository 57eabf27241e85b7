"""The settings of an ETL tool's IAM connection to Redshift: parsed from a Redshift JDBC IAM URL
(``jdbc:redshift:iam://...``) with its driver options, or derived from a setup's access role (what
``iam-redshift connection`` prints)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from iam_redshift._record import record
from iam_redshift.model import RedshiftCluster, RedshiftServerless

if TYPE_CHECKING:
    from iam_redshift.model import Setup

__all__ = [
    "REGION",
    "WORKGROUP_ID",
    "ConnectionCheckError",
    "DriverSettings",
    "driver_settings_for",
    "parse_jdbc_url",
]

_PREFIX = "jdbc:redshift:iam://"
_TRUE = ("true", "1", "yes")
WORKGROUP_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REGION = re.compile(r"[a-z]{2,}(-[a-z]+)+-\d+")


class ConnectionCheckError(ValueError):
    """Settings the driver itself would refuse, or a role the bundle does not hold."""


@record
class DriverSettings:
    """What the Redshift JDBC driver is given: the URL's host and database and its options.

    ``host`` is an endpoint the driver connects to directly (no ``DescribeClusters``);
    without it the driver finds ``cluster_id`` in ``region``. ``workgroup`` names a serverless
    workgroup (by name, or by the id at the end of its ARN) and ``account_id`` the account of
    the cluster or workgroup (the setup's, unless a serverless host says otherwise).
    """

    db_user: str | None = None
    db_groups: tuple[str, ...] = ()
    auto_create: bool = False
    db_name: str | None = None
    cluster_id: str | None = None
    region: str | None = None
    host: str | None = None
    workgroup: str | None = None
    account_id: str | None = None
    group_federation: bool = False
    duration_seconds: int | None = None
    iam_disable_cache: bool = False

    def to_json(self) -> dict[str, Any]:
        """The settings as a JSON object."""
        return {
            "DbUser": self.db_user,
            "DbGroups": list(self.db_groups),
            "AutoCreate": self.auto_create,
            "DbName": self.db_name,
            "ClusterID": self.cluster_id,
            "Region": self.region,
            "host": self.host,
            "workgroup": self.workgroup,
            "account_id": self.account_id,
            "groupFederation": self.group_federation,
            "IAMDuration": self.duration_seconds,
            "IAMDisableCache": self.iam_disable_cache,
        }


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ConnectionCheckError(f"{name}={value!r}: expected true or false")


def _options(query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for part in re.split(r"[&;]", query):
        if not part:
            continue
        name, _, value = part.partition("=")
        options[unquote(name).strip().lower()] = unquote(value)
    return options


def _host_settings(host: str) -> dict[str, Any]:
    """What an endpoint host says: a serverless workgroup's name, account and region, or a
    provisioned cluster's identifier and region."""
    labels = host.lower().split(".")
    if len(labels) >= 5 and labels[3] == "redshift-serverless":
        account = labels[1] if re.fullmatch(r"\d{12}", labels[1]) else None
        return {"workgroup": labels[0], "account_id": account, "region": labels[2], "host": host}
    if len(labels) >= 5 and labels[3] == "redshift":
        return {"cluster_id": labels[0], "region": labels[2], "host": host}
    return {"host": host}


def parse_jdbc_url(url: str) -> DriverSettings:
    """The settings a ``jdbc:redshift:iam://`` URL gives the driver.

    ``jdbc:redshift:iam://<cluster>:<region>/<db>?DbUser=...`` looks the cluster up;
    ``jdbc:redshift:iam://<endpoint>:<port>/<db>`` connects to an endpoint (a serverless
    workgroup's endpoint names its workgroup, account and region). Options are matched
    ignoring case, as the driver does.
    """
    if not url.lower().startswith(_PREFIX):
        raise ConnectionCheckError(
            f"{url!r} is not a Redshift IAM JDBC URL: it starts with {_PREFIX}"
        )
    rest = url[len(_PREFIX) :]
    address, _, query = rest.partition("?")
    authority, _, database = address.partition("/")
    host, _, after = authority.partition(":")
    if not host:
        raise ConnectionCheckError(f"{url!r}: no host or cluster identifier after {_PREFIX}")
    found: dict[str, Any] = {}
    if after and not after.isdigit():
        # <cluster>:<region>, the form that asks the driver to call DescribeClusters.
        found.update(cluster_id=host, region=after)
    elif "." in host or after:
        found.update(_host_settings(host))
    else:
        found.update(cluster_id=host)
    if database:
        found["db_name"] = unquote(database)
    options = _options(query)
    if "dbuser" in options:
        found["db_user"] = options["dbuser"]
    if options.get("dbgroups"):
        found["db_groups"] = tuple(g for g in options["dbgroups"].split(",") if g)
    if "autocreate" in options:
        found["auto_create"] = _flag("AutoCreate", options["autocreate"])
    if "clusterid" in options:
        found["cluster_id"] = options["clusterid"]
    if "region" in options:
        found["region"] = options["region"]
    if "groupfederation" in options:
        found["group_federation"] = _flag("groupFederation", options["groupfederation"])
    if "iamdisablecache" in options:
        found["iam_disable_cache"] = _flag("IAMDisableCache", options["iamdisablecache"])
    if "iamduration" in options:
        try:
            found["duration_seconds"] = int(options["iamduration"])
        except ValueError:
            raise ConnectionCheckError(
                f"IAMDuration={options['iamduration']!r}: expected a number of seconds"
            ) from None
    return DriverSettings(**found)


def driver_settings_for(setup: Setup, role: str) -> DriverSettings:
    """The settings ``iam-redshift connection`` prints for ``role``, as the driver gets them:
    its JDBC URL parsed, plus what the setup knows that the URL leaves to be filled in (the
    cluster behind an ``<endpoint>`` placeholder)."""
    from iam_redshift.connection import connection_settings, find_access_role

    access = find_access_role(setup, role)
    if access is None:
        known = ", ".join(r.name for r in setup.access_roles)
        raise ConnectionCheckError(
            f"{role}: no access role of that name in the setup (access roles: {known})"
        )
    printed = connection_settings(setup, access)
    if printed.jdbc_url is None:
        raise ConnectionCheckError(
            f"the setup does not say which cluster or workgroup {access.name} reaches (profile "
            f"{setup.profile!r}): give the driver's settings, such as --jdbc-url"
        )
    settings = parse_jdbc_url(printed.jdbc_url)
    target = access.target
    if isinstance(target, RedshiftCluster) and settings.cluster_id is None:
        settings = replace(settings, cluster_id=target.cluster, region=target.region)
    if isinstance(target, RedshiftServerless) and target.workgroup_name is None:
        settings = replace(settings, workgroup=target.workgroup_id, region=target.region)
    disable = any(name == "IAMDisableCache" for name, _, _ in printed.advanced_settings)
    return replace(settings, iam_disable_cache=disable)
