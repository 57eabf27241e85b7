"""Applying a configuration to a run's findings: per-file ignores, suppressions, and IR901 for a
suppression that suppresses nothing.

A finding is suppressed when its code is the suppression's, its file matches the suppression's
``path`` and, when the suppression names a ``sid``, its pointer lies inside the statement with that
Sid (read back from the document only for such suppressions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from iam_redshift._record import record
from iam_redshift.engine.options import LintOptions, code_matches
from iam_redshift.findings import Finding
from iam_redshift.rules import all_rules
from iam_redshift.sources.discover import matches_path
from iam_redshift.sources.json_text import ParsedText, parse_json, resolve_pointer

if TYPE_CHECKING:
    from iam_redshift.configuration.file import Config, Suppression

__all__ = ["UNUSED_SUPPRESSION", "Outcome", "RunScope", "Suppressed", "apply_config"]

#: The code of the finding that says a suppression matched nothing.
UNUSED_SUPPRESSION = "IR901"


@record
class Suppressed:
    """A finding that a suppression hid, and the suppression (with its reason)."""

    finding: Finding
    suppression: Suppression


@record
class RunScope:
    """What one lint run looked at, to tell a stale suppression from one about a file that was
    simply not linted this time (pre-commit passes only the changed files).

    ``covers`` says whether a path (relative to the configuration) was within the run;
    ``everything`` is true when the run covered the whole configuration root; ``existing``
    lists every file under the root (relative paths), asked only when needed.
    """

    covers: Callable[[str], bool]
    everything: bool = False
    existing: Callable[[], Iterable[str]] = lambda: ()


@record
class Outcome:
    """The findings to report (sorted, IR901 included) and those suppressions hid."""

    findings: list[Finding]
    suppressed: list[Suppressed]


def _statement_pointer(pointer: str) -> str | None:
    """``/Statement/3`` for a pointer inside statement 3 (``/Statement`` for a lone statement
    object), None for a pointer outside any statement."""
    parts = pointer.split("/")
    if len(parts) < 2 or parts[0] != "" or parts[1] != "Statement":
        return None
    if len(parts) >= 3 and parts[2].isdigit():
        return f"/Statement/{parts[2]}"
    return "/Statement"


class _Sids:
    """The Sid of the statement a finding lies in, reading each document at most once."""

    def __init__(self, read: Callable[[str], bytes | str | None]) -> None:
        self.read = read
        self.values: dict[str, Any] = {}

    def of(self, finding: Finding) -> str | None:
        statement = _statement_pointer(finding.pointer)
        if statement is None:
            return None
        if finding.file not in self.values:
            data = self.read(finding.file)
            parsed = parse_json(data) if data is not None else None
            self.values[finding.file] = parsed.value if isinstance(parsed, ParsedText) else None
        try:
            found = resolve_pointer(self.values[finding.file], statement)
        except KeyError:
            return None
        sid = found.get("Sid") if isinstance(found, dict) else None
        return sid if isinstance(sid, str) else None


def _stale_message(suppression: Suppression, matched_a_file: bool) -> str:
    what = f"this suppression ({suppression.describe()})"
    if not matched_a_file:
        return (
            f"{what} matches no file: remove it, or correct its path (a glob relative to this "
            "configuration file's directory)"
        )
    return (
        f"{what} matched no finding: the problem it was written for is gone, so remove it (or "
        "correct its code, path or sid)"
    )


def apply_config(
    findings: Iterable[Finding],
    config: Config,
    *,
    options: LintOptions | None = None,
    read: Callable[[str], bytes | str | None] | None = None,
    scope: RunScope | None = None,
) -> Outcome:
    """Apply ``config``'s per-file ignores and suppressions to a run's findings.

    ``read(file)`` gives a document's content for ``sid`` suppressions (by the name findings
    use); ``scope`` says what the run covered, for reporting unused suppressions as IR901
    (without it, every unused suppression is reported). ``options`` decide whether IR901 is
    enabled and at which severity (default: ``config.options()``).
    """
    options = options or config.options()
    scope = scope or RunScope(covers=lambda _: True, everything=True)
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    used: set[int] = set()
    matched_files: set[int] = set()
    sids = _Sids(read or (lambda _: None))
    # A file's findings share its relative path (worked out with os.path.relpath: thousands
    # of findings in a large run).
    relatives: dict[str, str] = {}
    for found in findings:
        relative = relatives.get(found.file)
        if relative is None:
            relative = relatives[found.file] = config.relative(found.file)
        if any(
            code_matches(found.code, codes) and matches_path(relative, pattern)
            for pattern, codes in config.per_file_ignores
        ):
            continue
        hit = _suppression_for(found, relative, config.suppress, sids, matched_files)
        if hit is None:
            kept.append(found)
        else:
            used.add(hit)
            suppressed.append(Suppressed(found, config.suppress[hit]))
    kept.extend(_unused(config, options, scope, used, matched_files))
    kept.sort(key=Finding.sort_key)
    suppressed.sort(key=lambda s: s.finding.sort_key())
    return Outcome(kept, suppressed)


def _suppression_for(
    found: Finding,
    relative: str,
    suppressions: Sequence[Suppression],
    sids: _Sids,
    matched_files: set[int],
) -> int | None:
    """The index of the first suppression that hides ``found``, if any; every suppression
    whose path matches the finding's file is noted in ``matched_files``."""
    hit = None
    for index, suppression in enumerate(suppressions):
        if not matches_path(relative, suppression.path):
            continue
        matched_files.add(index)
        if hit is not None or suppression.code != found.code:
            continue
        if suppression.sid is None or sids.of(found) == suppression.sid:
            hit = index
    return hit


def _unused(
    config: Config,
    options: LintOptions,
    scope: RunScope,
    used: set[int],
    matched_files: set[int],
) -> Iterator[Finding]:
    if not options.enabled(UNUSED_SUPPRESSION) or config.file is None:
        return
    rule = all_rules()[UNUSED_SUPPRESSION]
    severity = options.severity.get(UNUSED_SUPPRESSION)
    existing: list[str] | None = None
    for index, suppression in enumerate(config.suppress):
        if index in used:
            continue
        if existing is None:
            existing = list(scope.existing())
        matching = [f for f in existing if matches_path(f, suppression.path)]
        # A file this run did not look at may still hold what the suppression is for.
        if not scope.everything and not all(scope.covers(f) for f in matching):
            continue
        matched = bool(matching) or index in matched_files
        yield rule.finding(
            _stale_message(suppression, matched),
            config.file,
            pointer=suppression.pointer,
            line=suppression.line,
            column=suppression.column,
            severity=severity,
        )
