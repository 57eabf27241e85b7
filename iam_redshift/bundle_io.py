"""Bundles on disk: writing them safely (the edge where rendering meets the file system)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from pathlib import Path, PurePosixPath

from iam_redshift.errors import BundleWriteError
from iam_redshift.render.bundle import GENERATED_BY, MANIFEST_NAME

__all__ = [
    "listed_paths",
    "owned_paths",
    "rendered_manifest_paths",
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
