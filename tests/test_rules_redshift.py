"""IR6xx, Redshift IAM authentication: what each rule reports beyond its examples, and that
the rendered examples get only the findings the README explains."""

from __future__ import annotations

import json
from typing import Any

from iam_redshift import lint_bundle, lint_document
from iam_redshift.engine import LintOptions, iter_lint_contents
from iam_redshift.findings import Finding
from iam_redshift.render import render_bundle
from iam_redshift.setup_file import load_setup
from tests.conftest import EXAMPLE, REPO

LEAST_PRIVILEGE = load_setup(REPO / "examples" / "least-privilege.toml")
ETL = "Redshift-ETL/permissions-policy.json"
ARN = "arn:aws:redshift:us-east-1:123456789012"
DBUSER = f"{ARN}:dbuser:analytics/etl_user"
DBNAME = f"{ARN}:dbname:analytics/dev"
INSTANCE = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def edited_least_privilege(change: Any) -> list[Finding]:
    files: dict[str, str] = dict(render_bundle(LEAST_PRIVILEGE).files())
    document = json.loads(files[ETL])
    change(document)
    files[ETL] = json.dumps(document, indent=2)
    return list(iter_lint_contents(files))


def test_the_rendered_examples_get_only_what_the_readme_explains() -> None:
    assert lint_bundle(render_bundle(LEAST_PRIVILEGE)) == []
    seed = lint_bundle(render_bundle(load_setup(EXAMPLE)))
    assert codes(seed) == ["IR202"] * 3 + ["IR204"] * 4


def test_ir601_names_each_missing_companion_grant() -> None:
    def drop(document: dict[str, Any]) -> None:
        document["Statement"] = [
            s for s in document["Statement"] if s["Sid"] not in ("JoinDbGroups", "DescribeCluster")
        ]

    findings = edited_least_privilege(drop)
    assert codes(findings) == ["IR601", "IR601"]
    messages = " ".join(f.message for f in findings)
    assert "connect_by_cluster_id = true, so the driver calls redshift:DescribeClusters" in messages
    assert f'"Resource": "{ARN}:dbgroup:analytics/etl"' in messages


def test_ir601_names_an_explicit_deny() -> None:
    deny = {
        "Sid": "NoCreate",
        "Effect": "Deny",
        "Action": "redshift:CreateClusterUser",
        "Resource": "*",
    }
    findings = edited_least_privilege(lambda d: d["Statement"].append(deny))
    assert codes(findings) == ["IR601"]
    assert "a Deny statement" in findings[0].message
    assert "(NoCreate)" in findings[0].message


def test_ir601_ir603_together_for_a_dbuser_of_another_account_and_not_ir307() -> None:
    def other_account(document: dict[str, Any]) -> None:
        document["Statement"][0]["Resource"][0] = DBUSER.replace("123456789012", "210987654321")

    found = codes(edited_least_privilege(other_account))
    assert found == ["IR601", "IR603"]


def test_ir602_is_silent_where_ir502_speaks() -> None:
    only_wrong = policy(allow("redshift:CreateClusterUser", DBNAME))
    assert "IR602" not in codes(lint_document(only_wrong))
    both = policy(
        allow(
            ["redshift:GetClusterCredentials", "redshift:JoinGroup"],
            [DBUSER, f"{ARN}:dbgroup:analytics/etl"],
        )
    )
    assert codes(lint_document(both)) == []


def test_ir604_binding_conditions() -> None:
    variable = f"{ARN}:dbuser:analytics/${{redshift:DbUser}}"
    assert codes(lint_document(policy(allow("redshift:GetClusterCredentials", variable)))) == [
        "IR604"
    ]
    by_name = allow(
        "redshift:GetClusterCredentials",
        variable,
        Condition={"StringEquals": {"redshift:DbUser": ["etl_user", "report_user"]}},
    )
    assert codes(lint_document(policy(by_name))) == []
    # "*" is IR204's (and, with a setup, IR607's), not this rule's.
    assert "IR604" not in codes(lint_document(policy(allow("redshift:GetClusterCredentials", "*"))))


def test_ir605_on_redshift_credentials_and_trust_policies() -> None:
    long_credentials = allow(
        "redshift:GetClusterCredentials",
        DBUSER,
        Condition={"NumericLessThanEquals": {"redshift:DurationSeconds": 7200}},
    )
    assert codes(lint_document(policy(long_credentials))) == ["IR605"]
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": INSTANCE},
                    "Action": "sts:AssumeRole",
                    "Condition": {"NumericLessThan": {"sts:DurationSeconds": "7200"}},
                }
            ],
        }
    )
    options = LintOptions(instance_role_arn=INSTANCE)
    assert codes(lint_document(trust, options=options)) == ["IR605"]


def test_ir606_needs_both_kinds() -> None:
    workgroup = (
        "arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/"
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    )
    mixed = policy(
        allow(
            ["redshift:GetClusterCredentials", "redshift-serverless:GetCredentials"],
            [DBUSER, workgroup],
        )
    )
    assert "IR606" in codes(lint_document(mixed))
    assert "IR606" not in codes(
        lint_document(policy(allow("redshift:GetClusterCredentials", DBUSER)))
    )


def test_ir607_replaces_ir204_only_for_credentials_statements() -> None:
    def star(document: dict[str, Any]) -> None:
        document["Statement"][0]["Resource"] = "*"

    findings = edited_least_privilege(star)
    assert codes(findings) == ["IR607"]
    assert DBUSER in findings[0].message

    def mixed(document: dict[str, Any]) -> None:
        document["Statement"][0]["Resource"] = "*"
        document["Statement"][0]["Action"] = ["redshift:GetClusterCredentials", "iam:GetRole"]

    assert codes(edited_least_privilege(mixed)) == ["IR204"]


def test_ir607_needs_a_target() -> None:
    # A loose document has no setup to say what the role reaches: IR204 says what it can.
    found = codes(lint_document(policy(allow("redshift:GetClusterCredentials", "*"))))
    assert found == ["IR204"]
