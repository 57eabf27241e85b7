"""Shared test helpers: where the shared data lives, Hypothesis profiles, running the CLI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_DOCUMENTS = SHARED / "seed" / "documents"
CORPUS = SHARED / "corpus"
EXAMPLE = REPO / "examples" / "matillion.toml"

# A fast default for local runs, `ci` for .ci/run, `thorough` for an occasional deep run:
#   HYPOTHESIS_PROFILE=thorough python -m pytest
settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def in_ci() -> bool:
    """Whether this is a CI run: ``CI`` set to a true value (CI services set ``CI=true``, and so
    does ``.ci/run``)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def need(path: Path) -> Path:
    """``path``, from the shared data beside the repository (``../shared``). Without it the test
    fails in CI, where a skip would hide that it never ran, and is skipped elsewhere."""
    if not path.exists():
        message = f"shared data not found at {path} (the tests expect ../shared beside the repo)"
        if in_ci():
            pytest.fail(f"{message}; CI must provide it", pytrace=False)
        pytest.skip(message)
    return path


@dataclass(frozen=True)
class Result:
    """What one in-process run of the command line did."""

    code: int
    out: str
    err: str


def run_cli(*args: str, stdin: bytes = b"") -> Result:
    """Run ``iam-redshift ARGS`` in-process with captured streams."""
    from iam_redshift.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


def assert_render_refuses(setup: Path, content: bytes, words: list[str]) -> None:
    """``iam-redshift render SETUP -o OUT`` with ``content`` in ``setup`` exits 2 with one error
    line that names the file and holds each of ``words``, and writes nothing."""
    setup.write_bytes(content)
    out = setup.parent / "out"
    result = run_cli("render", str(setup), "-o", str(out))
    assert result.code == 2, result.out
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err  # and so no traceback
    assert lines[0].startswith(f"iam-redshift: error: {setup}: ")
    for word in words:
        assert word in lines[0]
    assert not out.exists()


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter (in the repository) has imported after running ``code``."""
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(result.stdout.splitlines()[-1].split())
