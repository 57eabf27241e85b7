"""The wheel is real: built, installed in a fresh virtual environment, and rendering from there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # Build from a copy, so that the build leaves nothing (build/, *.egg-info) in the checkout.
    source = tmp_path_factory.mktemp("source") / "iam-redshift"
    shutil.copytree(
        REPO,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".ci-venv", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    completed = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    (built,) = dist.glob("iam_redshift-*.whl")
    return built


def test_wheel_holds_the_schemas_examples_and_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (REPO / "schemas").glob("*.schema.json"):
        assert f"iam_redshift/schemas/{schema.name}" in names
    assert "iam_redshift/examples/matillion.toml" in names
    assert "iam_redshift/py.typed" in names
    # The action index: its top-level file and one file per service.
    assert "iam_redshift/knowledge/data/index.json" in names
    shipped = (REPO / "iam_redshift" / "knowledge" / "data" / "services").glob("*.json")
    assert {f"iam_redshift/knowledge/data/services/{p.name}" for p in shipped} <= names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_wheel_renders_the_example(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # The dependencies come from this environment (no network); the package from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import iam_redshift._schemas as s, importlib.resources as r;"
            "print(r.files('iam_redshift'));print(s.schema_names())",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env_dir) in where.splitlines()[0]
    assert "setup.schema.json" in where
    rendered = subprocess.run(
        [str(bindir / "iam-redshift"), "render", str(EXAMPLE), "-o", "out"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    manifest = json.loads((work / "out" / "iam-redshift.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 6
    init = subprocess.run(
        [str(bindir / "iam-redshift"), "init", "mine.toml"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    assert (work / "mine.toml").read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    shown = subprocess.run(
        [str(bindir / "iam-redshift"), "knowledge"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "iam-floyd 0.851.0 (2026-10" in shown.stdout
    assert str(env_dir) in shown.stdout  # the index inside the installed package
