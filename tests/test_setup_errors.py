"""Every invalid setup exits 2 with a message naming the file and the key, and writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import assert_render_refuses, run_cli

GOOD = """account_id = "123456789012"
[instance_role]
name = "Initiator"
[[access_roles]]
name = "Access-1"
"""

# (name, file content, words the message must contain)
CASES = [
    ("bad-toml", "account_id = \n", ["invalid TOML"]),
    ("unknown-key", "colour = 'red'\n" + GOOD, ["(top level)", "unknown key 'colour'"]),
    (
        "unknown-role-key",
        GOOD.replace('name = "Initiator"', 'name = "Initiator"\narn = "x"'),
        ["instance_role", "unknown key 'arn'"],
    ),
    ("short-account", GOOD.replace("123456789012", "12345678901"), ["account_id", "12345678901"]),
    ("account-number", GOOD.replace('"123456789012"', "123456789012"), ["account_id", "string"]),
    ("missing-account", GOOD.replace('account_id = "123456789012"', ""), ["account_id", "missing"]),
    (
        "duplicate-names",
        GOOD + '[[access_roles]]\nname = "access-1"\n',
        ["access_roles[1].name", "ignoring case", "access_roles[0].name"],
    ),
    (
        "instance-name-reused",
        GOOD + '[[access_roles]]\nname = "INITIATOR"\n',
        ["access_roles[1].name", "instance_role.name"],
    ),
    (
        "no-access-roles",
        'account_id = "123456789012"\naccess_roles = []\n[instance_role]\nname = "I"\n',
        ["access_roles", "empty"],
    ),
    ("bad-name-char", GOOD.replace("Access-1", "Access 1"), ["access_roles[0].name", "Access 1"]),
    ("long-name", GOOD.replace("Access-1", "A" * 65), ["access_roles[0].name", "A" * 65]),
    (
        "bad-path",
        GOOD.replace('name = "Initiator"', 'name = "Initiator"\npath = "etl/"'),
        ["instance_role.path", "etl/"],
    ),
    (
        "path-newline",
        GOOD.replace('name = "Initiator"', 'name = "Initiator"\npath = "/\\n"'),
        ["instance_role.path"],
    ),
    (
        "long-path",
        GOOD.replace('name = "Initiator"', f'name = "Initiator"\npath = "/{"a" * 511}/"'),
        ["instance_role.path"],
    ),
    ("bad-partition", 'partition = "aws-mars"\n' + GOOD, ["partition", "aws-mars"]),
    ("bad-profile", 'profile = "yolo"\n' + GOOD, ["profile", "yolo"]),
]


@pytest.mark.parametrize(("name", "content", "words"), CASES, ids=[c[0] for c in CASES])
def test_invalid_toml_setup_exits_2_naming_file_and_key(
    tmp_path: Path, name: str, content: str, words: list[str]
) -> None:
    assert_render_refuses(tmp_path / f"{name}.toml", content.encode(), words)


JSON_CASES = [
    ("broken", b'{"account_id": ', ["invalid JSON"]),
    (
        "duplicate-key",
        b'{"account_id": "123456789012", "account_id": "210987654321"}',
        ["duplicate key 'account_id'"],
    ),
    ("array", b"[1, 2]", ["expected an object", "an array"]),
    ("not-utf8", b'{"account_id": "\xff"}', ["not UTF-8"]),
    ("deep", b"[" * 100_000 + b"]" * 100_000, []),
    ("empty", b"", ["empty"]),
    ("whitespace", b" \n", ["empty"]),
]


@pytest.mark.parametrize(("name", "content", "words"), JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_invalid_json_setup_exits_2(
    tmp_path: Path, name: str, content: bytes, words: list[str]
) -> None:
    assert_render_refuses(tmp_path / f"{name}.json", content, words)


def test_missing_setup_file(tmp_path: Path) -> None:
    result = run_cli("render", str(tmp_path / "nope.toml"))
    assert result.code == 2
    assert result.err == f"iam-redshift: error: {tmp_path / 'nope.toml'}: no such setup file\n"


def test_directory_as_setup_file(tmp_path: Path) -> None:
    result = run_cli("render", str(tmp_path))
    assert result.code == 2
    assert "is a directory" in result.err


def test_huge_setup_file_is_refused_before_parsing(tmp_path: Path) -> None:
    setup = tmp_path / "huge.toml"
    setup.write_text("# " + "x" * (2 << 20) + "\n", encoding="utf-8")
    result = run_cli("render", str(setup))
    assert result.code == 2
    assert "larger than" in result.err


def test_model_errors_name_field_and_value() -> None:
    from iam_redshift import AccessRole, InstanceRole, Setup, SetupError

    with pytest.raises(SetupError) as info:
        Setup("12345", InstanceRole("I"), (AccessRole("A"),))
    assert info.value.field == "account_id"
    assert info.value.value == "12345"
    with pytest.raises(SetupError, match="at least one access role"):
        Setup("123456789012", InstanceRole("I"), ())
    with pytest.raises(SetupError) as info:
        AccessRole("ok", "no-slash")
    assert info.value.field == "access_roles[].path"


# A typo in a required key reads as that key missing; the message names the typo too
# (issue 14, item 16).
TYPO_CASES = [
    ("account", GOOD.replace("account_id", "acount_id"), "acount_id", "account_id", ""),
    (
        "roles",
        GOOD.replace("[[access_roles]]", "[[acess_roles]]"),
        "acess_roles",
        "access_roles",
        "",
    ),
    (
        "cluster",
        'profile = "least-privilege"\n'
        + GOOD
        + '[access_roles.redshift]\nregion = "us-east-1"\nclustr = "analytics"\ndb_name = "dev"\n'
        'db_users = ["etl"]\n',
        "clustr",
        "cluster",
        "access_roles[0].redshift: ",
    ),
    ("optional", 'partiton = "aws"\n' + GOOD, "partiton", "partition", "(top level): "),
]


@pytest.mark.parametrize("case", TYPO_CASES, ids=[c[0] for c in TYPO_CASES])
def test_a_typo_in_a_key_is_named_with_the_key_it_resembles(
    tmp_path: Path, case: tuple[str, str, str, str, str]
) -> None:
    name, content, typo, meant, where = case
    setup = tmp_path / f"{name}.toml"
    setup.write_text(content, encoding="utf-8")
    result = run_cli("render", str(setup))
    assert result.code == 2
    assert f"{where}unknown key {typo!r} (did you mean {meant!r}?)" in result.err


def test_an_unknown_key_unlike_any_gets_no_suggestion(tmp_path: Path) -> None:
    setup = tmp_path / "setup.toml"
    setup.write_text("colour = 'red'\n" + GOOD, encoding="utf-8")
    result = run_cli("render", str(setup))
    assert result.code == 2
    assert "did you mean" not in result.err


# A 900 KB value is echoed cut short, on one line of reasonable length (issue 14, item 13).
HUGE = "1" * 900_000
HUGE_CASES = [
    ("account", GOOD.replace("123456789012", HUGE), "account_id"),
    ("role-name", GOOD.replace("Access-1", "A" * 900_000), "access_roles[0].name"),
    ("key", f"{'k' * 900_000} = 1\n" + GOOD, "unknown key"),
    ("partition", f'partition = "{HUGE}"\n' + GOOD, "partition"),
    ("path", GOOD.replace('name = "Initiator"', f'name = "Initiator"\npath = "/{HUGE}/"'), "path"),
]


@pytest.mark.parametrize(("name", "content", "key"), HUGE_CASES, ids=[c[0] for c in HUGE_CASES])
def test_a_huge_value_is_echoed_cut_short(
    tmp_path: Path, name: str, content: str, key: str
) -> None:
    setup = tmp_path / f"{name}.toml"
    setup.write_text(content, encoding="utf-8")
    result = run_cli("render", str(setup))
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert key in result.err
    assert len(result.err) < 1000, result.err[:300]
    assert "characters)" in result.err


def test_echo_keeps_short_values_whole() -> None:
    from iam_redshift.setup_file import MAX_ECHOED_CHARS, echo

    assert echo("A" * 65) == repr("A" * 65)
    long = echo("x" * 10_000)
    assert len(long) <= MAX_ECHOED_CHARS + 30
    assert long.endswith("... (10000 characters)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_setup_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "setup.toml"
    os.mkfifo(fifo)
    result = run_cli("render", str(fifo))
    assert result.code == 2
    assert "is a FIFO (named pipe), not a setup file" in result.err
