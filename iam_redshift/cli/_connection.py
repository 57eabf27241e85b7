"""``iam-redshift connection``: what to enter in the ETL tool for one access role."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._streams import Streams


def register(commands: Any) -> None:
    """Add ``connection`` to the subcommands."""
    connection = commands.add_parser(
        "connection",
        help="print the connection settings of an access role",
        description="Print what to enter in the ETL tool to connect as access role ROLE: the "
        "role ARN to select under IAM-based authentication, the Redshift JDBC IAM URL, and the "
        "advanced connection settings (IAMDisableCache:true when the setup has more than one "
        "access role).",
    )
    connection.add_argument(
        "setup", metavar="SETUP", help="setup file (TOML or JSON), or - for stdin"
    )
    connection.add_argument("role", metavar="ROLE", help="the access role's name")
    connection.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text to read, or json for scripts (default: %(default)s)",
    )
    connection.set_defaults(handler=run_connection)


def run_connection(arguments: argparse.Namespace, streams: Streams) -> int:
    """Print the connection settings of one access role."""
    from iam_redshift.cli._render import read_setup
    from iam_redshift.connection import connection_settings, find_access_role

    setup = read_setup(arguments.setup, streams)
    role = find_access_role(setup, arguments.role)
    if role is None:
        known = ", ".join(r.name for r in setup.access_roles)
        what = (
            f"is the instance role of {arguments.setup}; connection settings are for an access role"
            if arguments.role.casefold() == setup.instance_role.name.casefold()
            else f"no access role of that name in {arguments.setup}"
        )
        raise UsageError(arguments.role, f"{what} (access roles: {known})")
    settings = connection_settings(setup, role)
    if arguments.format == "json":
        streams.stdout.write(json.dumps(settings.to_json(), indent=2) + "\n")
    else:
        streams.stdout.write(settings.text())
    return 0
