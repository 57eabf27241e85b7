"""``--format text``: one line per finding, then a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from iam_redshift.findings import Finding, Severity

if TYPE_CHECKING:
    from iam_redshift.rules._base import Rule


def summary(findings: Sequence[Finding]) -> str:
    """``Found 3 findings: 1 error, 2 warnings.`` (or ``No findings.``)."""
    if not findings:
        return "No findings."
    counts = Counter(f.severity for f in findings)
    parts = []
    for severity in sorted(Severity, key=lambda s: -s.rank):
        count = counts.get(severity, 0)
        if count:
            parts.append(f"{count} {severity.value}{'' if count == 1 else 's'}")
    total = len(findings)
    return f"Found {total} finding{'' if total == 1 else 's'}: {', '.join(parts)}."


def write(findings: Sequence[Finding], rules: Mapping[str, Rule]) -> str:
    """``path:line:col: CODE [severity] message`` lines and a summary line."""
    lines = [
        f"{f.file}:{f.line}:{f.column}: {f.code} [{f.severity.value}] {f.message}" for f in findings
    ]
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"
