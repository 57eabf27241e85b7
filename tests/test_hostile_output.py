"""Hostile text never crashes the output (issue 14, item 1): a lone surrogate in a policy, a
file name with an undecodable byte, an ASCII-only stdout. Every format writes something every
stream can encode, and JSON and SARIF stay valid and mean the same strings."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.cli import main
from iam_redshift.formats import FORMATS, render_findings, safe_text
from iam_redshift.formats.sarif import fingerprint
from tests.lint_helpers import CLEAN, assert_valid_sarif, write_tree

#: A policy whose NotAction is a lone surrogate (JSON allows the escape; IAM does not).
SURROGATE_POLICY = (
    b'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    b'"NotAction": "\\ud800", "NotResource": "\\udfff", "Resource": "*"}], "\\udcff": 1}'
)
#: A file name holding the byte 0xff, as Python names it (a surrogate escape).
BYTE_FF_NAME = os.fsdecode(b"\xff-policy.json")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_strict(*args: str, encoding: str = "utf-8", stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    """Run the command line with streams that raise on what they cannot encode, as a real
    console's do."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding=encoding, errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding=encoding, errors="strict", write_through=True)
    code = main(list(args), stdin=io.BytesIO(stdin), stdout=stdout, stderr=stderr)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_lone_surrogate_in_a_policy_is_escaped_in_every_format(here: Path, fmt: str) -> None:
    (here / "p.json").write_bytes(SURROGATE_POLICY)
    code, out, err = run_strict("lint", "--isolated", "--format", fmt, "p.json")
    assert code == 1, err
    assert b"Traceback" not in err
    text = out.decode("utf-8")  # strict: valid UTF-8
    assert "\\ud800" in text
    if fmt in ("json", "sarif"):
        # The escape is JSON's own: the output parses back to the surrogate the policy held.
        assert "\ud800" in json.dumps(json.loads(text), ensure_ascii=False)


def test_sarif_with_a_surrogate_is_valid_sarif(here: Path) -> None:
    (here / "p.json").write_bytes(SURROGATE_POLICY)
    code, out, _ = run_strict("lint", "--isolated", "--format", "sarif", "p.json")
    assert code == 1
    assert_valid_sarif(json.loads(out))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_file_name_with_an_undecodable_byte(here: Path, fmt: str) -> None:
    try:
        (here / BYTE_FF_NAME).write_bytes(json.dumps({"Statement": CLEAN["Statement"]}).encode())
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take the byte 0xff in a name")
    code, out, err = run_strict("lint", "--isolated", "--format", fmt, ".")
    assert code == 0, err  # IR103 is a warning
    text = out.decode("utf-8")
    if fmt == "sarif":
        uris = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(text)["runs"][0]["results"]
        ]
        # The URI names the file's real bytes.
        assert uris == ["%FF-policy.json"]
    else:
        assert "\\udcff-policy.json" in text


def test_an_ascii_stdout_gets_escapes_not_a_traceback(here: Path) -> None:
    (here / "é.json").write_text(json.dumps({"Statement": CLEAN["Statement"], "Id": "ü"}))
    code, out, err = run_strict("lint", "--isolated", "--fail-on", "warning", ".", encoding="ascii")
    assert code == 1
    assert out.startswith(b"\\xe9.json:")
    assert b"Traceback" not in err


def test_messages_on_stderr_are_escaped_too(here: Path) -> None:
    code, _, err = run_strict("lint", "--isolated", "\udcff-missing.json", encoding="ascii")
    assert code == 2
    assert err == b"iam-redshift: error: \\udcff-missing.json: no such file or directory\n"


def test_a_manifest_listing_a_surrogate_path_is_a_finding(here: Path) -> None:
    from tests.fuzz_inputs import rendered_with

    write_tree(
        here / "bundle", rendered_with("documents", 0, "path", value="\ud800/trust-policy.json")
    )
    code, out, err = run_strict("lint", "--isolated", "--format", "json", "bundle")
    assert code == 1, err
    assert "IR107" in {f["code"] for f in json.loads(out)["findings"]}


ENTRY = "from iam_redshift.cli import main_entry; main_entry()"


@pytest.mark.skipif(sys.platform == "win32", reason="LC_ALL and an ASCII locale are POSIX's")
def test_the_console_script_under_an_ascii_locale(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_bytes(SURROGATE_POLICY)
    (tmp_path / "é.json").write_text(json.dumps(CLEAN))
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, "lint", "--isolated", "."],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"\\ud800" in done.stdout
    done.stdout.decode("ascii")  # nothing but ASCII


@given(st.text())
def test_safe_text_is_always_utf8_and_identity_on_encodable_text(text: str) -> None:
    escaped = safe_text(text)
    escaped.encode("utf-8")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert escaped == text


@given(st.text(), st.text())
def test_fingerprints_take_any_text(message: str, file: str) -> None:
    finding = _finding(message, file or "f.json")
    assert len(fingerprint(finding, None)) == 32


@given(st.lists(st.text(max_size=20), max_size=3))
def test_every_format_writes_encodable_text_for_any_message(messages: list[str]) -> None:
    findings = [_finding(m, f"{m}.json") for m in messages]
    for name in FORMATS:
        out = render_findings(name, findings)
        out.encode("utf-8")
        if name in ("json", "sarif"):
            json.loads(out)


def _finding(message: str, file: str) -> Any:
    from iam_redshift.rules import all_rules

    return all_rules()["IR101"].finding(message, file)
