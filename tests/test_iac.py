"""Policies where they live: CloudFormation templates (JSON and YAML) and Terraform plans and JSON
configurations are recognised, read and linted, and the roles of one template or plan are
checked against each other by reference."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from iam_redshift.engine import lint_bundle
from iam_redshift.engine.contents import Skipped, lint_file_data
from iam_redshift.findings import Finding
from iam_redshift.render import cloudformation, render_bundle, terraform
from iam_redshift.rules._base import example_setup
from iam_redshift.setup_file import load_setup
from iam_redshift.sources.recognise import recognise
from iam_redshift.sources.yaml_text import ParsedYaml, parse_yaml
from tests.conftest import CORPUS, EXAMPLE, REPO, need, run_cli
from tests.lint_helpers import write_tree

DATA = REPO / "tests" / "data" / "iac"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def _lint(path: Path) -> list[Finding]:
    linted = lint_file_data(str(path), path.read_bytes())
    assert not isinstance(linted, Skipped), linted
    return linted


# -- a folder as a user has it ---------------------------------------------------------------------


def _codes_by_source(findings: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    by: dict[str, Counter[str]] = {}
    for finding in findings:
        by.setdefault(finding["file"].split("/")[0], Counter())[finding["code"]] += 1
    return by


def test_a_folder_of_bundle_templates_and_tool_files_lints_each_source_once(here: Path) -> None:
    assert run_cli("render", str(EXAMPLE), "-o", "bundle").code == 0
    assert run_cli("render", str(EXAMPLE), "--format", "cloudformation", "-o", "cfn").code == 0
    assert run_cli("render", str(EXAMPLE), "--format", "terraform", "-o", "tf").code == 0
    write_tree(
        here,
        {
            "package.json": {"name": "infra", "version": "1.0.0", "private": True},
            "tsconfig.json": {"compilerOptions": {"strict": True}},
            ".vscode/settings.json": {"editor.tabSize": 2},
        },
    )
    result = run_cli("lint", "--format", "json", ".")
    assert result.code == 0, result.out
    findings = json.loads(result.out)["findings"]
    by_source = _codes_by_source(findings)
    assert set(by_source) == {"bundle", "cfn", "tf"}
    # The same warnings, once for each source: the bundle's expected ones, nothing more.
    bundle_alone = json.loads(run_cli("lint", "--format", "json", "bundle").out)["findings"]
    assert by_source["cfn"] == by_source["tf"] == by_source["bundle"]
    assert by_source["bundle"] == Counter(f["code"] for f in bundle_alone)
    assert all(f["severity"] in ("warning", "suggestion") for f in findings)
    places = [(f["file"], f["pointer"], f["code"], f["message"]) for f in findings]
    assert len(places) == len(set(places))
    assert result.err == (
        "iam-redshift: skipped 2 files that are not an IAM policy, bundle, account dump, "
        "CloudFormation template or Terraform plan (--verbose lists them)\n"
    )
    verbose = run_cli("lint", "--verbose", ".")
    assert "skipped package.json: not a policy document" in verbose.err
    assert "skipped tsconfig.json: not a policy document" in verbose.err
    assert ".vscode" not in verbose.err + verbose.out  # hidden folders are not searched


def test_a_named_file_that_is_no_policy_template_or_plan_is_an_error(here: Path) -> None:
    write_tree(here, {"package.json": {"name": "x", "version": "1.0.0"}})
    result = run_cli("lint", "package.json")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("iam-redshift: error: package.json: not a policy document")
    assert "IR101" not in result.err


def test_a_named_hidden_folder_is_searched(here: Path) -> None:
    write_tree(here, {".policies/p.json": {"Statement": []}})
    assert "IR101" not in run_cli("lint", ".").out
    assert "IR101" in run_cli("lint", ".policies").out


def test_input_type_forces_a_reader(here: Path) -> None:
    template = {"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {}}}}
    write_tree(here, {"t.json": template, "policy.txt": json.dumps(template)})
    # Recognised, the template has no document: nothing to say.
    assert run_cli("lint", "t.json").code == 0
    # Read as a policy document, it is one with no Statement.
    forced = run_cli("lint", "--input-type", "policy", "t.json")
    assert forced.code == 1
    assert "IR101" in forced.out
    assert run_cli("lint", "--input-type", "cloudformation", "policy.txt").code == 0


def test_a_template_with_a_star_action_gets_the_wildcard_finding(here: Path) -> None:
    write_tree(
        here,
        {
            "stack.yaml": (
                "Resources:\n"
                "  Admin:\n"
                "    Type: AWS::IAM::ManagedPolicy\n"
                "    Properties:\n"
                "      PolicyDocument:\n"
                '        Version: "2012-10-17"\n'
                "        Statement:\n"
                "          - Effect: Allow\n"
                '            Action: "*"\n'
                '            Resource: "*"\n'
            )
        },
    )
    result = run_cli("lint", ".")
    assert result.code == 1
    assert result.out.startswith("stack.yaml:9:21: IR201 [security-warning]")


# -- IR301 by reference ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "principal", "resource"),
    [
        ("two-role-other-principal.cfn.yaml", "AWS: !GetAtt OtherRole.Arn", "Resource: !GetAtt"),
        (
            "two-role-other-principal.cfn.json",
            '"Fn::GetAtt": [\n',
            '"Resource": {',
        ),
    ],
)
def test_an_access_role_trusting_another_role_is_ir301_at_the_template_line(
    name: str, principal: str, resource: str
) -> None:
    path = DATA / name
    findings = _lint(path)
    assert [f.code for f in findings] == ["IR301"]
    (finding,) = findings
    assert "AccessRole" in finding.message
    assert "OtherRole" in finding.message
    assert finding.pointer.startswith("/Resources/AccessRole/Properties/AssumeRolePolicyDocument")
    (related,) = finding.related
    assert related.pointer.startswith("/Resources/InstanceRole/Properties/Policies/0")
    assert related.pointer.endswith("/Resource")
    if name.endswith(".yaml"):
        assert finding.line == _line_of(path, principal)
        assert related.line == _line_of(path, resource)
    else:
        # In JSON the principal's value is the object holding Fn::GetAtt.
        text = path.read_text(encoding="utf-8").splitlines()
        assert '"AWS": {' in text[finding.line - 1]
        assert '"Resource": {' in text[related.line - 1]


def test_a_plan_whose_access_role_trusts_another_role_is_ir301_by_reference() -> None:
    path = DATA / "two-role-other-principal.tfplan.json"
    findings = _lint(path)
    assert [f.code for f in findings] == ["IR301"]
    (finding,) = findings
    assert "aws_iam_role.access" in finding.message
    assert "{{ref:aws_iam_role.other.arn}}" in finding.message
    text = path.read_text(encoding="utf-8").splitlines()
    # The principal is where the data source's principals block is written...
    assert '"principals": [' in text[finding.line - 1]
    (related,) = finding.related
    # ...and the instance policy's Resource where its resources argument is.
    assert '"resources": null' in text[related.line - 1]


def test_a_template_whose_roles_trust_each_other_has_no_cross_document_finding(
    here: Path,
) -> None:
    text = (DATA / "two-role-other-principal.cfn.yaml").read_text(encoding="utf-8")
    fixed = text.replace("AWS: !GetAtt OtherRole.Arn", "AWS: !GetAtt InstanceRole.Arn")
    write_tree(here, {"fixed.yaml": fixed})
    assert run_cli("lint", "fixed.yaml").out == "No findings.\n"
    # The instance policy allows assuming OtherRole instead: AccessRole, which trusts the
    # instance role, cannot be assumed (IR306), and OtherRole, now an access role, does not
    # trust the instance role (IR301).
    unassumable = fixed.replace(
        "Resource: !GetAtt AccessRole.Arn", "Resource: !GetAtt OtherRole.Arn"
    )
    write_tree(here, {"fixed.yaml": unassumable})
    findings = _lint(here / "fixed.yaml")
    assert sorted(f.code for f in findings) == ["IR301", "IR306"]
    assert {f.code: f.pointer.split("/")[2] for f in findings} == {
        "IR301": "OtherRole",
        "IR306": "AccessRole",
    }


# -- round trip ------------------------------------------------------------------------------------


def _setups() -> list[Any]:
    return [
        example_setup(),
        load_setup(EXAMPLE),
        load_setup(REPO / "examples/least-privilege.toml"),
    ]


@pytest.mark.parametrize("index", range(3))
def test_rendered_templates_lint_like_the_bundle_they_come_from(index: int) -> None:
    setup = _setups()[index]
    bundle = render_bundle(setup)
    expected = Counter((f.code, f.file.split("/")[0]) for f in lint_bundle(bundle))

    # Each format names a role's resource at its own place in a finding's pointer:
    # /Resources/<logical id>/... and /resource/<type>/<name>/...
    for name, text, role_of, at in (
        ("t.cfn.json", cloudformation.dump_template(bundle), cloudformation.logical_ids(bundle), 2),
        ("t.tf.json", terraform.dump_configuration(bundle), terraform.resource_names(bundle), 3),
    ):
        linted = lint_file_data(name, text.encode())
        assert not isinstance(linted, Skipped)
        roles = {resource: role for role, resource in role_of.items()}
        assert Counter((f.code, roles[f.pointer.split("/")[at]]) for f in linted) == expected


# -- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("package.json", {"name": "x", "version": "1.0.0"}, "other"),
        ("tsconfig.json", {"compilerOptions": {}}, "other"),
        ("p.json", {"Version": "2012-10-17", "Statement": []}, "policy"),
        ("p.json", {"statement": []}, "policy"),
        ("cut.json", '{"Version": ', "policy"),
        ("t.json", {"Resources": {"R": {"Type": "AWS::IAM::Role"}}}, "cloudformation"),
        ("t.template", "Resources:\n  R:\n    Type: AWS::IAM::Role\n", "cloudformation"),
        ("c.yml", "jobs:\n  build: {}\n", "other"),
        ("plan.json", {"format_version": "1.2", "resource_changes": []}, "terraform-plan"),
        ("main.tf.json", {"resource": {}}, "terraform-configuration"),
    ],
)
def test_what_a_file_is(name: str, content: Any, kind: str) -> None:
    data = content if isinstance(content, str) else json.dumps(content)
    assert recognise(name, data.encode()).kind == kind


def test_short_form_intrinsics_become_long_form_with_positions() -> None:
    parsed = parse_yaml(
        "A: !GetAtt Role.Arn\n"
        "B: !Sub 'arn:${AWS::Partition}:s3:::x'\n"
        "C: !Join [':', [a, !Ref P]]\n"
        "D:\n  - !If [Cond, 1, !Ref AWS::NoValue]\n"
    )
    assert isinstance(parsed, ParsedYaml)
    assert parsed.value == {
        "A": {"Fn::GetAtt": ["Role", "Arn"]},
        "B": {"Fn::Sub": "arn:${AWS::Partition}:s3:::x"},
        "C": {"Fn::Join": [":", ["a", {"Ref": "P"}]]},
        "D": [{"Fn::If": ["Cond", 1, {"Ref": "AWS::NoValue"}]}],
    }
    assert parsed.position("/C/1/1") == (3, 20)
    assert parsed.position("/D/0/Fn::If/9") == (5, 5)  # the nearest element that exists


def test_aliases_cannot_blow_up() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)
    ]
    parsed = parse_yaml("\n".join(lines) + "\n")
    assert not isinstance(parsed, ParsedYaml)
    assert "too large" in parsed.reason


def test_intrinsics_resolve_to_placeholders_never_to_invented_names(here: Path) -> None:
    template = {
        "Parameters": {
            "Bucket": {"Type": "String", "Default": "data"},
            "Other": {"Type": "String"},
        },
        "Resources": {
            "P": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "s3:GetObject",
                                "Resource": [
                                    {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"},
                                    {"Fn::Sub": "arn:aws:s3:::${Other}/*"},
                                    {"Fn::ImportValue": "shared-bucket-arn"},
                                    {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Bucket"}]]},
                                ],
                            }
                        ],
                    }
                },
            }
        },
    }
    from iam_redshift.sources.recognise import read_source

    source = read_source("t.json", recognise("t.json", json.dumps(template).encode()))
    assert source is not None
    (document,) = source.documents
    assert document.value["Statement"][0]["Resource"] == [
        "arn:{{aws:Partition}}:s3:::data/*",
        "arn:aws:s3:::{{param:Other}}/*",
        "{{import:shared-bucket-arn}}",
        "arn:aws:s3:::data",
    ]


# -- the corpus ------------------------------------------------------------------------------------


CORPUS_FOLDERS = ("cloudformation", "checkov", "terraform/tf-policy-validator")


@pytest.mark.parametrize("folder", CORPUS_FOLDERS)
def test_every_corpus_file_lints_without_a_crash(folder: str) -> None:
    root = need(CORPUS / folder)
    result = run_cli("lint", "--isolated", "--format", "json", str(root))
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    findings = json.loads(result.out)["findings"]
    assert findings
    assert not [f for f in findings if f["code"] == "IR000"]
    # Each file on its own, as what it is: nothing crashes, nothing is an internal error.
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if not path.name.endswith((".json", ".yaml", ".yml", ".template")):
            continue
        linted = lint_file_data(str(path), path.read_bytes())
        if isinstance(linted, Skipped):
            assert recognise(path.name, path.read_bytes()).kind in ("other", "manifest")
            continue
        assert not [f for f in linted if f.code == "IR000"], path


#: checkov check folder -> the finding its FAILED files must get and its PASSED files must not.
CHECKOV_EXPECTED = {
    "example_IAMAdminPolicyDocument": "IR201",
    "example_IAMStarActionPolicyDocument": "IR201",
    "example_IAMRoleAllowsPublicAssume": "IR302",
    "example_IAMRoleAllowAssumeFromAccount": "IR303",
    # Cloudsplaining's checks flag sensitive actions on "Resource": "*" (IR201 for "*", IR204
    # for scopable actions on every resource).
    "Cloudsplaining_IAMCredentialsExposure": ("IR201", "IR204"),
    "Cloudsplaining_IAMGroup": ("IR201", "IR204"),
    "Cloudsplaining_IAMPermissionsManagement": ("IR201", "IR204"),
    "Cloudsplaining_IAMRole": ("IR201", "IR204"),
    "Cloudsplaining_IAMUser": ("IR201", "IR204"),
    "Cloudsplaining_IAMWriteAccess": ("IR201", "IR204"),
    "Cloudsplaining_ManagedPolicy": ("IR201", "IR204"),
}
#: Files whose name says pass or fail but where the finding says otherwise, and why.
CHECKOV_EXCEPTIONS = {
    # checkov passes these because the policies are attached to roles and groups rather than
    # users: not a wildcard check; the "*" action is still IR201.
    "IAMPolicyAttachedToGroupOrRoles-PASSED.yml": "not a wildcard or public-assume check",
    "IAMPolicyAttachedToGroupOrRoles-FAILED.yml": "not a wildcard or public-assume check",
    # A PolicyDocument written as a list: checkov cannot read it either; for us it is IR100.
    "cfn_bad_iam_pass.yaml": "the document is a list (IR100), not a policy",
}


def _checkov_cases() -> list[tuple[Path, str, bool]]:
    root = CORPUS / "checkov" / "tests" / "cloudformation" / "checks" / "resource" / "aws"
    cases = []
    for path in sorted(root.rglob("*")) if root.exists() else []:
        name = path.name.lower()
        if not path.is_file() or path.name in CHECKOV_EXCEPTIONS or "unknown" in name:
            continue
        if path.parent.name not in CHECKOV_EXPECTED:
            continue
        failing = "fail" in name
        if not failing and "pass" not in name:
            continue
        cases.append((path, path.parent.name, failing))
    return cases


def test_checkov_fixtures_get_the_finding_their_name_says() -> None:
    need(CORPUS / "checkov")
    cases = _checkov_cases()
    assert len(cases) >= 30
    wrong = []
    for path, check, failing in cases:
        expected = CHECKOV_EXPECTED[check]
        codes = {f.code for f in _lint(path)}
        if failing and not codes & set(expected if isinstance(expected, tuple) else [expected]):
            wrong.append(f"{path.name} ({check}) should get {expected}, got {sorted(codes)}")
        passing_code = expected[0] if isinstance(expected, tuple) else expected
        if not failing and passing_code in codes:
            wrong.append(f"{path.name} ({check}) should not get {passing_code}")
    assert wrong == []


def test_plans_of_the_terraform_corpus_have_their_documents() -> None:
    root = need(CORPUS / "terraform" / "tf-policy-validator")
    public = _lint(root / "public_access" / "test_plan.json")
    assert "IR302" in {f.code for f in public}
    inline = _lint(root / "role_inline_assume_policy" / "test_plan.json")
    assert {f.code for f in inline} >= {"IR204"}
    assert all(re.match(r"/resource_changes/\d+/change/after/", f.pointer) for f in inline)


def test_an_instance_role_trusting_more_than_ec2_is_ir304_in_a_template(here: Path) -> None:
    text = (DATA / "two-role-other-principal.cfn.yaml").read_text(encoding="utf-8")
    text = text.replace("AWS: !GetAtt OtherRole.Arn", "AWS: !GetAtt InstanceRole.Arn")
    text = text.replace(
        "Service: ec2.amazonaws.com", "Service: [ec2.amazonaws.com, lambda.amazonaws.com]"
    )
    write_tree(here, {"stack.yaml": text})
    (finding,) = _lint(here / "stack.yaml")
    assert finding.code == "IR304"
    assert "lambda.amazonaws.com" in finding.message
    assert finding.line == _line_of(here / "stack.yaml", "lambda.amazonaws.com")


def test_sarif_and_github_point_at_the_template_line(here: Path) -> None:
    path = DATA / "two-role-other-principal.cfn.yaml"
    write_tree(here, {"stack.yaml": path.read_text(encoding="utf-8")})
    line = _line_of(path, "AWS: !GetAtt OtherRole.Arn")
    sarif = json.loads(run_cli("lint", "--format", "sarif", "stack.yaml").out)
    (result,) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "stack.yaml"
    assert location["region"]["startLine"] == line
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == _line_of(
        path, "Resource: !GetAtt AccessRole.Arn"
    )
    github = run_cli("lint", "--format", "github", "stack.yaml").out
    assert f"file=stack.yaml,line={line}," in github


def _template_calls(size: int, *, broken: bool) -> int:
    import cProfile
    import pstats

    from iam_redshift.model import AccessRole, InstanceRole, Setup

    setup = Setup(
        account_id="123456789012",
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role"),
        access_roles=tuple(AccessRole(f"Redshift-Access-Role-{i}") for i in range(size)),
    )
    text = cloudformation.dump_template(render_bundle(setup))
    if broken:  # every access role trusts another principal: IR301 for each, with related
        text = text.replace(
            '"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"',
            '"AWS": "arn:aws:iam::123456789012:role/Someone-Else"',
        )
    profiler = cProfile.Profile()
    profiler.enable()
    linted = lint_file_data("t.cfn.json", text.encode())
    profiler.disable()
    assert not isinstance(linted, Skipped)
    assert (sum(f.code == "IR301" for f in linted) == size) is broken
    return int(pstats.Stats(profiler).total_calls)  # type: ignore[attr-defined]


@pytest.mark.parametrize("broken", [False, True])
def test_template_lint_work_grows_linearly_with_the_roles(broken: bool) -> None:
    _template_calls(3, broken=broken)  # rules, schemas and action data load once
    ratio = _template_calls(300, broken=broken) / _template_calls(60, broken=broken)
    assert ratio < 6.5, ratio
