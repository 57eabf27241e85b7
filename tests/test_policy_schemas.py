"""Tests for the IAM policy JSON Schemas in ``schemas/``.

The identity (permissions) schema and the trust-policy schema encode the IAM JSON policy
grammar. Kind-specific element rules (Principal in a permissions policy, Resource in a trust
policy, a trust statement without Principal) belong to lint rule IR105, so these tests also
check that the schemas do *not* reject such documents.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from tests.conftest import CORPUS, SEED_DOCUMENTS, need

REPO_ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = REPO_ROOT / "schemas"
IDENTITY_SCHEMA = SCHEMA_DIR / "identity-policy.schema.json"
TRUST_SCHEMA = SCHEMA_DIR / "trust-policy.schema.json"


# The README of aws-managed-policies/ states 1,645 documents; fewer means a broken checkout.
MIN_MANAGED_POLICIES = 1645

# Files under trust-policies/docs/ that are not IAM policy documents, so the trust schema must
# reject them. Each maps to the best-match error path we expect and why the file is not a policy.
NOT_A_POLICY: dict[str, tuple[list[str | int], str]] = {
    **{
        f"cfn-lint__{role}__bf21a9e8fbc5.json": (
            [],
            "test fixture template with `AssumeRolePolicyDocument: {}` (no Statement)",
        )
        for role in (
            "IamRole",
            "IamRole1",
            "IamRole3",
            "IamRoleWithConditions",
            "IamRoleWithNestedConditions",
            "myIamProfile3",
            "rIamRole",
        )
    },
    "cloud-custodian-placebo__compliant-role__31a96d162ec0.json": (
        [],
        "recorded API fixture whose document holds only Version (no Statement)",
    ),
    "cloud-custodian-placebo__test-role__31a96d162ec0.json": (
        [],
        "recorded API fixture whose document holds only Version (no Statement)",
    ),
    "checkov__ClusterAccessRole__3f32cfb3ceb9.json": (
        [],
        "an unresolved CloudFormation Fn::Sub wrapper around the policy text",
    ),
    "cfn-policy-validator__CodePipelineServiceRole__e9ef5320890c.json": (
        ["Statement", 0, "Principal", "Service"],
        "Principal.Service is an unresolved CloudFormation Fn::Join object",
    ),
}

Document = dict[str, Any]


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def identity_validator() -> Draft202012Validator:
    return Draft202012Validator(_load_json(IDENTITY_SCHEMA))


@pytest.fixture(scope="module")
def trust_validator() -> Draft202012Validator:
    return Draft202012Validator(_load_json(TRUST_SCHEMA))


@pytest.fixture(scope="module")
def validators(
    identity_validator: Draft202012Validator, trust_validator: Draft202012Validator
) -> dict[str, Draft202012Validator]:
    return {"identity": identity_validator, "trust": trust_validator}


def _best(validator: Draft202012Validator, document: Any) -> ValidationError | None:
    return best_match(validator.iter_errors(document))


def _describe(error: ValidationError) -> str:
    return f"{list(error.absolute_path)}: {error.message[:200]}"


def _json_files(folder: Path) -> list[Path]:
    return sorted(need(folder).glob("*.json"))


# --------------------------------------------------------------------------------------------
# The schemas themselves


@pytest.mark.parametrize("path", [IDENTITY_SCHEMA, TRUST_SCHEMA], ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = _load_json(path)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://iam-redshift.dev/schemas/{path.name}"
    assert schema["title"]
    assert "IR105" in schema["description"]


@pytest.mark.parametrize("path", [IDENTITY_SCHEMA, TRUST_SCHEMA], ids=lambda p: p.name)
def test_every_def_has_a_description(path: Path) -> None:
    defs = _load_json(path)["$defs"]
    assert defs
    assert [name for name, sub in defs.items() if not sub.get("description")] == []


# --------------------------------------------------------------------------------------------
# Real documents


@pytest.mark.parametrize("folder", ["aws-managed-policies", "aws-managed-policies-verbatim"])
def test_aws_managed_policies_are_valid_identity_policies(
    identity_validator: Draft202012Validator, folder: str
) -> None:
    paths = _json_files(CORPUS / folder)
    if folder == "aws-managed-policies":
        assert len(paths) >= MIN_MANAGED_POLICIES
    else:
        assert paths
    failures = [
        f"{path.name}: {_describe(error)}"
        for path in paths
        if (error := _best(identity_validator, _load_json(path))) is not None
    ]
    assert failures == []


def test_trust_policy_corpus_is_valid(trust_validator: Draft202012Validator) -> None:
    paths = _json_files(CORPUS / "trust-policies" / "docs")
    assert len(paths) > len(NOT_A_POLICY)
    failures = [
        f"{path.name}: {_describe(error)}"
        for path in paths
        if path.name not in NOT_A_POLICY
        and (error := _best(trust_validator, _load_json(path))) is not None
    ]
    assert failures == []


@pytest.mark.parametrize("name", sorted(NOT_A_POLICY))
def test_trust_corpus_non_policies_are_rejected(
    trust_validator: Draft202012Validator, name: str
) -> None:
    path = need(CORPUS) / "trust-policies" / "docs" / name
    assert path.is_file(), f"{name} vanished from the corpus; update NOT_A_POLICY"
    error = _best(trust_validator, _load_json(path))
    expected_path, why = NOT_A_POLICY[name]
    assert error is not None, f"{name} should be invalid: {why}"
    assert list(error.absolute_path) == expected_path


@pytest.mark.parametrize(
    ("suffix", "kind"),
    [("permissions-policy.json", "identity"), ("trust-policy.json", "trust")],
)
def test_seed_documents_are_valid(
    validators: dict[str, Draft202012Validator], suffix: str, kind: str
) -> None:
    paths = [p for p in _json_files(SEED_DOCUMENTS) if p.name.endswith(suffix)]
    assert paths, f"no *{suffix} seed documents"
    failures = [
        f"{path.name}: {_describe(error)}"
        for path in paths
        if (error := _best(validators[kind], _load_json(path))) is not None
    ]
    assert failures == []


# --------------------------------------------------------------------------------------------
# Hand-written cases


def _policy(**statement: Any) -> Document:
    return {"Version": "2012-10-17", "Statement": [statement]}


ALLOW_ALL: dict[str, Any] = {"Effect": "Allow", "Action": "redshift:*", "Resource": "*"}
SERVICE_TRUST: dict[str, Any] = {
    "Effect": "Allow",
    "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole",
}


class InvalidCase(NamedTuple):
    """A document one schema must reject, and where jsonschema's best match must point."""

    id: str
    kind: str
    document: Any
    path: list[str | int]
    keyword: str
    text: str  # must appear in the error message


INVALID_CASES: list[InvalidCase] = [
    InvalidCase(
        "effect-lowercase",
        "identity",
        _policy(**{**ALLOW_ALL, "Effect": "allow"}),
        ["Statement", 0, "Effect"],
        "enum",
        "'allow'",
    ),
    InvalidCase(
        "action-and-notaction",
        "identity",
        _policy(**ALLOW_ALL, NotAction="s3:*"),
        ["Statement", 0, "NotAction"],
        "not",
        "NotAction cannot be combined with Action",
    ),
    InvalidCase(
        "resource-and-notresource",
        "identity",
        _policy(**ALLOW_ALL, NotResource="arn:aws:s3:::b"),
        ["Statement", 0, "NotResource"],
        "not",
        "NotResource cannot be combined with Resource",
    ),
    InvalidCase(
        "principal-and-notprincipal",
        "trust",
        _policy(**SERVICE_TRUST, NotPrincipal={"AWS": "arn:aws:iam::123456789012:root"}),
        ["Statement", 0, "NotPrincipal"],
        "not",
        "NotPrincipal cannot be combined with Principal",
    ),
    InvalidCase(
        "missing-action",
        "identity",
        _policy(Effect="Allow", Resource="*"),
        ["Statement", 0],
        "required",
        "'Action' is a required property",
    ),
    InvalidCase(
        "missing-action-trust",
        "trust",
        _policy(Effect="Allow", Principal="*"),
        ["Statement", 0],
        "required",
        "'Action' is a required property",
    ),
    InvalidCase(
        "missing-effect",
        "identity",
        _policy(Action="s3:GetObject", Resource="*"),
        ["Statement", 0],
        "required",
        "'Effect' is a required property",
    ),
    InvalidCase(
        "empty-action-list",
        "identity",
        _policy(**{**ALLOW_ALL, "Action": []}),
        ["Statement", 0, "Action"],
        "minItems",
        "",
    ),
    InvalidCase(
        "action-number",
        "identity",
        _policy(**{**ALLOW_ALL, "Action": 42}),
        ["Statement", 0, "Action"],
        "type",
        "42",
    ),
    InvalidCase(
        "action-bad-pattern",
        "identity",
        _policy(**{**ALLOW_ALL, "Action": ["s3:GetObject", "s3 GetObject"]}),
        ["Statement", 0, "Action", 1],
        "pattern",
        "'s3 GetObject'",
    ),
    InvalidCase(
        "action-no-name",
        "identity",
        _policy(**{**ALLOW_ALL, "Action": "s3:"}),
        ["Statement", 0, "Action"],
        "pattern",
        "'s3:'",
    ),
    InvalidCase(
        "empty-resource-string",
        "identity",
        _policy(**{**ALLOW_ALL, "Resource": ""}),
        ["Statement", 0, "Resource"],
        "minLength",
        "",
    ),
    InvalidCase(
        "unknown-top-level-key",
        "identity",
        {"Version": "2012-10-17", "Statement": [ALLOW_ALL], "Statements": []},
        [],
        "additionalProperties",
        "'Statements' was unexpected",
    ),
    InvalidCase(
        "unknown-statement-key",
        "identity",
        _policy(**ALLOW_ALL, Actions=["s3:*"]),
        ["Statement", 0],
        "additionalProperties",
        "'Actions' was unexpected",
    ),
    InvalidCase(
        "version-not-string",
        "identity",
        {"Version": 2012, "Statement": [ALLOW_ALL]},
        ["Version"],
        "type",
        "2012",
    ),
    InvalidCase(
        "statement-missing",
        "identity",
        {"Version": "2012-10-17"},
        [],
        "required",
        "'Statement' is a required property",
    ),
    InvalidCase(
        "statement-empty-list",
        "identity",
        {"Version": "2012-10-17", "Statement": []},
        ["Statement"],
        "minItems",
        "",
    ),
    InvalidCase(
        "statement-string",
        "trust",
        {"Version": "2012-10-17", "Statement": "sts:AssumeRole"},
        ["Statement"],
        "type",
        "",
    ),
    InvalidCase(
        "single-statement-object-bad-effect",
        "trust",
        {"Version": "2012-10-17", "Statement": {**SERVICE_TRUST, "Effect": "Permit"}},
        ["Statement", "Effect"],
        "enum",
        "'Permit'",
    ),
    InvalidCase(
        "principal-unknown-key",
        "trust",
        _policy(**{**SERVICE_TRUST, "Principal": {"Services": "ec2.amazonaws.com"}}),
        ["Statement", 0, "Principal"],
        "additionalProperties",
        "'Services' was unexpected",
    ),
    InvalidCase(
        "principal-double-star",
        "trust",
        _policy(**{**SERVICE_TRUST, "Principal": "**"}),
        ["Statement", 0, "Principal"],
        "const",
        "'*' was expected",
    ),
    InvalidCase(
        "principal-arn-string",
        "trust",
        _policy(**{**SERVICE_TRUST, "Principal": "arn:aws:iam::123456789012:root"}),
        ["Statement", 0, "Principal"],
        "const",
        "'*' was expected",
    ),
    InvalidCase(
        "principal-empty-map",
        "trust",
        _policy(**{**SERVICE_TRUST, "Principal": {}}),
        ["Statement", 0, "Principal"],
        "minProperties",
        "",
    ),
    InvalidCase(
        "principal-empty-service-list",
        "trust",
        _policy(**{**SERVICE_TRUST, "Principal": {"Service": []}}),
        ["Statement", 0, "Principal", "Service"],
        "minItems",
        "",
    ),
    InvalidCase(
        "principal-in-identity-still-checked",
        "identity",
        _policy(**ALLOW_ALL, Principal={"AWS": 123456789012}),
        ["Statement", 0, "Principal", "AWS"],
        "type",
        "",
    ),
    InvalidCase(
        "condition-operator-typo",
        "identity",
        _policy(**ALLOW_ALL, Condition={"StringEqual": {"aws:PrincipalTag/team": "data"}}),
        ["Statement", 0, "Condition"],
        "pattern",
        "'StringEqual'",
    ),
    InvalidCase(
        "condition-null-ifexists",
        "identity",
        _policy(**ALLOW_ALL, Condition={"NullIfExists": {"aws:TokenIssueTime": "true"}}),
        ["Statement", 0, "Condition"],
        "pattern",
        "'NullIfExists'",
    ),
    InvalidCase(
        "condition-bad-set-operator",
        "trust",
        _policy(**SERVICE_TRUST, Condition={"ForSomeValues:StringLike": {"aws:TagKeys": "a*"}}),
        ["Statement", 0, "Condition"],
        "pattern",
        "'ForSomeValues:StringLike'",
    ),
    InvalidCase(
        "condition-empty-key-map",
        "identity",
        _policy(**ALLOW_ALL, Condition={"Bool": {}}),
        ["Statement", 0, "Condition", "Bool"],
        "minProperties",
        "",
    ),
    InvalidCase(
        "condition-value-object",
        "identity",
        _policy(**ALLOW_ALL, Condition={"StringEquals": {"aws:SourceVpc": {"id": "vpc-1"}}}),
        ["Statement", 0, "Condition", "StringEquals", "aws:SourceVpc"],
        "type",
        "",
    ),
    InvalidCase(
        "condition-value-null-in-list",
        "identity",
        _policy(**ALLOW_ALL, Condition={"StringEquals": {"aws:SourceVpc": ["vpc-1", None]}}),
        ["Statement", 0, "Condition", "StringEquals", "aws:SourceVpc", 1],
        "type",
        "None",
    ),
    InvalidCase(
        "condition-empty-value-list",
        "identity",
        _policy(**ALLOW_ALL, Condition={"StringEquals": {"aws:SourceVpc": []}}),
        ["Statement", 0, "Condition", "StringEquals", "aws:SourceVpc"],
        "minItems",
        "",
    ),
    InvalidCase(
        "identity-statement-without-resource",
        "identity",
        _policy(Effect="Allow", Action="redshift:DescribeClusters"),
        ["Statement", 0],
        "required",
        "'Resource' is a required property",
    ),
    InvalidCase(
        "bad-second-statement",
        "identity",
        {"Version": "2012-10-17", "Statement": [ALLOW_ALL, {**ALLOW_ALL, "Effect": "DENY"}]},
        ["Statement", 1, "Effect"],
        "enum",
        "'DENY'",
    ),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in INVALID_CASES])
def test_invalid_documents(validators: dict[str, Draft202012Validator], case: InvalidCase) -> None:
    validator = validators[case.kind]
    assert not validator.is_valid(case.document)
    error = _best(validator, case.document)
    assert error is not None
    assert error.absolute_path == deque(case.path), _describe(error)
    assert error.validator == case.keyword, _describe(error)
    assert case.text in error.message


def test_both_action_keys_error_names_the_pair(identity_validator: Draft202012Validator) -> None:
    """The schema path of the Action/NotAction conflict says which key made NotAction illegal."""
    error = _best(identity_validator, _policy(**ALLOW_ALL, NotAction="s3:*"))
    assert error is not None
    assert list(error.relative_schema_path)[-5:] == [
        "dependentSchemas",
        "Action",
        "properties",
        "NotAction",
        "not",
    ]


# (id, kinds the document must be valid under, document)
ValidCase = tuple[str, tuple[str, ...], Document]

VALID_CASES: list[ValidCase] = [
    ("action-string-resource-string", ("identity", "trust"), _policy(**ALLOW_ALL)),
    (
        "action-list-resource-list",
        ("identity", "trust"),
        _policy(
            Sid="ReadClusters",
            Effect="Deny",
            Action=["redshift:Describe*", "redshift:Get?lusterCredentials", "*"],
            Resource=["arn:aws:redshift:*:123456789012:cluster:*", "*"],
        ),
    ),
    (
        "single-statement-object",
        ("identity", "trust"),
        {"Version": "2012-10-17", "Id": "p1", "Statement": ALLOW_ALL},
    ),
    ("no-version", ("identity", "trust"), {"Statement": [ALLOW_ALL]}),
    (
        "old-version-is-for-ir103",
        ("identity", "trust"),
        {"Version": "2008-10-17", "Statement": [ALLOW_ALL]},
    ),
    (
        "notaction-with-resource",
        ("identity", "trust"),
        _policy(Effect="Deny", NotAction=["iam:*", "sts:*"], Resource="*"),
    ),
    (
        "notaction-with-notresource",
        ("identity", "trust"),
        _policy(Effect="Allow", NotAction="iam:*", NotResource="arn:aws:iam::*:role/admin"),
    ),
    (
        "condition-ifexists-and-set-operators",
        ("identity", "trust"),
        _policy(
            **ALLOW_ALL,
            Condition={
                "StringEqualsIfExists": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]},
                "ForAnyValue:StringLike": {"aws:TagKeys": "team*"},
                "ForAllValues:StringEqualsIgnoreCaseIfExists": {"aws:TagKeys": ["a", "b"]},
                "Bool": {"aws:SecureTransport": True},
                "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                "NumericLessThanEquals": {"s3:max-keys": 10, "aws:MultiFactorAuthAge": "3600"},
                "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                "DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"},
                "ArnNotLikeIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"},
                "Null": {"aws:TokenIssueTime": True},
                "BinaryEquals": {"key": "QmluYXJ5VmFsdWU="},
            },
        ),
    ),
    (
        "empty-condition",
        ("identity", "trust"),
        _policy(**ALLOW_ALL, Condition={}),
    ),
    (
        "principal-star",
        ("identity", "trust"),
        _policy(**ALLOW_ALL, Principal="*"),
    ),
    (
        "trust-service-list-with-condition",
        ("trust",),
        _policy(
            Effect="Allow",
            Principal={"Service": ["ec2.amazonaws.com", "redshift.amazonaws.com"]},
            Action=["sts:AssumeRole", "sts:TagSession"],
            Condition={"StringEquals": {"aws:SourceAccount": "123456789012"}},
        ),
    ),
    (
        "trust-all-principal-types",
        ("trust",),
        _policy(
            Effect="Allow",
            Principal={
                "AWS": ["arn:aws:iam::123456789012:root", "123456789012", "*"],
                "Federated": "arn:aws:iam::123456789012:saml-provider/idp",
                "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                "Service": "ec2.amazonaws.com",
            },
            Action="sts:AssumeRoleWithSAML",
        ),
    ),
    # Element placement is lint rule IR105's job, not the schemas'.
    (
        "ir105-principal-in-permissions-policy",
        ("identity",),
        _policy(**ALLOW_ALL, Principal={"AWS": "arn:aws:iam::123456789012:root"}),
    ),
    (
        "ir105-notprincipal-in-permissions-policy",
        ("identity",),
        _policy(**ALLOW_ALL, NotPrincipal={"Service": ["ec2.amazonaws.com"]}),
    ),
    (
        "ir105-trust-without-principal",
        ("trust",),
        _policy(Effect="Allow", Action="sts:AssumeRole"),
    ),
    (
        "ir105-trust-with-resource-and-notprincipal",
        ("trust",),
        _policy(
            Effect="Deny",
            NotPrincipal={"AWS": "arn:aws:iam::123456789012:root"},
            Action="sts:AssumeRole",
            NotResource="*",
        ),
    ),
]


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        pytest.param(kind, document, id=f"{case_id}-{kind}")
        for case_id, kinds, document in VALID_CASES
        for kind in kinds
    ],
)
def test_valid_documents(
    validators: dict[str, Draft202012Validator], kind: str, document: Document
) -> None:
    errors = [_describe(e) for e in validators[kind].iter_errors(document)]
    assert errors == []


def test_identity_rejects_trust_statement_without_resource(
    identity_validator: Draft202012Validator,
) -> None:
    """The one grammar difference: Resource/NotResource is required only in the identity schema."""
    document = _policy(**SERVICE_TRUST)
    error = _best(identity_validator, document)
    assert error is not None
    assert error.message == "'Resource' is a required property"


# --------------------------------------------------------------------------------------------
# Condition operator names

BASE_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnNotEquals",
    "ArnLike",
    "ArnNotLike",
)
SET_PREFIXES = ("", "ForAllValues:", "ForAnyValue:")


def _operator_names() -> Iterator[str]:
    for prefix, base, suffix in itertools.product(SET_PREFIXES, BASE_OPERATORS, ("", "IfExists")):
        yield f"{prefix}{base}{suffix}"
    for prefix in SET_PREFIXES:
        yield f"{prefix}Null"


def _condition_policy(operator: str) -> Document:
    return _policy(**ALLOW_ALL, Condition={operator: {"aws:SourceAccount": "123456789012"}})


def test_every_operator_is_accepted(validators: dict[str, Draft202012Validator]) -> None:
    names = list(_operator_names())
    assert len(names) == 3 * (26 * 2 + 1)
    for kind, validator in validators.items():
        rejected = [name for name in names if not validator.is_valid(_condition_policy(name))]
        assert rejected == [], kind


@pytest.mark.parametrize(
    "operator",
    [
        "StringEqual",
        "stringequals",
        "StringEqualsIfexists",
        "StringEqualsIfExistsIfExists",
        "IfExists",
        "NullIfExists",
        "ForAllValues:",
        "ForAllValues:ForAnyValue:StringLike",
        "ForAnyValues:StringLike",
        "StringMatch",
        "NumericNotLike",
        "IpAddressNot",
        "StringEquals ",
        "",
    ],
)
def test_bad_operator_is_rejected(
    validators: dict[str, Draft202012Validator], operator: str
) -> None:
    for validator in validators.values():
        error = _best(validator, _condition_policy(operator))
        assert error is not None, operator
        assert error.absolute_path == deque(["Statement", 0, "Condition"])
        assert error.instance == operator
