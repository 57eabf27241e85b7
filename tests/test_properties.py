"""The guarantees iam-redshift makes for every input, proved with Hypothesis.

1. Every valid setup renders documents that pass our schemas, reads back from its setup file
   (TOML and JSON) unchanged, and renders the same bytes every time.
2. Rendered bundles lint without errors or security warnings; the seed profile's bundles warn
   about exactly the wildcards the source page grants, and least-privilege ones about nothing.
3. A bundle broken in one known way is reported with that rule's code; its original is not.
4. The linter and the command line never fail on any input: any JSON value, text or bytes,
   policy-shaped nonsense, deep nesting, huge strings.
5. Every finding's pointer resolves in its document, and its line and column point at that
   element in the file's text, compact or indented.

Run ``HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_properties.py`` for a deep run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from iam_redshift._schemas import validator
from iam_redshift.engine import LintOptions, iter_lint_contents, lint_bundle, lint_document
from iam_redshift.findings import Finding, Location, Severity
from iam_redshift.formats import FORMATS as OUTPUT_FORMATS
from iam_redshift.model import AccessRole, InstanceRole, Setup
from iam_redshift.render import Bundle, render_bundle
from iam_redshift.rules import all_rules
from iam_redshift.setup_file import dump_json, dump_toml, parse_setup, setup_to_mapping
from iam_redshift.sources.json_text import resolve_pointer
from iam_redshift.strategies import (
    BROKEN_BUNDLE_CODES,
    BrokenBundle,
    broken_bundles,
    bundles,
    permissions_policies,
    role_arns,
    setups,
    trust_policies,
)
from tests.conftest import CORPUS, REPO, need, run_cli

# Examples per code when each code of broken_bundles() is checked on its own: enough to reach
# every mutation of a code a few times, scaled with the profile (thorough runs more).
PER_CODE = settings(max_examples=max(10, settings.default.max_examples // 4))


Kind = Literal["trust", "permissions"]


def _serious(findings: Iterable[Finding]) -> list[tuple[str, str, str, str]]:
    return [
        (f.code, f.file, f.pointer, f.message)
        for f in findings
        if f.severity.rank >= Severity.SECURITY_WARNING.rank
    ]


def _codes(findings: Iterable[Finding]) -> set[str]:
    return {f.code for f in findings}


# -- 1. rendering -------------------------------------------------------------------------------


@given(setup=setups())
def test_every_setup_renders_documents_that_pass_our_schemas(setup: Setup) -> None:
    bundle = render_bundle(setup)
    for document in bundle.documents:
        schema = f"{'trust' if document.kind == 'trust' else 'identity'}-policy.schema.json"
        errors = [e.message for e in validator(schema).iter_errors(document.document)]
        assert errors == [], document.path
    assert list(validator("manifest.schema.json").iter_errors(bundle.manifest())) == []
    assert list(validator("setup.schema.json").iter_errors(setup_to_mapping(setup))) == []


@given(setup=setups())
def test_every_setup_reads_back_unchanged_from_its_toml_and_json_setup_files(
    setup: Setup,
) -> None:
    assert parse_setup(dump_toml(setup).encode(), source="setup.toml") == setup
    assert parse_setup(dump_json(setup).encode(), source="setup.json") == setup


@given(setup=setups())
def test_every_setup_renders_the_same_bytes_twice_and_from_the_command_line(
    setup: Setup,
) -> None:
    first, second = render_bundle(setup), render_bundle(setup)
    assert first.files() == second.files()
    assert first.to_json() == second.to_json()
    result = run_cli("render", "-", stdin=dump_toml(setup).encode())
    assert (result.code, result.err) == (0, "")
    assert result.out == first.to_json()


def test_rendering_does_not_depend_on_the_interpreter_run(tmp_path: Path) -> None:
    # The same setup file renders the same bytes in processes with other hash seeds.
    setup = Setup(
        account_id="000000000001",
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role", "/a/b.c/"),
        access_roles=tuple(AccessRole(f"Redshift-{i}", f"/p{i}/") for i in range(5)),
        partition="aws-cn",
    )
    source = tmp_path / "setup.toml"
    source.write_text(dump_toml(setup), encoding="utf-8")
    outputs = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, "-m", "iam_redshift", "render", str(source)],
            capture_output=True,
            check=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(result.stdout)
    assert outputs == {render_bundle(setup).to_json().encode()}


# -- 2. rendered bundles lint clean -------------------------------------------------------------


@given(bundle=bundles())
def test_rendered_bundles_have_no_error_or_security_warning(bundle: Bundle) -> None:
    assert _serious(lint_bundle(bundle)) == []


@given(bundle=bundles(profile="seed"))
def test_seed_bundles_warn_about_exactly_the_wildcards_of_the_source_page(bundle: Bundle) -> None:
    findings = lint_bundle(bundle)
    # redshift:* (IR202) and "Resource": "*" (IR204), both warnings, and nothing else.
    assert _codes(findings) == {"IR202", "IR204"}, [(f.code, f.message) for f in findings]
    assert {f.severity for f in findings} == {Severity.WARNING}


@given(bundle=bundles(profile="least-privilege"))
def test_least_privilege_bundles_lint_with_nothing_at_warning_or_above(bundle: Bundle) -> None:
    findings = lint_bundle(bundle)
    assert [
        (f.code, f.file, f.pointer, f.message)
        for f in findings
        if f.severity.rank >= Severity.WARNING.rank
    ] == []


# -- 3. broken bundles are reported -------------------------------------------------------------


def _check_broken(broken: BrokenBundle) -> None:
    event(broken.mutation.partition(":")[0])
    reported = _codes(broken.lint())
    assert "IR000" not in reported
    assert broken.code in reported, broken.mutation
    assert broken.code not in _codes(lint_bundle(broken.original)), broken.mutation


@given(broken=broken_bundles())
def test_every_broken_bundle_is_reported_with_its_code_and_its_original_is_not(
    broken: BrokenBundle,
) -> None:
    _check_broken(broken)


@pytest.mark.parametrize("code", sorted(BROKEN_BUNDLE_CODES))
@PER_CODE
@given(data=st.data())
def test_each_rule_reports_the_bundles_broken_for_it(code: str, data: st.DataObject) -> None:
    _check_broken(data.draw(broken_bundles(codes=[code]), label="broken"))


# -- 4. the linter never fails ------------------------------------------------------------------


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4
    )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(), _containers, max_leaves=25
)
# Values that the rules look at closely, to reach deep into them.
POLICY_WORDS = st.sampled_from(
    [
        "*",
        "Allow",
        "Deny",
        "2012-10-17",
        "sts:AssumeRole",
        "sts:*",
        "redshift:*",
        "iam:PassRole",
        "ec2.amazonaws.com",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:sts::123456789012:assumed-role/R/s",
        "arn:aws:iam::<your-aws-account-id>:role/R",
        "arn:*:iam::*:role/*",
        "AROA0123456789ABCDEFG",
        "${aws:username}",
        "123456789012",
        "",
    ]
)
ANY_VALUE = st.one_of(POLICY_WORDS, role_arns(), JSON_VALUES, st.lists(POLICY_WORDS, max_size=3))
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_LIKE = st.dictionaries(
    st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "aws"]), ANY_VALUE, max_size=3
)
CONDITION_LIKE = st.dictionaries(
    st.sampled_from(["StringEquals", "ArnLike", "Bool", "ForAnyValue:StringLike", "Nope"]),
    st.dictionaries(st.sampled_from(["aws:SourceIp", "sts:ExternalId", "x"]), ANY_VALUE),
    max_size=2,
)
STATEMENT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(STATEMENT_KEYS, ANY_VALUE),
        "Principal": ANY_VALUE | PRINCIPAL_LIKE,
        "Condition": ANY_VALUE | CONDITION_LIKE,
    },
)
POLICY_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "Version": ANY_VALUE,
        "Id": ANY_VALUE,
        "Statement": STATEMENT_LIKE | st.lists(STATEMENT_LIKE, max_size=3) | ANY_VALUE,
    },
)


@st.composite
def _with_one_part_replaced(draw: st.DrawFn, documents: st.SearchStrategy[Any]) -> Any:
    """A valid document with one element (anywhere in it) replaced by any JSON value."""
    document = draw(documents)
    places: list[tuple[Any, Any]] = []
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        keys: Iterable[Any] = (
            item.keys()
            if isinstance(item, dict)
            else range(len(item))
            if isinstance(item, list)
            else ()
        )
        for key in keys:
            places.append((item, key))
            stack.append(item[key])
    container, key = draw(st.sampled_from(places))
    container[key] = draw(ANY_VALUE)
    return document


ODD_DOCUMENTS = st.one_of(
    JSON_VALUES,
    POLICY_LIKE,
    _with_one_part_replaced(permissions_policies()),
    _with_one_part_replaced(trust_policies()),
)
LOOSE_OPTIONS = st.builds(
    LintOptions,
    kind=st.sampled_from([None, "trust", "permissions"]),
    instance_role_arn=st.none() | role_arns() | POLICY_WORDS,
)


def _assert_sane(findings: list[Finding]) -> None:
    codes = _codes(findings)
    assert "IR000" not in codes, [f.message for f in findings if f.code == "IR000"]
    assert codes <= set(all_rules()), codes


@given(document=ODD_DOCUMENTS, options=LOOSE_OPTIONS)
def test_linting_any_json_value_never_fails(document: Any, options: LintOptions) -> None:
    _assert_sane(lint_document(json.dumps(document), options=options))


@given(text=st.text(), options=LOOSE_OPTIONS)
@example(text="[" * 10_000, options=LintOptions())
@example(text='{"a":' * 10_000, options=LintOptions())
@example(text="[" * 100_000 + "]" * 100_000, options=LintOptions())
@example(text='{"Statement": [' * 30 + "]" * 30 + "}", options=LintOptions())
@example(text="\ufeff{}", options=LintOptions())
@example(text='{"Version": "2012-10-17", "Version": 1}', options=LintOptions())
@example(text="1" * 5000, options=LintOptions())
def test_linting_any_text_never_fails(text: str, options: LintOptions) -> None:
    _assert_sane(lint_document(text, options=options))


@given(data=st.binary(), options=LOOSE_OPTIONS)
@example(data=b"\xff\xfe{\x00}\x00", options=LintOptions())
@example(data=b'{"Sid": "\xc3"}', options=LintOptions())
def test_linting_any_bytes_never_fails(data: bytes, options: LintOptions) -> None:
    _assert_sane(lint_document(data, options=options))


@given(bundle=bundles(max_access_roles=2), data=st.data())
def test_linting_a_bundle_with_any_document_or_manifest_never_fails(
    bundle: Bundle, data: st.DataObject
) -> None:
    files: dict[str, str | bytes | None] = dict(bundle.files())
    path = data.draw(st.sampled_from(sorted(files)), label="replaced")
    files[path] = data.draw(
        ODD_DOCUMENTS.map(json.dumps) | st.text() | st.binary() | st.none(), label="content"
    )
    _assert_sane(list(iter_lint_contents(files)))


HUGE = 3_000_000  # characters: below the 4 MB limit, far above any real policy


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "a" * HUGE}]},
            id="huge-action",
        ),
        pytest.param(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" * HUGE}
                ],
            },
            id="huge-wildcard-resource",
        ),
        pytest.param(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:role/" + "r" * HUGE},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            id="huge-principal",
        ),
        pytest.param({"Sid": "x" * HUGE}, id="huge-key-value"),
        pytest.param({"Statement": [{"Effect": "Allow"}] * 5_000}, id="many-statements"),
        pytest.param("x" * (5 << 20), id="over-the-size-limit"),
    ],
)
def test_linting_huge_documents_never_fails(document: Any) -> None:
    _assert_sane(lint_document(json.dumps(document)))


def test_linting_a_pathological_wildcard_pattern_finishes(tmp_path: Path) -> None:
    # Wildcards matched against ARNs must not backtrack exponentially: a policy with many *
    # against a long role name once took minutes. Run in a subprocess to bound the time.
    setup = Setup(
        account_id="123456789012",
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role"),
        access_roles=(AccessRole("a" * 64),),
    )
    files = render_bundle(setup).files()
    path = "EC2-Redshift-Initiator-Role/permissions-policy.json"
    document = json.loads(files[path])
    pattern = "arn:aws:iam::123456789012:role/" + "*a" * 30 + "*b"
    document["Statement"][2]["Resource"].append(pattern)
    files[path] = json.dumps(document, indent=2)
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "iam_redshift", "lint", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "IR205" in result.stdout


FORMATS = sorted(OUTPUT_FORMATS)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        ODD_DOCUMENTS.map(lambda v: json.dumps(v).encode()), st.text().map(str.encode), st.binary()
    ),
    output=st.sampled_from(FORMATS),
)
@example(data=b"[" * 10_000, output="text")
@example(data=b"\xff", output="sarif")
def test_the_command_line_never_prints_a_traceback(data: bytes, output: str) -> None:
    result = run_cli("lint", "--format", output, "-", stdin=data)
    assert result.code in (0, 1, 2)
    assert "Traceback" not in result.out + result.err


# -- 5. findings point at the right place -------------------------------------------------------


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    assert 1 <= line <= len(lines), (line, len(lines))
    assert 1 <= column <= len(lines[line - 1]) + 1, (line, column)
    return sum(len(lines[i]) + 1 for i in range(line - 1)) + column - 1


def _assert_points_at(text: str, value: Any, place: Finding | Location, code: str) -> None:
    """``place``'s pointer resolves in ``value`` and its line and column start that element (or,
    for a repeated key, IR102, that key) in ``text``."""
    target = resolve_pointer(value, place.pointer)
    start = _offset(text, place.line, place.column)
    found, _ = json.JSONDecoder().raw_decode(text, start)
    if code == "IR102" and isinstance(place, Finding):
        assert isinstance(target, dict), place
        assert found in target, (place, found)
    else:
        assert found == target, (code, place.pointer, place.line, place.column)


def _assert_findings_point_at_their_elements(
    files: Mapping[str, str], findings: list[Finding]
) -> None:
    values = {path: json.loads(text) for path, text in files.items()}
    for finding in findings:
        if finding.code == "IR100":
            continue  # an unreadable file has no elements to point at
        _assert_points_at(files[finding.file], values[finding.file], finding, finding.code)
        for related in finding.related:
            if related.file in files:
                _assert_points_at(files[related.file], values[related.file], related, "")


def _both_forms(value: Any) -> list[str]:
    return [json.dumps(value), json.dumps(value, indent=2)]


# Edits that each make a grammatical document wrong in a way some rule reports, so that the
# property below is about real findings, not vacuously about none.
def _bad_sid(statement: dict[str, Any], _: dict[str, Any]) -> None:
    statement["Sid"] = "not-alphanumeric"


def _no_version(_: dict[str, Any], document: dict[str, Any]) -> None:
    document.pop("Version", None)


def _old_version(_: dict[str, Any], document: dict[str, Any]) -> None:
    document["Version"] = "2008-10-17"


def _lowercase_effect(statement: dict[str, Any], _: dict[str, Any]) -> None:
    statement["Effect"] = "allow"


def _non_latin_character(statement: dict[str, Any], _: dict[str, Any]) -> None:
    statement["Sid"] = "Read\u2011Roles"


def _invalid_role_name(statement: dict[str, Any], _: dict[str, Any]) -> None:
    key = "Resource" if "Resource" in statement else "Principal"
    arn = "arn:aws:iam::123456789012:role/Redshift Access Role"
    statement[key] = [arn] if key == "Resource" else {"AWS": [arn]}


def _everyone(statement: dict[str, Any], _: dict[str, Any]) -> None:
    statement["Effect"] = "Allow"  # a Deny for everyone is no finding
    statement["Principal"] = {"AWS": "*"}


DEFECTS: list[Callable[[dict[str, Any], dict[str, Any]], None]] = [
    _bad_sid,
    _no_version,
    _old_version,
    _lowercase_effect,
    _non_latin_character,
    _invalid_role_name,
    _everyone,
]


@st.composite
def _defective(draw: st.DrawFn) -> tuple[Kind, dict[str, Any]]:
    kind: Kind = draw(st.sampled_from(["permissions", "trust"]))
    document = draw(permissions_policies() if kind == "permissions" else trust_policies())
    if isinstance(document["Statement"], dict):
        document["Statement"] = [document["Statement"]]
    for defect in draw(st.lists(st.sampled_from(DEFECTS), min_size=1, max_size=3)):
        defect(draw(st.sampled_from(document["Statement"])), document)
    return kind, document


@given(document=_defective())
def test_every_finding_points_at_its_element_in_defective_documents(
    document: tuple[Kind, dict[str, Any]],
) -> None:
    kind, value = document
    options = LintOptions(kind=kind)
    for text in _both_forms(value):
        findings = lint_document(text, file="policy.json", options=options)
        assert findings, "every defect is one some rule reports"
        _assert_findings_point_at_their_elements({"policy.json": text}, findings)


@given(
    document=st.one_of(
        permissions_policies().map(lambda d: ("permissions", d)),
        trust_policies().map(lambda d: ("trust", d)),
    ),
    instance_role=st.none() | role_arns(),
)
def test_every_finding_points_at_its_element_in_generated_documents(
    document: tuple[Kind, dict[str, Any]], instance_role: str | None
) -> None:
    kind, value = document
    options = LintOptions(kind=kind, instance_role_arn=instance_role)
    for text in _both_forms(value):
        findings = lint_document(text, file="policy.json", options=options)
        event("with findings" if findings else "without findings")
        _assert_findings_point_at_their_elements({"policy.json": text}, findings)


@given(broken=broken_bundles())
def test_every_finding_points_at_its_element_in_broken_bundles(broken: BrokenBundle) -> None:
    for compact in (False, True):
        files = {
            path: (json.dumps(json.loads(text)) if compact else text)
            for path, text in broken.files.items()
        }
        findings = list(iter_lint_contents(files))
        assert findings
        _assert_findings_point_at_their_elements(files, findings)


def _corpus_sample() -> list[Path]:
    folders = ("aws-managed-policies-verbatim", "trust-policies/docs", "parliament-cases")
    sample: list[Path] = []
    for folder in folders:
        # A missing folder stands for itself, so that need() reports it (a failure in CI).
        folder_path = CORPUS / folder
        paths = sorted(folder_path.rglob("*.json")) if folder_path.exists() else [folder_path]
        sample += paths[:: max(1, len(paths) // 40)]
    return sample


@pytest.mark.parametrize("path", _corpus_sample(), ids=lambda p: p.name)
def test_every_finding_points_at_its_element_in_real_documents(path: Path) -> None:
    text = need(path).read_text(encoding="utf-8")
    try:
        json.loads(text)
    except ValueError:
        pytest.skip("not JSON (kept in the corpus on purpose)")
    findings = lint_document(text, file=path.name)
    _assert_findings_point_at_their_elements({path.name: text}, findings)
