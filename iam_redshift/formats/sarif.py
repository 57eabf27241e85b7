"""``--format sarif``: a SARIF 2.1.0 log that GitHub code scanning accepts.

One run; the driver lists every rule of the catalogue with its documentation; each result has a
physical location relative to the repository root (``uriBaseId`` ``%SRCROOT%``, declared in
``originalUriBaseIds``, forward slashes; the command line passes the repository root, not
the current directory, so that paths and fingerprints are the same from any folder),
``relatedLocations`` for cross-document findings (linked from the message, so code scanning
shows them), and a ``partialFingerprints`` entry that does not depend on line numbers,
so an alert keeps its identity when unrelated lines move. With ``--show-suppressed`` suppressed
findings are results too, with a ``suppressions`` entry holding the reason.

Levels follow the severity: error and security-warning give ``error``, warning ``warning``,
suggestion ``note``. Security warnings are tagged ``security`` with a ``security-severity`` of
8.0 (high), the properties GitHub reads to show them as security alerts.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from iam_redshift._version import __version__
from iam_redshift.findings import Finding, Location, Severity
from iam_redshift.formats import Report, repository_path
from iam_redshift.formats.rule_docs import rule_markdown

if TYPE_CHECKING:
    from iam_redshift.configuration import Suppressed
    from iam_redshift.rules._base import Rule

__all__ = ["FINGERPRINT", "LEVELS", "SARIF_SCHEMA", "fingerprint", "write"]

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: The partialFingerprints key (versioned, as SARIF recommends, in case the recipe changes).
FINGERPRINT = "iamRedshiftFindingHash/v1"
#: SARIF level of each severity.
LEVELS = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "error",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "note",
}
#: GitHub's security-severity for security warnings: 7.0 to 8.9 is "high".
SECURITY_SEVERITY = "8.0"
_SRCROOT = "%SRCROOT%"
_NUMBER = re.compile(r"\d[\d,.]*")
_SPACE = re.compile(r"\s+")


def fingerprint(finding: Finding, base: str | None) -> str:
    """A hash of what the finding is about, leaving out where in the file it is: the code, the
    file (relative to the repository root), the JSON pointer and the message with numbers
    (sizes, counts) and spacing normalised."""
    message = _SPACE.sub(" ", _NUMBER.sub("0", finding.message)).strip()
    key = "\0".join((finding.code, repository_path(finding.file, base), finding.pointer, message))
    # surrogatepass: a lone surrogate (from a policy or a file name) still hashes, the same way
    # every time, where plain UTF-8 would raise.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _quote(path: str, safe: str) -> str:
    """``path`` percent-encoded for a URI. A name holding an undecodable byte (read by Python as
    a surrogate escape) gets back that byte (``%FF``); any other lone surrogate, which no file
    name can hold, is percent-encoded from its escape."""
    try:
        return quote(path, safe=safe, errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe=safe, errors="backslashreplace")


def _uri(file: str, base: str | None) -> dict[str, str]:
    path = repository_path(file, base)
    if path.startswith("/"):
        return {"uri": "file://" + _quote(path, safe="/")}
    if re.match(r"[A-Za-z]:/", path):
        return {"uri": "file:///" + _quote(path, safe="/:")}
    return {"uri": _quote(path, safe="/"), "uriBaseId": _SRCROOT}


def _physical(location: Location, base: str | None) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _uri(location.file, base),
            "region": {"startLine": location.line, "startColumn": location.column},
        }
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    help_text = rule_markdown(rule)
    properties: dict[str, Any] = {"tags": ["iam", "aws"]}
    if rule.severity is Severity.SECURITY_WARNING:
        properties = {"tags": ["iam", "aws", "security"], "security-severity": SECURITY_SEVERITY}
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _knowledge_properties() -> dict[str, Any]:
    """The action data the IR2xx/IR5xx rules relied on: its date and sources (SARIF 2.1.0,
    3.8: a property bag), so a result can be read against the data of its day."""
    from iam_redshift import knowledge

    return {
        "actionDataDate": knowledge.data_date(),
        "actionDataSources": [
            {"name": s.name, "version": s.version, "date": s.date} for s in knowledge.sources()
        ],
    }


def _escape(text: str) -> str:
    """Plain text for a SARIF message with embedded links: brackets that are not links are
    escaped (SARIF 2.1.0, 3.11.6)."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _message(finding: Finding, base: str | None) -> str:
    if not finding.related:
        return finding.message
    links = ", ".join(
        f"[{_escape(repository_path(r.file, base))}:{r.line}]({index})"
        for index, r in enumerate(finding.related, start=1)
    )
    return f"{_escape(finding.message)} (related: {links})"


def _result(
    finding: Finding,
    index: dict[str, int],
    base: str | None,
    occurrence: int,
    hidden: Suppressed | None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding, base)},
        "locations": [_physical(finding.location, base)],
        "partialFingerprints": {FINGERPRINT: f"{fingerprint(finding, base)}:{occurrence}"},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                **_physical(r, base),
                "message": {"text": r.message or f"{finding.code}: related place"},
            }
            for number, r in enumerate(finding.related, start=1)
        ]
    if hidden is not None:
        result["suppressions"] = [{"kind": "external", "justification": hidden.suppression.reason}]
    return result


def write(report: Report) -> str:
    """The SARIF log of ``report``, as 2-space indented JSON."""
    hidden = list(report.suppressed or ())
    entries: list[tuple[Finding, Suppressed | None]] = [(f, None) for f in report.findings]
    entries += [(h.finding, h) for h in hidden]
    entries.sort(key=lambda entry: (entry[0].sort_key(), entry[1] is not None))
    descriptors = [_descriptor(rule) for rule in report.rules.values()]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    seen: Counter[str] = Counter()
    results = []
    for finding, suppressed in entries:
        key = fingerprint(finding, report.base)
        seen[key] += 1
        results.append(_result(finding, index, report.base, seen[key], suppressed))
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iam-redshift",
                        "version": __version__,
                        "rules": descriptors,
                        "properties": _knowledge_properties(),
                    }
                },
                # Relative URIs are relative to %SRCROOT%: the repository root (see
                # repository_root), which code scanning maps to the checkout. Its location on
                # this machine is left out, so that the log is the same on every machine.
                "originalUriBaseIds": {
                    _SRCROOT: {
                        "description": {
                            "text": "The repository root (the folder holding .git), else the "
                            "folder of the configuration file, else the folder the linter "
                            "ran in."
                        }
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
