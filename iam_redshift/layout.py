"""The names of a bundle directory's own files, which the renderer writes and every reader
(discovery, the manifest reader, the engine) recognises.

They live here, below both, so that a lint does not import the renderer to learn them.
"""

from __future__ import annotations

__all__ = ["JOURNAL_NAME", "MANIFEST_NAME", "RESERVED_NAMES"]

#: The manifest's file name inside a bundle directory.
MANIFEST_NAME = "iam-redshift.json"
#: The journal a render leaves while it moves its files into place (see
#: :mod:`iam_redshift.render.writer`); the linter reports a bundle beside one.
JOURNAL_NAME = ".iam-redshift.journal"
#: Names a bundle directory keeps for itself: the manifest, the deployable templates that
#: ``render --format`` writes beside it, and the lock, staging folder and journal of a render
#: (:mod:`iam_redshift.render.writer`). No role's folder may take one, ignoring case (the file
#: systems of macOS and Windows ignore it).
RESERVED_NAMES = (
    MANIFEST_NAME,
    "iam-redshift.cfn.json",
    "iam-redshift.tf.json",
    ".iam-redshift.lock",
    ".iam-redshift.staging",
    JOURNAL_NAME,
)
