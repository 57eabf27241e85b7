"""IR106 character-not-accepted: it fires exactly when a string or a name of the document holds
a character IAM refuses, whether the text writes it as it is or as a ``\\u`` escape (the rule
skips the scan of an ASCII text without escapes, which can hold no such character)."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.engine import lint_document
from iam_redshift.engine.options import LintOptions

_ACCEPTED = re.compile(r"[\t\n\r\x20-\xff]*")
_ONLY_IR106 = LintOptions(select=("IR106",))

# Mostly plain text, with control characters, Latin-1 and wider characters mixed in.
_TEXTS = st.text(
    st.one_of(
        st.sampled_from("redshift:GetClusterCredentials*/ "),
        st.characters(max_codepoint=0x1F),
        st.characters(min_codepoint=0x7F, max_codepoint=0xFF),
        st.characters(min_codepoint=0x100, exclude_categories=("Cs",)),
    ),
    max_size=12,
)


@given(sid=_TEXTS, action=_TEXTS, name=_TEXTS, ascii_only=st.booleans())
def test_ir106_fires_when_a_string_or_a_name_holds_a_refused_character(
    sid: str, action: str, name: str, ascii_only: bool
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": action,
                "Resource": "*",
                "Condition": {"StringEquals": {name: "x"}},
            }
        ],
    }
    # ensure_ascii writes every character past U+007F, and every control character, as \u.
    text = json.dumps(policy, indent=2, ensure_ascii=ascii_only)
    found = [f for f in lint_document(text, options=_ONLY_IR106) if f.code == "IR106"]
    refused = [s for s in (sid, action, name) if not _ACCEPTED.fullmatch(s)]
    assert bool(found) == bool(refused)


def test_an_escaped_control_character_in_an_ascii_text_is_reported() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get\\u0001",'
    text += ' "Resource": "*"}]}'
    assert text.isascii()
    found = lint_document(text, options=_ONLY_IR106)
    assert [(f.code, f.pointer) for f in found] == [("IR106", "/Statement/0/Action")]
