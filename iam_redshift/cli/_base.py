"""What every command shares: where it reads and writes, its handler's shape, and the parser
that turns a bad command line into a usage error (exit status 2)."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO

from iam_redshift._record import record
from iam_redshift.errors import UsageError
from iam_redshift.formats import safe_text

__all__ = ["Command", "Parser", "SafeWriter", "Streams", "add_command", "add_text_or_json"]


class SafeWriter(io.TextIOBase):
    """A text stream that writes to another one whatever it is given: lone surrogates (from a
    policy or a file name) become escapes, and characters the stream's encoding lacks (an ASCII
    locale) become backslash escapes, instead of a ``UnicodeEncodeError`` mid-output."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        """Write ``text``, escaped where the stream cannot encode it."""
        text = safe_text(text)
        try:
            self.stream.write(text)
        except UnicodeEncodeError:
            # TextIOWrapper encodes the whole text before buffering any of it: nothing of the
            # failed write went out, so writing it again escaped duplicates nothing.
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        """Flush the stream below (unless it is closed: this wrapper is flushed once more
        when it is collected, maybe after its caller closed the stream)."""
        if not getattr(self.stream, "closed", False):
            self.stream.flush()

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True


@record
class Streams:
    """Where a command reads and writes."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, told the terminal's width as :func:`shutil.get_terminal_size`
    would tell it (``COLUMNS``, else the terminal, else 80). argparse makes one for every
    argument it adds and imports :mod:`shutil` to ask; that import (with its compression
    modules) is a measurable part of a cold lint that prints no help at all."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`~iam_redshift.errors.UsageError` (the
    command line prints them and exits 2) instead of argparse's own exit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

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


def add_command(commands: Any, name: str, handler: Command, text: str) -> argparse.ArgumentParser:
    """Add subcommand ``name`` to ``commands`` (a subparsers action), run by ``handler``.

    ``text`` is the command's help as one block: its first line is the command's entry in the
    parent's command list, the rest the prose of its own ``--help`` (argparse folds white space,
    so it is written as wrapped text, not as string fragments).
    """
    summary, _, description = text.strip().partition("\n\n")
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description
    )
    parser.set_defaults(handler=handler)
    return parser
