"""Synthetic ``aws iam get-account-authorization-details`` dumps: small ones with known answers
(for property tests of ``iam-redshift graph``) and the two-role pattern as an account holds it.
Large realistic ones, for benchmarks, are in :mod:`~iam_redshift.strategies.synthetic`.

A :class:`GeneratedDump` carries the dump and what a correct analysis must find: every
assume-role edge with its verdict and condition keys, and every managed-policy ARN the dump
attaches without holding. The expected answer is worked out here from how the dump was built,
independently of the evaluator it checks.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from iam_redshift.render import Bundle

__all__ = [
    "CONDITIONS",
    "GeneratedDump",
    "account_dumps",
    "bundle_dump",
]

VERSION = "2012-10-17"
#: Conditions a generated trust statement may carry: (operator, key, value).
CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("StringEquals", "sts:ExternalId", "3f1c9a"),
    ("Bool", "aws:MultiFactorAuthPresent", "true"),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
    ("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"),
)
_TRUST_KINDS = ("ec2", "lambda", "arn", "account", "anyone", "mistyped")


@dataclass(frozen=True)
class GeneratedDump:
    """A dump and its known answers.

    ``edges`` maps (source, target) to (verdict, condition keys) for every edge the graph must
    hold and no other; ``dangling`` holds the (principal ARN, policy ARN) attachments whose
    policy the dump lacks.
    """

    dump: dict[str, Any]
    edges: Mapping[tuple[str, str], tuple[str, tuple[str, ...]]]
    dangling: frozenset[tuple[str, str]]

    def text(self) -> str:
        """The dump as the AWS CLI writes it (2-space indented JSON)."""
        return json.dumps(self.dump, indent=2) + "\n"


def _encode(document: dict[str, Any], how: str) -> Any:
    if how == "json":
        return json.dumps(document)
    if how == "url":
        return urllib.parse.quote(json.dumps(document, separators=(",", ":")), safe="")
    return document


def _policy(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": statements}


# One recipe from first draw to expected answer: split up, the answer would be harder to check.
@st.composite
def account_dumps(  # noqa: PLR0915
    draw: st.DrawFn,
    *,
    account_id: str = "123456789012",
    max_roles: int = 6,
    max_users: int = 3,
) -> GeneratedDump:
    """Small dumps with known edges: roles trusted by EC2 (with or without an instance
    profile), Lambda, one principal's ARN, the whole account, anyone, or a mistyped ARN; trust
    statements with or without a condition; identity policies (inline, in a managed policy, or
    through a group) that allow ``sts:AssumeRole`` on some roles or all and explicitly deny it on
    others; documents as objects, JSON text or URL-encoded text; and managed-policy ARNs the dump
    does not hold."""
    n_roles = draw(st.integers(1, max_roles))
    n_users = draw(st.integers(0, max_users))
    roles = [f"arn:aws:iam::{account_id}:role/R{i}" for i in range(n_roles)]
    users = [f"arn:aws:iam::{account_id}:user/U{i}" for i in range(n_users)]
    everyone = roles + users
    encoding = st.sampled_from(("object", "json", "url"))
    allow: dict[str, set[str]] = {}
    deny: dict[str, set[str]] = {}
    holder: dict[str, str] = {}  # where the principal's statements live: inline/managed/group
    for principal in everyone:
        choice = draw(st.sampled_from(("none", "all", "some")))
        allow[principal] = (
            set(roles)
            if choice == "all"
            else set(draw(st.lists(st.sampled_from(roles), max_size=3)))
            if choice == "some"
            else set()
        )
        deny[principal] = set(draw(st.lists(st.sampled_from(roles), max_size=2)))
        places = ("inline", "managed", "group") if principal in users else ("inline", "managed")
        holder[principal] = draw(st.sampled_from(places))
    trust: dict[str, tuple[str, str | None, tuple[str, str, str] | None, bool]] = {}
    for role in roles:
        kind = draw(st.sampled_from(_TRUST_KINDS))
        named = None
        if kind == "arn":
            others = [p for p in everyone if p != role]
            if not others:
                kind = "lambda"
            else:
                named = draw(st.sampled_from(others))
        condition = None
        if kind in ("arn", "account", "anyone") and draw(st.booleans()):
            condition = draw(st.sampled_from(CONDITIONS))
        profile = draw(st.booleans()) if kind == "ec2" else False
        trust[role] = (kind, named, condition, profile)

    # The expected answer, from how the dump is built.
    edges: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for role, (kind, named, condition, profile) in trust.items():
        verdict, keys = ("conditional", (condition[1],)) if condition else ("allowed", ())
        if kind == "ec2" and profile:
            edges[("ec2.amazonaws.com", role)] = ("allowed", ())
        elif kind == "lambda":
            edges[("lambda.amazonaws.com", role)] = ("allowed", ())
        elif kind == "anyone":
            edges[("*", role)] = (verdict, keys)
        for principal in everyone:
            if principal == role or role in deny[principal]:
                continue
            if (
                (kind == "arn" and named == principal)
                or kind == "anyone"
                or (kind == "account" and role in allow[principal])
            ):
                edges[(principal, role)] = (verdict, keys)

    # The dump.
    policies: list[dict[str, Any]] = []
    dangling: set[tuple[str, str]] = set()

    def identity(principal: str) -> list[dict[str, Any]]:
        statements: list[dict[str, Any]] = []
        if allow[principal]:
            resource = "*" if allow[principal] == set(roles) else sorted(allow[principal])
            statements.append({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource})
        if deny[principal]:
            statements.append(
                {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": sorted(deny[principal])}
            )
        return statements

    def attachments(principal: str, name: str) -> tuple[list[Any], list[Any]]:
        """(inline policies, attached managed policies) of a principal."""
        statements = identity(principal)
        inline: list[Any] = []
        managed: list[Any] = []
        if statements and holder[principal] == "inline":
            inline.append(
                {
                    "PolicyName": f"{name}-assume",
                    "PolicyDocument": _encode(_policy(statements), draw(encoding)),
                }
            )
        elif statements and holder[principal] == "managed":
            arn = f"arn:aws:iam::{account_id}:policy/{name}-assume"
            managed.append({"PolicyName": f"{name}-assume", "PolicyArn": arn})
            policies.append(
                {
                    "PolicyName": f"{name}-assume",
                    "Arn": arn,
                    "DefaultVersionId": "v2",
                    "PolicyVersionList": [
                        {
                            "VersionId": "v1",
                            "IsDefaultVersion": False,
                            "Document": _encode(
                                _policy(
                                    [
                                        {
                                            "Effect": "Allow",
                                            "Action": "sts:AssumeRole",
                                            "Resource": "*",
                                        }
                                    ]
                                ),
                                "object",
                            ),
                        },
                        {
                            "VersionId": "v2",
                            "IsDefaultVersion": True,
                            "Document": _encode(_policy(statements), draw(encoding)),
                        },
                    ],
                }
            )
        if draw(st.booleans()):
            missing = f"arn:aws:iam::{account_id}:policy/Missing-{name}"
            managed.append({"PolicyName": f"Missing-{name}", "PolicyArn": missing})
            dangling.add((principal, missing))
        return inline, managed

    role_list = []
    for role in roles:
        name = role.rpartition("/")[2]
        kind, named, condition, profile = trust[role]
        named_by: Any
        if kind == "ec2":
            named_by = {"Service": "ec2.amazonaws.com"}
        elif kind == "lambda":
            named_by = {"Service": "lambda.amazonaws.com"}
        elif kind == "arn":
            named_by = {"AWS": named}
        elif kind == "account":
            named_by = {"AWS": f"arn:aws:iam::{account_id}:root"}
        elif kind == "anyone":
            named_by = {"AWS": "*"}
        else:
            named_by = {"AWS": f"arn:aws:iam::{account_id}:role/{name}-Mistyped"}
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": named_by,
            "Action": "sts:AssumeRole",
        }
        if condition:
            statement["Condition"] = {condition[0]: {condition[1]: condition[2]}}
        inline, managed = attachments(role, name)
        profiles = (
            [
                {
                    "InstanceProfileName": name,
                    "Arn": f"arn:aws:iam::{account_id}:instance-profile/{name}",
                    "Roles": [],
                }
            ]
            if profile
            else []
        )
        role_list.append(
            {
                "RoleName": name,
                "Path": "/",
                "Arn": role,
                "AssumeRolePolicyDocument": _encode(_policy([statement]), draw(encoding)),
                "RolePolicyList": inline,
                "AttachedManagedPolicies": managed,
                "InstanceProfileList": profiles,
            }
        )
    user_list, group_list = [], []
    for user in users:
        name = user.rpartition("/")[2]
        if holder[user] == "group":
            statements = identity(user)
            group_list.append(
                {
                    "GroupName": f"{name}-group",
                    "Arn": f"arn:aws:iam::{account_id}:group/{name}-group",
                    "GroupPolicyList": [
                        {"PolicyName": "assume", "PolicyDocument": _policy(statements)}
                    ]
                    if statements
                    else [],
                    "AttachedManagedPolicies": [],
                }
            )
            inline, managed = [], []
            groups = [f"{name}-group"]
            if draw(st.booleans()):
                missing = f"arn:aws:iam::{account_id}:policy/Missing-{name}"
                managed.append({"PolicyName": f"Missing-{name}", "PolicyArn": missing})
                dangling.add((user, missing))
        else:
            inline, managed = attachments(user, name)
            groups = []
        user_list.append(
            {
                "UserName": name,
                "Path": "/",
                "Arn": user,
                "GroupList": groups,
                "UserPolicyList": inline,
                "AttachedManagedPolicies": managed,
            }
        )
    dump = {
        "UserDetailList": user_list,
        "GroupDetailList": group_list,
        "RoleDetailList": role_list,
        "Policies": policies,
    }
    return GeneratedDump(dump, edges, frozenset(dangling))


def bundle_dump(
    bundle: Bundle, *, instance_profile: bool = True, encoding: str = "object"
) -> dict[str, Any]:
    """The account a rendered two-role bundle becomes once deployed, as its dump: each role
    with its trust policy and its permissions policy inline, the instance role in an instance
    profile of the same name."""
    roles: dict[str, dict[str, Any]] = {}
    for document in bundle.documents:
        arn = document.role_arn
        path = "/" + arn.split(":role/", 1)[1].rpartition("/")[0].lstrip("/")
        entry = roles.setdefault(
            arn,
            {
                "RoleName": document.role,
                "Path": path if path.endswith("/") else path + "/",
                "Arn": arn,
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
                "InstanceProfileList": [],
            },
        )
        if document.kind == "trust":
            entry["AssumeRolePolicyDocument"] = _encode(document.document, encoding)
        else:
            entry["RolePolicyList"].append(
                {
                    "PolicyName": f"{document.role}-permissions",
                    "PolicyDocument": _encode(document.document, encoding),
                }
            )
        if (
            document.role_kind == "instance"
            and instance_profile
            and not entry["InstanceProfileList"]
        ):
            account = arn.split(":")[4]
            partition = arn.split(":")[1]
            entry["InstanceProfileList"].append(
                {
                    "InstanceProfileName": document.role,
                    "Arn": f"arn:{partition}:iam::{account}:instance-profile/{document.role}",
                    "Roles": [],
                }
            )
    return {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": list(roles.values()),
        "Policies": [],
    }
