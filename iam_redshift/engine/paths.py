"""Linting files and directories on disk: the engine's one edge that reads the file system.

Memory stays bounded: one file or one bundle is read at a time. Every read goes through
:func:`~iam_redshift.sources.files.read_limited`, so FIFOs, devices and symbolic links that lead
out of the directory being linted are reported, not followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from iam_redshift.engine.checker import Checker
from iam_redshift.engine.contents import Skipped, iter_lint_contents, lint_file_data
from iam_redshift.engine.dump import looks_like_dump
from iam_redshift.engine.options import LintOptions
from iam_redshift.errors import InputError
from iam_redshift.layout import JOURNAL_NAME, MANIFEST_NAME
from iam_redshift.sources.files import MAX_DUMP_BYTES, ReadProblem, Root, read_limited
from iam_redshift.sources.json_text import MAX_DOCUMENT_BYTES
from iam_redshift.sources.manifest import listed_paths
from iam_redshift.sources.recognise import is_candidate

if TYPE_CHECKING:
    from iam_redshift.findings import Finding
    from iam_redshift.sources.discover import Excluded

__all__ = ["iter_lint_paths"]


def _never(_: str) -> bool:
    return False


def iter_lint_paths(
    paths: Iterable[str | Path],
    *,
    options: LintOptions | None = None,
    exclude: Excluded = _never,
    skipped: list[Skipped] | None = None,
) -> Iterator[Finding]:
    """Lint files and directories on disk, one file or bundle at a time.

    A directory holding ``iam-redshift.json`` is a bundle; other directories are searched for
    ``*.json``, ``*.yaml``, ``*.yml`` and ``*.template`` files, each linted as what it is (a
    policy document, a CloudFormation template, a Terraform plan or JSON configuration), and
    bundles below them are found the same way. Files that are none of these are added to
    ``skipped``. ``exclude`` drops paths. A file that cannot be read is an IR100 finding; a
    file named explicitly that is none of these raises :class:`~iam_redshift.errors.InputError`.
    """
    options = options or LintOptions()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _lint_directory(str(path), options, exclude, skipped)
        else:
            yield from _lint_file(str(path), options, root=None, skipped=None)


def _lint_file(
    path: str, options: LintOptions, root: Root | None, skipped: list[Skipped] | None
) -> list[Finding]:
    data = read_limited(path, root=root)
    if (
        not isinstance(data, ReadProblem)
        and len(data) > MAX_DOCUMENT_BYTES
        and looks_like_dump(data)
    ):
        data = read_limited(path, root=root, limit=MAX_DUMP_BYTES)  # dumps may be larger
    if isinstance(data, ReadProblem):
        return Checker(options).unreadable(path, data.reason)
    linted = lint_file_data(path, data, options=options, input_type=options.input_type)
    if not isinstance(linted, Skipped):
        return linted
    if skipped is None:  # named on the command line: the user expects it to be linted
        raise InputError(
            path,
            f"{linted.reason}; iam-redshift lints IAM policy documents, bundles, account "
            "dumps, CloudFormation templates (JSON or YAML) and Terraform plans and JSON "
            "configurations "
            "(--input-type forces a reader)",
        )
    skipped.append(linted)
    return []


def _lint_directory(
    root: str, options: LintOptions, exclude: Excluded, skipped: list[Skipped] | None
) -> Iterator[Finding]:
    unreadable: list[OSError] = []
    skipped = skipped if skipped is not None else []
    inside = Root(root)  # reads stay in it: resolved once for the walk, each folder once
    for directory, subdirectories, names in os.walk(root, onerror=unreadable.append):
        # A folder os.walk could not list is a finding, not a silent gap in the run.
        while unreadable:
            yield from _unreadable_directory(unreadable.pop(), options)
        here = Path(
            directory
        )  # names in findings as pathlib writes them ("a.json", not "./a.json")
        subdirectories[:] = sorted(d for d in subdirectories if not exclude(str(here / d)))
        if MANIFEST_NAME in names:
            # A bundle: its manifest says which files below it belong to it.
            subdirectories[:] = []
            files = _bundle_files(directory, names)
            yield from iter_lint_contents(files, root=str(here), options=options, skipped=skipped)
            continue
        for name in sorted(names):
            path = str(here / name)
            if is_candidate(name) and not exclude(path):
                yield from _lint_file(path, options, inside, skipped)
    while unreadable:
        yield from _unreadable_directory(unreadable.pop(), options)


def _unreadable_directory(error: OSError, options: LintOptions) -> list[Finding]:
    where = str(error.filename) if error.filename is not None else "?"
    return Checker(options).unreadable(
        where, f"cannot list this directory: {error.strerror or error}"
    )


def _bundle_files(directory: str, names: list[str]) -> dict[str, bytes | None]:
    """The manifest, the files it lists (anywhere below), and the other JSON files beside it;
    None for each that cannot be read (or leads outside the bundle)."""

    inside = Root(directory)

    def read(rel: str) -> bytes | None:
        data = read_limited(os.path.join(directory, rel), root=inside)
        return None if isinstance(data, ReadProblem) else data

    files: dict[str, bytes | None] = {MANIFEST_NAME: read(MANIFEST_NAME)}
    if os.path.lexists(os.path.join(directory, JOURNAL_NAME)):
        files[JOURNAL_NAME] = b""  # an interrupted render: the manifest rule says so
    for rel in listed_paths(files[MANIFEST_NAME]) or ():
        files[rel] = read(rel)
    for name in sorted(names):
        if is_candidate(name) and name not in files:
            files[name] = read(name)
    return files
