"""The lint engine: read documents, run the rules, turn hits into findings.

Everything here is pure except :func:`iter_lint_paths`, the one edge that reads the file system.
The engine never raises on a document's content: unreadable input is an IR100 finding, and a
rule that fails on some input is reported as IR000 (an internal error) instead of escaping.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.document.policy import DocumentKind, PolicyDocument, detect_kind
from iam_redshift.findings import Finding, Location, Severity
from iam_redshift.render.bundle import MANIFEST_NAME
from iam_redshift.rules._base import BundleContext, Hit, LintContext, Rule
from iam_redshift.sources.json_text import MAX_DOCUMENT_BYTES, ParsedText, Unreadable, parse_json

if TYPE_CHECKING:
    from iam_redshift.model import Setup
    from iam_redshift.render import Bundle

__all__ = [
    "INTERNAL_ERROR",
    "LintOptions",
    "glob_match",
    "iter_lint_files",
    "iter_lint_paths",
    "lint_bundle",
    "lint_document",
]

#: The code of a finding that says a rule itself failed on some input (a bug in iam-redshift).
INTERNAL_ERROR = "IR000"


def _matches(code: str, selectors: Iterable[str]) -> bool:
    return any(code.startswith(s) for s in selectors)


@functools.lru_cache(maxsize=4096)
def _enabled(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    # Asked for every rule of every document and for every finding: worth remembering.
    return _matches(code, select) and not _matches(code, ignore)


@dataclass(frozen=True)
class LintOptions:
    """How to lint: what the documents are, and which rules apply at which severity.

    ``select`` and ``ignore`` take codes or prefixes (``"IR2"``), as ruff does; ``severity``
    overrides a code's severity. ``kind`` forces the kind of loose documents;
    ``instance_role_arn`` is the principal loose trust policies must name.
    """

    instance_role_arn: str | None = None
    kind: DocumentKind | None = None
    trust_policy_max_chars: int = 2048
    select: tuple[str, ...] = ("IR",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    #: (glob, codes) pairs: findings in files matching the glob are dropped for those codes.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def enabled(self, code: str) -> bool:
        """Whether findings of ``code`` are reported."""
        try:
            return _enabled(code, self.select, self.ignore)
        except TypeError:  # selectors given as lists: unhashable, so not cached
            return _matches(code, self.select) and not _matches(code, self.ignore)

    def context(self, setup: Setup | None = None) -> LintContext:
        """The context rules see for a document (of a bundle with ``setup``, or loose)."""
        return LintContext(
            setup=setup,
            instance_role_arn=setup.instance_role_arn if setup else self.instance_role_arn,
            trust_policy_max_chars=self.trust_policy_max_chars,
        )


def _rules() -> Mapping[str, Rule]:
    from iam_redshift.rules import all_rules

    return all_rules()


class _Run:
    """Turns hits into findings for one set of documents (one file, or one bundle)."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self.texts: dict[str, ParsedText] = {}

    def finding(self, rule: Rule, hit: Hit, file: str) -> Finding | None:
        code = rule.code
        if not self.options.enabled(code):
            return None
        where = hit.file or file
        line, column = self.position(where, hit.pointer, hit.key)
        related = tuple(
            Location(r.file, *self.position(r.file, r.pointer, None), r.pointer, r.message)
            for r in hit.related
        )
        severity = self.options.severity.get(code) or hit.severity or rule.severity
        return Finding(code, severity, hit.message, where, hit.pointer, line, column, related)

    def position(self, file: str, pointer: str, key: tuple[str, int] | None) -> tuple[int, int]:
        parsed = self.texts.get(file)
        if parsed is None:
            return (1, 1)
        if key is not None:
            from iam_redshift.sources.json_text import locate_key

            return locate_key(parsed.text, pointer, *key)
        return parsed.position(pointer)

    def unreadable(self, file: str, problem: Unreadable) -> Finding | None:
        rule = _rules()["IR100"]
        if not self.options.enabled(rule.code):
            return None
        severity = self.options.severity.get(rule.code, rule.severity)
        message = f"cannot read this as a policy document: {problem.reason}"
        return Finding(rule.code, severity, message, file, "", problem.line, problem.column)

    def internal(self, rule: Rule, file: str, error: BaseException) -> Finding:
        return Finding(
            INTERNAL_ERROR,
            Severity.ERROR,
            f"rule {rule.code} failed on this document ({type(error).__name__}: {error}); this "
            "is a bug in iam-redshift, please report it with the document",
            file,
            "",
            1,
            1,
        )

    def read(
        self, file: str, data: bytes | str, kind: DocumentKind | None, **role: Any
    ) -> tuple[PolicyDocument | None, list[Finding]]:
        """Parse one document; findings for what makes it unreadable."""
        parsed = parse_json(data)
        if isinstance(parsed, Unreadable):
            found = self.unreadable(file, parsed)
            return None, [found] if found else []
        self.texts[file] = parsed
        if not isinstance(parsed.value, dict):
            from iam_redshift.setup_file import json_type

            problem = Unreadable(f"the top level is {json_type(parsed.value)}, not an object")
            found = self.unreadable(file, problem)
            return None, [found] if found else []
        document = PolicyDocument(
            file=file, parsed=parsed, kind=kind or detect_kind(parsed.value), **role
        )
        return document, []

    def check_document(self, document: PolicyDocument, context: LintContext) -> Iterator[Finding]:
        for rule in _rules().values():
            if (
                rule.scope != "document"
                or rule.check is None
                or document.kind not in rule.kinds
                or not self.options.enabled(rule.code)
            ):
                continue
            try:
                hits = list(rule.check(document, context))  # type: ignore[call-arg,arg-type]
            except Exception as error:  # a rule's bug must not stop the lint
                yield self.internal(rule, document.file, error)
                continue
            for hit in hits:
                found = self.finding(rule, hit, document.file)
                if found is not None:
                    yield found

    def check_bundle(self, bundle: BundleContext) -> Iterator[Finding]:
        for rule in _rules().values():
            check = rule.check if rule.scope == "bundle" else rule.bundle_check
            if check is None or not self.options.enabled(rule.code):
                continue
            try:
                hits = list(check(bundle))  # type: ignore[call-arg,arg-type]
            except Exception as error:
                yield self.internal(rule, bundle.manifest_file, error)
                continue
            for hit in hits:
                found = self.finding(rule, hit, bundle.manifest_file)
                if found is not None:
                    yield found


def _post_process(findings: Iterable[Finding], options: LintOptions) -> list[Finding]:
    kept = []
    for found in findings:
        ignored = False
        for pattern, codes in options.per_file_ignores:
            if _matches(found.code, codes) and glob_match(found.file, pattern):
                ignored = True
                break
        if not ignored:
            kept.append(found)
    return sorted(kept, key=Finding.sort_key)


def glob_match(file: str, pattern: str) -> bool:
    """Whether ``file`` matches the glob ``pattern`` (``*`` crosses ``/``; a pattern also matches
    at any depth, so ``trust-policy.json`` matches ``out/Role/trust-policy.json``)."""
    from fnmatch import fnmatchcase

    posix = file.replace(os.sep, "/")
    return fnmatchcase(posix, pattern) or fnmatchcase(posix, f"*/{pattern}")


def lint_document(
    document: str | bytes | Mapping[str, Any],
    *,
    file: str = "<document>",
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint one policy document: JSON text, UTF-8 bytes, or an already-decoded mapping."""
    import json

    options = options or LintOptions()
    if not isinstance(document, str | bytes):
        try:
            document = json.dumps(document, indent=2)
        except (TypeError, ValueError, RecursionError) as error:
            return _post_process(
                [
                    Finding(
                        "IR100",
                        options.severity.get("IR100", Severity.ERROR),
                        f"cannot read this as a policy document: not JSON data ({error})",
                        file,
                        "",
                        1,
                        1,
                    )
                ],
                options,
            )
    run = _Run(options)
    parsed, findings = run.read(file, document, options.kind)
    if parsed is not None:
        findings.extend(run.check_document(parsed, options.context()))
    return _post_process(findings, options)


def iter_lint_files(
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
    from iam_redshift.engine.bundle import lint_manifest_bundle

    def display(rel: str) -> str:
        return f"{root.rstrip('/')}/{rel}" if root else rel

    claimed: set[str] = set()
    if MANIFEST_NAME in files:
        run = _Run(options)
        bundle_findings, claimed = lint_manifest_bundle(run, files, display)
        yield from _post_process(bundle_findings, options)
    for rel in sorted(files):
        if rel in claimed or rel == MANIFEST_NAME:
            continue
        content = files[rel]
        if content is None:
            continue
        yield from lint_document(content, file=display(rel), options=options)


def lint_bundle(
    bundle: Bundle, *, root: str = "", options: LintOptions | None = None
) -> list[Finding]:
    """Lint a rendered (or edited) :class:`~iam_redshift.render.Bundle` in memory."""
    return list(iter_lint_files(bundle.files(), root=root, options=options))


def _read_limited(path: Path) -> bytes | None:
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_DOCUMENT_BYTES + 1)
    except OSError:
        return None


def iter_lint_paths(
    paths: Iterable[str | Path],
    *,
    options: LintOptions | None = None,
    exclude: Callable[[str], bool] | None = None,
) -> Iterator[Finding]:
    """Lint files and directories on disk, one file or bundle at a time (memory stays bounded).

    A directory holding ``iam-redshift.json`` is a bundle; other directories are searched for
    ``*.json`` files, and bundles below them are found the same way. ``exclude`` drops paths.
    A file that cannot be opened is an IR100 finding.
    """
    options = options or LintOptions()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _lint_directory(path, options, exclude)
        else:
            data = _read_limited(path)
            if data is None:
                yield Finding("IR100", Severity.ERROR, "cannot read this file", str(path), "", 1, 1)
                continue
            yield from lint_document(data, file=str(path), options=options)


def _lint_directory(
    root: Path, options: LintOptions, exclude: Callable[[str], bool] | None
) -> Iterator[Finding]:
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        here = Path(directory)
        if exclude is not None:
            subdirectories[:] = [d for d in subdirectories if not exclude(str(here / d))]
        if MANIFEST_NAME in names:
            # A bundle: its manifest says which files below it belong to it.
            subdirectories[:] = []
            files = _bundle_files(here, names)
            yield from iter_lint_files(files, root=str(here), options=options)
            continue
        for name in sorted(names):
            if not name.endswith(".json") or (exclude and exclude(str(here / name))):
                continue
            data = _read_limited(here / name)
            content: bytes | str = data if data is not None else b"\xff(unreadable)"
            yield from lint_document(content, file=str(here / name), options=options)


def _bundle_files(directory: Path, names: list[str]) -> dict[str, bytes | None]:
    """The manifest, the files it lists (anywhere below), and the other JSON files beside it."""
    from iam_redshift.bundle_io import listed_paths

    files: dict[str, bytes | None] = {MANIFEST_NAME: _read_limited(directory / MANIFEST_NAME)}
    for rel in listed_paths(files[MANIFEST_NAME]) or ():
        files[rel] = _read_limited(directory / rel)
    for name in names:
        if name.endswith(".json") and name not in files:
            files[name] = _read_limited(directory / name)
    return files
