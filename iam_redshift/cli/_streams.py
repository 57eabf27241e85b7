"""Where a command reads and writes, and the shape of a command's handler."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, TextIO

__all__ = ["Command", "Streams"]


@dataclass(frozen=True)
class Streams:
    """Where a command reads and writes."""

    stdin: BinaryIO
    stdout: TextIO
    stderr: TextIO


#: A subcommand's handler: the parsed arguments and the streams in, the exit status out.
Command = Callable[[argparse.Namespace, Streams], int]
