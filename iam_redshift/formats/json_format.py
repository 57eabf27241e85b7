"""``--format json``: one JSON object with a ``findings`` list (schemas/findings.schema.json)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from iam_redshift._version import __version__
from iam_redshift.findings import Finding, Severity

if TYPE_CHECKING:
    from iam_redshift.formats import Report


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """One finding as a JSON object."""
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.file,
        "pointer": finding.pointer,
        "line": finding.line,
        "column": finding.column,
        "related": [
            {
                "file": r.file,
                "pointer": r.pointer,
                "line": r.line,
                "column": r.column,
                "message": r.message,
            }
            for r in finding.related
        ],
    }


def write(report: Report) -> str:
    """The findings and a count per severity, as one JSON object; with ``--show-suppressed``
    also a ``suppressed`` list, each finding with the suppression that hid it."""
    counts = Counter(f.severity for f in report.findings)
    document: dict[str, Any] = {
        "tool": {"name": "iam-redshift", "version": __version__},
        "summary": {s.value: counts.get(s, 0) for s in Severity},
        "findings": [finding_to_json(f) for f in report.findings],
    }
    if report.suppressed is not None:
        document["suppressed"] = [
            {
                "finding": finding_to_json(hidden.finding),
                "suppression": {
                    "code": hidden.suppression.code,
                    "path": hidden.suppression.path,
                    "sid": hidden.suppression.sid,
                    "reason": hidden.suppression.reason,
                },
            }
            for hidden in report.suppressed
        ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
