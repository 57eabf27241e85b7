"""``--format sarif``: valid SARIF 2.1.0 that GitHub code scanning accepts, with rule metadata,
related locations for cross-document findings, and fingerprints that survive moved lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift.engine import lint_document
from iam_redshift.findings import Finding, Location, Severity
from iam_redshift.formats import render_findings
from iam_redshift.formats.sarif import FINGERPRINT, LEVELS
from iam_redshift.rules import all_rules
from tests.conftest import run_cli
from tests.lint_helpers import (
    assert_valid_sarif,
    cross_document_rules,
    invalid_sids,
    rules_with_examples,
    skip_without,
    write_tree,
)


def sarif(*args: str) -> dict[str, Any]:
    result = run_cli("lint", "--format", "sarif", *args)
    assert result.code in (0, 1), result.err
    log: dict[str, Any] = json.loads(result.out)
    return log


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    (run,) = log["runs"]
    found: list[dict[str, Any]] = run["results"]
    return found


@pytest.mark.parametrize("rule", cross_document_rules(), ids=lambda r: r.code)
def test_a_bundle_with_cross_document_findings_is_valid_sarif_with_related_locations(
    rule: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "bundle", rule.bad.materialize())
    monkeypatch.chdir(tmp_path)
    log = sarif("bundle")
    assert_valid_sarif(log)
    crossing = [r for r in results(log) if r["ruleId"] == rule.code and "relatedLocations" in r]
    assert crossing
    for result in crossing:
        assert result["partialFingerprints"][FINGERPRINT]
        for related in result["relatedLocations"]:
            location = related["physicalLocation"]
            assert location["artifactLocation"]["uri"].startswith("bundle/")
            assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert location["region"]["startLine"] >= 1
            # Code scanning shows a related location when the message links to it.
            assert f"]({related['id']})" in result["message"]["text"]


def test_the_catalogue_has_a_cross_document_rule_to_test_with() -> None:
    skip_without(cross_document_rules(), "cross-document rule with related locations")


def test_related_locations_of_any_finding_validate() -> None:
    finding = Finding(
        "IR306",
        Severity.ERROR,
        "a [bracketed] message",
        "out/Redshift-Access-Role-1/trust-policy.json",
        "/Statement/0/Principal/AWS",
        7,
        16,
        (
            Location("out/EC2-Redshift-Initiator-Role/permissions-policy.json", 28, 9, "/x", "m"),
            Location("out/iam-redshift.json", 1, 1),
        ),
    )
    log = json.loads(render_findings("sarif", [finding], base=None))
    assert_valid_sarif(log)
    (result,) = results(log)
    assert [r["id"] for r in result["relatedLocations"]] == [1, 2]
    # Brackets that are not links are escaped once the message embeds links (SARIF 3.11.6).
    assert result["message"]["text"].startswith("a \\[bracketed\\] message (related: [")


def test_every_rule_of_the_catalogue_is_described(tmp_path: Path) -> None:
    log = json.loads(render_findings("sarif", []))
    assert_valid_sarif(log)
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "iam-redshift"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == list(all_rules())
    for code, rule in all_rules().items():
        described = rules[code]
        assert described["name"] == rule.name
        assert described["shortDescription"]["text"] == rule.summary
        assert described["fullDescription"]["text"] == rule.why
        assert rule.fix in described["help"]["text"]
        if rule.references:
            assert described["helpUri"] == rule.references[0]
            assert urlsplit(described["helpUri"]).scheme == "https"
        else:  # IR000, a bug in iam-redshift, has no AWS page to point at
            assert "helpUri" not in described
        assert described["defaultConfiguration"]["level"] == LEVELS[rule.severity]
        tags = described["properties"]["tags"]
        if rule.severity is Severity.SECURITY_WARNING:
            # What GitHub reads to show a security alert and grade it (7.0-8.9 is "high").
            assert "security" in tags
            assert 7.0 <= float(described["properties"]["security-severity"]) < 9.0
        else:
            assert "security" not in tags
            assert "security-severity" not in described["properties"]


def test_levels_follow_severities() -> None:
    assert LEVELS == {
        Severity.ERROR: "error",
        Severity.SECURITY_WARNING: "error",
        Severity.WARNING: "warning",
        Severity.SUGGESTION: "note",
    }


def test_results_point_at_the_file_line_and_column_with_repository_relative_uris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"policies/with space/p.json": invalid_sids("a-b")})
    monkeypatch.chdir(tmp_path)
    expected = lint_document(
        (tmp_path / "policies/with space/p.json").read_bytes(), file="policies/with space/p.json"
    )
    log = sarif(str(tmp_path / "policies"))  # an absolute path below the current directory
    assert_valid_sarif(log)
    (result,) = results(log)
    (finding,) = expected
    assert result["ruleId"] == "IR104"
    assert result["level"] == "error"
    assert result["message"]["text"] == finding.message
    assert (
        all_rules()["IR104"].code
        == log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"]
    )
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "policies/with%20space/p.json",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": finding.line, "startColumn": finding.column}


def fingerprints(path: Path, document: str) -> dict[str, tuple[int, int]]:
    path.write_text(document, encoding="utf-8")
    return {
        r["partialFingerprints"][FINGERPRINT]: (
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in results(sarif("--isolated", str(path)))
    }


@given(
    blank_lines=st.integers(min_value=1, max_value=30),
    indent=st.sampled_from([None, 1, 4, 8, "\t"]),
)
def test_fingerprints_stay_the_same_when_unrelated_lines_move(
    blank_lines: int, indent: int | str | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("moved") / "p.json"
    document = invalid_sids("read-roles", "Fine", "also bad")
    before = fingerprints(path, json.dumps(document, indent=2))
    after = fingerprints(path, "\n" * blank_lines + json.dumps(document, indent=indent))
    assert len(before) == 2
    assert set(before) == set(after)
    assert all(before[key] != after[key] for key in before)  # the lines did move


@pytest.mark.parametrize(
    "rule",
    [
        r
        for r in rules_with_examples()
        if not r.bad.is_bundle and all(isinstance(v, dict) for v in r.bad.files.values())
    ],
    ids=lambda r: r.code,
)
def test_every_rules_bad_example_keeps_its_fingerprints_when_reindented(
    rule: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ((name, value),) = rule.bad.files.items()
    options = []
    if rule.bad.kind:
        options += ["--kind", rule.bad.kind]
    if rule.bad.instance_role:
        options += ["--instance-role", rule.bad.instance_role]

    def prints(text: str) -> list[str]:
        write_tree(tmp_path, {name: text})
        if rule.bad.config:
            write_tree(tmp_path, {".iam-redshift.toml": rule.bad.config})
        return sorted(r["partialFingerprints"][FINGERPRINT] for r in results(sarif(*options, name)))

    assert prints(json.dumps(value, indent=2)) == prints("\n\n\n" + json.dumps(value, indent=6))


def test_the_same_finding_twice_gets_distinct_fingerprints() -> None:
    twice = [Finding("IR104", Severity.ERROR, "m", "p.json", "/Statement/0/Sid", 3, 5)] * 2
    log = json.loads(render_findings("sarif", twice))
    prints = [r["partialFingerprints"][FINGERPRINT] for r in results(log)]
    assert len(set(prints)) == 2


def test_paths_outside_the_repository_are_absolute_file_uris(tmp_path: Path) -> None:
    finding = Finding("IR103", Severity.WARNING, "m", str(tmp_path / "p.json"), "", 1, 1)
    log = json.loads(render_findings("sarif", [finding], base=str(tmp_path / "repo")))
    assert_valid_sarif(log)
    uri = results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("file:///")
    assert "uriBaseId" not in uri


def test_output_is_deterministic_and_has_no_timestamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"b.json": invalid_sids("x-y"), "a.json": invalid_sids("p q", "r-s")})
    monkeypatch.chdir(tmp_path)
    first = run_cli("lint", "--format", "sarif", ".").out
    assert first == run_cli("lint", "--format", "sarif", "b.json", "a.json").out
    log = json.loads(first)
    assert "invocations" not in log["runs"][0]
    assert str(tmp_path) not in first
    locations = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results(log)
    ]
    assert locations == sorted(locations)


def test_suppressed_findings_are_results_with_their_justification_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "p.json": invalid_sids("a-b"),
            ".iam-redshift.toml": '[[suppress]]\ncode = "IR104"\npath = "p.json"\n'
            'reason = "kept for the migration"\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    assert results(sarif("p.json")) == []
    log = sarif("--show-suppressed", "p.json")
    assert_valid_sarif(log)
    (result,) = results(log)
    assert result["suppressions"] == [
        {"kind": "external", "justification": "kept for the migration"}
    ]


def test_the_tool_says_which_action_data_the_findings_rest_on(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    statement = {"Effect": "Allow", "Action": "redshift:GetClusterCredential", "Resource": "*"}
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}), "utf-8")
    driver = sarif(str(path))["runs"][0]["tool"]["driver"]
    assert driver["properties"]["actionDataDate"] == "2026-10"
    names = {source["name"]: source for source in driver["properties"]["actionDataSources"]}
    assert names["iam-floyd"] == {"name": "iam-floyd", "version": "0.851.0", "date": "2026-10"}
    assert "2026-10" in results(sarif(str(path)))[0]["message"]["text"]
