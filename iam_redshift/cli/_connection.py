"""``iam-redshift connection``: what to enter in the ETL tool for one access role, and
``iam-redshift connection check``: whether that connection will be authorised."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.cli._base import Parser, add_command, add_text_or_json
from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams
    from iam_redshift.evaluation.connection_check import DriverSettings
    from iam_redshift.render import Bundle

#: A policy document or manifest larger than this is refused before it is parsed.
MAX_DOCUMENT_BYTES = 1 << 20


class _ConnectionParser(Parser):
    """``connection SETUP ROLE``, or ``connection check ...`` handed to its own parser."""

    check_parser: argparse.ArgumentParser | None = None

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if args and args[0] == "check" and self.check_parser is not None:
            return self.check_parser.parse_known_args(args[1:], namespace)
        return super().parse_known_args(args, namespace)


def _flag(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    return lowered == "true"


#: ``connection`` in the command list (the first line) and its ``--help``.
CONNECTION_HELP = """
print the connection settings of an access role, or check them

Print what to enter in the ETL tool to connect as access role ROLE: the role ARN to select under
IAM-based authentication, the Redshift JDBC IAM URL, and the advanced connection settings
(IAMDisableCache:true when the setup has more than one access role). 'iam-redshift connection check
BUNDLE --role ROLE' then checks that the connection will be authorised (see 'iam-redshift connection
check --help').
"""


def register(commands: Any) -> None:
    """Add ``connection`` (and ``connection check``) to the subcommands."""
    # Any: its class is swapped for _ConnectionParser below.
    connection: Any = add_command(commands, "connection", run_connection, CONNECTION_HELP)
    connection.__class__ = _ConnectionParser
    connection.add_argument(
        "setup", metavar="SETUP", help="setup file (TOML or JSON), or - for stdin"
    )
    connection.add_argument("role", metavar="ROLE", help="the access role's name")
    add_text_or_json(connection)

    check = Parser(
        prog=f"{connection.prog} check",
        description="Check offline whether connecting as ROLE will be authorised: derive the "
        "AWS calls the Amazon Redshift JDBC driver makes (sts:AssumeRole from the instance "
        "role, redshift:DescribeClusters when connecting by cluster identifier, "
        "GetClusterCredentials and its companions, or GetClusterCredentialsWithIAM, or "
        "redshift-serverless:GetCredentials) and evaluate each against the bundle's "
        "documents. Without --jdbc-url the settings are those 'iam-redshift connection' "
        "prints. Exit status 0 when every call is allowed, 1 otherwise, 2 for a usage error.",
    )
    check.add_argument(
        "bundle",
        metavar="BUNDLE",
        help="a directory rendered by 'iam-redshift render -o' (with its iam-redshift.json "
        "manifest), the JSON 'iam-redshift render' prints, or a setup file",
    )
    check.add_argument("--role", required=True, metavar="NAME", help="the role the tool uses")
    check.add_argument(
        "--jdbc-url",
        metavar="URL",
        help="the URL the ETL tool uses: jdbc:redshift:iam://<cluster>:<region>/<db>?DbUser=... "
        "or jdbc:redshift:iam://<endpoint>:<port>/<db>?...",
    )
    driver = check.add_argument_group("driver settings (override the URL's)")
    driver.add_argument("--db-user", metavar="NAME", help="DbUser")
    driver.add_argument("--db-groups", metavar="G1,G2", help="DbGroups, comma-separated")
    driver.add_argument("--auto-create", type=_flag, metavar="true|false", help="AutoCreate")
    driver.add_argument("--db-name", metavar="NAME", help="the database (the URL's path)")
    driver.add_argument("--cluster-id", metavar="ID", help="ClusterID")
    driver.add_argument("--region", metavar="REGION", help="Region")
    driver.add_argument(
        "--host", metavar="HOST", help="an endpoint host: no redshift:DescribeClusters call"
    )
    driver.add_argument("--workgroup", metavar="NAME", help="a serverless workgroup's name (or id)")
    driver.add_argument("--account", metavar="ID", help="the account of the cluster or workgroup")
    driver.add_argument(
        "--group-federation", type=_flag, metavar="true|false", help="groupFederation"
    )
    driver.add_argument("--iam-duration", type=int, metavar="SECONDS", help="IAMDuration")
    driver.add_argument(
        "--iam-disable-cache", type=_flag, metavar="true|false", help="IAMDisableCache"
    )
    add_text_or_json(check, "tools")
    check.set_defaults(handler=run_connection_check)
    connection.check_parser = check


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


def _read_limited(path: Path, what: str) -> bytes:
    from iam_redshift.setup_file import read_document_bytes

    if not path.is_file():
        raise UsageError(str(path), f"is not a regular file; expected {what}")
    return read_document_bytes(path, limit=MAX_DOCUMENT_BYTES, what=what)


def _json_object(data: bytes, source: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise UsageError(source, "not readable JSON (run 'iam-redshift lint' to see why)") from None
    if not isinstance(value, dict):
        raise UsageError(source, "not a JSON object (run 'iam-redshift lint' to see why)")
    return value


def _bundle_of(manifest: dict[str, Any], documents: dict[str, Any], source: str) -> Bundle:
    """A bundle from a manifest and its documents (relative path to decoded JSON)."""
    from iam_redshift.render import Bundle, BundleDocument
    from iam_redshift.setup_file import setup_from_mapping

    setup = setup_from_mapping(manifest, source=source, schema="manifest.schema.json")
    entries = []
    for entry in manifest["documents"]:
        path = entry["path"]
        document = documents.get(path)
        if not isinstance(document, dict):
            raise UsageError(source, f"the listed document {path} is missing or not a JSON object")
        entries.append(
            BundleDocument(
                path, entry["role"], entry["role_arn"], entry["role_kind"], entry["kind"], document
            )
        )
    return Bundle(setup, tuple(entries))


def read_bundle(argument: str) -> Bundle:
    """The bundle named on the command line: a rendered directory, the JSON ``render`` prints,
    or a setup file (rendered in memory). Reads stay inside the directory."""
    from iam_redshift.render import MANIFEST_NAME, render_bundle
    from iam_redshift.setup_file import parse_setup
    from iam_redshift.sources.manifest import safe_relative

    path = Path(argument)
    if path.is_dir():
        root = path.resolve()
        manifest_path = path / MANIFEST_NAME
        manifest = _json_object(_read_limited(manifest_path, "manifest"), str(manifest_path))
        listed = manifest.get("documents")
        documents: dict[str, Any] = {}
        for entry in listed if isinstance(listed, list) else []:
            rel = safe_relative(entry.get("path")) if isinstance(entry, dict) else None
            if rel is None:
                continue  # the manifest's schema check names it
            target = (path / rel).resolve()
            if root not in target.parents:
                raise UsageError(str(path / rel), "is outside the bundle directory")
            documents[entry["path"]] = _json_object(
                _read_limited(target, "policy document"), str(path / rel)
            )
        return _bundle_of(manifest, documents, str(manifest_path))
    data = _read_limited(path, "bundle or setup file")
    stripped = data.lstrip()
    if stripped.startswith(b"{"):
        value = _json_object(data, argument)
        if MANIFEST_NAME in value and isinstance(value[MANIFEST_NAME], dict):
            return _bundle_of(value[MANIFEST_NAME], value, argument)
    return render_bundle(parse_setup(data, source=argument))


def _settings(arguments: argparse.Namespace, bundle: Bundle) -> DriverSettings:
    from dataclasses import replace

    from iam_redshift.evaluation.connection_check import driver_settings_for, parse_jdbc_url

    if arguments.jdbc_url is not None:
        settings = parse_jdbc_url(arguments.jdbc_url)
    else:
        settings = driver_settings_for(bundle.setup, arguments.role)
    given: dict[str, Any] = {
        "db_user": arguments.db_user,
        "db_groups": (
            tuple(g for g in arguments.db_groups.split(",") if g)
            if arguments.db_groups is not None
            else None
        ),
        "auto_create": arguments.auto_create,
        "db_name": arguments.db_name,
        "cluster_id": arguments.cluster_id,
        "region": arguments.region,
        "host": arguments.host,
        "workgroup": arguments.workgroup,
        "account_id": arguments.account,
        "group_federation": arguments.group_federation,
        "duration_seconds": arguments.iam_duration,
        "iam_disable_cache": arguments.iam_disable_cache,
    }
    return replace(settings, **{k: v for k, v in given.items() if v is not None})


def run_connection_check(arguments: argparse.Namespace, streams: Streams) -> int:
    """Check that a connection as one role will be authorised; 0 when every call is."""
    from iam_redshift.evaluation.connection_check import ConnectionCheckError, check_connection

    bundle = read_bundle(arguments.bundle)
    try:
        if arguments.jdbc_url is None and arguments.role.casefold() == (
            bundle.setup.instance_role.name.casefold()
        ):
            raise ConnectionCheckError(
                f"{arguments.role} is the instance role: give the driver's settings with --jdbc-url"
            )
        result = check_connection(bundle, arguments.role, _settings(arguments, bundle))
    except ConnectionCheckError as error:
        raise UsageError(arguments.bundle, str(error)) from None
    if arguments.format == "json":
        streams.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        streams.stdout.write(result.text())
    return 0 if result.allowed else 1
