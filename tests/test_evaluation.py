"""The offline policy evaluator: IAM's evaluation logic, condition operators and policy
variables, one semantic at a time, and property tests against the linter's wildcard matcher."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.evaluation import (
    Policy,
    Request,
    Verdict,
    evaluate,
    evaluate_condition,
    substitute,
)
from iam_redshift.matching import glob_match
from tests.fuzz_inputs import ELEMENTS

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Redshift-ETL"
INSTANCE = f"arn:aws:iam::{ACCOUNT}:role/EC2-Redshift-Initiator-Role"
DBUSER = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/etl_user"
GCC = "redshift:GetClusterCredentials"


def policy(*statements: dict[str, Any], version: str = "2012-10-17") -> Policy:
    return Policy("p.json", {"Version": version, "Statement": list(statements)})


def allow(action: Any = GCC, resource: Any = DBUSER, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def decide(*statements: dict[str, Any], resource: str = DBUSER, **context: Any) -> Verdict:
    request = Request(ROLE, GCC, resource, {k.replace("__", ":"): v for k, v in context.items()})
    return evaluate(request, [policy(*statements)]).verdict


# -- Allow, Deny and the implicit deny ------------------------------------------------------------


def test_no_statement_is_an_implicit_deny() -> None:
    decision = evaluate(Request(ROLE, GCC, DBUSER), [policy()])
    assert decision.verdict is Verdict.IMPLICITLY_DENIED
    assert decision.statements == ()


def test_an_allow_names_its_statement() -> None:
    decision = evaluate(Request(ROLE, GCC, DBUSER), [policy(allow(Sid="Creds"))])
    assert decision.verdict is Verdict.ALLOWED
    assert [(s.file, s.pointer, s.sid) for s in decision.statements] == [
        ("p.json", "/Statement/0", "Creds")
    ]


def test_an_explicit_deny_overrides_an_allow_in_another_policy() -> None:
    deny = Policy("deny.json", {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})
    decision = evaluate(Request(ROLE, GCC, DBUSER), [policy(allow()), deny])
    assert decision.verdict is Verdict.EXPLICITLY_DENIED
    assert [(s.file, s.pointer) for s in decision.statements] == [("deny.json", "/Statement")]


def test_a_near_miss_is_named_when_the_resource_differs() -> None:
    other = DBUSER.replace(ACCOUNT, "210987654321")
    decision = evaluate(Request(ROLE, GCC, DBUSER), [policy(allow(resource=other, Sid="Creds"))])
    assert decision.verdict is Verdict.IMPLICITLY_DENIED
    assert [s.sid for s in decision.near_misses] == ["Creds"]


# -- Action, NotAction, Resource, NotResource -----------------------------------------------------


def test_actions_match_ignoring_case_and_with_wildcards() -> None:
    assert decide(allow("REDSHIFT:getclustercredentials")) is Verdict.ALLOWED
    assert decide(allow("redshift:Get*")) is Verdict.ALLOWED
    assert decide(allow("redshift:GetClusterCredential?")) is Verdict.ALLOWED
    assert decide(allow("redshift:GetClusterCredentials?")) is Verdict.IMPLICITLY_DENIED


def test_not_action_allows_everything_else() -> None:
    not_action = {"Effect": "Allow", "NotAction": "redshift:JoinGroup", "Resource": "*"}
    assert decide(not_action) is Verdict.ALLOWED
    not_action["NotAction"] = "redshift:Get*"
    assert decide(not_action) is Verdict.IMPLICITLY_DENIED


def test_resources_match_case_sensitively() -> None:
    assert decide(allow(resource=DBUSER.upper())) is Verdict.IMPLICITLY_DENIED
    assert decide(allow(resource=DBUSER.replace("etl_user", "*"))) is Verdict.ALLOWED
    assert decide(allow(resource=[DBUSER.replace("etl", "ETL"), DBUSER])) is Verdict.ALLOWED


def test_not_resource_allows_every_other_resource() -> None:
    statement = {"Effect": "Allow", "Action": GCC, "NotResource": DBUSER}
    assert decide(statement) is Verdict.IMPLICITLY_DENIED
    assert decide(statement, resource=DBUSER + "2") is Verdict.ALLOWED


def test_an_identity_statement_without_a_resource_grants_nothing() -> None:
    assert decide({"Effect": "Allow", "Action": GCC}) is Verdict.IMPLICITLY_DENIED


def test_malformed_statements_are_skipped_not_fatal() -> None:
    odd = Policy("odd.json", {"Statement": ["x", {"Effect": "Maybe"}, {"Effect": "Allow"}]})
    assert evaluate(Request(ROLE, GCC, DBUSER), [odd]).verdict is Verdict.IMPLICITLY_DENIED
    assert evaluate(Request(ROLE, GCC, DBUSER), [Policy("n.json", None)]).allowed is False


# -- Conditions -----------------------------------------------------------------------------------


def cond(operator: str, key: str, value: Any, context: dict[str, Any]) -> bool | None:
    return evaluate_condition(
        {operator: {key: value}}, {k.lower(): v for k, v in context.items()}
    ).value


def test_string_operators() -> None:
    ctx = {"redshift:DbUser": "etl_user"}
    assert cond("StringEquals", "redshift:DbUser", "etl_user", ctx) is True
    assert cond("StringEquals", "redshift:DbUser", "ETL_USER", ctx) is False
    assert cond("StringEqualsIgnoreCase", "redshift:DbUser", "ETL_USER", ctx) is True
    assert cond("StringNotEquals", "redshift:DbUser", ["a", "b"], ctx) is True
    assert cond("StringNotEquals", "redshift:DbUser", ["a", "etl_user"], ctx) is False
    assert cond("StringLike", "redshift:DbUser", "etl_*", ctx) is True
    assert cond("StringNotLike", "redshift:DbUser", "adm?n", ctx) is True


def test_condition_key_names_are_case_insensitive() -> None:
    assert cond("StringEquals", "REDSHIFT:DBUSER", "etl_user", {"redshift:DbUser": "etl_user"})


def test_missing_keys_follow_iam() -> None:
    absent: dict[str, Any] = {"redshift:DbUser": None}
    assert cond("StringEquals", "redshift:DbUser", "x", absent) is False
    assert cond("StringNotEquals", "redshift:DbUser", "x", absent) is True
    assert cond("StringEqualsIfExists", "redshift:DbUser", "x", absent) is True
    assert cond("Null", "redshift:DbUser", "true", absent) is True
    assert cond("Null", "redshift:DbUser", "false", absent) is False
    assert cond("ForAllValues:StringEquals", "redshift:DbUser", "x", absent) is True
    assert cond("ForAnyValue:StringEquals", "redshift:DbUser", "x", absent) is False


def test_unknown_keys_are_undecidable_not_false() -> None:
    outcome = evaluate_condition({"StringEquals": {"aws:userid": "AROA:etl_user"}}, {})
    assert outcome.value is None
    assert outcome.unknown == ("aws:userid",)
    verdict = decide(allow(Condition={"StringEquals": {"aws:userid": "AROA:etl_user"}}))
    assert verdict is Verdict.DEPENDS


def test_numeric_date_bool_ip_and_arn_operators() -> None:
    ctx = {
        "redshift:DurationSeconds": "3600",
        "aws:CurrentTime": "2026-01-02T00:00:00Z",
        "aws:SecureTransport": "true",
        "aws:SourceIp": "10.1.2.3",
        "aws:PrincipalArn": INSTANCE,
    }
    assert cond("NumericLessThanEquals", "redshift:DurationSeconds", "3600", ctx) is True
    assert cond("NumericLessThan", "redshift:DurationSeconds", 3600, ctx) is False
    assert cond("NumericGreaterThan", "redshift:DurationSeconds", "nope", ctx) is False
    assert cond("DateLessThan", "aws:CurrentTime", "2026-06-01T00:00:00Z", ctx) is True
    assert cond("Bool", "aws:SecureTransport", True, ctx) is True
    assert cond("IpAddress", "aws:SourceIp", "10.0.0.0/8", ctx) is True
    assert cond("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", ctx) is False
    assert cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/EC2-*", ctx) is True
    assert cond("ArnEquals", "aws:PrincipalArn", INSTANCE, ctx) is True
    assert cond("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Other", ctx) is True
    assert cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::1*:role/ec2-*", ctx) is False


def test_set_operators_on_multivalued_keys() -> None:
    ctx = {"aws:TagKeys": ("team", "env")}
    assert cond("ForAllValues:StringEquals", "aws:TagKeys", ["team", "env", "x"], ctx) is True
    assert cond("ForAllValues:StringEquals", "aws:TagKeys", ["team"], ctx) is False
    assert cond("ForAnyValue:StringEquals", "aws:TagKeys", ["env"], ctx) is True
    assert cond("ForAnyValue:StringLike", "aws:TagKeys", ["x*"], ctx) is False


def test_operators_and_keys_are_anded_values_ored() -> None:
    ctx = {"redshift:dbuser": "a", "redshift:dbname": "dev"}
    block = {"StringEquals": {"redshift:DbUser": ["a", "b"], "redshift:DbName": "dev"}}
    assert evaluate_condition(block, ctx).value is True
    block["StringLike"] = {"redshift:DbUser": "z*"}
    assert evaluate_condition(block, ctx).value is False


def test_unsupported_operator_is_undecidable() -> None:
    outcome = evaluate_condition({"StringSoundsLike": {"k": "v"}}, {"k": "v"})
    assert outcome.value is None


# -- Policy variables -----------------------------------------------------------------------------


def test_variables_in_resources() -> None:
    pattern = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/${{redshift:DbUser}}"
    assert decide(allow(resource=pattern), redshift__DbUser="etl_user") is Verdict.ALLOWED
    assert decide(allow(resource=pattern), redshift__DbUser="admin") is Verdict.IMPLICITLY_DENIED
    # Not given at all: the answer depends on it.
    assert decide(allow(resource=pattern)) is Verdict.DEPENDS
    # Known to be missing (a role session has no aws:username): nothing matches.
    user = pattern.replace("redshift:DbUser", "aws:username")
    assert decide(allow(resource=user), aws__username=None) is Verdict.IMPLICITLY_DENIED


def test_variables_only_under_version_2012() -> None:
    pattern = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/${{redshift:DbUser}}"
    old = Policy("old.json", {"Version": "2008-10-17", "Statement": [allow(resource=pattern)]})
    request = Request(ROLE, GCC, DBUSER, {"redshift:DbUser": "etl_user"})
    assert evaluate(request, [old]).verdict is Verdict.IMPLICITLY_DENIED


def test_variables_in_conditions_and_defaults() -> None:
    ctx = {"aws:userid": "AROAEXAMPLE:etl_user", "redshift:dbuser": "etl_user"}
    block = {"StringEquals": {"aws:userid": "AROAEXAMPLE:${redshift:DbUser}"}}
    assert evaluate_condition(block, ctx).value is True
    block = {"StringEquals": {"aws:userid": "AROAEXAMPLE:${redshift:DbUser}"}}
    assert evaluate_condition(block, {**ctx, "redshift:dbuser": "admin"}).value is False
    default = substitute("${aws:username, 'no''body'}", {"aws:username": None})
    assert default.text == "no'body"


def test_special_character_variables_are_literal() -> None:
    pattern = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/a${{*}}b${{?}}${{$}}"
    literal = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/a*b?$"
    assert decide(allow(resource=pattern), resource=literal) is Verdict.ALLOWED
    wider = literal.replace("a*b", "axyzb")
    assert decide(allow(resource=pattern), resource=wider) is Verdict.IMPLICITLY_DENIED


def test_a_variable_value_is_never_a_wildcard() -> None:
    pattern = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/${{redshift:DbUser}}"
    assert decide(allow(resource=pattern), redshift__DbUser="*") is Verdict.IMPLICITLY_DENIED


# -- Trust policies -------------------------------------------------------------------------------


def trust(principal: Any, *, negated: bool = False) -> Policy:
    element = "NotPrincipal" if negated else "Principal"
    statement = {"Effect": "Allow", element: principal, "Action": "sts:AssumeRole"}
    return Policy("trust.json", {"Statement": [statement]}, kind="resource", owner=ROLE)


def assume(*policies: Policy, principal: str = INSTANCE) -> Verdict:
    return evaluate(Request(principal, "sts:AssumeRole", ROLE), list(policies)).verdict


IDENTITY = policy(allow("sts:AssumeRole", ROLE))


def test_trust_policy_naming_the_caller() -> None:
    assert assume(IDENTITY, trust({"AWS": INSTANCE})) is Verdict.ALLOWED
    # Within one account a trust policy naming the caller's ARN is enough by itself.
    assert assume(trust({"AWS": INSTANCE})) is Verdict.ALLOWED
    assert assume(IDENTITY, trust({"AWS": ROLE})) is Verdict.IMPLICITLY_DENIED


def test_trust_policy_naming_the_account_needs_the_identity_policy() -> None:
    assert assume(trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})) is Verdict.IMPLICITLY_DENIED
    assert assume(IDENTITY, trust({"AWS": ACCOUNT})) is Verdict.ALLOWED


def test_cross_account_needs_both_sides() -> None:
    other = "arn:aws:iam::210987654321:role/EC2-Redshift-Initiator-Role"
    assert assume(trust({"AWS": other}), principal=other) is Verdict.IMPLICITLY_DENIED
    assert assume(IDENTITY, trust({"AWS": other}), principal=other) is Verdict.ALLOWED


def test_identity_alone_cannot_assume_a_role() -> None:
    assert assume(IDENTITY, trust({"Service": "ec2.amazonaws.com"})) is Verdict.IMPLICITLY_DENIED
    assert assume(IDENTITY, trust("*")) is Verdict.ALLOWED
    assert assume(IDENTITY, trust({"AWS": ROLE}, negated=True)) is Verdict.ALLOWED


def test_service_principal() -> None:
    verdict = assume(trust({"Service": "ec2.amazonaws.com"}), principal="ec2.amazonaws.com")
    assert verdict is Verdict.ALLOWED


# -- Properties against the linter's wildcard matcher ---------------------------------------------

SEGMENT = st.text(st.sampled_from("abAB*?-"), max_size=8)
PLAIN = st.text(st.sampled_from("abAB-"), max_size=8)


@given(SEGMENT, PLAIN)
def test_action_matching_is_the_wildcard_matcher_ignoring_case(pattern: str, name: str) -> None:
    request = Request(ROLE, f"redshift:{name}", DBUSER)
    decision = evaluate(request, [policy(allow(f"redshift:{pattern}"))])
    assert decision.allowed == glob_match(f"redshift:{pattern}", request.action, ignore_case=True)


@given(SEGMENT, PLAIN)
def test_resource_matching_is_the_wildcard_matcher(pattern: str, name: str) -> None:
    base = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/"
    decision = evaluate(Request(ROLE, GCC, base + name), [policy(allow(resource=base + pattern))])
    assert decision.allowed == glob_match(base + pattern, base + name)


@given(SEGMENT, PLAIN)
def test_not_resource_is_the_complement(pattern: str, name: str) -> None:
    base = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/"
    statement = {"Effect": "Allow", "Action": GCC, "NotResource": base + pattern}
    decision = evaluate(Request(ROLE, GCC, base + name), [policy(statement)])
    assert decision.allowed == (not glob_match(base + pattern, base + name))


@given(SEGMENT, PLAIN)
def test_string_like_is_the_wildcard_matcher(pattern: str, value: str) -> None:
    outcome = evaluate_condition(
        {"StringLike": {"redshift:DbUser": pattern}}, {"redshift:dbuser": value}
    )
    assert outcome.value == glob_match(pattern, value)


@given(SEGMENT, SEGMENT, PLAIN)
def test_a_matching_deny_always_wins(allow_pattern: str, deny_pattern: str, name: str) -> None:
    deny = {"Effect": "Deny", "Action": f"redshift:{deny_pattern}", "Resource": "*"}
    request = Request(ROLE, f"redshift:{name}", DBUSER)
    decision = evaluate(request, [policy(allow(f"redshift:{allow_pattern}"), deny)])
    if glob_match(f"redshift:{deny_pattern}", request.action, ignore_case=True):
        assert decision.verdict is Verdict.EXPLICITLY_DENIED
    else:
        assert decision.verdict is not Verdict.EXPLICITLY_DENIED


@given(st.text(st.sampled_from("ab*?$"), max_size=6))
def test_escaped_special_characters_match_only_themselves(text: str) -> None:
    escaped = "".join(f"${{{c}}}" if c in "*?$" else c for c in text)
    base = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/"
    decision = evaluate(Request(ROLE, GCC, base + text), [policy(allow(resource=base + escaped))])
    assert decision.allowed
    if "*" in text or "?" in text:
        widened = base + text.replace("*", "xy").replace("?", "z")
        assert not evaluate(
            Request(ROLE, GCC, widened), [policy(allow(resource=base + escaped))]
        ).allowed


@pytest.mark.parametrize("value", [None, [], {}, 3])
def test_odd_condition_values_do_not_crash(value: Any) -> None:
    assert evaluate_condition({"StringEquals": {"k": value}}, {"k": "v"}).value in (None, False)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.sampled_from("ab*?${}:/'"), max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    *ELEMENTS,
                    "StringLike",
                    "Null",
                    "ForAllValues:StringEquals",
                    "NumericLessThanIfExists",
                    "aws:userid",
                    "AWS",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(
    JSON,
    st.sampled_from(["identity", "resource"]),
    st.dictionaries(
        st.sampled_from(["aws:userid", "redshift:DbUser", "a"]),
        st.none() | st.text(max_size=4) | st.tuples(st.text(max_size=3)),
        max_size=3,
    ),
)
def test_any_document_is_evaluated_without_failing(
    document: Any, kind: str, context: dict[str, Any]
) -> None:
    policy_ = Policy("p.json", document, kind, ROLE)  # type: ignore[arg-type]
    decision = evaluate(Request(INSTANCE, "sts:AssumeRole", ROLE, context), [policy_])
    assert decision.verdict in set(Verdict)
