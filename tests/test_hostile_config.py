"""Configuration and paths as a hostile (or hurried) user writes them (issue 14, items 13, 15,
17, 19): gitignore's ``**/``, regular expressions given as globs, blank reasons, floats for
integers, a misspelt pyproject table, the instance role in configuration, SARIF paths that do
not depend on the current directory, and a bad manifest path reported as IR107."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.configuration import Config, parse_config
from iam_redshift.errors import ConfigError
from iam_redshift.sources.discover import matches_path
from iam_redshift.sources.globs import glob_matches
from tests.conftest import run_cli
from tests.lint_helpers import CLEAN, NO_VERSION, assert_valid_sarif, write_tree

ROLE = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- globs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("x.json", "**/*.json", True),  # a root-level file: zero folders
        ("a/b/x.json", "**/*.json", True),
        ("a/p.json", "a/**/p.json", True),  # zero folders between
        ("a/b/c/p.json", "a/**/p.json", True),
        ("out/Role/trust-policy.json", "trust-policy.json", True),  # any depth
        ("x.json", "/x.json", True),  # a leading / anchors to the root
        ("a/x.json", "/x.json", False),
        ("legacyx", "legacy", False),
        ("roles/a/b.json", "roles/*.json", True),  # * crosses /, as documented
        ("c.json", "[!ab].json", True),
        ("a.json", "[^ab].json", False),
        ("a.txt", "*.json", False),
    ],
)
def test_globs_follow_gitignore_for_double_star(path: str, pattern: str, expected: bool) -> None:
    assert matches_path(path, pattern) is expected


@given(st.text(alphabet="ab/*?", max_size=12), st.text(alphabet="ab/", max_size=12))
def test_double_star_slash_is_zero_or_more_folders(pattern: str, path: str) -> None:
    # "**/" anywhere at a folder boundary means: nothing, or any folders.
    anchored = "/" + pattern
    with_folders = glob_matches(path, anchored.replace("/**/", "/", 1))
    if "/**/" in anchored and with_folders:
        assert glob_matches(path, anchored)


def test_a_hostile_glob_matches_in_linear_time() -> None:
    # fnmatch-style backtracking would take ages on this; the automaton reads each
    # character once (no time is asserted: the test would hang, not fail, without it).
    assert not glob_matches("a" * 3000, "*a" * 30 + "b")


def test_exclude_with_double_star_excludes_root_files(here: Path) -> None:
    write_tree(
        here,
        {
            ".iam-redshift.toml": 'exclude = ["**/*.json"]\n',
            "top.json": NO_VERSION,
            "a/deep.json": NO_VERSION,
        },
    )
    result = run_cli("lint", "--allow-empty", ".")
    assert result.code == 0
    assert "nothing to lint" in result.err


def test_per_file_ignores_with_zero_folders(here: Path) -> None:
    write_tree(
        here,
        {
            ".iam-redshift.toml": '[per-file-ignores]\n"legacy/**/old.json" = ["IR103"]\n',
            "legacy/old.json": NO_VERSION,
        },
    )
    result = run_cli("lint", "--format", "json", ".")
    assert json.loads(result.out)["findings"] == []


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("exclude[0]", r'exclude = [".*\\.json"]'),
        ("extend-exclude[0]", 'extend-exclude = ["^gen/"]'),
        ('per-file-ignores."old$"', '[per-file-ignores]\n"old$" = ["IR103"]'),
        (
            "suppress[0].path",
            '[[suppress]]\ncode = "IR103"\npath = "(.*)/x.json"\nreason = "vendor file"',
        ),
    ],
)
def test_a_regular_expression_for_a_glob_is_refused(here: Path, key: str, text: str) -> None:
    (here / ".iam-redshift.toml").write_text(text + "\n", encoding="utf-8")
    write_tree(here, {"p.json": CLEAN})
    result = run_cli("lint", ".")
    assert result.code == 2
    assert f".iam-redshift.toml: {key}: " in result.err
    assert "looks like a regular expression" in result.err


# -- values the schema lets through ----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["\u200b", " \u200b\ufeff ", "\u2060\t", "\u00a0"])
def test_a_blank_reason_is_refused(reason: str) -> None:
    text = f'[[suppress]]\ncode = "IR103"\npath = "x.json"\nreason = "{reason}"\n'
    with pytest.raises(ConfigError, match=r"suppress\[0\]\.reason: "):
        parse_config(text)


def test_a_reason_with_words_is_kept() -> None:
    text = '[[suppress]]\ncode = "IR103"\npath = "x.json"\nreason = "\u200bvendor file"\n'
    assert parse_config(text).suppress[0].reason == "\u200bvendor file"


@pytest.mark.parametrize("value", ["3000.0", "2048.5", "true"])
def test_trust_policy_max_chars_must_be_an_integer(value: str) -> None:
    with pytest.raises(ConfigError, match="trust-policy-max-chars: "):
        parse_config(f"trust-policy-max-chars = {value}\n")


def test_trust_policy_max_chars_as_an_integer() -> None:
    assert parse_config("trust-policy-max-chars = 3000\n").trust_policy_max_chars == 3000


# -- [tool.iam_redshift] ---------------------------------------------------------------------------


def test_a_misspelt_pyproject_table_is_a_warning(here: Path) -> None:
    write_tree(
        here,
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.iam_redshift]\nignore = ["IR103"]\n',
            "p.json": NO_VERSION,
        },
    )
    result = run_cli("lint", "--format", "json", ".")
    assert result.code == 0
    assert (
        "iam-redshift: warning: pyproject.toml: [tool.iam_redshift] is not read: the table is "
        "[tool.iam-redshift] (with a hyphen)\n"
    ) in result.err
    # Not read: IR103 is still reported.
    assert [f["code"] for f in json.loads(result.out)["findings"]] == ["IR103"]


def test_a_misspelt_table_named_with_config_is_an_error_that_says_so(here: Path) -> None:
    (here / "pyproject.toml").write_text("[tool.iam_redshift]\nselect = []\n", encoding="utf-8")
    write_tree(here, {"p.json": CLEAN})
    result = run_cli("lint", "--config", "pyproject.toml", ".")
    assert result.code == 2
    assert "[tool.iam_redshift] is not read: the table is [tool.iam-redshift]" in result.err


def test_the_right_table_gives_no_warning(here: Path) -> None:
    write_tree(here, {"pyproject.toml": "[tool.iam-redshift]\n", "p.json": CLEAN})
    assert run_cli("lint", ".").err == ""


# -- instance-role ---------------------------------------------------------------------------------

#: A loose trust policy that lets the instance role named by ROLE in.
TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sts:AssumeRole"},
    ],
}
OTHER = "arn:aws:iam::123456789012:role/Someone-Else"


def _codes(result: Any) -> list[str]:
    assert result.code in (0, 1), result.err
    return [f["code"] for f in json.loads(result.out)["findings"]]


def test_instance_role_in_configuration_acts_as_the_flag(here: Path) -> None:
    write_tree(here, {"trust.json": TRUST})
    by_flag = _codes(
        run_cli("lint", "--isolated", "--format", "json", "--instance-role", OTHER, ".")
    )
    assert by_flag  # the policy lets in a role other than the one named
    (here / ".iam-redshift.toml").write_text(f'instance-role = "{OTHER}"\n', encoding="utf-8")
    assert _codes(run_cli("lint", "--format", "json", ".")) == by_flag
    # The flag wins over the configuration.
    assert _codes(run_cli("lint", "--format", "json", "--instance-role", ROLE, ".")) == []


@pytest.mark.parametrize(
    "value", ["arn:aws:iam::123456789012:user/u", "EC2-Redshift-Initiator-Role", "arn:aws:iam"]
)
def test_instance_role_must_be_a_role_arn(value: str) -> None:
    with pytest.raises(ConfigError, match="instance-role: "):
        parse_config(f'instance-role = "{value}"\n')


def test_instance_role_in_pyproject_is_named_with_its_table() -> None:
    text = '[tool.iam-redshift]\ninstance-role = "role/x"\n'
    with pytest.raises(ConfigError, match=r"tool\.iam-redshift\.instance-role: "):
        parse_config(text, source="pyproject.toml", pyproject=True)


# -- SARIF from any directory ----------------------------------------------------------------------


def _sarif_places(result: Any) -> list[tuple[str, str]]:
    assert result.code in (0, 1), result.err
    log = json.loads(result.out)
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    places = []
    for entry in run["results"]:
        location = entry["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        places.append((location["uri"], next(iter(entry["partialFingerprints"].values()))))
    return places


def test_sarif_paths_and_fingerprints_do_not_depend_on_the_current_directory(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(here, {"repo/.git/HEAD": "ref: x\n", "repo/infra/roles/p.json": NO_VERSION})
    monkeypatch.chdir(here / "repo")
    from_root = _sarif_places(run_cli("lint", "--format", "sarif", "infra/roles"))
    monkeypatch.chdir(here / "repo" / "infra")
    from_infra = _sarif_places(run_cli("lint", "--format", "sarif", "roles"))
    monkeypatch.chdir(here / "repo" / "infra" / "roles")
    from_roles = _sarif_places(run_cli("lint", "--format", "sarif", "."))
    assert from_root == from_infra == from_roles
    assert [uri for uri, _ in from_root] == ["infra/roles/p.json"]


def test_sarif_paths_are_relative_to_the_configuration_without_a_repository(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(here, {"proj/.iam-redshift.toml": "", "proj/roles/p.json": NO_VERSION})
    monkeypatch.chdir(here / "proj" / "roles")
    assert [uri for uri, _ in _sarif_places(run_cli("lint", "--format", "sarif", "."))] == [
        "roles/p.json"
    ]


def test_github_annotations_name_files_from_the_repository_root(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(here, {".git/HEAD": "ref: x\n", "infra/p.json": NO_VERSION})
    monkeypatch.chdir(here / "infra")
    result = run_cli("lint", "--format", "github", ".")
    assert re.search(r"file=infra/p\.json,", result.out), result.out


# -- IR107, not IR403 ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_path", ["", "a" * 2000 + ".json", "/abs.json", "../out.json"])
def test_a_bad_document_path_in_a_manifest_is_ir107(here: Path, bad_path: str) -> None:
    from tests.fuzz_inputs import rendered_with

    write_tree(here / "b", rendered_with("documents", 0, "path", value=bad_path))
    found = json.loads(run_cli("lint", "--isolated", "--format", "json", "b").out)["findings"]
    at_path = {f["code"] for f in found if f["pointer"] == "/documents/0/path"}
    assert at_path == {"IR107"}


def test_a_bad_role_name_in_a_manifest_is_still_ir403(here: Path) -> None:
    from tests.fuzz_inputs import rendered_with

    write_tree(here / "b", rendered_with("access_roles", 0, "name", value="Bad Name"))
    found = json.loads(run_cli("lint", "--isolated", "--format", "json", "b").out)["findings"]
    assert "IR403" in {f["code"] for f in found}


def test_config_relative_is_unchanged(here: Path) -> None:
    assert Config(root=str(here)).relative(here / "a" / "b.json") == "a/b.json"
