"""The service gates (:meth:`Statement.may_grant_service` per statement,
:meth:`PolicyDocument.may_allow_service` per document) change no answer.

Rules skip a statement whose Action values name only other services (the IR6xx credentials
checks, IR205, IR207, IR208): the gate must let through every statement in which some value
can match the action asked about, or a finding would silently go missing. Each test compares
the gated helper with the same helper written without the gate. So do the texts of an element,
which rules read without a value and pointer for each, against the values themselves.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.document.policy import PolicyDocument, Statement, services_of
from iam_redshift.matching import glob_match
from iam_redshift.rules._redshift import CREDENTIAL_ACTIONS, covers
from iam_redshift.rules.wildcards import action_matches, grants_action
from iam_redshift.sources.json_text import ParsedText

ACTIONS = (*CREDENTIAL_ACTIONS, "iam:PassRole", "sts:AssumeRole", "s3:GetObject")

# Letters of the actions above in both cases, IAM's wildcards, the colon, and characters whose
# case folding is unusual (the long s, the Kelvin sign), which a prefix test could get wrong.
_CHARACTERS = st.sampled_from([*"redshiftREDSHIFTpasoleAPSOLE-:*?3 ", "\u017f", "\u212a"])
_VALUES = st.one_of(
    st.text(_CHARACTERS, max_size=24),
    st.sampled_from(
        [
            "*",
            "*:*",
            "redshift:*",
            "REDSHIFT:getclustercredentials",
            "redshift:Get*",
            "red*:Get*",
            "redshift-serverless:Get?redentials",
            "iam:Pass*",
            "i?m:PassRole",
            "ec2:DescribeInstances",
            "redshift",
        ]
    ),
)


def _statement(values: Any, effect: str = "Allow", **more: Any) -> Statement:
    return Statement("/Statement/0", {"Effect": effect, "Action": values, "Resource": "*", **more})


def _covers_without_gate(statement: Statement, actions: tuple[str, ...]) -> list[str]:
    if not statement.allows or statement.has("NotAction"):
        return []
    # Every value but "*" alone (IR201's), whatever its service.
    patterns = [v.text for v in statement.strings("Action") if v.text != "*"]
    return [a for a in actions if any(glob_match(p, a, ignore_case=True) for p in patterns)]


def _grants_without_gate(statement: Statement, action: str) -> str | None:
    for value in statement.strings("Action"):
        if action_matches(value.text, action):
            return value.pointer
    return None


@given(st.lists(_VALUES, max_size=6), st.sampled_from(ACTIONS))
def test_the_gate_lets_through_every_statement_with_a_matching_value(
    values: list[str], action: str
) -> None:
    statement = _statement(values)
    if any(action_matches(v, action) for v in values):
        assert statement.may_grant_service(services_of((action,)))


@given(st.one_of(st.lists(_VALUES, max_size=6), _VALUES), st.sampled_from(["Allow", "Deny"]))
def test_covers_answers_as_without_the_gate(values: Any, effect: str) -> None:
    for actions in (CREDENTIAL_ACTIONS, ("redshift:GetClusterCredentials",), ACTIONS):
        statement = _statement(values, effect)
        assert covers(statement, actions) == _covers_without_gate(statement, actions)


@given(st.one_of(st.lists(_VALUES, max_size=6), _VALUES), st.sampled_from(ACTIONS))
def test_grants_action_answers_as_without_the_gate(values: Any, action: str) -> None:
    statement = _statement(values)
    through = grants_action(statement, action)
    assert (through.pointer if through is not None else None) == _grants_without_gate(
        statement, action
    )


def test_values_that_are_not_strings_name_no_service() -> None:
    statement = _statement(["redshift:GetClusterCredentials", 7, None, ["s3:*"]])
    assert statement.named_services == frozenset({"redshift"})
    assert not statement.may_grant_service(services_of(("s3:GetObject",)))
    assert not _statement({"redshift": "*"}).may_grant_service(services_of(("redshift:x",)))


def test_a_wildcard_in_the_prefix_may_name_any_service() -> None:
    assert _statement("r?dshift:Get*").may_grant_service(services_of(("redshift:Get",)))
    assert _statement(["ec2:Describe*", "*"]).may_grant_service(services_of(("iam:PassRole",)))
    assert not _statement(["ec2:Describe*"]).may_grant_service(services_of(("iam:PassRole",)))


_STATEMENTS = st.lists(
    st.fixed_dictionaries(
        {"Effect": st.sampled_from(["Allow", "Deny", "allow"])},
        optional={
            "Action": st.one_of(st.lists(_VALUES, max_size=4), _VALUES),
            "NotAction": st.one_of(st.lists(_VALUES, max_size=2), _VALUES),
        },
    ),
    max_size=4,
)


def _document(statements: list[dict[str, Any]]) -> PolicyDocument:
    value = {"Version": "2012-10-17", "Statement": statements}
    return PolicyDocument(file="p.json", parsed=ParsedText("", value), kind="permissions")


@given(_STATEMENTS, st.sampled_from(ACTIONS))
def test_a_document_the_gate_passes_over_grants_none_of_the_services_actions(
    statements: list[dict[str, Any]], action: str
) -> None:
    # Rules for sts:AssumeRole, iam:PassRole and the credentials actions return early when the
    # document gate says no: no Allow statement may then grant the action, by Action or by
    # NotAction.
    document = _document(statements)
    granting = [s for s in document.allow_statements() if grants_action(s, action) is not None]
    covering = [s for s in document.allow_statements() if covers(s, (action,))]
    if not document.may_allow_service(services_of((action,))):
        assert granting == covering == []


def test_an_allow_with_not_action_may_grant_any_service() -> None:
    document = _document([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}])
    assert document.may_allow_service(services_of(("iam:PassRole",)))
    denied = _document([{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}])
    assert not denied.may_allow_service(services_of(("iam:PassRole",)))


# -- the texts of an element, and one value made alone --------------------------------------

_ITEMS = st.one_of(
    st.text(max_size=6), st.integers(), st.none(), st.lists(st.text(max_size=3), max_size=2)
)
_ELEMENT = st.one_of(st.text(max_size=6), st.lists(_ITEMS, max_size=6), _ITEMS)


@given(value=_ELEMENT, pointer=st.sampled_from(["/Statement/0", "/Statement", "/x~1y"]))
def test_texts_and_value_at_say_what_strings_says(value: Any, pointer: str) -> None:
    """Rules read ``texts`` and point with ``value_at``: both must agree with ``strings`` (the
    same texts in the same order; the same value, pointer and all), whatever the element holds,
    whether or not ``strings`` was asked first."""
    fresh = Statement(pointer, {"Action": value})
    expected = Statement(pointer, {"Action": value}).strings("Action")
    assert fresh.texts("Action") == tuple(v.text for v in expected)
    assert [fresh.value_at("Action", i) for i in range(len(expected))] == list(expected)
    fresh.strings("Action")
    assert [fresh.value_at("Action", i) for i in range(len(expected))] == list(expected)
    assert Statement(pointer, {}).texts("Action") == ()


@given(value=st.one_of(_ELEMENT, st.lists(_VALUES, max_size=8), _VALUES))
def test_action_patterns_are_the_values_with_a_wildcard(value: Any) -> None:
    """IR201, IR202 and IR203 read only the Action values that ``action_patterns`` gives (a
    statement without one is passed over in C): it must give every value with ``*`` or ``?``,
    and no other."""
    statement = Statement("/Statement/0", {"Action": value})
    texts = statement.texts("Action")
    expected = tuple(at for at, text in enumerate(texts) if "*" in text or "?" in text)
    assert statement.action_patterns == expected


def test_a_view_is_worked_out_once_and_the_statement_stays_frozen() -> None:
    """A statement's views (named_services, action_patterns...) are worked out on first use and
    kept: the same object every time after, even when its data is changed behind its back
    (rules never do). Keeping them must not make the record writable."""
    import dataclasses

    import pytest

    data: dict[str, Any] = {"Effect": "Allow", "Action": ["redshift:Get*", "s3:GetObject"]}
    statement = Statement("/Statement/0", data)
    first = statement.named_services
    assert first == frozenset({"redshift", "s3"})
    assert statement.action_patterns == (0,)
    data["Action"] = "iam:PassRole"
    assert statement.named_services is first
    assert statement.action_patterns == (0,)
    with pytest.raises(dataclasses.FrozenInstanceError):
        statement.named_services = frozenset()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        statement.pointer = "/Statement/1"  # type: ignore[misc]
