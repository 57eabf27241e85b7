"""A reader that goes away (``iam-redshift lint DIR | head -1``) stops the command quietly with
status 141, as a shell reports for any Unix tool that SIGPIPE stopped: not 1, which would say
"findings", nor 0, which would say a complete run found nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from iam_redshift.cli import EXIT_BROKEN_PIPE, main

COMMANDS = {
    "console script": [str(Path(sysconfig.get_path("scripts")) / "iam-redshift")],
    "python -m": [sys.executable, "-m", "iam_redshift"],
}


@pytest.fixture(scope="module")
def many_findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose findings run to megabytes of text, far more than a pipe holds."""
    folder = tmp_path_factory.mktemp("wide")
    statements = [
        {"Sid": f"Everything{n}", "Effect": "Allow", "Action": "*", "Resource": "*"}
        for n in range(3000)
    ]
    document = {"Version": "2012-10-17", "Statement": statements}
    (folder / "wide.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_head_closing_the_pipe_exits_141_quietly(command: list[str], many_findings: Path) -> None:
    script = '"$@" lint "$FOLDER" 2>"$FOLDER.err" | head -1\necho "status=${PIPESTATUS[0]}"'
    shell = subprocess.run(
        ["bash", "-c", script, "bash", *command],
        env={"FOLDER": str(many_findings), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    first, status = shell.stdout.splitlines()
    assert first.startswith(f"{many_findings / 'wide.json'}:")
    assert status == f"status={EXIT_BROKEN_PIPE}"
    assert Path(f"{many_findings}.err").read_text(encoding="utf-8") == ""


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_reader_that_stays_gets_everything_and_the_findings_status(
    command: list[str], many_findings: Path
) -> None:
    completed = subprocess.run(
        [*command, "lint", str(many_findings)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1
    assert len(completed.stdout.splitlines()) >= 6000
    assert completed.stderr == ""


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, f"Broken pipe (writing {len(text)} characters)")


def test_in_process_a_broken_stdout_returns_141_and_says_nothing(many_findings: Path) -> None:
    err = io.StringIO()
    code = main(["lint", str(many_findings)], stdin=io.BytesIO(), stdout=_ClosedPipe(), stderr=err)
    assert code == EXIT_BROKEN_PIPE
    assert err.getvalue() == ""
