"""Writing a bundle into a directory as one transaction.

The layout of ``DIR`` stays the documented one (``iam-redshift.json`` and one folder per role);
what makes a render one transaction is a lock, a staging folder and a journal beside them:

1. ``DIR/.iam-redshift.lock`` is locked (``flock``, which the kernel releases when the process
   dies) for the whole render: a second render into ``DIR`` stops at once with a clear error.
2. A journal left by a killed render is finished first (see 5), and leftovers are removed.
3. Every new file is written into ``DIR/.iam-redshift.staging/`` (names without ``.json``, so a
   linter never mistakes them for policies); the old bundle is untouched so far.
4. The journal (which staged file goes where, which old files go away) is written inside the
   staging folder and renamed to ``DIR/.iam-redshift.journal``: that one rename is the commit.
   Killed before it, ``DIR`` holds the old bundle, whole.
5. The staged files are renamed into place (documents first, the manifest last), the documents
   of dropped roles removed, then the journal. Killed during this, the next render (or
   :func:`finish_interrupted_render`) replays the journal, which is idempotent: the result is the
   new bundle, whole.

The guarantee is against the process dying (a crash, ``kill -9``), not against the machine
losing power: nothing is ``fsync``-ed, which would cost a disk flush per file.

Nothing is ever written, replaced or removed through a symbolic link below ``DIR``, and only the
files a verified manifest of an earlier render lists (see
:func:`iam_redshift.sources.manifest.owned_paths`) are replaced or removed without ``force``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from iam_redshift.errors import BundleWriteError
from iam_redshift.layout import JOURNAL_NAME, MANIFEST_NAME, RESERVED_NAMES

__all__ = [
    "JOURNAL_NAME",
    "LOCK_NAME",
    "STAGING_NAME",
    "finish_interrupted_render",
    "render_lock",
    "write_bundle_files",
]

#: Held (``flock``) for the whole of a render into a directory; removed when the render ends.
LOCK_NAME = ".iam-redshift.lock"
#: Where the new files of a render wait until the commit.
STAGING_NAME = ".iam-redshift.staging"
#: Present only between a render's commit and its end: what is left to do.

_JOURNAL_FORMAT = 1
_STAGED = re.compile(r"[0-9]{1,9}")
_STAGED_JOURNAL = "journal"
# Temporaries of iam-redshift 0.1 (tempfile.mkstemp beside each target) that a killed render
# left behind; a render removes those beside the files it writes.
_OLD_TEMPORARY = re.compile(
    r"\.(?:trust-policy|permissions-policy|iam-redshift)\.json\.[a-z0-9_]{8}"
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _link_error(path: Path) -> BundleWriteError:
    return BundleWriteError(
        str(path),
        "is a symbolic link; render never writes or deletes through a link (replace it with a "
        "folder, or choose another directory)",
    )


def checked_target(root: Path, rel: str) -> Path:
    """``root/rel``, after checking that every folder between ``root`` and it that exists is a
    real folder: not a symbolic link (which could lead out of ``root``), not a file."""
    parts = PurePosixPath(rel).parts
    here = root
    for part in parts[:-1]:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            break
        except OSError as error:
            raise BundleWriteError(str(here), f"cannot read: {error.strerror or error}") from None
        if stat.S_ISLNK(mode):
            raise _link_error(here)
        if not stat.S_ISDIR(mode):
            raise BundleWriteError(str(here), "exists and is not a directory")
    return root.joinpath(*parts)


def _lexists(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _make_parents(root: Path, rel: str) -> None:
    """Create the folders of ``rel`` below ``root``, refusing a link met on the way."""
    here = root
    for part in PurePosixPath(rel).parts[:-1]:
        here = here / part
        try:
            os.mkdir(here)
        except FileExistsError:
            mode = os.lstat(here).st_mode
            if stat.S_ISLNK(mode):
                raise _link_error(here) from None
            if not stat.S_ISDIR(mode):
                raise BundleWriteError(str(here), "exists and is not a directory") from None


def _write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with ``data``. Mode 0666 less the umask, as any
    program's new file: the user's umask decides who may read the policies."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o666)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


# --- the lock ---------------------------------------------------------------------------------


@contextlib.contextmanager
def render_lock(root: Path) -> Iterator[None]:
    """Hold ``root/.iam-redshift.lock`` for the block; a :class:`BundleWriteError` if another
    render holds it. The file is removed on the way out."""
    path = root / LOCK_NAME
    descriptor = _acquire(path)
    try:
        yield
    finally:
        # Remove it while still holding it; a render that opened the old file meanwhile sees
        # that the name no longer leads to what it locked, and starts again (see _acquire).
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(descriptor)


def _busy(path: Path) -> BundleWriteError:
    return BundleWriteError(
        str(path.parent),
        f"another render is writing to this directory (it holds {path.name}); wait for it to "
        "finish, then render again",
    )


def _acquire(path: Path) -> int:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the file's existence is the lock
        return _acquire_exclusive(path)
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
        except OSError as error:
            if _lexists(path) is not None and stat.S_ISLNK(os.lstat(path).st_mode):
                raise _link_error(path) from None
            raise BundleWriteError(str(path), f"cannot lock: {error.strerror or error}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise _busy(path) from None
        except OSError as error:  # a file system without locks: say so, do not guess
            os.close(descriptor)
            raise BundleWriteError(str(path), f"cannot lock: {error.strerror or error}") from None
        held = os.fstat(descriptor)
        now = _lexists(path)
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            return descriptor
        os.close(descriptor)  # the render we waited for removed it: take the new one


def _acquire_exclusive(path: Path) -> int:  # pragma: no cover - Windows only
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise BundleWriteError(
            str(path.parent),
            f"another render is writing to this directory, or one was killed (remove "
            f"{path.name} if no render is running)",
        ) from None


# --- the journal ------------------------------------------------------------------------------


def _journal_text(moves: list[tuple[str, str]], removes: list[str]) -> bytes:
    value = {"format": _JOURNAL_FORMAT, "moves": moves, "removes": removes}
    return (json.dumps(value, indent=1) + "\n").encode("utf-8")


def _apply(root: Path, moves: list[tuple[str, str]], removes: list[str]) -> None:
    """Carry out a committed journal; every step can be done again after a kill."""
    staging = root / STAGING_NAME
    documents = [(s, t) for s, t in moves if t != MANIFEST_NAME]
    manifest = [(s, t) for s, t in moves if t == MANIFEST_NAME]
    for source, target in documents:
        if _lexists(staging / source) is None:
            continue  # moved before the kill
        _make_parents(root, target)
        os.replace(staging / source, checked_target(root, target))
    for rel in removes:
        _remove_owned(root, rel)
    # The manifest last: until it moves, the old manifest still lists what ``removes`` names.
    for source, target in manifest:
        if _lexists(staging / source) is not None:
            os.replace(staging / source, root / target)
    os.unlink(root / JOURNAL_NAME)


def _remove_owned(root: Path, rel: str) -> None:
    """Remove ``root/rel`` (a file the old manifest listed) and the folders it leaves empty."""
    target = checked_target(root, rel)
    found = _lexists(target)
    if found is not None and not stat.S_ISDIR(found.st_mode):
        os.unlink(target)
    for parent in PurePosixPath(rel).parents:
        if str(parent) == ".":
            break
        try:
            os.rmdir(root / parent)
        except OSError:
            break  # not empty: something else lives there


def _clear_staging(root: Path) -> None:
    """Remove what a render left in the staging folder: only names a render gives."""
    staging = root / STAGING_NAME
    found = _lexists(staging)
    if found is None:
        return
    if not stat.S_ISDIR(found.st_mode):
        raise BundleWriteError(str(staging), "exists and is not the staging folder of a render")
    for name in os.listdir(staging):
        entry = staging / name
        if (_STAGED.fullmatch(name) or name == _STAGED_JOURNAL) and not stat.S_ISDIR(
            os.lstat(entry).st_mode
        ):
            os.unlink(entry)
    others = sorted(os.listdir(staging))
    if others:  # what we did not write stays, and stops the render
        raise BundleWriteError(
            str(staging),
            f"holds files a render did not write ({', '.join(others[:3])}"
            f"{', ...' if len(others) > 3 else ''}); move them elsewhere, then render again",
        )
    os.rmdir(staging)


def _read_journal(root: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The moves and removals of ``root``'s journal, checked: a journal is only replayed if
    everything it would do is what a render of its own staged manifest does."""
    from iam_redshift.sources.manifest import owned_paths, rendered_manifest_paths, safe_relative

    path = root / JOURNAL_NAME
    found = _lexists(path)
    if found is None or not stat.S_ISREG(found.st_mode):
        raise _bad_journal(path)
    try:
        with open(path, "rb") as stream:
            value = json.loads(stream.read(64 << 20))
        moves = [(str(s), str(t)) for s, t in value["moves"]]
        removes = [str(r) for r in value["removes"]]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        raise _bad_journal(path) from None
    if value.get("format") != _JOURNAL_FORMAT or not moves or moves[-1][1] != MANIFEST_NAME:
        raise _bad_journal(path)
    for source, target in moves:
        if not _STAGED.fullmatch(source) or safe_relative(target) != target:
            raise _bad_journal(path)
    staged_manifest = root / STAGING_NAME / moves[-1][0]
    if _lexists(staged_manifest) is None:
        return [], []  # the manifest moved last, so everything else is done too
    try:
        staged = rendered_manifest_paths(staged_manifest.read_bytes())
    except OSError:
        staged = None
    if staged is None or {MANIFEST_NAME, *staged} != {t for _, t in moves}:
        raise _bad_journal(path)
    if not set(removes) <= owned_paths(root) - {MANIFEST_NAME}:
        raise _bad_journal(path)
    return moves, removes


def _bad_journal(path: Path) -> BundleWriteError:
    return BundleWriteError(
        str(path),
        "is not the journal of an interrupted render of this bundle; nothing was changed "
        f"(remove it and {STAGING_NAME} if no render is running, then render again)",
    )


def finish_interrupted_render(root: Path) -> bool:
    """Finish what a killed render left in ``root`` (call with the lock held): replay a
    committed journal, then remove staged leftovers. True when there was a journal."""
    replayed = False
    if _lexists(root / JOURNAL_NAME) is not None:
        moves, removes = _read_journal(root)
        if moves:
            _apply(root, moves, removes)
        else:
            os.unlink(root / JOURNAL_NAME)
        replayed = True
    _clear_staging(root)
    return replayed


# --- a render ---------------------------------------------------------------------------------


def _check_names(files: Mapping[str, str], source: str) -> None:
    from iam_redshift.sources.manifest import safe_relative

    if MANIFEST_NAME not in files:
        raise BundleWriteError(source, f"a bundle has a manifest, {MANIFEST_NAME}")
    reserved = {name.casefold() for name in RESERVED_NAMES}
    for rel in files:
        if safe_relative(rel) != rel:
            raise BundleWriteError(rel, "is not a relative path inside the bundle directory")
        if rel != MANIFEST_NAME and PurePosixPath(rel).parts[0].casefold() in reserved:
            raise BundleWriteError(
                rel,
                f"{PurePosixPath(rel).parts[0]!r} is a name the bundle directory keeps for "
                "itself; rename that role",
            )


def _plan(root: Path, files: Mapping[str, str], force: bool) -> tuple[list[str], list[str]]:
    """What a render of ``files`` replaces and removes in ``root``, every check done."""
    from iam_redshift.sources.manifest import owned_paths

    owned = owned_paths(root)
    conflicts = []
    for rel in files:
        target = checked_target(root, rel)
        found = _lexists(target)
        if found is None:
            continue
        if stat.S_ISDIR(found.st_mode):
            raise BundleWriteError(str(target), "is a directory where a policy file goes")
        if rel not in owned and not force:
            conflicts.append(rel)
    if conflicts:
        raise BundleWriteError(
            str(root),
            "would overwrite files that no earlier render wrote there: "
            + ", ".join(sorted(conflicts))
            + " (use --force to overwrite them, or choose another directory)",
        )
    removes = sorted(owned - files.keys() - {MANIFEST_NAME})
    for rel in removes:
        checked_target(root, rel)
    ordered = [rel for rel in files if rel != MANIFEST_NAME] + [MANIFEST_NAME]
    return ordered, removes


def _remove_old_temporaries(root: Path, ordered: list[str]) -> None:
    folders = {PurePosixPath(rel).parent for rel in ordered}
    for folder in folders:
        with contextlib.suppress(OSError):
            for name in os.listdir(root / folder):
                if _OLD_TEMPORARY.fullmatch(name):
                    entry = root / folder / name
                    if stat.S_ISREG(os.lstat(entry).st_mode):
                        os.unlink(entry)


def _created_folders(root: Path) -> list[Path]:
    """Create ``root`` and its missing parents; the folders created, deepest first."""
    missing = []
    here = root
    while _lexists(here) is None and here != here.parent:
        missing.append(here)
        here = here.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BundleWriteError(str(root), f"cannot create: {error.strerror or error}") from None
    return missing


def _transaction(root: Path, files: Mapping[str, str], force: bool, source: str) -> list[str]:
    """The render itself, with the lock held."""
    try:
        # A journal that cannot be replayed stops the render with everything left as it is.
        finish_interrupted_render(root)
    except OSError as error:
        raise BundleWriteError(source, f"cannot finish the interrupted render: {error}") from None
    committed = False
    try:
        ordered, removes = _plan(root, files, force)
        staging = root / STAGING_NAME
        os.mkdir(staging)
        moves = []
        for index, rel in enumerate(ordered):
            _write_new_file(staging / str(index), files[rel].encode("utf-8"))
            moves.append((str(index), rel))
        _write_new_file(staging / _STAGED_JOURNAL, _journal_text(moves, removes))
        os.replace(staging / _STAGED_JOURNAL, root / JOURNAL_NAME)
        committed = True  # from here on, the new bundle it is: the next render replays it
        _apply(root, moves, removes)
        _clear_staging(root)
        _remove_old_temporaries(root, ordered)
    except (OSError, BundleWriteError) as error:
        if not committed:
            with contextlib.suppress(OSError, BundleWriteError):
                _clear_staging(root)
        if isinstance(error, BundleWriteError):
            raise
        raise BundleWriteError(source, f"cannot write: {error.strerror or error}") from None
    return ordered


def write_bundle_files(
    files: Mapping[str, str], directory: str | Path, *, force: bool = False
) -> list[str]:
    """Write ``files`` (relative path to text, manifest included) into ``directory`` as one
    transaction (see the module's description); return the paths written, the manifest last."""
    root = Path(directory)
    source = str(directory)
    _check_names(files, source)
    found = _lexists(root)
    if found is not None and not root.is_dir():
        raise BundleWriteError(source, "exists and is not a directory")
    created = _created_folders(root)
    done = False
    try:
        with render_lock(root):
            ordered = _transaction(root, files, force, source)
        done = True
    finally:
        if not done:
            for folder in created:  # leave no empty directory behind a failed render
                with contextlib.suppress(OSError):
                    folder.rmdir()
    return ordered
