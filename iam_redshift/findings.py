"""The finding model: one frozen record per problem, spoken by the linter and every output."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from iam_redshift._record import record

__all__ = ["Finding", "Location", "Severity"]


class Severity(str, Enum):
    """How bad a finding is, graded as IAM Access Analyzer grades its policy checks."""

    ERROR = "error"
    SECURITY_WARNING = "security-warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        """3 for errors down to 0 for suggestions: compare severities with it."""
        return _RANKS[self]

    def __str__(self) -> str:
        return self.value


_RANKS = {
    Severity.ERROR: 3,
    Severity.SECURITY_WARNING: 2,
    Severity.WARNING: 1,
    Severity.SUGGESTION: 0,
}


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: a JSON pointer (RFC 6901) and the line and column (both from 1) of the
    element it points at in the file's text. ``message`` says what is there, for related
    locations of cross-document findings."""

    file: str
    line: int
    column: int
    pointer: str = ""
    message: str = ""


@record
class Finding:
    """One problem in one place.

    ``message`` says what is wrong, where, and what to do instead. ``related`` holds the other
    places a cross-document finding involves (for example the instance policy statement that
    disagrees with a trust policy).
    """

    code: str
    severity: Severity
    message: str
    file: str
    pointer: str
    line: int
    column: int
    related: tuple[Location, ...] = ()

    @property
    def location(self) -> Location:
        """Where this finding is, as a :class:`Location`."""
        return Location(self.file, self.line, self.column, self.pointer)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """Findings sort by file, line, column, code (then pointer and message, for stability)."""
        return (self.file, self.line, self.column, self.code, self.pointer, self.message)
