"""``iam-redshift knowledge`` (where the action data comes from) and ``knowledge update``.

``knowledge update`` reads AWS's machine-readable Service Authorization Reference: a service
list (``[{"service": "s3", "url": ".../s3/s3.json"}, ...]``) and one JSON file per service, from
a URL (AWS's, by default) or a directory holding ``service-list.json`` (or ``index.json``) and
the service files. It builds a new index from them over the one in use (services AWS no longer
lists keep their data; actions it no longer lists become retired), and writes it into the
user's cache directory in one step: a partial or malformed download is an error (exit 2) that
leaves the previous index in place.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.cli._base import add_command
from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams


#: ``knowledge`` in the command list (the first line) and its ``--help``.
KNOWLEDGE_HELP = """
show where the action data comes from; 'knowledge update' refreshes it

Show the action data the IR2xx and IR5xx rules use: its sources, their versions and the dates of
their data, and where the index in use is.
"""

#: ``update`` in the command list (the first line) and its ``--help``.
UPDATE_HELP = """
rebuild the action data from AWS's Service Authorization Reference (JSON)

Read AWS's machine-readable Service Authorization Reference and write a new index into the user's
cache directory; lint then uses it while it is newer than the one that comes with iam-redshift.
"""


def register(commands: Any) -> None:
    """Add ``knowledge`` (with ``update``) to the subcommands."""
    from iam_redshift.knowledge._index import DEFAULT_URL

    knowledge = add_command(commands, "knowledge", run_show, KNOWLEDGE_HELP)
    actions = knowledge.add_subparsers(title="commands", metavar="COMMAND")
    update = add_command(actions, "update", run_update, UPDATE_HELP)
    update.add_argument(
        "--from",
        dest="source",
        metavar="DIR|URL",
        default=DEFAULT_URL,
        help="a directory holding service-list.json and the service files, or the URL of the "
        "service list (default: %(default)s)",
    )
    update.add_argument(
        "--output",
        metavar="DIR",
        default=None,
        help="write the index here instead of the user's cache directory",
    )


def run_show(arguments: argparse.Namespace, streams: Streams) -> int:
    """Print the sources of the index in use, with versions and dates."""
    from iam_redshift import knowledge

    del arguments  # the command takes none

    error = knowledge.knowledge_error()
    if error is not None:
        raise UsageError("knowledge", error)
    out = streams.stdout
    out.write(f"Action data of {knowledge.data_date()}, from {knowledge.index_path()}\n")
    for source in knowledge.sources():
        out.write(f"  {source.name} {source.version} ({source.date}, {source.license}): ")
        out.write(f"{source.supplies}\n")
    out.write(f"{len(knowledge.service_prefixes())} services. Cache: {knowledge.cache_dir()}\n")
    return 0


def run_update(arguments: argparse.Namespace, streams: Streams) -> int:
    """Download (or read) the reference, build the index, write it in one step."""
    from iam_redshift.knowledge._update import update_index

    output = Path(arguments.output) if arguments.output else None
    done = update_index(arguments.source, output)
    streams.stdout.write(
        f"Wrote the action data of {done.date} ({done.services} services from "
        f"{arguments.source}) to {done.target}\n"
    )
    return 0
