"""``iam-redshift graph`` and the dump reader: who can reach Redshift credentials in an account,
from get-account-authorization-details output (issue 12)."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iam_redshift import render_bundle
from iam_redshift._schemas import validator
from iam_redshift.engine import LintOptions
from iam_redshift.engine.contents import iter_lint_contents
from iam_redshift.engine.paths import iter_lint_paths
from iam_redshift.formats.graph import GRAPH_FORMATS, to_json_data, to_text
from iam_redshift.graph import analyse
from iam_redshift.rules._base import example_setup
from iam_redshift.sources.account_dump import is_dump, read_dump
from iam_redshift.sources.json_text import Unreadable
from iam_redshift.strategies import GeneratedDump, account_dumps, bundle_dump, synthetic_dump
from tests.conftest import CORPUS, need, run_cli

DUMPS = CORPUS / "account-dumps"
CLOUDSPLAINING = DUMPS / "cloudsplaining" / "examples" / "files" / "example.json"
CLOUDMAPPER = (
    DUMPS
    / "cloudmapper-demo"
    / "account-data"
    / "demo"
    / "us-east-1"
    / "iam-get-account-authorization-details.json"
)
ACCOUNT = "123456789012"
INSTANCE = f"arn:aws:iam::{ACCOUNT}:role/EC2-Redshift-Initiator-Role"
ACCESS = f"arn:aws:iam::{ACCOUNT}:role/Redshift-Access-Role-1"
PATTERN_CHAIN = (
    "ec2.amazonaws.com -> EC2-Redshift-Initiator-Role -> Redshift-Access-Role-1 -> "
    "redshift:GetClusterCredentials"
)


def _read(value: Any, file: str = "dump.json") -> Any:
    dump = read_dump(json.dumps(value, indent=2), file)
    assert not isinstance(dump, Unreadable), dump
    return dump


def _pattern_account(*, mistyped: bool = False, encoding: str = "object") -> dict[str, Any]:
    dump = bundle_dump(render_bundle(example_setup()), encoding="object")
    if mistyped:
        for role in dump["RoleDetailList"]:
            if role["Arn"] == ACCESS:
                text = json.dumps(role["AssumeRolePolicyDocument"])
                role["AssumeRolePolicyDocument"] = json.loads(
                    text.replace("Initiator-Role", "Initiater-Role")
                )
    if encoding != "object":
        text = json.dumps(dump)
        dump = bundle_dump(render_bundle(example_setup()), encoding=encoding)
        if mistyped:
            for role, original in zip(
                dump["RoleDetailList"], json.loads(text)["RoleDetailList"], strict=True
            ):
                role["AssumeRolePolicyDocument"] = json.dumps(original["AssumeRolePolicyDocument"])
    return dump


# -- the known answers ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(account_dumps())
def test_every_known_edge_is_found_and_no_other(generated: GeneratedDump) -> None:
    analysis = analyse([_read(generated.dump)])
    found = {(e.source, e.target): (e.verdict, e.keys) for e in analysis.graph.edges}
    assert found == dict(generated.edges)


@settings(max_examples=100, deadline=None)
@given(account_dumps())
def test_every_dangling_policy_arn_is_a_finding_and_nothing_crashes(
    generated: GeneratedDump,
) -> None:
    dump = _read(generated.dump)
    analysis = analyse([dump])
    reported = {
        (f.message.split(") ", 1)[0].rsplit("(", 1)[1], f.message.split()[-1 - 0])
        for f in analysis.findings
        if f.code == "IR110"
    }
    assert len([f for f in analysis.findings if f.code == "IR110"]) == len(generated.dangling)
    for principal, policy in generated.dangling:
        assert any(
            principal in f.message and policy in f.message
            for f in analysis.findings
            if f.code == "IR110"
        )
    del reported
    # lint reports the same attachments, at the attachment's line in the dump.
    linted = [f for f in iter_lint_contents({"dump.json": generated.text()}) if f.code == "IR110"]
    assert len(linted) == len(generated.dangling)
    lines = generated.text().splitlines()
    for finding in linted:
        assert '"PolicyArn"' in lines[finding.line - 1]


def test_a_condition_keeps_the_edge_conditional_and_names_its_keys() -> None:
    role = {
        "RoleName": "Partner",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/Partner",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {
                        "StringEquals": {"sts:ExternalId": "x"},
                        "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    },
                }
            ],
        },
    }
    analysis = analyse([_read({"RoleDetailList": [role]})])
    (edge,) = analysis.graph.edges
    assert (edge.source, edge.verdict, edge.via) == (
        "arn:aws:iam::999988887777:root",
        "conditional",
        "account",
    )
    assert edge.keys == ("aws:MultiFactorAuthPresent", "sts:ExternalId")
    assert analysis.graph.nodes[edge.source].kind == "account"


def test_an_explicit_deny_removes_the_edge() -> None:
    account = _pattern_account()
    instance = next(r for r in account["RoleDetailList"] if r["Arn"] == INSTANCE)
    instance["RolePolicyList"].append(
        {
            "PolicyName": "NoAssuming",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "sts:*", "Resource": "*"}],
            },
        }
    )
    analysis = analyse([_read(account)])
    assert (INSTANCE, ACCESS) not in {(e.source, e.target) for e in analysis.graph.edges}
    assert PATTERN_CHAIN not in to_text(analysis)


def test_a_permissions_boundary_limits_the_edge() -> None:
    account = _pattern_account()
    boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/NoSts"
    instance = next(r for r in account["RoleDetailList"] if r["Arn"] == INSTANCE)
    instance["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary_arn,
    }
    account["Policies"].append(
        {
            "PolicyName": "NoSts",
            "Arn": boundary_arn,
            "PolicyVersionList": [
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "Document": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                    },
                }
            ],
        }
    )
    analysis = analyse([_read(account)])
    assert (INSTANCE, ACCESS) not in {(e.source, e.target) for e in analysis.graph.edges}


def test_ec2_delivers_a_role_only_through_an_instance_profile() -> None:
    account = bundle_dump(render_bundle(example_setup()), instance_profile=False)
    analysis = analyse([_read(account)])
    assert "ec2.amazonaws.com" not in {e.source for e in analysis.graph.edges}
    assert "ec2-without-instance-profile" in {r.kind for r in analysis.risks}


# -- the two-role pattern ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["object", "json", "url"])
def test_the_rendered_pattern_reports_its_chain(encoding: str) -> None:
    analysis = analyse([_read(_pattern_account(encoding=encoding))])
    assert f"  {PATTERN_CHAIN}\n" in to_text(analysis)
    assert analysis.findings == ()
    chain = next(c for c in analysis.chains if c.nodes[0] == "ec2.amazonaws.com")
    assert chain.nodes == ("ec2.amazonaws.com", INSTANCE, ACCESS)
    assert chain.verdict == "allowed"


def test_a_mistyped_trust_principal_is_ir301_and_breaks_the_chain() -> None:
    account = _pattern_account(mistyped=True)
    text = json.dumps(account, indent=2)
    analysis = analyse([_read(account)])
    assert [f.code for f in analysis.findings] == ["IR301"]
    (finding,) = analysis.findings
    assert "Initiater" in text.splitlines()[finding.line - 1]
    assert not any(c.nodes[0] == "ec2.amazonaws.com" for c in analysis.chains)
    assert "ec2.amazonaws.com ->" not in to_text(analysis)


def test_a_missing_access_role_is_ir305_and_an_unlisted_trusting_one_ir306() -> None:
    account = _pattern_account()
    instance = next(r for r in account["RoleDetailList"] if r["Arn"] == INSTANCE)
    text = json.dumps(instance["RolePolicyList"]).replace(
        "Redshift-Access-Role-1", "Redshift-Access-Role-9"
    )
    instance["RolePolicyList"] = json.loads(text)
    analysis = analyse([_read(account)])
    assert sorted(f.code for f in analysis.findings) == ["IR305", "IR306"]


# -- real dumps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [CLOUDSPLAINING, CLOUDMAPPER], ids=["cloudsplaining", "cloudmapper"]
)
def test_real_dumps_graph_and_validate_against_the_published_schema(path: Path) -> None:
    dump = read_dump(need(path).read_bytes(), str(path))
    assert not isinstance(dump, Unreadable)
    analysis = analyse([dump])
    assert analysis.graph.edges
    data = to_json_data(analysis)
    errors = sorted(validator("graph.schema.json").iter_errors(data), key=str)
    assert errors == []
    for writer in GRAPH_FORMATS.values():
        assert writer(analysis, None)


@pytest.mark.parametrize(
    "path", [CLOUDSPLAINING, CLOUDMAPPER], ids=["cloudsplaining", "cloudmapper"]
)
def test_real_dumps_lint_every_document_naming_principal_and_policy(path: Path) -> None:
    findings = list(iter_lint_paths([need(path)], options=LintOptions()))
    assert findings
    assert {f.code for f in findings}.isdisjoint({"IR000", "IR100"})
    text = path.read_text(encoding="utf-8").splitlines()
    for finding in findings:
        assert finding.file == str(path)
        assert finding.message.startswith(("role ", "user ", "group ", "managed policy "))
        assert 1 <= finding.line <= len(text)


def test_cloudmapper_chains_reach_through_the_role_trusted_by_anyone() -> None:
    dump = read_dump(need(CLOUDMAPPER).read_bytes(), "demo.json")
    assert not isinstance(dump, Unreadable)
    analysis = analyse([dump])
    texts = {c.text() for c in analysis.chains}
    assert "* -> arn:aws:iam::123456789012:role/bad_role -> redshift:GetClusterCredentials" in texts
    assert "trusted-by-anyone" in {r.kind for r in analysis.risks}


def test_url_encoded_documents_from_the_raw_api_are_decoded() -> None:
    listed = need(CORPUS / "api-responses/tests/data/placebo/test_delete_role/iam.ListRoles_1.json")
    roles = json.loads(listed.read_text(encoding="utf-8"))["data"]["Roles"]
    assert any(isinstance(r["AssumeRolePolicyDocument"], str) for r in roles)
    dump = _read({"RoleDetailList": roles})
    assert all(r.trust is not None and r.trust.document is not None for r in dump.roles)
    analysis = analyse([dump])
    assert {n.kind for n in analysis.graph.nodes.values()} >= {"role", "service"}


# -- pages and accounts --------------------------------------------------------------------------


def test_pages_as_an_array_or_one_after_another_are_joined() -> None:
    account = _pattern_account()
    first = {**account, "RoleDetailList": account["RoleDetailList"][:1]}
    second = {**account, "RoleDetailList": account["RoleDetailList"][1:]}
    as_array = read_dump(json.dumps([first, second], indent=2), "pages.json")
    in_a_row = read_dump(
        json.dumps(first, indent=2) + "\n" + json.dumps(second, indent=2), "p.json"
    )
    for dump in (as_array, in_a_row):
        assert not isinstance(dump, Unreadable)
        assert PATTERN_CHAIN in to_text(analyse([dump]))
    assert not isinstance(in_a_row, Unreadable)
    role = in_a_row.roles[1]
    line, _ = in_a_row.positions(role.pointer + "/RoleName")
    lines = (json.dumps(first, indent=2) + "\n" + json.dumps(second, indent=2)).splitlines()
    assert role.name in lines[line - 1]


def test_dumps_of_two_accounts_join_by_account_id() -> None:
    other = "210987654321"
    partner_arn = f"arn:aws:iam::{other}:role/Partner"
    partner = {
        "RoleDetailList": [
            {
                "RoleName": "Partner",
                "Arn": partner_arn,
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "RolePolicyList": [
                    {
                        "PolicyName": "assume",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ACCESS}
                            ],
                        },
                    }
                ],
            }
        ]
    }
    account = _pattern_account()
    access = next(r for r in account["RoleDetailList"] if r["Arn"] == ACCESS)
    access["AssumeRolePolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": partner_arn}, "Action": "sts:AssumeRole"}
    )
    analysis = analyse([_read(account, "a.json"), _read(partner, "b.json")])
    assert analysis.graph.accounts == (other, ACCOUNT) or analysis.graph.accounts == tuple(
        sorted((other, ACCOUNT))
    )
    assert (partner_arn, ACCESS) in {(e.source, e.target) for e in analysis.graph.edges}
    assert "outside-pattern" in {r.kind for r in analysis.risks}
    # Alone, the partner's own policies are unknown: its side is taken as allowed.
    alone = analyse([_read(account, "a.json")])
    assert alone.graph.nodes[partner_arn].kind == "external"


def test_a_policy_document_is_not_a_dump() -> None:
    assert not is_dump({"Version": "2012-10-17", "Statement": []})
    assert is_dump({"RoleDetailList": []})
    assert isinstance(
        read_dump(b'{"Version": "2012-10-17", "Statement": []}', "p.json"), Unreadable
    )
    assert isinstance(read_dump(b"\xff\xfe", "p.json"), Unreadable)
    assert isinstance(read_dump(b"[" * 100_000, "p.json"), Unreadable)


# -- the command line ----------------------------------------------------------------------------


def _write(tmp_path: Path, value: Any, name: str = "dump.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return str(path)


def test_cli_prints_the_chain_and_exits_0_without_findings(tmp_path: Path) -> None:
    result = run_cli("graph", _write(tmp_path, _pattern_account()))
    assert result.code == 0, result.err
    assert PATTERN_CHAIN in result.out


def test_cli_exits_1_with_findings_and_writes_sarif(tmp_path: Path) -> None:
    result = run_cli(
        "graph", _write(tmp_path, _pattern_account(mistyped=True)), "--format", "sarif"
    )
    assert result.code == 1
    log = json.loads(result.out)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["IR301"]


def test_cli_from_and_to(tmp_path: Path) -> None:
    path = _write(tmp_path, _pattern_account())
    only = run_cli("graph", path, "--from", "ec2.amazonaws.com")
    assert only.code == 0
    assert [line for line in only.out.splitlines() if " -> " in line] == [f"  {PATTERN_CHAIN}"]
    to_role = run_cli("graph", path, "--to", ACCESS, "--format", "json")
    chains = [c["nodes"] for c in json.loads(to_role.out)["chains"]]
    assert ["ec2.amazonaws.com", INSTANCE, ACCESS] in chains
    to_action = run_cli("graph", path, "--to", "s3:GetObject", "--format", "json")
    assert json.loads(to_action.out)["chains"] == []
    unknown = run_cli("graph", path, "--from", "nobody")
    assert unknown.code == 2
    assert "nobody" in unknown.err


def test_cli_refuses_what_is_not_a_dump_with_exit_2(tmp_path: Path) -> None:
    policy = _write(tmp_path, {"Version": "2012-10-17", "Statement": []}, "policy.json")
    result = run_cli("graph", policy)
    assert result.code == 2
    assert "policy.json" in result.err
    assert "not an authorization-details dump" in result.err
    missing = run_cli("graph", str(tmp_path / "missing.json"))
    assert missing.code == 2
    assert "Traceback" not in missing.err


@pytest.mark.parametrize("name", sorted(GRAPH_FORMATS))
def test_every_format_is_deterministic(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, synthetic_dump(120, seed=3))
    first = run_cli("graph", path, "--format", name)
    second = run_cli("graph", path, "--format", name)
    assert first.code in (0, 1), first.err
    assert first.out == second.out


def test_the_html_report_loads_nothing_and_escapes_names(tmp_path: Path) -> None:
    account = _pattern_account()
    account["RoleDetailList"][0]["RoleName"] = "<script>alert(1)</script>"
    result = run_cli("graph", _write(tmp_path, account), "--format", "html")
    assert "<script>alert" not in result.out
    assert "&lt;script&gt;" in result.out
    for remote in ("http://", "https://", "src=", "<link", "@import"):
        assert remote not in result.out.replace("http://www.w3.org/2000/svg", "")


def test_dot_and_mermaid_draw_the_chain(tmp_path: Path) -> None:
    path = _write(tmp_path, _pattern_account())
    dot = run_cli("graph", path, "--format", "dot").out
    assert dot.startswith("digraph")
    assert f'"{INSTANCE}" -> "{ACCESS}";' in dot
    mermaid = run_cli("graph", path, "--format", "mermaid").out
    assert mermaid.startswith("flowchart LR")
    assert "EC2-Redshift-Initiator-Role" in mermaid


def test_progress_goes_to_stderr_on_long_runs(tmp_path: Path) -> None:
    path = _write(tmp_path, synthetic_dump(2000, seed=1, users=0))
    result = run_cli("graph", path, "--format", "json")
    assert "graph: principals 0/2000" in result.err
    assert "graph: principals 2000/2000" in result.err
    json.loads(result.out)


def test_lint_of_a_dump_names_the_principal_and_points_into_the_dump(tmp_path: Path) -> None:
    account = _pattern_account()
    access = next(r for r in account["RoleDetailList"] if r["Arn"] == ACCESS)
    access["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] = "redshift:*"
    path = _write(tmp_path, account)
    result = run_cli("lint", "--isolated", "--format", "json", path)
    findings = json.loads(result.out)["findings"]
    assert findings
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    wildcard = [f for f in findings if '"redshift:*"' in lines[f["line"] - 1]]
    assert wildcard
    assert all(f["message"].startswith("role Redshift-Access-Role-1 (") for f in wildcard)
    assert all("inline policy" in f["message"] for f in wildcard)


def test_url_encoding_round_trip_in_generated_documents() -> None:
    document = {"Version": "2012-10-17", "Statement": []}
    encoded = urllib.parse.quote(json.dumps(document), safe="")
    dump = _read(
        {
            "RoleDetailList": [
                {
                    "RoleName": "r",
                    "Arn": "arn:aws:iam::1:role/r",
                    "AssumeRolePolicyDocument": encoded,
                }
            ]
        }
    )
    assert dump.roles[0].trust.document == document


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "Arn",
        "RoleName",
        "AssumeRolePolicyDocument",
        "RolePolicyList",
        "AttachedManagedPolicies",
        "InstanceProfileList",
        "PermissionsBoundary",
        "GroupList",
        "PolicyVersionList",
        "Statement",
        "Principal",
    ]
)
_ENTRY = st.dictionaries(_KEYS, _JSON | st.just("arn:aws:iam::123456789012:role/x"), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["RoleDetailList", "UserDetailList", "GroupDetailList", "Policies"]),
        st.lists(_ENTRY | _JSON, max_size=3) | _JSON,
        min_size=1,
    )
)
def test_any_shape_under_the_dump_keys_is_read_graphed_and_linted_without_crashing(
    value: dict[str, Any],
) -> None:
    text = json.dumps(value)
    dump = read_dump(text, "dump.json")
    if isinstance(dump, Unreadable):
        return
    analysis = analyse([dump])
    for writer in GRAPH_FORMATS.values():
        writer(analysis, None)
    findings = list(iter_lint_contents({"dump.json": text}))
    assert "IR000" not in {f.code for f in findings}


def test_the_readme_example_is_what_graph_prints(tmp_path: Path, monkeypatch: Any) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Who can reach Redshift credentials in an account\n", 1)[1]
    shown = section.split("```\n", 4)[3]
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, _pattern_account(), "account.json")
    result = run_cli("graph", "account.json")
    assert result.out == shown


def test_lint_reads_a_dump_larger_than_one_policy_document_may_be(tmp_path: Path) -> None:
    account = _pattern_account()
    account["RoleDetailList"][0]["Description"] = "x" * (5 << 20)
    path = _write(tmp_path, account)
    result = run_cli("lint", "--isolated", "--format", "json", path)
    codes = {f["code"] for f in json.loads(result.out)["findings"]}
    assert "IR100" not in codes


def test_lint_recognises_a_dump_on_stdin() -> None:
    dump = json.dumps(_pattern_account(), indent=2).replace(
        '"Action": "sts:AssumeRole"', '"Action": "sts:*"', 1
    )
    result = run_cli("lint", "--isolated", "--format", "json", "-", stdin=dump.encode())
    findings = json.loads(result.out)["findings"]
    assert findings
    assert all(f["message"].startswith("role ") for f in findings)
    assert "IR100" not in {f["code"] for f in findings}


def _role(name: str, trust: list[dict[str, Any]], *policies: dict[str, Any]) -> dict[str, Any]:
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": trust},
        "RolePolicyList": [
            {"PolicyName": f"p{i}", "PolicyDocument": {"Version": "2012-10-17", "Statement": [p]}}
            for i, p in enumerate(policies)
        ],
    }


def _arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def test_not_principal_not_action_and_federated_trusts() -> None:
    everyone_but_b = _role(
        "Open",
        [{"Effect": "Allow", "NotPrincipal": {"AWS": _arn("B")}, "Action": "sts:AssumeRole"}],
    )
    by_account = _role(
        "ByAccount",
        [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
    )
    web = _role(
        "Web",
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    )
    admin = _role(
        "A", [], {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    )  # NotAction covers sts:AssumeRole
    plain = _role("B", [])
    analysis = analyse([_read({"RoleDetailList": [everyone_but_b, by_account, web, admin, plain]})])
    edges = {(e.source, e.target): e.via for e in analysis.graph.edges}
    assert edges[(_arn("A"), _arn("Open"))] == "not-principal"
    assert (_arn("B"), _arn("Open")) not in edges
    assert edges[(_arn("A"), _arn("ByAccount"))] == "account"
    assert (_arn("B"), _arn("ByAccount")) not in edges  # its own policies allow nothing
    assert edges[("cognito-identity.amazonaws.com", _arn("Web"))] == "federated"
    assert analysis.graph.nodes["cognito-identity.amazonaws.com"].kind == "federated"


def test_to_a_database_user_arn_asks_about_that_resource(tmp_path: Path) -> None:
    path = _write(tmp_path, _pattern_account())
    user = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/etl_user"
    reached = json.loads(run_cli("graph", path, "--to", user, "--format", "json").out)
    assert ["ec2.amazonaws.com", INSTANCE, ACCESS] in [c["nodes"] for c in reached["chains"]]
    other = f"arn:aws:redshift:us-east-1:{ACCOUNT}:dbuser:analytics/admin"
    missed = json.loads(run_cli("graph", path, "--to", other, "--format", "json").out)
    assert missed["chains"] == []


def test_the_graph_formats_the_parser_offers_are_the_writers() -> None:
    from iam_redshift.formats import GRAPH_FORMAT_NAMES

    assert set(GRAPH_FORMAT_NAMES) == set(GRAPH_FORMATS)
