"""Finding what to lint: paths, globs and stdin turned into files and bundle directories.

A directory holding a manifest (``iam-redshift.json``) is a bundle; a file that belongs to one
(the manifest itself, a file beside it, or one it lists) stands for its bundle. Everything here
reads only names and manifests; documents are read by :mod:`iam_redshift.sources.files`.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from iam_redshift.errors import InputError
from iam_redshift.layout import MANIFEST_NAME
from iam_redshift.sources.files import ReadProblem, read_limited
from iam_redshift.sources.globs import glob_matches
from iam_redshift.sources.recognise import is_candidate

__all__ = [
    "MANIFEST_NAME",
    "Plan",
    "below_named",
    "bundle_of",
    "is_glob",
    "listed_in",
    "matches_path",
    "plan_paths",
    "walk",
]

_GLOB_CHARACTERS = frozenset("*?[")

#: Says whether a path (a file or a directory) is left out of the run.
Excluded = Callable[[str], bool]


def _never(_: str) -> bool:
    return False


def matches_path(path: str, pattern: str) -> bool:
    """Whether the file ``path`` matches the glob ``pattern``, with gitignore's rules for
    ``**/`` and a leading ``/`` (see :mod:`iam_redshift.sources.globs`; ``*`` crosses ``/``; a
    pattern also matches at any depth, so ``trust-policy.json`` matches
    ``out/Role/trust-policy.json``, and ``**/*.json`` matches ``a.json``)."""
    return glob_matches(path.replace(os.sep, "/"), pattern)


def is_glob(path: str) -> bool:
    """Whether a command-line path is a glob pattern rather than a name."""
    return any(c in _GLOB_CHARACTERS for c in path)


def walk(directory: str, excluded: Excluded = _never) -> Iterator[str]:
    """Every file below ``directory``, in sorted order, skipping what ``excluded`` names."""
    for here, subdirectories, names in os.walk(directory):
        subdirectories[:] = sorted(d for d in subdirectories if not excluded(os.path.join(here, d)))
        for name in sorted(names):
            path = os.path.join(here, name)
            if not excluded(path):
                yield path


def below_named(target: str, excluded: Excluded) -> Excluded:
    """The exclusions for what is below a directory named on the command line. A named folder
    the exclusions would drop (a hidden folder such as ``.github``) is searched all the same:
    the exclusions then apply only to the paths below it."""
    if not excluded(target):
        return excluded
    base = os.path.abspath(target)

    def below(path: str) -> bool:
        inside = os.path.relpath(os.path.abspath(path), base)
        return inside != os.curdir and excluded(inside)

    return below


def listed_in(manifest: Path) -> tuple[str, ...]:
    """The document paths a bundle's manifest lists, or none if it is unusable."""
    from iam_redshift.sources.manifest import listed_paths

    data = read_limited(manifest)
    return () if isinstance(data, ReadProblem) else listed_paths(data) or ()


def bundle_of(file: str) -> str | None:
    """The bundle directory ``file`` belongs to: the nearest folder above it holding a manifest
    that is this file, lies beside it, or lists it. None for a loose file."""
    path = Path(file)
    for folder in path.parents:
        manifest = folder / MANIFEST_NAME
        if not manifest.is_file():
            continue
        inside = path.relative_to(folder).as_posix()
        if path.parent == folder or inside in listed_in(manifest):
            return str(folder)
        return None
    return None


@dataclass
class Plan:
    """What one run lints: stdin (its name and bytes), files and directories on disk, and the
    notes to show the user about what was given but is not linted."""

    stdin: tuple[str, bytes] | None = None
    targets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Paths given that found nothing to lint, each with why (an empty directory, an empty
    #: stdin, a glob whose matches are all excluded): most likely a mistake, so the command
    #: line refuses them unless told to allow it. A file named on the command line that the
    #: configuration excludes (with ``force_exclude``, as pre-commit runs) is only a note.
    empty: list[tuple[str, str]] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        """Whether there is anything to lint."""
        return self.stdin is not None or bool(self.targets)


def plan_paths(
    paths: Sequence[str],
    *,
    excluded: Excluded = _never,
    force_exclude: bool = False,
    read_stdin: Callable[[], bytes] = lambda: b"",
    stdin_name: str = "<stdin>",
) -> Plan:
    """Turn command-line paths into a :class:`Plan`.

    ``-`` is stdin (read once, with ``read_stdin``). A path that exists is linted (a file that
    belongs to a bundle stands for its bundle); one that does not is expanded as a glob, of
    which directories and ``*.json`` files are kept. ``excluded`` applies to what globs and
    directories find, and to named paths too with ``force_exclude``. Raises
    :class:`InputError` for a name or glob that finds nothing.
    """
    plan = Plan()
    targets: dict[str, str] = {}
    for path in paths:
        if path == "-":
            if plan.stdin is None:
                _plan_stdin(plan, read_stdin(), stdin_name, excluded, force_exclude)
            continue
        if os.path.lexists(path):
            candidates = [path] if not (force_exclude and excluded(path)) else []
            if not candidates:
                plan.notes.append(f"nothing to lint: {path} is excluded by the configuration")
        elif is_glob(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                raise InputError(path, "no file or directory matches this pattern")
            candidates = [
                m for m in matches if (os.path.isdir(m) or is_candidate(m)) and not excluded(m)
            ]
            if not candidates:
                plan.empty.append(
                    (path, "every match is excluded by the configuration or is not a *.json file")
                )
        else:
            raise InputError(path, "no such file or directory")
        for candidate in candidates:
            target = candidate
            if not os.path.isdir(candidate):
                target = bundle_of(candidate) or candidate
            targets.setdefault(os.path.normcase(os.path.abspath(target)), target)
    for target in targets.values():
        below = below_named(target, excluded)
        if os.path.isdir(target) and not any(is_candidate(p) for p in walk(target, below)):
            plan.empty.append(
                (target, "it holds no *.json file the configuration does not exclude")
            )
            continue
        plan.targets.append(target)
    return plan


def _plan_stdin(
    plan: Plan, data: bytes, name: str, excluded: Excluded, force_exclude: bool
) -> None:
    if not data.strip():
        plan.empty.append(("stdin", "it is empty"))
    elif force_exclude and excluded(name):
        plan.notes.append(f"nothing to lint: {name} is excluded by the configuration")
    else:
        plan.stdin = (name, data)
