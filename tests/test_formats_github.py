"""``--format github``: GitHub Actions workflow commands, checked line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from iam_redshift.findings import Finding, Severity
from iam_redshift.formats import render_findings
from iam_redshift.formats.github import annotation
from tests.conftest import run_cli
from tests.lint_helpers import CLEAN, NO_VERSION, invalid_sids, write_tree


def test_one_command_per_finding_with_the_level_of_its_severity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "roles/a.json": invalid_sids("read-roles"),
            "roles/b.json": NO_VERSION,
            ".iam-redshift.toml": 'severity = { IR103 = "suggestion" }\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "--format", "github", str(tmp_path / "roles"))
    assert result.code == 1
    assert result.out.splitlines() == [
        "::error file=roles/a.json,line=5,col=14,title=IR104::Sid 'read-roles' holds characters "
        "IAM rejects in a Sid; use only letters and digits (A-Z, a-z, 0-9)",
        "::notice file=roles/b.json,line=1,col=1,title=IR103::no Version: IAM then uses the "
        "2008-10-17 language, in which policy variables such as ${aws:username} are plain text. "
        'Add "Version": "2012-10-17"',
    ]


@pytest.mark.parametrize(
    ("severity", "command"),
    [
        (Severity.ERROR, "error"),
        (Severity.SECURITY_WARNING, "error"),
        (Severity.WARNING, "warning"),
        (Severity.SUGGESTION, "notice"),
    ],
)
def test_levels(severity: Severity, command: str) -> None:
    finding = Finding("IR201", severity, "m", "p.json", "", 2, 3)
    assert annotation(finding) == f"::{command} file=p.json,line=2,col=3,title=IR201::m"


def test_properties_and_message_are_escaped_as_the_actions_toolkit_does() -> None:
    finding = Finding(
        "IR101", Severity.ERROR, "100% wrong\r\nsecond: line", "dir,x/a:b%.json", "", 1, 1
    )
    assert annotation(finding) == (
        "::error file=dir%2Cx/a%3Ab%25.json,line=1,col=1,title=IR101::"
        "100%25 wrong%0D%0Asecond: line"
    )


def test_paths_are_relative_to_the_repository_root_with_forward_slashes(tmp_path: Path) -> None:
    finding = Finding("IR103", Severity.WARNING, "m", str(tmp_path / "a" / "b.json"), "", 1, 1)
    output = render_findings("github", [finding], base=str(tmp_path))
    assert output == "::warning file=a/b.json,line=1,col=1,title=IR103::m\n"


def test_no_findings_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"clean.json": CLEAN})
    monkeypatch.chdir(tmp_path)
    result = run_cli("lint", "--format", "github", "clean.json")
    assert (result.code, result.out) == (0, "")
