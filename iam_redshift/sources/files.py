"""Reading one file safely: a regular file only, never past a size limit, never outside a root.

A FIFO or a device would block or never end, a symbolic link can lead out of the directory the
user named, and a file can be unreadable: each is a :class:`ReadProblem` that says so, never an
exception and never stand-in bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from iam_redshift._memo import Memo
from iam_redshift._read import NotARegularFile, read_regular
from iam_redshift._record import record
from iam_redshift.sources.json_text import MAX_DOCUMENT_BYTES

__all__ = ["MAX_DUMP_BYTES", "ReadProblem", "Root", "inside", "read_limited"]


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
    return Root(root).holds(path)


class Root:
    """A directory that reads must stay inside, for the reads of one walk through it: the
    directory is resolved once, and each folder below it once (a file that is not itself a
    symbolic link is where its folder resolves to, plus its name), where resolving every file
    afresh cost a system call for each folder above it, for every file."""

    #: Folders remembered at most; past it, forgotten and resolved again.
    FOLDERS = 4096

    def __init__(self, root: str | Path) -> None:
        self.path = os.fspath(root)
        self._folders: Memo[str, str | None] = Memo(self.FOLDERS)
        base = _resolved(self.path)
        # Compared as text, in the platform's case (Windows compares names case-blind): the
        # root itself, or anything that starts with it and a separator.
        self._base = os.path.normcase(base) if base is not None else None
        self._below = self._base.rstrip(os.sep) + os.sep if self._base is not None else None

    def holds(self, path: str | Path) -> bool:
        """Whether ``path``, with every symbolic link resolved, lies in the root."""
        base, below = self._base, self._below
        if base is None or below is None:
            return False
        text = os.fspath(path)
        folder, name = os.path.split(text)
        # A name with a NUL byte is resolved in full, which refuses it (no file has it).
        plain = name not in ("", ".", "..") and "\0" not in name and not os.path.islink(text)
        if plain:
            resolved = self._folders.get(folder)
            if resolved is None:
                resolved = self._folders.remember(folder, _resolved(folder or os.curdir))
            real = os.path.join(resolved, name) if resolved is not None else None
        else:
            real = _resolved(text)
        if real is None:
            return False
        real = os.path.normcase(real)
        return real == base or real.startswith(below)


def _resolved(path: str) -> str | None:
    """``path`` with every symbolic link resolved, absolute; None when it cannot be (a link
    loop, a bad name)."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError, ValueError):
        return None


def read_limited(
    path: str | Path, *, limit: int = MAX_DOCUMENT_BYTES, root: str | Path | Root | None = None
) -> bytes | ReadProblem:
    """The bytes of the regular file ``path``: at most ``limit`` + 1 (so that a caller can tell
    an oversized file), or why not. With ``root``, a file whose real location is outside it
    (through a symbolic link) is refused; a :class:`Root` serves the reads of one walk."""
    if root is not None:
        walk = root if isinstance(root, Root) else Root(root)
        if not walk.holds(path):
            return ReadProblem(f"it leads outside {walk.path} (through a symbolic link)")
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
