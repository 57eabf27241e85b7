"""The fuzz suite (issue 14): hostile documents, bundles and command lines through the library
and the command line never escape as an exception, never make a rule fail (IR000), and the
command line always ends with 0, 1 or 2 and writes what a strict UTF-8 stream accepts.

Under the ``ci`` Hypothesis profile each test runs 100 inputs (a few hundred in all); the
``thorough`` profile runs 2,000 each. ``benchmarks/fuzz_campaign.py`` is the long campaign
(100,000 documents through the library, 5,000 command lines), with timings. Inputs come from
``tests/fuzz_inputs.py``, one seed each, so a failure replays from the seed Hypothesis prints.
"""

from __future__ import annotations

import io
import json
import random
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from iam_redshift import LintOptions, iter_lint_contents, lint_document
from iam_redshift.cli import main
from tests.fuzz_inputs import HOSTILE_STRINGS, cli_case, hostile_bundle, hostile_document

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
#: A finding of IR000 (a rule that failed) in any output format.
IR000 = re.compile(r'IR000 \[|"code": "IR000"|"ruleId": "IR000"|title=IR000')
OPTIONS = LintOptions(
    instance_role_arn="arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"
)

#: Any JSON value, with strings that include lone surrogates and the known hostile ones.
TEXT = st.text() | st.sampled_from(HOSTILE_STRINGS)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
ELEMENT_NAMES = st.sampled_from(
    (
        *("Version", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource"),
        *("NotResource", "Principal", "NotPrincipal", "Condition"),
    )
)
STATEMENTS = st.dictionaries(ELEMENT_NAMES | TEXT, JSON_VALUES, max_size=6)
POLICIES = st.fixed_dictionaries(
    {"Version": st.sampled_from(("2012-10-17", "2008-10-17")) | JSON_VALUES},
    optional={"Statement": st.lists(STATEMENTS, max_size=3) | STATEMENTS | JSON_VALUES},
)


def assert_no_rule_failed(findings: list[Any]) -> None:
    failed = [f.message for f in findings if f.code == "IR000"]
    assert not failed, failed


@given(SEEDS)
def test_fuzzed_documents_through_the_library(seed: int) -> None:
    data = hostile_document(random.Random(seed))
    assert_no_rule_failed(lint_document(data, file="f.json", options=OPTIONS))


@given(POLICIES | JSON_VALUES, st.booleans())
def test_any_json_value_through_the_library(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert_no_rule_failed(lint_document(text, file="f.json"))
    assert_no_rule_failed(lint_document(text.encode("utf-8", "surrogatepass"), file="f.json"))


@given(SEEDS)
def test_fuzzed_bundles_through_the_library(seed: int) -> None:
    files = hostile_bundle(random.Random(seed))
    assert_no_rule_failed(list(iter_lint_contents(files, root="bundle", options=OPTIONS)))


@given(SEEDS)
def test_fuzzed_command_lines(seed: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        arguments, stdin, _ = cli_case(random.Random(seed), Path(directory))
        out, err = io.BytesIO(), io.BytesIO()
        # Strict streams, as a real console's: what cannot be encoded would raise.
        stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
        stderr = io.TextIOWrapper(err, encoding="utf-8", errors="strict", write_through=True)
        code = main(arguments, stdin=io.BytesIO(stdin), stdout=stdout, stderr=stderr)
        text = (out.getvalue() + err.getvalue()).decode("utf-8")
    assert code in (0, 1, 2), text
    assert "Traceback" not in text
    assert not IR000.search(text), text
    if code in (0, 1) and "--format" in arguments:
        fmt = arguments[arguments.index("--format") + 1]
        if fmt in ("json", "sarif"):
            json.loads(out.getvalue())  # a whole, valid document
