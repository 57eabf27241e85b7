"""Reading files safely: FIFOs and devices are not read, symbolic links do not lead out of the
directory being linted, and what cannot be read is said, never papered over or hung on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iam_redshift._read import NotARegularFile, read_regular
from iam_redshift.render import render_bundle
from iam_redshift.rules._base import example_setup
from iam_redshift.sources.files import ReadProblem, Root, inside, read_limited
from tests.conftest import run_cli
from tests.lint_helpers import write_tree

SECRET = "arn:aws:iam::999999999999:role/TOP-SECRET-OUTSIDE"
OUTSIDE_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": SECRET}],
}


def _lint_in_subprocess(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process with a time limit: a hang fails the test instead of the run."""
    return subprocess.run(
        [sys.executable, "-m", "iam_redshift", "lint", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@settings(max_examples=60)
@given(size=st.integers(0, 300), limit=st.integers(0, 300))
def test_a_read_gives_the_whole_file_or_one_byte_past_the_limit(
    tmp_path_factory: pytest.TempPathFactory, size: int, limit: int
) -> None:
    path = tmp_path_factory.mktemp("read") / "file.json"
    data = bytes(range(256)) * 2
    path.write_bytes(data[:size])
    assert read_regular(path, limit) == data[: min(size, limit + 1)]
    assert read_limited(path, limit=limit) == data[: min(size, limit + 1)]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="no /proc")
def test_a_file_longer_than_its_stated_size_is_read_to_its_end() -> None:
    # /proc files state a size of 0 and hold text: the read goes on past the size fstat gave.
    assert os.stat("/proc/self/status").st_size == 0
    data = read_regular("/proc/self/status", 1 << 20)
    assert b"Name:" in data
    assert data.endswith(b"\n")
    assert len(read_regular("/proc/self/status", 10)) == 11


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_not_opened_for_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path / "pipe.json", 100)
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path, 100)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_reported_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    os.mkfifo(folder / "pipe.json")
    for target in ("policies", "policies/pipe.json"):
        result = _lint_in_subprocess(target, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "IR100" in result.stdout
        assert "a FIFO (named pipe), not a regular file" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_listed_in_a_manifest_is_a_missing_document(tmp_path: Path) -> None:
    bundle = tmp_path / "out"
    write_tree(bundle, render_bundle(example_setup()).files())
    trust = bundle / "Redshift-Access-Role-1" / "trust-policy.json"
    trust.unlink()
    os.mkfifo(trust)
    result = _lint_in_subprocess("out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "IR107" in result.stdout
    assert "Redshift-Access-Role-1/trust-policy.json is missing or cannot be read" in result.stdout


def test_a_symbolic_link_out_of_a_bundle_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "policy.json"
    outside.parent.mkdir()
    outside.write_text(json.dumps(OUTSIDE_DOCUMENT))
    bundle = tmp_path / "out"
    write_tree(bundle, render_bundle(example_setup()).files())
    permissions = bundle / "Redshift-Access-Role-1" / "permissions-policy.json"
    permissions.unlink()
    permissions.symlink_to(outside)
    result = run_cli("lint", "--isolated", "--format", "json", str(bundle))
    assert result.code == 1
    codes = {(f["code"], f["file"].rsplit("/", 1)[-1]) for f in json.loads(result.out)["findings"]}
    assert ("IR107", "iam-redshift.json") in codes
    assert SECRET not in result.out


def test_a_directory_link_inside_a_manifest_path_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("trust-policy.json", "permissions-policy.json"):
        (elsewhere / name).write_text(json.dumps(OUTSIDE_DOCUMENT))
    bundle = tmp_path / "out"
    write_tree(bundle, render_bundle(example_setup()).files())
    role = bundle / "Redshift-Access-Role-1"
    for child in role.iterdir():
        child.unlink()
    role.rmdir()
    role.symlink_to(elsewhere, target_is_directory=True)
    result = run_cli("lint", "--isolated", str(bundle))
    assert result.code == 1
    assert result.out.count("IR107") == 2
    assert SECRET not in result.out


def test_a_loose_file_linked_from_outside_the_folder_is_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(OUTSIDE_DOCUMENT))
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "linked.json").symlink_to(outside)
    result = run_cli("lint", "--isolated", str(folder))
    assert result.code == 1
    assert "leads outside" in result.out
    assert SECRET not in result.out
    # Named on the command line, the link is what the user asked for: it is read.
    named = run_cli("lint", "--isolated", str(folder / "linked.json"))
    assert "leads outside" not in named.out


def test_an_unreadable_file_is_reported_with_the_systems_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "policies"
    write_tree(folder, {"locked.json": OUTSIDE_DOCUMENT})
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("locked.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = run_cli("lint", "--isolated", str(folder))
    assert result.code == 1
    assert "cannot read it: Permission denied" in result.out
    assert "UTF-8" not in result.out


def test_an_unreadable_directory_is_a_finding_not_a_clean_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "policies"
    write_tree(folder, {"a.json": OUTSIDE_DOCUMENT, "locked/b.json": OUTSIDE_DOCUMENT})
    real_scandir = os.scandir

    def refuse(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    result = run_cli("lint", "--isolated", str(folder))
    assert result.code == 1, result.out
    assert "cannot list this directory: Permission denied" in result.out


def test_inside_compares_resolved_paths(tmp_path: Path) -> None:
    (tmp_path / "root" / "sub").mkdir(parents=True)
    (tmp_path / "root" / "escape").symlink_to(tmp_path)
    assert inside(tmp_path / "root" / "sub", tmp_path / "root")
    assert not inside(tmp_path / "root" / "escape" / "x", tmp_path / "root")
    assert not inside(tmp_path / "root" / ".." / "x", tmp_path / "root")


def _resolves_inside(path: Path, root: Path) -> bool:
    """Every link of ``path`` resolved afresh, compared with the resolved root."""
    real, base = path.resolve(), root.resolve()
    return real == base or base in real.parents


_STEPS = st.sampled_from(["sub", "up", "out", "self", "file.json", "link.json", "gone", "..", "."])


@given(paths=st.lists(st.lists(_STEPS, min_size=1, max_size=4), min_size=1, max_size=10))
def test_one_root_for_a_walk_answers_as_resolving_every_path(paths: list[list[str]]) -> None:
    # A walk's Root resolves each folder once and each file that is not a link by its
    # folder: the answers must be those of resolving every path in full, in any order.
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        top = Path(scratch)
        root = top / "root"
        (root / "sub").mkdir(parents=True)
        (top / "outside").mkdir()
        for folder in (root, root / "sub", top / "outside"):
            (folder / "file.json").write_text("{}")
        for folder in (root, root / "sub"):
            (folder / "up").symlink_to(root, target_is_directory=True)  # a loop inside
            (folder / "out").symlink_to(top / "outside", target_is_directory=True)
            (folder / "self").symlink_to(folder, target_is_directory=True)
            (folder / "link.json").symlink_to(top / "outside" / "file.json")
            (folder / "gone").symlink_to(top / "nothing")  # dangling
        walk = Root(root)
        for steps in paths:
            path = root.joinpath(*steps)
            assert walk.holds(path) == _resolves_inside(path, root), steps
            assert inside(path, root) == _resolves_inside(path, root), steps


def test_read_limited_stops_one_byte_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 100)
    assert read_limited(big, limit=10) == b"x" * 11
    missing = read_limited(tmp_path / "nope.json")
    assert isinstance(missing, ReadProblem)
    assert "No such file" in missing.reason
    directory = read_limited(tmp_path)
    assert isinstance(directory, ReadProblem)
    assert "a directory" in directory.reason


def test_a_bundle_with_an_interrupted_renders_journal_says_so(tmp_path: Path) -> None:
    bundle = tmp_path / "out"
    write_tree(bundle, render_bundle(example_setup()).files())
    assert run_cli("lint", "--isolated", str(bundle)).code == 0
    (bundle / ".iam-redshift.journal").write_text("{}")
    result = run_cli("lint", "--isolated", "--format", "json", str(bundle))
    assert result.code == 1
    (finding,) = json.loads(result.out)["findings"]
    assert finding["code"] == "IR107"
    assert finding["file"].endswith("iam-redshift.json")
    assert "interrupted" in finding["message"]
