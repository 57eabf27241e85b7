"""Strategies for the values a setup is made of: account ids, partitions, role names, paths and
ARNs, Redshift targets, instance and access roles, whole setups and the bundles rendered from them.

Every strategy builds valid values directly (no filtering of mostly-invalid ones), so it
generates quickly and shrinks to small, readable examples.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from iam_redshift.model import (
    PARTITIONS,
    PROFILES,
    ROLE_NAME_MAX,
    ROLE_PATH_MAX,
    SESSION_SECONDS_MAX,
    SESSION_SECONDS_MIN,
    AccessRole,
    InstanceRole,
    Partition,
    Profile,
    RedshiftCluster,
    RedshiftServerless,
    Setup,
    Target,
    role_arn,
)
from iam_redshift.render import Bundle, render_bundle

#: The characters IAM allows in a role name (CreateRole's ``RoleName`` pattern).
ROLE_NAME_CHARACTERS: Final = string.ascii_letters + string.digits + "+=,.@_-"
_NAME_PUNCTUATION: Final = "+=,.@_-"
#: The characters IAM allows between the slashes of a role path: U+0021 to U+007F.
ROLE_PATH_CHARACTERS: Final = "".join(chr(c) for c in range(0x21, 0x80))
_SEGMENT_CHARACTERS: Final = ROLE_PATH_CHARACTERS.replace("/", "")

#: Without ``max_access_roles``, setups have at most this many access roles (or the minimum, if
#: more): sizes at which the instance role's inline policy stays under IAM's 10,240-character
#: quota whatever the names, paths and targets (512-character paths of characters JSON escapes
#: included). The least-privilege instance policy lists every access role twice, and may hold
#: a target's statements too.
_DEFAULT_MAX_ACCESS_ROLES: Final[Mapping[str, int]] = {"seed": 6, "least-privilege": 3}


# -- argument checks (Hypothesis's style: InvalidArgument, raised on first use) -----------------


def _check_strategy(value: object, name: str) -> None:
    if not isinstance(value, SearchStrategy):
        raise InvalidArgument(
            f"{name}={value!r} must be a Hypothesis strategy; to fix one value, pass "
            f"{name}=st.just(...)"
        )


def _check_count(value: object, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be a whole number")
    if value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be at least {minimum}")
    return value


def _check_profile(profile: object) -> Profile | None:
    if profile is not None and profile not in PROFILES:
        raise InvalidArgument(
            f"profile={profile!r} is not a profile; use one of {', '.join(map(repr, PROFILES))}"
            " or None for any"
        )
    return profile


# -- accounts, partitions, names, paths, ARNs ---------------------------------------------------


def account_ids() -> SearchStrategy[str]:
    """AWS account ids: exactly 12 ASCII digits (leading zeros included)."""
    return st.text(alphabet=string.digits, min_size=12, max_size=12)


def partitions() -> SearchStrategy[Partition]:
    """The AWS partitions a setup may live in (``aws``, ``aws-cn``, ``aws-us-gov`` and the
    ``aws-iso*`` partitions); shrinks towards ``aws``."""
    return st.sampled_from(PARTITIONS)


def role_names() -> SearchStrategy[str]:
    """Role names IAM accepts: 1 to 64 characters of letters, digits and ``+ = , . @ _ -``.

    The edges are drawn on purpose: names of exactly 64 characters, and names made only of
    punctuation (``.`` and ``..`` among them, which are valid in IAM).
    """
    return st.one_of(
        st.text(ROLE_NAME_CHARACTERS, min_size=1, max_size=ROLE_NAME_MAX),
        st.text(ROLE_NAME_CHARACTERS, min_size=ROLE_NAME_MAX, max_size=ROLE_NAME_MAX),
        st.text(_NAME_PUNCTUATION, min_size=1, max_size=ROLE_NAME_MAX),
    )


_ROLE_NAMES: Final = role_names()


def _join_path(segments: list[str]) -> str:
    """``/a/b/`` from ``["a", "b"]``."""
    return "".join(f"/{segment}" for segment in segments) + "/"


def _one_segment_each(characters: str) -> str:
    """The deepest path these characters make: each one a segment of its own."""
    return _join_path(list(characters))


def _longest_path(inner: str) -> str:
    """A path of exactly 512 characters around ``inner`` (510 characters that may hold ``/``):
    a slash that would start or end it, or follow another, becomes ``-``."""
    fixed: list[str] = []
    for index, character in enumerate(inner):
        misplaced = character == "/" and (index in (0, len(inner) - 1) or fixed[-1] == "/")
        fixed.append("-" if misplaced else character)
    return "/" + "".join(fixed) + "/"


@functools.cache
def _nested_paths(characters: str = _SEGMENT_CHARACTERS) -> SearchStrategy[str]:
    """Every path but ``/``: typical, deep (up to 255 segments) and longest (512 characters).

    Each draws whole strings (one choice each for Hypothesis), which is fast and shrinks well.
    """
    return st.one_of(
        st.lists(st.text(characters, min_size=1, max_size=24), min_size=1, max_size=6).map(
            _join_path
        ),
        st.text(characters, min_size=64, max_size=255).map(_one_segment_each),
        st.text(characters + "/", min_size=ROLE_PATH_MAX - 2, max_size=ROLE_PATH_MAX - 2).map(
            _longest_path
        ),
    )


def role_paths() -> SearchStrategy[str]:
    """Role paths IAM accepts: ``/``, or ``/.../`` of at most 512 characters with any of
    U+0021 to U+007F between the slashes.

    Draws ``/`` (what it shrinks to), typical paths, deep paths (up to 255 segments) and paths of
    exactly 512 characters. Paths may hold characters that mean something in a policy (``*`` and
    ``?`` are wildcards and ``${`` starts a variable in a Resource; ``"`` and ``\\`` need
    escaping in JSON): IAM allows them in a path. :func:`setups` leaves out ``*``, ``?`` and
    ``$``, see there.
    """
    return st.just("/") | _nested_paths()


#: Path characters of the roles in :func:`setups`: all but the ones a policy would read as a
#: wildcard (``*``, ``?``) or a variable (``$``), because the role's ARN could not be written
#: exactly in its trust and permissions policies.
_SETUP_SEGMENT_CHARACTERS: Final = "".join(c for c in _SEGMENT_CHARACTERS if c not in "*?$")


@functools.cache
def _setup_paths() -> SearchStrategy[str]:
    return st.just("/") | _nested_paths(_SETUP_SEGMENT_CHARACTERS)


def role_arns(
    *,
    partition: SearchStrategy[str] | None = None,
    account_id: SearchStrategy[str] | None = None,
) -> SearchStrategy[str]:
    """Role ARNs: ``arn:<partition>:iam::<account>:role<path><name>``.

    ``partition`` and ``account_id`` are strategies (default: :func:`partitions` and
    :func:`account_ids`); pass ``st.just("aws-cn")`` for one partition.
    """

    def build() -> SearchStrategy[str]:
        partitions_ = partitions() if partition is None else partition
        accounts = account_ids() if account_id is None else account_id
        _check_strategy(partitions_, "partition")
        _check_strategy(accounts, "account_id")
        return st.builds(role_arn, partitions_, accounts, role_names(), role_paths())

    return st.deferred(build)


# -- Redshift targets (the least-privilege profile) ---------------------------------------------

#: A few real regions of each partition, drawn first (what failing examples shrink to).
_REAL_REGIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "aws": ("us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "mx-central-1"),
    "aws-cn": ("cn-north-1", "cn-northwest-1"),
    "aws-us-gov": ("us-gov-west-1", "us-gov-east-1"),
    "aws-iso": ("us-iso-east-1", "us-iso-west-1"),
    "aws-iso-b": ("us-isob-east-1",),
    "aws-iso-e": ("eu-isoe-west-1",),
    "aws-iso-f": ("us-isof-south-1", "us-isof-east-1"),
}


@functools.cache
def _regions(partition: str) -> SearchStrategy[str]:
    """Regions of ``partition``: the real ones of the action index (a setup file naming any
    other is refused), a few common ones first."""
    from iam_redshift.knowledge import known_regions

    known = known_regions(partition) or _REAL_REGIONS[partition]
    return st.sampled_from(_REAL_REGIONS[partition]) | st.sampled_from(known)


def _cluster_id(first: str, chunks: list[str]) -> str:
    # Single hyphens between chunks: never two in a row, never at the end, at most 63 long.
    return (first + "-".join(chunks))[:63].rstrip("-")


_CLUSTER_IDS = st.builds(
    _cluster_id,
    st.sampled_from(string.ascii_lowercase),
    st.lists(st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12), max_size=8),
)
_DB_NAME_TAIL: Final = string.ascii_letters + string.digits + "_+.@-"
_DB_NAMES = st.builds(
    str.__add__, st.sampled_from(string.ascii_letters), st.text(_DB_NAME_TAIL, max_size=63)
)
# PUBLIC is a group, not a user: such a draw becomes PUBLIC_ instead of being thrown away.
_DB_USERS = _DB_NAMES.map(lambda name: name + "_" if name.casefold() == "public" else name)
_DB_GROUPS = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase),
    st.text(string.ascii_lowercase + string.digits + "_+.@-", max_size=63),
)


@functools.cache
def _clusters(partition: str) -> SearchStrategy[RedshiftCluster]:
    return st.builds(
        RedshiftCluster,
        region=_regions(partition),
        cluster=_CLUSTER_IDS,
        db_name=_DB_NAMES,
        db_users=st.lists(_DB_USERS, min_size=1, max_size=3, unique=True).map(tuple),
        db_groups=st.lists(_DB_GROUPS, max_size=3, unique=True).map(tuple),
        auto_create=st.booleans(),
        connect_by_cluster_id=st.booleans(),
        group_federation=st.booleans(),
        max_session_seconds=st.none() | st.integers(SESSION_SECONDS_MIN, SESSION_SECONDS_MAX),
    )


@functools.cache
def _workgroups(partition: str) -> SearchStrategy[RedshiftServerless]:
    return st.builds(
        RedshiftServerless,
        region=_regions(partition),
        workgroup_id=st.uuids().map(str),
        workgroup_name=st.none()
        | st.text(string.ascii_lowercase + string.digits + "-", min_size=3, max_size=64),
        db_name=_DB_NAMES,
    )


@functools.cache
def _targets(partition: str) -> SearchStrategy[Target]:
    return st.one_of(_clusters(partition), _workgroups(partition))


def redshift_clusters() -> SearchStrategy[RedshiftCluster]:
    """Provisioned-cluster targets, every option drawn, in a region of any partition.

    Inside a setup, :func:`setups` draws the region from the setup's own partition.
    """
    return partitions().flatmap(_clusters)


def redshift_serverless() -> SearchStrategy[RedshiftServerless]:
    """Redshift Serverless workgroup targets, in a region of any partition."""
    return partitions().flatmap(_workgroups)


# -- roles and setups ---------------------------------------------------------------------------


def instance_roles() -> SearchStrategy[InstanceRole]:
    """Instance roles, with or without the least-privilege options (``list_roles``, a target)."""
    return st.builds(
        InstanceRole,
        name=role_names(),
        path=role_paths(),
        list_roles=st.booleans(),
        target=st.none() | partitions().flatmap(_targets),
    )


def access_roles() -> SearchStrategy[AccessRole]:
    """Access roles, with or without a target (the least-privilege profile needs one)."""
    return st.builds(
        AccessRole,
        name=role_names(),
        path=role_paths(),
        target=st.none() | partitions().flatmap(_targets),
    )


@functools.cache
def _roles_for(
    least_privilege: bool, partition: str, names: SearchStrategy[str]
) -> SearchStrategy[AccessRole]:
    """Access roles of a setup; the first of a setup's list becomes its instance role."""
    return st.builds(
        AccessRole,
        name=names,
        path=_setup_paths(),
        target=_targets(partition) if least_privilege else st.none(),
    )


@st.composite
def _setups(
    draw: st.DrawFn,
    *,
    min_access_roles: int,
    max_access_roles: int | None,
    profile: Profile | None,
    partition: SearchStrategy[Partition],
    account_id: SearchStrategy[str],
    names: SearchStrategy[str] = _ROLE_NAMES,
    instance_paths: SearchStrategy[str] | None = None,
) -> Setup:
    # One composite, because the targets' regions depend on the partition drawn first.
    chosen_profile: Profile = draw(st.sampled_from(PROFILES)) if profile is None else profile
    chosen_partition = draw(partition)
    least_privilege = chosen_profile == "least-privilege"
    most = (
        max(min_access_roles, _DEFAULT_MAX_ACCESS_ROLES[chosen_profile])
        if max_access_roles is None
        else max_access_roles
    )
    # Every role in one list, unique ignoring case by construction; the first one becomes the
    # instance role, so that shrinking removes whole roles.
    first, *access = draw(
        st.lists(
            _roles_for(least_privilege, chosen_partition, names),
            min_size=min_access_roles + 1,
            max_size=most + 1,
            unique_by=lambda role: role.name.casefold(),
        )
    )
    instance = InstanceRole(
        first.name,
        first.path if instance_paths is None else draw(instance_paths),
        list_roles=least_privilege and draw(st.booleans()),
        # An instance role needs no target of its own: keep the one drawn, or not.
        target=first.target if least_privilege and draw(st.booleans()) else None,
    )
    return Setup(
        account_id=draw(account_id),
        instance_role=instance,
        access_roles=tuple(access),
        partition=chosen_partition,
        profile=chosen_profile,
    )


def setups(
    *,
    min_access_roles: int = 1,
    max_access_roles: int | None = None,
    profile: Profile | None = None,
    partition: SearchStrategy[Partition] | None = None,
    account_id: SearchStrategy[str] | None = None,
) -> SearchStrategy[Setup]:
    """Valid setups: role names unique ignoring case, IAM's names and paths (edges included),
    any partition and account.

    ``profile`` is ``"seed"``, ``"least-privilege"`` (every access role reaches a provisioned
    cluster or a serverless workgroup in a region of the setup's partition; the instance role
    may list roles and reach a target of its own) or None for either. ``partition`` and
    ``account_id`` are strategies.

    ``max_access_roles`` defaults to 6 with the seed profile and 3 with least privilege (or
    ``min_access_roles``, if more): up to these sizes the rendered documents fit IAM's size
    quotas whatever the names, paths and targets, so they lint without errors. With more access
    roles and long paths the instance role's policy can pass 10,240 characters (IR402).

    Role paths here hold every character :func:`role_paths` draws but ``*``, ``?`` and ``$``:
    a policy reads those as wildcards and variables, so a role whose path holds them cannot be
    named exactly in the trust and permissions policies the setup renders.
    """

    def build() -> SearchStrategy[Setup]:
        low = _check_count(min_access_roles, "min_access_roles", minimum=1)
        high = (
            None
            if max_access_roles is None
            else _check_count(max_access_roles, "max_access_roles", minimum=low)
        )
        partitions_ = partitions() if partition is None else partition
        accounts = account_ids() if account_id is None else account_id
        _check_strategy(partitions_, "partition")
        _check_strategy(accounts, "account_id")
        return _setups(
            min_access_roles=low,
            max_access_roles=high,
            profile=_check_profile(profile),
            partition=partitions_,
            account_id=accounts,
        )

    return st.deferred(build)


def bundles(
    *,
    min_access_roles: int = 1,
    max_access_roles: int | None = None,
    profile: Profile | None = None,
    partition: SearchStrategy[Partition] | None = None,
    account_id: SearchStrategy[str] | None = None,
) -> SearchStrategy[Bundle]:
    """Bundles rendered from :func:`setups` (same arguments): every document and, through
    :meth:`~iam_redshift.render.Bundle.files`, the manifest.

    For setups of your own, map them: ``my_setups.map(iam_redshift.render_bundle)``.
    """
    return setups(
        min_access_roles=min_access_roles,
        max_access_roles=max_access_roles,
        profile=profile,
        partition=partition,
        account_id=account_id,
    ).map(render_bundle)
