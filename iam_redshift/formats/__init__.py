"""Output formats for findings: each a pure function from a :class:`Report` to text.

``FORMATS`` maps a ``--format`` name to the module holding its ``write(report)``. Output is
deterministic: no timestamps, no absolute paths of the machine (paths are relative to
``Report.base``, the repository root, when they lie below it), findings in a stable order.
Output is always encodable: text that no encoding can write (a lone surrogate from a policy's
``"\\ud800"``, a file name's undecodable byte) is escaped by :func:`safe_text`.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from iam_redshift._record import record

if TYPE_CHECKING:
    from iam_redshift.configuration import Suppressed
    from iam_redshift.findings import Finding
    from iam_redshift.rules._base import Rule

__all__ = [
    "FORMATS",
    "GRAPH_FORMAT_NAMES",
    "Report",
    "Writer",
    "render_findings",
    "repository_path",
    "safe_text",
]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


@record
class Report:
    """What a format writes: the findings (sorted), the rule catalogue, the suppressed findings
    when ``--show-suppressed`` asked for them (None when it did not), and ``base``, the
    directory paths are made relative to (the repository root; None: paths as they are)."""

    findings: Sequence[Finding]
    rules: Mapping[str, Rule]
    suppressed: Sequence[Suppressed] | None = None
    base: str | None = None


Writer = Callable[[Report], str]

#: What ``iam-redshift graph --format`` offers (the writers are in :mod:`.graph`; named here so
#: that building the command line's parser does not import the graph).
GRAPH_FORMAT_NAMES: tuple[str, ...] = ("dot", "html", "json", "mermaid", "sarif", "text")

#: ``--format`` name to the module holding its ``write`` function.
FORMATS: Mapping[str, str] = {
    "text": "iam_redshift.formats.text",
    "json": "iam_redshift.formats.json_format",
    "sarif": "iam_redshift.formats.sarif",
    "github": "iam_redshift.formats.github",
}


def safe_text(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``\\ud800``), so that it can be
    encoded in UTF-8. Inside a JSON string the escape is JSON's own for the same code point,
    so JSON and SARIF output stay valid and mean the same string; elsewhere it is readable."""
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def repository_path(file: str, base: str | None) -> str:
    """``file`` (absolute, or relative to the current directory, as findings name files)
    relative to ``base`` with forward slashes when it lies below ``base``; else absolute
    (forward slashes). Names that are not paths (``<stdin>``) pass through."""
    posix = file.replace(os.sep, "/")
    if base is None or file.startswith("<"):
        return posix
    # Not joined onto base: the base may be the repository root while the run is in a folder
    # below it, and the file is named from where the run is.
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive, on Windows
        return posix
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def render_findings(
    name: str,
    findings: Sequence[Finding],
    *,
    suppressed: Sequence[Suppressed] | None = None,
    base: str | None = None,
) -> str:
    """The output of format ``name`` for ``findings`` (see :class:`Report`)."""
    from iam_redshift.rules import all_rules

    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r} (formats: {', '.join(sorted(FORMATS))})")
    writer: Writer = importlib.import_module(FORMATS[name]).write
    # Every format goes through safe_text: a policy can hold a lone surrogate ("\\ud800" in
    # JSON) and a file name an undecodable byte, and neither may crash the writing of output.
    return safe_text(writer(Report(findings, all_rules(), suppressed, base)))
