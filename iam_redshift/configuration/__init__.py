"""Configuration of ``iam-redshift lint``: finding and reading the configuration file
(:mod:`~iam_redshift.configuration.file`), applying it to findings
(:mod:`~iam_redshift.configuration.apply`), and one configured run
(:mod:`~iam_redshift.configuration.run`).
"""

from __future__ import annotations

from iam_redshift.configuration.apply import (
    UNUSED_SUPPRESSION,
    Outcome,
    RunScope,
    Suppressed,
    apply_config,
)
from iam_redshift.configuration.examples import lint_contents_with_config, lint_example
from iam_redshift.configuration.file import (
    CONFIG_NAME,
    DEFAULT_EXCLUDE,
    PYPROJECT,
    Config,
    Suppression,
    find_config,
    load_config,
    parse_config,
)
from iam_redshift.configuration.run import (
    LintRequest,
    LintRun,
    repository_root,
    resolve_config,
    run_lint,
)
from iam_redshift.errors import ConfigError

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_EXCLUDE",
    "PYPROJECT",
    "UNUSED_SUPPRESSION",
    "Config",
    "ConfigError",
    "LintRequest",
    "LintRun",
    "Outcome",
    "RunScope",
    "Suppressed",
    "Suppression",
    "apply_config",
    "find_config",
    "lint_contents_with_config",
    "lint_example",
    "load_config",
    "parse_config",
    "repository_root",
    "resolve_config",
    "run_lint",
]
