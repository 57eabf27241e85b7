"""The one way the package reads a file's bytes: a regular file only, never past a limit.

A FIFO or a device would block or never end: the file type is checked on the open descriptor
(opened with ``O_NONBLOCK``, so that opening a FIFO returns at once), so it cannot change between
the check and the read. The read asks for the size the file has (one more byte, to see a file
that grew past it), not for the limit: a buffer of the limit's size (4 MB for a policy, 1 GB for
an account dump) cost more than reading a small file itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["NotARegularFile", "read_regular"]

_CHUNK = 1 << 16


class NotARegularFile(OSError):
    """The path names a directory, a FIFO, a device or a socket; ``mode`` says which."""

    def __init__(self, mode: int) -> None:
        super().__init__(f"not a regular file (mode {stat.S_IFMT(mode):#o})")
        self.mode = mode


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``: all of them, or the first ``limit`` + 1 when it
    is larger (so that a caller can tell an oversized file).

    Raises :class:`NotARegularFile` (an :class:`OSError`) for anything but a regular file, any
    other :class:`OSError` when it cannot be opened or read, and :class:`ValueError` for a name
    no file can have (a NUL byte).
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile(status.st_mode)
        chunks: list[bytes] = []
        total = 0
        want = min(status.st_size, limit) + 1
        while total <= limit:
            chunk = os.read(descriptor, min(want, limit + 1 - total))
            chunks.append(chunk)
            total += len(chunk)
            if len(chunk) < want:
                break  # a short read of a regular file: its end
            want = _CHUNK  # it grew since fstat: read on, up to the limit
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(descriptor)
