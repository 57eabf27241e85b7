"""A render into a directory is one transaction that touches only what renders wrote.

Issue 14, items 3 (a hand-made manifest owns nothing), 4 (no writes or deletions through links),
7 (a concurrent render is refused), 8 (a killed render leaves the old bundle or the new one),
9 (a role may not take the manifest's name) and 13 (files get the umask's mode).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iam_redshift import AccessRole, InstanceRole, Setup, render_bundle
from iam_redshift.bundle_io import owned_paths, write_files
from iam_redshift.errors import BundleWriteError
from iam_redshift.render.bundle import RESERVED_NAMES
from iam_redshift.render.writer import (
    JOURNAL_NAME,
    LOCK_NAME,
    STAGING_NAME,
    finish_interrupted_render,
    render_lock,
)
from iam_redshift.setup_file import dump_toml
from tests.conftest import EXAMPLE, REPO, run_cli

TEMPORARY_NAMES = (LOCK_NAME, STAGING_NAME, JOURNAL_NAME)


def tree(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` (links too, as their target text), by relative path."""
    files = {}
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory).as_posix()
        if path.is_symlink():
            files[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


def example_files() -> dict[str, str]:
    from iam_redshift import load_setup

    return render_bundle(load_setup(EXAMPLE)).files()


# --- item 3: only a manifest a render wrote owns files ----------------------------------------


def _hand_made(directory: Path) -> dict[str, bytes]:
    """A directory of someone's files, with a JSON file that lists them as a manifest would."""
    manifest = json.loads(example_files()["iam-redshift.json"])
    for index, path in enumerate(["notes.txt", "src/main.py", ".git/config"]):
        manifest["documents"][index]["path"] = path
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_text(f"mine: {path}\n", encoding="utf-8")
    (directory / "iam-redshift.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tree(directory)


def test_a_hand_made_manifest_gets_nothing_deleted(tmp_path: Path) -> None:
    before = _hand_made(tmp_path)
    result = run_cli("render", str(EXAMPLE), "-o", str(tmp_path))
    assert result.code == 2
    assert "iam-redshift.json" in result.err
    assert "--force" in result.err
    assert tree(tmp_path) == before


def test_force_replaces_a_hand_made_manifest_but_deletes_nothing_it_lists(tmp_path: Path) -> None:
    before = _hand_made(tmp_path)
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path), "--force").code == 0
    after = tree(tmp_path)
    for path in ("notes.txt", "src/main.py", ".git/config"):
        assert after[path] == before[path]
    assert {k: v.decode() for k, v in after.items() if k in example_files()} == example_files()


def test_an_edited_manifest_owns_nothing(tmp_path: Path) -> None:
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path)).code == 0
    manifest = tmp_path / "iam-redshift.json"
    value = json.loads(manifest.read_text(encoding="utf-8"))
    value["documents"].append({**value["documents"][0], "path": "notes.txt"})
    manifest.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert owned_paths(tmp_path) == frozenset()
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path), "--force").code == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_rendered_manifest_owns_exactly_its_documents(tmp_path: Path) -> None:
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path)).code == 0
    assert owned_paths(tmp_path) == frozenset(example_files())


# --- item 4: never through a link -------------------------------------------------------------


@pytest.fixture
def linked_bundle(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A rendered bundle whose Redshift-Access-Role-2 folder is a link to a folder outside."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0
    shutil.move(str(out / "Redshift-Access-Role-2"), str(elsewhere))
    (out / "Redshift-Access-Role-2").symlink_to(elsewhere, target_is_directory=True)
    return out, elsewhere, tree(tmp_path)


def _one_role(tmp_path: Path) -> Path:
    smaller = tmp_path / "one.toml"
    smaller.write_text(
        EXAMPLE.read_text(encoding="utf-8").split('[[access_roles]]\nname = "Redshift-Access-')[0]
        + '[[access_roles]]\nname = "Redshift-Access-Role-1"\n',
        encoding="utf-8",
    )
    return smaller


@pytest.mark.parametrize("force", [False, True])
def test_a_render_without_the_role_deletes_nothing_through_its_link(
    tmp_path: Path, linked_bundle: tuple[Path, Path, dict[str, bytes]], force: bool
) -> None:
    out, _, before = linked_bundle
    result = run_cli("render", str(_one_role(tmp_path)), "-o", str(out), *(["--force"] * force))
    assert result.code == 2
    assert "Redshift-Access-Role-2" in result.err
    assert "symbolic link" in result.err
    after = tree(tmp_path)
    after.pop("one.toml")
    assert after == before


@pytest.mark.parametrize("force", [False, True])
def test_a_full_render_writes_nothing_through_a_link(
    tmp_path: Path, linked_bundle: tuple[Path, Path, dict[str, bytes]], force: bool
) -> None:
    out, _, before = linked_bundle
    result = run_cli("render", str(EXAMPLE), "-o", str(out), *(["--force"] * force))
    assert result.code == 2
    assert "symbolic link" in result.err
    assert tree(tmp_path) == before


def test_a_linked_manifest_is_not_followed(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    assert run_cli("render", str(EXAMPLE), "-o", str(elsewhere)).code == 0
    out.mkdir()
    (out / "iam-redshift.json").symlink_to(elsewhere / "iam-redshift.json")
    before = tree(tmp_path)
    result = run_cli("render", str(EXAMPLE), "-o", str(out))
    assert result.code == 2  # a link is not a file a render wrote
    assert tree(tmp_path) == before


# --- item 7: one render at a time -------------------------------------------------------------


def test_a_concurrent_render_is_refused(tmp_path: Path) -> None:
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path)).code == 0
    before = tree(tmp_path)
    with render_lock(tmp_path):  # what a running render holds
        result = run_cli("render", str(_one_role(tmp_path)), "-o", str(tmp_path))
    assert result.code == 2
    assert "another render is writing to this directory" in result.err
    after = tree(tmp_path)
    after.pop("one.toml")
    assert after == before
    # Once it is released, rendering works, and no lock file stays behind.
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path)).code == 0
    assert not (tmp_path / LOCK_NAME).exists()


def test_concurrent_render_processes_leave_one_whole_bundle(tmp_path: Path) -> None:
    big = _setup(300, account="111111111111")
    other = _setup(250, account="222222222222", prefix="Other")
    setups = [tmp_path / "a.toml", tmp_path / "b.toml"]
    for path, setup in zip(setups, [big, other], strict=True):
        path.write_text(dump_toml(setup), encoding="utf-8")
    expected = [render_bundle(s).files() for s in (big, other)]
    for attempt in range(3):
        out = tmp_path / f"out{attempt}"
        processes = [_render_process(path, out) for path in setups]
        results = [p.communicate(timeout=600) for p in processes]
        codes = [p.returncode for p in processes]
        for code, (_, err) in zip(codes, results, strict=True):
            assert code == 0 or (code == 2 and "another render" in err), err
        assert 0 in codes
        assert _as_text(tree(out)) in expected
        assert not any((out / name).exists() for name in TEMPORARY_NAMES)


# --- item 9: names a role may not take --------------------------------------------------------


@pytest.mark.parametrize("name", [*RESERVED_NAMES, "IAM-Redshift.JSON"])
def test_a_role_named_like_the_manifest_is_a_setup_error(tmp_path: Path, name: str) -> None:
    setup = tmp_path / "setup.toml"
    setup.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("Redshift-Access-Role-2", name),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli("render", str(setup), "-o", str(out))
    assert result.code == 2
    assert "access_roles[1].name" in result.err
    assert repr(name) in result.err
    assert not out.exists()
    assert run_cli("render", str(setup)).code == 0  # printing it is fine


def test_writing_a_bundle_with_a_reserved_folder_raises(tmp_path: Path) -> None:
    setup = Setup("123456789012", InstanceRole("I"), (AccessRole("iam-redshift.json"),))
    with pytest.raises(BundleWriteError, match=r"iam-redshift\.json/trust-policy\.json"):
        write_files(render_bundle(setup).files(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- item 13: the umask decides the mode ------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_rendered_files_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path / "out")).code == 0
        assert run_cli("init", str(tmp_path / "setup.toml")).code == 0
        assert (
            run_cli("render", "--format", "terraform", str(EXAMPLE), "-o", str(tmp_path)).code == 0
        )
    finally:
        os.umask(previous)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 9
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {mode}
    folders = [p for p in tmp_path.rglob("*") if p.is_dir()]
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o777 & ~umask}


# --- item 8: a killed render ------------------------------------------------------------------


def _setup(roles: int, *, account: str, prefix: str = "Access") -> Setup:
    return Setup(
        account,
        InstanceRole("Initiator"),
        tuple(AccessRole(f"{prefix}-{i}") for i in range(roles)),
    )


def _render_process(setup: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "iam_redshift", "render", str(setup), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _as_text(files: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode("utf-8") for k, v in files.items()}


def _visible(directory: Path) -> dict[str, str]:
    """The bundle as a reader sees it: every file but a render's lock, staging and journal."""
    return {
        k: v for k, v in _as_text(tree(directory)).items() if k.split("/")[0] not in TEMPORARY_NAMES
    }


def _wait_for_staging(out: Path, process: subprocess.Popen[str]) -> float:
    """Wait until the render starts writing (its staging folder appears); return when."""
    while not (out / STAGING_NAME).exists() and process.poll() is None:
        time.sleep(0.0005)
    return time.monotonic()


def _time_render(
    pristine: Path, out: Path, setup_file: Path, new: dict[str, str]
) -> tuple[float, float]:
    """How long a whole render takes here, and how long its writing (from the moment the
    staging folder appears): the faster of two runs."""
    durations, writes = [], []
    for _ in range(2):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        started = time.monotonic()
        process = _render_process(setup_file, out)
        writing = _wait_for_staging(out, process)
        process.communicate(timeout=600)
        durations.append(time.monotonic() - started)
        writes.append(time.monotonic() - writing)
        assert process.returncode == 0
        assert _visible(out) == new
    return min(durations), min(writes)


def _after_the_kill(out: Path, killed: bool, old: dict[str, str], new: dict[str, str]) -> str:
    """What a kill left, once a committed journal is replayed: "old" or "new" (or "a mix"),
    and where the kill landed."""
    committed = (out / JOURNAL_NAME).exists()
    staged = (out / STAGING_NAME).exists()
    if committed:
        with render_lock(out):
            assert finish_interrupted_render(out)
    seen = _visible(out)
    state = "old" if seen == old else "new" if seen == new else "a mix"
    if not killed:
        return f"{state}, the render finished before the kill"
    if committed:
        return f"{state}, killed after the commit, journal replayed"
    if staged:
        return f"{state}, killed while staging"
    return f"{state}, killed {'after the switch' if state == 'new' else 'before writing'}"


def kill_count() -> int:
    """How many kills: IAM_REDSHIFT_KILLS, else 50 under the thorough profile, else 6."""
    if "IAM_REDSHIFT_KILLS" in os.environ:
        return int(os.environ["IAM_REDSHIFT_KILLS"])
    return 50 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 6


def test_a_killed_render_leaves_the_old_bundle_or_the_new_one(tmp_path: Path) -> None:
    """SIGKILL at random moments of a 1,000-role render over an existing 1,000-role bundle:
    the directory holds the old bundle or the new one, whole, once the journal of a kill that
    landed after the commit is replayed; the next render leaves no temporaries."""
    # Old and new differ in every document (another account) and in their roles (100 dropped,
    # 100 added), so a mix of the two cannot pass for either.
    old = render_bundle(_setup(1000, account="111111111111")).files()
    new_setup = Setup(
        "222222222222",
        InstanceRole("Initiator"),
        tuple(AccessRole(f"Access-{i}") for i in range(100, 1100)),
    )
    new = render_bundle(new_setup).files()
    setup_file = tmp_path / "new.toml"
    setup_file.write_text(dump_toml(new_setup), encoding="utf-8")
    pristine = tmp_path / "pristine"
    write_files(old, pristine)
    out = tmp_path / "out"

    duration, write = _time_render(pristine, out, setup_file, new)

    seed = int(os.environ.get("IAM_REDSHIFT_KILL_SEED", "14"))
    chance = random.Random(seed)
    outcomes: dict[str, int] = {}
    for attempt in range(kill_count()):
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        process = _render_process(setup_file, out)
        if attempt % 2 == 0:  # any moment of the render
            time.sleep(chance.uniform(0, duration))
        else:  # any moment of its writing, where a kill can do harm
            _wait_for_staging(out, process)
            time.sleep(chance.uniform(0, write))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=600)
        key = _after_the_kill(out, process.returncode == -signal.SIGKILL, old, new)
        assert "a mix" not in key, f"kill {attempt} (seed {seed}) left {key}"
        outcomes[key] = outcomes.get(key, 0) + 1
        # The next render (of either setup) cleans up whatever the kill left.
        next_files = old if attempt % 2 else new
        next_setup = _setup(1000, account="111111111111") if attempt % 2 else new_setup
        write_files(render_bundle(next_setup).files(), out)
        assert _as_text(tree(out)) == next_files, f"kill {attempt}: leftovers after a render"
    print(
        f"\n{kill_count()} kills, render {duration:.2f} s, writing {write:.2f} s (seed {seed}):"
        + "".join(f"\n  {count} {key}" for key, count in sorted(outcomes.items()))
    )


def test_a_committed_journal_is_replayed_by_the_next_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window a kill can land in after the commit, made certain: the process dies after
    moving some files into place. The next render (of anything) first finishes that one."""
    from iam_redshift.render import writer

    old = render_bundle(_setup(20, account="111111111111")).files()
    new = render_bundle(_setup(15, account="222222222222")).files()
    write_files(old, tmp_path)
    real_replace = os.replace
    moved = []

    def dying_replace(source: str | Path, target: str | Path) -> None:
        if len(moved) == 12:  # the journal, then 11 documents
            raise SystemExit("killed")
        moved.append(target)
        real_replace(source, target)

    monkeypatch.setattr(writer.os, "replace", dying_replace)
    with pytest.raises(SystemExit):
        write_files(new, tmp_path)
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert (tmp_path / JOURNAL_NAME).exists()
    assert _visible(tmp_path) not in (old, new)  # a mix, until the journal is replayed
    # A render that fails its own checks still finishes the interrupted one first.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "trust-policy.json").write_text("{}", encoding="utf-8")
    mine = Setup("333333333333", InstanceRole("mine"), (AccessRole("x"),))
    with pytest.raises(BundleWriteError, match="no earlier render wrote"):
        write_files(render_bundle(mine).files(), tmp_path)
    shutil.rmtree(tmp_path / "mine")
    assert _as_text(tree(tmp_path)) == new


def test_a_forged_journal_is_not_replayed(tmp_path: Path) -> None:
    """A journal that would do anything but install a rendered bundle's own files is refused,
    and nothing is changed."""
    write_files(example_files(), tmp_path)
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    (tmp_path / STAGING_NAME).mkdir()
    (tmp_path / STAGING_NAME / "0").write_text("overwritten", encoding="utf-8")
    (tmp_path / STAGING_NAME / "1").write_text(example_files()["iam-redshift.json"])
    (tmp_path / JOURNAL_NAME).write_text(
        json.dumps(
            {
                "format": 1,
                "moves": [["0", "notes.txt"], ["1", "iam-redshift.json"]],
                "removes": ["Redshift-Access-Role-1/trust-policy.json"],
            }
        ),
        encoding="utf-8",
    )
    before = tree(tmp_path)
    result = run_cli("render", str(EXAMPLE), "-o", str(tmp_path))
    assert result.code == 2
    assert JOURNAL_NAME in result.err
    assert tree(tmp_path) == before


def test_leftovers_of_a_killed_render_are_removed_but_nothing_else(tmp_path: Path) -> None:
    write_files(example_files(), tmp_path)
    staging = tmp_path / STAGING_NAME
    staging.mkdir()
    (staging / "0").write_text("half a docu", encoding="utf-8")
    (staging / "journal").write_text("{", encoding="utf-8")
    (tmp_path / LOCK_NAME).write_text("", encoding="utf-8")
    # What iam-redshift 0.1 left beside each file it was writing when killed.
    old_temporary = tmp_path / "Redshift-Access-Role-1" / ".trust-policy.json.k2j_9x0a"
    old_temporary.write_text("{", encoding="utf-8")
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path)).code == 0
    assert _as_text(tree(tmp_path)) == example_files()
    # A staging folder holding something a render never writes there is left alone.
    staging.mkdir()
    (staging / "mine.txt").write_text("mine", encoding="utf-8")
    (staging / "1").write_text("staged", encoding="utf-8")
    result = run_cli("render", str(EXAMPLE), "-o", str(tmp_path))
    assert result.code == 2
    assert f"{STAGING_NAME}: holds files a render did not write (mine.txt)" in result.err
    assert (staging / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert _visible(tmp_path) == example_files()
