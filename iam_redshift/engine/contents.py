"""Linting contents already in memory: one document, a directory given as a mapping, a bundle.

Pure: nothing here reads the file system. The engine never raises on a document's content:
unreadable input is an IR100 finding, and a rule that fails on some input is reported as IR000.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from iam_redshift.engine.bundle import lint_manifest_bundle
from iam_redshift.engine.checker import Checker
from iam_redshift.engine.dump import lint_dump
from iam_redshift.engine.options import LintOptions
from iam_redshift.findings import Finding
from iam_redshift.render.bundle import MANIFEST_NAME
from iam_redshift.render.writer import JOURNAL_NAME

if TYPE_CHECKING:
    from iam_redshift.render import Bundle
    from iam_redshift.sources.embedded import SourceFile

__all__ = [
    "iter_lint_contents",
    "lint_bundle",
    "lint_document",
    "lint_file_contents",
    "lint_source_file",
]


def lint_document(
    document: str | bytes | Mapping[str, Any],
    *,
    file: str = "<document>",
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint one policy document: JSON text, UTF-8 bytes, or an already-decoded mapping."""
    options = options or LintOptions()
    checker = Checker(options)
    if not isinstance(document, str | bytes):
        try:
            document = json.dumps(document, indent=2)
        except (TypeError, ValueError, RecursionError) as error:
            return checker.unreadable(file, f"not JSON data ({error})")
    parsed = checker.read(file, document, options.kind)
    if isinstance(parsed, list):
        return parsed
    return sorted(checker.check_document(parsed, options.context()), key=Finding.sort_key)


def iter_lint_contents(
    files: Mapping[str, str | bytes | None],
    *,
    root: str = "",
    options: LintOptions | None = None,
) -> Iterator[Finding]:
    """Lint a directory given as a mapping of relative paths to contents (None: unreadable).

    When it holds ``iam-redshift.json`` the documents that manifest lists are linted as one
    bundle, with every cross-document rule; every other file is linted on its own. File names in
    findings are ``root`` joined with the relative path.
    """
    options = options or LintOptions()

    def display(rel: str) -> str:
        return f"{root.rstrip('/')}/{rel}" if root else rel

    claimed: set[str] = set()
    if MANIFEST_NAME in files:
        bundle_findings, claimed = lint_manifest_bundle(Checker(options), files, display)
        yield from sorted(bundle_findings, key=Finding.sort_key)
    for rel in sorted(files):
        if rel in claimed or rel in (MANIFEST_NAME, JOURNAL_NAME):
            continue
        content = files[rel]
        if content is None:
            continue
        yield from lint_file_contents(content, file=display(rel), options=options)


def lint_file_contents(
    data: str | bytes, *, file: str, options: LintOptions | None = None
) -> list[Finding]:
    """Lint one file's contents: every document of an account-authorization-details dump, or
    else the file as one policy document."""
    # The one place a file's format decides how it is linted (dumps: issue 12).
    dumped = lint_dump(data, file=file, options=options)
    return dumped if dumped is not None else lint_document(data, file=file, options=options)


def lint_bundle(
    bundle: Bundle, *, root: str = "", options: LintOptions | None = None
) -> list[Finding]:
    """Lint a rendered (or edited) :class:`~iam_redshift.render.Bundle` in memory."""
    return list(iter_lint_contents(bundle.files(), root=root, options=options))


def lint_source_file(source: SourceFile, *, options: LintOptions | None = None) -> list[Finding]:
    """Lint every document a reader found in a file (a template, a plan, a dump), each one on
    its own; findings point at the file's own lines and columns."""
    options = options or LintOptions()
    checker = Checker(options)
    findings: list[Finding] = []
    for document in source.documents:
        read = checker.read_embedded(source, document)
        if isinstance(read, list):
            findings.extend(read)
            continue
        findings.extend(checker.check_document(read, options.context()))
    return sorted(findings, key=Finding.sort_key)
