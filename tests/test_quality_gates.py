"""The project's own quality gates: ruff, ruff format, mypy --strict, all from the test extras."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def _run(*module_and_arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *module_and_arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_check() -> None:
    completed = _run("ruff", "check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_ruff_format() -> None:
    completed = _run("ruff", "format", "--check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_strict_on_the_package() -> None:
    completed = _run("mypy", "--strict", "iam_redshift")
    assert completed.returncode == 0, completed.stdout + completed.stderr
