"""``--format text``: one line per finding, then a summary.

``path:line:col: CODE [severity] message``; with ``--show-suppressed``, the suppressed findings
follow under their own heading, each with the suppression's reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from iam_redshift.findings import Finding, Severity

if TYPE_CHECKING:
    from iam_redshift.formats import Report


def summary(findings: Sequence[Finding], suppressed: int | None = None) -> str:
    """``Found 3 findings: 1 error, 2 warnings.`` (or ``No findings.``), and how many were
    suppressed when that was asked."""
    hidden = f" {suppressed} suppressed." if suppressed else ""
    if not findings:
        return f"No findings.{hidden}"
    counts = Counter(f.severity for f in findings)
    parts = []
    for severity in sorted(Severity, key=lambda s: -s.rank):
        count = counts.get(severity, 0)
        if count:
            parts.append(f"{count} {severity.value}{'' if count == 1 else 's'}")
    total = len(findings)
    return f"Found {total} finding{'' if total == 1 else 's'}: {', '.join(parts)}.{hidden}"


def line(finding: Finding) -> str:
    """``path:line:col: CODE [severity] message``."""
    f = finding
    return f"{f.file}:{f.line}:{f.column}: {f.code} [{f.severity.value}] {f.message}"


def write(report: Report) -> str:
    """The findings, the suppressed findings when asked for, and a summary line."""
    lines = [line(f) for f in report.findings]
    if report.suppressed:
        lines.append("Suppressed by the configuration:")
        for hidden in report.suppressed:
            lines.append(line(hidden.finding))
            lines.append(f"    reason: {hidden.suppression.reason}")
    count = len(report.suppressed) if report.suppressed is not None else None
    lines.append(summary(report.findings, count))
    return "\n".join(lines) + "\n"
