"""Errors a user can fix: each names the file (or argument) and what is wrong with it."""

from __future__ import annotations

__all__ = ["BundleWriteError", "SetupFileError", "UsageError"]


class UsageError(Exception):
    """Input the command cannot work with; the command line exits with status 2.

    ``source`` is the file or argument at fault, ``detail`` what is wrong with it.
    """

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        self.detail = detail
        super().__init__(f"{source}: {detail}")


class SetupFileError(UsageError):
    """A setup (or manifest) file that cannot be used."""


class BundleWriteError(UsageError):
    """A bundle that cannot be written where it was asked to go."""
