"""The edits behind :func:`~iam_redshift.strategies.broken_bundles`: each takes a valid bundle
and a Hypothesis ``draw``, and returns the documents it changed and what it did, in words.

Each edit breaks the bundle in exactly one way a rule of the linter knows; the table of which
edit is which rule's is in :mod:`iam_redshift.strategies.mutations`.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from hypothesis import strategies as st

from iam_redshift.model import (
    PARTITIONS,
    ROLE_INLINE_POLICIES_MAX,
    ROLE_NAME_MAX,
    TRUST_POLICY_DEFAULT_MAX,
    ec2_service_principal,
    policy_size,
    role_arn,
)
from iam_redshift.render import Bundle, BundleDocument, dump_document
from iam_redshift.strategies.values import _ROLE_NAMES, ROLE_NAME_CHARACTERS, _setup_paths

__all__ = [
    "Change",
    "Mutate",
    "action_typo",
    "all_actions",
    "assumed_role",
    "changed_case",
    "dropped_path",
    "ec2_swapped",
    "everyone",
    "invalid_name",
    "not_resource",
    "other_account",
    "other_partition",
    "partial_wildcard",
    "pass_any_role",
    "permissions_too_long",
    "placeholder",
    "resource_elsewhere",
    "resource_wildcard",
    "root",
    "service_wildcard",
    "target_added",
    "target_dropped",
    "target_widened",
    "trust_action_widened",
    "trust_too_long",
    "typo",
    "unique_id",
]


@dataclass(frozen=True)
class Change:
    """The documents a mutation replaced (path to new value) and what it did."""

    documents: dict[str, Any]
    description: str


Mutate = Callable[[st.DrawFn, Bundle], Change]


def _copy(value: dict[str, Any]) -> dict[str, Any]:
    """A deep copy that shares nothing: rendered documents may use one list in two places."""
    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _document(bundle: Bundle, role_kind: str, kind: str, index: int = 0) -> BundleDocument:
    return [d for d in bundle.documents if d.role_kind == role_kind and d.kind == kind][index]


@dataclass(frozen=True)
class _Place:
    """One string of a document's Action or Resource element (alone or in a list)."""

    document: BundleDocument
    statement_index: int
    element: str
    item_index: int

    @property
    def statement(self) -> dict[str, Any]:
        statement: dict[str, Any] = self.document.document["Statement"][self.statement_index]
        return statement

    @property
    def sid(self) -> str | None:
        return self.statement.get("Sid")

    @property
    def text(self) -> str:
        text: str = _as_list(self.statement[self.element])[self.item_index]
        return text

    def replaced(self, text: str, what: str) -> Change:
        """A copy of the document with this string replaced by ``text``."""
        value = _copy(self.document.document)
        statement = value["Statement"][self.statement_index]
        if isinstance(statement[self.element], list):
            statement[self.element][self.item_index] = text
        else:
            statement[self.element] = text
        return Change({self.document.path: value}, f"{self.document.path}: {what}")


def _places(bundle: Bundle, kind: str, element: str) -> list[_Place]:
    """Every string of ``element`` in the bundle's ``kind`` documents."""
    return [
        _Place(document, statement_index, element, item_index)
        for document in bundle.documents
        if document.kind == kind
        for statement_index, statement in enumerate(document.document["Statement"])
        for item_index, _ in enumerate(_as_list(statement.get(element, [])))
    ]


def _specific_actions(bundle: Bundle, kind: str) -> list[_Place]:
    """Every action without a wildcard in the bundle's ``kind`` documents."""
    return [p for p in _places(bundle, kind, "Action") if "*" not in p.text and "?" not in p.text]


def _access_trust(draw: st.DrawFn, bundle: Bundle) -> tuple[BundleDocument, dict[str, Any]]:
    """One access role's trust policy (drawn) and a copy of its value to change."""
    index = draw(st.integers(0, len(bundle.setup.access_roles) - 1))
    document = _document(bundle, "access", "trust", index)
    return document, _copy(document.document)


def _principal_change(draw: st.DrawFn, bundle: Bundle, principal: Any, what: str) -> Change:
    """Replace the Principal of an access role's trust policy."""
    document, value = _access_trust(draw, bundle)
    value["Statement"][0]["Principal"] = principal
    return Change(
        {document.path: value},
        f"{document.path}: Principal {what}: {principal!r} instead of the instance role "
        f"{bundle.setup.instance_role_arn!r}",
    )


def _principal_arn(draw: st.DrawFn, bundle: Bundle, arn: str, what: str) -> Change:
    return _principal_change(draw, bundle, {"AWS": arn}, what)


def typo(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    name = setup.instance_role.name
    position = draw(st.integers(0, len(name) - 1))
    edits = ["replace"]
    edits += ["insert"] if len(name) < ROLE_NAME_MAX else []
    edits += ["delete"] if len(name) > 1 else []
    edit = draw(st.sampled_from(edits))
    if edit == "replace":
        # Another valid character, different even ignoring case.
        others = [c for c in ROLE_NAME_CHARACTERS if c.casefold() != name[position].casefold()]
        typo = name[:position] + draw(st.sampled_from(others)) + name[position + 1 :]
    elif edit == "insert":
        typo = name[:position] + draw(st.sampled_from(ROLE_NAME_CHARACTERS)) + name[position:]
    else:
        typo = name[:position] + name[position + 1 :]
    arn = role_arn(setup.partition, setup.account_id, typo, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"with a typo in the role name ({typo!r})")


def dropped_path(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    arn = role_arn(setup.partition, setup.account_id, setup.instance_role.name)
    return _principal_arn(draw, bundle, arn, f"without the path {setup.instance_role.path!r}")


def other_account(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    # Built directly: adding 1 to 10**12 - 1 (mod 10**12) always gives another account.
    account = f"{(int(setup.account_id) + draw(st.integers(1, 10**12 - 1))) % 10**12:012d}"
    arn = role_arn(setup.partition, account, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"in another account ({account})")


def other_partition(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    partition = draw(st.sampled_from([p for p in PARTITIONS if p != setup.partition]))
    arn = role_arn(partition, setup.account_id, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"in another partition ({partition})")


def changed_case(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    name = setup.instance_role.name
    letters = [i for i, c in enumerate(name) if c.swapcase() != c]
    flipped = set(draw(st.lists(st.sampled_from(letters), min_size=1, unique=True)))
    changed = "".join(c.swapcase() if i in flipped else c for i, c in enumerate(name))
    arn = role_arn(setup.partition, setup.account_id, changed, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"with the role name's case changed ({changed!r})")


def everyone(draw: st.DrawFn, bundle: Bundle) -> Change:
    principal = draw(st.sampled_from(["*", {"AWS": "*"}]))
    return _principal_change(draw, bundle, principal, "is everyone")


def root(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    account = draw(
        st.sampled_from([f"arn:{setup.partition}:iam::{setup.account_id}:root", setup.account_id])
    )
    return _principal_arn(draw, bundle, account, "is the whole account")


_UNIQUE_ID_CHARACTERS: Final = string.ascii_uppercase + string.digits


def unique_id(draw: st.DrawFn, bundle: Bundle) -> Change:
    # A role's unique id (AROA and 17 more), what IAM shows once the trusted role is deleted.
    unique_id = "AROA" + draw(st.text(_UNIQUE_ID_CHARACTERS, min_size=17, max_size=17))
    return _principal_arn(draw, bundle, unique_id, "is a role's unique id")


def assumed_role(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    session = draw(st.text(ROLE_NAME_CHARACTERS, min_size=2, max_size=64))
    arn = (
        f"arn:{setup.partition}:sts::{setup.account_id}:assumed-role/"
        f"{setup.instance_role.name}/{session}"
    )
    return _principal_arn(draw, bundle, arn, "is an assumed-role session ARN")


def placeholder(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    placeholder = draw(st.sampled_from(["<your-aws-account-id>", "ACCOUNT_ID", "${AccountId}"]))
    arn = role_arn(setup.partition, placeholder, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, "still holds a placeholder for the account")


def ec2_swapped(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    document = _document(bundle, "instance", "trust")
    value = _copy(document.document)
    other_partition = "aws" if setup.partition == "aws-cn" else "aws-cn"
    service = draw(
        st.sampled_from(
            [
                ec2_service_principal(other_partition),
                "lambda.amazonaws.com",
                "redshift.amazonaws.com",
                "ecs-tasks.amazonaws.com",
            ]
        )
    )
    value["Statement"][0]["Principal"] = {"Service": service}
    return Change(
        {document.path: value},
        f"{document.path}: Principal.Service {service!r} instead of {setup.ec2_principal!r}",
    )


def _assume_role_statement(bundle: Bundle) -> tuple[BundleDocument, dict[str, Any], int]:
    """The instance role's permissions policy (a copy) and the index of its AssumeRole
    statement."""
    document = _document(bundle, "instance", "permissions")
    value = _copy(document.document)
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


def target_dropped(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, index = _assume_role_statement(bundle)
    resources = value["Statement"][index]["Resource"]
    dropped = resources.pop(draw(st.integers(0, len(resources) - 1)))
    return Change(
        {document.path: value},
        f"{document.path}: sts:AssumeRole no longer lists the access role {dropped!r}",
    )


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


def resource_elsewhere(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    # ARNs in permissions other than the sts:AssumeRole targets (IR305 judges those).
    places = [
        place
        for place in _places(bundle, "permissions", "Resource")
        if place.statement["Action"] != "sts:AssumeRole" and place.text.startswith("arn:")
    ]
    place = draw(st.sampled_from(places))
    parts = place.text.split(":", 5)
    if draw(st.booleans()):
        parts[1] = draw(st.sampled_from([p for p in PARTITIONS if p != setup.partition]))
    else:
        offset = draw(st.integers(1, 10**12 - 1))
        parts[4] = f"{(int(setup.account_id) + offset) % 10**12:012d}"
    changed = ":".join(parts)
    return place.replaced(
        changed,
        f"statement {place.sid} names {changed!r}, outside the setup's partition or account",
    )


def trust_action_widened(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value = _access_trust(draw, bundle)
    action = draw(
        st.sampled_from(
            [
                ["sts:AssumeRole", "sts:TagSession"],
                ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "sts:*",
            ]
        )
    )
    value["Statement"][0]["Action"] = action
    return Change({document.path: value}, f"{document.path}: Action {action!r}")


def invalid_name(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    name = setup.instance_role.name
    # A space or a character IAM never allows in a role name, or one character too many.
    invalid = draw(
        st.sampled_from(
            [f"{name[:63]} ", f"{name[:63]}!", f"{name[:63]}/", (name * ROLE_NAME_MAX)[:64] + "x"]
        )
    )
    arn = role_arn(setup.partition, setup.account_id, invalid, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"with an invalid role name ({invalid!r})")


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
    value = _copy(document.document)
    statement = draw(st.sampled_from(value["Statement"]))
    return document, value, statement


def all_actions(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, statement = _permissions_statement(draw, bundle)
    statement["Action"] = draw(st.sampled_from(["*", ["*"]]))
    return Change(
        {document.path: value}, f"{document.path}: statement {statement.get('Sid')} allows '*'"
    )


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


def resource_wildcard(draw: st.DrawFn, bundle: Bundle) -> Change:
    # An access role's first statement: the credentials action of its cluster or workgroup,
    # which takes the dbuser or workgroup ARN (some optional ones, DescribeClusters among them,
    # take only "*" and are not IR204's to report).
    documents = [d for d in bundle.documents if d.kind == "permissions" and d.role_kind == "access"]
    document = draw(st.sampled_from(documents))
    value = _copy(document.document)
    statement = value["Statement"][0]
    statement["Resource"] = draw(st.sampled_from(["*", ["*"]]))
    return Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} applies to every resource ('*')",
    )


def partial_wildcard(draw: st.DrawFn, bundle: Bundle) -> Change:
    place = draw(st.sampled_from(_specific_actions(bundle, "permissions")))
    action = place.text
    # Keep the service and at least one letter of the name; cut at least one.
    cut = draw(st.integers(action.index(":") + 2, len(action) - 1))
    pattern = action[:cut] + "*"
    return place.replaced(pattern, f"statement {place.sid} allows {pattern!r}, not {action!r}")


def not_resource(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value, statement = _permissions_statement(draw, bundle)
    resource = statement.pop("Resource")
    statement["NotResource"] = resource
    return Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} allows everything but "
        f"NotResource {resource!r}",
    )


def pass_any_role(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    documents = [d for d in bundle.documents if d.kind == "permissions"]
    document = draw(st.sampled_from(documents))
    value = _copy(document.document)
    resource = draw(st.sampled_from(["*", f"arn:{setup.partition}:iam::{setup.account_id}:role/*"]))
    value["Statement"].append(
        {"Sid": "PassRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": resource}
    )
    return Change(
        {document.path: value}, f"{document.path}: a statement allows iam:PassRole on {resource!r}"
    )


def action_typo(draw: st.DrawFn, bundle: Bundle) -> Change:
    kind = draw(st.sampled_from(["permissions", "trust"]))
    place = draw(st.sampled_from(_specific_actions(bundle, kind)))
    action = place.text
    # One letter of the action's name typed twice: no AWS action is another one so misspelt.
    position = draw(st.integers(action.index(":") + 1, len(action) - 1))
    typo = action[:position] + action[position] + action[position:]
    return place.replaced(typo, f"statement {place.sid} names {typo!r}, not {action!r}")


def _too_long(draw: st.DrawFn, bundle: Bundle, kind: str, limit: int, quota: str) -> Change:
    """One of the bundle's ``kind`` documents with a Sid long enough to take it past ``limit``
    characters (IAM counts characters, whitespace excluded). A long Sid changes the size and
    nothing else."""
    document = draw(st.sampled_from([d for d in bundle.documents if d.kind == kind]))
    value = _copy(document.document)
    statement = {k: v for k, v in value["Statement"][0].items() if k != "Sid"}
    value["Statement"][0] = statement
    # "Sid": "…", adds the Sid and 9 more characters, so this length is always enough.
    length = max(1, limit - policy_size(dump_document(value))) + draw(st.integers(0, 2000))
    value["Statement"][0] = {"Sid": ("Padding" + "X" * length)[:length], **statement}
    size = policy_size(dump_document(value))
    return Change(
        {document.path: value}, f"{document.path}: {size} characters with a long Sid ({quota})"
    )


def trust_too_long(draw: st.DrawFn, bundle: Bundle) -> Change:
    limit = TRUST_POLICY_DEFAULT_MAX
    return _too_long(draw, bundle, "trust", limit, f"the quota is {limit}")


def permissions_too_long(draw: st.DrawFn, bundle: Bundle) -> Change:
    limit = ROLE_INLINE_POLICIES_MAX
    quota = f"a role's inline policies may have {limit} together"
    return _too_long(draw, bundle, "permissions", limit, quota)
