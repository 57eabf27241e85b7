"""``render --format cloudformation|terraform``: deployable, deterministic, and holding exactly
the policy documents of the ``json`` output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iam_redshift import AccessRole, InstanceRole, RedshiftServerless, Setup
from iam_redshift.render import render_bundle
from iam_redshift.render.cloudformation import cloudformation_template
from iam_redshift.render.terraform import (
    INSTANCE_ROLE_ARN_REFERENCE,
    escape,
    terraform_configuration,
    unescape,
)
from tests.conftest import EXAMPLE, REPO, modules_after, run_cli

LEAST_PRIVILEGE_EXAMPLE = REPO / "examples" / "least-privilege.toml"
SETUP_FILES = [EXAMPLE, LEAST_PRIVILEGE_EXAMPLE]
WORKGROUP_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def json_documents(setup_file: Path) -> dict[str, Any]:
    """What ``render SETUP`` prints: the manifest and every document, by path."""
    result = run_cli("render", str(setup_file))
    assert result.code == 0, result.err
    documents: dict[str, Any] = json.loads(result.out)
    return documents


def rendered(setup_file: Path, output_format: str) -> dict[str, Any]:
    result = run_cli("render", str(setup_file), "--format", output_format)
    assert result.code == 0, result.err
    value: dict[str, Any] = json.loads(result.out)
    return value


def cfn_lint_errors(template: dict[str, Any]) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    matches = lint(json.dumps(template), config=ManualArgs(regions=["us-east-1"]))
    return [str(m) for m in matches if m.rule.id.startswith("E")]


def odd_setups() -> list[Setup]:
    """Setups that stress names, paths and partitions."""
    serverless = RedshiftServerless("us-gov-west-1", WORKGROUP_ID)
    return [
        Setup(
            "000011112222",
            InstanceRole("I.n+s=t,a@n_c-e", "/a/b/"),
            tuple(AccessRole(f"R{i}", "/redshift/") for i in range(12)),
        ),
        Setup(
            "000011112222",
            InstanceRole("Initiator", "/${not.a.reference}/%{x}/", list_roles=True),
            (AccessRole("Access", "/$${x}/", target=serverless),),
            partition="aws-us-gov",
            profile="least-privilege",
        ),
    ]


# --- CloudFormation -------------------------------------------------------------------------


@pytest.mark.parametrize("setup_file", SETUP_FILES, ids=lambda p: p.stem)
def test_cloudformation_template_passes_cfn_lint(setup_file: Path) -> None:
    assert cfn_lint_errors(rendered(setup_file, "cloudformation")) == []


@pytest.mark.parametrize("setup", odd_setups(), ids=["seed-many-roles", "lp-gov-odd-paths"])
def test_cloudformation_template_of_odd_setups_passes_cfn_lint(setup: Setup) -> None:
    assert cfn_lint_errors(cloudformation_template(render_bundle(setup))) == []


def test_cfn_lint_does_find_errors_in_a_broken_template() -> None:
    template = rendered(LEAST_PRIVILEGE_EXAMPLE, "cloudformation")
    template["Resources"]["InstanceRole"]["Properties"]["RoleNam"] = "x"
    assert cfn_lint_errors(template) != []


@pytest.mark.parametrize("setup_file", SETUP_FILES, ids=lambda p: p.stem)
def test_cloudformation_template_holds_exactly_the_json_documents(setup_file: Path) -> None:
    documents = json_documents(setup_file)
    manifest = documents["iam-redshift.json"]
    template = rendered(setup_file, "cloudformation")
    roles = {
        r["Properties"]["RoleName"]: r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
    }
    names = [manifest["instance_role"]["name"], *(r["name"] for r in manifest["access_roles"])]
    assert list(roles) == names
    for entry in manifest["documents"]:
        properties = roles[entry["role"]]["Properties"]
        if entry["kind"] == "trust":
            assert properties["AssumeRolePolicyDocument"] == documents[entry["path"]]
        else:
            (policy,) = properties["Policies"]
            assert policy["PolicyDocument"] == documents[entry["path"]]


def test_cloudformation_template_has_roles_instance_profile_and_arn_outputs() -> None:
    template = rendered(LEAST_PRIVILEGE_EXAMPLE, "cloudformation")
    resources = template["Resources"]
    assert {k: v["Type"] for k, v in resources.items()} == {
        "InstanceRole": "AWS::IAM::Role",
        "InstanceProfile": "AWS::IAM::InstanceProfile",
        "AccessRole1": "AWS::IAM::Role",
        "AccessRole2": "AWS::IAM::Role",
    }
    assert resources["InstanceProfile"]["Properties"]["Roles"] == [{"Ref": "InstanceRole"}]
    instance = resources["InstanceRole"]
    assert instance["Properties"]["RoleName"] == "EC2-Redshift-Initiator-Role"
    assert instance["Properties"]["Path"] == "/"
    # IAM refuses a trust policy naming a principal that does not exist yet.
    assert resources["AccessRole1"]["DependsOn"] == "InstanceRole"
    assert "DependsOn" not in instance
    assert template["Outputs"] == {
        f"{name}Arn": {
            "Description": template["Outputs"][f"{name}Arn"]["Description"],
            "Value": {"Fn::GetAtt": [name, "Arn"]},
        }
        for name in ("InstanceRole", "InstanceProfile", "AccessRole1", "AccessRole2")
    }


# --- Terraform ------------------------------------------------------------------------------


def trust_document(text: str, instance_role_arn: str) -> Any:
    """A Terraform trust policy string with the reference replaced by the instance role's ARN."""
    return json.loads(
        unescape(text.replace(INSTANCE_ROLE_ARN_REFERENCE, escape(json.dumps(instance_role_arn))))
    )


@pytest.mark.parametrize("setup_file", SETUP_FILES, ids=lambda p: p.stem)
def test_terraform_holds_the_json_documents_with_the_principal_by_reference(
    setup_file: Path,
) -> None:
    documents = json_documents(setup_file)
    manifest = documents["iam-redshift.json"]
    configuration = rendered(setup_file, "terraform")
    roles = configuration["resource"]["aws_iam_role"]
    policies = configuration["resource"]["aws_iam_role_policy"]
    by_name = {role["name"]: key for key, role in roles.items()}
    instance_arn = next(
        d["role_arn"] for d in manifest["documents"] if d["role_kind"] == "instance"
    )
    for entry in manifest["documents"]:
        key = by_name[entry["role"]]
        if entry["kind"] == "trust":
            text = roles[key]["assume_role_policy"]
            if entry["role_kind"] == "access":
                # The principal is the Terraform reference, never the literal ARN.
                assert INSTANCE_ROLE_ARN_REFERENCE in text
                assert instance_arn not in text
            assert trust_document(text, instance_arn) == documents[entry["path"]]
        else:
            assert policies[key]["role"] == f"${{aws_iam_role.{key}.id}}"
            assert json.loads(unescape(policies[key]["policy"])) == documents[entry["path"]]


def test_terraform_structure() -> None:
    configuration = rendered(LEAST_PRIVILEGE_EXAMPLE, "terraform")
    assert configuration["//"].startswith("Generated by iam-redshift")
    assert configuration["terraform"] == {
        "required_providers": {"aws": {"source": "hashicorp/aws"}}
    }
    resources = configuration["resource"]
    assert sorted(resources) == ["aws_iam_instance_profile", "aws_iam_role", "aws_iam_role_policy"]
    keys = ["instance_role", "access_role_1", "access_role_2"]
    assert list(resources["aws_iam_role"]) == keys
    assert list(resources["aws_iam_role_policy"]) == keys
    for key, role in resources["aws_iam_role"].items():
        assert set(role) == {"name", "path", "assume_role_policy"}
        assert set(resources["aws_iam_role_policy"][key]) == {"name", "role", "policy"}
    assert resources["aws_iam_instance_profile"] == {
        "instance_profile": {
            "name": "EC2-Redshift-Initiator-Role",
            "path": "/",
            "role": "${aws_iam_role.instance_role.name}",
        }
    }
    assert configuration["output"]["instance_profile_arn"]["value"] == (
        "${aws_iam_instance_profile.instance_profile.arn}"
    )
    assert configuration["output"]["access_role_2_arn"]["value"] == (
        "${aws_iam_role.access_role_2.arn}"
    )


def test_terraform_escapes_template_sequences_in_literal_text() -> None:
    setup = odd_setups()[1]
    bundle = render_bundle(setup)
    configuration = terraform_configuration(bundle)
    role = configuration["resource"]["aws_iam_role"]["instance_role"]
    assert role["path"] == "/$${not.a.reference}/%%{x}/"
    # Every "${" left in the output is one of our references.
    text = json.dumps(configuration)
    for start in range(len(text)):
        if text.startswith("${", start) and not text.startswith("$${", start - 1):
            assert text.startswith(("${aws_iam_", "${jsonencode(aws_iam_"), start), text[
                start - 20 : start + 40
            ]
    access = configuration["resource"]["aws_iam_role"]["access_role_1"]
    trust = trust_document(access["assume_role_policy"], setup.instance_role_arn)
    assert trust == bundle.document("Access", "trust").document


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["cloudformation", "terraform"])
def test_deployable_outputs_are_deterministic(output_format: str) -> None:
    first = run_cli("render", str(LEAST_PRIVILEGE_EXAMPLE), "--format", output_format)
    second = run_cli("render", str(LEAST_PRIVILEGE_EXAMPLE), "--format", output_format)
    assert first.code == 0
    assert first.out == second.out
    assert first.out.endswith("}\n")
    assert first.out.count("\n{") == 0  # one JSON object


@pytest.mark.parametrize(
    ("output_format", "file_name"),
    [("cloudformation", "iam-redshift.cfn.json"), ("terraform", "iam-redshift.tf.json")],
)
def test_output_directory_gets_one_file(tmp_path: Path, output_format: str, file_name: str) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "render", str(LEAST_PRIVILEGE_EXAMPLE), "--format", output_format, "-o", str(out)
    )
    assert result.code == 0, result.err
    assert result.out == f"wrote {out / file_name}\n"
    assert [p.name for p in out.iterdir()] == [file_name]
    printed = run_cli("render", str(LEAST_PRIVILEGE_EXAMPLE), "--format", output_format).out
    assert (out / file_name).read_text(encoding="utf-8") == printed
    # Rendering again over our own file is fine.
    assert run_cli("render", str(EXAMPLE), "--format", output_format, "-o", str(out)).code == 0


@pytest.mark.parametrize(
    ("output_format", "file_name"),
    [("cloudformation", "iam-redshift.cfn.json"), ("terraform", "iam-redshift.tf.json")],
)
def test_a_file_not_ours_is_not_overwritten_without_force(
    tmp_path: Path, output_format: str, file_name: str
) -> None:
    mine = tmp_path / file_name
    mine.write_text('{"Description": "my own template"}\n', encoding="utf-8")
    result = run_cli("render", str(EXAMPLE), "--format", output_format, "-o", str(tmp_path))
    assert result.code == 2
    assert file_name in result.err
    assert "--force" in result.err
    assert mine.read_text(encoding="utf-8") == '{"Description": "my own template"}\n'
    forced = run_cli(
        "render", str(EXAMPLE), "--format", output_format, "-o", str(tmp_path), "--force"
    )
    assert forced.code == 0
    assert "Generated by iam-redshift" in mine.read_text(encoding="utf-8")


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = run_cli("render", str(EXAMPLE), "--format", "terraform", "-o", str(target))
    assert result.code == 2
    assert "not a directory" in result.err


def test_unknown_format_is_a_usage_error() -> None:
    result = run_cli("render", str(EXAMPLE), "--format", "yaml")
    assert result.code == 2
    assert "invalid choice" in result.err


def test_seed_render_imports_neither_deployable_module() -> None:
    loaded = modules_after(f"from iam_redshift.cli import main\nmain(['render', {str(EXAMPLE)!r}])")
    for module in ("cloudformation", "terraform", "least_privilege"):
        assert f"iam_redshift.render.{module}" not in loaded
