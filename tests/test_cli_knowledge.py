"""``iam-redshift knowledge`` and ``knowledge update``: provenance, refresh, and failure safety.

The update reads fixture files of AWS's service-reference format, from a directory or from an
HTTP server on 127.0.0.1 started here; nothing reaches the internet.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from iam_redshift import knowledge
from iam_redshift.cli import main
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "data" / "service-reference"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _default_index() -> Iterator[None]:
    # Every test starts and ends with the default choice of index.
    knowledge.use_index(None)
    yield
    knowledge.use_index(None)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The fixtures behind http://127.0.0.1:PORT/, with a service list naming that server."""
    root = tmp_path / "served"
    shutil.copytree(FIXTURES, root)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    listing = [
        {"service": "redshift", "url": base + "redshift.json"},
        {"service": "newsvc", "url": "newsvc.json"},  # relative to the list
    ]
    (root / "service-list.json").write_text(json.dumps(listing), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base + "service-list.json", root
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _codes(out: str) -> set[str]:
    return {finding["code"] for finding in json.loads(out)["findings"]}


def _policy(tmp_path: Path, *actions: str) -> str:
    path = tmp_path / "policy.json"
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": "*"}
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}), "utf-8")
    return str(path)


def test_knowledge_shows_every_source_with_version_and_date() -> None:
    status, out, _ = run("knowledge")
    assert status == 0
    for line in (
        "iam-floyd 0.851.0 (2026-10",
        "policy-sentry 0.15.2 (2025-12",
        "parliament 1.6.4 (2025-02-27",
        "policyuniverse 1.5.1.20231109 (2023-11-09",
        "botocore 1.44.8 (2026-11",
    ):
        assert line in out
    assert "Action data of 2026-10" in out


def test_update_from_the_local_server_builds_an_index_lint_can_use(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = served
    target = tmp_path / "index"
    status, out, err = run("knowledge", "update", "--from", url, "--output", str(target))
    assert status == 0, err
    assert "2 services" in out
    policy = _policy(tmp_path, "newsvc:DoIt", "redshift:InventNewThing")
    status, out, _ = run("lint", policy, "--format", "json")
    assert _codes(out) >= {"IR501"}  # shipped data: both unknown
    status, out, err = run("lint", policy, "--format", "json", "--knowledge", str(target))
    assert "IR501" not in _codes(out), out
    status, out, _ = run("lint", policy, "--format", "json")
    assert "IR501" in _codes(out)  # the pin lasted one run
    knowledge.use_index(target)
    assert knowledge.sources()[0].name == "AWS Service Authorization Reference"
    # Services the download lacks keep their data; actions it no longer lists are retired.
    assert knowledge.action_known("s3:GetObject")
    assert knowledge.retired_action("redshift:CreateCluster") == "iam-floyd 0.851.0 (2026-10)"
    assert knowledge.region_known("us-east-1")
    assert not knowledge.region_known("us-esat-1")


def test_update_from_a_directory_writes_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    status, _, err = run("knowledge", "update", "--from", str(FIXTURES))
    assert status == 0, err
    cached = knowledge.cache_dir()
    assert cached.is_relative_to(tmp_path / "cache")
    assert (cached / "index.json").is_file()
    knowledge.use_index(None)  # choose again: the cache is newer than the shipped index
    assert knowledge.index_path() == cached
    assert knowledge.action_known("newsvc:DoIt")


@pytest.mark.parametrize("damage", ["missing", "malformed", "not-json", "wrong-name", "separator"])
def test_a_broken_download_is_an_error_and_keeps_the_old_index(
    served: tuple[str, Path], tmp_path: Path, damage: str
) -> None:
    url, root = served
    target = tmp_path / "index"
    assert run("knowledge", "update", "--from", url, "--output", str(target))[0] == 0
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    if damage == "missing":
        (root / "newsvc.json").unlink()
    elif damage == "malformed":
        (root / "newsvc.json").write_text('{"Name": "newsvc", "Actions": "DoIt"}', "utf-8")
    elif damage == "separator":  # a name the index cannot store as it is
        reference = json.loads((root / "newsvc.json").read_text("utf-8"))
        reference["Resources"][0]["ARNFormats"] = ["arn:aws:newsvc:::a|b"]
        (root / "newsvc.json").write_text(json.dumps(reference), "utf-8")
    elif damage == "not-json":
        (root / "newsvc.json").write_text('{"Name": "newsvc", "Act', "utf-8")
    else:
        (root / "newsvc.json").write_text('{"Name": "other", "Actions": []}', "utf-8")
    status, _, err = run("knowledge", "update", "--from", url, "--output", str(target))
    assert status == 2
    assert "newsvc.json" in err
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index")] == []


@pytest.mark.parametrize(
    "entries",
    [
        {"actions": {"doit": 5}},  # not a string
        {"actions": {"doit": "DoIt"}},  # no access level
        {"actions": {"doit": "DoIt|Write|,|"}, "resources": {"": "|"}},  # empty types
        {"resources": []},  # not an object
    ],
)
def test_a_damaged_service_file_is_not_a_crash(tmp_path: Path, entries: dict[str, object]) -> None:
    target = tmp_path / "index"
    assert run("knowledge", "update", "--from", str(FIXTURES), "--output", str(target))[0] == 0
    path = target / "services" / "newsvc.json"
    path.write_text(json.dumps(json.loads(path.read_text("utf-8")) | entries), "utf-8")
    policy = _policy(tmp_path, "newsvc:DoIt", "newsvc:Do*", "s3:GetObject")
    status, out, err = run("lint", policy, "--format", "json", "--knowledge", str(target))
    assert status in (0, 1), err
    assert "IR000" not in _codes(out)
    knowledge.use_index(target)
    assert knowledge.action_known("s3:GetObject")
    assert knowledge.resource_types("newsvc:DoIt") == ()
    # What a pattern matches is what is known, one by one: an entry no action can be read
    # from is in neither.
    matched = knowledge.expand_action("newsvc:*")
    assert all(knowledge.action_known(action) for action in matched)
    assert knowledge.expand_action_facts("newsvc:*") == tuple(map(knowledge.action_facts, matched))


def test_rules_answer_from_the_index_in_use_after_a_switch(tmp_path: Path) -> None:
    # IR204 remembers each Action value's scopable actions and their ARN formats: a switch of
    # index must not leave the last index's answers behind, in either direction.
    target = tmp_path / "index"
    assert run("knowledge", "update", "--from", str(FIXTURES), "--output", str(target))[0] == 0
    policy = _policy(tmp_path, "redshift:InventNewThing", "redshift:GetClusterCredentials")

    def star_resource_message(*pin: str) -> str:
        status, out, err = run("lint", policy, "--format", "json", *pin)
        assert status in (0, 1), err
        found = [f for f in json.loads(out)["findings"] if f["code"] == "IR204"]
        assert len(found) == 1
        return str(found[0]["message"])

    shipped = star_resource_message()
    assert "InventNewThing" not in shipped  # not an action of the shipped index
    updated = star_resource_message("--knowledge", str(target))
    assert "redshift:InventNewThing" in updated
    assert ":cluster:${ClusterName} (cluster)" in updated
    assert star_resource_message() == shipped


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_pinned_index_is_not_waited_on(tmp_path: Path) -> None:
    target = tmp_path / "index"
    assert run("knowledge", "update", "--from", str(FIXTURES), "--output", str(target))[0] == 0
    (target / "services" / "newsvc.json").unlink()
    os.mkfifo(target / "services" / "newsvc.json")  # opening it to read would wait for ever
    policy = _policy(tmp_path, "newsvc:DoIt", "s3:GetObject")
    completed = subprocess.run(
        [sys.executable, "-m", "iam_redshift", "lint", policy, "--knowledge", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr  # warnings only
    assert "IR501" in completed.stdout  # newsvc is as good as unknown
    (target / "index.json").unlink()
    os.mkfifo(target / "index.json")
    status, _, err = run("lint", policy, "--knowledge", str(target))
    assert status == 2
    assert "not a regular file" in err


def test_an_unusable_pinned_index_is_a_usage_error(tmp_path: Path) -> None:
    policy = _policy(tmp_path, "s3:GetObject")
    status, _, err = run("lint", policy, "--knowledge", str(tmp_path / "nowhere"))
    assert status == 2
    assert "nowhere" in err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.json").write_text('{"format": "other"}', "utf-8")
    status, _, err = run("lint", policy, "--knowledge", str(tmp_path / "bad"))
    assert status == 2
    assert "format" in err


def test_the_configuration_key_pins_an_index(served: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = served
    assert run("knowledge", "update", "--from", url, "--output", str(tmp_path / "idx"))[0] == 0
    (tmp_path / ".iam-redshift.toml").write_text('knowledge = "idx"\n', "utf-8")
    policy = _policy(tmp_path, "newsvc:DoIt")
    _, out, err = run(
        "lint", policy, "--format", "json", "--config", str(tmp_path / ".iam-redshift.toml")
    )
    assert "IR501" not in _codes(out), out + err
