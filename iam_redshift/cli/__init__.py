"""The ``iam-redshift`` command line.

:func:`main` takes its streams as arguments so the whole command line is testable in-process.
Exit status: 0 success (or nothing at the failing severity), 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from iam_redshift._version import __version__
from iam_redshift.errors import UsageError

__all__ = ["Streams", "main"]

PROG = "iam-redshift"


@dataclass(frozen=True)
class Streams:
    """Where a command reads and writes."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO


Command = Callable[[argparse.Namespace, Streams], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(self.prog, f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; each sets ``handler`` to the function that runs it."""
    from iam_redshift.cli import _connection, _knowledge, _lint, _render, _rules

    parser = _Parser(
        prog=PROG,
        description="Render and lint the IAM documents of the two-role Amazon Redshift pattern: "
        "an EC2 instance role that assumes Redshift access roles. Offline; nothing touches AWS.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    _render.register(commands)
    _lint.register(commands)
    _rules.register(commands)
    _connection.register(commands)
    _knowledge.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line with ``argv`` and return its exit status (never raises)."""
    streams = Streams(
        stdin=stdin if stdin is not None else sys.stdin.buffer,
        stdout=stdout if stdout is not None else sys.stdout,
        stderr=stderr if stderr is not None else sys.stderr,
    )
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        # argparse prints --help and --version itself; send that to our streams.
        with contextlib.redirect_stdout(streams.stdout), contextlib.redirect_stderr(streams.stderr):
            namespace = build_parser().parse_args(arguments)
        handler: Command | None = getattr(namespace, "handler", None)
        if handler is None:
            build_parser().print_help(streams.stdout)
            return 2
        return handler(namespace, streams)
    except SystemExit as exit_:  # from --help and --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=streams.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=streams.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); stop quietly and keep Python from complaining.
        with contextlib.suppress(Exception):
            sys.stdout = io.StringIO()
        return 1


def main_entry() -> None:
    """The console script: run :func:`main` and exit with its status."""
    sys.exit(main())
