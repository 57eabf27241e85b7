"""Output formats for findings: each a pure function from findings to text.

``FORMATS`` maps a ``--format`` name to its writer. A writer gets the sorted findings and the
rule catalogue, and returns the whole output (deterministic: no timestamps, stable order).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iam_redshift.findings import Finding
    from iam_redshift.rules._base import Rule

__all__ = ["FORMATS", "Writer", "render_findings"]

Writer = Callable[[Sequence["Finding"], Mapping[str, "Rule"]], str]

#: ``--format`` name to the module holding its ``write`` function.
FORMATS: Mapping[str, str] = {
    "text": "iam_redshift.formats.text",
    "json": "iam_redshift.formats.json_format",
}


def render_findings(name: str, findings: Sequence[Finding]) -> str:
    """The output of format ``name`` for ``findings``."""
    from iam_redshift.rules import all_rules

    writer: Writer = importlib.import_module(FORMATS[name]).write
    return writer(findings, all_rules())
