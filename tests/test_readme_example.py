"""The README's "Use in your own tests" example runs as written: copied into a file of its own and
run by pytest in a fresh process, outside this repository's test configuration, as a user would;
and it type-checks under ``mypy --strict``, so the strategies are typed for their users."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _example() -> str:
    section = README.split("\n## Use in your own tests\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the section has a Python example"
    return match.group(1)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``command`` in ``cwd``; its output, once it has passed."""
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_example_imports_the_strategies() -> None:
    assert "from iam_redshift.strategies import" in _example()


def test_the_example_test_file_passes(tmp_path: Path) -> None:
    (tmp_path / "test_iam_roles.py").write_text(_example(), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")}
    output = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_iam_roles.py"],
        tmp_path,
        environment,
    )
    assert "3 passed" in output


def test_the_example_type_checks(tmp_path: Path) -> None:
    example = tmp_path / "test_iam_roles.py"
    example.write_text(_example(), encoding="utf-8")
    # The project's mypy settings; errors inside iam_redshift are the quality gate's to report.
    _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(REPO / "pyproject.toml"),
            "--follow-imports=silent",
            str(example),
        ],
        REPO,
    )
