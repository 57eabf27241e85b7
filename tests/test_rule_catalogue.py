"""Every rule's documentation is complete, and its examples are tests: the bad one yields its
code, the good one does not."""

from __future__ import annotations

import re

import pytest

from iam_redshift.configuration import lint_example
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


#: Rules that no document can show: IR000 appears only when a rule itself fails.
WITHOUT_EXAMPLES = {"IR000"}


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_documentation_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"IR\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary.endswith(".")
    assert len(rule.why) > 40
    assert rule.fix
    assert all(r.startswith("https://") for r in rule.references)
    if rule.code in WITHOUT_EXAMPLES:
        assert rule.bad is None
        assert rule.good is None
    else:
        assert rule.bad is not None
        assert rule.good is not None
        assert rule.references


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


EXAMPLES = [r for r in RULES if r.code not in WITHOUT_EXAMPLES]


@pytest.mark.parametrize("rule", EXAMPLES, ids=[r.code for r in EXAMPLES])
def test_bad_example_yields_exactly_its_code(rule: Rule) -> None:
    assert rule.bad is not None
    codes = {f.code for f in lint_example(rule.bad)}
    assert rule.code in codes
    # Only the codes the rule declares it cannot be shown without.
    assert codes - {rule.code} == set(rule.bad_also)


@pytest.mark.parametrize("rule", EXAMPLES, ids=[r.code for r in EXAMPLES])
def test_good_example_yields_no_finding(rule: Rule) -> None:
    assert rule.good is not None
    assert lint_example(rule.good) == []


def test_declared_companion_codes_are_few_and_real() -> None:
    catalogue = all_rules()
    for rule in RULES:
        assert rule.code not in rule.bad_also
        assert rule.bad_also <= set(catalogue), rule.code
    assert sum(1 for r in RULES if r.bad_also) <= 5


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_explain_works_for_every_code(code: str) -> None:
    from tests.conftest import run_cli

    result = run_cli("explain", code)
    assert result.code == 0, result.err
    assert result.out.startswith(f"# {code} ")


def test_every_code_the_engine_makes_itself_is_in_the_catalogue() -> None:
    from iam_redshift.configuration import UNUSED_SUPPRESSION
    from iam_redshift.engine.checker import INTERNAL_ERROR, UNREADABLE

    assert {INTERNAL_ERROR, UNREADABLE, UNUSED_SUPPRESSION} <= set(all_rules())


def test_a_declared_rules_text_reads_as_explain_shows_it() -> None:
    rule = Rule.declare(
        """
        IR999 made-up-rule (suggestion)

        One sentence
        on two lines.

        Why: It matters.

        Fix: Do this.
        """,
        bad=None,
        good=None,
    )
    assert (rule.code, rule.name, rule.severity) == ("IR999", "made-up-rule", Severity.SUGGESTION)
    assert (rule.summary, rule.why, rule.fix) == (
        "One sentence on two lines.",
        "It matters.",
        "Do this.",
    )


@pytest.mark.parametrize(
    "text",
    [
        "IR999 made-up-rule (suggestion)\n\nSummary.\n\nWhy: it matters.",
        "IR999 made-up-rule (fatal)\n\nSummary.\n\nWhy: it matters.\n\nFix: this.",
        "IR999 Made Up (warning)\n\nSummary.\n\nWhy: it matters.\n\nFix: this.",
        "IR999 made-up-rule (warning)\n\nSummary.\n\nBecause it matters.\n\nFix: this.",
    ],
)
def test_a_rule_text_of_another_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="rule's text"):
        Rule.declare(text, bad=None, good=None)
