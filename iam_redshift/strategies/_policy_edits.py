"""Mutations of permissions policies: the instance role's ``sts:AssumeRole`` targets added,
dropped or widened, ARNs moved to another partition or account, wildcards, NotResource,
``iam:PassRole`` on any role, a misspelt action, a role's inline policies past their quota.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from iam_redshift.model import PARTITIONS, ROLE_INLINE_POLICIES_MAX, ROLE_NAME_MAX, role_arn
from iam_redshift.render import Bundle, BundleDocument
from iam_redshift.strategies._edits import (
    CREDENTIALS_ARN,
    LEAST_PRIVILEGE_SETUPS,
    TWO_ACCESS_ROLE_SETUPS,
    Change,
    Mutation,
    copied,
    document_of,
    mutation,
    other_account,
    places_in,
    specific_actions,
    too_long,
)
from iam_redshift.strategies.values import _ROLE_NAMES, _setup_paths

__all__ = ["MUTATIONS"]

#: The mutations of this module, in the order they are defined.
MUTATIONS: list[Mutation] = []


def _assume_role_statement(bundle: Bundle) -> tuple[BundleDocument, dict[str, Any], int]:
    """The instance role's permissions policy (a copy) and the index of its AssumeRole
    statement."""
    document = document_of(bundle, "instance", "permissions")
    value = copied(document.document)
    for index, statement in enumerate(value["Statement"]):
        if statement.get("Action") == "sts:AssumeRole":
            return document, value, index
    raise AssertionError("rendered instance policies always have an sts:AssumeRole statement")


def _unused_name(name: str, taken: set[str]) -> str:
    """``name``, or a numbered variant of it, that is none of ``taken`` (casefolded names)."""
    number = 0
    while name.casefold() in taken:
        suffix = f"-{number}"
        name = name[: ROLE_NAME_MAX - len(suffix)] + suffix
        number += 1
    return name


@mutation(MUTATIONS, "IR305", "assume-role-target-added")
def target_added(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    document, value, index = _assume_role_statement(bundle)
    taken = {setup.instance_role.name.casefold()} | {r.name.casefold() for r in setup.access_roles}
    name = _unused_name(draw(_ROLE_NAMES), taken)
    arn = role_arn(setup.partition, setup.account_id, name, draw(_setup_paths()))
    resources = value["Statement"][index]["Resource"]
    resources.insert(draw(st.integers(0, len(resources))), arn)
    return Change(
        {document.path: value},
        f"{document.path}: sts:AssumeRole also on {arn!r}, which is not an access role of the "
        "bundle",
    )


@mutation(MUTATIONS, "IR306", "assume-role-target-dropped", TWO_ACCESS_ROLE_SETUPS)
def target_dropped(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, index = _assume_role_statement(bundle)
    resources = value["Statement"][index]["Resource"]
    dropped = resources.pop(draw(st.integers(0, len(resources) - 1)))
    return Change(
        {document.path: value},
        f"{document.path}: sts:AssumeRole no longer lists the access role {dropped!r}",
    )


@mutation(MUTATIONS, "IR205", "assume-role-widened")
def target_widened(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    document, value, index = _assume_role_statement(bundle)
    statement = value["Statement"][index]
    position = draw(st.integers(0, len(statement["Resource"]) - 1))
    role = setup.access_roles[position]
    prefix = role.name[: draw(st.integers(0, len(role.name) - 1))]
    wildcard = draw(
        st.sampled_from(
            [
                "*",
                f"arn:{setup.partition}:iam::{setup.account_id}:role/*",
                f"arn:{setup.partition}:iam::{setup.account_id}:role{role.path}{prefix}*",
            ]
        )
    )
    if draw(st.booleans()):
        statement["Resource"] = wildcard
        where = "Resource"
    else:
        statement["Resource"][position] = wildcard
        where = f"Resource[{position}]"
    return Change(
        {document.path: value}, f"{document.path}: sts:AssumeRole {where} widened to {wildcard!r}"
    )


@mutation(MUTATIONS, "IR307", "resource-elsewhere", LEAST_PRIVILEGE_SETUPS)
def resource_elsewhere(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    # ARNs in permissions other than the sts:AssumeRole targets (IR305 judges those).
    places = [
        place
        for place in places_in(bundle, "permissions", "Resource")
        if place.statement["Action"] != "sts:AssumeRole" and place.text.startswith("arn:")
    ]
    # Database credentials of another account are IR603's to report.
    others = [p for p in places if not CREDENTIALS_ARN.fullmatch(p.text)]
    if draw(st.booleans()):
        place = draw(st.sampled_from(places))
        parts = place.text.split(":", 5)
        parts[1] = draw(st.sampled_from([p for p in PARTITIONS if p != setup.partition]))
    else:
        place = draw(st.sampled_from(others))
        parts = place.text.split(":", 5)
        parts[4] = other_account(draw, setup.account_id)
    changed = ":".join(parts)
    return place.replaced(
        changed,
        f"statement {place.sid} names {changed!r}, outside the setup's partition or account",
    )


def _permissions_statement(
    draw: st.DrawFn, bundle: Bundle, *, access_only: bool = False
) -> tuple[BundleDocument, dict[str, Any], dict[str, Any]]:
    """A permissions policy of the bundle (a copy) and one of its statements, drawn."""
    documents = [
        d
        for d in bundle.documents
        if d.kind == "permissions" and (d.role_kind == "access" or not access_only)
    ]
    document = draw(st.sampled_from(documents))
    value = copied(document.document)
    statement = draw(st.sampled_from(value["Statement"]))
    return document, value, statement


@mutation(MUTATIONS, "IR201", "action-wildcard")
def all_actions(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, statement = _permissions_statement(draw, bundle)
    statement["Action"] = draw(st.sampled_from(["*", ["*"]]))
    return Change(
        {document.path: value}, f"{document.path}: statement {statement.get('Sid')} allows '*'"
    )


@mutation(MUTATIONS, "IR202", "service-wildcard", LEAST_PRIVILEGE_SETUPS)
def service_wildcard(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, statement = _permissions_statement(draw, bundle, access_only=True)
    actions = statement["Action"]
    first = actions if isinstance(actions, str) else actions[0]
    wildcard = first.partition(":")[0] + ":*"
    statement["Action"] = wildcard
    return Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} allows {wildcard!r}",
    )


@mutation(MUTATIONS, "IR204", "resource-wildcard", LEAST_PRIVILEGE_SETUPS)
def resource_wildcard(draw: st.DrawFn, bundle: Bundle) -> Change:
    # The instance role's first statement: the IAM read actions on the access roles. (An
    # access role's credentials statement on "*" is IR607's, which knows its target.)
    document = next(
        d for d in bundle.documents if d.kind == "permissions" and d.role_kind == "instance"
    )
    value = copied(document.document)
    statement = value["Statement"][0]
    statement["Resource"] = draw(st.sampled_from(["*", ["*"]]))
    return Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} applies to every resource ('*')",
    )


@mutation(MUTATIONS, "IR203", "partial-action-wildcard")
def partial_wildcard(draw: st.DrawFn, bundle: Bundle) -> Change:
    place = draw(st.sampled_from(specific_actions(bundle, "permissions")))
    action = place.text
    # Keep the service and at least one letter of the name; cut at least one.
    cut = draw(st.integers(action.index(":") + 2, len(action) - 1))
    pattern = action[:cut] + "*"
    return place.replaced(pattern, f"statement {place.sid} allows {pattern!r}, not {action!r}")


@mutation(MUTATIONS, "IR206", "allow-not-resource")
def not_resource(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, statement = _permissions_statement(draw, bundle)
    resource = statement.pop("Resource")
    statement["NotResource"] = resource
    return Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} allows everything but "
        f"NotResource {resource!r}",
    )


@mutation(MUTATIONS, "IR207", "pass-any-role")
def pass_any_role(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    documents = [d for d in bundle.documents if d.kind == "permissions"]
    document = draw(st.sampled_from(documents))
    value = copied(document.document)
    resource = draw(st.sampled_from(["*", f"arn:{setup.partition}:iam::{setup.account_id}:role/*"]))
    value["Statement"].append(
        {"Sid": "PassRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": resource}
    )
    return Change(
        {document.path: value}, f"{document.path}: a statement allows iam:PassRole on {resource!r}"
    )


@mutation(MUTATIONS, "IR501", "action-typo")
def action_typo(draw: st.DrawFn, bundle: Bundle) -> Change:
    kind = draw(st.sampled_from(["permissions", "trust"]))
    place = draw(st.sampled_from(specific_actions(bundle, kind)))
    action = place.text
    # One letter of the action's name typed twice: no AWS action is another one so misspelt.
    position = draw(st.integers(action.index(":") + 1, len(action) - 1))
    typo = action[:position] + action[position] + action[position:]
    return place.replaced(typo, f"statement {place.sid} names {typo!r}, not {action!r}")


@mutation(MUTATIONS, "IR402", "permissions-policy-too-long")
def permissions_too_long(draw: st.DrawFn, bundle: Bundle) -> Change:
    limit = ROLE_INLINE_POLICIES_MAX
    quota = f"a role's inline policies may have {limit} together"
    return too_long(draw, bundle, "permissions", limit, quota)
