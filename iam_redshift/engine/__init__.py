"""The lint engine: run the rule catalogue on documents and bundles, in memory or on disk.

>>> from iam_redshift.engine import lint_document
>>> [f.code for f in lint_document('{"Version": "2012-10-17", "Statement": []}')]
['IR101']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from iam_redshift.engine.contents import iter_lint_contents, lint_bundle, lint_document
from iam_redshift.engine.options import LintOptions
from iam_redshift.engine.paths import iter_lint_paths
from iam_redshift.findings import Finding

__all__ = [
    "LintOptions",
    "iter_lint",
    "iter_lint_contents",
    "lint",
    "lint_bundle",
    "lint_document",
]


def iter_lint(
    *paths: str | Path | Iterable[str | Path], options: LintOptions | None = None
) -> Iterator[Finding]:
    """Lint files and directories on disk, yielding findings file by file (bundle by bundle).

    A directory holding an ``iam-redshift.json`` manifest is linted as one bundle, with every
    cross-document rule; other ``*.json`` files get every per-document rule.
    """
    flat: list[str | Path] = []
    for path in paths:
        if isinstance(path, str | Path):
            flat.append(path)
        else:
            flat.extend(path)
    return iter_lint_paths(flat, options=options)


def lint(
    *paths: str | Path | Iterable[str | Path], options: LintOptions | None = None
) -> list[Finding]:
    """Lint files and directories on disk; all findings, sorted by file, line, column and code."""
    return sorted(iter_lint(*paths, options=options), key=Finding.sort_key)
