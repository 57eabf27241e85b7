"""``iam-redshift rules`` and ``iam-redshift explain CODE``: the catalogue people read."""

from __future__ import annotations

import json

import pytest

from iam_redshift.rules import all_rules
from iam_redshift.rules._base import Rule
from tests.conftest import run_cli

RULES = list(all_rules().values())


def test_rules_lists_every_code_with_its_severity_and_summary() -> None:
    result = run_cli("rules")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        code, name, severity, summary = line.split(maxsplit=3)
        assert (code, name, severity, summary) == (
            rule.code,
            rule.name,
            rule.severity.value,
            rule.summary,
        )


def test_rules_as_json() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.code == 0
    listing = json.loads(result.out)
    assert [r["code"] for r in listing] == [r.code for r in RULES]
    assert {r["severity"] for r in listing} <= {
        "error",
        "security-warning",
        "warning",
        "suggestion",
    }


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_explain_prints_the_documentation_with_both_examples(rule: Rule) -> None:
    result = run_cli("explain", rule.code.lower())
    assert result.code == 0
    text = result.out
    assert text.startswith(f"# {rule.code} {rule.name} ({rule.severity.value})\n")
    for part in (rule.summary, rule.why, rule.fix, *rule.references):
        assert part in text
    if rule.bad is None or rule.good is None:
        assert "## Example" not in text
        return
    bad, good = text.split("## Example", 1)[1].split("## Use instead", 1)
    for section, example in ((bad, rule.bad), (good, rule.good)):
        for path, value in example.files.items():
            if value is None or value == "(rendered)":
                continue
            assert f"`{path}`" in section
            if isinstance(value, dict):
                assert json.dumps(value, indent=2, ensure_ascii=False) in section
        if example.config:
            assert example.config.strip() in section


def test_explain_an_unknown_code_exits_2() -> None:
    result = run_cli("explain", "IR999")
    assert result.code == 2
    assert result.err == (
        "iam-redshift: error: IR999: no rule has this code, name or code prefix "
        "('iam-redshift rules' lists them all)\n"
    )


def test_explain_takes_a_rule_name_and_a_code_prefix() -> None:
    by_name = run_cli("explain", "instance-role-not-trusted")
    assert by_name.code == 0
    assert by_name.out == run_cli("explain", "IR301").out
    family = run_cli("explain", "IR3")
    assert family.code == 0
    headings = [line for line in family.out.splitlines() if line.startswith("# IR")]
    assert [h.split()[1] for h in headings] == [c for c in all_rules() if c.startswith("IR3")]


def test_explain_documents_the_internal_error_code() -> None:
    result = run_cli("explain", "IR000")
    assert result.code == 0
    assert result.out.startswith("# IR000 internal-error (error)\n")
    assert "## Example" not in result.out


def test_dash_capital_v_prints_the_version() -> None:
    from iam_redshift import __version__

    result = run_cli("-V")
    assert result.code == 0
    assert result.out == f"iam-redshift {__version__}\n"


def test_help_lists_the_new_commands() -> None:
    result = run_cli("--help")
    for command in ("lint", "rules", "explain"):
        assert command in result.out
