"""Configuration through the command line: discovery, every key, suppressions, and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift._memo import Memo
from iam_redshift.configuration import (
    Config,
    RunScope,
    Suppression,
    apply_config,
    find_config,
    load_config,
    parse_config,
)
from iam_redshift.findings import Finding, Severity
from iam_redshift.rules import all_rules
from iam_redshift.sources.discover import matches_path
from tests.conftest import Result, run_cli
from tests.lint_helpers import CLEAN, NO_VERSION, invalid_sids, write_tree

PYPROJECT_HEAD = '[project]\nname = "someone-elses"\n\n'


def codes(result: Result) -> list[str]:
    assert result.code in (0, 1), result.err
    document = json.loads(result.out)
    return [f["code"] for f in document["findings"]]


def lint_json(*args: str) -> Result:
    return run_cli("lint", "--format", "json", *args)


def findings(result: Result) -> list[dict[str, Any]]:
    assert result.code in (0, 1), result.err
    found: list[dict[str, Any]] = json.loads(result.out)["findings"]
    return found


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a document of each kind of finding the tests count on."""
    write_tree(
        tmp_path,
        {
            "policies/sids.json": invalid_sids("read-roles", "Fine"),
            "policies/legacy/old.json": NO_VERSION,
            "policies/clean.json": CLEAN,
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(root: Path, text: str, *, name: str = ".iam-redshift.toml") -> None:
    (root / name).write_text(text, encoding="utf-8")


# -- discovery ------------------------------------------------------------------------------------


def test_pyproject_table_is_found_from_a_subdirectory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(
        project, PYPROJECT_HEAD + '[tool.iam-redshift]\nignore = ["IR103"]\n', name="pyproject.toml"
    )
    monkeypatch.chdir(project / "policies")
    assert codes(lint_json(".")) == ["IR104"]


@pytest.mark.parametrize(
    "header",
    [
        '[tool."\\u0069\\u0061\\u006d-redshift"]',
        '[tool."\\u0069am-redshift"]',
        "[TOOL.IAM-REDSHIFT]\n[tool.'iam-redshift']",
    ],
)
def test_pyproject_table_spelt_with_escapes_is_still_found(project: Path, header: str) -> None:
    # A quick byte check spares a pyproject without "iam" the TOML parse; a key spelt with
    # TOML escapes names the same table and must not be passed over by it.
    configure(project, PYPROJECT_HEAD + header + '\nignore = ["IR103"]\n', name="pyproject.toml")
    assert find_config(project) == project / "pyproject.toml"
    assert codes(lint_json("policies")) == ["IR104"]


def test_own_file_wins_over_pyproject_in_the_same_directory(project: Path) -> None:
    configure(project, '[tool.iam-redshift]\nignore = ["IR103"]\n', name="pyproject.toml")
    configure(project, 'ignore = ["IR104"]\n')
    assert find_config(project) == project / ".iam-redshift.toml"
    assert codes(lint_json("policies")) == ["IR103"]


def test_a_pyproject_without_the_table_is_passed_over(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(project, 'ignore = ["IR104"]\n')
    configure(project / "policies", PYPROJECT_HEAD, name="pyproject.toml")
    monkeypatch.chdir(project / "policies")
    assert find_config() == project / ".iam-redshift.toml"
    assert codes(lint_json(".")) == ["IR103"]


def test_explicit_config_and_isolated(project: Path) -> None:
    configure(project, 'ignore = ["IR104"]\n')
    other = project / "ci.toml"
    other.write_text('ignore = ["IR103"]\n', encoding="utf-8")
    assert codes(lint_json("policies")) == ["IR103"]
    assert codes(lint_json("--config", "ci.toml", "policies")) == ["IR104"]
    assert codes(lint_json("--isolated", "policies")) == ["IR103", "IR104"]


def test_a_missing_config_file_exits_2(project: Path) -> None:
    result = run_cli("lint", "--config", "nowhere.toml", "policies")
    assert result.code == 2
    assert result.err == "iam-redshift: error: nowhere.toml: no such configuration file\n"


def test_explicit_pyproject_without_the_table_exits_2(project: Path) -> None:
    configure(project, PYPROJECT_HEAD, name="pyproject.toml")
    result = run_cli("lint", "--config", "pyproject.toml", "policies")
    assert result.code == 2
    assert "pyproject.toml: no [tool.iam-redshift] table" in result.err


# -- keys -----------------------------------------------------------------------------------------


def test_select_and_ignore_take_codes_and_prefixes(project: Path) -> None:
    configure(project, 'select = ["IR10"]\nignore = ["IR104"]\n')
    assert codes(lint_json("policies")) == ["IR103"]
    configure(project, 'select = ["IR104"]\n')
    assert codes(lint_json("policies")) == ["IR104"]


def test_per_file_ignores_match_globs_relative_to_the_config_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(project, '[per-file-ignores]\n"policies/legacy/*.json" = ["IR1"]\n')
    assert codes(lint_json("policies")) == ["IR104"]
    # The same from a subdirectory: the glob is still relative to the configuration file.
    monkeypatch.chdir(project / "policies")
    assert codes(lint_json(".")) == ["IR104"]
    # A glob without a folder matches at any depth.
    configure(project, '[per-file-ignores]\n"sids.json" = ["IR104"]\n')
    assert codes(lint_json(".")) == ["IR103"]


def test_severity_changes_findings_and_the_exit_status(project: Path) -> None:
    configure(project, '[severity]\nIR104 = "suggestion"\n')
    result = lint_json("policies")
    assert {f["code"]: f["severity"] for f in findings(result)} == {
        "IR104": "suggestion",
        "IR103": "warning",
    }
    assert result.code == 0  # nothing at security-warning or above any more


def test_fail_on_from_the_configuration_and_the_command_line_wins(project: Path) -> None:
    configure(project, 'select = ["IR103"]\nfail-on = "warning"\n')
    assert run_cli("lint", "policies").code == 1
    assert run_cli("lint", "--fail-on", "error", "policies").code == 0
    configure(project, 'fail-on = "never"\n')
    assert run_cli("lint", "policies").code == 0


def test_exclude_applies_to_directories_and_globs_not_to_named_files(project: Path) -> None:
    configure(project, 'exclude = ["legacy"]\n')
    assert codes(lint_json("policies")) == ["IR104"]
    assert codes(lint_json("policies/**/*.json")) == ["IR104"]
    assert codes(lint_json("policies/legacy/old.json")) == ["IR103"]
    # As pre-commit runs it: named files are excluded too.
    result = run_cli("lint", "--force-exclude", "policies/legacy/old.json")
    assert result.code == 0
    assert "nothing to lint: policies/legacy/old.json is excluded" in result.err


def test_default_excludes_and_extend_exclude(project: Path) -> None:
    write_tree(
        project, {"policies/.venv/lib/x.json": NO_VERSION, "policies/gen/y.json": NO_VERSION}
    )
    assert [f["file"] for f in findings(lint_json("policies"))] == [
        "policies/gen/y.json",
        "policies/legacy/old.json",
        "policies/sids.json",
    ]
    configure(project, 'extend-exclude = ["policies/gen"]\n')
    assert "policies/gen/y.json" not in [f["file"] for f in findings(lint_json("policies"))]
    configure(project, "exclude = []\n")
    assert "policies/.venv/lib/x.json" in [f["file"] for f in findings(lint_json("policies"))]


def test_trust_policy_max_chars_raises_the_quota(project: Path) -> None:
    principal = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    padded = {
        **statement,
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["x" * 2500]}},
    }
    write_tree(project, {"trust.json": {"Version": "2012-10-17", "Statement": [padded]}})
    assert "IR401" in codes(lint_json("--kind", "trust", "trust.json"))
    configure(project, "trust-policy-max-chars = 4096\n")
    assert "IR401" not in codes(lint_json("--kind", "trust", "trust.json"))


# -- suppressions ---------------------------------------------------------------------------------


def test_a_suppression_hides_its_code_in_the_files_its_path_matches(project: Path) -> None:
    configure(
        project,
        '[[suppress]]\ncode = "IR103"\npath = "policies/legacy/*"\nreason = "vendor file"\n',
    )
    assert codes(lint_json("policies")) == ["IR104"]


def test_a_suppression_by_sid_hides_only_that_statements_findings(project: Path) -> None:
    write_tree(project, {"policies/sids.json": invalid_sids("read-roles", "write-roles")})
    configure(
        project,
        '[[suppress]]\ncode = "IR104"\npath = "policies/sids.json"\nsid = "read-roles"\n'
        'reason = "a script reads this Sid"\n',
    )
    remaining = [f for f in findings(lint_json("policies")) if f["code"] == "IR104"]
    assert [f["pointer"] for f in remaining] == ["/Statement/1/Sid"]


def test_a_suppression_by_sid_works_on_stdin(project: Path) -> None:
    configure(
        project,
        '[[suppress]]\ncode = "IR104"\npath = "policies/sids.json"\nsid = "read-roles"\n'
        'reason = "a script reads this Sid"\n',
    )
    data = (project / "policies/sids.json").read_bytes()
    result = run_cli(
        "lint", "--format", "json", "--stdin-filename", "policies/sids.json", "-", stdin=data
    )
    assert codes(result) == []


def test_an_unused_suppression_is_reported_at_its_line(project: Path) -> None:
    configure(
        project,
        PYPROJECT_HEAD + "[tool.iam-redshift]\n\n"
        '[[tool.iam-redshift.suppress]]\ncode = "IR103"\npath = "policies/legacy/old.json"\n'
        'reason = "vendor file"\n\n'
        '[[tool.iam-redshift.suppress]]\ncode = "IR104"\npath = "policies/clean.json"\n'
        'reason = "was broken once"\n',
        name="pyproject.toml",
    )
    result = lint_json("policies")
    (stale,) = [f for f in findings(result) if f["code"] == "IR901"]
    assert stale["file"] == "pyproject.toml"
    assert (stale["line"], stale["column"]) == (11, 1)
    assert stale["pointer"] == "/tool/iam-redshift/suppress/1"
    assert stale["severity"] == "warning"
    assert "IR104 in 'policies/clean.json'" in stale["message"]
    assert "matched no finding" in stale["message"]
    text = run_cli("lint", "policies").out
    assert "pyproject.toml:11:1: IR901 [warning] this suppression" in text


def test_a_suppression_for_a_file_that_is_gone_is_reported(project: Path) -> None:
    configure(project, '[[suppress]]\ncode = "IR103"\npath = "renamed.json"\nreason = "old"\n')
    (stale,) = [f for f in findings(lint_json("policies")) if f["code"] == "IR901"]
    assert stale["file"] == ".iam-redshift.toml"
    assert "matches no file" in stale["message"]


def test_an_unused_suppression_for_a_file_not_linted_this_time_is_not_reported(
    project: Path,
) -> None:
    # pre-commit passes only the changed files: the suppression is about another one.
    configure(
        project, '[[suppress]]\ncode = "IR103"\npath = "policies/legacy/old.json"\nreason = "x"\n'
    )
    assert codes(lint_json("policies/sids.json")) == ["IR104"]
    assert codes(lint_json(".")) == ["IR104"]


def test_unused_suppressions_follow_select_ignore_and_severity(project: Path) -> None:
    stale = '[[suppress]]\ncode = "IR104"\npath = "policies/clean.json"\nreason = "x"\n'
    configure(project, 'ignore = ["IR901"]\n' + stale)
    assert "IR901" not in codes(lint_json("policies"))
    configure(project, '[severity]\nIR901 = "error"\n' + stale)
    result = lint_json("policies")
    assert {f["code"]: f["severity"] for f in findings(result)}["IR901"] == "error"


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('selct = ["IR1"]\n', ".iam-redshift.toml: (top level): unknown key 'selct'"),
        ('select = ["IR7"]\n', ".iam-redshift.toml: select[0]: unknown rule code or prefix 'IR7'"),
        ('ignore = ["ir1"]\n', ".iam-redshift.toml: ignore[0]: 'ir1' is not valid"),
        ('[severity]\nIR999 = "error"\n', ".iam-redshift.toml: severity.IR999: unknown rule code"),
        ('[severity]\nIR104 = "high"\n', ".iam-redshift.toml: severity.IR104: 'high' is not one"),
        (
            '[per-file-ignores]\n"a/*.json" = ["IR8"]\n',
            '.iam-redshift.toml: per-file-ignores."a/*.json"[0]: unknown rule code or prefix',
        ),
        ('fail-on = "sometimes"\n', ".iam-redshift.toml: fail-on: 'sometimes' is not one of"),
        ("trust-policy-max-chars = 9000\n", ".iam-redshift.toml: trust-policy-max-chars: 9000"),
        ('exclude = "build"\n', ".iam-redshift.toml: exclude: expected array, got a string"),
        (
            '[[suppress]]\ncode = "IR103"\npath = "x.json"\n',
            ".iam-redshift.toml: suppress[0]: 'reason' is missing",
        ),
        (
            '[[suppress]]\ncode = "IR103"\npath = "x.json"\nreason = "  "\n',
            ".iam-redshift.toml: suppress[0].reason: '  ' is not valid",
        ),
        (
            '[[suppress]]\ncode = "IR9999"\npath = "x.json"\nreason = "r"\n',
            ".iam-redshift.toml: suppress[0].code: 'IR9999' is not valid",
        ),
        (
            '[[suppress]]\ncode = "IR3"\npath = "x.json"\nreason = "r"\n',
            ".iam-redshift.toml: suppress[0].code: 'IR3' is not valid",
        ),
        (
            '[[suppress]]\ncode = "IR103"\npath = "x.json"\nreason = "r"\nwhy = "r"\n',
            ".iam-redshift.toml: suppress[0]: unknown key 'why'",
        ),
        ("select = [\n", ".iam-redshift.toml: invalid TOML:"),
        (b"\xff\xfe", ".iam-redshift.toml: not UTF-8 text"),
    ],
)
def test_a_bad_configuration_exits_2_with_one_line_naming_the_key(
    project: Path, text: str | bytes, expected: str
) -> None:
    path = project / ".iam-redshift.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = run_cli("lint", "policies")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(f"iam-redshift: error: {expected}"), result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_pyproject_errors_name_the_full_key(project: Path) -> None:
    configure(project, '[tool.iam-redshift]\nselect = ["IR1"]\nfoo = 1\n', name="pyproject.toml")
    result = run_cli("lint", "policies")
    assert result.code == 2
    assert result.err.startswith(
        "iam-redshift: error: pyproject.toml: tool.iam-redshift: unknown key 'foo'"
    )


def test_an_empty_configuration_file_means_the_defaults(project: Path) -> None:
    configure(project, "")
    assert codes(lint_json("policies")) == ["IR103", "IR104"]


# -- the library --------------------------------------------------------------------------------


def test_every_catalogue_code_is_accepted_everywhere_a_code_is() -> None:
    for code in all_rules():
        text = (
            f'select = ["{code}"]\nignore = ["{code}"]\n[severity]\n{code} = "error"\n'
            f'[per-file-ignores]\n"x" = ["{code}"]\n'
            f'[[suppress]]\ncode = "{code}"\npath = "x"\nreason = "r"\n'
        )
        config = parse_config(text)
        assert config.suppress[0].code == code


def test_load_config_positions_and_pointers(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        "[tool.iam-redshift]\n"
        '  [[tool."iam-redshift".suppress]]\ncode = "IR103"\npath = "a"\nreason = " r "\n',
        encoding="utf-8",
    )
    config = load_config(path)
    (suppression,) = config.suppress
    assert (suppression.line, suppression.column) == (2, 3)
    assert suppression.pointer == "/tool/iam-redshift/suppress/0"
    assert suppression.reason == "r"
    assert config.root == str(tmp_path)


_CODES = ("IR101", "IR103", "IR104")
_FILES = ("a.json", "roles/a.json", "roles/b.json", "legacy/old.json")
_GLOBS = ("a.json", "roles/*", "*.json", "legacy/*", "nothing.json")


@given(
    found=st.lists(
        st.builds(
            Finding,
            code=st.sampled_from(_CODES),
            severity=st.sampled_from(Severity),
            message=st.just("m"),
            file=st.sampled_from(_FILES),
            pointer=st.sampled_from(["", "/Statement/0/Sid"]),
            line=st.integers(1, 50),
            column=st.integers(1, 9),
        ),
        max_size=12,
        unique=True,
    ),
    suppressions=st.lists(
        st.builds(
            Suppression,
            code=st.sampled_from(_CODES),
            path=st.sampled_from(_GLOBS),
            reason=st.just("r"),
        ),
        max_size=4,
    ),
)
def test_every_finding_is_either_kept_or_suppressed_by_a_matching_suppression(
    found: list[Finding], suppressions: list[Suppression]
) -> None:
    config = Config(file=".iam-redshift.toml", suppress=tuple(suppressions))
    scope = RunScope(covers=lambda _: True, everything=True, existing=lambda: _FILES)
    outcome = apply_config(found, config, scope=scope)
    kept = [f for f in outcome.findings if f.code != "IR901"]
    assert sorted(kept + [s.finding for s in outcome.suppressed], key=Finding.sort_key) == sorted(
        found, key=Finding.sort_key
    )
    for hidden in outcome.suppressed:
        assert hidden.suppression.code == hidden.finding.code
        assert matches_path(hidden.finding.file, hidden.suppression.path)
    for finding in kept:
        assert not any(
            s.code == finding.code and matches_path(finding.file, s.path) for s in suppressions
        )
    used = {id(s.suppression) for s in outcome.suppressed}
    stale = [f for f in outcome.findings if f.code == "IR901"]
    assert len(stale) == sum(1 for s in suppressions if id(s) not in used)


# -- exclude: each folder's answer is remembered, and is the same as asking it every time -------

_COMPONENTS = st.sampled_from(["a", "b", ".git", ".x", "node_modules", "venv", "", "x.json", "ab"])
_EXCLUDE_PATTERNS = st.sampled_from(
    [".*", ".git", "venv/", "a/b", "/a", "**/b", "x*", "*.json", "a/*", "node_modules", "[ab]"]
)


def _excluded_by_each_folder(relative: str, patterns: tuple[str, ...]) -> bool:
    """The path, or a folder above it, matches a pattern: each asked afresh."""
    parts = relative.split("/")
    candidates = ("/".join(parts[:end]) for end in range(len(parts), 0, -1))
    return any(
        candidate and any(matches_path(candidate, p.rstrip("/")) for p in patterns)
        for candidate in candidates
    )


@given(
    paths=st.lists(st.lists(_COMPONENTS, min_size=1, max_size=5).map("/".join), max_size=8),
    patterns=st.lists(_EXCLUDE_PATTERNS, max_size=4).map(tuple),
)
def test_exclusion_agrees_with_asking_every_folder(
    paths: list[str], patterns: tuple[str, ...]
) -> None:
    config = Config(exclude=patterns)
    # In a drawn order: later paths meet the folders earlier ones had answered.
    for path in paths:
        assert config.excluded(path) == _excluded_by_each_folder(path, patterns), path


def test_remembered_folders_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from iam_redshift.configuration import file

    monkeypatch.setattr(file, "_FOLDER_ANSWERS", Memo(8))
    config = Config(exclude=("x*",))
    for number in range(50):
        folder = f"deep/f{number}" if number % 3 else f"x{number}/f"
        assert config.excluded(f"{folder}/p.json") == (number % 3 == 0)
        assert len(file._FOLDER_ANSWERS) <= 8
