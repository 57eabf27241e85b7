"""What every command shares: where it reads and writes, its handler's shape, and the parser
that turns a bad command line into a usage error (exit status 2)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from iam_redshift.errors import UsageError

__all__ = ["Command", "Parser", "Streams", "add_text_or_json"]


@dataclass(frozen=True)
class Streams:
    """Where a command reads and writes."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`~iam_redshift.errors.UsageError` (the
    command line prints them and exits 2) instead of argparse's own exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(self.prog, f"{message} (see '{self.prog} --help')")


#: A subcommand's handler: the parsed arguments and the streams in, the exit status out.
Command = Callable[[argparse.Namespace, Streams], int]


def add_text_or_json(parser: argparse.ArgumentParser, readers: str = "scripts") -> None:
    """``--format text|json``: text to read, or JSON for ``readers`` (default text)."""
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=f"text to read, or json for {readers} (default: %(default)s)",
    )
