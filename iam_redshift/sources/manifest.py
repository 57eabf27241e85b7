"""A bundle directory's manifest as the file system has it: which document paths it lists, and
which files a render owns (those of a manifest that is byte for byte what a render writes).

Lenient where the linter reads (it reports what else is wrong), strict where a render decides
what it may replace or remove."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path, PurePosixPath

from iam_redshift.layout import MANIFEST_NAME

__all__ = ["listed_paths", "owned_paths", "rendered_manifest_paths", "safe_relative"]


def safe_relative(path: object) -> str | None:
    """``path`` if it is a relative path that stays inside its directory, else None."""
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path:
        return None
    posix = PurePosixPath(path)
    if posix.is_absolute() or ".." in posix.parts:
        return None
    return str(posix)


def listed_paths(manifest: bytes | None) -> tuple[str, ...] | None:
    """The document paths a manifest's bytes list, each one that stays inside the bundle
    directory (normalised), in order; None when the bytes are not a manifest with a
    ``documents`` list. Lenient on purpose: the linter reports what else is wrong with it."""
    try:
        value = json.loads(manifest) if manifest is not None else None
    except (ValueError, RecursionError):
        return None
    documents = value.get("documents") if isinstance(value, dict) else None
    if not isinstance(documents, list):
        return None
    paths = (safe_relative(d.get("path")) for d in documents if isinstance(d, dict))
    return tuple(p for p in paths if p is not None)


#: A manifest larger than this is not one a render wrote (a 5,000-role manifest is ~2 MB).
_MAX_MANIFEST_BYTES = 64 << 20


def rendered_manifest_paths(manifest: bytes) -> tuple[str, ...] | None:
    """The document paths of ``manifest`` if it is exactly what a render writes for the setup
    it holds (byte for byte); None for any other bytes: a hand-made manifest, an edited one,
    a JSON file that only looks like one."""
    from iam_redshift.errors import SetupFileError
    from iam_redshift.render.bundle import dump_document, render_bundle
    from iam_redshift.setup_file import setup_from_mapping

    try:
        value = json.loads(manifest)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    try:
        # No schema: jsonschema takes a second on a 1,000-role manifest, and the comparison
        # below is stricter than any schema.
        bundle = render_bundle(setup_from_mapping(value, schema=None))
    except (SetupFileError, LookupError, TypeError, AttributeError, ValueError):
        return None
    if dump_document(bundle.manifest()).encode("utf-8") != manifest:
        return None
    return tuple(d.path for d in bundle.documents)


def owned_paths(directory: Path) -> frozenset[str]:
    """The files a previous render wrote into ``directory``: its manifest and the documents
    that manifest lists, when the manifest is one a render wrote (see
    :func:`rendered_manifest_paths`).

    Any other manifest owns nothing (not even itself), so that a file we did not write is never
    replaced or removed without ``--force``.
    """
    path = directory / MANIFEST_NAME
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return frozenset()
        with path.open("rb") as stream:
            data = stream.read(_MAX_MANIFEST_BYTES + 1)
    except OSError:
        return frozenset()
    listed = rendered_manifest_paths(data) if len(data) <= _MAX_MANIFEST_BYTES else None
    return frozenset() if listed is None else frozenset({MANIFEST_NAME, *listed})
