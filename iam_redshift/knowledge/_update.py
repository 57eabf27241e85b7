"""``iam-redshift knowledge update``: a new index from AWS's machine-readable Service Authorization
Reference (a service list, ``[{"service": "s3", "url": ".../s3/s3.json"}, ...]``, and one JSON file
per service), read from a URL (AWS's, by default) or a directory holding ``service-list.json`` (or
``index.json``) and the service files. It is built over the index in use (services AWS no longer
lists keep their data; actions it no longer lists become retired) and written in one step: a
partial or malformed download is a :class:`KnowledgeError` that leaves the previous index.
"""

from __future__ import annotations

import datetime
import json
import urllib.parse
from pathlib import Path
from typing import Any

from iam_redshift._record import record
from iam_redshift.errors import KnowledgeError
from iam_redshift.knowledge._base import sources
from iam_redshift.knowledge._index import DEFAULT_URL, active, cache_dir

__all__ = ["DEFAULT_URL", "Update", "update_index"]


_MAX_BYTES = 16 * 1024 * 1024  # one file of the reference; the largest is a few MB
_TIMEOUT = 30


@record
class Update:
    """What :func:`update_index` wrote: where, how many services, and the date of the data."""

    target: Path
    services: int
    date: str


class _Reader:
    """Reads the reference's files from a directory (inside it) or over HTTP(S)."""

    def __init__(self, source: str) -> None:
        self.source = source
        parsed = urllib.parse.urlparse(source)
        self.remote = parsed.scheme in ("http", "https")
        if not self.remote:
            self.root = Path(source).resolve()
            if not self.root.is_dir():
                raise KnowledgeError(source, "not a directory nor an http(s) URL")

    def service_list(self) -> Any:
        if self.remote:
            return self._fetch(self.source)
        for name in ("service-list.json", "index.json"):
            if (self.root / name).is_file():
                return self._read(self.root / name)
        raise KnowledgeError(self.source, "no service-list.json in this directory")

    def service(self, url: str) -> Any:
        if self.remote:
            return self._fetch(urllib.parse.urljoin(self.source, url))
        name = urllib.parse.urlparse(url).path
        path = (self.root / name.lstrip("/")).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            path = (self.root / Path(name).name).resolve()  # AWS's URL: the file beside the list
        if not path.is_relative_to(self.root) or not path.is_file():
            raise KnowledgeError(url, f"not a file inside {self.root}")
        return self._read(path)

    def _read(self, path: Path) -> Any:
        with path.open("rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
        return self._decode(data, str(path))

    def _fetch(self, url: str) -> Any:
        if urllib.parse.urlparse(url).scheme not in ("http", "https"):
            raise KnowledgeError(url, "not an http(s) URL")
        from urllib.request import urlopen  # only here: a tenth of a second to import

        try:
            with urlopen(url, timeout=_TIMEOUT) as response:
                data = response.read(_MAX_BYTES + 1)
        except OSError as error:
            raise KnowledgeError(url, f"download failed: {error}") from None
        return self._decode(data, url)

    @staticmethod
    def _decode(data: bytes, where: str) -> Any:
        if len(data) > _MAX_BYTES:
            raise KnowledgeError(where, f"larger than {_MAX_BYTES} bytes")
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise KnowledgeError(where, f"not JSON: {error}") from None


def _entries(listing: Any, where: str) -> list[tuple[str, str]]:
    from iam_redshift.knowledge._compile import PREFIX

    if not isinstance(listing, list) or not listing:
        raise KnowledgeError(where, "the service list is not a non-empty JSON list")
    entries = []
    for item in listing:
        service = item.get("service") if isinstance(item, dict) else None
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(service, str) or not isinstance(url, str):
            raise KnowledgeError(
                where, f"a service list entry is not {{service, url}}: {item!r:.80}"
            )
        if not PREFIX.fullmatch(service):
            raise KnowledgeError(where, f"{service!r:.80} is not a service prefix")
        entries.append((service, url))
    return sorted(set(entries))


def _current_views() -> tuple[list[Any], dict[str, list[str]]]:
    """The index in use as source views (one per source), to merge the download over."""
    from iam_redshift.knowledge._compile import ServiceView, SourceView, unpack_service

    index = active()
    views: dict[str, SourceView] = {
        s.id: SourceView(s.id, s.name, s.version, s.date, s.license, s.supplies, services={})
        for s in sources()
    }
    for prefix, entry in index.prefixes.items():
        service = index.service(prefix)
        if service is None:
            continue
        tables = ("actions", "resources", "conditions", "retired")
        stored = {"prefix": prefix, "name": service.name, "source": service.source}
        record = unpack_service(stored | {table: getattr(service, table) for table in tables})
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


def update_index(source: str, output: Path | None = None) -> Update:
    """Read the reference at ``source`` (a URL or a directory), build an index over the one in
    use, and write it into ``output`` (default: the user's cache directory) in one step."""
    from iam_redshift.knowledge._compile import (
        SourceView,
        from_service_reference,
        merge,
        render_index,
        write_index,
    )

    reader = _Reader(source)
    entries = _entries(reader.service_list(), source)
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    services = {}
    for prefix, url in entries:
        try:
            services[prefix] = from_service_reference(prefix, reader.service(url))
        except ValueError as error:
            raise KnowledgeError(url, f"not a service reference file: {error}") from None
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
    target = output if output is not None else cache_dir()
    try:
        write_index(target, files)
    except OSError as error:
        raise KnowledgeError(str(target), f"cannot write the index: {error}") from None
    return Update(target, len(services), today)
