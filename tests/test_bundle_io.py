"""Writing a bundle never overwrites what it does not own and never leaves half a bundle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run_cli


def test_rerender_over_own_bundle_is_allowed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0


def test_refuses_to_overwrite_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    mine = out / "Redshift-Access-Role-1" / "trust-policy.json"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own policy\n", encoding="utf-8")
    result = run_cli("render", str(EXAMPLE), "-o", str(out))
    assert result.code == 2
    assert "Redshift-Access-Role-1/trust-policy.json" in result.err
    assert "--force" in result.err
    assert mine.read_text(encoding="utf-8") == "my own policy\n"
    assert sorted(p.name for p in out.rglob("*")) == ["Redshift-Access-Role-1", "trust-policy.json"]
    forced = run_cli("render", str(EXAMPLE), "-o", str(out), "--force")
    assert forced.code == 0
    assert mine.read_text(encoding="utf-8").startswith("{")


def test_foreign_manifest_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "iam-redshift.json").write_text("not json", encoding="utf-8")
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 2
    assert (out / "iam-redshift.json").read_text(encoding="utf-8") == "not json"


def test_documents_of_a_removed_role_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0
    smaller = tmp_path / "one.toml"
    smaller.write_text(
        EXAMPLE.read_text(encoding="utf-8").split(
            '[[access_roles]]\nname = "Redshift-Access-Role-2'
        )[0],
        encoding="utf-8",
    )
    assert run_cli("render", str(smaller), "-o", str(out)).code == 0
    assert not (out / "Redshift-Access-Role-2").exists()
    assert (out / "Redshift-Access-Role-1" / "trust-policy.json").is_file()


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = run_cli("render", str(EXAMPLE), "-o", str(target))
    assert result.code == 2
    assert "not a directory" in result.err


def test_failed_write_leaves_the_previous_bundle_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    other = tmp_path / "other.toml"
    other.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("123456789012", "999999999999"),
        encoding="utf-8",
    )
    result = run_cli("render", str(other), "-o", str(out))
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.code == 2
    assert "No space left on device" in result.err
    assert calls
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # no temporary files left, nothing changed


def test_init_writes_the_example_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "setup.toml"
    assert run_cli("init", str(target)).code == 0
    assert target.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    target.write_text("edited", encoding="utf-8")
    again = run_cli("init", str(target))
    assert again.code == 2
    assert "already exists" in again.err
    assert target.read_text(encoding="utf-8") == "edited"
    assert run_cli("init", str(target), "--force").code == 0
    assert run_cli("render", str(target)).code == 0
