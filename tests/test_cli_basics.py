"""The command line as a new user meets it."""

from __future__ import annotations

import subprocess
import sys

from iam_redshift._version import __version__
from tests.conftest import run_cli


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.code == 0
    for command in ("render", "init"):
        assert command in result.out


def test_version() -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"iam-redshift {__version__}"


def test_no_command_prints_help_and_exits_2() -> None:
    result = run_cli()
    assert result.code == 2
    assert "usage:" in result.out


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("frobnicate")
    assert result.code == 2
    assert result.err.startswith("iam-redshift: error: ")
    assert "Traceback" not in result.err


def test_python_dash_m_runs_the_same_command() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "iam_redshift", "render", "examples/matillion.toml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout == run_cli("render", "examples/matillion.toml").out
