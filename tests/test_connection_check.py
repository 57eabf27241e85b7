"""``iam-redshift connection check``: the calls the Redshift JDBC driver makes, each evaluated
against a bundle's documents; the issue's Done-when cases first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.evaluation import Verdict
from iam_redshift.evaluation.connection_check import (
    ConnectionCheckError,
    check_connection,
    driver_settings_for,
    parse_jdbc_url,
)
from iam_redshift.render import Bundle, render_bundle
from iam_redshift.setup_file import load_setup
from tests.conftest import EXAMPLE, REPO, run_cli

LEAST_PRIVILEGE = REPO / "examples" / "least-privilege.toml"
ETL_POLICY = "Redshift-ETL/permissions-policy.json"


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert run_cli("render", str(LEAST_PRIVILEGE), "-o", str(out)).code == 0
    return out


def edit(directory: Path, rel: str, change: Any) -> None:
    path = directory / rel
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def calls(text: str) -> list[tuple[str, str]]:
    """(verdict, call) of each call block of the text output."""
    found = []
    for line in text.splitlines():
        words = line.split()
        if line.startswith("  ") and words and words[0] in ("allowed", "denied", "depends"):
            found.append((words[0], words[1]))
    return found


# -- The Done-when ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Redshift-ETL", "Redshift-Reporting"])
def test_each_role_of_the_least_privilege_example_connects(bundle_dir: Path, role: str) -> None:
    result = run_cli("connection", "check", str(bundle_dir), "--role", role)
    assert result.code == 0, result.out + result.err
    assert all(verdict == "allowed" for verdict, _ in calls(result.out))
    assert result.out.endswith("calls are allowed.\n")


def test_the_etl_role_makes_the_drivers_six_calls(bundle_dir: Path) -> None:
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert calls(result.out) == [
        ("allowed", "sts:AssumeRole"),
        ("allowed", "redshift:DescribeClusters"),
        ("allowed", "redshift:GetClusterCredentials"),
        ("allowed", "redshift:GetClusterCredentials"),
        ("allowed", "redshift:JoinGroup"),
        ("allowed", "redshift:CreateClusterUser"),
    ]


def test_removing_join_group_denies_it_and_names_the_missing_statement(
    bundle_dir: Path,
) -> None:
    def drop(document: dict[str, Any]) -> None:
        document["Statement"] = [s for s in document["Statement"] if s["Sid"] != "JoinDbGroups"]

    edit(bundle_dir, ETL_POLICY, drop)
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert result.code == 1
    assert ("denied", "redshift:JoinGroup") in calls(result.out)
    assert [v for v, _ in calls(result.out)].count("denied") == 1
    assert (
        'missing statement: {"Effect": "Allow", "Action": "redshift:JoinGroup", "Resource": '
        '"arn:aws:redshift:us-east-1:123456789012:dbgroup:analytics/etl"}'
    ) in result.out
    assert f"no statement of {ETL_POLICY} allows redshift:JoinGroup" in result.out


def test_a_dbuser_in_another_account_is_denied_naming_the_near_miss(bundle_dir: Path) -> None:
    def other_account(document: dict[str, Any]) -> None:
        for statement in document["Statement"]:
            resources = statement["Resource"]
            if isinstance(resources, list):
                statement["Resource"] = [
                    r.replace("123456789012", "210987654321") if ":dbuser:" in r else r
                    for r in resources
                ]

    edit(bundle_dir, ETL_POLICY, other_account)
    result = run_cli(
        "connection", "check", str(bundle_dir), "--role", "Redshift-ETL", "--format", "json"
    )
    assert result.code == 1
    report = json.loads(result.out)
    assert report["allowed"] is False
    denied = [c for c in report["calls"] if c["verdict"] != "allowed"]
    assert [(c["action"], c["verdict"]) for c in denied] == [
        ("redshift:GetClusterCredentials", "implicitly-denied"),
        ("redshift:CreateClusterUser", "implicitly-denied"),
    ]
    assert denied[0]["resource"].endswith(":123456789012:dbuser:analytics/etl_user")
    assert [m["sid"] for m in denied[0]["near_misses"]] == ["GetClusterCredentials"]
    assert denied[0]["missing_statement"]["Resource"] == denied[0]["resource"]


def test_a_jdbc_url_naming_an_ungranted_database_is_denied(bundle_dir: Path) -> None:
    url = "jdbc:redshift:iam://analytics:us-east-1/sales?DbUser=etl_user&DbGroups=etl"
    result = run_cli(
        "connection", "check", str(bundle_dir), "--role", "Redshift-ETL", "--jdbc-url", url
    )
    assert result.code == 1
    assert calls(result.out) == [
        ("allowed", "sts:AssumeRole"),
        ("allowed", "redshift:DescribeClusters"),
        ("allowed", "redshift:GetClusterCredentials"),
        ("denied", "redshift:GetClusterCredentials"),
        ("allowed", "redshift:JoinGroup"),
    ]
    assert "dbname:analytics/sales" in result.out
    assert '"Resource": "arn:aws:redshift:us-east-1:123456789012:dbname:analytics/sales"' in (
        result.out
    )


# -- What the driver calls ---------------------------------------------------------------------


def bundle() -> Bundle:
    return render_bundle(load_setup(LEAST_PRIVILEGE))


def test_connection_settings_feed_the_check() -> None:
    settings = driver_settings_for(bundle().setup, "Redshift-ETL")
    assert (settings.cluster_id, settings.region, settings.db_name) == (
        "analytics",
        "us-east-1",
        "dev",
    )
    assert (settings.db_user, settings.db_groups, settings.auto_create) == (
        "etl_user",
        ("etl",),
        True,
    )
    assert settings.host is None
    assert settings.iam_disable_cache


@pytest.mark.parametrize(
    ("url", "role", "read", "actions"),
    [
        (
            "jdbc:redshift:iam://analytics.abc123xyz.us-east-1.redshift.amazonaws.com:5439/dev"
            "?dbuser=etl_user",
            "Redshift-ETL",
            {"cluster_id": "analytics", "region": "us-east-1", "db_user": "etl_user"},
            ["redshift:GetClusterCredentials", "redshift:GetClusterCredentials"],
        ),
        (
            "jdbc:redshift:iam://reporting.123456789012.eu-west-1.redshift-serverless.amazonaws.com:5439/dev",
            "Redshift-Reporting",
            {"workgroup": "reporting", "account_id": "123456789012", "region": "eu-west-1"},
            ["redshift-serverless:GetCredentials"],
        ),
    ],
    ids=["cluster-endpoint-skips-describe-clusters", "serverless-endpoint-names-the-workgroup"],
)
def test_an_endpoint_url(url: str, role: str, read: dict[str, str], actions: list[str]) -> None:
    settings = parse_jdbc_url(url)
    assert {name: getattr(settings, name) for name in read} == read
    check = check_connection(bundle(), role, settings)
    assert [v.call.action for v in check.verdicts] == ["sts:AssumeRole", *actions]
    assert check.allowed


def test_group_federation_calls_get_cluster_credentials_with_iam() -> None:
    url = "jdbc:redshift:iam://analytics:us-east-1/dev?groupFederation=true"
    check = check_connection(bundle(), "Redshift-ETL", parse_jdbc_url(url))
    last = check.verdicts[-1]
    assert last.call.action == "redshift:GetClusterCredentialsWithIAM"
    assert last.call.resource.endswith(":dbname:analytics/dev")
    # The example does not set group_federation, so the role may not call it.
    assert last.decision.verdict is Verdict.IMPLICITLY_DENIED


def test_a_role_without_serverless_permissions_cannot_connect_to_the_workgroup() -> None:
    url = "jdbc:redshift:iam://reporting.123456789012.eu-west-1.redshift-serverless.amazonaws.com:5439/dev"
    assert not check_connection(bundle(), "Redshift-ETL", parse_jdbc_url(url)).allowed


def test_an_explicit_deny_is_named(bundle_dir: Path) -> None:
    deny = {
        "Sid": "NoAdmin",
        "Effect": "Deny",
        "Action": "redshift:GetClusterCredentials",
        "Resource": "arn:aws:redshift:*:*:dbuser:*/etl_*",
    }
    edit(bundle_dir, ETL_POLICY, lambda d: d["Statement"].append(deny))
    result = run_cli(
        "connection", "check", str(bundle_dir), "--role", "Redshift-ETL", "--format", "json"
    )
    assert result.code == 1
    denied = [c for c in json.loads(result.out)["calls"] if c["verdict"] == "denied-explicitly"]
    assert [(c["resource"].rsplit(":", 1)[1], c["statements"][0]["sid"]) for c in denied] == [
        ("analytics/etl_user", "NoAdmin")
    ]


def test_a_condition_on_aws_userid_depends(bundle_dir: Path) -> None:
    def bind(document: dict[str, Any]) -> None:
        document["Statement"][0]["Condition"] = {
            "StringEquals": {"aws:userid": "AROAEXAMPLEID:${redshift:DbUser}"}
        }

    edit(bundle_dir, ETL_POLICY, bind)
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert result.code == 1
    assert ("depends", "redshift:GetClusterCredentials") in calls(result.out)
    assert "on aws:userid, which this check cannot know" in result.out


def test_a_trust_policy_naming_another_principal_stops_the_assume_role_hop(
    bundle_dir: Path,
) -> None:
    def other(document: dict[str, Any]) -> None:
        document["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::123456789012:role/Other"}

    edit(bundle_dir, "Redshift-ETL/trust-policy.json", other)
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert result.code == 1
    assert calls(result.out)[0] == ("denied", "sts:AssumeRole")
    assert "the trust policy of arn:aws:iam::123456789012:role/Redshift-ETL" in result.out


def test_the_seed_bundle_connects_with_a_url(tmp_path: Path) -> None:
    url = "jdbc:redshift:iam://analytics:us-east-1/dev?DbUser=etl_user&AutoCreate=true"
    result = run_cli(
        "connection", "check", str(EXAMPLE), "--role", "Redshift-Access-Role-1", "--jdbc-url", url
    )
    assert result.code == 0, result.err
    assert [v for v, _ in calls(result.out)] == ["allowed"] * 5


def test_the_render_json_is_a_bundle_too(tmp_path: Path) -> None:
    rendered = run_cli("render", str(LEAST_PRIVILEGE)).out
    path = tmp_path / "bundle.json"
    path.write_text(rendered)
    assert run_cli("connection", "check", str(path), "--role", "Redshift-ETL").code == 0


def test_output_is_deterministic(bundle_dir: Path) -> None:
    runs = {
        run_cli(
            "connection", "check", str(bundle_dir), "--role", "Redshift-ETL", "--format", "json"
        ).out
        for _ in range(2)
    }
    assert len(runs) == 1


# -- Usage errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "Nobody"], "of that name in the"),
        (["--role", "Redshift-ETL", "--jdbc-url", "jdbc:postgresql://x/dev"], "not a Redshift IAM"),
        (
            ["--role", "Redshift-ETL", "--jdbc-url", "jdbc:redshift:iam://analytics:us-east-1/dev"],
            "needs DbUser",
        ),
        (["--role", "Redshift-ETL", "--region", "cn-north-1"], "partition aws-cn"),
        (["--role", "EC2-Redshift-Initiator-Role"], "is the instance role"),
    ],
)
def test_usage_errors_exit_2(bundle_dir: Path, extra: list[str], message: str) -> None:
    result = run_cli("connection", "check", str(bundle_dir), *extra)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_a_seed_setup_without_a_url_is_a_usage_error() -> None:
    result = run_cli("connection", "check", str(EXAMPLE), "--role", "Redshift-Access-Role-1")
    assert result.code == 2
    assert "--jdbc-url" in result.err


def test_unreadable_documents_are_usage_errors(bundle_dir: Path) -> None:
    (bundle_dir / ETL_POLICY).write_text("{not json")
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert result.code == 2
    assert ETL_POLICY in result.err
    assert "iam-redshift lint" in result.err


def test_reads_stay_inside_the_bundle(bundle_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"Version": "2012-10-17", "Statement": []}')
    (bundle_dir / ETL_POLICY).unlink()
    (bundle_dir / ETL_POLICY).symlink_to(outside)
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert result.code == 2
    assert "outside the bundle directory" in result.err


def test_a_missing_bundle_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("connection", "check", str(tmp_path / "nope"), "--role", "Redshift-ETL")
    assert result.code == 2


def test_bad_urls_are_refused() -> None:
    with pytest.raises(ConnectionCheckError):
        parse_jdbc_url("jdbc:redshift:iam:///dev")
    with pytest.raises(ConnectionCheckError):
        parse_jdbc_url("jdbc:redshift:iam://a:us-east-1/dev?AutoCreate=maybe")


def test_the_connection_command_still_works() -> None:
    result = run_cli("connection", str(LEAST_PRIVILEGE), "Redshift-ETL")
    assert result.code == 0
    assert result.out.startswith("Role ARN (IAM-based authentication): ")


def test_the_readme_walkthrough_is_what_the_check_prints(bundle_dir: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    marker = "<!-- connection check: the least-privilege example without JoinDbGroups -->"
    block = readme.split(marker, 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    command, _, shown = block.partition("\n")
    assert command == "$ iam-redshift connection check out --role Redshift-ETL"

    def drop(document: dict[str, Any]) -> None:
        document["Statement"] = [s for s in document["Statement"] if s["Sid"] != "JoinDbGroups"]

    edit(bundle_dir, ETL_POLICY, drop)
    result = run_cli("connection", "check", str(bundle_dir), "--role", "Redshift-ETL")
    assert result.code == 1
    assert result.out == shown
    url = "jdbc:redshift:iam://analytics:us-east-1/dev?DbUser=etl_user&AutoCreate=true"
    assert f"--jdbc-url '{url}'" in readme
    fixed = run_cli(
        "connection", "check", str(bundle_dir), "--role", "Redshift-ETL", "--jdbc-url", url
    )
    assert fixed.code == 0
    assert fixed.out.endswith("Result: all 5 calls are allowed.\n")


@given(st.text(max_size=60))
def test_any_url_is_checked_or_refused_never_a_crash(rest: str) -> None:
    try:
        settings = parse_jdbc_url("jdbc:redshift:iam://" + rest)
        check = check_connection(bundle(), "Redshift-ETL", settings)
    except ConnectionCheckError:
        return
    assert check.verdicts
