"""The least-privilege profile: scoped permissions, one statement per option, clear errors."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from iam_redshift import (
    AccessRole,
    InstanceRole,
    RedshiftCluster,
    RedshiftServerless,
    Setup,
    SetupError,
    dump_toml,
    load_setup,
    parse_setup,
    render_bundle,
)
from iam_redshift.engine import lint_bundle
from iam_redshift.findings import Severity
from iam_redshift.render.least_privilege import (
    access_role_permissions_policy,
    instance_role_permissions_policy,
)
from iam_redshift.setup_file import dump_json, setup_to_mapping
from tests.conftest import EXAMPLE, REPO, assert_render_refuses, run_cli

LEAST_PRIVILEGE_EXAMPLE = REPO / "examples" / "least-privilege.toml"
ACCOUNT = "123456789012"
WORKGROUP_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CLUSTER = RedshiftCluster("us-east-1", "analytics", "dev", ("etl_user",))
SERVERLESS = RedshiftServerless("eu-west-1", WORKGROUP_ID)
DBUSER = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/etl_user"
DBNAME = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbname:analytics/dev"
WORKGROUP = f"arn:aws:redshift-serverless:eu-west-1:{ACCOUNT}:workgroup/{WORKGROUP_ID}"


def setup_with(
    *targets: RedshiftCluster | RedshiftServerless,
    list_roles: bool = False,
    instance_target: RedshiftCluster | RedshiftServerless | None = None,
    partition: str = "aws",
) -> Setup:
    return Setup(
        account_id=ACCOUNT,
        partition=partition,  # type: ignore[arg-type]
        profile="least-privilege",
        instance_role=InstanceRole("Initiator", list_roles=list_roles, target=instance_target),
        access_roles=tuple(AccessRole(f"Access-{i}", target=t) for i, t in enumerate(targets)),
    )


def statements(setup: Setup, index: int = 0) -> list[dict[str, Any]]:
    policy = access_role_permissions_policy(setup, setup.access_roles[index])
    result: list[dict[str, Any]] = policy["Statement"]
    return result


# --- the base grant ------------------------------------------------------------------------


def test_cluster_role_gets_get_cluster_credentials_on_dbuser_and_dbname_only() -> None:
    assert statements(setup_with(CLUSTER)) == [
        {
            "Sid": "GetClusterCredentials",
            "Effect": "Allow",
            "Action": "redshift:GetClusterCredentials",
            "Resource": [DBUSER, DBNAME],
        }
    ]


def test_one_dbuser_resource_per_database_user_in_setup_order() -> None:
    cluster = dataclasses.replace(CLUSTER, db_users=("zed", "alice"))
    (statement,) = statements(setup_with(cluster))
    assert statement["Resource"] == [
        f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/zed",
        f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/alice",
        DBNAME,
    ]


def test_serverless_role_gets_get_credentials_and_get_workgroup_on_the_workgroup() -> None:
    assert statements(setup_with(SERVERLESS)) == [
        {
            "Sid": "GetServerlessCredentials",
            "Effect": "Allow",
            "Action": [
                "redshift-serverless:GetCredentials",
                "redshift-serverless:GetWorkgroup",
            ],
            "Resource": WORKGROUP,
        }
    ]


# --- each option adds exactly its action and resource -------------------------------------

OPTIONS = [
    (
        {"auto_create": True},
        {
            "Sid": "CreateClusterUser",
            "Effect": "Allow",
            "Action": "redshift:CreateClusterUser",
            "Resource": [DBUSER],
        },
    ),
    (
        {"db_groups": ("etl", "reporting")},
        {
            "Sid": "JoinDbGroups",
            "Effect": "Allow",
            "Action": "redshift:JoinGroup",
            "Resource": [
                f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbgroup:analytics/etl",
                f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbgroup:analytics/reporting",
            ],
        },
    ),
    (
        {"connect_by_cluster_id": True},
        {
            "Sid": "DescribeCluster",
            "Effect": "Allow",
            "Action": "redshift:DescribeClusters",
            "Resource": f"arn:aws:redshift:us-east-1:{ACCOUNT}:cluster:analytics",
        },
    ),
    (
        {"group_federation": True},
        {
            "Sid": "GetClusterCredentialsWithIAM",
            "Effect": "Allow",
            "Action": "redshift:GetClusterCredentialsWithIAM",
            "Resource": DBNAME,
        },
    ),
]


@pytest.mark.parametrize(("option", "added"), OPTIONS, ids=[next(iter(o)) for o, _ in OPTIONS])
def test_each_cluster_option_adds_exactly_its_statement(
    option: dict[str, Any], added: dict[str, Any]
) -> None:
    without = statements(setup_with(CLUSTER))
    with_option = statements(setup_with(dataclasses.replace(CLUSTER, **option)))
    assert [s for s in with_option if s not in without] == [added]
    assert [s for s in without if s not in with_option] == []


def test_list_roles_adds_exactly_list_roles_on_star() -> None:
    without = instance_role_permissions_policy(setup_with(CLUSTER))["Statement"]
    with_option = instance_role_permissions_policy(setup_with(CLUSTER, list_roles=True))[
        "Statement"
    ]
    added = [s for s in with_option if s not in without]
    assert added == [
        {"Sid": "ListRoles", "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}
    ]
    assert [s for s in without if s not in with_option] == []


def test_max_session_seconds_caps_duration_on_both_credential_actions() -> None:
    cluster = dataclasses.replace(CLUSTER, group_federation=True, max_session_seconds=1800)
    condition = {"NumericLessThanEqualsIfExists": {"redshift:DurationSeconds": "1800"}}
    by_sid = {s["Sid"]: s for s in statements(setup_with(cluster))}
    assert by_sid["GetClusterCredentials"]["Condition"] == condition
    assert by_sid["GetClusterCredentialsWithIAM"]["Condition"] == condition
    assert "Condition" not in statements(setup_with(CLUSTER))[0]


def test_everything_at_once_keeps_a_fixed_statement_order() -> None:
    cluster = dataclasses.replace(
        CLUSTER,
        db_groups=("etl",),
        auto_create=True,
        connect_by_cluster_id=True,
        group_federation=True,
    )
    assert [s["Sid"] for s in statements(setup_with(cluster))] == [
        "GetClusterCredentials",
        "JoinDbGroups",
        "CreateClusterUser",
        "DescribeCluster",
        "GetClusterCredentialsWithIAM",
    ]


# --- the instance role ----------------------------------------------------------------------


def test_instance_role_reads_and_assumes_exactly_the_access_roles_and_nothing_of_redshift() -> None:
    setup = setup_with(CLUSTER, SERVERLESS)
    arns = [f"arn:aws:iam::{ACCOUNT}:role/Access-0", f"arn:aws:iam::{ACCOUNT}:role/Access-1"]
    assert instance_role_permissions_policy(setup)["Statement"] == [
        {
            "Sid": "ReadAccessRoles",
            "Effect": "Allow",
            "Action": [
                "iam:GetRole",
                "iam:ListAttachedRolePolicies",
                "iam:ListRolePolicies",
                "iam:GetRolePolicy",
            ],
            "Resource": arns,
        },
        {
            "Sid": "AssumeAccessRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": arns,
        },
    ]


def test_instance_role_gets_redshift_permissions_only_when_it_names_a_target() -> None:
    setup = setup_with(SERVERLESS, instance_target=CLUSTER)
    policy = instance_role_permissions_policy(setup)
    assert policy["Statement"][-1]["Action"] == "redshift:GetClusterCredentials"
    assert policy["Statement"][-1]["Resource"] == [DBUSER, DBNAME]


def test_no_statement_of_a_least_privilege_bundle_has_a_wildcard() -> None:
    setup = load_setup(LEAST_PRIVILEGE_EXAMPLE)
    for document in render_bundle(setup).documents:
        for statement in document.document["Statement"]:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            assert all("*" not in a for a in actions), document.path
            resources = statement.get("Resource", [])
            resources = resources if isinstance(resources, list) else [resources]
            if statement.get("Sid") == "ListRoles":
                assert resources == ["*"]
            else:
                assert all("*" not in r for r in resources), document.path


@pytest.mark.parametrize(
    ("partition", "region", "prefix"),
    [
        ("aws-cn", "cn-north-1", "arn:aws-cn:redshift:cn-north-1:"),
        ("aws-us-gov", "us-gov-west-1", "arn:aws-us-gov:redshift:us-gov-west-1:"),
        ("aws-iso-b", "us-isob-east-1", "arn:aws-iso-b:redshift:us-isob-east-1:"),
    ],
)
def test_arns_carry_the_partition_and_region(partition: str, region: str, prefix: str) -> None:
    setup = setup_with(dataclasses.replace(CLUSTER, region=region), partition=partition)
    (statement,) = statements(setup)
    assert all(r.startswith(prefix) for r in statement["Resource"])


# --- the example, the seed, lint ---------------------------------------------------------------


def test_least_privilege_example_renders_and_lints_with_nothing_at_warning_or_above() -> None:
    result = run_cli("render", str(LEAST_PRIVILEGE_EXAMPLE))
    assert result.code == 0, result.err
    findings = lint_bundle(render_bundle(load_setup(LEAST_PRIVILEGE_EXAMPLE)))
    assert [f for f in findings if f.severity.rank >= Severity.WARNING.rank] == []


def test_least_privilege_example_bundle_on_disk_lints_clean_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("render", str(LEAST_PRIVILEGE_EXAMPLE), "-o", str(out)).code == 0
    result = run_cli("lint", str(out), "--fail-on", "warning")
    assert result.code == 0, result.out + result.err


def test_least_privilege_example_has_a_provisioned_and_a_serverless_role() -> None:
    setup = load_setup(LEAST_PRIVILEGE_EXAMPLE)
    assert setup.profile == "least-privilege"
    kinds = {type(r.target) for r in setup.access_roles}
    assert kinds == {RedshiftCluster, RedshiftServerless}


def test_seed_example_still_renders_the_seed_documents() -> None:
    setup = load_setup(EXAMPLE)
    assert setup.profile == "seed"
    instance = render_bundle(setup).documents[1].document
    assert [s["Sid"] for s in instance["Statement"]] == [
        "AllowIamRoleReadAndList",
        "BroadRedshiftAccess",
        "AllowAssumingPreferredRoles",
    ]
    assert "list_roles" not in setup_to_mapping(setup)["instance_role"]


def test_manifest_of_a_least_privilege_bundle_validates_and_reads_back() -> None:
    from iam_redshift._schemas import validator
    from iam_redshift.setup_file import setup_from_mapping

    setup = load_setup(LEAST_PRIVILEGE_EXAMPLE)
    manifest = render_bundle(setup).manifest()
    assert list(validator("manifest.schema.json").iter_errors(manifest)) == []
    assert setup_from_mapping(manifest, schema="manifest.schema.json") == setup


# --- setup files round-trip -----------------------------------------------------------------


@pytest.mark.parametrize(
    "setup",
    [
        setup_with(CLUSTER),
        setup_with(
            dataclasses.replace(
                CLUSTER,
                db_users=("a", "B+c"),
                db_groups=("g1",),
                auto_create=True,
                connect_by_cluster_id=True,
                group_federation=True,
                max_session_seconds=900,
            ),
            dataclasses.replace(SERVERLESS, workgroup_name="wg-1", db_name="Sales"),
            list_roles=True,
            instance_target=SERVERLESS,
        ),
    ],
)
def test_dump_toml_and_dump_json_read_back_unchanged(setup: Setup) -> None:
    assert parse_setup(dump_toml(setup).encode(), source="x.toml") == setup
    assert parse_setup(dump_json(setup).encode(), source="x.json") == setup


def test_dump_toml_writes_sub_tables_after_each_role() -> None:
    text = dump_toml(setup_with(CLUSTER, SERVERLESS, instance_target=SERVERLESS))
    headers = re.findall(r"^\[.*\]$", text, flags=re.MULTILINE)
    assert headers == [
        "[instance_role]",
        "[instance_role.redshift_serverless]",
        "[[access_roles]]",
        "[access_roles.redshift]",
        "[[access_roles]]",
        "[access_roles.redshift_serverless]",
    ]


def test_example_file_reads_back_through_dump_toml() -> None:
    setup = load_setup(LEAST_PRIVILEGE_EXAMPLE)
    assert parse_setup(dump_toml(setup).encode()) == setup


# --- errors -----------------------------------------------------------------------------------

LP_HEADER = f'account_id = "{ACCOUNT}"\nprofile = "least-privilege"\n[instance_role]\nname = "I"\n'
CLUSTER_TABLE = (
    '[access_roles.redshift]\nregion = "us-east-1"\ncluster = "analytics"\ndb_name = "dev"\n'
    'db_users = ["etl_user"]\n'
)
SERVERLESS_TABLE = (
    f'[access_roles.redshift_serverless]\nregion = "eu-west-1"\nworkgroup_id = "{WORKGROUP_ID}"\n'
)
ROLE = '[[access_roles]]\nname = "A"\n'

# (name, file content, words the one-line message must contain)
ERROR_CASES = [
    (
        "bad-region",
        LP_HEADER + ROLE + CLUSTER_TABLE.replace("us-east-1", "US East"),
        ["access_roles[0].redshift.region", "'US East'", "us-east-1"],
    ),
    (
        "region-of-another-partition",
        LP_HEADER + ROLE + CLUSTER_TABLE.replace("us-east-1", "cn-north-1"),
        ["access_roles[0].redshift.region", "partition aws-cn", "partition is aws"],
    ),
    (
        "workgroup-id-not-a-uuid",
        LP_HEADER + ROLE + SERVERLESS_TABLE.replace(WORKGROUP_ID, "0a1b2c3d-..."),
        ["access_roles[0].redshift_serverless.workgroup_id", "'0a1b2c3d-...'", "UUID"],
    ),
    (
        "workgroup-id-uppercase",
        LP_HEADER + ROLE + SERVERLESS_TABLE.replace(WORKGROUP_ID, WORKGROUP_ID.upper()),
        ["access_roles[0].redshift_serverless.workgroup_id", "UUID"],
    ),
    (
        "duration-899",
        LP_HEADER + ROLE + CLUSTER_TABLE + "max_session_seconds = 899\n",
        ["access_roles[0].redshift.max_session_seconds", "899", "900 to 3600"],
    ),
    (
        "duration-3601",
        LP_HEADER + ROLE + CLUSTER_TABLE + "max_session_seconds = 3601\n",
        ["access_roles[0].redshift.max_session_seconds", "3601", "900 to 3600"],
    ),
    (
        "duration-not-whole",
        LP_HEADER + ROLE + CLUSTER_TABLE + "max_session_seconds = 1800.5\n",
        ["access_roles[0].redshift.max_session_seconds"],
    ),
    (
        "neither-target",
        LP_HEADER + ROLE + ROLE.replace('"A"', '"B"') + CLUSTER_TABLE,
        ["access_roles[0]:", "[access_roles.redshift]", "[access_roles.redshift_serverless]"],
    ),
    (
        "both-targets",
        LP_HEADER + ROLE + CLUSTER_TABLE + SERVERLESS_TABLE,
        ["access_roles[0]:", "either a provisioned cluster", "not both"],
    ),
    (
        "target-under-seed",
        LP_HEADER.replace("least-privilege", "seed") + ROLE + CLUSTER_TABLE,
        ["access_roles[0].redshift", "only means something with profile = 'least-privilege'"],
    ),
    (
        "list-roles-under-seed",
        LP_HEADER.replace("least-privilege", "seed") + "list_roles = true\n" + ROLE,
        ["instance_role.list_roles", "only means something"],
    ),
    (
        "bad-cluster-identifier",
        LP_HEADER + ROLE + CLUSTER_TABLE.replace('"analytics"', '"Analytics--1-"'),
        ["access_roles[0].redshift.cluster", "Analytics--1-"],
    ),
    (
        "no-db-users",
        LP_HEADER + ROLE + CLUSTER_TABLE.replace('["etl_user"]', "[]"),
        ["access_roles[0].redshift.db_users", "empty"],
    ),
    (
        "db-user-public",
        LP_HEADER + ROLE + CLUSTER_TABLE.replace('"etl_user"', '"Public"'),
        ["access_roles[0].redshift.db_users[0]", "PUBLIC"],
    ),
    (
        "db-group-uppercase",
        LP_HEADER + ROLE + CLUSTER_TABLE + 'db_groups = ["ETL"]\n',
        ["access_roles[0].redshift.db_groups[0]", "'ETL'", "lowercase"],
    ),
    (
        "db-user-twice",
        LP_HEADER + ROLE + CLUSTER_TABLE.replace('["etl_user"]', '["a", "b", "a"]'),
        ["access_roles[0].redshift.db_users[2]", "listed twice"],
    ),
    (
        "unknown-target-key",
        LP_HEADER + ROLE + CLUSTER_TABLE + "db_user = 'x'\n",
        ["access_roles[0].redshift", "unknown key 'db_user'"],
    ),
    (
        "missing-workgroup-id",
        LP_HEADER + ROLE + SERVERLESS_TABLE.replace(f'workgroup_id = "{WORKGROUP_ID}"\n', ""),
        ["access_roles[0].redshift_serverless", "'workgroup_id' is missing"],
    ),
    (
        "instance-target-bad-region",
        LP_HEADER
        + CLUSTER_TABLE.replace("access_roles.redshift", "instance_role.redshift").replace(
            "us-east-1", "us-gov-west-1"
        )
        + ROLE
        + SERVERLESS_TABLE,
        ["instance_role.redshift.region", "partition aws-us-gov"],
    ),
]


@pytest.mark.parametrize(("name", "content", "words"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_invalid_least_privilege_setup_exits_2_with_a_precise_message(
    tmp_path: Path, name: str, content: str, words: list[str]
) -> None:
    assert_render_refuses(tmp_path / f"{name}.toml", content.encode(), words)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: RedshiftCluster("us-east", "a", "dev", ("u",)), "redshift.region"),
        (lambda: RedshiftCluster("us-east-1", "a", "dev", "u"), "redshift.db_users"),
        (
            lambda: RedshiftCluster("us-east-1", "a", "dev", ("u",), auto_create=1),
            "redshift.auto_create",
        ),  # type: ignore[arg-type]
        (
            lambda: RedshiftCluster("us-east-1", "a", "dev", ("u",), max_session_seconds=True),
            "redshift.max_session_seconds",
        ),
        (lambda: RedshiftServerless("eu-west-1", "x"), "redshift_serverless.workgroup_id"),
        (
            lambda: RedshiftServerless("eu-west-1", WORKGROUP_ID, workgroup_name="WG"),
            "redshift_serverless.workgroup_name",
        ),
        (
            lambda: Setup(
                ACCOUNT, InstanceRole("I"), (AccessRole("A"),), profile="least-privilege"
            ),
            "access_roles[0]",
        ),
        (lambda: AccessRole("A", target="cluster"), "access_roles[]"),  # type: ignore[arg-type]
    ],
)
def test_model_errors_name_the_field(build: Any, field: str) -> None:
    with pytest.raises(SetupError) as info:
        build()
    assert info.value.field == field


def test_schema_accepts_the_least_privilege_example_as_json() -> None:
    from iam_redshift._schemas import validator

    mapping = setup_to_mapping(load_setup(LEAST_PRIVILEGE_EXAMPLE))
    assert list(validator("setup.schema.json").iter_errors(mapping)) == []
    assert json.loads(dump_json(load_setup(LEAST_PRIVILEGE_EXAMPLE))) == mapping


# --- the README shows what the tool renders ---------------------------------------------------

README = REPO / "README.md"
RENDERED_BLOCK = re.compile(
    r"<!-- rendered from (?P<setup>\S+): (?P<path>\S+) -->\n```json\n(?P<text>.*?)```\n", re.S
)
# "connection check" blocks are test_connection_check.py's.
CONSOLE_BLOCK = re.compile(
    r"```console\n(?P<body>\$ iam-redshift connection (?!check ).*?)```\n", re.S
)


def test_readme_before_and_after_blocks_are_what_render_prints() -> None:
    blocks = list(RENDERED_BLOCK.finditer(README.read_text(encoding="utf-8")))
    assert [(b["setup"], b["path"]) for b in blocks] == [
        ("examples/matillion.toml", "EC2-Redshift-Initiator-Role/permissions-policy.json"),
        ("examples/matillion.toml", "Redshift-Access-Role-1/permissions-policy.json"),
        ("examples/least-privilege.toml", "EC2-Redshift-Initiator-Role/permissions-policy.json"),
        ("examples/least-privilege.toml", "Redshift-ETL/permissions-policy.json"),
        ("examples/least-privilege.toml", "Redshift-Reporting/permissions-policy.json"),
    ]
    for block in blocks:
        files = render_bundle(load_setup(REPO / block["setup"])).files()
        assert block["text"] == files[block["path"]], block["path"]


def test_readme_connection_example_is_what_connection_prints() -> None:
    (block,) = CONSOLE_BLOCK.finditer(README.read_text(encoding="utf-8"))
    commands = re.split(r"^\$ ", block["body"], flags=re.M)[1:]
    assert len(commands) == 2
    for command in commands:
        line, _, shown = command.partition("\n")
        _, _, setup, role = line.split()
        assert shown == run_cli("connection", str(REPO / setup), role).out
