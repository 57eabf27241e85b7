"""Reading one file safely: a regular file only, never past a size limit, never outside a root.

A FIFO or a device would block or never end, a symbolic link can lead out of the directory the
user named, and a file can be unreadable: each is a :class:`ReadProblem` that says so, never an
exception and never stand-in bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from iam_redshift._read import NotARegularFile, read_regular
from iam_redshift._record import record
from iam_redshift.sources.json_text import MAX_DOCUMENT_BYTES

__all__ = ["MAX_DUMP_BYTES", "ReadProblem", "inside", "read_limited"]


#: An account-authorization-details dump is read up to this size (a large account's is
#: hundreds of MB); a policy document up to MAX_DOCUMENT_BYTES.
MAX_DUMP_BYTES = 1 << 30


@record
class ReadProblem:
    """Why a file's bytes could not be read (the linter reports it as IR100). ``error`` is the
    system's error when there was one, ``file_type`` what the path is when it is not a regular
    file (``a directory``, ``a FIFO (named pipe)``...), for callers that word it their own way."""

    reason: str
    error: OSError | None = None
    file_type: str | None = None


def inside(path: str | Path, root: str | Path) -> bool:
    """Whether ``path``, with every symbolic link resolved, lies in ``root`` (also resolved)."""
    try:
        resolved = Path(path).resolve()
        base = Path(root).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a bad name
        return False
    return resolved == base or base in resolved.parents


def read_limited(
    path: str | Path, *, limit: int = MAX_DOCUMENT_BYTES, root: str | Path | None = None
) -> bytes | ReadProblem:
    """The bytes of the regular file ``path``: at most ``limit`` + 1 (so that a caller can tell
    an oversized file), or why not. With ``root``, a file whose real location is outside it
    (through a symbolic link) is refused."""
    if root is not None and not inside(path, root):
        return ReadProblem(f"it leads outside {os.fspath(root)} (through a symbolic link)")
    try:
        return read_regular(path, limit)
    except NotARegularFile as error:
        kind = _file_type(error.mode)
        return ReadProblem(f"it is {kind}, not a regular file", file_type=kind)
    except OSError as error:
        return ReadProblem(_reason(error), error)
    except ValueError:  # a NUL byte or a lone surrogate: no file can have that name
        return ReadProblem("no file can have this name (it holds a NUL or a lone surrogate)")


def _reason(error: OSError) -> str:
    return f"cannot read it: {error.strerror or error}".rstrip()


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"
