"""Every rule's documentation is complete, and its examples are tests: the bad one yields its
code, the good one does not."""

from __future__ import annotations

import re

import pytest

from iam_redshift.findings import Severity
from iam_redshift.rules import all_rules
from iam_redshift.rules._base import Rule

RULES = list(all_rules().values())

# The codes the rule table asks for (never renumbered, never reused).
REQUIRED_CODES = {
    "IR100": "error",
    "IR101": "error",
    "IR102": "error",
    "IR103": "warning",
    "IR104": "error",
    "IR105": "error",
    "IR106": "error",
    "IR201": "security-warning",
    "IR202": "warning",
    "IR203": "suggestion",
    "IR204": "warning",
    "IR205": "security-warning",
    "IR206": "security-warning",
    "IR207": "security-warning",
    "IR301": "error",
    "IR302": "security-warning",
    "IR303": "security-warning",
    "IR304": "error",
    "IR305": "error",
    "IR306": "error",
    "IR307": "error",
    "IR308": "error",
    "IR309": "warning",
    "IR310": "warning",
    "IR401": "error",
    "IR402": "error",
    "IR403": "error",
    "IR501": "warning",
    "IR502": "warning",
    "IR503": "warning",
    "IR601": "error",
    "IR602": "warning",
    "IR603": "error",
    "IR604": "security-warning",
    "IR605": "warning",
    "IR606": "warning",
    "IR607": "security-warning",
}


def test_every_required_code_exists_with_its_severity() -> None:
    catalogue = all_rules()
    missing = sorted(set(REQUIRED_CODES) - set(catalogue))
    assert missing == []
    for code, severity in REQUIRED_CODES.items():
        assert catalogue[code].severity == Severity(severity), code


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_documentation_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"IR\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary.endswith(".")
    assert len(rule.why) > 40
    assert rule.fix
    assert rule.references
    assert all(r.startswith("https://") for r in rule.references)


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_yields_the_code(rule: Rule) -> None:
    codes = [f.code for f in rule.bad.lint()]
    assert rule.code in codes
    assert "IR000" not in codes


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_good_example_does_not_yield_the_code(rule: Rule) -> None:
    findings = rule.good.lint()
    assert [f for f in findings if f.code in (rule.code, "IR000")] == []


# The IR6xx examples are exact: the bad one yields its code and nothing else, the good one
# nothing at all, so that each shows one Redshift mistake and its fix in isolation.
REDSHIFT_RULES = [r for r in RULES if r.code.startswith("IR6")]


@pytest.mark.parametrize("rule", REDSHIFT_RULES, ids=[r.code for r in REDSHIFT_RULES])
def test_redshift_bad_example_yields_exactly_its_code(rule: Rule) -> None:
    assert [f.code for f in rule.bad.lint()] == [rule.code]


@pytest.mark.parametrize("rule", REDSHIFT_RULES, ids=[r.code for r in REDSHIFT_RULES])
def test_redshift_good_example_yields_nothing(rule: Rule) -> None:
    assert [(f.code, f.message) for f in rule.good.lint()] == []
