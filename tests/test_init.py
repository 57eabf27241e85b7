"""``iam-redshift init`` writes a setup that ``render`` reads back: JSON for a ``.json`` name,
and the least-privilege example on request (issue 14, item 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO, run_cli

LEAST_PRIVILEGE = REPO / "examples" / "least-privilege.toml"


@pytest.mark.parametrize(
    ("arguments", "example"),
    [
        ([], EXAMPLE),
        (["--profile", "seed"], EXAMPLE),
        (["--profile", "least-privilege"], LEAST_PRIVILEGE),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".JSON", ".toml"])
def test_init_writes_a_setup_that_renders_like_the_example(
    tmp_path: Path, arguments: list[str], example: Path, suffix: str
) -> None:
    target = tmp_path / f"x{suffix}"
    result = run_cli("init", str(target), *arguments)
    assert result.code == 0, result.err
    assert f"iam-redshift render {target}" in result.out
    text = target.read_text(encoding="utf-8")
    if suffix == ".toml":
        assert text == example.read_text(encoding="utf-8")
    else:
        assert isinstance(json.loads(text), dict)
    rendered = run_cli("render", str(target))
    assert rendered.code == 0, rendered.err
    assert rendered.out == run_cli("render", str(example)).out


def test_an_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "x.toml"), "--profile", "strict")
    assert result.code == 2
    assert "least-privilege" in result.err
    assert not (tmp_path / "x.toml").exists()
