"""Hostile templates and plans: whatever a CloudFormation template, a Terraform plan or a YAML
text holds, reading and linting it gives findings or a skip, never an exception and never an
internal error (IR000)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.engine.contents import Skipped, lint_file_data
from iam_redshift.sources.yaml_text import parse_yaml

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["*", "sts:AssumeRole", "ec2.amazonaws.com", "AWS::NoValue", "Role.Arn"]),
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Ref",
                    "Fn::GetAtt",
                    "Fn::Sub",
                    "Fn::Join",
                    "Fn::If",
                    "Fn::Select",
                    "Fn::ImportValue",
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Principal",
                    "AWS",
                    "Service",
                    "x",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)
TYPES = st.sampled_from(
    [
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::RolePolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::IAM::User",
    ]
)
PROPERTIES = st.dictionaries(
    st.sampled_from(
        [
            "AssumeRolePolicyDocument",
            "Policies",
            "PolicyDocument",
            "ManagedPolicyArns",
            "Roles",
            "RoleName",
            "Path",
        ]
    ),
    JSON,
    max_size=5,
)


def _no_internal_error(linted: Any) -> None:
    assert isinstance(linted, Skipped | list)
    if isinstance(linted, list):
        assert not [f for f in linted if f.code == "IR000"], [f.message for f in linted]


@given(st.dictionaries(st.sampled_from(["A", "B", "C"]), st.tuples(TYPES, PROPERTIES), min_size=1))
def test_any_template_lints_without_an_exception(resources: dict[str, Any]) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"P": {"Type": "String", "Default": "x"}},
        "Resources": {k: {"Type": t, "Properties": p} for k, (t, p) in resources.items()},
    }
    _no_internal_error(lint_file_data("t.json", json.dumps(template).encode()))


RESOURCE_CHANGE = st.fixed_dictionaries(
    {
        "address": st.sampled_from(
            ["aws_iam_role.a", "aws_iam_role_policy.b", "data.aws_iam_policy_document.c"]
        ),
        "type": st.sampled_from(["aws_iam_role", "aws_iam_role_policy", "aws_iam_policy_document"]),
        "mode": st.sampled_from(["managed", "data"]),
        "change": st.fixed_dictionaries(
            {
                "after": st.dictionaries(
                    st.sampled_from(
                        [
                            "assume_role_policy",
                            "policy",
                            "inline_policy",
                            "statement",
                            "json",
                            "name",
                        ]
                    ),
                    JSON | st.just('{"Statement": []}'),
                    max_size=4,
                ),
                "after_unknown": st.dictionaries(
                    st.sampled_from(["assume_role_policy", "policy", "statement", "json"]),
                    JSON,
                    max_size=3,
                ),
            }
        ),
    }
)


@given(st.lists(RESOURCE_CHANGE, max_size=4), JSON)
def test_any_plan_lints_without_an_exception(changes: list[Any], configuration: Any) -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {
            "root_module": {
                "resources": [{"address": "aws_iam_role.a", "expressions": configuration}]
            }
        },
    }
    _no_internal_error(lint_file_data("plan.json", json.dumps(plan).encode()))


@given(st.text(max_size=200))
def test_any_yaml_text_is_read_or_refused(text: str) -> None:
    parse_yaml(text)  # a value or an Unreadable: never an exception
    _no_internal_error(lint_file_data("stack.yaml", text.encode("utf-8", "surrogatepass")))
