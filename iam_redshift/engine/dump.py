"""Linting an account-authorization-details dump: every document in it, with every rule.

Findings point at the dump's own lines and columns, and their messages start with the
principal and policy the document belongs to (``role etl (arn:...), inline policy p: ...``).
Managed policies the dump attaches but does not hold are IR110 findings.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from iam_redshift.engine.checker import Checker
from iam_redshift.engine.options import LintOptions
from iam_redshift.findings import Finding
from iam_redshift.rules.account import MANAGED_POLICY_NOT_IN_DUMP
from iam_redshift.sources.json_text import Unreadable

if TYPE_CHECKING:  # the reader itself is loaded only for a file that looks like a dump
    from iam_redshift.sources.account_dump import AccountDump

__all__ = ["dangling_policy_findings", "lint_dump", "looks_like_dump"]

#: A dump names one of these keys near its start; a policy document never does.
_DUMP_KEY = re.compile(rb'"(RoleDetailList|UserDetailList|GroupDetailList|Policies)"\s*:\s*\[')
#: How far into a file to look for them (keys of the first page come first or after a list).
_SNIFF = 1 << 16


def looks_like_dump(data: bytes | str) -> bool:
    """Whether ``data`` is worth reading as a dump: a dump key appears near its start, or it
    names every list of a page (a dump whose first list is long)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    if _DUMP_KEY.search(raw[:_SNIFF]) is not None:
        return True
    return b'"RoleDetailList"' in raw and b'"Statement"' not in raw[:_SNIFF]


def dangling_policy_findings(dump: AccountDump, held: set[str] | None = None) -> list[Finding]:
    """IR110 for each attachment or permissions boundary whose policy is neither in ``dump``
    nor in ``held`` (the ARNs other dumps of the same run hold)."""
    found = []
    for principal in dump.principals():
        attachments = [
            (arn, pointer, "attaches managed policy") for arn, pointer in principal.managed
        ]
        if principal.boundary is not None:
            attachments.append((*principal.boundary, "uses the permissions boundary"))
        for arn, pointer, what in attachments:
            if arn in dump.policies or (held is not None and arn in held):
                continue
            line, column = dump.positions(pointer)
            found.append(
                MANAGED_POLICY_NOT_IN_DUMP.finding(
                    f"{principal.kind} {principal.name} ({principal.arn}) {what} {arn}, which "
                    "this dump does not hold (its Policies list has no entry with that Arn), so "
                    f"what it allows or denies is unknown; answers about {principal.name} may "
                    "be incomplete. Take the dump without --filter and keep every page",
                    dump.file,
                    pointer=pointer,
                    line=line,
                    column=column,
                )
            )
    return found


def lint_dump(
    data: bytes | str, *, file: str, options: LintOptions | None = None
) -> list[Finding] | None:
    """Every finding of every document in the dump ``data``; None when it is not a dump."""
    from iam_redshift.sources.account_dump import embedded_documents, read_dump

    if not looks_like_dump(data):
        return None
    dump = read_dump(data, file)
    if isinstance(dump, Unreadable):
        return None
    options = options or LintOptions()
    origins = sorted(
        ((document.pointer, document.origin) for document, _ in embedded_documents(dump)),
        key=lambda item: -len(item[0]),
    )
    by_pointer = dict(origins)
    findings = []
    for found in _lint_documents(dump, options):
        origin = _origin_of(found.pointer, by_pointer)
        named = (
            found
            if origin is None
            else dataclasses.replace(found, message=f"{origin}: {found.message}")
        )
        findings.append(named)
    checker = Checker(options)
    for pointer, message in dump.problems:
        for problem in checker.unreadable(file, Unreadable(message, *dump.positions(pointer))):
            findings.append(dataclasses.replace(problem, pointer=pointer))
    if options.enabled(MANAGED_POLICY_NOT_IN_DUMP.code):
        severity = options.severity.get(MANAGED_POLICY_NOT_IN_DUMP.code)
        for finding in dangling_policy_findings(dump):
            findings.append(dataclasses.replace(finding, severity=severity or finding.severity))
    return sorted(findings, key=Finding.sort_key)


def _lint_documents(dump: AccountDump, options: LintOptions) -> list[Finding]:
    from iam_redshift.sources.account_dump import source_file

    findings, _ = Checker(options).check_embedded(source_file(dump), options.context())
    return findings


def _origin_of(pointer: str, by_pointer: dict[str, str]) -> str | None:
    # The document whose pointer is the longest prefix of the finding's (a document's pointer
    # ends at a token, so "/RoleDetailList/1" never claims "/RoleDetailList/10").
    candidate = pointer
    while True:
        if candidate in by_pointer:
            return by_pointer[candidate]
        if not candidate:
            return None
        candidate = candidate.rpartition("/")[0]
