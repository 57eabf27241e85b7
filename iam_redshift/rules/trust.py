"""IR3xx, one document at a time: who a trust policy trusts, and whether its ARNs are well formed.

Wildcard and account principals (IR302, IR303), ARNs outside the setup's partition or account
(IR307), malformed or placeholder ARNs (IR308), unique ids left by deleted roles (IR309), and
trust actions other than ``sts:AssumeRole`` (IR310). The documents of a bundle against each other
are :mod:`~iam_redshift.rules.cross_document`'s.

One fact, one finding. IR307 stays silent on the principal IR301 reports and on the
``sts:AssumeRole`` targets IR305 reports, since their messages already name the partition or
account that differs. IR310 leaves the instance role's trust policy to IR304. IR308 never flags
the setup's own ARNs: a path may hold ``*``, ``?``, ``$`` or ``<>`` in IAM, and the setup's ARNs
are what the other rules expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from iam_redshift.arn import (
    ACCOUNT_ID,
    DIGITS,
    Arn,
    is_account_root,
    malformed_reason,
    parse_arn,
    role_of_session,
    unique_id_kind,
)
from iam_redshift.findings import Severity
from iam_redshift.matching import action_matches
from iam_redshift.rules._base import Example, Hit, LintContext, Rule
from iam_redshift.rules._common import allow, example_policy
from iam_redshift.rules._principals import (
    ACCESS_ARN,
    ARNS,
    ASSUME_ROLE,
    ASSUME_ROLE_ACTION,
    GOOD_TRUST,
    IDENTIFIERS,
    INSTANCE_ARN,
    PLACEHOLDER,
    PRINCIPAL,
    PRINCIPAL_ARN_KEY,
    ROLE_API,
    TRUST_POLICIES,
    WILDCARD,
    an,
    aws_principals,
    closest_principal,
    expected_principal,
    foreign_targets,
    names_principal,
    setup_arns,
    trust_policy,
)
from iam_redshift.sources.placeholders import holds_placeholder

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement, Value


def _check_wildcard_principal(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            if value.text != "*" or kind not in ("*", "AWS"):
                continue
            written = '"Principal": "*"' if kind == "*" else '{"AWS": "*"}'
            limited = "; only its Condition block limits who that is" if statement.condition else ""
            yield Hit(
                value.pointer,
                f"{written} lets any AWS principal, in any account, assume this role{limited}. "
                "Name the one principal that should assume it (for an access role, the instance "
                "role's ARN)",
            )


WILDCARD_PRINCIPAL = Rule.declare(
    """
    IR302 wildcard-principal (security-warning)

    A trust policy trusts every principal ("*" or {"AWS": "*"}).

    Why: A wildcard principal in a role's trust policy lets any AWS identity, in any account, call
    sts:AssumeRole on the role; only conditions, if any, stand between the role's permissions and
    the world.

    Fix: Replace the wildcard with the exact ARN of the principal that should assume the role.
    """,
    check_document=_check_wildcard_principal,
    kinds=frozenset({"trust"}),
    references=(PRINCIPAL, TRUST_POLICIES),
    bad=Example.document(trust_policy({"AWS": "*"}), kind="trust"),
    good=Example.document(GOOD_TRUST, kind="trust"),
)


def _narrowed_by_principal_arn(statement: Statement) -> bool:
    return any(key.lower() == "aws:principalarn" for _, key, _ in statement.condition_keys())


def _check_account_principal(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if document.role_kind == "instance" and context.setup is not None:
        instead = f'{{"Service": "{context.setup.ec2_principal}"}}'
    else:
        instead = context.instance_role_arn or "the instance role's ARN"
    for statement in document.allow_statements():
        if _narrowed_by_principal_arn(statement):
            continue
        for kind, value in statement.principals():
            if kind != "AWS":
                continue
            if ACCOUNT_ID.fullmatch(value.text):
                account = value.text
            else:
                arn = parse_arn(value.text)
                if arn is None or not is_account_root(arn) or not ACCOUNT_ID.fullmatch(arn.account):
                    continue
                account = arn.account
            yield Hit(
                value.pointer,
                f"principal {value.text!r} is the whole account {account}: every user and role "
                "in it whose own policies allow sts:AssumeRole on this role may assume it, not "
                f"only the instance role. Name {instead} instead, or narrow the statement with "
                "a condition on aws:PrincipalArn",
            )


ACCOUNT_PRINCIPAL = Rule.declare(
    """
    IR303 account-principal (security-warning)

    A trust policy trusts a whole account (arn:...:root or a bare account id).

    Why: An account principal delegates the decision to the account's identity policies: any user or
    role there that is allowed sts:AssumeRole on the role can assume it. In the two-role pattern
    only the instance role should.

    Fix: Name the instance role's ARN, or keep the account principal and add a condition on
    aws:PrincipalArn that names the instance role.
    """,
    check_document=_check_account_principal,
    kinds=frozenset({"trust"}),
    references=(PRINCIPAL, PRINCIPAL_ARN_KEY),
    bad=Example.document(trust_policy({"AWS": "arn:aws:iam::123456789012:root"}), kind="trust"),
    good=Example.document(
        trust_policy(
            {"AWS": "arn:aws:iam::123456789012:root"},
            condition={"ArnEquals": {"aws:PrincipalArn": INSTANCE_ARN}},
        ),
        kind="trust",
        note="narrowed by aws:PrincipalArn",
    ),
)


def _home(context: LintContext) -> tuple[str, str, str] | None:
    """(partition, account, where they come from) of the setup or of ``--instance-role``."""
    if context.setup is not None:
        return context.setup.partition, context.setup.account_id, "the setup's"
    if context.instance_role_arn:
        arn = parse_arn(context.instance_role_arn)
        if arn is not None and ACCOUNT_ID.fullmatch(arn.account):
            return arn.partition, arn.account, "the instance role's"
    return None


def _arn_values(document: PolicyDocument) -> Iterator[Value]:
    """Principal values that name an account, and Resource values."""
    for statement in document.statements:
        for kind, value in statement.principals():
            if kind in ("AWS", "Federated"):
                yield value
        yield from statement.strings("Resource")


def _reported_elsewhere(document: PolicyDocument, context: LintContext) -> set[str]:
    """Pointers whose partition or account IR301 or IR305 already describe."""
    pointers: set[str] = set()
    expected = expected_principal(document, context)
    if expected is not None and names_principal(document, expected) is None:
        candidate = closest_principal(document, expected)
        if candidate is not None:
            pointers.add(candidate[1].pointer)
    if context.setup is not None and document.role_kind == "instance":
        pointers.update(
            v.pointer for v in foreign_targets(document, context.setup.access_role_arns)
        )
    # IR603 explains why Redshift credentials of another account can never work.
    from iam_redshift.rules.redshift import foreign_credential_resources

    pointers.update(p for p, *_ in foreign_credential_resources(document, context))
    return pointers


def _check_partition_and_account(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    home = _home(context)
    if home is None:
        return
    partition, account, whose = home
    skip = _reported_elsewhere(document, context)
    for value in _arn_values(document):
        if value.pointer in skip:
            continue
        if ACCOUNT_ID.fullmatch(value.text):
            found_partition, found_account = partition, value.text
        else:
            arn = parse_arn(value.text)
            if arn is None:
                continue  # IR308
            found_partition, found_account = arn.partition, arn.account
        if found_partition != partition and not re.search(r"[*?$]", found_partition):
            yield Hit(
                value.pointer,
                f"{value.text!r} is in partition {found_partition!r}, but {whose} partition is "
                f"{partition!r}: each account lives in one partition, and roles cannot trust or "
                f"assume across partitions. Use arn:{partition}:...",
            )
        elif ACCOUNT_ID.fullmatch(found_account) and found_account != account:
            yield Hit(
                value.pointer,
                f"{value.text!r} is in account {found_account}, but {whose} account is {account}. "
                "If this cross-account access is intended, its account's policies must allow it "
                f"too; otherwise use account {account}",
                severity=Severity.WARNING,
            )


PARTITION_OR_ACCOUNT = Rule.declare(
    """
    IR307 other-partition-or-account (error)

    An ARN's partition differs from the setup's (an error) or its account does (a warning).

    Why: An AWS account belongs to exactly one partition (aws, aws-cn, aws-us-gov...), and trust
    cannot cross partitions, so such a principal or resource can never match. Another account can
    work, but the two-role pattern keeps both roles in one account, so it is usually a copy-paste
    slip.

    Fix: Use the setup's partition and account in every ARN (in a bundle they come from the
    manifest; for loose files, from --instance-role).
    """,
    check_document=_check_partition_and_account,
    references=(ARNS, "https://repost.aws/questions/QUNW6avAGBRrmYapcIhGFmig"),
    bad=Example.document(
        example_policy(
            allow("sts:AssumeRole", "arn:aws-cn:iam::123456789012:role/Redshift-Access-Role-1")
        ),
        instance_role=INSTANCE_ARN,
    ),
    good=Example.document(
        example_policy(allow("sts:AssumeRole", ACCESS_ARN)),
        instance_role=INSTANCE_ARN,
    ),
)


def _placeholder_message(text: str, placeholder: str) -> str:
    what = "your 12-digit account id" if "account" in placeholder.lower() else "the real value"
    return f"{text!r} still holds the placeholder {placeholder}: replace it with {what}"


def _role_expected_problem(arn: Arn) -> str | None:
    """Why an ARN where a role is expected is not a role's, or None."""
    if arn.service == "iam" and arn.resource_type == "role":
        return None
    if arn.service == "sts" and arn.resource_type == "assumed-role":
        role = role_of_session(arn)
        return (
            f"this is a role session (assumed-role) ARN, not a role ARN: name the role itself, "
            f"arn:{arn.partition}:iam::{arn.account}:role/{role or 'NAME'} (with its path, which "
            "session ARNs leave out)"
        )
    if arn.service == "iam" and arn.resource_type == "instance-profile":
        return (
            "this is an instance profile ARN, not a role ARN: name the role the profile holds, "
            f"arn:{arn.partition}:iam::{arn.account}:role/NAME"
        )
    if arn.service == "iam" and arn.resource_type == "user":
        return "this is an IAM user ARN, but a role is expected here: name the role's ARN"
    if is_account_root(arn):
        return None  # IR303 (principals); as an assume target see below
    what = an(f"{arn.service} {arn.resource_type or 'resource'}")
    return f"this is {what} ARN, but a role ARN is expected here"


def _principal_problem(text: str, *, role_expected: bool) -> str | None:
    """Why an AWS principal value is malformed, or None (``*``, accounts and role/user unique
    ids are other rules'; a value only known once deployed cannot be judged here)."""
    if text == "*" or ACCOUNT_ID.fullmatch(text) or holds_placeholder(text):
        return None
    placeholder = PLACEHOLDER.search(text)
    if placeholder:
        return _placeholder_message(text, placeholder.group())
    if "${" in text:
        return (
            f"{text!r} holds a variable, but IAM does not substitute variables in Principal; "
            "write the principal's ARN out in full"
        )
    unique = unique_id_kind(text)
    if unique in ("role", "user"):
        return None  # IR309
    if unique is not None:
        return f"{text!r} is the unique id of an IAM {unique}, which cannot be a principal"
    if DIGITS.fullmatch(text):
        return f"account principal {text!r} has {len(text)} digits; an account id has 12"
    if not text.startswith("arn:"):
        return (
            f"{text!r} is not an ARN, a 12-digit account id or '*'; name the principal by its "
            "full ARN (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME)"
        )
    arn = parse_arn(text)
    if arn is None:
        return f"{text!r} is not a valid ARN: {malformed_reason(text)}"
    if WILDCARD.search(text):
        return (
            f"{text!r} has a wildcard inside a principal ARN; IAM allows no wildcards in "
            'principals except the whole "*". Name the exact ARN'
        )
    if arn.service not in ("iam", "sts"):
        return f"{text!r} is {an(arn.service)} ARN; an AWS principal is an IAM or STS ARN"
    if arn.region:
        return (
            f"{text!r} has a region ({arn.region!r}), but IAM and STS ARNs have none: write "
            f"arn:{arn.partition}:{arn.service}::{arn.account}:{arn.resource}"
        )
    if arn.account in ("", "aws"):
        return f"{text!r} names no customer account; put the 12-digit account id in it"
    if arn.service == "iam" and arn.resource_type == "group":
        return f"{text!r} is an IAM group, and groups cannot be principals; name a role or user"
    if arn.service == "iam" and arn.resource_type == "instance-profile":
        return f"{text!r}: {_role_expected_problem(arn)}"
    if role_expected:
        problem = _role_expected_problem(arn)
        if problem:
            return f"{text!r}: {problem}"
    return None


def _resource_problem(text: str, *, role_expected: bool) -> str | None:
    """Why a Resource value of an IAM or STS statement is malformed, or None."""
    if text == "*" or holds_placeholder(text):
        return None
    placeholder = PLACEHOLDER.search(text)
    if placeholder:
        return _placeholder_message(text, placeholder.group())
    if "${" in text:
        return None  # policy variables are allowed in Resource; checked once substituted
    if not text.startswith("arn:"):
        if WILDCARD.search(text):
            return None  # wildcard patterns are IR2xx's
        return f'{text!r} is not an ARN; name the resource by its full ARN (or "*")'
    arn = parse_arn(text)
    if arn is None:
        return f"{text!r} is not a valid ARN: {malformed_reason(text)}"
    if arn.service in ("iam", "sts"):
        if arn.region and not WILDCARD.search(arn.region):
            return (
                f"{text!r} has a region ({arn.region!r}), but IAM and STS ARNs have none: write "
                f"arn:{arn.partition}:{arn.service}::{arn.account}:{arn.resource}"
            )
        if not arn.account:
            return f"{text!r} has no account id; put the 12-digit account id in it"
    if role_expected and not WILDCARD.search(arn.resource_type):
        if is_account_root(arn):
            return f"{text!r} is an account, not a role: sts:AssumeRole takes the role's ARN"
        problem = _role_expected_problem(arn)
        if problem:
            return f"{text!r}: {problem}"
    return None


def _only_assume_actions(statement: Statement) -> bool:
    """Whether a statement is about assuming roles: all its actions are STS actions, and one of
    them covers sts:AssumeRole (there a Resource must be a role)."""
    actions = statement.texts("Action")
    return (
        bool(actions)
        and all(a.lower().startswith("sts:") for a in actions)
        and any(action_matches(a, ASSUME_ROLE_ACTION) for a in actions)
    )


_IAM_AND_STS = frozenset({"iam", "sts"})


def _check_malformed_arns(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    exempt = setup_arns(context)
    if document.kind == "trust":
        role_expected = document.role_kind == "access"
        for statement in document.statements:
            for kind, value in statement.principals():
                if kind != "AWS" or value.text in exempt:
                    continue
                problem = _principal_problem(value.text, role_expected=role_expected)
                if problem:
                    yield Hit(value.pointer, problem)
        return
    for statement in document.statements:
        if statement.named_services.isdisjoint(_IAM_AND_STS):
            continue  # the usual case, from what the statement worked out once
        services = {a.split(":", 1)[0].lower() for a in statement.texts("Action") if ":" in a}
        if not services & _IAM_AND_STS:
            continue
        role_expected = _only_assume_actions(statement)
        for value in statement.strings("Resource"):
            if value.text in exempt:
                continue
            problem = _resource_problem(value.text, role_expected=role_expected)
            if problem:
                yield Hit(value.pointer, problem)


MALFORMED_ARN = Rule.declare(
    """
    IR308 malformed-principal-or-arn (error)

    A principal or IAM/STS resource is a malformed ARN, holds a placeholder, or names something
    other than a role where a role is expected.

    Why: IAM rejects a trust policy whose principal is not a valid ARN (MalformedPolicyDocument:
    Invalid principal), and a permissions policy with a mistyped resource ARN silently matches
    nothing. Placeholders copied from a guide (<your-aws-account-id>), an account id that is not 12
    digits, a region in an IAM ARN, a wildcard inside a principal ARN, and a user, session or
    instance profile ARN where a role belongs are all such mistakes.

    Fix: Write every ARN in full: arn:PARTITION:iam::ACCOUNT-ID:role/PATH/NAME, with the real
    12-digit account id and no region.
    """,
    check_document=_check_malformed_arns,
    references=(ARNS, IDENTIFIERS, PRINCIPAL),
    bad=Example.document(
        trust_policy(
            {"AWS": "arn:aws:iam::<your-aws-account-id>:role/EC2-Redshift-Initiator-Role"}
        ),
        kind="trust",
        note="the guide's placeholder left in",
    ),
    good=Example.document(GOOD_TRUST, kind="trust"),
)


def _check_unique_id_principal(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    expected = expected_principal(document, context)
    for value in aws_principals(document, allow_only=False):
        kind = unique_id_kind(value.text)
        if kind not in ("role", "user"):
            continue
        instead = f" (here probably {expected})" if expected and kind == "role" else ""
        yield Hit(
            value.pointer,
            f"principal {value.text} is the unique id of a {kind} that was deleted: IAM stores "
            f"principals by unique id and shows the id once the {kind} is gone, and a new {kind} "
            f"of the same name does not inherit the trust. Replace it with the {kind}'s "
            f"ARN{instead}",
        )


UNIQUE_ID_PRINCIPAL = Rule.declare(
    """
    IR309 unique-id-principal (warning)

    A principal is an IAM unique id (AROA..., AIDA...): the trusted role or user was deleted.

    Why: When you save a trust policy, IAM turns each role or user ARN into that identity's unique
    id. If the identity is deleted the id is left behind, and recreating a role with the same name
    does not restore the trust: the new role has a new id.

    Fix: Edit the trust policy and name the (recreated) role's ARN again; IAM stores its new unique
    id.
    """,
    check_document=_check_unique_id_principal,
    kinds=frozenset({"trust"}),
    references=(f"{IDENTIFIERS}#identifiers-unique-ids", ROLE_API, PRINCIPAL),
    bad=Example.document(trust_policy({"AWS": "AROADBQP57FF2AEXAMPLE"}), kind="trust"),
    good=Example.document(GOOD_TRUST, kind="trust"),
)


def _trust_action_message(action: str) -> str:
    lowered = action.lower()
    if WILDCARD.search(action):
        return (
            f"{action!r} grants every matching action on this role, sts:AssumeRole and also "
            "sts:TagSession, sts:SetSourceIdentity and the federated AssumeRole variants; in "
            'this pattern the trusted principal needs only "sts:AssumeRole"'
        )
    if lowered in ("sts:tagsession", "sts:setsourceidentity", "sts:setcontext"):
        return (
            f"{action!r} lets the principal pass session tags or identity data when it assumes "
            "this role; the two-role pattern does not use it. Remove it unless your ETL tool "
            "sets them"
        )
    if lowered in ("sts:assumerolewithsaml", "sts:assumerolewithwebidentity"):
        return (
            f"{action!r} is for federated (SAML or web identity) principals; in this pattern "
            'the role is assumed with "sts:AssumeRole"'
        )
    return (
        f'{action!r} is not an action a trust policy grants in this pattern; use "sts:AssumeRole"'
    )


def _check_trust_actions(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if document.role_kind == "instance":
        return  # IR304 holds the instance role's trust policy to exactly sts:AssumeRole
    for statement in document.allow_statements():
        if statement.has("NotAction"):
            yield Hit(
                statement.pointer_of("NotAction"),
                "NotAction in an Allow trust statement grants every action except those "
                'listed; write "Action": "sts:AssumeRole"',
            )
        for action in statement.strings("Action"):
            if action.text.lower() != ASSUME_ROLE_ACTION.lower():
                yield Hit(action.pointer, _trust_action_message(action.text))


TRUST_ACTION = Rule.declare(
    """
    IR310 trust-action-not-assume-role (warning)

    A trust statement grants an action other than sts:AssumeRole.

    Why: In the two-role pattern each trust policy needs exactly sts:AssumeRole. sts:* or
    sts:TagSession also let the principal tag sessions or set a source identity, and the federated
    variants belong to other patterns; extra actions widen the trust without a use.

    Fix: Write "Action": "sts:AssumeRole" in every trust statement.
    """,
    check_document=_check_trust_actions,
    kinds=frozenset({"trust"}),
    references=(ASSUME_ROLE, TRUST_POLICIES),
    bad=Example.document(
        trust_policy({"AWS": INSTANCE_ARN}, action=["sts:AssumeRole", "sts:TagSession"]),
        kind="trust",
    ),
    good=Example.document(GOOD_TRUST, kind="trust"),
)

RULES = (
    WILDCARD_PRINCIPAL,
    ACCOUNT_PRINCIPAL,
    PARTITION_OR_ACCOUNT,
    MALFORMED_ARN,
    UNIQUE_ID_PRINCIPAL,
    TRUST_ACTION,
)
