"""Running the catalogue's checks on documents, manifests and bundles, and turning what they yield
into findings.

Every finding is made through its :class:`~iam_redshift.rules._base.Rule` (IR100 for what cannot
be read, IR000 for a rule that failed), so the catalogue is the one place a code is defined.
Nothing here reads a file: contents come in as bytes or text.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from iam_redshift.document.policy import DocumentKind, PolicyDocument, detect_kind
from iam_redshift.engine.options import LintOptions
from iam_redshift.findings import Finding, Location
from iam_redshift.rules import all_rules
from iam_redshift.setup_file import json_type
from iam_redshift.sources.json_text import ParsedText, Unreadable, parse_json

if TYPE_CHECKING:
    from iam_redshift.document.manifest import ManifestView
    from iam_redshift.rules._base import BundleContext, DocumentCheck, Hit, LintContext, Rule
    from iam_redshift.sources.embedded import EmbeddedDocument, Positions, SourceFile

__all__ = ["INTERNAL_ERROR", "UNREADABLE", "Checker"]

#: The code of a finding that says a rule itself failed on some input (a bug in iam-redshift).
INTERNAL_ERROR = "IR000"
#: The code of a finding that says a file is not a readable policy document.
UNREADABLE = "IR100"

#: The document checks that run on one kind of document: each enabled rule's, in code order.
DocumentChecks = tuple[tuple["Rule", "DocumentCheck"], ...]


def _document_checks(
    rules: Iterable[Rule], kind: str, enabled: Callable[[str], bool]
) -> DocumentChecks:
    return tuple(
        (rule, rule.check_document)
        for rule in rules
        if rule.check_document is not None and kind in rule.kinds and enabled(rule.code)
    )


@functools.lru_cache(maxsize=64)
def _catalogue_checks(
    kind: str, select: tuple[str, ...], ignore: tuple[str, ...]
) -> DocumentChecks:
    # Shared by every Checker: a lint of many files makes one Checker a file, and choosing among
    # the catalogue's rules again for each document was a third of the cost of a small one.
    return _document_checks(
        all_rules().values(), kind, LintOptions(select=select, ignore=ignore).enabled
    )


class Checker:
    """Turns hits into findings for one set of documents (one file, or one bundle), remembering
    each text it parsed so that pointers become lines and columns."""

    def __init__(self, options: LintOptions, rules: Mapping[str, Rule] | None = None) -> None:
        self.options = options
        self.rules = rules if rules is not None else all_rules()
        self.texts: dict[str, ParsedText] = {}
        # Documents inside a larger file, by the name rules know them by: (the file, the
        # document's pointer in it, the file's positions).
        self.embedded: dict[str, tuple[str, str, Positions]] = {}
        self._document_checks: dict[str, DocumentChecks] = {}

    # -- making findings ---------------------------------------------------------------------

    def _make(
        self,
        rule: Rule,
        message: str,
        file: str,
        pointer: str = "",
        *,
        position: tuple[int, int] | None = None,
        key: tuple[str, int] | None = None,
        related: tuple[Location, ...] = (),
        severity: Any = None,
    ) -> Finding:
        # Callers ask whether the rule is enabled: the checks that run are those of enabled rules.
        line, column = position or self.position(file, pointer, key)
        file, pointer = self.place(file, pointer)
        return rule.finding(
            message,
            file,
            pointer=pointer,
            line=line,
            column=column,
            related=related,
            severity=self.options.severity.get(rule.code) or severity,
        )

    def finding(self, rule: Rule, hit: Hit, file: str) -> Finding | None:
        """The finding for one hit of ``rule`` in ``file`` (None when the rule is disabled)."""
        if not self.options.enabled(rule.code):
            return None
        return self._of_hit(rule, hit, file)

    def _of_hit(self, rule: Rule, hit: Hit, file: str) -> Finding:
        related = (
            tuple(self._location(r.file, r.pointer, r.message) for r in hit.related)
            if hit.related  # most hits: no generator made
            else ()
        )
        return self._make(
            rule,
            hit.message,
            hit.file or file,
            hit.pointer,
            key=hit.key,
            related=related,
            severity=hit.severity,
        )

    def _location(self, file: str, pointer: str, message: str) -> Location:
        line, column = self.position(file, pointer, None)
        real_file, real_pointer = self.place(file, pointer)
        return Location(real_file, line, column, real_pointer, message)

    def place(self, file: str, pointer: str) -> tuple[str, str]:
        """The real file and pointer of a place rules name: an embedded document's own pointers
        become pointers of the file that holds it."""
        embedded = self.embedded.get(file)
        if embedded is None:
            return file, pointer
        return embedded[0], embedded[1] + pointer

    def position(self, file: str, pointer: str, key: tuple[str, int] | None) -> tuple[int, int]:
        """Line and column of ``pointer`` (or of member ``key`` there) in a text read before."""
        embedded = self.embedded.get(file)
        if embedded is not None:
            return embedded[2](embedded[1] + pointer)
        parsed = self.texts.get(file)
        if parsed is None:
            return (1, 1)
        if key is not None:
            return parsed.key_position(pointer, *key)
        return parsed.position(pointer)

    def unreadable(self, file: str, problem: Unreadable | str) -> list[Finding]:
        """The IR100 finding for a file that is not a readable policy document."""
        if isinstance(problem, str):
            problem = Unreadable(problem)
        if not self.options.enabled(UNREADABLE):
            return []
        return [
            self._make(
                self.rules[UNREADABLE],
                f"cannot read this as a policy document: {problem.reason}",
                file,
                # In a larger file, the document's own place; else where the text went wrong.
                position=None if file in self.embedded else (problem.line, problem.column),
            )
        ]

    def _internal(self, rule: Rule, file: str, error: BaseException) -> Finding | None:
        if not self.options.enabled(INTERNAL_ERROR):
            return None
        return self._make(
            self.rules[INTERNAL_ERROR],
            f"rule {rule.code} failed on this document ({type(error).__name__}: {error}); this "
            "is a bug in iam-redshift, please report it with the document",
            file,
            position=None if file in self.embedded else (1, 1),
        )

    def _run(
        self,
        findings: list[Finding],
        checks: Iterable[tuple[Rule, Callable[..., Iterable[Hit]]]],
        file: str,
        *arguments: Any,
    ) -> None:
        """Add to ``findings`` those of each enabled rule's check (or IR000, if it fails)."""
        # One loop for all the checks of a document: a lint of many small documents runs
        # tens of thousands of checks, most of which find nothing.
        for rule, check in checks:
            try:
                # All hits first: a check that fails part way reports IR000 alone.
                hits = list(check(*arguments))
            except Exception as error:  # a rule's bug must not stop the lint
                found = self._internal(rule, file, error)
                if found is not None:
                    findings.append(found)
                continue
            for hit in hits:
                findings.append(self._of_hit(rule, hit, file))

    # -- reading -----------------------------------------------------------------------------

    def parse(self, file: str, data: bytes | str) -> ParsedText | list[Finding]:
        """``data`` parsed as a JSON object (remembered for positions), or the IR100 finding."""
        parsed = parse_json(data)
        if isinstance(parsed, Unreadable):
            return self.unreadable(file, parsed)
        self.texts[file] = parsed
        if not isinstance(parsed.value, dict):
            return self.unreadable(
                file, f"the top level is {json_type(parsed.value)}, not an object"
            )
        return parsed

    def read(
        self, file: str, data: bytes | str, kind: DocumentKind | None, **role: Any
    ) -> PolicyDocument | list[Finding]:
        """One policy document, or the findings that make it unreadable."""
        parsed = self.parse(file, data)
        if isinstance(parsed, list):
            return parsed
        return PolicyDocument(
            file=file, parsed=parsed, kind=kind or detect_kind(parsed.value), **role
        )

    def read_embedded(
        self, source: SourceFile, document: EmbeddedDocument
    ) -> PolicyDocument | list[Finding]:
        """A document inside ``source``, known to rules by ``FILE#POINTER``; or the IR100
        finding when it is not an object."""
        name = f"{source.file}#{document.pointer}"
        self.embedded[name] = (source.file, document.pointer, source.positions)
        try:
            text = json.dumps(document.value, indent=2, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError) as error:
            return self.unreadable(name, f"not JSON data ({error})")
        return self.read(
            name,
            text,
            document.kind,
            role=document.role,
            role_arn=document.role_arn,
            role_kind=document.role_kind,
            attachment=document.attachment,
        )

    def check_embedded(
        self, source: SourceFile, context: LintContext
    ) -> tuple[list[Finding], list[PolicyDocument]]:
        """Every document a reader found in ``source``, read and checked on its own: the
        findings, and the documents that could be read (for a bundle of them)."""
        findings: list[Finding] = []
        documents: list[PolicyDocument] = []
        for document in source.documents:
            read = self.read_embedded(source, document)
            if isinstance(read, list):
                findings.extend(read)
                continue
            documents.append(read)
            findings.extend(self.check_document(read, context))
        return findings, documents

    # -- checking ---------------------------------------------------------------------------

    def document_checks(self, kind: str) -> DocumentChecks:
        """The checks that run on a document of ``kind``: those of the enabled rules that apply
        to it, in code order (worked out once per kind, not for every document)."""
        checks = self._document_checks.get(kind)
        if checks is None:
            checks = self._document_checks[kind] = self._choose_checks(kind)
        return checks

    def _choose_checks(self, kind: str) -> DocumentChecks:
        if self.rules is all_rules():
            try:
                return _catalogue_checks(
                    kind, tuple(self.options.select), tuple(self.options.ignore)
                )
            except TypeError:  # unhashable selectors: chosen for this Checker only
                pass
        return _document_checks(self.rules.values(), kind, self.options.enabled)

    def check_document(self, document: PolicyDocument, context: LintContext) -> list[Finding]:
        """Every enabled document check that applies to the document's kind."""
        findings: list[Finding] = []
        self._run(findings, self.document_checks(document.kind), document.file, document, context)
        return findings

    def check_manifest(self, manifest: ManifestView) -> list[Finding]:
        """Every enabled manifest check."""
        findings: list[Finding] = []
        checks = [
            (rule, rule.check_manifest)
            for rule in self.rules.values()
            if rule.check_manifest is not None and self.options.enabled(rule.code)
        ]
        self._run(findings, checks, manifest.file, manifest)
        return findings

    def check_bundle(self, bundle: BundleContext) -> list[Finding]:
        """Every enabled bundle check."""
        findings: list[Finding] = []
        checks = [
            (rule, rule.check_bundle)
            for rule in self.rules.values()
            # A template's or plan's roles: only the checks that need no setup.
            if rule.check_bundle is not None
            and not (bundle.given_setup is None and rule.bundle_needs_setup)
            and self.options.enabled(rule.code)
        ]
        self._run(findings, checks, bundle.manifest_file, bundle)
        return findings
