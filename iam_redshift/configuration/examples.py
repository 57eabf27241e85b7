"""Linting in-memory contents with a configuration given as text, and running a rule's examples
the way the command line would (the examples of IR901 carry a configuration)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from iam_redshift.configuration.apply import RunScope, apply_config
from iam_redshift.configuration.file import parse_config
from iam_redshift.engine import LintOptions, iter_lint_contents

if TYPE_CHECKING:
    from iam_redshift.findings import Finding
    from iam_redshift.rules._base import Example

__all__ = ["lint_contents_with_config", "lint_example"]


def lint_contents_with_config(
    files: Mapping[str, str | bytes | None],
    config_text: str,
    *,
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint an in-memory directory (as :func:`~iam_redshift.engine.iter_lint_contents` does)
    with a ``.iam-redshift.toml`` given as text; paths in globs are the mapping's keys."""
    config = parse_config(config_text)
    base = options or LintOptions()
    options = replace(
        base,
        select=config.select,
        ignore=config.ignore,
        severity={**base.severity, **config.severity},
        trust_policy_max_chars=config.trust_policy_max_chars,
    )
    findings = iter_lint_contents(files, options=options)
    scope = RunScope(covers=lambda _: True, everything=True, existing=lambda: tuple(files))
    return apply_config(findings, config, options=options, read=files.get, scope=scope).findings


def lint_example(example: Example) -> list[Finding]:
    """Lint a rule's example the way the command line would."""
    options = LintOptions(instance_role_arn=example.instance_role, kind=example.kind)
    files = example.materialize()
    if example.config:
        return lint_contents_with_config(files, example.config, options=options)
    return list(iter_lint_contents(files, options=options))
