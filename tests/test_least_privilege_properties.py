"""Properties of generated least-privilege setups: they lint clean, read back unchanged, and
their deployable outputs hold exactly their policy documents.

The setups come from ``iam_redshift.strategies.setups(profile="least-privilege")``: every option
drawn, names unique ignoring case, IAM's edges (64-character names, deep and 512-character
paths), every partition, each target in a region of the setup's partition.
"""

from __future__ import annotations

import json

from hypothesis import given

from iam_redshift import Setup, dump_toml, parse_setup, render_bundle
from iam_redshift.engine import lint_bundle
from iam_redshift.findings import Severity
from iam_redshift.render.cloudformation import cloudformation_template
from iam_redshift.render.terraform import (
    INSTANCE_ROLE_ARN_REFERENCE,
    escape,
    terraform_configuration,
    unescape,
)
from iam_redshift.setup_file import dump_json
from iam_redshift.strategies import setups


@given(setups(profile="least-privilege"))
def test_generated_least_privilege_bundles_lint_with_nothing_at_warning_or_above(
    setup: Setup,
) -> None:
    findings = lint_bundle(render_bundle(setup))
    assert [
        (f.code, f.file, f.pointer, f.message)
        for f in findings
        if f.severity.rank >= Severity.WARNING.rank
    ] == []


@given(setups(profile="least-privilege"))
def test_generated_setups_read_back_unchanged(setup: Setup) -> None:
    assert parse_setup(dump_toml(setup).encode(), source="setup.toml") == setup
    assert parse_setup(dump_json(setup).encode(), source="setup.json") == setup


@given(setups(profile="least-privilege"))
def test_every_grant_is_scoped_to_the_setup(setup: Setup) -> None:
    for document in render_bundle(setup).documents:
        if document.kind != "permissions":
            continue
        for statement in document.document["Statement"]:
            assert statement["Effect"] == "Allow"
            resources = statement["Resource"]
            for resource in resources if isinstance(resources, list) else [resources]:
                if statement["Sid"] == "ListRoles":
                    assert setup.instance_role.list_roles
                    assert resource == "*"
                else:
                    assert resource.startswith(f"arn:{setup.partition}:")
                    assert f":{setup.account_id}:" in resource
                    assert "*" not in resource


@given(setups(profile="least-privilege"))
def test_deployable_outputs_hold_exactly_the_bundle_documents(setup: Setup) -> None:
    bundle = render_bundle(setup)
    template = cloudformation_template(bundle)
    configuration = terraform_configuration(bundle)
    roles = {
        r["Properties"]["RoleName"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
    }
    tf_roles = {r["name"]: k for k, r in configuration["resource"]["aws_iam_role"].items()}
    for document in bundle.documents:
        key = tf_roles[document.role]
        if document.kind == "trust":
            assert roles[document.role]["AssumeRolePolicyDocument"] == document.document
            text = configuration["resource"]["aws_iam_role"][key]["assume_role_policy"]
            arn_json = escape(json.dumps(setup.instance_role_arn))
            text = text.replace(INSTANCE_ROLE_ARN_REFERENCE, arn_json)
            assert json.loads(unescape(text)) == document.document
        else:
            assert roles[document.role]["Policies"][0]["PolicyDocument"] == document.document
            text = configuration["resource"]["aws_iam_role_policy"][key]["policy"]
            assert json.loads(unescape(text)) == document.document
