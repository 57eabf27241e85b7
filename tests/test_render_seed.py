"""The seed profile renders exactly the source page's documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, SEED_DOCUMENTS, need, run_cli

ACCOUNT = "123456789012"

# Which seed document each rendered file must equal.
EXPECTED = {
    "EC2-Redshift-Initiator-Role/trust-policy.json": "instance-role-trust-policy.json",
    "EC2-Redshift-Initiator-Role/permissions-policy.json": "instance-role-permissions-policy.json",
    "Redshift-Access-Role-1/trust-policy.json": "access-role-trust-policy.json",
    "Redshift-Access-Role-1/permissions-policy.json": "access-role-permissions-policy.json",
    "Redshift-Access-Role-2/trust-policy.json": "access-role-trust-policy.json",
    "Redshift-Access-Role-2/permissions-policy.json": "access-role-permissions-policy.json",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "out"
    result = run_cli("render", str(EXAMPLE), "-o", str(out))
    assert result.code == 0, result.err
    return out


def test_render_writes_the_documented_layout(rendered: Path) -> None:
    files = sorted(str(p.relative_to(rendered)) for p in rendered.rglob("*") if p.is_file())
    assert files == sorted([*EXPECTED, "iam-redshift.json"])


@pytest.mark.parametrize(("rendered_path", "seed_name"), sorted(EXPECTED.items()))
def test_rendered_document_equals_the_seed_byte_for_byte(
    rendered: Path, rendered_path: str, seed_name: str
) -> None:
    seed = need(SEED_DOCUMENTS / seed_name).read_text(encoding="utf-8")
    expected = seed.replace("<your-aws-account-id>", ACCOUNT)
    actual = (rendered / rendered_path).read_text(encoding="utf-8")
    assert json.loads(actual) == json.loads(expected)
    # Same key order, same string-versus-list forms, same layout: the same text.
    assert actual == expected


def test_manifest_describes_every_document(rendered: Path) -> None:
    manifest = json.loads((rendered / "iam-redshift.json").read_text(encoding="utf-8"))
    assert manifest["account_id"] == ACCOUNT
    assert manifest["instance_role"] == {"name": "EC2-Redshift-Initiator-Role", "path": "/"}
    entries = {d["path"]: d for d in manifest["documents"]}
    assert set(entries) == set(EXPECTED)
    instance = entries["EC2-Redshift-Initiator-Role/trust-policy.json"]
    assert instance == {
        "path": "EC2-Redshift-Initiator-Role/trust-policy.json",
        "role": "EC2-Redshift-Initiator-Role",
        "role_arn": f"arn:aws:iam::{ACCOUNT}:role/EC2-Redshift-Initiator-Role",
        "role_kind": "instance",
        "kind": "trust",
    }
    access = entries["Redshift-Access-Role-2/permissions-policy.json"]
    assert access["role_kind"] == "access"
    assert access["kind"] == "permissions"
    assert access["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/Redshift-Access-Role-2"


def test_manifest_validates_against_its_schema(rendered: Path) -> None:
    from iam_redshift._schemas import validator

    manifest = json.loads((rendered / "iam-redshift.json").read_text(encoding="utf-8"))
    assert list(validator("manifest.schema.json").iter_errors(manifest)) == []


def test_stdout_bundle_holds_the_same_files(rendered: Path) -> None:
    result = run_cli("render", str(EXAMPLE))
    assert result.code == 0
    bundle = json.loads(result.out)
    on_disk = {
        str(p.relative_to(rendered)): json.loads(p.read_text(encoding="utf-8"))
        for p in rendered.rglob("*.json")
    }
    assert bundle == on_disk
    assert next(iter(bundle)) == "iam-redshift.json"
