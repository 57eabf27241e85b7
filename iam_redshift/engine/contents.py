"""Linting contents already in memory: one document, a directory given as a mapping, a bundle.

Pure: nothing here reads the file system. The engine never raises on a document's content:
unreadable input is an IR100 finding, and a rule that fails on some input is reported as IR000.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from iam_redshift.engine.bundle import lint_manifest_bundle
from iam_redshift.engine.checker import Checker
from iam_redshift.engine.dump import lint_dump
from iam_redshift.engine.options import LintOptions
from iam_redshift.findings import Finding
from iam_redshift.layout import JOURNAL_NAME, MANIFEST_NAME
from iam_redshift.rules._base import BundleContext

if TYPE_CHECKING:
    from iam_redshift.render import Bundle
    from iam_redshift.sources.embedded import SourceFile

__all__ = [
    "Skipped",
    "iter_lint_contents",
    "lint_bundle",
    "lint_document",
    "lint_file_data",
    "lint_source_file",
]


#: The options of a lint that names none (frozen: one for all of them; a lint of a thousand
#: documents one by one need not make a thousand).
_DEFAULT_OPTIONS = LintOptions()


def lint_document(
    document: str | bytes | Mapping[str, Any],
    *,
    file: str = "<document>",
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint one policy document: JSON text, UTF-8 bytes, or an already-decoded mapping."""
    options = options or _DEFAULT_OPTIONS
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
    skipped: list[Skipped] | None = None,
) -> Iterator[Finding]:
    """Lint a directory given as a mapping of relative paths to contents (None: unreadable).

    When it holds ``iam-redshift.json`` the documents that manifest lists are linted as one
    bundle, with every cross-document rule; every other file is linted as what it is (a policy
    document, a template, a plan), and files that are none of these are added to ``skipped``.
    File names in findings are ``root`` joined with the relative path.
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
        data = content.encode("utf-8") if isinstance(content, str) else content
        linted = lint_file_data(display(rel), data, options=options)
        if isinstance(linted, Skipped):
            if skipped is not None:
                skipped.append(linted)
            continue
        yield from linted


def lint_bundle(
    bundle: Bundle, *, root: str = "", options: LintOptions | None = None
) -> list[Finding]:
    """Lint a rendered (or edited) :class:`~iam_redshift.render.Bundle` in memory."""
    return list(iter_lint_contents(bundle.files(), root=root, options=options))


def lint_source_file(source: SourceFile, *, options: LintOptions | None = None) -> list[Finding]:
    """Lint every document a reader found in a file (a template, a plan, a dump), each one on
    its own; findings point at the file's own lines and columns. When the file's roles play
    the two-role pattern (one instance role, access roles), they are also linted as one
    bundle, with the cross-document rules comparing them by reference."""
    options = options or LintOptions()
    checker = Checker(options)
    findings, documents = checker.check_embedded(source, options.context())
    kinds = {r.role_kind for r in source.roles}
    if {"instance", "access"} <= kinds:
        bundle = BundleContext(source.file, None, None, tuple(documents), references=source.roles)
        findings.extend(checker.check_bundle(bundle))
    return sorted(findings, key=Finding.sort_key)


class Skipped(NamedTuple):
    """A file that is none of what iam-redshift lints (``package.json``, editor settings), and
    what it is instead."""

    file: str
    reason: str


def lint_file_data(
    file: str,
    data: bytes,
    *,
    options: LintOptions | None = None,
    input_type: str | None = None,
) -> list[Finding] | Skipped:
    """Lint one file's contents as what it is: a policy document, an account-authorization-details
    dump, a CloudFormation template, a Terraform plan or JSON configuration (``input_type``
    forces a reader). Anything else is :class:`Skipped`, for the caller to report as it sees
    fit."""
    from iam_redshift.sources.recognise import read_source, recognise

    options = options or LintOptions()
    if input_type is None:
        dumped = lint_dump(data, file=file, options=options)
        if dumped is not None:
            return dumped
    recognised = recognise(file, data, input_type)
    if recognised.kind == "policy":
        return lint_document(data, file=file, options=options)
    if recognised.kind in ("other", "manifest"):
        if recognised.problem is not None:
            return Skipped(file, f"cannot be read: {recognised.problem.reason}")
        if recognised.kind == "manifest":
            return Skipped(file, "a bundle manifest outside its bundle's folder")
        return Skipped(file, "not a policy document, bundle, dump, template or plan")
    source = read_source(file, recognised)
    if source is None:
        return Checker(options).unreadable(
            file, f"{recognised.what} whose top level is not an object"
        )
    return lint_source_file(source, options=options)
