"""The ``iam-redshift`` command line.

:func:`main` takes its streams as arguments so the whole command line is testable in-process.
Exit status: 0 success (or nothing at the failing severity), 1 findings, 2 usage or input error,
141 when the reader of standard output went away before the end.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import signal
import sys
from collections.abc import Sequence
from typing import BinaryIO, TextIO, cast

from iam_redshift._version import __version__
from iam_redshift.cli._base import Command, Parser, SafeWriter, Streams
from iam_redshift.errors import IamRedshiftError

__all__ = ["Streams", "main"]

PROG = "iam-redshift"
#: The exit status when the reader of standard output went away (``iam-redshift lint . | head``):
#: 128 + SIGPIPE, what a shell reports for a tool that SIGPIPE stopped, as the console script
#: is. Neither 0 nor 1, since the output was cut short: it says neither "no findings" nor
#: "findings", and a pipeline under ``set -o pipefail`` fails as it would with grep or cat.
EXIT_BROKEN_PIPE = 141


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; each sets ``handler`` to the function that runs it."""
    from iam_redshift.cli import _connection, _graph, _knowledge, _lint, _render, _rules

    parser = Parser(
        prog=PROG,
        description="Render and lint the IAM documents of the two-role Amazon Redshift pattern: "
        "an EC2 instance role that assumes Redshift access roles. Offline; nothing touches AWS.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    _render.register(commands)
    _lint.register(commands)
    _rules.register(commands)
    _connection.register(commands)
    _graph.register(commands)
    _knowledge.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line with ``argv`` and return its exit status (never raises).

    Whatever is written is escaped where the streams cannot encode it (see
    :class:`~iam_redshift.cli._base.SafeWriter`): hostile text never crashes the output."""
    streams = Streams(
        stdin=stdin if stdin is not None else sys.stdin.buffer,
        stdout=cast(TextIO, SafeWriter(stdout if stdout is not None else sys.stdout)),
        stderr=cast(TextIO, SafeWriter(stderr if stderr is not None else sys.stderr)),
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
    except IamRedshiftError as error:
        print(f"{PROG}: error: {error}", file=streams.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=streams.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly.
        return EXIT_BROKEN_PIPE


def main_entry() -> None:
    """The console script: run :func:`main` and exit with its status."""
    # The process is ours: collect young objects less often, as mypy does. A lint allocates
    # many short-lived containers while its caches and the action data only grow, so the
    # default thresholds re-scan those again and again (about 7% of linting the 1,645 AWS
    # managed policies). The library's callers keep their own settings.
    gc.set_threshold(50_000, 20, 100)
    if hasattr(signal, "SIGPIPE"):
        # Like other Unix tools when the reader of the output goes away (``| head``): the next
        # write ends the process by SIGPIPE, quietly, and the shell reports status 141. Python
        # ignores SIGPIPE instead, and then its buffered stdout can drop the rest of a large
        # write without raising, so the status would claim a complete run. (Python ignores it
        # for sockets' sake; the command line opens none.)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for stream in (sys.stdout, sys.stderr):
        # An ASCII locale (LANG=C in a container) must not turn a non-ASCII name into a
        # traceback: what the encoding lacks is written as a backslash escape.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    sys.exit(main())
