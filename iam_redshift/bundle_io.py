"""Bundles on disk: writing them safely (the edge where rendering meets the file system)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path, PurePosixPath

from iam_redshift.errors import BundleWriteError
from iam_redshift.render.bundle import GENERATED_BY, MANIFEST_NAME

__all__ = [
    "listed_paths",
    "owned_paths",
    "safe_relative",
    "write_files",
    "write_generated_file",
    "write_text_atomically",
]


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


def owned_paths(directory: Path) -> frozenset[str]:
    """The files a previous render wrote into ``directory``, as its manifest lists them.

    A manifest we cannot read owns nothing (not even itself), so that a file we did not write is
    never replaced without ``--force``.
    """
    try:
        data = (directory / MANIFEST_NAME).read_bytes()
    except OSError:
        return frozenset()
    listed = listed_paths(data)
    return frozenset() if listed is None else frozenset({MANIFEST_NAME, *listed})


def _write_temporary(target: Path, text: str) -> str:
    """Write ``text`` to a new temporary file beside ``target``; return its name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def write_text_atomically(target: Path, text: str) -> None:
    """Write one file through a temporary name and a rename: it is whole or not there."""
    if target.is_dir():
        raise BundleWriteError(str(target), "is a directory")
    try:
        os.replace(_write_temporary(target, text), target)
    except OSError as error:
        raise BundleWriteError(str(target), f"cannot write: {error.strerror or error}") from None


def write_files(files: dict[str, str], directory: str | Path, *, force: bool = False) -> list[str]:
    """Write ``files`` (relative path to text, manifest included) into ``directory``.

    Every file is written to a temporary name beside it; once all are written they are renamed
    into place, the manifest last. Files in ``directory`` that the previous manifest does not
    own are never replaced unless ``force``; files the previous manifest owned and this one does
    not are removed.
    Everything is checked before the first byte is written. Returns the paths written.
    """
    root = Path(directory)
    source = str(directory)
    if root.exists() and not root.is_dir():
        raise BundleWriteError(source, "exists and is not a directory")
    owned = owned_paths(root) if root.is_dir() else frozenset()
    conflicts = []
    for rel in files:
        target = root / rel
        for parent in target.parents:
            if parent == root or root not in parent.parents:
                break
            if parent.exists() and not parent.is_dir():
                raise BundleWriteError(str(parent), "exists and is not a directory")
        if target.is_dir():
            raise BundleWriteError(str(target), "is a directory where a policy file goes")
        if target.exists() and rel not in owned and not force:
            conflicts.append(rel)
    if conflicts:
        raise BundleWriteError(
            source,
            "would overwrite files that no earlier render wrote there: "
            + ", ".join(sorted(conflicts))
            + " (use --force to overwrite them, or choose another directory)",
        )
    ordered = [rel for rel in files if rel != MANIFEST_NAME] + [MANIFEST_NAME]
    # Every file goes to a temporary name first; only when all are written are they renamed into
    # place (the manifest last), so a failure leaves the old bundle as it was.
    temporaries: list[tuple[str, Path]] = []
    try:
        for rel in ordered:
            temporaries.append((_write_temporary(root / rel, files[rel]), root / rel))
        for temporary, target in temporaries:
            os.replace(temporary, target)
    except OSError as error:
        for temporary, _ in temporaries:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise BundleWriteError(source, f"cannot write: {error.strerror or error}") from None
    for stale in sorted(owned - files.keys()):
        with contextlib.suppress(OSError):
            (root / stale).unlink()
            (root / stale).parent.rmdir()  # only succeeds when it is left empty
    return ordered


def _generated_by_us(target: Path) -> bool:
    """Whether ``target`` is a deployable file we rendered: a JSON object whose top-level
    description (CloudFormation's ``Description``, Terraform's ``//``) starts with
    :data:`~iam_redshift.render.bundle.GENERATED_BY`."""
    try:
        value = json.loads(target.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(value, dict) and any(
        isinstance(value.get(key), str) and value[key].startswith(GENERATED_BY)
        for key in ("Description", "//")
    )


def write_generated_file(
    text: str, directory: str | Path, name: str, *, force: bool = False
) -> str:
    """Write one rendered file, ``directory/name``, atomically; return its path.

    A file already there is replaced only if we rendered it (or with ``force``).
    """
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise BundleWriteError(str(directory), "exists and is not a directory")
    target = root / name
    if target.is_file() and not force and not _generated_by_us(target):
        raise BundleWriteError(
            str(target),
            "exists and iam-redshift did not write it (use --force to overwrite it, or choose "
            "another directory)",
        )
    write_text_atomically(target, text)
    return str(target)
