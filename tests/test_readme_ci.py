"""The README's "Configuring the linter" and "Use in CI" examples are real: the configuration
validates, and the workflow uploads the file that its lint step writes."""

from __future__ import annotations

import re
import sys

import pytest

from iam_redshift._schemas import validator
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_configuration_example_follows_the_schema() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    block = re.search(r"```toml\n(\[tool\.iam-redshift\]\n.*?)```", README, re.DOTALL)
    assert block is not None
    table = tomllib.loads(block.group(1))["tool"]["iam-redshift"]
    assert list(validator("config.schema.json").iter_errors(table)) == []
    assert set(table) >= {"select", "ignore", "fail-on", "per-file-ignores", "severity", "suppress"}


def test_the_workflow_uploads_the_sarif_file_it_writes() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit (the test extras)")
    block = re.search(r"```yaml\n(name: .*?)```", README, re.DOTALL)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    (sarif_step,) = [r for r in runs if "--format sarif" in r]
    written = sarif_step.split(">")[-1].strip()
    (upload,) = [
        s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    ]
    assert upload["with"]["sarif_file"] == written
    assert any("--format github" in r for r in runs)
