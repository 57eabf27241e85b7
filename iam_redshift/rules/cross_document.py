"""IR3xx across a bundle: the instance role's and the access roles' documents against each other.

Each access role trusts exactly the instance role (IR301), the instance role trusts exactly EC2
(IR304), and the instance role's ``sts:AssumeRole`` targets agree with the access roles' trust
(IR305, IR306). IR301 also checks a loose trust policy against ``--instance-role``.

One fact, one finding. The cross-document rules say how a document disagrees with the setup,
whatever else is in it: an access role's trust policy that lacks the instance role's ARN is IR301
even when what it names instead is ``*`` (also IR302), an account (also IR303), a unique id (also
IR309) or a malformed ARN (also IR308), because those rules add a fact IR301 does not state.
IR305 reports an access role whose trust policy does not name the instance role only through
IR301 (which points at both documents); IR305 itself covers targets missing from the bundle (an
exact ARN, or a pattern that covers no access role: a pattern that covers one is IR205's, in the
wildcard family) and trust policies that name the instance role without granting it
``sts:AssumeRole``. IR304 reports every principal of the instance role's trust policy but EC2 (a
``*`` there is also IR302).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from iam_redshift.matching import POLICY_VARIABLE, is_pattern
from iam_redshift.rules._base import BundleContext, Example, Hit, LintContext, Related, Rule
from iam_redshift.rules._principals import (
    ACCESS_ARN,
    ACCESS_DIR,
    ASSUME_ROLE,
    ASSUME_ROLE_ACTION,
    IDENTIFIERS,
    INSTANCE_DIR,
    PRINCIPAL,
    ROLE_FOR_EC2,
    TRUST_POLICIES,
    WILDCARD,
    allows_assume_role,
    any_covers,
    assume_resources,
    closest_access_role,
    expected_principal,
    fallback_pointer,
    foreign_targets,
    instance_permissions,
    missing_instance_role,
    trust_policy,
)

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Value


class _AssumeEntries:
    """The instance permissions policy's ``sts:AssumeRole`` Resource entries, indexed once per
    bundle by the access role each names exactly, so that finding the entry of every access role
    stays linear in the number of roles."""

    def __init__(self, bundle: BundleContext) -> None:
        self.bundle = bundle
        self.exact: dict[str, tuple[PolicyDocument, Value]] = {}
        self.patterns: list[tuple[PolicyDocument, Value]] = []
        for document in bundle.of_role("instance", "permissions"):
            for _, value in assume_resources(document):
                owner = (
                    value.text
                    if bundle.given_setup is not None
                    else bundle.access_role_named(value.text) or value.text
                )
                self.exact.setdefault(owner, (document, value))
                if is_pattern(value.text):
                    self.patterns.append((document, value))

    def related(self, arn: str | None) -> Related | None:
        """The entry for ``arn``: the one naming it, else the first pattern that covers it."""
        if arn is None:
            return None
        found = self.exact.get(arn)
        if found is not None:
            return Related(
                found[0].file,
                found[1].pointer,
                f"the instance role's permissions policy allows sts:AssumeRole on {arn} here",
            )
        for document, value in self.patterns:
            if self.bundle.covers_access_role(value.text, arn):
                return Related(
                    document.file,
                    value.pointer,
                    f"the instance role's permissions policy allows sts:AssumeRole on {arn} "
                    f"through {value.text!r} here",
                )
        return None


def _check_instance_role_named_loose(
    document: PolicyDocument, context: LintContext
) -> Iterator[Hit]:
    if context.setup is not None:
        return  # bundles: the bundle check below reports, with the other document as related
    expected = expected_principal(document, context)
    if expected is None:
        return
    missing = missing_instance_role(document, expected)
    if missing is not None:
        pointer, found = missing
        yield Hit(
            pointer,
            f"this trust policy does not name the instance role {expected} (--instance-role): "
            f"it names {found}. IAM matches principals exactly, so the instance role cannot "
            f'assume this role; set "Principal": {{"AWS": "{expected}"}}',
        )


def _instance_principal(bundle: BundleContext, document: PolicyDocument) -> Value | None:
    """The first Allow statement principal that names the bundle's instance role."""
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            if kind == "AWS" and bundle.names_instance_role(value.text):
                return value
    return None


def _grants_assume_role(bundle: BundleContext, document: PolicyDocument) -> bool:
    """Whether some Allow statement gives the instance role ``sts:AssumeRole`` on this role."""
    return any(
        allows_assume_role(statement)
        and any(
            kind == "AWS" and bundle.names_instance_role(v.text)
            for kind, v in statement.principals()
        )
        for statement in document.statements
    )


def _check_instance_role_named(bundle: BundleContext) -> Iterator[Hit]:
    expected = bundle.instance_role_arn
    entries = _AssumeEntries(bundle)
    for document in bundle.of_role("access", "trust"):
        if _instance_principal(bundle, document) is not None:
            continue
        missing = missing_instance_role(document, expected)
        if missing is None:
            continue
        pointer, found = missing
        related = entries.related(document.role_arn)
        where = (
            f" (the instance role's permissions policy {related.file} allows assuming it)"
            if related
            else ""
        )
        yield Hit(
            pointer,
            f"the trust policy of access role {document.role} does not name the instance role "
            f"{expected}: it names {found}. IAM matches principals exactly, so the instance role "
            f"cannot assume {document.role}{where}; set the principal to {expected!r}",
            file=document.file,
            related=(related,) if related else (),
        )


INSTANCE_ROLE_NOT_TRUSTED = Rule.declare(
    """
    IR301 instance-role-not-trusted (error)

    An access role's trust policy does not name the instance role's ARN exactly.

    Why: IAM matches an AWS principal by its exact ARN: a different role name, a missing or extra
    path, another account or partition, or a change of case each names another principal (or none),
    so the instance role cannot assume the access role and the ETL tool's connection fails with
    AccessDenied. In a bundle the instance role's ARN comes from the setup; for loose trust
    policies, from --instance-role.

    Fix: Name the instance role's full ARN, path included, exactly as the setup derives it:
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"}.
    """,
    check_document=_check_instance_role_named_loose,
    check_bundle=_check_instance_role_named,
    kinds=frozenset({"trust"}),
    bundle_needs_setup=False,
    references=(PRINCIPAL, IDENTIFIERS, TRUST_POLICIES),
    bad=Example.bundle(
        {
            f"{ACCESS_DIR}/trust-policy.json": trust_policy(
                {"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiater-Role"}
            )
        },
        note="the role name is misspelt",
    ),
    good=Example.bundle({}),
)


def _other_ec2_message(text: str, ec2: str, partition: str) -> str | None:
    other = {"ec2.amazonaws.com", "ec2.amazonaws.com.cn"} - {ec2}
    if text in other:
        return (
            f"{text!r} is the EC2 service principal of another partition; in {partition} it is "
            f"{ec2!r}"
        )
    if text.lower() == ec2:
        return f"{text!r} is not written exactly {ec2!r}"
    return None


def _check_ec2_trust(bundle: BundleContext) -> Iterator[Hit]:
    ec2 = bundle.ec2_principal
    for document in bundle.of_role("instance", "trust"):
        allow = list(document.allow_statements())
        ec2_named = any(
            kind == "Service" and v.text == ec2 for s in allow for kind, v in s.principals()
        )
        granted = False
        for statement in allow:
            principals = statement.principals()
            names_ec2 = any(kind == "Service" and v.text == ec2 for kind, v in principals)
            for kind, value in principals:
                if kind == "Service" and value.text == ec2:
                    continue
                if kind == "*":
                    what, extra = "every principal ('*')", None
                elif kind == "Service":
                    what = f"service principal {value.text!r}"
                    extra = _other_ec2_message(value.text, ec2, bundle.partition)
                else:
                    what, extra = f"{kind} principal {value.text!r}", None
                lead = (
                    f"the instance role's trust policy also trusts {what}"
                    if ec2_named
                    else f"the instance role's trust policy trusts {what} instead of EC2"
                )
                yield Hit(
                    value.pointer,
                    f"{lead}{f' ({extra})' if extra else ''}: the instance role must be "
                    f"assumable by EC2 alone. Trust exactly "
                    f'{{"Service": "{ec2}"}} with sts:AssumeRole',
                    file=document.file,
                )
            if not names_ec2:
                continue
            if statement.has("NotAction"):
                yield Hit(
                    statement.pointer_of("NotAction"),
                    "the instance role's trust policy gives EC2 every action but those in "
                    'NotAction; write "Action": "sts:AssumeRole"',
                    file=document.file,
                )
            actions = statement.strings("Action")
            exact = any(a.text.lower() == ASSUME_ROLE_ACTION.lower() for a in actions)
            granted = granted or exact
            for action in actions:
                if action.text.lower() == ASSUME_ROLE_ACTION.lower():
                    continue
                besides = (
                    "besides sts:AssumeRole" if exact else "where exactly sts:AssumeRole belongs"
                )
                yield Hit(
                    action.pointer,
                    f"the instance role's trust policy grants EC2 {action.text!r} {besides}; "
                    f"EC2 needs exactly sts:AssumeRole to deliver the role to the instance. "
                    f'Write "Action": "sts:AssumeRole"',
                    file=document.file,
                )
        if not ec2_named and not any(s.principals() for s in allow):
            yield Hit(
                fallback_pointer(document),
                f"the instance role's trust policy does not trust the EC2 service, so no instance "
                f"can use the role; add an Allow statement with "
                f'"Principal": {{"Service": "{ec2}"}} and "Action": "sts:AssumeRole"',
                file=document.file,
            )


EC2_TRUST = Rule.declare(
    """
    IR304 instance-role-not-ec2-only (error)

    The instance role's trust policy does not trust exactly the partition's EC2 service principal
    with sts:AssumeRole.

    Why: EC2 delivers an instance role's credentials only if the role trusts the EC2 service
    principal (ec2.amazonaws.com, or ec2.amazonaws.com.cn in the China partition) with
    sts:AssumeRole. Any other principal or action lets something besides the instance become the
    role that may assume every Redshift access role.

    Fix: Give the instance role one trust statement: "Principal": {"Service": "ec2.amazonaws.com"}
    (ec2.amazonaws.com.cn in aws-cn), "Action": "sts:AssumeRole".
    """,
    check_bundle=_check_ec2_trust,
    bundle_needs_setup=False,
    references=(ROLE_FOR_EC2, PRINCIPAL),
    bad=Example.bundle(
        {f"{INSTANCE_DIR}/trust-policy.json": trust_policy({"Service": "lambda.amazonaws.com"})},
        note="a different service",
    ),
    good=Example.bundle({}),
)


def _check_assume_targets(bundle: BundleContext) -> Iterator[Hit]:
    access_arns = bundle.access_role_arns
    trust_of = {d.role_arn: d for d in bundle.of_role("access", "trust")}
    for document in bundle.of_role("instance", "permissions"):
        for value in foreign_targets(document, access_arns):
            if bundle.given_setup is None and (
                bundle.access_role_named(value.text)
                or any(bundle.covers_access_role(value.text, a) for a in access_arns)
            ):
                continue
            hint = closest_access_role(value.text, access_arns)
            what = (
                "which matches no access role of this bundle"
                if WILDCARD.search(POLICY_VARIABLE.sub("*", value.text))
                else "which is not an access role of this bundle"
            )
            yield Hit(
                value.pointer,
                f"the instance role's permissions policy allows sts:AssumeRole on {value.text}, "
                f"{what}{hint}. Add the role to the setup, or remove it from this Resource",
                file=document.file,
            )
        for _, value in assume_resources(document):
            owner = bundle.access_role_named(value.text)
            trust = trust_of.get(owner) if owner is not None else None
            if trust is None or _instance_principal(bundle, trust) is None:
                continue  # a missing trust policy is IR107's; a missing principal IR301's
            if _grants_assume_role(bundle, trust):
                continue
            named = _instance_principal(bundle, trust)
            yield Hit(
                value.pointer,
                f"the instance role's permissions policy allows sts:AssumeRole on {trust.role}, "
                f"but {trust.role}'s trust policy ({trust.file}) names the instance role without "
                "granting it sts:AssumeRole, so assuming the role fails. Give the instance role "
                '"Action": "sts:AssumeRole" in that trust policy',
                file=document.file,
                related=(
                    Related(
                        trust.file,
                        named.pointer if named else fallback_pointer(trust),
                        "the access role's trust policy names the instance role here, without "
                        "sts:AssumeRole",
                    ),
                ),
            )


ASSUME_TARGET_NOT_TRUSTING = Rule.declare(
    """
    IR305 assume-target-does-not-trust (error)

    The instance policy allows assuming a role that is missing from the bundle, or whose trust
    policy does not let the instance role assume it.

    Why: sts:AssumeRole succeeds only if both sides agree: the caller's permissions policy allows it
    and the role's trust policy trusts the caller for sts:AssumeRole. A target that is not one of
    the setup's access roles is either a typo or a role nobody reviewed.

    Fix: List exactly the setup's access role ARNs in the instance role's sts:AssumeRole statement,
    and give each of them a trust policy that grants the instance role sts:AssumeRole.
    """,
    check_bundle=_check_assume_targets,
    bundle_needs_setup=False,
    references=(ASSUME_ROLE, PRINCIPAL),
    bad=Example.bundle(
        {
            f"{INSTANCE_DIR}/permissions-policy.json": instance_permissions(
                [ACCESS_ARN, "arn:aws:iam::123456789012:role/Redshift-Access-Role-2"]
            )
        },
        note="Redshift-Access-Role-2 is not in the setup",
    ),
    good=Example.bundle({}),
)


def _assume_statement_related(documents: list[PolicyDocument]) -> Related:
    for document in documents:
        for statement in document.statements:
            if allows_assume_role(statement):
                element = "NotResource" if statement.has("NotResource") else "Resource"
                return Related(
                    document.file,
                    statement.pointer_of(element) if statement.has(element) else statement.pointer,
                    "the instance role's sts:AssumeRole statement, which does not list this role",
                )
    document = documents[0]
    return Related(
        document.file,
        "/Statement" if document.statements else "",
        "the instance role's permissions policy, which has no sts:AssumeRole statement",
    )


def _check_trusted_but_not_allowed(bundle: BundleContext) -> Iterator[Hit]:
    permissions = bundle.of_role("instance", "permissions")
    if not permissions:
        return  # unreadable or missing: IR100/IR107 say so, and nothing can be compared
    resources = [v.text for document in permissions for _, v in assume_resources(document)]
    exact = frozenset(r for r in resources if not is_pattern(r))
    patterns = [r for r in resources if is_pattern(r)]
    # The access roles the exact resources name, once: not again for every trust policy.
    named = {bundle.access_role_named(r) for r in exact} if bundle.given_setup is None else set()
    for trust in bundle.of_role("access", "trust"):
        principal = _instance_principal(bundle, trust)
        if principal is None or trust.role_arn is None:
            continue
        if trust.role_arn in exact or any_covers(patterns, trust.role_arn):
            continue
        if bundle.given_setup is None and (
            trust.role_arn in named
            or any(bundle.covers_access_role(p, trust.role_arn) for p in patterns)
        ):
            continue
        related = _assume_statement_related(permissions)
        yield Hit(
            principal.pointer,
            f"access role {trust.role} trusts the instance role, but the instance role's "
            f"permissions policy ({related.file}) does not allow sts:AssumeRole on "
            f"{trust.role_arn}, so the ETL tool cannot use this role. Add {trust.role_arn} to "
            "the Resource of its sts:AssumeRole statement",
            file=trust.file,
            related=(related,),
        )


TRUSTED_NOT_ALLOWED = Rule.declare(
    """
    IR306 trusted-role-not-assumable (error)

    An access role trusts the instance role, but the instance policy does not allow assuming it.

    Why: Trust is one half of role assumption: the instance role's own permissions policy must also
    allow sts:AssumeRole on the access role's ARN, or the call is denied.

    Fix: Add the access role's ARN to the Resource list of the instance role's sts:AssumeRole
    statement (AllowAssumingPreferredRoles).
    """,
    check_bundle=_check_trusted_but_not_allowed,
    bundle_needs_setup=False,
    references=(
        ASSUME_ROLE,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html",
    ),
    bad=Example.bundle(
        {f"{INSTANCE_DIR}/permissions-policy.json": instance_permissions(None)},
        note="the sts:AssumeRole statement was dropped",
    ),
    good=Example.bundle({}),
)

RULES = (INSTANCE_ROLE_NOT_TRUSTED, EC2_TRUST, ASSUME_TARGET_NOT_TRUSTING, TRUSTED_NOT_ALLOWED)
