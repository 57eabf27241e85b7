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
import datetime
import json
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams

#: AWS's service list (the Service Authorization Reference, "programmatic access").
DEFAULT_URL = "https://servicereference.us-east-1.amazonaws.com/"

_MAX_BYTES = 16 * 1024 * 1024  # one file of the reference; the largest is a few MB
_TIMEOUT = 30


def register(commands: Any) -> None:
    """Add ``knowledge`` (with ``update``) to the subcommands."""
    knowledge = commands.add_parser(
        "knowledge",
        help="show where the action data comes from; 'knowledge update' refreshes it",
        description="Show the action data the IR2xx and IR5xx rules use: its sources, their "
        "versions and the dates of their data, and where the index in use is.",
    )
    knowledge.set_defaults(handler=run_show)
    actions = knowledge.add_subparsers(title="commands", metavar="COMMAND")
    update = actions.add_parser(
        "update",
        help="rebuild the action data from AWS's Service Authorization Reference (JSON)",
        description="Read AWS's machine-readable Service Authorization Reference and write a "
        "new index into the user's cache directory; lint then uses it while it is newer than "
        "the one that comes with iam-redshift.",
    )
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
    update.set_defaults(handler=run_update)


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


class _Reader:
    """Reads the reference's files from a directory (inside it) or over HTTP(S)."""

    def __init__(self, source: str) -> None:
        self.source = source
        parsed = urllib.parse.urlparse(source)
        self.remote = parsed.scheme in ("http", "https")
        if not self.remote:
            self.root = Path(source).resolve()
            if not self.root.is_dir():
                raise UsageError(source, "not a directory nor an http(s) URL")

    def service_list(self) -> Any:
        if self.remote:
            return self._fetch(self.source)
        for name in ("service-list.json", "index.json"):
            if (self.root / name).is_file():
                return self._read(self.root / name)
        raise UsageError(self.source, "no service-list.json in this directory")

    def service(self, url: str) -> Any:
        if self.remote:
            return self._fetch(urllib.parse.urljoin(self.source, url))
        name = urllib.parse.urlparse(url).path
        path = (self.root / name.lstrip("/")).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            path = (self.root / Path(name).name).resolve()  # AWS's URL: the file beside the list
        if not path.is_relative_to(self.root) or not path.is_file():
            raise UsageError(url, f"not a file inside {self.root}")
        return self._read(path)

    def _read(self, path: Path) -> Any:
        with path.open("rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
        return self._decode(data, str(path))

    def _fetch(self, url: str) -> Any:
        if urllib.parse.urlparse(url).scheme not in ("http", "https"):
            raise UsageError(url, "not an http(s) URL")
        from urllib.request import urlopen  # only here: a tenth of a second to import

        try:
            with urlopen(url, timeout=_TIMEOUT) as response:
                data = response.read(_MAX_BYTES + 1)
        except OSError as error:
            raise UsageError(url, f"download failed: {error}") from None
        return self._decode(data, url)

    @staticmethod
    def _decode(data: bytes, where: str) -> Any:
        if len(data) > _MAX_BYTES:
            raise UsageError(where, f"larger than {_MAX_BYTES} bytes")
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise UsageError(where, f"not JSON: {error}") from None


def _entries(listing: Any, where: str) -> list[tuple[str, str]]:
    from iam_redshift.knowledge._compile import PREFIX

    if not isinstance(listing, list) or not listing:
        raise UsageError(where, "the service list is not a non-empty JSON list")
    entries = []
    for item in listing:
        service = item.get("service") if isinstance(item, dict) else None
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(service, str) or not isinstance(url, str):
            raise UsageError(where, f"a service list entry is not {{service, url}}: {item!r:.80}")
        if not PREFIX.fullmatch(service):
            raise UsageError(where, f"{service!r:.80} is not a service prefix")
        entries.append((service, url))
    return sorted(set(entries))


def _current_views() -> tuple[list[Any], dict[str, list[str]]]:
    """The index in use as source views (one per source), to merge the download over."""
    from iam_redshift.knowledge._compile import ServiceView, SourceView
    from iam_redshift.knowledge._index import active

    index = active()
    views: dict[str, SourceView] = {}
    for source_id, facts in index.sources.items():
        views[source_id] = SourceView(
            id=source_id,
            name=str(facts.get("name", source_id)),
            version=str(facts.get("version", "")),
            date=str(facts.get("date", "")),
            license=str(facts.get("license", "")),
            supplies=str(facts.get("supplies", "")),
            services={},
        )
    for prefix, entry in index.prefixes.items():
        service = index.service(prefix)
        if service is None:
            continue
        record = json.loads((index.root / "services" / f"{prefix}.json").read_text("utf-8"))
        view = views[entry["source"]]
        view.services[prefix] = ServiceView(
            name=str(entry.get("name", prefix)),
            actions=dict(record["actions"]),
            resources=dict(record["resources"]),
            conditions=dict(record["conditions"]),
        )
        for name, source_id in record["retired"].items():
            older = views[source_id].services.setdefault(prefix, ServiceView(name="", actions={}))
            older.actions[name] = {"access": "Unknown"}
    return list(views.values()), index.partitions


def run_update(arguments: argparse.Namespace, streams: Streams) -> int:
    """Download (or read) the reference, build the index, write it in one step."""
    from iam_redshift import knowledge
    from iam_redshift.knowledge._compile import (
        SourceView,
        from_service_reference,
        merge,
        render_index,
        write_index,
    )

    reader = _Reader(arguments.source)
    entries = _entries(reader.service_list(), arguments.source)
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    services = {}
    for prefix, url in entries:
        try:
            services[prefix] = from_service_reference(prefix, reader.service(url))
        except ValueError as error:
            raise UsageError(url, f"not a service reference file: {error}") from None
    downloaded = SourceView(
        id="aws-service-reference",
        name="AWS Service Authorization Reference",
        version="v1",
        date=today,
        license="AWS documentation",
        supplies=f"every service's actions, resource types and condition keys ({len(services)})",
        services=services,
    )
    current, partitions = _current_views()
    files = render_index([downloaded, *current], merge([downloaded, *current]), partitions)
    target = Path(arguments.output) if arguments.output else knowledge.cache_dir()
    try:
        write_index(target, files)
    except OSError as error:
        raise UsageError(str(target), f"cannot write the index: {error}") from None
    streams.stdout.write(
        f"Wrote the action data of {today} ({len(services)} services from "
        f"{arguments.source}) to {target}\n"
    )
    return 0
