"""Bundles on disk: writing them safely (the edge where rendering meets the file system).

Reading a bundle directory's manifest (which files it lists, which a render owns) is
:mod:`iam_redshift.sources.manifest`'s; its names are kept here for callers of this module."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

from iam_redshift.errors import BundleWriteError
from iam_redshift.render.bundle import GENERATED_BY
from iam_redshift.sources.manifest import (
    listed_paths,
    owned_paths,
    rendered_manifest_paths,
    safe_relative,
)

__all__ = [
    "listed_paths",
    "owned_paths",
    "rendered_manifest_paths",
    "safe_relative",
    "write_files",
    "write_generated_file",
    "write_text_atomically",
]


def _write_temporary(target: Path, text: str) -> str:
    """Write ``text`` to a new temporary file beside ``target``; return its name. The file is
    created with mode 0666 less the umask, as any program's new file (not mkstemp's 0600)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}"
        try:
            handle = os.open(
                temporary,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                0o666,
            )
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - 100 collisions of 32 random bits
        raise FileExistsError(str(target))
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return str(temporary)


def write_text_atomically(target: Path, text: str) -> None:
    """Write one file through a temporary name and a rename: it is whole or not there."""
    if target.is_dir():
        raise BundleWriteError(str(target), "is a directory")
    try:
        os.replace(_write_temporary(target, text), target)
    except OSError as error:
        raise BundleWriteError(str(target), f"cannot write: {error.strerror or error}") from None


def write_files(files: dict[str, str], directory: str | Path, *, force: bool = False) -> list[str]:
    """Write ``files`` (relative path to text, manifest included) into ``directory`` as one
    transaction: afterwards, even if the process is killed, ``directory`` holds the old bundle
    or the new one, whole (a killed render's journal is finished by the next render); see
    :mod:`iam_redshift.render.writer`.

    Files in ``directory`` that no earlier render wrote are never replaced unless ``force``;
    the documents of roles the earlier render had and this one does not are removed. Nothing is
    written through a symbolic link. Everything is checked before the first byte is written.
    A concurrent render into the same directory fails with :class:`BundleWriteError`. Returns
    the paths written, the manifest last.
    """
    from iam_redshift.render.writer import write_bundle_files

    return write_bundle_files(files, directory, force=force)


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
