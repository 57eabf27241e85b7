"""Errors a user can fix: each names the file (or argument) and what is wrong with it."""

from __future__ import annotations

__all__ = [
    "BundleWriteError",
    "ConfigError",
    "IamRedshiftError",
    "InputError",
    "KnowledgeError",
    "SetupFileError",
    "UsageError",
]


class IamRedshiftError(Exception):
    """The base of every error the library raises about its input; the command line exits with
    status 2 on any of them.

    ``source`` is the file or argument at fault, ``detail`` what is wrong with it.
    """

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        self.detail = detail
        super().__init__(f"{source}: {detail}")


class SetupFileError(IamRedshiftError):
    """A setup (or manifest) file that cannot be used."""


class BundleWriteError(IamRedshiftError):
    """A bundle that cannot be written where it was asked to go."""


class ConfigError(IamRedshiftError):
    """A lint configuration file that cannot be used: names the file, the key and the problem."""


class InputError(IamRedshiftError):
    """A path given to lint that names nothing, or a glob that matches nothing."""


class KnowledgeError(IamRedshiftError):
    """An action-knowledge index that cannot be used (missing, malformed, or of another format)."""


class UsageError(IamRedshiftError):
    """A command line that cannot be run as written (a bad option or argument)."""
