"""The README's commands work as written on a fresh machine with a distribution's Python, and its
CI snippets pin nothing that does not exist (issue 14, item 20)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CONSOLE = re.findall(r"```console\n(.*?)```", README, re.DOTALL)
#: What the README tells the reader to replace with a commit id of their own.
PLACEHOLDER = "COMMIT"


def _steps(block: str) -> list[str]:
    return [step.strip() for line in block.splitlines() for step in line.split("&&")]


def test_the_quick_start_installs_into_a_virtual_environment_it_makes() -> None:
    quick_start = README.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    first = re.search(r"```console\n(.*?)```", quick_start, re.DOTALL)
    assert first is not None
    steps = _steps(first.group(1))
    make = steps.index("python3 -m venv .venv")
    activate = steps.index(". .venv/bin/activate")
    install = next(i for i, s in enumerate(steps) if "pip install" in s)
    assert make < activate < install
    assert steps[install] == "python -m pip install ."
    assert "iam-redshift render examples/matillion.toml -o out" in steps[install:]
    # The line before the command says why, and what Debian and Ubuntu need first.
    before = quick_start[: first.start()]
    assert "virtual environment" in before
    assert "python3-venv" in before


def test_every_pip_install_in_the_readme_runs_in_a_virtual_environment() -> None:
    installs = [b for b in CONSOLE if "pip install" in b]
    assert installs
    for block in installs:
        steps = _steps(block)
        install = next(i for i, s in enumerate(steps) if "pip install" in s)
        assert ". .venv/bin/activate" in steps[:install], block
        assert not steps[install].startswith("python3 -m pip"), block


def _pinned_refs() -> list[str]:
    refs = re.findall(r"git\+https://\S+?@([^\s\"']+)", README)
    refs += re.findall(r"^\s*rev:\s*(\S+)", README, re.MULTILINE)
    return refs


def test_the_ci_snippets_pin_no_tag_that_does_not_exist() -> None:
    refs = _pinned_refs()
    assert len(refs) == 2  # the GitHub Actions install and the pre-commit rev
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    tags = subprocess.run(
        [git, "tag", "--list"], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout.split()
    for ref in refs:
        assert ref == PLACEHOLDER or ref in tags, f"{ref} is not a tag of this repository"
    # The placeholder is explained where the snippets start.
    assert f"`{PLACEHOLDER}` with a full commit id" in README
