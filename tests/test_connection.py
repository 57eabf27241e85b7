"""``iam-redshift connection``: what a user enters in the ETL tool for one access role."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from iam_redshift import AccessRole, InstanceRole, RedshiftCluster, RedshiftServerless, Setup
from iam_redshift.connection import connection_settings
from tests.conftest import EXAMPLE, REPO, run_cli

LEAST_PRIVILEGE_EXAMPLE = str(REPO / "examples" / "least-privilege.toml")
WORKGROUP_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLUSTER = RedshiftCluster("us-east-1", "analytics", "dev", ("etl_user",))
DISABLE_CACHE = [
    "  IAMDisableCache:true",
    "    (the setup has 2 access roles: a connection made with one role is cached, so "
    "connecting with another role needs the cache off)",
]


def setup_of(*targets: RedshiftCluster | RedshiftServerless, partition: str = "aws") -> Setup:
    return Setup(
        "123456789012",
        InstanceRole("I"),
        tuple(AccessRole(f"A{i}", target=t) for i, t in enumerate(targets)),
        partition=partition,  # type: ignore[arg-type]
        profile="least-privilege",
    )


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (
            "Redshift-ETL",
            "jdbc:redshift:iam://analytics:us-east-1/dev?DbUser=etl_user&DbGroups=etl&AutoCreate=true",
        ),
        (
            "Redshift-Reporting",
            "jdbc:redshift:iam://"
            "reporting.123456789012.eu-west-1.redshift-serverless.amazonaws.com:5439/dev",
        ),
    ],
    ids=["provisioned", "serverless"],
)
def test_role_text(role: str, url: str) -> None:
    result = run_cli("connection", LEAST_PRIVILEGE_EXAMPLE, role)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"Role ARN (IAM-based authentication): arn:aws:iam::123456789012:role/{role}",
        f"JDBC URL: {url}",
        "Advanced connection settings:",
        *DISABLE_CACHE,
    ]


def test_json_format_for_scripts() -> None:
    result = run_cli("connection", LEAST_PRIVILEGE_EXAMPLE, "Redshift-ETL", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "role": "Redshift-ETL",
        "role_arn": "arn:aws:iam::123456789012:role/Redshift-ETL",
        "jdbc_url": "jdbc:redshift:iam://analytics:us-east-1/dev"
        "?DbUser=etl_user&DbGroups=etl&AutoCreate=true",
        "advanced_connection_settings": [
            {
                "name": "IAMDisableCache",
                "value": "true",
                "reason": "the setup has 2 access roles: a connection made with one role is "
                "cached, so connecting with another role needs the cache off",
            }
        ],
        "notes": [],
    }


def test_role_names_match_ignoring_case_as_in_iam() -> None:
    result = run_cli("connection", LEAST_PRIVILEGE_EXAMPLE, "redshift-etl", "--format", "json")
    assert json.loads(result.out)["role"] == "Redshift-ETL"


def test_one_access_role_needs_no_cache_setting() -> None:
    settings = connection_settings(setup_of(CLUSTER), setup_of(CLUSTER).access_roles[0])
    assert settings.advanced_settings == ()
    assert "Advanced" not in settings.text()


def test_url_options_follow_the_setup() -> None:
    plain = setup_of(dataclasses.replace(CLUSTER, connect_by_cluster_id=True))
    url = connection_settings(plain, plain.access_roles[0]).jdbc_url
    assert url == "jdbc:redshift:iam://analytics:us-east-1/dev?DbUser=etl_user"
    rich = setup_of(
        dataclasses.replace(
            CLUSTER,
            db_users=("a+b", "c"),
            db_groups=("g1", "g2"),
            auto_create=True,
            connect_by_cluster_id=True,
        )
    )
    settings = connection_settings(rich, rich.access_roles[0])
    # "+" is one of the characters the driver wants URL-encoded.
    assert settings.jdbc_url == (
        "jdbc:redshift:iam://analytics:us-east-1/dev?DbUser=a%2Bb&DbGroups=g1,g2&AutoCreate=true"
    )
    assert any("also log on as c" in note for note in settings.notes)


def test_without_describe_clusters_the_url_names_the_endpoint() -> None:
    setup = setup_of(CLUSTER)
    settings = connection_settings(setup, setup.access_roles[0])
    assert settings.jdbc_url == "jdbc:redshift:iam://<endpoint>:5439/dev?DbUser=etl_user"
    (note,) = settings.notes
    assert "redshift:DescribeClusters" in note
    assert "analytics" in note


def test_group_federation_is_mentioned() -> None:
    setup = setup_of(dataclasses.replace(CLUSTER, group_federation=True))
    (_, note) = connection_settings(setup, setup.access_roles[0]).notes
    assert "groupFederation=true" in note


@pytest.mark.parametrize(
    ("partition", "region", "host"),
    [
        ("aws", "eu-west-1", "wg-1.123456789012.eu-west-1.redshift-serverless.amazonaws.com"),
        (
            "aws-cn",
            "cn-north-1",
            "wg-1.123456789012.cn-north-1.redshift-serverless.amazonaws.com.cn",
        ),
    ],
)
def test_serverless_host_follows_the_partition(partition: str, region: str, host: str) -> None:
    setup = setup_of(RedshiftServerless(region, WORKGROUP_ID, "wg-1", "sales"), partition=partition)
    url = connection_settings(setup, setup.access_roles[0]).jdbc_url
    assert url == f"jdbc:redshift:iam://{host}:5439/sales"


def test_serverless_without_a_workgroup_name_says_what_to_fill_in() -> None:
    setup = setup_of(RedshiftServerless("eu-west-1", WORKGROUP_ID))
    settings = connection_settings(setup, setup.access_roles[0])
    assert settings.jdbc_url is not None
    assert settings.jdbc_url.startswith("jdbc:redshift:iam://<workgroup-name>.123456789012.")
    (note,) = settings.notes
    assert WORKGROUP_ID in note
    assert "workgroup_name" in note


def test_seed_setup_gives_the_role_arn_and_the_cache_setting_but_no_url() -> None:
    result = run_cli("connection", str(EXAMPLE), "Redshift-Access-Role-2", "--format", "json")
    assert result.code == 0, result.err
    settings = json.loads(result.out)
    assert settings["role_arn"] == "arn:aws:iam::123456789012:role/Redshift-Access-Role-2"
    assert settings["jdbc_url"] is None
    assert [s["name"] for s in settings["advanced_connection_settings"]] == ["IAMDisableCache"]
    assert "profile 'seed'" in settings["notes"][0]


def test_unknown_role_exits_2_naming_the_known_roles() -> None:
    result = run_cli("connection", LEAST_PRIVILEGE_EXAMPLE, "Nope")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        f"iam-redshift: error: Nope: no access role of that name in {LEAST_PRIVILEGE_EXAMPLE} "
        "(access roles: Redshift-ETL, Redshift-Reporting)\n"
    )


def test_the_instance_role_is_not_an_access_role() -> None:
    result = run_cli("connection", LEAST_PRIVILEGE_EXAMPLE, "EC2-Redshift-Initiator-Role")
    assert result.code == 2
    assert "is the instance role" in result.err
    assert "Redshift-ETL, Redshift-Reporting" in result.err


def test_bad_setup_exits_2(tmp_path: Path) -> None:
    result = run_cli("connection", str(tmp_path / "missing.toml"), "X")
    assert result.code == 2
    assert "no such setup file" in result.err


def test_setup_from_stdin() -> None:
    text = Path(LEAST_PRIVILEGE_EXAMPLE).read_bytes()
    from_stdin = run_cli("connection", "-", "Redshift-ETL", stdin=text)
    assert from_stdin.out == run_cli("connection", LEAST_PRIVILEGE_EXAMPLE, "Redshift-ETL").out


def test_help_lists_connection() -> None:
    assert "connection" in run_cli("--help").out
