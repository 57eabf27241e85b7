"""IR1xx: can the document be read at all, and does it follow IAM's policy grammar?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from iam_redshift.findings import Severity
from iam_redshift.rules._base import Example, Hit, LintContext, Rule
from iam_redshift.rules._common import QUOTAS, example_policy
from iam_redshift.sources.json_text import escape_pointer

if TYPE_CHECKING:
    from jsonschema import ValidationError

    from iam_redshift.document.manifest import ManifestView
    from iam_redshift.document.policy import PolicyDocument, Statement

GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
ELEMENTS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"

_TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"},
            "Action": "sts:AssumeRole",
        }
    ],
}
_PERMISSIONS: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadRoles",
            "Effect": "Allow",
            "Action": "iam:GetRole",
            "Resource": "arn:aws:iam::123456789012:role/Redshift-Access-Role-1",
        }
    ],
}

# -- IR100 --------------------------------------------------------------------------------------
UNREADABLE = Rule.declare(
    """
    IR100 unreadable-document (error)

    The file is not a readable JSON policy document.

    Why: IAM accepts a policy only as one JSON object in UTF-8 text. A file that is not UTF-8, not
    JSON, not an object, or too large or too deeply nested to parse safely cannot be a policy;
    nothing else in it can be checked.

    Fix: Save the policy as UTF-8 JSON whose top level is an object with Version and Statement.
    """,
    references=(GRAMMAR,),
    bad=Example.document('{"Version": "2012-10-17", "Statement": [', note="cut off"),
    good=Example.document(_PERMISSIONS),
)

# -- IR101 --------------------------------------------------------------------------------------


def _where(error: ValidationError) -> str:
    return "/" + "/".join(escape_pointer(p) for p in error.absolute_path) if error.path else ""


def _grammar_message(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    element = str(error.absolute_path[-1]) if error.absolute_path else "the document"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        return (
            f"unknown element {', '.join(map(repr, extra))} in {element}; "
            f"IAM allows {', '.join(allowed)}"
        )
    if error.validator == "required":
        return f"{element}: {error.message.replace('is a required property', 'is required')}"
    if error.validator == "enum" and isinstance(error.validator_value, list):
        options = " or ".join(map(repr, error.validator_value))
        return f"{element} is {error.instance!r}; it must be exactly {options}"
    description = schema.get("description")
    if error.validator == "not" and isinstance(description, str):
        return f"{element}: {description}"
    if error.validator == "type":
        return f"{element} has the wrong type ({error.message})"
    if isinstance(description, str):
        return f"{element}: {error.message}. {description}"
    return f"{element}: {error.message}"


def _check_grammar(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    name = "trust-policy.schema.json" if document.kind == "trust" else "identity-policy.schema.json"
    # Most documents are valid: a compiled yes/no check is ~50 times faster than jsonschema's
    # iter_errors, which then runs only to explain a "no" (and only then is jsonschema, a tenth
    # of a second to import, imported).
    from iam_redshift._quick_schema import quick_validator

    quick = quick_validator(name)
    if quick is not None and quick(document.value):
        return
    from jsonschema.exceptions import relevance

    from iam_redshift._schemas import validator

    errors = sorted(validator(name).iter_errors(document.value), key=relevance)
    # One finding per element: the most relevant error at each place.
    seen: set[str] = set()
    for error in errors:
        for leaf in _leaves(error):
            pointer = _where(leaf)
            if pointer in seen or leaf.validator in _REPORTED_ELSEWHERE:
                continue
            seen.add(pointer)
            yield Hit(pointer, f"{_grammar_message(leaf)} (the IAM policy grammar)")


# Parts of the grammar that rules of their own report more precisely.
_REPORTED_ELSEWHERE: frozenset[str] = frozenset()


def _leaves(error: ValidationError) -> list[ValidationError]:
    """For anyOf/oneOf, the errors of the branch that got furthest; else the error itself."""
    if error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and len(best.absolute_path) >= len(error.absolute_path):
            return [best]
    return [error]


GRAMMAR_RULE = Rule.declare(
    """
    IR101 policy-grammar (error)

    The document violates the IAM policy grammar.

    Why: IAM rejects a policy with unknown or missing elements, values of the wrong type, an Effect
    other than exactly Allow or Deny, or both Action and NotAction in one statement. Other tools may
    read such a document differently than IAM does.

    Fix: Follow the grammar: Version, Statement; each statement with Effect, Action or NotAction,
    and (in a permissions policy) Resource or NotResource.
    """,
    check_document=_check_grammar,
    references=(GRAMMAR, ELEMENTS),
    bad=Example.document(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "allow", "Action": "iam:GetRole", "Resource": "*"}],
        },
        note="Effect is case-sensitive",
    ),
    good=Example.document(_PERMISSIONS),
)

# -- IR102 --------------------------------------------------------------------------------------


def _check_duplicate_keys(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for pointer, key in document.parsed.duplicate_keys:
        where = pointer or "the top level"
        yield Hit(
            pointer,
            f"{key!r} appears more than once in {where}; JSON parsers keep only the last one, so "
            f"the earlier {key!r} is silently ignored. Merge them into one {key!r}",
            key=(key, 1),
        )


DUPLICATE_KEY = Rule.declare(
    """
    IR102 duplicate-key (error)

    A key appears twice in one JSON object.

    Why: JSON parsers keep only one of two equal keys, so a second Statement or Principal silently
    hides the first: what you review is not what IAM enforces.

    Fix: Merge the two elements into one (a list of statements, a list of principals).
    """,
    check_document=_check_duplicate_keys,
    references=("https://www.rfc-editor.org/rfc/rfc8259#section-4", GRAMMAR),
    bad=Example.document(
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Deny", "Action": "*", '
        '"Resource": "*"}],\n  "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", '
        '"Resource": "arn:aws:iam::123456789012:role/Redshift-Access-Role-1"}]\n}\n',
        note="the Deny statement is silently dropped",
    ),
    good=Example.document(_PERMISSIONS),
)

# -- IR103 --------------------------------------------------------------------------------------


def _check_version(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    value = document.value
    if "Version" not in value:
        yield Hit(
            "",
            "no Version: IAM then uses the 2008-10-17 language, in which policy variables such "
            'as ${aws:username} are plain text. Add "Version": "2012-10-17"',
        )
    elif value["Version"] == "2008-10-17":
        yield Hit(
            "/Version",
            'Version 2008-10-17 treats policy variables as plain text; use "2012-10-17"',
        )
    elif value["Version"] != "2012-10-17" and isinstance(value["Version"], str):
        yield Hit(
            "/Version",
            f"Version {value['Version']!r} is not a policy language version; IAM accepts only "
            '"2012-10-17" (current) and "2008-10-17"',
            severity=Severity.ERROR,
        )


VERSION = Rule.declare(
    """
    IR103 policy-version (warning)

    Version is missing or "2008-10-17" (any other value is an error).

    Why: Without Version, or with 2008-10-17, IAM uses the old policy language: policy variables are
    not substituted and some newer features do not work. Any other value is rejected.

    Fix: Start every policy with "Version": "2012-10-17".
    """,
    check_document=_check_version,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html",
    ),
    bad=Example.document({"Statement": _PERMISSIONS["Statement"]}),
    good=Example.document(_PERMISSIONS),
)

# -- IR104 --------------------------------------------------------------------------------------
_SID = re.compile(r"[A-Za-z0-9]*")


def _check_sids(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    seen: dict[str, Statement] = {}  # the first statement of each Sid
    for statement in document.statements:
        sid = statement.sid
        if sid is None:
            continue
        if not _SID.fullmatch(sid):
            yield Hit(
                statement.pointer_of("Sid"),
                f"Sid {sid!r} holds characters IAM rejects in a Sid; use only letters and digits "
                "(A-Z, a-z, 0-9)",
            )
        if sid and sid in seen:
            first = seen[sid].pointer_of("Sid")
            yield Hit(
                statement.pointer_of("Sid"),
                f"Sid {sid!r} is used twice in this policy (first at {first}); Sids must be "
                "unique within a policy",
            )
        seen.setdefault(sid, statement)


SID = Rule.declare(
    """
    IR104 invalid-sid (error)

    A Sid is not alphanumeric, or is repeated within a document.

    Why: IAM accepts only ASCII letters and digits in a Sid of an identity or trust policy, and Sids
    must be unique within a policy.

    Fix: Rename the statement with letters and digits only, different from every other Sid.
    """,
    check_document=_check_sids,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html",
    ),
    bad=Example.document(
        {
            "Version": "2012-10-17",
            "Statement": [{**_PERMISSIONS["Statement"][0], "Sid": "read-roles"}],
        }
    ),
    good=Example.document(_PERMISSIONS),
)

# -- IR105 --------------------------------------------------------------------------------------


def _check_elements_for_kind(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.statements:
        if document.kind == "permissions":
            for element in ("Principal", "NotPrincipal"):
                if statement.has(element):
                    yield Hit(
                        statement.pointer_of(element),
                        f"{element} is not allowed in a permissions (identity-based) policy: the "
                        "principal is whoever the policy is attached to. Remove it, or put this "
                        "statement in the role's trust policy",
                    )
        else:
            for element in ("Resource", "NotResource", "NotPrincipal"):
                if statement.has(element):
                    yield Hit(
                        statement.pointer_of(element),
                        f"{element} is not allowed in a role trust policy: the resource is the "
                        "role itself"
                        + (
                            "; name the trusted principals with Principal"
                            if element == "NotPrincipal"
                            else ". Remove it"
                        ),
                    )
            if not statement.has("Principal") and not statement.has("NotPrincipal"):
                yield Hit(
                    statement.pointer,
                    "this trust policy statement has no Principal: say who may assume the role "
                    '(for example "Principal": {"AWS": "<the instance role ARN>"})',
                )


ELEMENT_FOR_KIND = Rule.declare(
    """
    IR105 element-not-allowed-here (error)

    An element that this kind of document does not allow (or a trust statement without Principal).

    Why: A permissions policy applies to the identity it is attached to, so it has no Principal; a
    trust policy applies to its role, so it has no Resource, and it must name a Principal. IAM
    rejects either mistake (MalformedPolicyDocument).

    Fix: Move principals to the trust policy and resources to the permissions policy.
    """,
    check_document=_check_elements_for_kind,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
    ),
    bad=Example.document(
        {
            "Version": "2012-10-17",
            "Statement": [{**_TRUST["Statement"][0], "Resource": "*"}],
        },
        kind="trust",
    ),
    good=Example.document(_TRUST, kind="trust"),
)

# -- IR106 --------------------------------------------------------------------------------------
_NOT_ACCEPTED = re.compile(r"[^\t\n\r\x20-\xff]")


def _string_values(value: Any) -> Iterator[tuple[str, str]]:
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, pointer = stack.pop()
        if isinstance(item, str):
            yield pointer, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_pointer = f"{pointer}/{escape_pointer(key)}"
                yield child_pointer, key  # a key's characters count too
                stack.append((child, child_pointer))
        elif isinstance(item, list):
            stack.extend((child, f"{pointer}/{i}") for i, child in enumerate(item))


def _check_characters(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    whole = document.text
    # The text parsed as strict JSON: no raw control character in a string, and only tab, LF,
    # CR and space between tokens. An ASCII text can then hide a character IAM refuses only
    # behind a \u escape; isascii() reads a flag, where the regex looks at every character.
    if "\\u" not in whole and (whole.isascii() or not _NOT_ACCEPTED.search(whole)):
        return
    reported: set[str] = set()
    for pointer, text in _string_values(document.value):
        bad = _NOT_ACCEPTED.search(text)
        if bad and pointer not in reported:
            reported.add(pointer)
            yield Hit(
                pointer,
                f"character U+{ord(bad.group()):04X} is not accepted in an IAM policy (only "
                "tab, line feed, carriage return and U+0020 to U+00FF are); replace it",
            )
    match = _NOT_ACCEPTED.search(document.text)
    if match and not reported:
        # Outside any string (e.g. a stray character in whitespace).
        yield Hit("", f"character U+{ord(match.group()):04X} is not accepted in an IAM policy")


CHARACTERS = Rule.declare(
    """
    IR106 character-not-accepted (error)

    A character IAM does not accept (outside tab, LF, CR and U+0020-U+00FF).

    Why: IAM rejects policy documents holding characters outside tab, line feed, carriage return and
    the range U+0020 to U+00FF, such as typographic quotes or non-breaking hyphens pasted from a web
    page.

    Fix: Replace the character with its plain ASCII form.
    """,
    check_document=_check_characters,
    # A role name with such a character is also a name IAM does not allow.
    bad_also=frozenset({"IR403"}),
    references=(QUOTAS,),
    bad=Example.document(
        example_policy(
            {
                **_PERMISSIONS["Statement"][0],
                "Resource": "arn:aws:iam::123456789012:role/Redshift\u2011Access",
            }
        )
    ),
    good=Example.document(_PERMISSIONS),
)

# -- IR107 --------------------------------------------------------------------------------------


def _check_manifest(manifest: ManifestView) -> Iterator[Hit]:
    if manifest.interrupted:
        yield Hit(
            "",
            "manifest: a render into this directory was interrupted after it committed (its "
            "journal .iam-redshift.journal is still here), so the documents may be part old, "
            "part new: run the same 'iam-redshift render' again to finish it",
        )
    for problem in manifest.problems:
        if not problem.about_roles:
            yield Hit(problem.pointer, problem.message)
    roles = manifest.roles()
    for entry in manifest.entries:
        expected = roles.get(entry.role)
        if expected is None:
            yield Hit(
                f"{entry.pointer}/role",
                f"manifest: document {entry.path} belongs to role {entry.role!r}, which is not "
                f"in the setup (roles: {', '.join(sorted(roles))})",
            )
        else:
            if expected[0] != entry.role_kind:
                yield Hit(
                    f"{entry.pointer}/role_kind",
                    f"manifest: {entry.role} is the setup's {expected[0]} role, but this "
                    f"entry says role_kind {entry.role_kind!r}",
                )
            if expected[1] != entry.role_arn:
                yield Hit(
                    f"{entry.pointer}/role_arn",
                    f"manifest: role_arn {entry.role_arn!r} is not the ARN the setup gives "
                    f"{entry.role}: {expected[1]!r}",
                )
        if entry.pointer in manifest.unreadable:
            yield Hit(
                f"{entry.pointer}/path",
                f"manifest: the listed document {entry.path} is missing or cannot be read",
            )


MANIFEST = Rule.declare(
    """
    IR107 invalid-manifest (error)

    A bundle's manifest (iam-redshift.json) is invalid or names a document that is missing.

    Why: The cross-document rules rely on the manifest to say which role each document belongs to. A
    manifest that breaks its schema, lists a missing file, or gives a role ARN or kind other than
    the setup's would make them check the wrong thing, so they do not run; the documents are then
    linted one by one.

    Fix: Render the bundle again with 'iam-redshift render', or correct the manifest by hand
    (schemas/manifest.schema.json describes it).
    """,
    check_manifest=_check_manifest,
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
    ),
    bad=Example.bundle(
        {"Redshift-Access-Role-1/trust-policy.json": None},
        note="the manifest lists a trust policy that is not there",
    ),
    good=Example.bundle({}),
)

RULES = (
    UNREADABLE,
    GRAMMAR_RULE,
    DUPLICATE_KEY,
    VERSION,
    SID,
    ELEMENT_FOR_KIND,
    CHARACTERS,
    MANIFEST,
)
