"""What the principal rules (:mod:`~iam_redshift.rules.trust` and
:mod:`~iam_redshift.rules.cross_document`) share: their references, the documents their examples
are made of, and how they read statements and principals."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from iam_redshift.arn import ACCOUNT_ID, Arn, is_account_root, parse_arn, unique_id_kind
from iam_redshift.matching import action_matches, is_pattern, resource_matches
from iam_redshift.model import SCOPED_ROLE_READ_ACTIONS
from iam_redshift.sources.placeholders import holds_placeholder

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement, Value
    from iam_redshift.rules._base import LintContext

PRINCIPAL = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
)

IDENTIFIERS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"

ARNS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"

ROLE_FOR_EC2 = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html"

PRINCIPAL_ARN_KEY = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-keys.html#condition-keys-principalarn"
)

ASSUME_ROLE = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"

TRUST_POLICIES = "https://aws.amazon.com/blogs/security/how-to-use-trust-policies-with-iam-roles/"

ROLE_API = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html"

INSTANCE_ARN = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"


ACCESS_ARN = "arn:aws:iam::123456789012:role/Redshift-Access-Role-1"


INSTANCE_DIR = "EC2-Redshift-Initiator-Role"


ACCESS_DIR = "Redshift-Access-Role-1"


def trust_policy(
    principal: object, *, action: object = "sts:AssumeRole", condition: object = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def instance_permissions(resources: list[str] | None) -> dict[str, Any]:
    """The example setup's instance permissions policy, reading and assuming ``resources``
    (None: without its sts:AssumeRole statement)."""
    read = resources if resources is not None else [ACCESS_ARN]
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ReadAccessRoles",
            "Effect": "Allow",
            "Action": list(SCOPED_ROLE_READ_ACTIONS),
            "Resource": read,
        }
    ]
    if resources is not None:
        statements.append(
            {
                "Sid": "AssumeAccessRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": resources,
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


GOOD_TRUST = trust_policy({"AWS": INSTANCE_ARN})


PLACEHOLDER = re.compile(r"<[^<>]*>")


WILDCARD = re.compile(r"[*?]")


ASSUME_ROLE_ACTION = "sts:AssumeRole"


def covers_any(pattern: str, arns: frozenset[str]) -> bool:
    """Whether a Resource value covers one of ``arns``: a set lookup for an exact value, so a
    bundle of thousands of roles is not compared pair by pair."""
    if pattern in arns:
        return True
    return is_pattern(pattern) and any(resource_matches(pattern, arn) for arn in arns)


def any_covers(patterns: Iterable[str], arn: str) -> bool:
    """Whether one of the Resource values ``patterns`` covers ``arn``."""
    return any(resource_matches(p, arn) for p in patterns)


def allows_assume_role(statement: Statement) -> bool:
    """Whether an Allow statement grants ``sts:AssumeRole`` (directly, by wildcard, or by a
    NotAction that leaves it out)."""
    if not statement.allows:
        return False
    if statement.has("Action"):
        return any(action_matches(a, ASSUME_ROLE_ACTION) for a in statement.texts("Action"))
    if statement.has("NotAction"):
        return not any(action_matches(a, ASSUME_ROLE_ACTION) for a in statement.texts("NotAction"))
    return False


def assume_resources(document: PolicyDocument) -> Iterator[tuple[Statement, Value]]:
    """(statement, Resource value) for each resource a statement allows ``sts:AssumeRole`` on."""
    for statement in document.statements:
        if allows_assume_role(statement):
            for value in statement.strings("Resource"):
                yield statement, value


def aws_principals(document: PolicyDocument, *, allow_only: bool = True) -> Iterator[Value]:
    """The ``AWS`` principal values (and ``"Principal": "*"``) of the document's statements."""
    for statement in document.statements:
        if allow_only and not statement.allows:
            continue
        for kind, value in statement.principals():
            if kind == "AWS" or (kind == "*" and value.text == "*"):
                yield value


def names_principal(document: PolicyDocument, arn: str) -> Value | None:
    """The first Allow statement principal that is exactly ``arn``."""
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            if kind == "AWS" and value.text == arn:
                return value
    return None


def setup_arns(context: LintContext) -> frozenset[str]:
    """The ARNs the setup itself derives: valid by construction, whatever their paths hold."""
    arns = context.setup.role_arns if context.setup is not None else frozenset()
    if context.instance_role_arn and context.instance_role_arn not in arns:
        arns = arns | {context.instance_role_arn}
    return arns


def fallback_pointer(document: PolicyDocument) -> str:
    """Where to report a trust policy that names nothing useful: its first Allow statement's
    Principal, else its first statement, else its Statement element."""
    first = next(document.allow_statements(), None)
    if first is not None:
        return first.pointer_of("Principal") if first.has("Principal") else first.pointer
    if document.statements:
        return document.statements[0].pointer
    return (
        "/Statement" if isinstance(document.value, dict) and "Statement" in document.value else ""
    )


def an(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def expected_principal(document: PolicyDocument, context: LintContext) -> str | None:
    """The principal this trust policy must name, when it must name one: the instance role, for
    an access role's trust policy in a bundle, or for a loose trust policy that names AWS
    principals when ``--instance-role`` is given (one that trusts only services or federated
    identities is not an access role's trust policy)."""
    if document.kind != "trust":
        return None
    if context.setup is not None:
        return context.setup.instance_role_arn if document.role_kind == "access" else None
    if not context.instance_role_arn:
        return None
    if not any(True for _ in aws_principals(document)):
        return None
    return context.instance_role_arn


def closest_principal(document: PolicyDocument, expected: str) -> tuple[str, Value] | None:
    """The principal (type, value) closest to ``expected`` (what was probably meant to be it)."""
    wanted = parse_arn(expected)
    best: tuple[int, int, str, Value] | None = None
    index = 0
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            index += 1
            found = parse_arn(value.text) if kind == "AWS" else None
            if kind == "AWS" and value.text.lower() == expected.lower():
                score = 0
            elif found and wanted and found.name.lower() == wanted.name.lower():
                score = 1
            elif found and found.resource_type == "role":
                score = 2
            elif kind in ("AWS", "*"):
                score = 3
            else:
                score = 4
            if best is None or (score, index) < best[:2]:
                best = (score, index, kind, value)
    return (best[2], best[3]) if best else None


def foreign_targets(document: PolicyDocument, access_arns: Iterable[str]) -> Iterator[Value]:
    """Role ARNs (or patterns) the document allows sts:AssumeRole on that cover no access role of
    the bundle. A pattern that covers some access role is IR205's (wildcards) to judge, and a
    value that is not a role ARN at all is IR308's."""
    known = frozenset(access_arns)
    for _, value in assume_resources(document):
        text = value.text
        if covers_any(text, known):
            continue
        arn = parse_arn(text)
        if arn is not None and arn.service == "iam" and arn.resource_type == "role":
            yield value


def arn_differences(found: Arn, wanted: Arn) -> list[str]:
    if found.service != wanted.service or found.resource_type != wanted.resource_type:
        if is_account_root(found):
            kind = "the account root (every principal of the account, see IR303)"
        elif found.service == "sts" and found.resource_type == "assumed-role":
            kind = "a role session (sts assumed-role) ARN (see IR308)"
        else:
            kind = an(f"{found.service} {found.resource_type or 'resource'} ARN")
        return [f"it is {kind}, not a role ARN"] + (
            [f"its account is {found.account!r}, not {wanted.account!r}"]
            if found.account != wanted.account
            else []
        )
    differences = []
    if found.partition != wanted.partition:
        differences.append(f"its partition is {found.partition!r}, not {wanted.partition!r}")
    if found.account != wanted.account:
        differences.append(f"its account is {found.account!r}, not {wanted.account!r}")
    if found.region:
        differences.append(f"it has a region ({found.region!r}), which IAM ARNs never have")
    if found.path != wanted.path:
        how = "differs only in case" if found.path.lower() == wanted.path.lower() else "is"
        differences.append(f"its path {how} {found.path!r}, not {wanted.path!r}")
    if found.name != wanted.name:
        how = "differs only in case" if found.name.lower() == wanted.name.lower() else "is"
        differences.append(f"its role name {how} {found.name!r}, not {wanted.name!r}")
    return differences


def describe_principal(text: str, expected: str) -> str:
    """What a principal value is, and how it differs from ``expected``, in words."""
    if text == "*":
        return "'*' (every principal, see IR302)"
    if ACCOUNT_ID.fullmatch(text):
        return f"the whole account {text} (see IR303)"
    unique = unique_id_kind(text)
    if unique in ("role", "user"):
        return f"the unique id {text} of a deleted {unique} (see IR309)"
    if holds_placeholder(text):
        return f"{text!r}, a reference to another value of the file"
    placeholder = PLACEHOLDER.search(text)
    if placeholder:
        return f"{text!r}, which still holds the placeholder {placeholder.group()} (see IR308)"
    found, wanted = parse_arn(text), parse_arn(expected)
    if text.lower() == expected.lower():
        return f"{text!r}, which differs from it only in case"
    if found is None or wanted is None:
        return f"{text!r}, which is not a valid principal ARN (see IR308)"
    differences = arn_differences(found, wanted) or ["it differs"]
    return f"{text!r}: {'; '.join(differences)}"


def missing_instance_role(document: PolicyDocument, expected: str) -> tuple[str, str] | None:
    """(pointer, what is there instead) when no Allow statement names ``expected`` exactly."""
    if names_principal(document, expected) is not None:
        return None
    candidate = closest_principal(document, expected)
    if candidate is None:
        return fallback_pointer(document), "no principal in an Allow statement"
    kind, value = candidate
    if kind not in ("AWS", "*"):
        return value.pointer, f"only the {kind} principal {value.text!r}"
    return value.pointer, describe_principal(value.text, expected)


def closest_access_role(text: str, access_arns: Iterable[str]) -> str:
    found = parse_arn(text)
    if found is None:
        return ""
    for arn in access_arns:
        wanted = parse_arn(arn)
        if wanted is None:
            continue
        if arn.lower() == text.lower():
            return f"; it differs only in case from the access role {arn} (ARNs match exactly)"
        if wanted.name.lower() == found.name.lower():
            differences = "; ".join(arn_differences(found, wanted))
            return f"; did you mean the access role {arn}? ({differences})"
    return ""
