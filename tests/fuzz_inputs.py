"""Hostile inputs for the fuzz suite (``tests/test_fuzz.py``) and the long campaign
(``benchmarks/fuzz_campaign.py``): policy documents, bundles and raw bytes built to break a
linter, from one seeded :class:`random.Random` so that any failure replays from its seed.

Documents are policy-shaped (the elements IAM knows, with the wrong types, wrong nesting, lone
surrogates, zero-width characters, long wildcards, huge numbers) and then serialised in hostile
ways (lone surrogates as escapes or as raw bytes, other encodings, byte flips, truncation, deep
nesting). Bundles are rendered ones with documents and manifest fields replaced by such values.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from iam_redshift import AccessRole, InstanceRole, Setup, render_bundle

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/EC2-Redshift-Initiator-Role"

#: Strings that have broken linters: lone surrogates, undecodable-byte escapes, zero-width and
#: format characters, wildcards, variables, ARNs almost right, control characters.
HOSTILE_STRINGS = (
    "\ud800",
    "\udfff",
    "\udcff",
    "\ud83d",
    "a\ud800b",
    "\u200b",
    "\ufeff",
    "\u202e",
    "\x00",
    "\x7f",
    "\\",
    '"',
    "",
    " ",
    "*",
    "?",
    "**",
    "*?*?*?",
    "sts:*",
    "s3:Get*",
    "redshift:GetClusterCredentials",
    "redshift-serverless:*",
    "iam:PassRole",
    "sts:AssumeRole",
    "*:*",
    ":",
    "arn",
    "arn:",
    "arn:aws",
    "arn:aws:iam::*:role/*",
    ROLE,
    f"arn:aws:iam::{ACCOUNT}:role/a/b/c/d",
    f"arn:aws:iam::{ACCOUNT}:role/" + "x" * 70,
    f"arn:aws:iam::{ACCOUNT}:root",
    f"arn:aws:iam::{ACCOUNT}:role/\ud800",
    "arn:aws:redshift:us-east-1:123456789012:dbuser:c/${aws:username}",
    "arn:aws:redshift:*:*:*",
    "${aws:PrincipalTag/x}",
    "${",
    "${${${",
    "}",
    "ec2.amazonaws.com",
    "2012-10-17",
    "2008-10-17",
    "Allow",
    "Deny",
    "allow",
    "StringEquals",
    "ForAnyValue:StringLike",
    "aws:SourceIp",
    "Null",
    "😀",
    "é",
    "ÿ",
    "\u00a0",
    "\t\n\r",
)
#: Every output format of ``iam-redshift lint``.
FORMATS = ("text", "json", "sarif", "github")
#: A run of 50 or more "*" (issue 14, item 2): counted apart in the campaign's report.
STARS = re.compile(rb"\*{50,}")
#: The element names of IAM's policy grammar (also the keys other tests build documents from).
ELEMENTS = (
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser", "*", "aws")


def hostile_string(rng: random.Random) -> str:
    """One hostile string: from the list, a combination, a long run, or random code points."""
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(HOSTILE_STRINGS)
    if roll < 0.75:
        return "".join(rng.choice(HOSTILE_STRINGS) for _ in range(rng.randint(2, 5)))
    if roll < 0.85:
        # Long runs (but not the 4 MB limit: the campaign wants many documents per second).
        return rng.choice(("*", "a", "?", "*a", "${", "\u200b", "/")) * rng.randint(10, 3000)
    return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 12)))


def hostile_scalar(rng: random.Random) -> Any:
    """A JSON scalar of any type, or a string most of the time."""
    roll = rng.random()
    if roll < 0.7:
        return hostile_string(rng)
    return rng.choice((None, True, False, 0, -1, 1.5, 10**400, -(10**30), 1e308, [], {}, "", [[]]))


def hostile_value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value: a scalar, or a list or object of hostile values (bounded depth)."""
    roll = rng.random()
    if depth > 3 or roll < 0.6:
        return hostile_scalar(rng)
    if roll < 0.8:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {hostile_string(rng): hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _element_value(rng: random.Random, element: str) -> Any:
    if rng.random() < 0.25:
        return hostile_value(rng)
    if element in ("Principal", "NotPrincipal"):
        if rng.random() < 0.2:
            return "*"
        keys = rng.sample(PRINCIPAL_KEYS, rng.randint(1, 2))
        return {k: rng.choice((hostile_string(rng), [hostile_string(rng), ROLE])) for k in keys}
    if element == "Condition":
        operator = rng.choice(("StringEquals", "ArnLike", "Bool", "Null", hostile_string(rng)))
        key = rng.choice(
            ("aws:SourceIp", "sts:ExternalId", "aws:PrincipalArn", hostile_string(rng))
        )
        return {operator: {key: rng.choice((hostile_string(rng), [hostile_string(rng)], 1))}}
    if element == "Effect":
        return rng.choice(("Allow", "Deny", hostile_string(rng)))
    if element == "Version":
        return rng.choice(("2012-10-17", "2008-10-17", hostile_scalar(rng)))
    if rng.random() < 0.5:
        return hostile_string(rng)
    return [hostile_string(rng) for _ in range(rng.randint(0, 4))]


def hostile_statement(rng: random.Random) -> Any:
    """A statement-shaped object (sometimes not an object at all)."""
    if rng.random() < 0.05:
        return hostile_value(rng)
    statement: dict[str, Any] = {"Effect": rng.choice(("Allow", "Deny"))}
    for element in rng.sample(ELEMENTS[3:], rng.randint(1, 6)):
        statement[element] = _element_value(rng, element)
    if rng.random() < 0.2:
        statement[hostile_string(rng)] = hostile_value(rng)
    return statement


def hostile_policy(rng: random.Random) -> Any:
    """A policy-shaped document (sometimes any JSON value)."""
    if rng.random() < 0.05:
        return hostile_value(rng)
    policy: dict[str, Any] = {}
    if rng.random() < 0.9:
        policy["Version"] = _element_value(rng, "Version")
    if rng.random() < 0.1:
        policy["Id"] = hostile_scalar(rng)
    statements = [hostile_statement(rng) for _ in range(rng.randint(0, 4))]
    roll = rng.random()
    policy["Statement"] = (
        statements
        if roll < 0.8
        else statements[0]
        if statements and roll < 0.95
        else hostile_value(rng)
    )
    if rng.random() < 0.1:
        policy[hostile_string(rng)] = hostile_value(rng)
    return policy


def serialise(rng: random.Random, value: Any) -> bytes:
    """``value`` as JSON bytes, written in one of many hostile ways."""
    roll = rng.random()
    text = json.dumps(value, ensure_ascii=roll < 0.5, indent=rng.choice((None, 0, 2)))
    if roll < 0.5:
        data = text.encode("ascii")
    elif roll < 0.8:
        # A lone surrogate as raw (invalid) UTF-8 bytes.
        data = text.encode("utf-8", "surrogatepass")
    elif roll < 0.85:
        data = text.encode("utf-16", "surrogatepass")
    elif roll < 0.9:
        data = b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    else:
        data = text.encode("latin-1", "replace")
    return mutate_bytes(rng, data) if rng.random() < 0.2 else data


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """``data`` with one byte-level change: truncated, a byte flipped or inserted, a key doubled,
    or wrapped in deep nesting."""
    roll = rng.random()
    if not data or roll < 0.1:
        depth = rng.randint(1, 5000)
        return b"[" * depth + data + b"]" * rng.randint(0, depth)
    position = rng.randrange(len(data) + 1)
    if roll < 0.35:
        return data[:position]
    if roll < 0.6:
        return data[:position] + bytes([rng.randrange(256)]) + data[position + 1 :]
    if roll < 0.8:
        return (
            data[:position]
            + rng.choice((b"\xff", b"\x00", b"\xed\xa0\x80", b",", b"}"))
            + data[position:]
        )
    return data.replace(b'"Effect"', b'"Effect": "Deny", "Effect"', 1)


def hostile_document(rng: random.Random) -> bytes:
    """One fuzzed document, as the bytes of a file."""
    return serialise(rng, hostile_policy(rng))


def _rendered() -> dict[str, str]:
    setup = Setup(
        account_id=ACCOUNT,
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role"),
        access_roles=(AccessRole("Redshift-Access-Role-1"), AccessRole("Redshift-Access-Role-2")),
    )
    return dict(render_bundle(setup).files())


def rendered_with(*keys: str | int, value: object) -> dict[str, str]:
    """The files of :func:`_rendered`'s bundle, the manifest's value at ``keys`` replaced."""
    files = _rendered()
    manifest = json.loads(files["iam-redshift.json"])
    *parents, last = keys
    inner = manifest
    for key in parents:
        inner = inner[key]
    inner[last] = value
    files["iam-redshift.json"] = json.dumps(manifest)
    return files


_BUNDLE: dict[str, str] = {}


def hostile_bundle(rng: random.Random) -> dict[str, bytes | None]:
    """A rendered bundle (relative path to bytes, None for unreadable) with some documents
    replaced by fuzzed ones, and fields of its manifest replaced by hostile values."""
    if not _BUNDLE:
        _BUNDLE.update(_rendered())
    files: dict[str, bytes | None] = {p: t.encode() for p, t in _BUNDLE.items()}
    for path in list(files):
        roll = rng.random()
        if path == "iam-redshift.json":
            continue
        if roll < 0.3:
            files[path] = hostile_document(rng)
        elif roll < 0.35:
            files[path] = None
        elif roll < 0.4:
            del files[path]
    manifest = json.loads(_BUNDLE["iam-redshift.json"])
    for _ in range(rng.randint(0, 3)):
        target = manifest
        if rng.random() < 0.6 and isinstance(manifest.get("documents"), list):
            target = rng.choice(manifest["documents"] or [manifest])
        if isinstance(target, dict) and target:
            key = rng.choice(sorted(target))
            target[key] = hostile_value(rng) if rng.random() < 0.5 else hostile_string(rng)
    files["iam-redshift.json"] = serialise(rng, manifest)
    if rng.random() < 0.2:
        files[hostile_file_name(rng)] = hostile_document(rng)
    return files


def hostile_file_name(rng: random.Random) -> str:
    """A relative file name ending in .json that a file system can hold (no NUL, no '/')."""
    stem = rng.choice(("a", "\udcff", "é", " ", "-", "--x", "\u200b", "😀", "x" * 200, "[x]", "*"))
    return f"{stem}.json"


def cli_case(rng: random.Random, directory: Path) -> tuple[list[str], bytes, bool]:
    """A fuzzed command line in ``directory``: its arguments, its stdin, and whether a known
    slow input (a run of 50 or more ``*``, issue 14 item 2) is in it. Files, stdin and bundles,
    in every output format, now and then with a bad ``--instance-role`` or an empty stdin."""
    fmt = rng.choice(FORMATS)
    roll = rng.random()
    common = ["lint", "--isolated", "--format", fmt]
    if rng.random() < 0.2:
        common += ["--instance-role", "arn:aws:iam::123456789012:role/I"]
    if rng.random() < 0.03:
        common += ["--instance-role", rng.choice(("\udcff", "arn:aws:iam::1:user/u", ""))]
    if rng.random() < 0.03:
        return [*common, "-"], rng.choice((b"", b" \n", b"\xef\xbb\xbf")), False
    if roll < 0.4:
        data = hostile_document(rng)
        name = directory / hostile_file_name(rng)
        name.write_bytes(data)
        return [*common, str(name)], b"", bool(STARS.search(data))
    if roll < 0.7:
        data = hostile_document(rng)
        return [*common, "--allow-empty", "-"], data, bool(STARS.search(data))
    files = hostile_bundle(rng)
    bundle = directory / "bundle"
    for rel, content in files.items():
        target = bundle / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if content is not None:
            target.write_bytes(content)
        else:
            target.mkdir(exist_ok=True)  # a directory where a document should be: unreadable
    star = any(STARS.search(d) for d in files.values() if d is not None)
    return [*common, "--allow-empty", str(bundle)], b"", star
