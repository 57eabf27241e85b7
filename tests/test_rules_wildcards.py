"""IR2xx: wildcard scope in Allow statements of permissions policies.

Counts in messages are checked against the action data itself (``expand_action``), never
against numbers copied from today's data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift import knowledge
from iam_redshift.engine import LintOptions, lint_document
from iam_redshift.findings import Finding
from iam_redshift.rules.roles import RULES as ROLE_RULES
from iam_redshift.rules.wildcards import RULES, action_matches, has_wildcard, may_match_role
from tests.conftest import EXAMPLE, run_cli

DBUSER = "arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/etl_user"
ACCESS_ROLE = "arn:aws:iam::123456789012:role/Redshift-Access-Role-1"
IR2_CODES = sorted(rule.code for rule in (*RULES, *ROLE_RULES))


def statement(action: Any = "redshift:GetClusterCredentials", resource: Any = DBUSER, **more: Any):
    """One statement; ``Action=None`` or ``Resource=None`` leave the element out."""
    found = {"Effect": "Allow", "Action": action, "Resource": resource, **more}
    return {k: v for k, v in found.items() if v is not None}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def lint(value: Any, *, kind: str | None = "permissions") -> list[Finding]:
    options = LintOptions(kind=kind)  # type: ignore[arg-type]
    return lint_document(json.dumps(value), file="policy.json", options=options)


def of(code: str, value: Any, **kwargs: Any) -> list[Finding]:
    return [f for f in lint(value, **kwargs) if f.code == code]


def denied(value: dict[str, Any]) -> dict[str, Any]:
    return {**value, "Statement": [{**s, "Effect": "Deny"} for s in value["Statement"]]}


# -- IR201 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "pointer"),
    [("*", "/Statement/0/Action"), (["redshift:DescribeClusters", "*"], "/Statement/0/Action/1")],
)
def test_allow_star_action_is_ir201_on_the_star(action: Any, pointer: str) -> None:
    (found,) = of("IR201", policy(statement(action, "*")))
    assert found.pointer == pointer
    assert found.severity.value == "security-warning"
    assert '"Action": "*"' in found.message


def test_allow_not_action_is_ir201_naming_what_is_excluded() -> None:
    value = policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    (found,) = of("IR201", value)
    assert found.pointer == "/Statement/0/NotAction"
    assert "iam:* and organizations:*" in found.message


def test_deny_star_and_deny_not_action_grant_nothing() -> None:
    value = policy(
        statement("*", "*"),
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    )
    assert of("IR201", denied(value)) == []


def test_ir2xx_do_not_apply_to_trust_policies() -> None:
    trust = policy(
        {"Effect": "Allow", "Principal": {"AWS": ACCESS_ROLE}, "Action": "*"},
    )
    assert [f for f in lint(trust, kind="trust") if f.code in IR2_CODES] == []


# -- IR202 and IR203 ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["redshift:*", "Redshift:*", "iam:*", ["s3:GetObject", "iam:*"]])
def test_service_wide_wildcard_is_ir202_with_the_count_and_its_data(action: Any) -> None:
    (found,) = of("IR202", policy(statement(action, "*")))
    wildcard = action if isinstance(action, str) else action[1]
    count = len(knowledge.expand_action(wildcard))
    assert count > 50
    assert f"all {count:,} " in found.message
    assert "the action data of 2026-10" in found.message
    assert found.message.startswith(wildcard)
    assert found.severity.value == "warning"


def test_service_wide_wildcard_of_an_unknown_service_still_warns() -> None:
    (found,) = of("IR202", policy(statement("notaservice:*", "*")))
    assert "'notaservice'" in found.message


@pytest.mark.parametrize(
    "action", ["redshift:Get*", "redshift:*Cluster*", "Redshift:Describe?lusters"]
)
def test_partial_wildcard_is_ir203_with_its_count(action: str) -> None:
    (found,) = of("IR203", policy(statement(action, "*")))
    matched = knowledge.expand_action(action)
    assert matched
    assert f"matches {len(matched):,} action" in found.message
    assert matched[0].partition(":")[2] in found.message
    assert found.severity.value == "suggestion"
    assert of("IR202", policy(statement(action, "*"))) == []


def test_exact_actions_are_neither_ir202_nor_ir203() -> None:
    value = policy(statement(["redshift:GetClusterCredentials", "redshift:DescribeClusters"]))
    assert [f.code for f in lint(value) if f.code in ("IR202", "IR203")] == []


def test_deny_with_wildcards_is_not_ir202_or_ir203() -> None:
    value = denied(policy(statement(["redshift:*", "redshift:Get*"], "*")))
    assert [f.code for f in lint(value) if f.code in ("IR202", "IR203")] == []


# -- IR204 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action", ["redshift:GetClusterCredentials", "Redshift:getclustercredentials"]
)
def test_star_resource_for_scopable_action_is_ir204_with_the_arn_format(action: str) -> None:
    (found,) = of("IR204", policy(statement(action, "*")))
    assert found.pointer == "/Statement/0/Resource"
    dbuser = next(
        t for t in knowledge.resource_types("redshift:GetClusterCredentials") if t.name == "dbuser"
    )
    assert dbuser.arn_format in found.message
    assert "redshift:GetClusterCredentials" in found.message


def test_ir204_points_at_the_star_in_a_resource_list_once_per_statement() -> None:
    value = policy(statement(["iam:GetRole", "iam:GetRolePolicy"], [ACCESS_ROLE, "*", "*"]))
    (found,) = of("IR204", value)
    assert found.pointer == "/Statement/0/Resource/1"
    assert "iam:GetRole and iam:GetRolePolicy" in found.message


def test_ir204_names_a_few_actions_then_says_how_many_more() -> None:
    actions = [
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListRolePolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ]
    (found,) = of("IR204", policy(statement(actions, "*")))
    assert "and 2 more" in found.message


def test_ir204_skips_actions_without_resource_level_permissions() -> None:
    # redshift:DescribeClusters and iam:ListRoles: which ones support scoping is the data's say.
    for action in ("redshift:DescribeClusters", "iam:ListRoles", "sts:GetCallerIdentity"):
        expected = knowledge.supports_resource_level(action)
        assert bool(of("IR204", policy(statement(action, "*")))) == expected, action


def test_ir204_for_a_service_wildcard_says_how_many_of_its_actions_can_be_scoped() -> None:
    (found,) = of("IR204", policy(statement("redshift:*", "*")))
    matched = knowledge.expand_action("redshift:*")
    scopable = [a for a in matched if knowledge.supports_resource_level(a)]
    assert f"{len(scopable):,} of the {len(matched):,} actions" in found.message


def test_ir204_remembers_a_bounded_number_of_action_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # The message of each list of actions is remembered, keyed by the actions' texts; a lint of
    # many large statements must not keep more characters than the bound, and a statement seen
    # again after the memory was emptied gets the same message.
    from iam_redshift.rules import wildcards

    monkeypatch.setattr(wildcards, "_REMEMBERED_CHARACTERS", 400)
    wildcards._MESSAGES.cache_clear()
    # Sets of 1 to 5 actions, and two sets larger than the bound (never remembered).
    actions = [a for a in knowledge.expand_action("iam:Get*") if knowledge.arn_formats(a)]
    sets = [actions[i : i + n] for n in (1, 2, 3, 4, 5) for i in range(0, len(actions), n)]
    sets += [["s3:Get*"], ["ec2:*"], actions]
    first = [of("IR204", policy(statement(s, "*")))[0].message for s in sets]
    held = sum(len(text) + 1 for key in wildcards._MESSAGES for text in key)
    assert 0 < held == wildcards._MESSAGES.characters <= 400
    assert tuple(actions) not in wildcards._MESSAGES
    again = [of("IR204", policy(statement(s, "*")))[0].message for s in sets]
    assert again == first
    wildcards._MESSAGES.cache_clear()


@given(
    st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.integers(1, 4), max_size=30),
    st.integers(0, 4),
)
def test_ir204_examples_are_the_most_voted_in_data_order_among_equals(
    votes: dict[str, int], shown: int
) -> None:
    # The examples IR204 shows are the first of a stable sort by votes, most first: picked
    # without sorting all of a statement's formats.
    from iam_redshift.rules.wildcards import most_voted

    assert (
        most_voted(votes, shown)
        == tuple(sorted(votes, key=votes.__getitem__, reverse=True))[:shown]
    )


def test_ir204_example_formats_say_how_many_more_there_are() -> None:
    actions = ["redshift:GetClusterCredentials", "iam:GetRole", "s3:GetObject"]
    (found,) = of("IR204", policy(statement(actions, "*")))
    formats = {f"{arn} ({kind})" for a in actions for kind, arn, _ in knowledge.arn_formats(a)}
    assert len(formats) > 2
    assert found.message.endswith(f" and {len(formats) - 2} more")
    # Two formats: both named, the required type's (two votes) first.
    (one,) = of("IR204", policy(statement("redshift:GetClusterCredentials", "*")))
    rows = knowledge.arn_formats("redshift:GetClusterCredentials")
    assert len(rows) == 2
    ordered = sorted(rows, key=lambda row: row[2], reverse=True)
    first, second = (f"{arn} ({kind})" for kind, arn, _ in ordered)
    assert one.message.endswith(f"for example {first} and {second}")


def test_ir204_not_for_star_action_deny_or_scoped_resources() -> None:
    assert of("IR204", policy(statement("*", "*"))) == []
    assert of("IR204", denied(policy(statement("iam:GetRole", "*")))) == []
    assert of("IR204", policy(statement("iam:GetRole", ACCESS_ROLE))) == []


# -- IR205 and IR207 ----------------------------------------------------------------------------

WILDCARD_ROLES = [
    "*",
    "arn:aws:iam::*:role/*",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:iam::*:role/Redshift-*",
    "arn:aws:iam::123456789012:role/Redshift-Access-Role-?",
    "arn:aws:iam::123456789012:*",
    "arn:aws:*",
    "arn:*:iam::123456789012:role/x",
    "arn:aws:iam::${aws:PrincipalAccount}:role/*",
]
NOT_ROLES = [
    ACCESS_ROLE,
    "arn:aws:iam::123456789012:role/<your-aws-account-id>",
    "arn:aws:iam::123456789012:user/*",
    "arn:aws:iam::123456789012:policy/*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:iam::123456789012:role/literal-${*}-star",
]


@pytest.mark.parametrize("resource", WILDCARD_ROLES)
@pytest.mark.parametrize(
    "action", ["sts:AssumeRole", "STS:assumerole", "sts:*", "sts:Assume*", "*"]
)
def test_assume_role_on_a_wildcard_resource_is_ir205(action: str, resource: str) -> None:
    found = of("IR205", policy(statement(action, [ACCESS_ROLE, resource])))
    assert [f.pointer for f in found] == ["/Statement/0/Resource/1"]
    assert found[0].severity.value == "security-warning"


@pytest.mark.parametrize("resource", NOT_ROLES)
def test_assume_role_on_exact_or_other_resources_is_not_ir205(resource: str) -> None:
    assert of("IR205", policy(statement("sts:AssumeRole", resource))) == []


@pytest.mark.parametrize(
    "action", ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:GetCallerIdentity"]
)
def test_other_sts_actions_are_not_ir205(action: str) -> None:
    assert of("IR205", policy(statement(action, "*"))) == []


def test_the_seed_statement_assuming_listed_roles_yields_nothing() -> None:
    value = policy(
        statement(
            "sts:AssumeRole",
            [
                "arn:aws:iam::<your-aws-account-id>:role/Redshift-Access-Role-1",
                "arn:aws:iam::<your-aws-account-id>:role/Redshift-Access-Role-2",
            ],
            Sid="AllowAssumingPreferredRoles",
        )
    )
    assert [f for f in lint(value) if f.code in IR2_CODES or f.code.startswith("IR5")] == []


def test_not_action_that_leaves_assume_role_in_is_ir205() -> None:
    value = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    (found,) = of("IR205", value)
    assert "through NotAction" in found.message
    excluded = policy({"Effect": "Allow", "NotAction": ["sts:*", "iam:*"], "Resource": "*"})
    assert of("IR205", excluded) == []


def test_deny_assume_role_on_a_wildcard_is_not_ir205() -> None:
    assert of("IR205", denied(policy(statement("sts:AssumeRole", "*")))) == []


@pytest.mark.parametrize("action", ["iam:PassRole", "iam:passrole", "iam:Pass*", "iam:*", "*"])
def test_pass_role_on_a_wildcard_is_ir207(action: str) -> None:
    (found,) = of("IR207", policy(statement(action, "arn:aws:iam::123456789012:role/*")))
    assert found.severity.value == "security-warning"
    assert "iam:PassRole" in found.message


def _passed_to(operator: str) -> dict[str, Any]:
    return {operator: {"iam:PassedToService": "redshift.amazonaws.com"}}


@pytest.mark.parametrize("operator", ["StringEquals", "StringLike", "ForAnyValue:StringEquals"])
def test_pass_role_conditioned_on_the_service_is_not_ir207(operator: str) -> None:
    # Issue 10: 259 of the 277 statements where IR207 disagreed with Access Analyzer had one.
    value = policy(statement("iam:PassRole", "*", Condition=_passed_to(operator)))
    assert of("IR207", value) == []
    assert of("IR208", value) == []


def test_pass_role_with_an_if_exists_service_condition_is_still_ir207() -> None:
    # ...IfExists also matches a request without the key: no limit on the service.
    value = policy(statement("iam:PassRole", "*", Condition=_passed_to("StringEqualsIfExists")))
    (found,) = of("IR207", value)
    assert "iam:PassedToService" in found.message


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:iam::*:role/Redshift-Access-Role-1", "arn:aws:iam::${aws:PrincipalAccount}:role/R"],
)
def test_pass_role_with_only_the_account_wildcarded_is_one_role(resource: str) -> None:
    # PassRole passes roles of the caller's own account only: this names one role.
    value = policy(statement("iam:PassRole", resource))
    assert of("IR207", value) == []
    assert of("IR208", value) == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::123456789012:role/Redshift-Access-*",
        "arn:aws:iam::*:role/service-role/AmazonSageMaker*",
    ],
)
def test_pass_role_on_a_name_prefix_is_ir208_not_ir207(resource: str) -> None:
    value = policy(statement("iam:PassRole", resource))
    assert of("IR207", value) == []
    (found,) = of("IR208", value)
    assert found.severity.value == "warning"
    assert "iam:PassedToService" in found.message
    conditioned = policy(statement("iam:PassRole", resource, Condition=_passed_to("StringEquals")))
    assert of("IR208", conditioned) == []


def test_pass_role_on_listed_roles_or_denied_is_not_ir207() -> None:
    assert of("IR207", policy(statement("iam:PassRole", ACCESS_ROLE))) == []
    assert of("IR207", denied(policy(statement("iam:PassRole", "*")))) == []


# -- IR206 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("not_resource", [DBUSER, [DBUSER, ACCESS_ROLE]])
def test_allow_not_resource_is_ir206(not_resource: Any) -> None:
    value = policy(
        {"Effect": "Allow", "Action": "redshift:GetClusterCredentials", "NotResource": not_resource}
    )
    (found,) = of("IR206", value)
    assert found.pointer == "/Statement/0/NotResource"
    assert found.severity.value == "security-warning"


def test_deny_not_resource_is_not_ir206() -> None:
    value = policy({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/*"})
    assert of("IR206", value) == []


# -- helpers, as properties ----------------------------------------------------------------------

_NAME_CHARS = st.sampled_from("abcXYZ019+=,.@_-")
role_arns = st.builds(
    lambda partition, account, path, name: f"arn:{partition}:iam::{account}:role{path}{name}",
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.sampled_from(["/", "/etl/", "/a/b/"]),
    st.text(_NAME_CHARS, min_size=1, max_size=20),
)


@st.composite
def globbed(draw: st.DrawFn) -> tuple[str, str]:
    """A role ARN and a pattern made from it by replacing slices with * or one character
    with ?: the pattern matches the ARN by construction."""
    arn = draw(role_arns)
    start = draw(st.integers(0, len(arn) - 1))
    end = draw(st.integers(start, len(arn)))
    wildcard = draw(st.sampled_from(["*", "?"]))
    if wildcard == "?":
        end = start + 1
    return arn, arn[:start] + wildcard + arn[end:]


@given(globbed())
def test_may_match_role_is_true_for_every_pattern_that_matches_a_role_arn(
    case: tuple[str, str],
) -> None:
    arn, pattern = case
    assert action_matches(pattern, arn)  # the glob semantics agree with the construction
    assert may_match_role(pattern)


@given(role_arns)
def test_an_exact_role_arn_is_not_a_wildcard(arn: str) -> None:
    assert not has_wildcard(arn)
    assert not may_match_role(arn)


actions_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[A-Za-z0-9*?-]{0,12}:[A-Za-z0-9*?_\[\]-]{0,24}", fullmatch=True),
)


@given(
    action=st.one_of(actions_text, st.lists(actions_text, min_size=1, max_size=4)),
    resource=st.one_of(st.text(max_size=60), st.lists(st.text(max_size=60), max_size=3)),
    element=st.sampled_from(["Action", "NotAction"]),
    effect=st.sampled_from(["Allow", "Deny"]),
)
def test_no_action_or_resource_text_makes_a_rule_fail(
    action: Any, resource: Any, element: str, effect: str
) -> None:
    value = policy({"Effect": effect, element: action, "Resource": resource})
    assert [f for f in lint(value) if f.code == "IR000"] == []


# -- the seed bundle: the contract ---------------------------------------------------------------


def test_seed_bundle_reports_exactly_the_wildcard_warnings_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0
    result = run_cli("lint", str(out), "--format", "json")
    assert result.code == 0, result.out + result.err
    findings = json.loads(result.out)["findings"]
    assert {f["code"] for f in findings} == {"IR202", "IR204"}
    instance = [
        f
        for f in findings
        if f["file"].endswith("EC2-Redshift-Initiator-Role/permissions-policy.json")
    ]
    # The instance policy: IR204 on the first statement's "*", nothing on the third (the
    # AllowAssumingPreferredRoles statement lists exact role ARNs).
    assert {(f["code"], f["pointer"]) for f in instance} >= {("IR204", "/Statement/0/Resource")}
    assert [f for f in instance if f["pointer"].startswith("/Statement/2")] == []
    redshift_star = [f for f in findings if f["code"] == "IR202"]
    assert all(
        re.match(r"redshift:\* grants all [\d,]+ redshift actions", f["message"])
        for f in redshift_star
    )
