"""IR5xx: action knowledge (unknown actions, resource types, condition keys and operators), and
every shared corpus document linting without an internal error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift import knowledge
from iam_redshift.engine import LintOptions, lint_document
from iam_redshift.findings import Finding
from tests.conftest import CORPUS, need, run_cli

DBUSER = "arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/etl_user"
BUCKET = "arn:aws:s3:::analytics-bucket"
INSTANCE_ROLE = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def trust(action: Any, **more: Any) -> dict[str, Any]:
    return policy(
        {"Effect": "Allow", "Principal": {"AWS": INSTANCE_ROLE}, "Action": action, **more}
    )


def lint(value: Any, *, kind: str = "permissions") -> list[Finding]:
    options = LintOptions(kind=kind)  # type: ignore[arg-type]
    return lint_document(json.dumps(value), file="policy.json", options=options)


def of(code: str, value: Any, **kwargs: Any) -> list[Finding]:
    return [f for f in lint(value, **kwargs) if f.code == code]


# -- IR501 --------------------------------------------------------------------------------------


def test_misspelt_action_is_ir501_suggesting_the_real_one() -> None:
    (found,) = of("IR501", policy(allow("redshift:GetClusterCredential", DBUSER)))
    assert found.pointer == "/Statement/0/Action"
    assert "did you mean redshift:GetClusterCredentials?" in found.message
    assert knowledge.service_data_note("redshift") in found.message
    assert "2026-10" in found.message  # the date of the data it relied on
    assert "If it is newer than the data, refresh the data" in found.message
    assert found.severity.value == "warning"


def test_misspelt_service_prefix_is_ir501_suggesting_the_prefix() -> None:
    (found,) = of(
        "IR501", policy(allow(["redshift:DescribeClusters", "redhsift:GetClusterCredentials"]))
    )
    assert found.pointer == "/Statement/0/Action/1"
    assert "'redhsift'" in found.message
    assert "did you mean 'redshift'?" in found.message


def test_pattern_that_matches_no_action_is_ir501() -> None:
    (found,) = of("IR501", policy(allow("redshift:GetClusterCredentail*")))
    assert "matches no redshift action" in found.message


@pytest.mark.parametrize(
    "action",
    ["redshift:GetClusterCredentials", "Redshift:getclustercredentials", "REDSHIFT:Describe*", "*"],
)
def test_known_actions_in_any_case_are_not_ir501(action: str) -> None:
    assert of("IR501", policy(allow(action))) == []


def test_ir501_checks_deny_and_not_action_too() -> None:
    value = policy(
        {"Effect": "Deny", "Action": "redshift:DeleteClusterr", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:CreateUserr", "Resource": "*"},
    )
    assert [f.pointer for f in of("IR501", value)] == [
        "/Statement/0/Action",
        "/Statement/1/NotAction",
    ]


@pytest.mark.parametrize(
    "action",
    [
        "sts:AssumeRole",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        ["sts:AssumeRole", "sts:TagSession"],
    ],
)
def test_trust_policy_actions_are_known(action: Any) -> None:
    assert of("IR501", trust(action), kind="trust") == []


def test_misspelt_trust_policy_action_is_ir501() -> None:
    (found,) = of("IR501", trust("sts:AssumeRol"), kind="trust")
    assert "did you mean sts:AssumeRole?" in found.message


def test_malformed_actions_are_left_to_the_grammar() -> None:
    codes = [f.code for f in lint(policy(allow("redshift GetClusterCredentials")))]
    assert "IR101" in codes
    assert "IR501" not in codes


_KNOWN = sorted(knowledge.expand_action("*"))


@given(st.sampled_from(_KNOWN), st.randoms(use_true_random=False))
def test_no_known_action_in_any_case_is_ir501(action: str, random: Any) -> None:
    mixed = "".join(c.upper() if random.random() < 0.5 else c.lower() for c in action)
    assert of("IR501", policy(allow(mixed))) == []
    assert of("IR501", trust(mixed), kind="trust") == []


# -- IR502 --------------------------------------------------------------------------------------


def test_action_on_a_resource_of_another_type_is_ir502_with_the_right_format() -> None:
    (found,) = of("IR502", policy(allow("redshift:GetClusterCredentials", BUCKET)))
    assert found.pointer == "/Statement/0/Action"
    dbuser = next(
        t for t in knowledge.resource_types("redshift:GetClusterCredentials") if t.name == "dbuser"
    )
    assert dbuser.arn_format in found.message
    assert BUCKET in found.message
    assert "does not grant" in found.message


@pytest.mark.parametrize(
    "resource",
    [
        DBUSER,
        [BUCKET, DBUSER],
        "*",
        "arn:aws:redshift:*:*:dbuser:*/*",
        "arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/${aws:username}",
        "arn:aws:redshift:us-east-1:<your-aws-account-id>:dbuser:analytics/etl",
    ],
)
def test_fitting_wildcard_or_variable_resources_are_not_ir502(resource: Any) -> None:
    assert of("IR502", policy(allow("redshift:GetClusterCredentials", resource))) == []


def test_a_resource_of_another_type_of_the_same_service_is_ir502() -> None:
    cluster = "arn:aws:redshift:us-east-1:123456789012:cluster:analytics"
    (found,) = of("IR502", policy(allow("redshift:GetClusterCredentials", cluster)))
    assert cluster in found.message


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        # AWS-owned documents and parameters have ARNs without an account.
        ("ssm:SendCommand", "arn:aws:ssm:*::document/AWS-RunShellScript"),
        (
            "ssm:GetParameter",
            "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest",
        ),
        # The right type of resource, written loosely (no stack id; another case).
        ("cloudformation:DescribeStacks", "arn:aws:cloudformation:*:*:stack/my-stack"),
        ("states:StartExecution", "arn:aws:states:*:*:statemachine:etl"),
    ],
)
def test_loosely_written_resources_of_the_right_type_are_not_ir502(
    action: str, resource: str
) -> None:
    assert of("IR502", policy(allow(action, resource))) == []


def test_ir502_skips_wildcard_actions_and_actions_without_resource_types() -> None:
    assert of("IR502", policy(allow("redshift:Get*", BUCKET))) == []
    assert of("IR502", policy(allow("sts:GetCallerIdentity", BUCKET))) == []


def test_ir502_in_a_deny_says_it_denies_nothing() -> None:
    value = policy(
        {"Effect": "Deny", "Action": "redshift:GetClusterCredentials", "Resource": BUCKET}
    )
    (found,) = of("IR502", value)
    assert "does not deny" in found.message


def test_assume_role_on_the_seed_role_arns_is_not_ir502() -> None:
    roles = [
        "arn:aws:iam::<your-aws-account-id>:role/Redshift-Access-Role-1",
        "arn:aws:iam::123456789012:role/redshift/Redshift-Access-Role-2",
    ]
    assert of("IR502", policy(allow("sts:AssumeRole", roles))) == []


# -- IR503 --------------------------------------------------------------------------------------


def conditioned(action: Any, condition: dict[str, Any], resource: Any = "*") -> dict[str, Any]:
    return policy(allow(action, resource, Condition=condition))


def test_service_key_of_another_service_is_ir503() -> None:
    value = conditioned(
        "s3:GetObject", {"StringEquals": {"redshift:DbUser": "etl_user"}}, f"{BUCKET}/*"
    )
    (found,) = of("IR503", value)
    assert found.pointer == "/Statement/0/Condition/StringEquals/redshift:DbUser"
    assert "s3:GetObject" in found.message


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"redshift:DbUser": "etl_user"}},
        {"StringEquals": {"Redshift:dbuser": "etl_user"}},
        {"NumericLessThanEqualsIfExists": {"redshift:DurationSeconds": "3600"}},
        {"StringEquals": {"aws:SourceVpc": "vpc-1"}},
        {"StringEquals": {"aws:ResourceTag/team": "data"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"Bool": {"aws:SecureTransport": "true"}},
        {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        {"NumericLessThan": {"aws:EpochTime": "1900000000"}},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
        {
            "StringEquals": {
                "ec2:SourceInstanceArn": "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
            }
        },
        {"Null": {"aws:SourceIp": "false"}},
        {
            "StringEquals": {
                "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"
            }
        },
    ],
)
def test_fitting_conditions_are_not_ir503(condition: dict[str, Any]) -> None:
    assert of("IR503", conditioned("redshift:GetClusterCredentials", condition, DBUSER)) == []


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ({"DateGreaterThan": {"aws:SourceIp": "2030-01-01T00:00:00Z"}}, "IP address key"),
        ({"Bool": {"aws:SourceVpc": "true"}}, "String key"),
        ({"NumericLessThan": {"aws:SecureTransport": "1"}}, "Bool key"),
        ({"IpAddressIfExists": {"aws:CurrentTime": "10.0.0.0/8"}}, "Date key"),
        ({"ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-1"}}, "single value"),
        ({"ForAnyValue:StringLike": {"aws:PrincipalArn": "arn:*"}}, "single value"),
    ],
)
def test_operator_that_does_not_fit_the_key_is_ir503(condition: dict[str, Any], words: str) -> None:
    (found,) = of("IR503", conditioned("redshift:GetClusterCredentials", condition, DBUSER))
    assert words in found.message


def test_unknown_global_key_follows_the_data() -> None:
    value = conditioned(
        "redshift:GetClusterCredentials", {"StringEquals": {"aws:SourceVpcc": "v"}}, DBUSER
    )
    expected = not knowledge.is_global_condition_key("aws:SourceVpcc")
    assert bool(of("IR503", value)) == expected


def test_trust_policy_conditions_of_sts_are_not_ir503() -> None:
    value = trust(
        "sts:AssumeRole",
        Condition={
            "StringEquals": {"sts:ExternalId": "x", "aws:PrincipalOrgID": "o-1"},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
        },
    )
    assert of("IR503", value, kind="trust") == []


def test_ir503_says_nothing_about_statements_with_unknown_or_star_actions() -> None:
    for action in ("*", "newservice:DoThing", "redshift:NotAnAction"):
        value = conditioned(action, {"StringEquals": {"redshift:DbUser": "etl"}})
        assert of("IR503", value) == [], action


@given(
    operator=st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            ["StringEquals", "ForAllValues:StringLike", "DateLessThanIfExists", "Null", "Bool"]
        ),
    ),
    key=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"[a-z0-9.-]{1,12}:[A-Za-z/$<>{}]{0,20}", fullmatch=True),
    ),
    action=st.one_of(
        st.text(max_size=30), st.sampled_from(["redshift:*", "s3:GetObject", "*", "sts:AssumeRole"])
    ),
)
def test_no_condition_makes_a_rule_fail(operator: str, key: str, action: str) -> None:
    value = conditioned(action, {operator: {key: "v"}})
    assert [f for f in lint(value) if f.code == "IR000"] == []
    assert [f for f in lint(value, kind="trust") if f.code == "IR000"] == []


# -- the shared corpus: no internal errors, parseable output --------------------------------------

CORPUS_DIRECTORIES = ["aws-managed-policies", "trust-policies/docs", "parliament-cases"]


@pytest.mark.parametrize("directory", CORPUS_DIRECTORIES)
def test_every_corpus_document_lints_without_an_internal_error(directory: str) -> None:
    path: Path = need(CORPUS / directory)
    result = run_cli("lint", str(path), "--format", "json")
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    findings = json.loads(result.out)["findings"]
    assert [f for f in findings if f["code"] == "IR000"] == []
    linted = {f["file"] for f in findings}
    assert linted <= {str(p) for p in path.rglob("*.json")}
