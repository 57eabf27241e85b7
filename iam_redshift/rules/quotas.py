"""IR4xx: IAM's size and naming quotas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import repeat
from typing import TYPE_CHECKING

from iam_redshift.arn import arn_fields
from iam_redshift.findings import Severity
from iam_redshift.model import (
    MANAGED_POLICY_MAX,
    ROLE_INLINE_POLICIES_MAX,
    ROLE_PATH_MAX,
    TRUST_POLICY_DEFAULT_MAX,
    TRUST_POLICY_RAISED_MAX,
    policy_size,
    valid_role_name,
    valid_role_path,
)
from iam_redshift.rules._base import BundleContext, Example, Hit, LintContext, Related, Rule
from iam_redshift.rules._common import QUOTAS, allow, example_policy

if TYPE_CHECKING:
    from iam_redshift.document.manifest import ManifestView
    from iam_redshift.document.policy import PolicyDocument

CREATE_ROLE = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"


def _padded_statement(text_length: int) -> dict[str, object]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["x" * text_length]}},
    }


# -- IR401 --------------------------------------------------------------------------------------


def _check_trust_size(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    size = policy_size(document.text)
    limit = context.trust_policy_max_chars
    if size > limit:
        raised = (
            f" (the default quota is {TRUST_POLICY_DEFAULT_MAX}; it can be raised to at most "
            f"{TRUST_POLICY_RAISED_MAX}: set trust-policy-max-chars if your account has)"
            if limit < TRUST_POLICY_RAISED_MAX
            else ""
        )
        yield Hit(
            "",
            f"this trust policy has {size:,} characters (whitespace excluded); IAM accepts at most "
            f"{limit:,}{raised}. Merge statements or principals to shorten it",
        )


TRUST_SIZE = Rule.declare(
    """
    IR401 trust-policy-too-long (error)

    A trust policy is longer than 2,048 characters, whitespace excluded.

    Why: IAM rejects a role trust policy over the account's quota (2,048 characters by default,
    raisable to 4,096 through Service Quotas), so the role cannot be created or updated.

    Fix: Shorten the trust policy (one statement with a list of principals), or raise the quota and
    set trust-policy-max-chars to match.
    """,
    check_document=_check_trust_size,
    kinds=frozenset({"trust"}),
    references=(QUOTAS,),
    bad=Example.document(
        {"Version": "2012-10-17", "Statement": [_padded_statement(2100)]}, kind="trust"
    ),
    good=Example.document(
        {"Version": "2012-10-17", "Statement": [_padded_statement(10)]}, kind="trust"
    ),
)

# -- IR402 --------------------------------------------------------------------------------------


def _check_managed_size(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if document.attachment == "aws-managed":
        return  # AWS writes and sizes its own managed policies (ReadOnlyAccess has 46,948)
    if len(document.text) <= MANAGED_POLICY_MAX:
        return  # no quota below: the size, whitespace excluded, is at most the text's length
    if document.attachment == "managed":
        # The file says so (AWS::IAM::ManagedPolicy, aws_iam_policy, a dump's managed policy):
        # the managed-policy quota is the one, and no role's inline quota counts it.
        size = policy_size(document.text)
        if size > MANAGED_POLICY_MAX:
            yield Hit(
                "",
                f"this managed policy has {size:,} characters (whitespace excluded); IAM accepts "
                f"at most {MANAGED_POLICY_MAX:,} for a managed policy. Split it into several "
                "policies",
            )
        return
    if document.role_kind is not None:
        return  # a bundle's or a pattern's role: IR402's bundle check counts its policies together
    size = policy_size(document.text)
    if document.attachment == "inline" or document.role is not None:
        # An inline policy, of a role outside the pattern (no bundle check) or of a principal
        # the file does not name: no managed-policy quota applies, and no principal's inline
        # quota is larger than a role's.
        if size > ROLE_INLINE_POLICIES_MAX:
            yield Hit(
                "",
                f"this inline policy has {size:,} characters (whitespace excluded); IAM accepts "
                f"at most {ROLE_INLINE_POLICIES_MAX:,} for a role's inline policies together "
                "(fewer for a user's or a group's). Split it, or move some permissions to a "
                "managed policy",
            )
        return
    # How it will be attached is unknown: as an inline policy it may have up to 10,240 (IAM
    # Access Analyzer's identity-policy check uses that quota), as a customer managed policy
    # up to 6,144. Over the first nothing can hold it; over the second, only an inline policy.
    if size > ROLE_INLINE_POLICIES_MAX:
        yield Hit(
            "",
            f"this permissions policy has {size:,} characters (whitespace excluded); IAM "
            f"accepts at most {ROLE_INLINE_POLICIES_MAX:,} for a role's inline policies together "
            f"and {MANAGED_POLICY_MAX:,} for a managed policy. Split it into several policies",
        )
    elif size > MANAGED_POLICY_MAX:
        yield Hit(
            "",
            f"this permissions policy has {size:,} characters (whitespace excluded): too long "
            f"for a customer managed policy (at most {MANAGED_POLICY_MAX:,}), though it fits a "
            f"role's inline policies (at most {ROLE_INLINE_POLICIES_MAX:,} together). Attach it "
            "inline, or split it to use it as managed policies",
            severity=Severity.WARNING,
        )


def _check_inline_sizes(bundle: BundleContext) -> Iterator[Hit]:
    by_role: dict[str, list[PolicyDocument]] = defaultdict(list)
    for document in bundle.documents:
        if (
            document.kind == "permissions"
            and document.role is not None
            and document.attachment in (None, "inline")  # a managed policy has its own quota
        ):
            by_role[document.role].append(document)
    for role, documents in by_role.items():
        sizes = [policy_size(d.text) for d in documents]
        total = sum(sizes)
        if total > ROLE_INLINE_POLICIES_MAX:
            largest = max(range(len(documents)), key=lambda i: sizes[i])
            yield Hit(
                "",
                f"the inline policies of role {role} have {total:,} characters together "
                f"(whitespace excluded); IAM allows at most {ROLE_INLINE_POLICIES_MAX:,} per "
                "role. Move some permissions to a managed policy (up to "
                f"{MANAGED_POLICY_MAX:,} characters each)",
                file=documents[largest].file,
                related=tuple(
                    Related(d.file, "", f"{s:,} characters")
                    for i, (d, s) in enumerate(zip(documents, sizes, strict=True))
                    if i != largest
                ),
            )


POLICY_SIZE = Rule.declare(
    """
    IR402 permissions-policy-too-long (error)

    A role's inline policies together exceed 10,240 characters, a managed policy exceeds 6,144,
    or a loose permissions policy exceeds 10,240 (an error) or 6,144 (a warning), whitespace
    excluded.

    Why: IAM rejects policies over these quotas, so the deployment fails. A bundle's permissions
    policies, and the inline policies of a template's or an account's roles, are inline policies
    of their role and are measured together; a customer managed policy (AWS::IAM::ManagedPolicy,
    aws_iam_policy, one in an account dump) has a quota of its own, 6,144, and AWS's own managed
    policies are not held to it. A loose permissions document may become either: over 10,240
    characters it fits neither (an error); over 6,144 it fits only as an inline policy (a
    warning).

    Fix: Split the permissions into several managed policies, or narrow them (fewer, scoped actions
    and resources).
    """,
    check_document=_check_managed_size,
    check_bundle=_check_inline_sizes,
    bundle_needs_setup=False,  # a template's roles have inline policies too
    kinds=frozenset({"permissions"}),
    references=(QUOTAS,),
    bad=Example.document(
        example_policy(
            *(
                {
                    "Sid": f"Read{i}",
                    "Effect": "Allow",
                    "Action": "iam:GetRole",
                    "Resource": f"arn:aws:iam::123456789012:role/Redshift-Access-Role-{i:04d}",
                }
                for i in range(80)
            )
        )
    ),
    good=Example.document(
        example_policy(
            {
                "Sid": "ReadAccessRoles",
                "Effect": "Allow",
                "Action": "iam:GetRole",
                "Resource": "arn:aws:iam::123456789012:role/Redshift-Access-Role-1",
            }
        )
    ),
)

# -- IR403 --------------------------------------------------------------------------------------


def _role_name_problem(rest: str) -> str | None:
    """What is wrong with the ``/path/name`` part of a role ARN, if anything."""
    path, _, name = rest.rpartition("/")
    path += "/"
    if not valid_role_name(name):
        return (
            f"role name {name!r} is not valid: 1 to 64 of letters, digits and + = , . @ _ -"
            if name
            else "the ARN has no role name after the path"
        )
    if not valid_role_path(path):
        return (
            f"role path {path!r} is not valid: '/' or '/.../' of at most {ROLE_PATH_MAX} characters"
        )
    return None


def _role_path_and_name(text: str) -> str | None:
    """The ``/path/name`` of a role ARN (``arn:P:iam::A:role/path/name``), else None."""
    fields = arn_fields(text)
    if fields is None:
        return None
    _, service, region, _, resource = fields
    if service != "iam" or region or not resource.startswith("role/"):
        return None
    return resource[len("role") :]


def _check_role_arns(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.statements:
        principals = statement.principals()  # none in a permissions policy's statements
        values = [v for _, v in principals] if principals else []
        if any(map(str.__contains__, statement.texts("Resource"), repeat(":role/"))):
            values += statement.strings("Resource")  # else none is a role ARN: no values made
        for value in values:
            if ":role/" not in value.text:
                continue  # not a role ARN: decided without splitting it
            rest = _role_path_and_name(value.text)
            if rest is None or "*" in value.text or "?" in value.text or "${" in value.text:
                continue
            problem = _role_name_problem(rest)
            if problem is not None:
                yield Hit(value.pointer, f"{value.text!r}: {problem}; IAM has no such role")


def _check_manifest_roles(manifest: ManifestView) -> Iterator[Hit]:
    for problem in manifest.problems:
        if problem.about_roles:
            yield Hit(problem.pointer, problem.message)


ROLE_NAMES = Rule.declare(
    """
    IR403 invalid-role-name (error)

    An invalid role name or path, or role names equal ignoring case.

    Why: IAM role names are 1 to 64 characters of letters, digits and + = , . @ _ -, paths are '/'
    or '/.../' of at most 512 characters, and names are unique ignoring case: a policy that names
    another role can never match, and a setup with such names cannot be created.

    Fix: Use the role's exact name as IAM shows it; rename roles that differ only in case.
    """,
    check_document=_check_role_arns,
    check_manifest=_check_manifest_roles,
    references=(CREATE_ROLE, QUOTAS),
    bad=Example.document(
        example_policy(
            allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/Redshift Access Role")
        )
    ),
    good=Example.document(
        example_policy(
            allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/Redshift-Access-Role-1")
        )
    ),
)

RULES = (TRUST_SIZE, POLICY_SIZE, ROLE_NAMES)
