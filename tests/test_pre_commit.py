"""The pre-commit hook this repository provides, and the README snippet that uses it."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import REPO

MANIFEST = REPO / ".pre-commit-hooks.yaml"


def test_pre_commit_validate_manifest_passes() -> None:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (it is in the test extras)")
    completed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def _hook() -> dict[str, object]:
    import yaml  # pre-commit's own dependency

    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hook, dict)
    return hook


def test_the_hook_runs_our_lint_command_on_json_files() -> None:
    pytest.importorskip("yaml", reason="PyYAML comes with pre-commit (the test extras)")
    hook = _hook()
    assert hook["id"] == "iam-redshift-lint"
    assert hook["language"] == "python"
    assert hook["types"] == ["json"]
    entry = shlex.split(str(hook["entry"]))
    assert entry[:2] == ["iam-redshift", "lint"]
    # The entry's options are ones `lint` accepts: parse them with a file name appended.
    from iam_redshift.cli import build_parser

    namespace = build_parser().parse_args([*entry[1:], "policy.json"])
    assert namespace.force_exclude


def test_the_readme_shows_the_configuration_users_add() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(repos:\n.*?)```", readme, re.DOTALL)
    assert block is not None
    pytest.importorskip("yaml", reason="PyYAML comes with pre-commit (the test extras)")
    import yaml

    config = yaml.safe_load(block.group(1))
    (repo,) = config["repos"]
    assert repo["rev"]
    assert [h["id"] for h in repo["hooks"]] == [_hook()["id"]]
