"""``iam-redshift rules`` (the catalogue) and ``iam-redshift explain CODE`` (one rule's docs)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from iam_redshift.cli._base import add_command, add_text_or_json
from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams


#: ``rules`` in the command list (the first line) and its ``--help``.
RULES_HELP = """
list every lint rule: code, severity, summary

List the lint rules: code, name, default severity and summary. 'iam-redshift explain CODE' prints
one rule's documentation.
"""

#: ``explain`` in the command list (the first line) and its ``--help``.
EXPLAIN_HELP = """
print a rule's documentation, with a bad and a good example

Print the documentation of rule CODE (as Markdown): what it checks, why it matters, what to do
instead, an example that breaks it and one that does not. CODE may also be a rule's name, or a code
prefix for every rule that starts with it.
"""


def register(commands: Any) -> None:
    """Add ``rules`` and ``explain`` to the subcommands."""
    rules = add_command(commands, "rules", run_rules, RULES_HELP)
    add_text_or_json(rules)

    explain = add_command(commands, "explain", run_explain, EXPLAIN_HELP)
    explain.add_argument(
        "code",
        metavar="CODE",
        help="a rule code (IR201), a rule name (instance-role-not-trusted), or a code prefix "
        "(IR3: every rule of the family)",
    )


def run_rules(arguments: argparse.Namespace, streams: Streams) -> int:
    """Print the catalogue, one rule a line (or as a JSON list)."""
    from iam_redshift.rules import all_rules

    rules = list(all_rules().values())
    if arguments.format == "json":
        listing = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "references": list(r.references),
            }
            for r in rules
        ]
        streams.stdout.write(json.dumps(listing, indent=2, ensure_ascii=False) + "\n")
        return 0
    name_width = max((len(r.name) for r in rules), default=0)
    severity_width = max((len(r.severity.value) for r in rules), default=0)
    for rule in rules:
        streams.stdout.write(
            f"{rule.code}  {rule.name:<{name_width}}  {rule.severity.value:<{severity_width}}  "
            f"{rule.summary}\n"
        )
    return 0


def run_explain(arguments: argparse.Namespace, streams: Streams) -> int:
    """Print one rule's documentation."""
    from iam_redshift.formats.rule_docs import rule_markdown
    from iam_redshift.rules import find_rules

    rules = find_rules(arguments.code)
    if not rules:
        raise UsageError(
            arguments.code,
            "no rule has this code, name or code prefix ('iam-redshift rules' lists them all)",
        )
    streams.stdout.write("\n".join(rule_markdown(rule) for rule in rules))
    return 0
