"""A bundle's manifest (``iam-redshift.json``) as rules read it: its schema problems, its setup,
its document entries and which of them could not be read."""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from iam_redshift._record import record
from iam_redshift.sources.json_text import ParsedText, escape_pointer

if TYPE_CHECKING:
    from iam_redshift.model import Setup

__all__ = ["ManifestEntry", "ManifestProblem", "ManifestView", "read_manifest"]

# Schema errors at these places are about role names and paths (IAM's quotas), not the format.
_ROLE_FIELDS = frozenset({"name", "path", "role"})


@record
class ManifestProblem:
    """One way the manifest breaks its schema or IAM's rules for the setup it holds.

    ``about_roles`` is true when the problem is a role's name or path (IAM's naming quotas)
    rather than the manifest's own format.
    """

    pointer: str
    message: str
    about_roles: bool


@record
class ManifestEntry:
    """One listed document: its pointer in the manifest and its fields."""

    pointer: str
    path: str
    role: str
    role_kind: str
    role_arn: str
    kind: str


@record
class ManifestView:
    """A parsed manifest, checked against its schema and turned into a setup where it can be.

    ``setup`` is None when the manifest has problems; ``unreadable`` holds the pointers of the
    entries whose document is missing or cannot be read (filled in by the engine).
    """

    file: str
    parsed: ParsedText = field(hash=False)
    problems: tuple[ManifestProblem, ...]
    setup: Setup | None
    entries: tuple[ManifestEntry, ...] = ()
    unreadable: frozenset[str] = frozenset()
    #: A render was killed after it committed (its journal is still there): the documents may
    #: be part old, part new until the next render finishes it.
    interrupted: bool = False

    def roles(self) -> dict[str, tuple[str, str]]:
        """Role name to (role kind, role ARN), as the setup gives them."""
        if self.setup is None:
            return {}
        roles = {self.setup.instance_role.name: ("instance", self.setup.instance_role_arn)}
        roles.update({r.name: ("access", self.setup.arn_of(r)) for r in self.setup.access_roles})
        return roles


def _pointer(path: Any) -> str:
    return "".join(f"/{escape_pointer(p)}" for p in path)


def _schema_problems(value: dict[str, Any]) -> list[ManifestProblem]:
    from iam_redshift._quick_schema import quick_validator

    quick = quick_validator("manifest.schema.json")
    if quick is not None and quick(value):
        return []  # valid, as almost every manifest is: no need to import jsonschema
    from jsonschema.exceptions import relevance

    from iam_redshift._schemas import validator
    from iam_redshift.setup_file import describe_schema_error

    problems: list[ManifestProblem] = []
    seen: set[str] = set()
    for error in sorted(validator("manifest.schema.json").iter_errors(value), key=relevance):
        pointer = _pointer(error.absolute_path)
        if pointer in seen:
            continue
        seen.add(pointer)
        last = error.absolute_path[-1] if error.absolute_path else None
        # A document entry's "path" is a file path and its "role" a reference to the setup:
        # what is wrong there is the manifest's format (IR107), not a role name (IR403).
        in_documents = bool(error.absolute_path) and error.absolute_path[0] == "documents"
        about_roles = last in _ROLE_FIELDS and error.validator != "type" and not in_documents
        problems.append(
            ManifestProblem(pointer, f"manifest: {describe_schema_error(error)}", about_roles)
        )
    return problems


def read_manifest(file: str, parsed: ParsedText) -> ManifestView:
    """The view of a manifest whose top level is an object."""
    from iam_redshift.errors import SetupFileError
    from iam_redshift.setup_file import setup_from_mapping

    value = parsed.value
    problems = _schema_problems(value)
    if problems:
        return ManifestView(file, parsed, tuple(problems), None)
    try:
        setup = setup_from_mapping(value, schema=None)  # checked just above
    except SetupFileError as error:
        # Only IAM's own rules remain here: names equal ignoring case and the like.
        problem = ManifestProblem("", f"manifest: {error.detail}", about_roles=True)
        return ManifestView(file, parsed, (problem,), None)
    entries = tuple(
        ManifestEntry(
            f"/documents/{index}",
            entry["path"],
            entry["role"],
            entry["role_kind"],
            entry["role_arn"],
            entry["kind"],
        )
        for index, entry in enumerate(value["documents"])
    )
    return ManifestView(file, parsed, (), setup, entries)
