"""IR3xx: principals, and a bundle's documents checked against each other.

Bundles are rendered from a setup and then edited the way people break them by hand; loose
documents are linted the way ``iam-redshift lint FILE [--instance-role ARN]`` lints them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.engine import LintOptions, iter_lint_contents, lint_bundle, lint_document
from iam_redshift.findings import Finding, Severity
from iam_redshift.model import AccessRole, InstanceRole, Setup
from iam_redshift.render import render_bundle
from iam_redshift.rules.cross_document import RULES as CROSS_DOCUMENT_RULES
from iam_redshift.rules.trust import RULES as TRUST_RULES
from iam_redshift.strategies import broken_bundles, setups
from tests.conftest import CORPUS, EXAMPLE, SEED_DOCUMENTS, need, run_cli

INSTANCE = "EC2-Redshift-Initiator-Role"
ACCESS = "Redshift-Access-Role-1"
INSTANCE_TRUST = f"{INSTANCE}/trust-policy.json"
INSTANCE_PERMISSIONS = f"{INSTANCE}/permissions-policy.json"
ACCESS_TRUST = f"{ACCESS}/trust-policy.json"
INSTANCE_ARN = f"arn:aws:iam::123456789012:role/etl/{INSTANCE}"
IR3_CODES = sorted(rule.code for rule in (*TRUST_RULES, *CROSS_DOCUMENT_RULES))

Files = dict[str, str]


def setup_of(
    *,
    partition: str = "aws",
    instance_path: str = "/etl/",
    access: tuple[AccessRole, ...] = (AccessRole(ACCESS), AccessRole("Redshift-Access-Role-2")),
) -> Setup:
    return Setup(
        account_id="123456789012",
        instance_role=InstanceRole(INSTANCE, path=instance_path),
        access_roles=access,
        partition=partition,  # type: ignore[arg-type]
    )


BASE = setup_of()


def files_of(setup: Setup = BASE) -> Files:
    return render_bundle(setup).files()


def edited(path: str, change: Callable[[Any], None], files: Files | None = None) -> Files:
    """The bundle's files with the JSON document at ``path`` changed in place by ``change``."""
    result = dict(files or files_of())
    value = json.loads(result[path])
    change(value)
    result[path] = json.dumps(value, indent=2) + "\n"
    return result


def with_principal(principal: Any) -> Callable[[Any], None]:
    def change(value: Any) -> None:
        value["Statement"][0]["Principal"] = principal

    return change


def lint_files(files: Files) -> list[Finding]:
    return list(iter_lint_contents(files))


def ir3(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code.startswith("IR3") or f.code == "IR000"]


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def position_of(text: str, needle: str) -> tuple[int, int]:
    """Line and column (from 1) of the first line holding ``needle``, at its opening quote."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in the text")


def loose(
    value: Any, *, instance_role: str | None = None, kind: str | None = None
) -> list[Finding]:
    options = LintOptions(instance_role_arn=instance_role, kind=kind)  # type: ignore[arg-type]
    return lint_document(value, file="policy.json", options=options)


def trust(principal: Any, *, action: Any = "sts:AssumeRole", **extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    return {"Version": "2012-10-17", "Statement": [statement]}


def permissions(action: Any, resource: Any, effect: str = "Allow") -> dict[str, Any]:
    statement = {"Effect": effect, "Action": action, "Resource": resource}
    return {"Version": "2012-10-17", "Statement": [statement]}


# -- rendered bundles are clean -------------------------------------------------------------------


def test_rendered_example_lints_without_ir3xx_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("render", str(EXAMPLE), "-o", str(out)).code == 0
    result = run_cli("lint", str(out))
    assert result.code in (0, 1), result.err
    assert not re.search(r"\bIR(3\d\d|000)\b", result.out), result.out


@pytest.mark.parametrize(
    "setup",
    [
        setup_of(instance_path="/"),
        setup_of(instance_path="/etl/redshift/", access=(AccessRole(ACCESS, path="/rs/"),)),
        setup_of(partition="aws-cn"),
        setup_of(partition="aws-us-gov"),
        setup_of(access=(AccessRole(ACCESS),)),
        setup_of(access=tuple(AccessRole(f"Redshift-Access-Role-{i}") for i in range(1, 21))),
    ],
    ids=["no-path", "paths", "aws-cn", "aws-us-gov", "one-access-role", "twenty-access-roles"],
)
def test_rendered_setups_have_no_ir3xx(setup: Setup) -> None:
    assert ir3(lint_bundle(render_bundle(setup))) == []


@given(setups(min_access_roles=1, max_access_roles=20))
def test_any_valid_setup_renders_without_ir3xx(setup: Setup) -> None:
    # Paths may hold *, ?, $, < and >: the setup's own ARNs are still what the rules expect.
    assert ir3(lint_bundle(render_bundle(setup))) == []


# -- IR301 and friends: the access role's trusted principal ----------------------------------------

PRINCIPAL_EDITS = [
    # (id, new principal, words the IR301 message must hold, codes also expected)
    ("typo", f"arn:aws:iam::123456789012:role/etl/{INSTANCE[:-1]}x", "role name is", set()),
    ("dropped-path", f"arn:aws:iam::123456789012:role/{INSTANCE}", "path is '/'", set()),
    ("other-account", f"arn:aws:iam::999999999999:role/etl/{INSTANCE}", "account is", set()),
    ("other-partition", f"arn:aws-cn:iam::123456789012:role/etl/{INSTANCE}", "partition", set()),
    ("changed-case", INSTANCE_ARN.lower(), "only in case", set()),
    ("root", "arn:aws:iam::123456789012:root", "account root", {"IR303"}),
    ("bare-account", "123456789012", "whole account", {"IR303"}),
    ("everyone", "*", "every principal", {"IR302"}),
    ("unique-id", "AROADBQP57FF2AEXAMPLE", "unique id", {"IR309"}),
    (
        "assumed-role",
        f"arn:aws:sts::123456789012:assumed-role/{INSTANCE}/i-0123456789abcdef0",
        "role session",
        {"IR308"},
    ),
    (
        "placeholder",
        f"arn:aws:iam::<your-aws-account-id>:role/etl/{INSTANCE}",
        "placeholder",
        {"IR308"},
    ),
]


@pytest.mark.parametrize(
    ("principal", "words", "also"),
    [edit[1:] for edit in PRINCIPAL_EDITS],
    ids=[edit[0] for edit in PRINCIPAL_EDITS],
)
def test_access_trust_without_the_instance_role_is_ir301(
    principal: str, words: str, also: set[str]
) -> None:
    findings = ir3(lint_files(edited(ACCESS_TRUST, with_principal({"AWS": principal}))))
    found = only(findings, "IR301")
    assert found.file == ACCESS_TRUST
    assert found.pointer == "/Statement/0/Principal/AWS"
    assert words in found.message
    assert repr(INSTANCE_ARN) in found.message  # the exact ARN to use instead
    assert codes(findings) == {"IR301"} | also


def test_ir301_points_at_the_principal_and_the_instance_policy_entry() -> None:
    files = edited(
        ACCESS_TRUST, with_principal({"AWS": INSTANCE_ARN.replace("Initiator", "Iniator")})
    )
    found = only(lint_files(files), "IR301")
    assert (found.line, found.column) == position_of(files[ACCESS_TRUST], '"arn:')
    (related,) = found.related
    assert related.file == INSTANCE_PERMISSIONS
    access_arn = BASE.arn_of(BASE.access_roles[0])
    assert (related.line, related.column) == position_of(
        files[INSTANCE_PERMISSIONS], f'"{access_arn}"'
    )
    assert INSTANCE_PERMISSIONS in found.message


def test_mistyped_principal_bundle_fails_the_cli_naming_both_documents(tmp_path: Path) -> None:
    files = edited(ACCESS_TRUST, with_principal({"AWS": INSTANCE_ARN.replace("EC2", "EC3")}))
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    result = run_cli("lint", str(tmp_path))
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if " IR301 " in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path}/{ACCESS_TRUST}:7:")
    assert f"{tmp_path}/{INSTANCE_PERMISSIONS}" in lines[0]


def test_ir301_also_fires_with_the_instance_role_only_in_a_deny_statement() -> None:
    def change(value: Any) -> None:
        value["Statement"][0]["Effect"] = "Deny"

    assert "IR301" in codes(lint_files(edited(ACCESS_TRUST, change)))


def test_extra_principals_beside_the_instance_role_are_not_ir301() -> None:
    principal = {"AWS": [INSTANCE_ARN, "arn:aws:iam::123456789012:role/Other"]}
    assert codes(ir3(lint_files(edited(ACCESS_TRUST, with_principal(principal))))) == set()


def test_service_principal_only_access_trust_is_ir301_on_the_principal() -> None:
    files = edited(ACCESS_TRUST, with_principal({"Service": "ec2.amazonaws.com"}))
    found = only(lint_files(files), "IR301")
    assert found.pointer == "/Statement/0/Principal/Service"
    assert "only the Service principal 'ec2.amazonaws.com'" in found.message


@given(st.data())
def test_any_one_character_change_in_the_principal_is_ir301(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(INSTANCE_ARN) - 1), label="position")
    edit = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="edit")
    character = data.draw(
        st.characters(codec="latin-1").filter(lambda c: c != INSTANCE_ARN[position])
    )
    if edit == "replace":
        changed = INSTANCE_ARN[:position] + character + INSTANCE_ARN[position + 1 :]
    elif edit == "insert":
        changed = INSTANCE_ARN[:position] + character + INSTANCE_ARN[position:]
    else:
        changed = INSTANCE_ARN[:position] + INSTANCE_ARN[position + 1 :]
    findings = lint_files(edited(ACCESS_TRUST, with_principal({"AWS": changed})))
    assert "IR000" not in codes(findings)
    assert only(findings, "IR301").file == ACCESS_TRUST


def test_loose_trust_policy_must_name_the_given_instance_role() -> None:
    given_arn = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"
    other = trust({"AWS": "arn:aws:iam::123456789012:role/Someone-Else"})
    found = only(loose(other, instance_role=given_arn), "IR301")
    assert "--instance-role" in found.message
    assert given_arn in found.message
    assert "IR301" not in codes(loose(trust({"AWS": given_arn}), instance_role=given_arn))
    assert "IR301" not in codes(loose(other))  # nothing to compare with


def test_loose_service_trust_policy_is_not_an_access_role_trust_policy() -> None:
    service_only = trust({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]})
    given_arn = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"
    assert ir3(loose(service_only, instance_role=given_arn)) == []


# -- IR302, IR303 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::123456789012:role/A", "*"]}]
)
def test_wildcard_principal_is_ir302(principal: Any) -> None:
    found = only(loose(trust(principal)), "IR302")
    assert "any AWS principal" in found.message


def test_wildcard_principal_in_a_deny_statement_is_not_ir302() -> None:
    document = trust("*")
    document["Statement"][0]["Effect"] = "Deny"
    assert "IR302" not in codes(loose(document, kind="trust"))


@pytest.mark.parametrize("principal", ["arn:aws:iam::123456789012:root", "123456789012"])
def test_account_principal_is_ir303(principal: str) -> None:
    found = only(loose(trust({"AWS": principal})), "IR303")
    assert "123456789012" in found.message
    assert "aws:PrincipalArn" in found.message


@pytest.mark.parametrize(
    ("operator", "key"),
    [
        ("ArnEquals", "aws:PrincipalArn"),
        ("StringLike", "AWS:PRINCIPALARN"),
        ("ArnLike", "aws:principalarn"),
    ],
)
def test_account_principal_narrowed_by_principal_arn_is_not_ir303(operator: str, key: str) -> None:
    condition = {operator: {key: INSTANCE_ARN}}
    document = trust({"AWS": "arn:aws:iam::123456789012:root"}, Condition=condition)
    assert "IR303" not in codes(loose(document))


def test_other_conditions_do_not_silence_ir303() -> None:
    condition = {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    document = trust({"AWS": "123456789012"}, Condition=condition)
    assert "IR303" in codes(loose(document))


# -- IR304: the instance role trusts exactly EC2 -------------------------------------------------


def test_swapped_ec2_principal_is_ir304() -> None:
    files = edited(INSTANCE_TRUST, with_principal({"Service": "lambda.amazonaws.com"}))
    found = only(ir3(lint_files(files)), "IR304")
    assert found.file == INSTANCE_TRUST
    assert found.pointer == "/Statement/0/Principal/Service"
    assert "'lambda.amazonaws.com' instead of EC2" in found.message


def test_china_partition_needs_the_cn_ec2_principal() -> None:
    china = files_of(setup_of(partition="aws-cn"))
    files = edited(INSTANCE_TRUST, with_principal({"Service": "ec2.amazonaws.com"}), china)
    found = only(lint_files(files), "IR304")
    assert "'ec2.amazonaws.com.cn'" in found.message


def test_extra_principal_in_the_instance_trust_is_ir304() -> None:
    principal = {"Service": "ec2.amazonaws.com", "AWS": "arn:aws:iam::123456789012:role/Admin"}
    found = only(lint_files(edited(INSTANCE_TRUST, with_principal(principal))), "IR304")
    assert found.pointer == "/Statement/0/Principal/AWS"
    assert "also trusts" in found.message


@pytest.mark.parametrize(
    "action", ["sts:*", ["sts:AssumeRole", "sts:TagSession"], "sts:AssumeRoleWithWebIdentity"]
)
def test_instance_trust_actions_other_than_assume_role_are_ir304_not_ir310(action: Any) -> None:
    def change(value: Any) -> None:
        value["Statement"][0]["Action"] = action

    findings = ir3(lint_files(edited(INSTANCE_TRUST, change)))
    assert codes(findings) == {"IR304"}


def test_instance_trust_without_principals_is_ir304() -> None:
    def change(value: Any) -> None:
        value["Statement"] = []

    found = only(lint_files(edited(INSTANCE_TRUST, change)), "IR304")
    assert "does not trust the EC2 service" in found.message


# -- IR305, IR306: assume-role targets against trust --------------------------------------------


def add_target(arn: str) -> Callable[[Any], None]:
    def change(value: Any) -> None:
        value["Statement"][2]["Resource"].append(arn)

    return change


def test_assume_role_target_missing_from_the_bundle_is_ir305() -> None:
    extra = "arn:aws:iam::123456789012:role/Redshift-Access-Role-9"
    files = edited(INSTANCE_PERMISSIONS, add_target(extra))
    findings = ir3(lint_files(files))
    found = only(findings, "IR305")
    assert found.file == INSTANCE_PERMISSIONS
    assert found.pointer == "/Statement/2/Resource/2"
    assert (found.line, found.column) == position_of(files[INSTANCE_PERMISSIONS], f'"{extra}"')
    assert found.related == ()
    assert codes(findings) == {"IR305"}


def test_ir305_suggests_the_access_role_a_target_nearly_names() -> None:
    typo = "arn:aws:iam::999999999999:role/Redshift-Access-Role-2"
    findings = ir3(lint_files(edited(INSTANCE_PERMISSIONS, add_target(typo))))
    found = only(findings, "IR305")
    assert (
        "did you mean the access role arn:aws:iam::123456789012:role/Redshift-Access-Role-2"
        in found.message
    )
    assert "IR307" not in codes(findings)  # the account is already in IR305's message


def test_wildcard_target_covering_access_roles_is_not_ir305() -> None:
    files = edited(INSTANCE_PERMISSIONS, add_target("arn:aws:iam::123456789012:role/Redshift-*"))
    assert ir3(lint_files(files)) == []


def test_wildcard_target_covering_no_access_role_is_ir305() -> None:
    files = edited(INSTANCE_PERMISSIONS, add_target("arn:aws:iam::123456789012:role/Other-*"))
    assert "matches no access role" in only(lint_files(files), "IR305").message


def test_trust_naming_the_instance_role_without_assume_role_is_ir305() -> None:
    def change(value: Any) -> None:
        value["Statement"][0]["Action"] = "sts:TagSession"

    findings = ir3(lint_files(edited(ACCESS_TRUST, change)))
    assert codes(findings) == {"IR305", "IR310"}
    found = only(findings, "IR305")
    assert found.file == INSTANCE_PERMISSIONS
    assert [r.file for r in found.related] == [ACCESS_TRUST]


def test_dropped_assume_role_target_is_ir306_on_the_trust_policy() -> None:
    def change(value: Any) -> None:
        value["Statement"][2]["Resource"].pop(0)

    files = edited(INSTANCE_PERMISSIONS, change)
    findings = ir3(lint_files(files))
    found = only(findings, "IR306")
    assert found.file == ACCESS_TRUST
    assert found.pointer == "/Statement/0/Principal/AWS"
    (related,) = found.related
    assert related.file == INSTANCE_PERMISSIONS
    assert related.pointer == "/Statement/2/Resource"
    assert codes(findings) == {"IR306"}


def test_dropped_assume_role_statement_is_ir306_for_every_access_role() -> None:
    def change(value: Any) -> None:
        del value["Statement"][2]

    findings = only_code(lint_files(edited(INSTANCE_PERMISSIONS, change)), "IR306")
    assert sorted(f.file for f in findings) == [
        ACCESS_TRUST,
        "Redshift-Access-Role-2/trust-policy.json",
    ]


def only_code(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


@pytest.mark.parametrize(
    "action", ["sts:*", "sts:Assume*", "*", ["s3:GetObject", "STS:ASSUMEROLE"]]
)
def test_assume_role_granted_through_wildcard_actions_counts(action: Any) -> None:
    def change(value: Any) -> None:
        value["Statement"][2]["Action"] = action

    assert "IR306" not in codes(lint_files(edited(INSTANCE_PERMISSIONS, change)))


# -- IR307 ---------------------------------------------------------------------------------------

GIVEN = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"


def test_other_partition_is_an_error_and_other_account_a_warning() -> None:
    document = permissions(
        "sts:AssumeRole",
        [
            "arn:aws-us-gov:iam::123456789012:role/A",
            "arn:aws:iam::210987654321:role/B",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::*:role/C",
        ],
    )
    found = only_code(loose(document, instance_role=GIVEN), "IR307")
    assert [(f.pointer, f.severity) for f in found] == [
        ("/Statement/0/Resource/0", Severity.ERROR),
        ("/Statement/0/Resource/1", Severity.WARNING),
    ]
    assert "'aws-us-gov'" in found[0].message
    assert "210987654321" in found[1].message
    assert only_code(loose(document), "IR307") == []  # no --instance-role: nothing to compare


def test_ir307_in_a_bundle_compares_with_the_setup() -> None:
    principal = {"AWS": [INSTANCE_ARN, "arn:aws:iam::210987654321:role/Auditor"]}
    found = only(lint_files(edited(ACCESS_TRUST, with_principal(principal))), "IR307")
    assert found.severity is Severity.WARNING
    assert found.pointer == "/Statement/0/Principal/AWS/1"


# -- IR308 ---------------------------------------------------------------------------------------

MALFORMED_PRINCIPALS = [
    ("arn:aws:iam::<your-aws-account-id>:role/R", "placeholder <your-aws-account-id>"),
    ("arn:aws:iam::12345678901:role/R", "11 digits"),
    ("arn:aws:iam::ACCOUNT_ID:role/R", "'ACCOUNT_ID' is not 12 digits"),
    ("arn:aws:iam:us-east-1:123456789012:role/R", "has a region"),
    ("arn:aws:iam::123456789012:role/Redshift-*", "wildcard"),
    ("arn:aws:iam::*:role/R", "wildcard"),
    ("arn:aws:iam::123456789012:role/${aws:username}", "variable"),
    ("arn:aws:iam::123456789012", "six parts"),
    ("arn::iam::123456789012:role/R", "partition"),
    ("arn:aws:iam::123456789012:role/R\n", "line breaks"),
    ("arn:aws:iam::123456789012:group/Admins", "group"),
    ("arn:aws:iam::123456789012:instance-profile/R", "instance profile"),
    ("arn:aws:s3:::bucket", "IAM or STS ARN"),
    ("EC2-Redshift-Initiator-Role", "not an ARN"),
    ("1234567890", "10 digits"),
    ("AGPAEXAMPLEEXAMPLE12", "group"),
]


@pytest.mark.parametrize(("principal", "words"), MALFORMED_PRINCIPALS)
def test_malformed_principal_is_ir308(principal: str, words: str) -> None:
    found = only(loose(trust({"AWS": principal})), "IR308")
    assert words in found.message


@pytest.mark.parametrize(
    "principal",
    [
        "arn:aws:iam::123456789012:role/etl/R",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:sts::123456789012:assumed-role/R/session",
        "arn:aws-cn:iam::123456789012:role/R",
        "arn:aws:iam::123456789012:root",
    ],
)
def test_well_formed_principals_are_not_ir308_in_a_loose_trust_policy(principal: str) -> None:
    assert "IR308" not in codes(loose(trust({"AWS": principal})))


@pytest.mark.parametrize(
    ("principal", "words"),
    [
        ("arn:aws:iam::123456789012:user/alice", "user ARN"),
        ("arn:aws:sts::123456789012:assumed-role/R/session", "role/R"),
    ],
)
def test_user_or_session_where_an_access_role_expects_the_instance_role_is_ir308(
    principal: str, words: str
) -> None:
    found = only(lint_files(edited(ACCESS_TRUST, with_principal({"AWS": principal}))), "IR308")
    assert words in found.message


@pytest.mark.parametrize(
    ("resource", "words"),
    [
        ("arn:aws:iam::123456789012:instance-profile/R", "instance profile"),
        ("arn:aws:iam::123456789012:user/alice", "user ARN"),
        ("arn:aws:sts::123456789012:assumed-role/R/s", "role session"),
        ("arn:aws:iam::123456789012:root", "account, not a role"),
        ("arn:aws:iam:eu-west-1:123456789012:role/R", "has a region"),
        ("arn:aws:iam::<ACCOUNT>:role/R", "placeholder"),
        ("Redshift-Access-Role-1", "not an ARN"),
    ],
)
def test_assume_role_resource_that_is_not_a_role_is_ir308(resource: str, words: str) -> None:
    found = only(loose(permissions("sts:AssumeRole", resource)), "IR308")
    assert words in found.message


def test_policy_variables_and_wildcards_are_allowed_in_resources() -> None:
    document = permissions(
        ["iam:GetRole", "sts:AssumeRole"],
        ["arn:aws:iam::123456789012:role/${aws:username}", "arn:aws:iam::123456789012:role/*", "*"],
    )
    assert "IR308" not in codes(loose(document))


def test_resources_of_other_services_are_not_ir308() -> None:
    assert "IR308" not in codes(loose(permissions("s3:GetObject", "arn:aws:s3:bucket")))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("access-role-trust-policy.json", 1),
        ("instance-role-permissions-policy.json", 2),
        ("instance-role-trust-policy.json", 0),
        ("access-role-permissions-policy.json", 0),
    ],
)
def test_seed_documents_as_published_are_ir308(name: str, expected: int) -> None:
    path = need(SEED_DOCUMENTS / name)
    findings = ir3(lint_document(path.read_bytes(), file=name))
    assert [f.code for f in findings] == ["IR308"] * expected
    assert all("<your-aws-account-id>" in f.message for f in findings)


# -- IR309, IR310 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("unique_id", ["AROADBQP57FF2AEXAMPLE", "AIDACKCEVSQ6C2EXAMPLE"])
def test_unique_id_principal_is_ir309(unique_id: str) -> None:
    findings = loose(trust({"AWS": unique_id}))
    assert "deleted" in only(findings, "IR309").message
    assert "IR308" not in codes(findings)


@pytest.mark.parametrize("text", ["AROA123", "aroadbqp57ff2aexample", "AGPAEXAMPLEEXAMPLE12"])
def test_other_ids_are_not_ir309(text: str) -> None:
    assert "IR309" not in codes(loose(trust({"AWS": text})))


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("sts:*", "every matching action"),
        ("sts:TagSession", "session tags"),
        ("sts:AssumeRoleWithWebIdentity", "federated"),
        ("iam:PassRole", "not an action"),
    ],
)
def test_trust_actions_other_than_assume_role_are_ir310(action: str, words: str) -> None:
    document = trust({"AWS": GIVEN}, action=["sts:AssumeRole", action])
    found = only(loose(document), "IR310")
    assert found.pointer == "/Statement/0/Action/1"
    assert words in found.message


def test_assume_role_in_any_case_is_not_ir310() -> None:
    assert "IR310" not in codes(loose(trust({"AWS": GIVEN}, action="STS:assumerole")))


# -- robustness ----------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted((CORPUS / "trust-policies" / "docs").glob("*.json"))


@pytest.mark.parametrize("instance_role", [None, GIVEN])
def test_every_corpus_trust_policy_lints_without_a_rule_crash(instance_role: str | None) -> None:
    need(CORPUS / "trust-policies" / "docs")
    options = LintOptions(instance_role_arn=instance_role)
    for path in corpus_files():
        findings = lint_document(path.read_bytes(), file=path.name, options=options)
        assert "IR000" not in codes(findings), (path.name, findings)


_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "*",
            "arn:",
            "arn:aws:iam::123456789012:root",
            "123456789012",
            "AROADBQP57FF2AEXAMPLE",
            "sts:*",
        ]
    ),
)
_json = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_principal_values = st.one_of(
    _json,
    st.dictionaries(
        st.sampled_from(["AWS", "Service", "Federated"]), _json | st.lists(st.text()), max_size=3
    ),
)


@given(
    principal=_principal_values,
    action=_json,
    resource=_json,
    condition=_json,
    instance_role=st.none() | st.just(GIVEN),
)
def test_odd_documents_never_crash_a_rule(
    principal: Any, action: Any, resource: Any, condition: Any, instance_role: str | None
) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Condition": condition,
    }
    for kind in ("trust", "permissions"):
        document = {"Version": "2012-10-17", "Statement": [statement | {"Resource": resource}]}
        assert "IR000" not in codes(loose(document, instance_role=instance_role, kind=kind))


@given(broken_bundles(codes=[c for c in IR3_CODES if c not in ("IR307", "IR310")]))
def test_bundles_broken_in_one_known_way_report_that_code(broken: Any) -> None:
    assert ir3(lint_bundle(broken.original)) == []
    reported = codes(broken.lint())
    assert broken.code in reported, broken.mutation
    assert "IR000" not in reported
