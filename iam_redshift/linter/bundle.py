"""Reading a bundle's manifest and linting its documents together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from iam_redshift.findings import Finding
from iam_redshift.linter.policy import PolicyDocument
from iam_redshift.linter.source import Unreadable, escape_pointer, parse_json
from iam_redshift.render.bundle import MANIFEST_NAME
from iam_redshift.rules._base import BundleContext, Hit

if TYPE_CHECKING:
    from jsonschema import ValidationError

    from iam_redshift.linter.engine import _Run
    from iam_redshift.model import Setup

__all__ = ["lint_manifest_bundle"]

# Schema errors at these places are about role names and paths: IR403, not IR107.
_ROLE_FIELDS = frozenset({"name", "path", "role"})


def _pointer(path: Any) -> str:
    return "".join(f"/{escape_pointer(p)}" for p in path)


def _manifest_problems(value: dict[str, Any]) -> list[tuple[str, Hit]]:
    """(code, hit) for every way the manifest breaks its schema."""
    from iam_redshift._quick_schema import quick_validator

    quick = quick_validator("manifest.schema.json")
    if quick is not None and quick(value):
        return []  # valid, as almost every manifest is: no need to import jsonschema
    from jsonschema.exceptions import relevance

    from iam_redshift._schemas import validator
    from iam_redshift.setup_file import describe_schema_error

    problems: list[tuple[str, Hit]] = []
    seen: set[str] = set()
    errors: list[ValidationError] = sorted(
        validator("manifest.schema.json").iter_errors(value), key=relevance
    )
    for error in errors:
        pointer = _pointer(error.absolute_path)
        if pointer in seen:
            continue
        seen.add(pointer)
        last = error.absolute_path[-1] if error.absolute_path else None
        code = "IR403" if last in _ROLE_FIELDS and error.validator != "type" else "IR107"
        problems.append((code, Hit(pointer, f"manifest: {describe_schema_error(error)}")))
    return problems


def _setup_of(value: dict[str, Any]) -> tuple[Setup | None, list[tuple[str, Hit]]]:
    from iam_redshift.errors import SetupFileError
    from iam_redshift.setup_file import setup_from_mapping

    problems = _manifest_problems(value)
    if problems:
        return None, problems
    try:
        return setup_from_mapping(value, schema="manifest.schema.json"), []
    except SetupFileError as error:
        # Only IAM's own rules remain here: names equal ignoring case and the like.
        return None, [("IR403", Hit("", f"manifest: {error.detail}"))]


def lint_manifest_bundle(
    run: _Run, files: Mapping[str, str | bytes | None], display: Callable[[str], str]
) -> tuple[list[Finding], set[str]]:
    """Lint the bundle described by ``files[MANIFEST_NAME]``.

    Returns the findings and the relative paths the manifest claimed; unclaimed files (and all
    files, when the manifest is unusable) are for the caller to lint one by one.
    """
    from iam_redshift.rules import all_rules

    rules = all_rules()
    manifest_file = display(MANIFEST_NAME)
    findings: list[Finding] = []

    def report(code: str, hit: Hit) -> None:
        found = run.finding(rules[code], hit, manifest_file)
        if found is not None:
            findings.append(found)

    content = files.get(MANIFEST_NAME)
    parsed = parse_json(content if content is not None else b"\xff")
    if isinstance(parsed, Unreadable):
        found = run.unreadable(manifest_file, parsed)
        return ([found] if found else []), set()
    run.texts[manifest_file] = parsed
    if not isinstance(parsed.value, dict):
        found = run.unreadable(manifest_file, Unreadable("the manifest is not a JSON object"))
        return ([found] if found else []), set()
    setup, problems = _setup_of(parsed.value)
    for code, hit in problems:
        report(code, hit)
    if setup is None:
        return findings, set()

    roles = {setup.instance_role.name: ("instance", setup.instance_role_arn)}
    roles.update({r.name: ("access", setup.arn_of(r)) for r in setup.access_roles})
    documents: list[PolicyDocument] = []
    unreadable: list[tuple[str, str]] = []
    claimed: set[str] = set()
    context = run.options.context(setup)
    for index, entry in enumerate(parsed.value["documents"]):
        pointer = f"/documents/{index}"
        rel = entry["path"]
        claimed.add(rel)
        expected = roles.get(entry["role"])
        if expected is None:
            report(
                "IR107",
                Hit(
                    f"{pointer}/role",
                    f"manifest: document {rel} belongs to role {entry['role']!r}, which is not "
                    f"in the setup (roles: {', '.join(sorted(roles))})",
                ),
            )
        else:
            if expected[0] != entry["role_kind"]:
                report(
                    "IR107",
                    Hit(
                        f"{pointer}/role_kind",
                        f"manifest: {entry['role']} is the setup's {expected[0]} role, but this "
                        f"entry says role_kind {entry['role_kind']!r}",
                    ),
                )
            if expected[1] != entry["role_arn"]:
                report(
                    "IR107",
                    Hit(
                        f"{pointer}/role_arn",
                        f"manifest: role_arn {entry['role_arn']!r} is not the ARN the setup gives "
                        f"{entry['role']}: {expected[1]!r}",
                    ),
                )
        data = files.get(rel)
        if data is None:
            unreadable.append((pointer, display(rel)))
            report(
                "IR107",
                Hit(
                    f"{pointer}/path",
                    f"manifest: the listed document {rel} is missing or cannot be read",
                ),
            )
            continue
        document, read_findings = run.read(
            display(rel),
            data,
            entry["kind"],
            role=entry["role"],
            role_arn=entry["role_arn"],
            role_kind=entry["role_kind"],
        )
        findings.extend(read_findings)
        if document is None:
            unreadable.append((pointer, display(rel)))
            continue
        documents.append(document)
        findings.extend(run.check_document(document, context))
    bundle = BundleContext(manifest_file, parsed, setup, tuple(documents), tuple(unreadable))
    findings.extend(run.check_bundle(bundle))
    return findings, claimed
