"""IR205, IR207, IR208: wildcards over roles. ``sts:AssumeRole`` on a wildcard lets the principal
become any matching role; ``iam:PassRole`` on one lets it hand any matching role to a service.
The helpers they share with the other wildcard rules are in :mod:`~iam_redshift.rules.wildcards`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from iam_redshift import knowledge
from iam_redshift.document.policy import services_of
from iam_redshift.matching import POLICY_VARIABLE
from iam_redshift.rules._base import Example, Hit, LintContext, Rule
from iam_redshift.rules._common import (
    LEAST_PRIVILEGE,
    POLICY_CHECKS,
    RESOURCE,
    allow,
    example_policy,
)
from iam_redshift.rules.wildcards import (
    ACCESS_ROLE_ARN,
    ASSUME_ROLE,
    PASS_ROLE,
    grants_action,
    has_wildcard,
    may_match_role,
)

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement

# -- IR205 and IR207 ----------------------------------------------------------------------------


def _check_role_action_on_wildcard(
    document: PolicyDocument, action: str, consequence: str
) -> Iterator[Hit]:
    if not document.may_allow_service(services_of((action,))):
        return
    for statement in document.allow_statements():
        through = grants_action(statement, action)
        if through is None:
            continue
        via = "" if through.text.lower() == action.lower() else f" (through {through.text})"
        for value in statement.strings("Resource"):
            if may_match_role(value.text):
                yield Hit(
                    value.pointer,
                    f"this statement allows {action}{via} on {value.text!r}, which matches "
                    f"{'every role' if value.text == '*' else 'many roles'}: {consequence}",
                )


def _check_assume_role_wildcard(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    return _check_role_action_on_wildcard(
        document,
        "sts:AssumeRole",
        "the role holding this policy may assume any of them whose trust policy lets it in, "
        "including roles created later. List the access roles' ARNs instead",
    )


ASSUME_ROLE_WILDCARD = Rule.declare(
    """
    IR205 assume-role-on-wildcard (security-warning)

    An Allow statement grants sts:AssumeRole (also through sts:*, sts:Assume* or *) on a wildcard
    resource.

    Why: The instance role should reach exactly its Redshift access roles. With a wildcard resource
    it may assume any role whose trust policy trusts it or its account, so a trust policy written
    carelessly elsewhere becomes a way in. (sts:AssumeRoleWithSAML and sts:AssumeRoleWithWebIdentity
    are not covered: they are called without AWS credentials, so a permissions policy does not grant
    them.)

    Fix: List each access role's ARN in Resource (iam-redshift render does).
    """,
    check_document=_check_assume_role_wildcard,
    kinds=frozenset({"permissions"}),
    references=(ASSUME_ROLE, RESOURCE, LEAST_PRIVILEGE),
    bad=Example.document(
        example_policy(allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/*")),
        note="every role in the account",
    ),
    good=Example.document(example_policy(allow("sts:AssumeRole", [ACCESS_ROLE_ARN]))),
)


def _restricts_passed_service(statement: Statement) -> bool:
    """Whether the statement conditions iam:PassRole on ``iam:PassedToService``: with any
    operator but an ``...IfExists`` one (which also matches requests without the key) or
    ``Null``."""
    for operator, key, _ in statement.condition_keys():
        base = operator.rpartition(":")[2]
        counts = base != "Null" and not base.endswith("IfExists")
        if counts and key.lower() == "iam:passedtoservice":
            return True
    return False


_IAM = services_of(("iam:PassRole",))
_ROLE_ARN = re.compile(r"arn:([^:*?]+):iam::([^:]*):role/(.*)", re.DOTALL)


def _pass_role_scope(resource: str) -> str | None:
    """How widely an iam:PassRole Resource value reaches: ``None`` for one role (no
    wildcard, or only the account's: PassRole passes roles of the caller's own account only),
    ``"prefix"`` for the roles whose path and name start with a literal text
    (``role/service-role/Glue*``), ``"any"`` for roles of any name."""
    if not may_match_role(resource):
        return None
    match = _ROLE_ARN.fullmatch(POLICY_VARIABLE.sub("x", resource))
    if match is None:
        return "any"
    name = match.group(3)
    if not has_wildcard(name):
        return None  # arn:aws:iam::*:role/NAME: in the caller's account, one role
    literal = re.split(r"[*?]", name, maxsplit=1)[0]
    return "prefix" if literal.rstrip("/") else "any"


def _pass_role_hits(document: PolicyDocument, scope: str) -> Iterator[Hit]:
    if not document.may_allow_service(_IAM):
        return
    for statement in document.allow_statements():
        through = grants_action(statement, "iam:PassRole")
        if through is None or _restricts_passed_service(statement):
            continue
        via = "" if through.text.lower() == "iam:passrole" else f" (through {through.text})"
        for value in statement.strings("Resource"):
            if _pass_role_scope(value.text) != scope:
                continue
            if scope == "any":
                yield Hit(
                    value.pointer,
                    f"this statement allows iam:PassRole{via} on {value.text!r}, which matches "
                    f"{'every role' if value.text == '*' else 'roles of any name'}, with no "
                    "iam:PassedToService condition: the role holding this policy may hand any "
                    "of them, however powerful, to any AWS service. List the roles it passes "
                    "by ARN, or add an iam:PassedToService condition",
                )
            else:
                yield Hit(
                    value.pointer,
                    f"this statement allows iam:PassRole{via} on {value.text!r}, every role "
                    "whose name starts so, with no iam:PassedToService condition: roles created "
                    "later with such a name can be passed to any AWS service. Add an "
                    "iam:PassedToService condition naming the service, or list the roles",
                )


def _check_pass_role_wildcard(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    return _pass_role_hits(document, "any")


def _check_pass_role_prefix(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    return _pass_role_hits(document, "prefix")


# -- IR206 --------------------------------------------------------------------------------------


PASS_ROLE_WILDCARD = Rule.declare(
    """
    IR207 pass-role-on-wildcard (security-warning)

    An Allow statement grants iam:PassRole on roles of any name, with no iam:PassedToService
    condition.

    Why: iam:PassRole lets a principal give a role to an AWS service (a Redshift cluster, an EC2
    instance). On a wildcard resource, and without an iam:PassedToService condition, it can pass any
    matching role, including administrator roles, to any service, and so act with their permissions
    through the service. A wildcard in the account only (arn:aws:iam::*:role/NAME) is one role,
    since a principal can pass only roles of its own account; a condition on iam:PassedToService
    (not an ...IfExists one, which also matches requests without the key) limits which services get
    them. A name-prefix wildcard (role/Glue*) is reported as IR208 instead.

    Fix: List the ARNs of the roles it passes (for Redshift: the roles attached to the cluster), and
    add an iam:PassedToService condition.
    """,
    check_document=_check_pass_role_wildcard,
    kinds=frozenset({"permissions"}),
    references=(PASS_ROLE, POLICY_CHECKS, LEAST_PRIVILEGE),
    bad=Example.document(example_policy(allow("iam:PassRole", "arn:aws:iam::123456789012:role/*"))),
    good=Example.document(
        example_policy(
            allow(
                "iam:PassRole",
                ACCESS_ROLE_ARN,
                Condition={"StringEquals": {"iam:PassedToService": "redshift.amazonaws.com"}},
            )
        )
    ),
)

PASS_ROLE_PREFIX = Rule.declare(
    """
    IR208 pass-role-on-name-prefix (warning)

    An Allow statement grants iam:PassRole on the roles whose name starts with a prefix
    (role/Redshift-*), with no iam:PassedToService condition.

    Why: A name prefix limits which roles can be passed, but not to which service: any role created
    later with a matching name can be handed to any AWS service that accepts a role. An
    iam:PassedToService condition closes that; so does listing the roles.

    Fix: Add a condition such as "StringEquals": {"iam:PassedToService": "redshift.amazonaws.com"},
    or list the roles' ARNs.
    """,
    check_document=_check_pass_role_prefix,
    kinds=frozenset({"permissions"}),
    references=(PASS_ROLE, POLICY_CHECKS, LEAST_PRIVILEGE),
    bad=Example.document(
        example_policy(allow("iam:PassRole", "arn:aws:iam::123456789012:role/Redshift-Access-*"))
    ),
    good=Example.document(
        example_policy(
            allow(
                "iam:PassRole",
                "arn:aws:iam::123456789012:role/Redshift-Access-*",
                Condition={"StringEquals": {"iam:PassedToService": "redshift.amazonaws.com"}},
            )
        )
    ),
)


RULES = (ASSUME_ROLE_WILDCARD, PASS_ROLE_WILDCARD, PASS_ROLE_PREFIX)

# Answers cached here come from the index in use: forget them when it changes.
knowledge.caches_follow_the_index(__name__)
