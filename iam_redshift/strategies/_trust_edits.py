"""Mutations of trust policies: an access role's trusted principal changed (a typo, another
account or partition, everyone, the root, a session or unique id, ...), the instance role's EC2
principal swapped, more trust actions, an invalid role name, a trust policy past its quota.
"""

from __future__ import annotations

import string
from typing import Any, Final

from hypothesis import strategies as st

from iam_redshift.model import (
    PARTITIONS,
    ROLE_NAME_MAX,
    TRUST_POLICY_DEFAULT_MAX,
    ec2_service_principal,
    role_arn,
)
from iam_redshift.render import Bundle
from iam_redshift.strategies._edits import (
    INSTANCE_PATH_SETUPS,
    LETTERED_NAME_SETUPS,
    Change,
    Mutation,
    copied,
    document_of,
    drawn_copy,
    mutation,
    other_account,
    too_long,
)
from iam_redshift.strategies.values import ROLE_NAME_CHARACTERS

__all__ = ["MUTATIONS"]

#: The mutations of this module, in the order they are defined.
MUTATIONS: list[Mutation] = []


def _principal_change(draw: st.DrawFn, bundle: Bundle, principal: Any, what: str) -> Change:
    """Replace the Principal of an access role's trust policy."""
    document, value = drawn_copy(draw, bundle, "access", "trust")
    value["Statement"][0]["Principal"] = principal
    return Change(
        {document.path: value},
        f"{document.path}: Principal {what}: {principal!r} instead of the instance role "
        f"{bundle.setup.instance_role_arn!r}",
    )


def _principal_arn(draw: st.DrawFn, bundle: Bundle, arn: str, what: str) -> Change:
    return _principal_change(draw, bundle, {"AWS": arn}, what)


@mutation(MUTATIONS, "IR301", "principal-typo")
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


@mutation(MUTATIONS, "IR301", "principal-dropped-path", INSTANCE_PATH_SETUPS)
def dropped_path(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    arn = role_arn(setup.partition, setup.account_id, setup.instance_role.name)
    return _principal_arn(draw, bundle, arn, f"without the path {setup.instance_role.path!r}")


@mutation(MUTATIONS, "IR301", "principal-other-account")
def principal_other_account(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    account = other_account(draw, setup.account_id)
    arn = role_arn(setup.partition, account, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"in another account ({account})")


@mutation(MUTATIONS, "IR301", "principal-other-partition")
def other_partition(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    partition = draw(st.sampled_from([p for p in PARTITIONS if p != setup.partition]))
    arn = role_arn(partition, setup.account_id, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"in another partition ({partition})")


@mutation(MUTATIONS, "IR301", "principal-changed-case", LETTERED_NAME_SETUPS)
def changed_case(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    name = setup.instance_role.name
    letters = [i for i, c in enumerate(name) if c.swapcase() != c]
    flipped = set(draw(st.lists(st.sampled_from(letters), min_size=1, unique=True)))
    changed = "".join(c.swapcase() if i in flipped else c for i, c in enumerate(name))
    arn = role_arn(setup.partition, setup.account_id, changed, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"with the role name's case changed ({changed!r})")


@mutation(MUTATIONS, "IR302", "principal-everyone")
def everyone(draw: st.DrawFn, bundle: Bundle) -> Change:
    principal = draw(st.sampled_from(["*", {"AWS": "*"}]))
    return _principal_change(draw, bundle, principal, "is everyone")


@mutation(MUTATIONS, "IR303", "principal-root")
def root(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    account = draw(
        st.sampled_from([f"arn:{setup.partition}:iam::{setup.account_id}:root", setup.account_id])
    )
    return _principal_arn(draw, bundle, account, "is the whole account")


_UNIQUE_ID_CHARACTERS: Final = string.ascii_uppercase + string.digits


@mutation(MUTATIONS, "IR309", "principal-unique-id")
def unique_id(draw: st.DrawFn, bundle: Bundle) -> Change:
    # A role's unique id (AROA and 17 more), what IAM shows once the trusted role is deleted.
    unique_id = "AROA" + draw(st.text(_UNIQUE_ID_CHARACTERS, min_size=17, max_size=17))
    return _principal_arn(draw, bundle, unique_id, "is a role's unique id")


@mutation(MUTATIONS, "IR308", "principal-assumed-role")
def assumed_role(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    session = draw(st.text(ROLE_NAME_CHARACTERS, min_size=2, max_size=64))
    arn = (
        f"arn:{setup.partition}:sts::{setup.account_id}:assumed-role/"
        f"{setup.instance_role.name}/{session}"
    )
    return _principal_arn(draw, bundle, arn, "is an assumed-role session ARN")


@mutation(MUTATIONS, "IR308", "principal-placeholder")
def placeholder(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    placeholder = draw(st.sampled_from(["<your-aws-account-id>", "ACCOUNT_ID", "${AccountId}"]))
    arn = role_arn(setup.partition, placeholder, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, "still holds a placeholder for the account")


@mutation(MUTATIONS, "IR304", "ec2-principal-swapped")
def ec2_swapped(draw: st.DrawFn, bundle: Bundle) -> Change:
    setup = bundle.setup
    document = document_of(bundle, "instance", "trust")
    value = copied(document.document)
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


@mutation(MUTATIONS, "IR310", "trust-action-widened")
def trust_action_widened(draw: st.DrawFn, bundle: Bundle) -> Change:
    document, value = drawn_copy(draw, bundle, "access", "trust")
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


@mutation(MUTATIONS, "IR403", "principal-invalid-name")
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


@mutation(MUTATIONS, "IR401", "trust-policy-too-long")
def trust_too_long(draw: st.DrawFn, bundle: Bundle) -> Change:
    limit = TRUST_POLICY_DEFAULT_MAX
    return too_long(draw, bundle, "trust", limit, f"the quota is {limit}")
