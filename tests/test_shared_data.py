"""Tests that read the shared data beside the repository (``../shared``) fail in CI when it is
missing, where a skip would hide that they never ran; elsewhere they skip."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, need


@pytest.mark.parametrize("value", ["true", "True", "1", "yes"])
def test_missing_shared_data_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"shared data not found at .*absent.*CI must"):
        need(tmp_path / "absent")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_missing_shared_data_skips_outside_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match=r"shared data not found at .*absent"):
        need(tmp_path / "absent")


def test_present_shared_data_is_returned_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", "true")
    assert need(tmp_path) == tmp_path


@pytest.mark.parametrize(("given", "seen"), [(None, "true"), ("false", "false"), ("1", "1")])
def test_the_ci_script_runs_as_ci_unless_told_otherwise(given: str | None, seen: str) -> None:
    # The line of .ci/run that sets CI, run by bash as the script runs it.
    (line,) = [
        line
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.startswith("export CI=")
    ]
    environment = {"PATH": "/usr/bin:/bin"} | ({} if given is None else {"CI": given})
    shown = subprocess.run(
        ["bash", "-c", f'{line}\nprintf %s "$CI"'],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == seen
