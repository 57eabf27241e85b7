"""``iam-redshift graph``: who can reach Redshift credentials in an account, from its
``aws iam get-account-authorization-details`` dumps."""

from __future__ import annotations

import argparse
import os
import time
from typing import TYPE_CHECKING, Any

from iam_redshift.cli._base import add_command
from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams

#: Runs with at least this many principals report progress on stderr.
PROGRESS_FROM = 2000


#: ``graph`` in the command list (the first line) and its ``--help``.
GRAPH_HELP = """
who can reach Redshift credentials, from authorization-details dumps

Read the output of 'aws iam get-account-authorization-details' (one or more pages, one or more
accounts: files are joined by account id) and answer who can end up holding Redshift credentials
(redshift:GetClusterCredentials, GetClusterCredentialsWithIAM, redshift-serverless:GetCredentials),
through which shortest chain of sts:AssumeRole. Every edge is decided by the offline policy
evaluator: explicit Deny, NotPrincipal, NotAction and permissions boundaries count, and a Condition
keeps the edge as 'conditional' with its keys. Also checks every instance-role/access-role pair like
a bundle (IR301, IR305, IR306) and reports managed policies the dumps attach but do not hold
(IR110). Exit status: 0 no finding, 1 findings, 2 usage error or a file that is not a dump.
"""


def register(commands: Any) -> None:
    """Add ``graph`` to the subcommands."""
    from iam_redshift.formats import GRAPH_FORMAT_NAMES

    graph = add_command(commands, "graph", run_graph, GRAPH_HELP)
    graph.add_argument("dumps", metavar="DUMP", nargs="+", help="a dump file (JSON)")
    graph.add_argument(
        "--to",
        metavar="ACTION|ARN",
        help="what to reach instead of the Redshift credential actions: an action "
        "(s3:GetObject), a role ARN (who can assume it), or a resource ARN (who holds the "
        "credential actions on that cluster, workgroup or database user)",
    )
    graph.add_argument(
        "--from",
        dest="start",
        metavar="PRINCIPAL",
        help="only the chain from this principal (an ARN, a user or role name, or a service "
        "principal such as ec2.amazonaws.com)",
    )
    graph.add_argument(
        "--format",
        choices=GRAPH_FORMAT_NAMES,
        default="text",
        help="output format (default: %(default)s); html is a self-contained report",
    )


def _read(path: str) -> Any:
    from iam_redshift.sources.account_dump import MAX_DUMP_BYTES, read_dump
    from iam_redshift.sources.files import ReadProblem, read_limited
    from iam_redshift.sources.json_text import Unreadable

    data = read_limited(path, limit=MAX_DUMP_BYTES)
    if isinstance(data, ReadProblem):
        raise UsageError("graph", f"cannot read {path}: {data.reason}")
    dump = read_dump(data, path)
    if isinstance(dump, Unreadable):
        where = f"{path}:{dump.line}:{dump.column}" if dump.line > 1 or dump.column > 1 else path
        raise UsageError("graph", f"{where} is not an authorization-details dump: {dump.reason}")
    return dump


def run_graph(arguments: argparse.Namespace, streams: Streams) -> int:
    """Run ``iam-redshift graph``."""
    from iam_redshift.formats.graph import GRAPH_FORMATS
    from iam_redshift.graph import analyse

    dumps = [_read(path) for path in arguments.dumps]
    size = sum(len(d.roles) + len(d.users) for d in dumps)
    started = time.monotonic()

    def progress(what: str, done: int, total: int) -> None:
        if size >= PROGRESS_FROM:
            elapsed = time.monotonic() - started
            print(f"graph: {what} {done}/{total} ({elapsed:.0f} s)", file=streams.stderr)

    analysis = analyse(dumps, to=arguments.to, start=arguments.start, progress=progress)
    if arguments.start is not None and not any(
        arguments.start in (node.id, node.name) or arguments.start.lower() == node.id.lower()
        for node in analysis.graph.nodes.values()
    ):
        raise UsageError("graph", f"--from {arguments.start}: no such principal in the dumps")
    writer = GRAPH_FORMATS[arguments.format]
    streams.stdout.write(writer(analysis, os.getcwd()))
    return 1 if analysis.findings else 0
