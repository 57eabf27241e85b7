"""A schema's ``pattern`` means what JSON Schema says (ECMA-262): ``$`` is the end of the text.

Python's ``re``, which jsonschema uses as it is, also lets ``$`` match before a final line
feed: ``^[0-9]{12}$`` accepted ``"123456789012\\n"``, and the identity schema's action pattern
accepted ``"s3:PutObject\\n"``, an action IAM refuses. Such a policy got no finding at all.
Both the full validators and the quick shape check now compile patterns with
:func:`iam_redshift._schemas.ecma_regex`.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift._schemas import ecma_regex, validator
from iam_redshift.engine import lint_document

_TEXTS = st.text(alphabet="a$[]\\\n", max_size=8)


@given(_TEXTS)
def test_an_anchored_pattern_matches_the_whole_text_only(text: str) -> None:
    assert (ecma_regex("^a*$").search(text) is not None) is (re.fullmatch("a*", text) is not None)
    assert (ecma_regex("a$").search(text) is not None) is text.endswith("a")


@given(_TEXTS)
def test_a_dollar_that_is_no_anchor_stays_a_character(text: str) -> None:
    # In a character class and escaped, "$" is the character itself.
    assert (ecma_regex("^[$a]$").search(text) is not None) is (text in ("$", "a"))
    assert (ecma_regex(r"^\$$").search(text) is not None) is (text == "$")
    assert (ecma_regex(r"^[\]$]$").search(text) is not None) is (text in ("]", "$"))


@pytest.mark.parametrize(
    ("schema", "pointer", "value", "valid"),
    [
        ("identity-policy.schema.json", "Action", "s3:PutObject", True),
        ("identity-policy.schema.json", "Action", "s3:PutObject\n", False),
        ("identity-policy.schema.json", "Operator", "StringEquals\n", False),
        ("trust-policy.schema.json", "Action", "sts:AssumeRole\n", False),
    ],
)
def test_the_validators_refuse_a_final_line_feed(
    schema: str, pointer: str, value: str, valid: bool
) -> None:
    statement: dict[str, object] = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    if schema.startswith("identity"):
        statement["Resource"] = "*"
    else:
        statement["Principal"] = {"Service": "ec2.amazonaws.com"}
    if pointer == "Action":
        statement["Action"] = value
    else:
        statement["Condition"] = {value: {"aws:SourceVpc": "vpc-1"}}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    assert validator(schema).is_valid(document) is valid


@pytest.mark.parametrize("action", ["s3:PutObject\n", "s3:Put*\n", "*\n"])
def test_an_action_with_a_final_line_feed_is_a_grammar_finding(action: str) -> None:
    statement = {"Effect": "Allow", "Action": ["s3:GetObject", action], "Resource": "*"}
    found = lint_document({"Version": "2012-10-17", "Statement": [statement]})
    grammar = [f for f in found if f.code == "IR101"]
    assert len(grammar) == 1
    assert grammar[0].pointer == "/Statement/0/Action/1"
