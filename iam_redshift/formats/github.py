"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,title=CODE::message``: errors and security warnings are
``error``, warnings ``warning``, suggestions ``notice``. Paths are relative to the repository
root (the current directory in a workflow) with forward slashes. Values are escaped as the
Actions toolkit escapes them (``%``, CR and LF everywhere; ``:`` and ``,`` in properties too).
"""

from __future__ import annotations

from iam_redshift.findings import Finding, Severity
from iam_redshift.formats import Report, repository_path

__all__ = ["COMMANDS", "annotation", "write"]

#: The workflow command of each severity.
COMMANDS = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "error",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "notice",
}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, base: str | None = None) -> str:
    """One workflow command for ``finding``."""
    properties = ",".join(
        f"{name}={_escape_property(value)}"
        for name, value in (
            ("file", repository_path(finding.file, base)),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", finding.code),
        )
    )
    return f"::{COMMANDS[finding.severity]} {properties}::{_escape_data(finding.message)}"


def write(report: Report) -> str:
    """One annotation line per finding (suppressed findings are not annotated)."""
    return "".join(annotation(f, report.base) + "\n" for f in report.findings)
