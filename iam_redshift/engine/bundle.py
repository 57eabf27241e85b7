"""Linting a bundle: its manifest, each document it lists, and the documents against each other."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from iam_redshift.document.manifest import read_manifest
from iam_redshift.layout import JOURNAL_NAME, MANIFEST_NAME
from iam_redshift.rules._base import BundleContext

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument
    from iam_redshift.engine.checker import Checker
    from iam_redshift.findings import Finding

__all__ = ["lint_manifest_bundle"]


def lint_manifest_bundle(
    checker: Checker, files: Mapping[str, str | bytes | None], display: Callable[[str], str]
) -> tuple[list[Finding], set[str]]:
    """Lint the bundle described by ``files[MANIFEST_NAME]``.

    Returns the findings and the relative paths the manifest claimed; unclaimed files (and all
    files, when the manifest is unusable) are for the caller to lint one by one.
    """
    manifest_file = display(MANIFEST_NAME)
    content = files.get(MANIFEST_NAME)
    parsed = checker.parse(manifest_file, content if content is not None else b"\xff")
    if isinstance(parsed, list):
        return parsed, set()
    manifest = read_manifest(manifest_file, parsed)
    setup = manifest.setup
    if setup is None:
        return list(checker.check_manifest(manifest)), set()

    findings: list[Finding] = []
    documents: list[PolicyDocument] = []
    unreadable: list[tuple[str, str]] = []
    missing: set[str] = set()
    context = checker.options.context(setup)
    for entry in manifest.entries:
        data = files.get(entry.path)
        if data is None:
            unreadable.append((entry.pointer, display(entry.path)))
            missing.add(entry.pointer)
            continue
        document = checker.read(
            display(entry.path),
            data,
            entry.kind,  # type: ignore[arg-type]  # the manifest's schema allows only the two
            role=entry.role,
            role_arn=entry.role_arn,
            role_kind=entry.role_kind,
        )
        if isinstance(document, list):
            findings.extend(document)
            unreadable.append((entry.pointer, display(entry.path)))
            continue
        documents.append(document)
        findings.extend(checker.check_document(document, context))
    manifest = replace(manifest, unreadable=frozenset(missing), interrupted=JOURNAL_NAME in files)
    findings.extend(checker.check_manifest(manifest))
    bundle = BundleContext(manifest_file, parsed, setup, tuple(documents), tuple(unreadable))
    findings.extend(checker.check_bundle(bundle))
    return findings, {entry.path for entry in manifest.entries}
