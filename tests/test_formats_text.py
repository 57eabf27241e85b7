"""``--format text``: ``path:line:col: CODE [severity] message`` lines and a summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from iam_redshift.findings import Finding, Severity
from iam_redshift.formats import render_findings
from tests.conftest import run_cli
from tests.lint_helpers import CLEAN, NO_VERSION, invalid_sids, write_tree


def test_lines_then_a_summary_with_counts_per_severity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"a.json": invalid_sids("a-b", "c d"), "b.json": NO_VERSION})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", ".")
    lines = result.out.splitlines()
    assert [line.split(" [")[0] for line in lines[:-1]] == [
        "a.json:5:14: IR104",
        "a.json:11:14: IR104",
        "b.json:1:1: IR103",
    ]
    assert lines[1].startswith("a.json:11:14: IR104 [error] Sid 'c d' holds characters")
    assert lines[-1] == "Found 3 findings: 2 errors, 1 warning."


def test_summary_wording() -> None:
    def finding(severity: Severity) -> Finding:
        return Finding("IR101", severity, "m", "p.json", "", 1, 1)

    assert render_findings("text", []) == "No findings.\n"
    text = render_findings("text", [finding(Severity.SUGGESTION), finding(Severity.ERROR)])
    assert text.splitlines()[-1] == "Found 2 findings: 1 error, 1 suggestion."


def test_show_suppressed_lists_each_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "a.json": invalid_sids("a-b"),
            "ok.json": CLEAN,
            ".iam-redshift.toml": '[[suppress]]\ncode = "IR104"\npath = "a.json"\n'
            'reason = "the Sid is read by a script; renamed in OPS-7"\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    plain = run_cli("lint", ".")
    assert (plain.code, plain.out) == (0, "No findings.\n")
    shown = run_cli("lint", "--show-suppressed", ".")
    assert shown.code == 0
    assert shown.out.splitlines() == [
        "Suppressed by the configuration:",
        "a.json:5:14: IR104 [error] Sid 'a-b' holds characters IAM rejects in a Sid; use only "
        "letters and digits (A-Z, a-z, 0-9)",
        "    reason: the Sid is read by a script; renamed in OPS-7",
        "No findings. 1 suppressed.",
    ]
