"""Rendering beyond the seed: paths, partitions, many access roles, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iam_redshift import AccessRole, InstanceRole, Setup, render_bundle
from iam_redshift.render import (
    access_role_trust_policy,
    instance_role_permissions_policy,
    instance_role_trust_policy,
)
from tests.conftest import run_cli


def make_setup(
    *, partition: str = "aws", count: int = 2, instance_path: str = "/", access_path: str = "/"
) -> Setup:
    return Setup(
        account_id="000011112222",
        partition=partition,  # type: ignore[arg-type]
        instance_role=InstanceRole("Initiator", instance_path),
        access_roles=tuple(AccessRole(f"Access-{i}", access_path) for i in range(1, count + 1)),
    )


def test_access_trust_policy_names_the_instance_role_with_its_path() -> None:
    setup = make_setup(instance_path="/etl/prod/")
    trust = access_role_trust_policy(setup, setup.access_roles[0])
    principal = trust["Statement"][0]["Principal"]
    assert principal == {"AWS": "arn:aws:iam::000011112222:role/etl/prod/Initiator"}


def test_assume_role_resources_carry_access_role_paths() -> None:
    setup = make_setup(access_path="/redshift/")
    statement = instance_role_permissions_policy(setup)["Statement"][2]
    assert statement["Resource"] == [
        "arn:aws:iam::000011112222:role/redshift/Access-1",
        "arn:aws:iam::000011112222:role/redshift/Access-2",
    ]


@pytest.mark.parametrize(
    ("partition", "service"),
    [
        ("aws", "ec2.amazonaws.com"),
        ("aws-cn", "ec2.amazonaws.com.cn"),
        ("aws-us-gov", "ec2.amazonaws.com"),
        ("aws-iso", "ec2.amazonaws.com"),
        ("aws-iso-b", "ec2.amazonaws.com"),
    ],
)
def test_partition_sets_arns_and_ec2_principal(partition: str, service: str) -> None:
    setup = make_setup(partition=partition)
    assert instance_role_trust_policy(setup)["Statement"][0]["Principal"] == {"Service": service}
    for document in render_bundle(setup).documents:
        assert document.role_arn.startswith(f"arn:{partition}:iam::000011112222:role/")
    trust = access_role_trust_policy(setup, setup.access_roles[0])
    assert trust["Statement"][0]["Principal"]["AWS"].startswith(f"arn:{partition}:iam::")


@pytest.mark.parametrize("count", [1, 2, 7, 20])
def test_one_assume_role_resource_per_access_role_in_setup_order(count: int) -> None:
    setup = make_setup(count=count)
    bundle = render_bundle(setup)
    assume = instance_role_permissions_policy(setup)["Statement"][2]
    assert assume["Action"] == "sts:AssumeRole"
    assert assume["Resource"] == [
        f"arn:aws:iam::000011112222:role/Access-{i}" for i in range(1, count + 1)
    ]
    assert len(bundle.documents) == 2 + 2 * count
    assert [d.role for d in bundle.documents[2::2]] == [r.name for r in setup.access_roles]


def test_two_renders_are_byte_identical(tmp_path: Path) -> None:
    setup_file = tmp_path / "setup.toml"
    setup_file.write_text(
        'account_id = "000011112222"\npartition = "aws-us-gov"\n'
        '[instance_role]\nname = "I"\npath = "/a/b/"\n'
        + "".join(f'[[access_roles]]\nname = "R{i}"\n' for i in range(20)),
        encoding="utf-8",
    )
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_cli("render", str(setup_file), "-o", str(first)).code == 0
    assert run_cli("render", str(setup_file), "-o", str(second)).code == 0
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(names) == 1 + 2 * (1 + 20)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert run_cli("render", str(setup_file)).out == run_cli("render", str(setup_file)).out


def test_json_setup_file_renders_like_toml(tmp_path: Path) -> None:
    json_file = tmp_path / "setup.json"
    json_file.write_text(
        json.dumps(
            {
                "account_id": "123456789012",
                "instance_role": {"name": "EC2-Redshift-Initiator-Role"},
                "access_roles": [
                    {"name": "Redshift-Access-Role-1"},
                    {"name": "Redshift-Access-Role-2"},
                ],
            }
        ),
        encoding="utf-8",
    )
    from_json = run_cli("render", str(json_file))
    from_toml = run_cli("render", "examples/matillion.toml")
    assert from_json.code == 0
    assert from_json.out == from_toml.out


def test_setup_from_stdin(tmp_path: Path) -> None:
    text = Path("examples/matillion.toml").read_bytes()
    assert (
        run_cli("render", "-", stdin=text).out == run_cli("render", "examples/matillion.toml").out
    )


@pytest.mark.parametrize("name", [".", ".."])
def test_dot_role_names_stay_inside_the_output_directory(tmp_path: Path, name: str) -> None:
    setup = Setup("123456789012", InstanceRole("Initiator"), (AccessRole(name),))
    paths = [d.path for d in render_bundle(setup).documents]
    assert all(not p.startswith(".") for p in paths)
    from iam_redshift.bundle_io import write_files

    write_files(render_bundle(setup).files(), tmp_path / "out")
    assert all((tmp_path / "out" / p).is_file() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
