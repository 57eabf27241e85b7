"""A rule's documentation as Markdown, in ruff's shape: what it does, why it is bad, an example,
what to use instead, references. ``iam-redshift explain`` prints it; SARIF carries it as each
rule's help text, so both say the same thing."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iam_redshift.rules._base import Example, Rule

__all__ = ["example_markdown", "rule_markdown"]

_MANIFEST = "iam-redshift.json"


def _fenced(text: str, language: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def _file_text(value: Any) -> tuple[str, str]:
    """(text, fence language) of one example file."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace"), ""
    if isinstance(value, str):
        return value, "json"
    return json.dumps(value, indent=2, ensure_ascii=False), "json"


def example_markdown(example: Example) -> str:
    """One example: its note, how it is linted, and its files (for a bundle, only the files
    it changes in the bundle rendered from the example setup)."""
    parts: list[str] = []
    if example.note:
        parts.append(f"*{example.note}*")
    if example.is_bundle and example.setup is not None:
        from iam_redshift.setup_file import dump_toml

        parts.append(
            "A bundle: the one `iam-redshift render` renders from this setup"
            + (", with these files changed:" if len(example.files) > 1 else ", unchanged:")
        )
        parts.append(f"`setup.toml`:\n\n{_fenced(dump_toml(example.setup), 'toml')}")
    elif example.is_bundle:
        parts.append(
            "A bundle: the one rendered by `iam-redshift render` from the example setup "
            "(account 123456789012, instance role `EC2-Redshift-Initiator-Role`, access role "
            "`Redshift-Access-Role-1` reaching cluster `analytics` in us-east-1 as `etl_user`, "
            "profile `least-privilege`)"
            + (", with these files changed:" if len(example.files) > 1 else ", unchanged.")
        )
    options = []
    if example.kind is not None:
        options.append(f"`--kind {example.kind}`")
    if example.instance_role is not None:
        options.append(f"`--instance-role {example.instance_role}`")
    if options:
        parts.append(f"Linted with {' and '.join(options)}.")
    for path, value in example.files.items():
        if path == _MANIFEST and value == "(rendered)":
            continue
        if value is None:
            parts.append(f"`{path}`: left out.")
            continue
        text, language = _file_text(value)
        parts.append(f"`{path}`:\n\n{_fenced(text, language)}")
    if example.config:
        parts.append(f"`.iam-redshift.toml`:\n\n{_fenced(example.config, 'toml')}")
    return "\n\n".join(parts)


def rule_markdown(rule: Rule) -> str:
    """The whole documentation of ``rule`` as Markdown."""
    sections = [
        f"# {rule.code} {rule.name} ({rule.severity.value})",
        "## What it does\n\n" + rule.summary,
        "## Why is this bad?\n\n" + rule.why,
        "## What to do instead\n\n" + rule.fix,
    ]
    if rule.bad is not None:
        sections.append("## Example\n\n" + example_markdown(rule.bad))
    if rule.good is not None:
        sections.append("## Use instead\n\n" + example_markdown(rule.good))
    if rule.aliases:
        sections.append("## Former codes\n\n" + ", ".join(rule.aliases))
    if rule.references:
        references = "\n".join(f"- <{url}>" for url in rule.references)
        sections.append("## References\n\n" + references)
    return "\n\n".join(sections) + "\n"
