"""``--format json``: every output validates against schemas/findings.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift._version import __version__
from iam_redshift.findings import Finding, Location, Severity
from iam_redshift.formats import render_findings
from tests.conftest import run_cli
from tests.lint_helpers import (
    CLEAN,
    NO_VERSION,
    assert_valid_findings_json,
    invalid_sids,
    rules_with_examples,
    write_tree,
)


def lint_json(*args: str, stdin: bytes = b"") -> dict[str, Any]:
    result = run_cli("lint", "--format", "json", *args, stdin=stdin)
    assert result.code in (0, 1), result.err
    document: dict[str, Any] = json.loads(result.out)
    assert_valid_findings_json(document)
    return document


@pytest.mark.parametrize("rule", rules_with_examples(), ids=lambda r: r.code)
def test_every_rules_bad_and_good_example_lint_to_valid_json(
    rule: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, example in (("bad", rule.bad), ("good", rule.good)):
        folder = tmp_path / name
        write_tree(folder, example.materialize())
        if example.config:
            write_tree(folder, {".iam-redshift.toml": example.config})
        options = ["--kind", example.kind] if example.kind else []
        if example.instance_role:
            options += ["--instance-role", example.instance_role]
        monkeypatch.chdir(folder)
        document = lint_json(*options, ".")
        codes = [f["code"] for f in document["findings"]]
        assert (rule.code in codes) == (name == "bad")


def test_findings_summary_and_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.json": invalid_sids("a-b", "c d"), "b.json": NO_VERSION})
    monkeypatch.chdir(tmp_path)
    document = lint_json(".")
    assert document["tool"] == {"name": "iam-redshift", "version": __version__}
    assert document["summary"] == {"error": 2, "security-warning": 0, "warning": 1, "suggestion": 0}
    assert [(f["file"], f["code"], f["line"]) for f in document["findings"]] == [
        ("a.json", "IR104", 5),
        ("a.json", "IR104", 11),
        ("b.json", "IR103", 1),
    ]
    assert "suppressed" not in document


def test_nothing_to_lint_still_writes_a_valid_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    # With --allow-empty (without it, nothing to lint is an error: exit 2, no document).
    document = lint_json("--allow-empty", "empty")
    assert document["findings"] == []
    document = lint_json("--allow-empty", "-", stdin=b"")
    assert document["findings"] == []


def test_suppressed_findings_are_listed_with_the_suppression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "p.json": invalid_sids("a-b", "Ok"),
            "clean.json": CLEAN,
            "pyproject.toml": '[tool.iam-redshift]\n[[tool.iam-redshift.suppress]]\ncode = "IR104"'
            '\npath = "p.json"\nsid = "a-b"\nreason = "renamed in the next release"\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    assert lint_json(".")["findings"] == []
    document = lint_json("--show-suppressed", ".")
    (hidden,) = document["suppressed"]
    assert hidden["finding"]["code"] == "IR104"
    assert hidden["suppression"] == {
        "code": "IR104",
        "path": "p.json",
        "sid": "a-b",
        "reason": "renamed in the next release",
    }


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1)
_findings = st.builds(
    Finding,
    code=st.from_regex(r"IR[0-9]{3}", fullmatch=True),
    severity=st.sampled_from(Severity),
    message=_text,
    file=_text,
    pointer=st.just("")
    | st.lists(st.text(), max_size=4).map(lambda p: "".join("/" + t for t in p)),
    line=st.integers(min_value=1, max_value=10**6),
    column=st.integers(min_value=1, max_value=10**4),
    related=st.lists(
        st.builds(
            Location,
            file=_text,
            line=st.integers(min_value=1, max_value=10**6),
            column=st.integers(min_value=1, max_value=10**4),
            pointer=st.just(""),
            message=st.text(),
        ),
        max_size=3,
    ).map(tuple),
)


@given(st.lists(_findings, max_size=6))
def test_any_findings_render_to_schema_valid_json(findings: list[Finding]) -> None:
    document = json.loads(render_findings("json", sorted(findings, key=Finding.sort_key)))
    assert_valid_findings_json(document)
    assert sum(document["summary"].values()) == len(findings)
