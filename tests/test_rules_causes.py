"""Issue 10's "causes found": where the rules said far more than IAM Access Analyzer does.

Each test failed before its fix (IR207's are in test_rules_wildcards.py).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.cli import main
from iam_redshift.engine import lint_document
from iam_redshift.findings import Finding
from iam_redshift.model import policy_size
from tests.conftest import REPO


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def of(code: str, document: dict[str, Any]) -> list[Finding]:
    return [f for f in lint_document(document, file="policy.json") if f.code == code]


# -- IR402: 10,240 for a loose document of unknown attachment, 6,144 a warning ----------------


def _sized(characters: int) -> dict[str, Any]:
    base = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/"})
    size = len("".join(json.dumps(base).split()))
    padded = policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/" + "k" * (characters - size),
        }
    )
    assert len("".join(json.dumps(padded).split())) == characters
    return padded


@pytest.mark.parametrize(
    ("characters", "severity"),
    [(6_144, None), (6_145, "warning"), (10_240, "warning"), (10_241, "error")],
)
def test_loose_permissions_policy_sizes(characters: int, severity: str | None) -> None:
    found = of("IR402", _sized(characters))
    assert [f.severity.value for f in found] == ([severity] if severity else [])
    if severity == "warning":
        assert "customer managed policy" in found[0].message


# Every ASCII character str.isspace accepts, some others that it does, and a few that it does not.
_SPACES_AND_NOT = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u2028\u3000a{\x00\x7f"


@given(st.text(st.one_of(st.sampled_from(_SPACES_AND_NOT), st.characters()), max_size=64))
def test_policy_size_counts_every_character_but_whitespace(text: str) -> None:
    # The ASCII path drops its spaces by a table; any other text by str.split(): the same count.
    assert policy_size(text) == sum(not c.isspace() for c in text)


# -- IR402: a file that says "managed" keeps 6,144 as an error ---------------------------------


def _ir402(file: str, content: dict[str, Any]) -> list[Finding]:
    from iam_redshift.engine.contents import Skipped, lint_file_data

    linted = lint_file_data(file, json.dumps(content).encode())
    assert not isinstance(linted, Skipped), linted
    return [f for f in linted if f.code == "IR402"]


def _template(*, managed: int = 0, inline: int = 0) -> dict[str, Any]:
    """A CloudFormation role with an inline policy and an attached managed policy of the given
    sizes (0: none)."""
    role: dict[str, Any] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            )
        },
    }
    resources: dict[str, Any] = {"Role": role}
    if inline:
        role["Properties"]["Policies"] = [{"PolicyName": "p", "PolicyDocument": _sized(inline)}]
    if managed:
        resources["Managed"] = _managed_policy(managed, "Role")
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def _managed_policy(characters: int, role: str) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"PolicyDocument": _sized(characters), "Roles": [{"Ref": role}]},
    }


def _pattern_template(*inline: int) -> dict[str, Any]:
    """The example setup rendered as a CloudFormation template (its roles play the pattern),
    with inline policies of the given sizes added to its access role."""
    from iam_redshift.render import cloudformation, render_bundle
    from iam_redshift.rules._base import example_setup

    template: dict[str, Any] = json.loads(
        cloudformation.dump_template(render_bundle(example_setup()))
    )
    policies = template["Resources"]["AccessRole1"]["Properties"]["Policies"]
    for index, characters in enumerate(inline):
        policies.append({"PolicyName": f"more{index}", "PolicyDocument": _sized(characters)})
    return template


@pytest.mark.parametrize("attached", [True, False])
def test_a_templates_managed_policy_over_6144_is_an_error(attached: bool) -> None:
    # Before: attached to a role, it was counted as one of the role's inline policies (no
    # finding under 10,240); on its own, only the loose document's warning.
    template = _template(managed=7_000)
    if not attached:
        del template["Resources"]["Managed"]["Properties"]["Roles"]
    (found,) = _ir402("template.json", template)
    assert found.severity.value == "error"
    assert "managed policy has 7,000 characters" in found.message
    assert found.pointer == "/Resources/Managed/Properties/PolicyDocument"


def test_a_templates_inline_policy_has_no_managed_policy_warning() -> None:
    # Before: a role's inline policy outside the pattern got the loose document's warning.
    assert _ir402("template.json", _template(inline=9_000)) == []
    (found,) = _ir402("template.json", _template(inline=10_500))
    assert found.severity.value == "error"
    assert "inline policy has 10,500 characters" in found.message


def test_a_pattern_templates_role_policies_are_measured_together() -> None:
    # Before: a role that plays the pattern was left to the bundle check, which needed a
    # manifest's setup, so a template's inline policies were never measured.
    assert _ir402("t.cfn.json", _pattern_template(6_000)) == []  # within 10,240 together
    (found,) = _ir402("t.cfn.json", _pattern_template(6_000, 6_000))
    assert found.severity.value == "error"
    assert "inline policies of role AccessRole1 have" in found.message


def test_a_managed_policy_is_not_counted_with_the_roles_inline_policies() -> None:
    template = _pattern_template(6_000)
    template["Resources"]["Managed"] = _managed_policy(6_000, "AccessRole1")
    # Each within its own quota: 6,000 and the role's own policy inline, 6,000 managed.
    assert _ir402("t.cfn.json", template) == []


def test_a_terraform_aws_iam_policy_over_6144_is_an_error() -> None:
    configuration = {
        "resource": {
            "aws_iam_policy": {"big": {"policy": json.dumps(_sized(6_500))}},
            "aws_iam_role_policy": {"inline": {"role": "r", "policy": json.dumps(_sized(6_500))}},
        }
    }
    found = _ir402("main.tf.json", configuration)
    assert [(f.pointer, f.severity.value) for f in found] == [
        ("/resource/aws_iam_policy/big/policy", "error")
    ]


def test_an_account_dumps_managed_policies_customer_and_aws() -> None:
    # A customer managed policy over 6,144 is an error (before: the loose document's warning);
    # AWS's own (ReadOnlyAccess has 46,948 characters) are not held to a customer's quota
    # (before: an error).
    def managed(account: str, characters: int) -> dict[str, Any]:
        return {
            "Arn": f"arn:aws:iam::{account}:policy/Big",
            "PolicyName": "Big",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": True, "Document": _sized(characters)}
            ],
        }

    dump = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [managed("123456789012", 6_500), managed("aws", 12_000)],
    }
    found = _ir402("account.json", dump)
    assert [(f.pointer, f.severity.value) for f in found] == [
        ("/Policies/0/PolicyVersionList/0/Document", "error")
    ]


# -- IR502: a wildcard type word of another service is no excuse --------------------------------


def test_another_services_arn_with_a_wildcard_is_ir502() -> None:
    # Issue 10: on arn:aws:s3:::afr-ota it fired, on arn:aws:s3:::afr-ota* it said nothing.
    for resource in ("arn:aws:s3:::afr-ota", "arn:aws:s3:::afr-ota*"):
        value = policy({"Effect": "Allow", "Action": "iot:DeleteStream", "Resource": resource})
        (found,) = of("IR502", value)
        assert "stream" in found.message


def test_a_wildcard_type_word_of_the_same_service_still_fits() -> None:
    value = policy(
        {
            "Effect": "Allow",
            "Action": "redshift:GetClusterCredentials",
            "Resource": "arn:aws:redshift:us-east-1:123456789012:db*",
        }
    )
    assert of("IR502", value) == []


# -- IR503: a global key AWS uses, and String operators on Bool keys -----------------------------


def _conditioned(condition: dict[str, Any]) -> dict[str, Any]:
    return policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
    )


def test_principal_org_master_account_id_is_a_global_key() -> None:
    # AWS's own AWSSSOServiceRolePolicy uses it; Access Analyzer accepts it.
    condition = {"StringEquals": {"aws:PrincipalOrgMasterAccountId": "${aws:PrincipalAccount}"}}
    assert of("IR503", _conditioned(condition)) == []


@pytest.mark.parametrize(
    ("operator", "key"),
    [
        ("StringEquals", "aws:ViaAWSService"),
        ("StringEqualsIfExists", "aws:SecureTransport"),
        ("StringLike", "aws:MultiFactorAuthPresent"),
    ],
)
def test_a_string_operator_on_a_bool_key_is_ir503(operator: str, key: str) -> None:
    (found,) = of("IR503", _conditioned({operator: {key: "true"}}))
    assert "Bool" in found.message


def test_the_bool_operator_on_a_bool_key_is_fine() -> None:
    assert of("IR503", _conditioned({"Bool": {"aws:ViaAWSService": "true"}})) == []


# -- a mistyped region ---------------------------------------------------------------------------


def test_a_region_typo_in_a_least_privilege_setup_exits_2_naming_the_key(tmp_path: Path) -> None:
    text = (REPO / "examples" / "least-privilege.toml").read_text(encoding="utf-8")
    assert 'region = "us-east-1"' in text
    setup = tmp_path / "setup.toml"
    setup.write_text(text.replace('region = "us-east-1"', 'region = "us-esat-1"'), "utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = main(["render", str(setup), "-o", str(tmp_path / "out")], stdout=out, stderr=err)
    assert status == 2
    assert "access_roles[0].redshift.region" in err.getvalue()
    assert "did you mean 'us-east-1'?" in err.getvalue()
    assert not (tmp_path / "out").exists()


def test_a_region_typo_in_a_documents_arn_is_ir504() -> None:
    arn = "arn:aws:redshift:us-esat-1:123456789012:dbuser:analytics/etl_user"
    value = policy({"Effect": "Allow", "Action": "redshift:GetClusterCredentials", "Resource": arn})
    (found,) = of("IR504", value)
    assert "did you mean 'us-east-1'?" in found.message
    assert "botocore 1.44.8 (2026-11)" in found.message
    for fine in ("us-east-1", "*", "", "${aws:RequestedRegion}", "us-*"):
        ok = arn.replace("us-esat-1", fine)
        assert of("IR504", policy({"Effect": "Allow", "Action": "s3:*", "Resource": ok})) == []
