"""``iam-redshift lint`` as CI, editors and people use it: paths, globs, stdin, bundles, exit
codes and bad input."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, run_cli
from tests.lint_helpers import (
    CLEAN,
    NO_VERSION,
    cross_document_rules,
    invalid_sids,
    rules_with_examples,
    write_tree,
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_of(result_out: str) -> list[str]:
    return [f["file"] for f in json.loads(result_out)["findings"]]


# -- exit codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 1), ("security-warning", 1), ("warning", 1), ("suggestion", 1), ("never", 0)],
)
def test_fail_on_with_an_error(here: Path, fail_on: str, expected: int) -> None:
    write_tree(here, {"p.json": invalid_sids("a-b")})
    assert run_cli("lint", "--fail-on", fail_on, "p.json").code == expected


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 0), ("security-warning", 0), ("warning", 1), ("suggestion", 1), ("never", 0)],
)
def test_fail_on_with_a_warning(here: Path, fail_on: str, expected: int) -> None:
    write_tree(here, {"p.json": NO_VERSION})
    assert run_cli("lint", "--fail-on", fail_on, "p.json").code == expected


def test_the_default_fails_on_security_warnings_and_above(here: Path) -> None:
    write_tree(here, {"warning.json": NO_VERSION, "error.json": invalid_sids("a-b")})
    assert run_cli("lint", "warning.json").code == 0
    assert run_cli("lint", "error.json").code == 1
    assert run_cli("lint", "--fail-on", "sometimes", "error.json").code == 2


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "xml", "p.json"), "argument --format: invalid choice: 'xml'"),
        (("missing.json",), "missing.json: no such file or directory"),
        (("nothing/*.json",), "nothing/*.json: no file or directory matches this pattern"),
        (("--config", "missing.toml", "p.json"), "missing.toml: no such configuration file"),
        (("--config", "c.toml", "--isolated", "p.json"), "not allowed with argument"),
        (("--instance-role", "EC2-Role", "p.json"), "--instance-role: 'EC2-Role' is not a role"),
    ],
)
def test_usage_errors_exit_2_with_one_line(here: Path, args: tuple[str, ...], message: str) -> None:
    write_tree(here, {"p.json": CLEAN})
    result = run_cli("lint", *args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("iam-redshift: error: ")
    assert message in result.err
    assert result.err.count("\n") == 1


def test_a_directory_with_no_policy_files_is_an_error_unless_allowed(here: Path) -> None:
    # A mistyped CI path must not pass as "no findings" (eslint's behaviour).
    write_tree(here, {"docs/readme.md": "# no policies here\n"})
    result = run_cli("lint", "docs")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "iam-redshift: error: docs: nothing to lint: it holds no *.json file the configuration "
        "does not exclude (pass --allow-empty to accept that)\n"
    )
    allowed = run_cli("lint", "--allow-empty", "docs")
    assert (allowed.code, allowed.out) == (0, "")
    assert allowed.err == (
        "iam-redshift: nothing to lint: docs: it holds no *.json file the configuration does "
        "not exclude\n"
    )


def test_an_empty_stdin_is_an_error_unless_allowed(here: Path) -> None:
    result = run_cli("lint", "-", stdin=b"  \n")
    assert (result.code, result.out) == (2, "")
    assert "stdin: nothing to lint: it is empty" in result.err
    allowed = run_cli("lint", "--allow-empty", "-", stdin=b"  \n")
    assert (allowed.code, allowed.out) == (0, "")
    assert allowed.err == "iam-redshift: nothing to lint: stdin: it is empty\n"


def test_one_empty_path_among_others_is_still_an_error(here: Path) -> None:
    write_tree(here, {"p.json": CLEAN, "empty/readme.md": "x"})
    assert run_cli("lint", "p.json", "empty").code == 2
    assert run_cli("lint", "--allow-empty", "p.json", "empty").code == 0


def test_a_glob_whose_matches_are_all_excluded_is_an_error(here: Path) -> None:
    write_tree(here, {".iam-redshift.toml": 'exclude = ["gen"]\n', "gen/a.json": CLEAN})
    result = run_cli("lint", "gen/*.json")
    assert result.code == 2
    assert "gen/*.json: nothing to lint: every match is excluded" in result.err
    assert run_cli("lint", "--allow-empty", "gen/*.json").code == 0


def test_unreadable_documents_are_findings_not_tracebacks(here: Path) -> None:
    write_tree(here, {"cut.json": '{"Version": ', "binary.json": b"\xff\xfe\x00"})
    result = run_cli("lint", ".")
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert [line.split(": ")[1][:5] for line in result.out.splitlines()[:-1]] == [
        "IR100",
        "IR100",
    ]


# -- what is linted -------------------------------------------------------------------------------


def test_stdin_with_a_file_name_for_editors(here: Path) -> None:
    data = json.dumps(NO_VERSION).encode()
    result = run_cli("lint", "--stdin-filename", "roles/p.json", "-", stdin=data)
    assert result.out.startswith("roles/p.json:1:1: IR103 [warning]")
    (here / ".iam-redshift.toml").write_text(
        '[per-file-ignores]\n"roles/*" = ["IR103"]\n', encoding="utf-8"
    )
    result = run_cli("lint", "--stdin-filename", "roles/p.json", "-", stdin=data)
    assert result.out == "No findings.\n"


def test_directories_are_searched_recursively_and_globs_expanded(here: Path) -> None:
    write_tree(
        here,
        {
            "a/p.json": NO_VERSION,
            "a/b/c/q.json": NO_VERSION,
            "a/b/notes.txt": "not a policy",
            "z/r.json": NO_VERSION,
        },
    )
    assert files_of(run_cli("lint", "--format", "json", "a").out) == ["a/b/c/q.json", "a/p.json"]
    assert files_of(run_cli("lint", "--format", "json", "*/p.json", "z").out) == [
        "a/p.json",
        "z/r.json",
    ]
    assert files_of(run_cli("lint", "--format", "json", "**/q.json").out) == ["a/b/c/q.json"]


def test_a_file_given_twice_is_reported_once(here: Path) -> None:
    write_tree(here, {"a/p.json": NO_VERSION})
    assert files_of(run_cli("lint", "--format", "json", "a", "a/p.json").out) == ["a/p.json"]


@pytest.mark.parametrize("rule", cross_document_rules(), ids=lambda r: r.code)
def test_a_file_of_a_bundle_is_linted_with_its_bundle(rule: Any, here: Path) -> None:
    # pre-commit passes the changed files one by one; the cross-document rules must still run.
    write_tree(here / "out", rule.bad.materialize())
    (finding,) = [
        f
        for f in json.loads(run_cli("lint", "--format", "json", "out").out)["findings"]
        if f["code"] == rule.code
    ]
    other = finding["related"][0]["file"]
    result = run_cli("lint", "--format", "json", other)
    assert rule.code in [f["code"] for f in json.loads(result.out)["findings"]]


def test_a_loose_file_in_a_folder_beside_a_bundle_is_linted_alone(here: Path) -> None:
    assert run_cli("render", str(EXAMPLE), "-o", "out").code == 0
    write_tree(here, {"out/extra/loose.json": NO_VERSION})
    result = run_cli("lint", "--format", "json", "out/extra/loose.json")
    assert files_of(result.out) == ["out/extra/loose.json"]


# -- promises -------------------------------------------------------------------------------------


def test_output_is_the_same_on_every_run_and_for_every_order_of_paths(here: Path) -> None:
    write_tree(here, {"b.json": NO_VERSION, "a.json": invalid_sids("x-y", "p q")})
    for output_format in ("text", "json", "sarif", "github"):
        first = run_cli("lint", "--format", output_format, "a.json", "b.json").out
        assert run_cli("lint", "--format", output_format, "b.json", "a.json").out == first
        assert run_cli("lint", "--format", output_format, ".").out == first


def test_nothing_is_written_and_nothing_is_sent(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        here,
        {
            "a.json": invalid_sids("x-y"),
            ".iam-redshift.toml": '[[suppress]]\ncode = "IR103"\npath = "gone.json"\n'
            'reason = "r"\n',
        },
    )

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("iam-redshift lint opened a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    before = sorted(p.relative_to(here) for p in here.rglob("*"))
    for output_format in ("text", "json", "sarif", "github"):
        assert run_cli("lint", "--format", output_format, "--show-suppressed", ".").code == 1
    assert sorted(p.relative_to(here) for p in here.rglob("*")) == before


def test_every_rules_bad_example_fails_and_good_example_passes_through_the_cli(
    here: Path,
) -> None:
    for rule in rules_with_examples():
        for name, example in (("bad", rule.bad), ("good", rule.good)):
            folder = here / rule.code / name
            write_tree(folder, example.materialize())
            args = ["--isolated"] if not example.config else []
            if example.config:
                write_tree(folder, {".iam-redshift.toml": example.config})
                args = ["--config", str(folder / ".iam-redshift.toml")]
            if example.kind:
                args += ["--kind", example.kind]
            if example.instance_role:
                args += ["--instance-role", example.instance_role]
            result = run_cli("lint", "--format", "json", *args, str(folder))
            codes = [f["code"] for f in json.loads(result.out)["findings"]]
            assert (rule.code in codes) == (name == "bad"), (rule.code, name, codes)
