"""Hypothesis strategies for iam-redshift: valid setups, rendered bundles, IAM documents, and
bundles broken in one known way. Public test fixtures for your own property-based tests.

>>> from hypothesis import given
>>> from iam_redshift.strategies import broken_bundles
>>> @given(broken_bundles())
... def test_the_linter_reports_it(broken):
...     assert broken.code in {finding.code for finding in broken.lint()}

Every strategy here builds valid values directly (no filtering of mostly-invalid ones), so they
generate quickly and shrink to small, readable examples. Arguments follow Hypothesis's own API
style: keyword-only, strategies where a value is likely to vary and plain values otherwise, and
bad arguments raise :class:`hypothesis.errors.InvalidArgument` when the strategy is first used.

Installing iam-redshift also registers the model types with Hypothesis (through the
``hypothesis`` entry point), so ``st.from_type(Setup)`` and ``st.builds(...)`` with model-typed
arguments draw from :func:`setups` and friends.

This is the only module of the package that imports Hypothesis: ``import iam_redshift`` does not.
"""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

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
    ec2_service_principal,
    role_arn,
)
from iam_redshift.render import Bundle, BundleDocument, dump_document, render_bundle

if TYPE_CHECKING:
    from iam_redshift.findings import Finding
    from iam_redshift.linter import LintOptions

__all__ = [
    "BROKEN_BUNDLE_CODES",
    "ROLE_NAME_CHARACTERS",
    "ROLE_PATH_CHARACTERS",
    "BrokenBundle",
    "access_roles",
    "account_ids",
    "broken_bundles",
    "bundles",
    "instance_roles",
    "partitions",
    "permissions_policies",
    "redshift_clusters",
    "redshift_serverless",
    "role_arns",
    "role_names",
    "role_paths",
    "setups",
    "trust_policies",
]

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
    from iam_redshift import knowledge

    known = knowledge.known_regions(partition) or _REAL_REGIONS[partition]
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


# -- policy documents ---------------------------------------------------------------------------

_POLICY_VERSION: Final = "2012-10-17"
_ACTIONS: Final = (
    "sts:AssumeRole",
    "iam:GetRole",
    "iam:ListRoles",
    "iam:GetRolePolicy",
    "redshift:GetClusterCredentials",
    "redshift:DescribeClusters",
    "redshift:JoinGroup",
    "redshift-serverless:GetCredentials",
    "s3:GetObject",
    "s3:ListBucket",
    "ec2:DescribeInstances",
    "logs:PutLogEvents",
)
_ACTION_WILDCARDS: Final = (
    "*",
    "redshift:*",
    "iam:*",
    "iam:Get*",
    "redshift:Describe*",
    "s3:Get*",
    "sts:Assume*",
    "iam:List?oles",
)
_SERVICE_CHARACTERS: Final = string.ascii_lowercase + string.digits + "-"
_ACTION_NAME_CHARACTERS: Final = string.ascii_letters + string.digits + "*?_-"
# Service-prefix:ActionName as the policy grammar allows it, for services we do not list.
_OTHER_ACTIONS = st.builds(
    "{}:{}".format,
    st.text(_SERVICE_CHARACTERS, min_size=1, max_size=20),
    st.text(_ACTION_NAME_CHARACTERS, min_size=1, max_size=30),
)
_ANY_ACTION = st.sampled_from(_ACTIONS) | st.sampled_from(_ACTION_WILDCARDS) | _OTHER_ACTIONS
_NAME_TEXT = st.text(ROLE_NAME_CHARACTERS, min_size=1, max_size=20)
_RESOURCES = st.one_of(
    role_arns(),
    st.just("*"),
    st.builds(
        "arn:{}:redshift:{}:{}:dbuser:{}/{}".format,
        st.just("aws"),
        _regions("aws"),
        account_ids(),
        _CLUSTER_IDS,
        _DB_USERS,
    ),
    st.builds("arn:aws:s3:::{}/{}".format, _CLUSTER_IDS, st.sampled_from(["*", "data/*", "a.csv"])),
    st.builds("arn:aws:iam::{}:role/{}*".format, account_ids(), _NAME_TEXT),
)
_CONDITION_OPERATORS: Final = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
)
_CONDITION_KEYS: Final = (
    "aws:SourceIp",
    "aws:PrincipalTag/team",
    "aws:RequestedRegion",
    "aws:SourceAccount",
    "aws:PrincipalArn",
    "aws:MultiFactorAuthPresent",
    "aws:CurrentTime",
    "sts:ExternalId",
    "redshift:DurationSeconds",
    "redshift:DbUser",
)
_OPERATORS = st.one_of(
    st.sampled_from(_CONDITION_OPERATORS),
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]),
        st.sampled_from(_CONDITION_OPERATORS),
        st.sampled_from(["", "IfExists"]),
    ),
    st.just("Null"),
)
# Condition values are printable ASCII: the policy grammar allows more, IAM does not.
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_CONDITION_VALUE = st.one_of(
    st.text(_PRINTABLE, max_size=30),
    st.integers(0, 10**6),
    st.booleans(),
)
_CONDITIONS = st.dictionaries(
    _OPERATORS,
    st.dictionaries(
        st.sampled_from(_CONDITION_KEYS),
        _CONDITION_VALUE | st.lists(_CONDITION_VALUE, min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
    max_size=2,
)
_SIDS = st.text(string.ascii_letters + string.digits, min_size=1, max_size=24)


def _one_or_list(elements: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """IAM's two forms of a value: a single string, or a list of them."""
    return elements | st.lists(elements, min_size=1, max_size=4)


def _statement(
    *,
    sid: str | None,
    effect: str,
    principal: tuple[str, Any] | None,
    action: tuple[str, Any],
    resource: tuple[str, Any] | None,
    condition: dict[str, Any] | None,
) -> dict[str, Any]:
    """A statement with its elements in IAM's usual order, optional ones left out."""
    statement: dict[str, Any] = {} if sid is None else {"Sid": sid}
    statement["Effect"] = effect
    for element in (principal, action, resource):
        if element is not None:
            statement[element[0]] = element[1]
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _statement_key(statement: dict[str, Any]) -> object:
    # Sids are unique within a policy; statements without one never clash.
    return statement.get("Sid") or id(statement)


def _policies(statements: SearchStrategy[dict[str, Any]]) -> SearchStrategy[dict[str, Any]]:
    block = statements | st.lists(statements, min_size=1, max_size=4, unique_by=_statement_key)
    return st.fixed_dictionaries(
        {"Version": st.just(_POLICY_VERSION), "Statement": block},
        optional={"Id": _SIDS},
    )


def permissions_policies() -> SearchStrategy[dict[str, Any]]:
    """Permissions (identity-based) policies that follow IAM's policy grammar
    (``schemas/identity-policy.schema.json``), beyond the two-role shapes.

    Statements come alone or in a list; Allow and Deny; Action or NotAction and Resource or
    NotResource, each a string or a list; known actions, wildcards (``*``, ``redshift:*``,
    ``iam:Get*``) and other services' actions; role, Redshift, S3 and wildcard resources;
    conditions with set operators and ``IfExists``; Sids of letters and digits, unique. The
    documents are grammatical, not safe: lint findings about wildcards are expected.
    """
    statement = st.builds(
        _statement,
        sid=st.none() | _SIDS,
        effect=st.sampled_from(["Allow", "Deny"]),
        principal=st.none(),
        action=st.tuples(st.sampled_from(["Action", "NotAction"]), _one_or_list(_ANY_ACTION)),
        resource=st.tuples(st.sampled_from(["Resource", "NotResource"]), _one_or_list(_RESOURCES)),
        condition=st.none() | _CONDITIONS,
    )
    return _policies(statement)


_SERVICES: Final = (
    "ec2.amazonaws.com",
    "ec2.amazonaws.com.cn",
    "redshift.amazonaws.com",
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
)
_AWS_PRINCIPALS = st.one_of(
    role_arns(),
    st.builds("arn:{}:iam::{}:user/{}".format, partitions(), account_ids(), _NAME_TEXT),
    st.builds("arn:{}:iam::{}:root".format, partitions(), account_ids()),
    account_ids(),
)
_FEDERATED = st.one_of(
    st.sampled_from(["cognito-identity.amazonaws.com", "accounts.google.com"]),
    st.builds("arn:aws:iam::{}:saml-provider/{}".format, account_ids(), _NAME_TEXT),
)
_PRINCIPALS = st.one_of(
    st.fixed_dictionaries({"AWS": _one_or_list(_AWS_PRINCIPALS)}),
    st.fixed_dictionaries(
        {"Service": _one_or_list(st.sampled_from(_SERVICES))},
        optional={"AWS": _one_or_list(_AWS_PRINCIPALS)},
    ),
    st.fixed_dictionaries({"Federated": _one_or_list(_FEDERATED)}),
    st.just("*"),
    st.fixed_dictionaries({"AWS": st.just("*")}),
)
_TRUST_ACTIONS: Final = (
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:*",
)


def trust_policies() -> SearchStrategy[dict[str, Any]]:
    """Role trust policies that follow IAM's policy grammar
    (``schemas/trust-policy.schema.json``), beyond the two-role shapes.

    Principals of every type (roles, users, accounts, ``:root``, services, federated
    providers, ``*``) as strings or lists; the STS actions, alone or in lists; conditions;
    several statements. Grammatical, not safe: a ``*`` principal is drawn too.
    """
    statement = st.builds(
        _statement,
        sid=st.none() | _SIDS,
        effect=st.sampled_from(["Allow", "Deny"]),
        principal=st.tuples(st.just("Principal"), _PRINCIPALS),
        action=st.tuples(
            st.sampled_from(["Action", "NotAction"]),
            _one_or_list(st.sampled_from(_TRUST_ACTIONS)),
        ),
        resource=st.none(),
        condition=st.none() | _CONDITIONS,
    )
    return _policies(statement)


# -- broken bundles -----------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class BrokenBundle:
    """A valid bundle and a copy broken in one known way.

    ``files`` are the broken bundle's files (relative path to text, manifest included), as
    :meth:`~iam_redshift.render.Bundle.files` gives them; ``code`` is the rule the linter must
    report for them (and does not for ``original``); ``mutation`` says what was changed, where.
    """

    original: Bundle
    files: Mapping[str, str] = field(hash=False)
    code: str
    mutation: str

    def __repr__(self) -> str:
        # What a failing example needs: the rule, the change, and the setup it was made to
        # (the documents follow from the setup; the change says which one was edited and how).
        return (
            f"BrokenBundle(code={self.code!r}, mutation={self.mutation!r}, "
            f"setup={self.original.setup!r})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis (like IPython) pretty-prints dataclasses field by field: every document
        # twice over. Print the short form in failing examples too.
        del cycle
        printer.text(repr(self))

    def lint(self, *, options: LintOptions | None = None) -> list[Finding]:
        """Lint the broken files the way ``iam-redshift lint`` lints a bundle directory."""
        from iam_redshift.linter import iter_lint_files

        return list(iter_lint_files(self.files, options=options))


@dataclass(frozen=True)
class _Change:
    """The documents a mutation replaced (path to new value) and what it did."""

    documents: dict[str, Any]
    description: str


Mutate = Callable[[st.DrawFn, Bundle], _Change]


@dataclass(frozen=True)
class _Mutation:
    code: str
    name: str
    mutate: Mutate
    # Setups this mutation can break (by default any, with one to three access roles).
    originals: SearchStrategy[Setup] | None = None


def _originals(**arguments: Any) -> SearchStrategy[Setup]:
    settings: dict[str, Any] = {
        "min_access_roles": 1,
        "max_access_roles": 3,
        "profile": None,
        "partition": partitions(),
        "account_id": account_ids(),
    }
    settings.update(arguments)
    return _setups(**settings)


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

    def replaced(self, text: str, what: str) -> _Change:
        """A copy of the document with this string replaced by ``text``."""
        value = _copy(self.document.document)
        statement = value["Statement"][self.statement_index]
        if isinstance(statement[self.element], list):
            statement[self.element][self.item_index] = text
        else:
            statement[self.element] = text
        return _Change({self.document.path: value}, f"{self.document.path}: {what}")


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


def _principal_change(draw: st.DrawFn, bundle: Bundle, principal: Any, what: str) -> _Change:
    """Replace the Principal of an access role's trust policy."""
    document, value = _access_trust(draw, bundle)
    value["Statement"][0]["Principal"] = principal
    return _Change(
        {document.path: value},
        f"{document.path}: Principal {what}: {principal!r} instead of the instance role "
        f"{bundle.setup.instance_role_arn!r}",
    )


def _principal_arn(draw: st.DrawFn, bundle: Bundle, arn: str, what: str) -> _Change:
    return _principal_change(draw, bundle, {"AWS": arn}, what)


def _typo(draw: st.DrawFn, bundle: Bundle) -> _Change:
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


def _dropped_path(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    arn = role_arn(setup.partition, setup.account_id, setup.instance_role.name)
    return _principal_arn(draw, bundle, arn, f"without the path {setup.instance_role.path!r}")


def _other_account(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    # Built directly: adding 1 to 10**12 - 1 (mod 10**12) always gives another account.
    account = f"{(int(setup.account_id) + draw(st.integers(1, 10**12 - 1))) % 10**12:012d}"
    arn = role_arn(setup.partition, account, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"in another account ({account})")


def _other_partition(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    partition = draw(st.sampled_from([p for p in PARTITIONS if p != setup.partition]))
    arn = role_arn(partition, setup.account_id, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"in another partition ({partition})")


def _changed_case(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    name = setup.instance_role.name
    letters = [i for i, c in enumerate(name) if c.swapcase() != c]
    flipped = set(draw(st.lists(st.sampled_from(letters), min_size=1, unique=True)))
    changed = "".join(c.swapcase() if i in flipped else c for i, c in enumerate(name))
    arn = role_arn(setup.partition, setup.account_id, changed, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, f"with the role name's case changed ({changed!r})")


def _with_letter(name: str, letter: str, position: int) -> str:
    """``name`` with one character replaced by an ASCII letter (still a valid role name)."""
    position %= len(name)
    return name[:position] + letter + name[position + 1 :]


_NAMES_WITH_A_LETTER = st.builds(
    _with_letter, role_names(), st.sampled_from(string.ascii_letters), st.integers(0, 63)
)


def _everyone(draw: st.DrawFn, bundle: Bundle) -> _Change:
    principal = draw(st.sampled_from(["*", {"AWS": "*"}]))
    return _principal_change(draw, bundle, principal, "is everyone")


def _root(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    account = draw(
        st.sampled_from([f"arn:{setup.partition}:iam::{setup.account_id}:root", setup.account_id])
    )
    return _principal_arn(draw, bundle, account, "is the whole account")


_UNIQUE_ID_CHARACTERS: Final = string.ascii_uppercase + string.digits


def _unique_id(draw: st.DrawFn, bundle: Bundle) -> _Change:
    # A role's unique id (AROA and 17 more), what IAM shows once the trusted role is deleted.
    unique_id = "AROA" + draw(st.text(_UNIQUE_ID_CHARACTERS, min_size=17, max_size=17))
    return _principal_arn(draw, bundle, unique_id, "is a role's unique id")


def _assumed_role(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    session = draw(st.text(ROLE_NAME_CHARACTERS, min_size=2, max_size=64))
    arn = (
        f"arn:{setup.partition}:sts::{setup.account_id}:assumed-role/"
        f"{setup.instance_role.name}/{session}"
    )
    return _principal_arn(draw, bundle, arn, "is an assumed-role session ARN")


def _placeholder(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    placeholder = draw(st.sampled_from(["<your-aws-account-id>", "ACCOUNT_ID", "${AccountId}"]))
    arn = role_arn(setup.partition, placeholder, setup.instance_role.name, setup.instance_role.path)
    return _principal_arn(draw, bundle, arn, "still holds a placeholder for the account")


def _ec2_swapped(draw: st.DrawFn, bundle: Bundle) -> _Change:
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
    return _Change(
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


def _target_added(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    document, value, index = _assume_role_statement(bundle)
    taken = {setup.instance_role.name.casefold()} | {r.name.casefold() for r in setup.access_roles}
    name = _unused_name(draw(_ROLE_NAMES), taken)
    arn = role_arn(setup.partition, setup.account_id, name, draw(_setup_paths()))
    resources = value["Statement"][index]["Resource"]
    resources.insert(draw(st.integers(0, len(resources))), arn)
    return _Change(
        {document.path: value},
        f"{document.path}: sts:AssumeRole also on {arn!r}, which is not an access role of the "
        "bundle",
    )


def _target_dropped(draw: st.DrawFn, bundle: Bundle) -> _Change:
    document, value, index = _assume_role_statement(bundle)
    resources = value["Statement"][index]["Resource"]
    dropped = resources.pop(draw(st.integers(0, len(resources) - 1)))
    return _Change(
        {document.path: value},
        f"{document.path}: sts:AssumeRole no longer lists the access role {dropped!r}",
    )


def _target_widened(draw: st.DrawFn, bundle: Bundle) -> _Change:
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
    return _Change(
        {document.path: value}, f"{document.path}: sts:AssumeRole {where} widened to {wildcard!r}"
    )


def _resource_elsewhere(draw: st.DrawFn, bundle: Bundle) -> _Change:
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


def _trust_action_widened(draw: st.DrawFn, bundle: Bundle) -> _Change:
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
    return _Change({document.path: value}, f"{document.path}: Action {action!r}")


def _invalid_name(draw: st.DrawFn, bundle: Bundle) -> _Change:
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


def _all_actions(draw: st.DrawFn, bundle: Bundle) -> _Change:
    document, value, statement = _permissions_statement(draw, bundle)
    statement["Action"] = draw(st.sampled_from(["*", ["*"]]))
    return _Change(
        {document.path: value}, f"{document.path}: statement {statement.get('Sid')} allows '*'"
    )


def _service_wildcard(draw: st.DrawFn, bundle: Bundle) -> _Change:
    document, value, statement = _permissions_statement(draw, bundle, access_only=True)
    actions = statement["Action"]
    first = actions if isinstance(actions, str) else actions[0]
    wildcard = first.partition(":")[0] + ":*"
    statement["Action"] = wildcard
    return _Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} allows {wildcard!r}",
    )


def _resource_wildcard(draw: st.DrawFn, bundle: Bundle) -> _Change:
    # An access role's first statement: the credentials action of its cluster or workgroup,
    # which takes the dbuser or workgroup ARN (some optional ones, DescribeClusters among them,
    # take only "*" and are not IR204's to report).
    documents = [d for d in bundle.documents if d.kind == "permissions" and d.role_kind == "access"]
    document = draw(st.sampled_from(documents))
    value = _copy(document.document)
    statement = value["Statement"][0]
    statement["Resource"] = draw(st.sampled_from(["*", ["*"]]))
    return _Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} applies to every resource ('*')",
    )


def _partial_wildcard(draw: st.DrawFn, bundle: Bundle) -> _Change:
    place = draw(st.sampled_from(_specific_actions(bundle, "permissions")))
    action = place.text
    # Keep the service and at least one letter of the name; cut at least one.
    cut = draw(st.integers(action.index(":") + 2, len(action) - 1))
    pattern = action[:cut] + "*"
    return place.replaced(pattern, f"statement {place.sid} allows {pattern!r}, not {action!r}")


def _not_resource(draw: st.DrawFn, bundle: Bundle) -> _Change:
    document, value, statement = _permissions_statement(draw, bundle)
    resource = statement.pop("Resource")
    statement["NotResource"] = resource
    return _Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} allows everything but "
        f"NotResource {resource!r}",
    )


def _pass_any_role(draw: st.DrawFn, bundle: Bundle) -> _Change:
    setup = bundle.setup
    documents = [d for d in bundle.documents if d.kind == "permissions"]
    document = draw(st.sampled_from(documents))
    value = _copy(document.document)
    resource = draw(st.sampled_from(["*", f"arn:{setup.partition}:iam::{setup.account_id}:role/*"]))
    value["Statement"].append(
        {"Sid": "PassRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": resource}
    )
    return _Change(
        {document.path: value}, f"{document.path}: a statement allows iam:PassRole on {resource!r}"
    )


def _action_typo(draw: st.DrawFn, bundle: Bundle) -> _Change:
    kind = draw(st.sampled_from(["permissions", "trust"]))
    place = draw(st.sampled_from(_specific_actions(bundle, kind)))
    action = place.text
    # One letter of the action's name typed twice: no AWS action is another one so misspelt.
    position = draw(st.integers(action.index(":") + 1, len(action) - 1))
    typo = action[:position] + action[position] + action[position:]
    return place.replaced(typo, f"statement {place.sid} names {typo!r}, not {action!r}")


def _policy_size(value: Any) -> int:
    from iam_redshift.rules.quotas import policy_size

    return policy_size(dump_document(value))


def _padded(draw: st.DrawFn, value: dict[str, Any], limit: int) -> tuple[dict[str, Any], int]:
    """``value`` with a Sid long enough to take it past ``limit`` characters (IAM counts
    characters, whitespace excluded). A long Sid changes the size and nothing else."""
    statement = {k: v for k, v in value["Statement"][0].items() if k != "Sid"}
    value["Statement"][0] = statement
    # "Sid": "…", adds the Sid and 9 more characters, so this length is always enough.
    length = max(1, limit - _policy_size(value)) + draw(st.integers(0, 2000))
    value["Statement"][0] = {"Sid": ("Padding" + "X" * length)[:length], **statement}
    return value, _policy_size(value)


def _trust_too_long(draw: st.DrawFn, bundle: Bundle) -> _Change:
    from iam_redshift.rules.quotas import TRUST_POLICY_DEFAULT_MAX

    documents = [d for d in bundle.documents if d.kind == "trust"]
    document = draw(st.sampled_from(documents))
    value, size = _padded(draw, _copy(document.document), TRUST_POLICY_DEFAULT_MAX)
    return _Change(
        {document.path: value},
        f"{document.path}: {size} characters with a long Sid (the quota is "
        f"{TRUST_POLICY_DEFAULT_MAX})",
    )


def _permissions_too_long(draw: st.DrawFn, bundle: Bundle) -> _Change:
    from iam_redshift.rules.quotas import ROLE_INLINE_POLICIES_MAX

    documents = [d for d in bundle.documents if d.kind == "permissions"]
    document = draw(st.sampled_from(documents))
    value, size = _padded(draw, _copy(document.document), ROLE_INLINE_POLICIES_MAX)
    return _Change(
        {document.path: value},
        f"{document.path}: {size} characters with a long Sid (a role's inline policies may "
        f"have {ROLE_INLINE_POLICIES_MAX} together)",
    )


_MUTATIONS: Final[tuple[_Mutation, ...]] = (
    _Mutation("IR201", "action-wildcard", _all_actions),
    _Mutation(
        "IR202",
        "service-wildcard",
        _service_wildcard,
        _originals(profile="least-privilege"),
    ),
    _Mutation(
        "IR204",
        "resource-wildcard",
        _resource_wildcard,
        _originals(profile="least-privilege"),
    ),
    _Mutation("IR203", "partial-action-wildcard", _partial_wildcard),
    _Mutation("IR205", "assume-role-widened", _target_widened),
    _Mutation("IR206", "allow-not-resource", _not_resource),
    _Mutation("IR207", "pass-any-role", _pass_any_role),
    _Mutation("IR301", "principal-typo", _typo),
    _Mutation(
        "IR301",
        "principal-dropped-path",
        _dropped_path,
        _originals(instance_paths=_nested_paths(_SETUP_SEGMENT_CHARACTERS)),
    ),
    _Mutation("IR301", "principal-other-account", _other_account),
    _Mutation("IR301", "principal-other-partition", _other_partition),
    _Mutation(
        "IR301",
        "principal-changed-case",
        _changed_case,
        _originals(names=_NAMES_WITH_A_LETTER),
    ),
    _Mutation("IR302", "principal-everyone", _everyone),
    _Mutation("IR303", "principal-root", _root),
    _Mutation("IR304", "ec2-principal-swapped", _ec2_swapped),
    _Mutation("IR305", "assume-role-target-added", _target_added),
    _Mutation(
        "IR306", "assume-role-target-dropped", _target_dropped, _originals(min_access_roles=2)
    ),
    _Mutation(
        "IR307",
        "resource-elsewhere",
        _resource_elsewhere,
        _originals(profile="least-privilege"),
    ),
    _Mutation("IR308", "principal-assumed-role", _assumed_role),
    _Mutation("IR308", "principal-placeholder", _placeholder),
    _Mutation("IR309", "principal-unique-id", _unique_id),
    _Mutation("IR310", "trust-action-widened", _trust_action_widened),
    _Mutation("IR401", "trust-policy-too-long", _trust_too_long),
    _Mutation("IR402", "permissions-policy-too-long", _permissions_too_long),
    _Mutation("IR403", "principal-invalid-name", _invalid_name),
    _Mutation("IR501", "action-typo", _action_typo),
)

_ANY_ORIGINALS: Final = _originals()

#: The rule codes :func:`broken_bundles` can break a bundle for.
BROKEN_BUNDLE_CODES: Final[frozenset[str]] = frozenset(m.code for m in _MUTATIONS)


@st.composite
def _broken_bundles(draw: st.DrawFn, mutations: tuple[_Mutation, ...]) -> BrokenBundle:
    # One composite, because each mutation's changes depend on the bundle it breaks.
    mutation = draw(st.sampled_from(mutations))
    originals = _ANY_ORIGINALS if mutation.originals is None else mutation.originals
    original = render_bundle(draw(originals))
    change = mutation.mutate(draw, original)
    files = original.files()
    for path, value in change.documents.items():
        files[path] = dump_document(value)
    return BrokenBundle(original, files, mutation.code, f"{mutation.name}: {change.description}")


def broken_bundles(*, codes: Collection[str] | None = None) -> SearchStrategy[BrokenBundle]:
    """A valid bundle and one mutation, with the rule code the linter must report for it.

    ``codes`` limits the mutations to those rules (default: every code in
    :data:`BROKEN_BUNDLE_CODES`, in any case). The mutations:

    - an access role's trusted principal with a typo in the name, without its path, in another
      account or partition, or in another case (IR301); ``*`` (IR302); the account or its
      ``:root`` (IR303); an assumed-role session ARN or a placeholder such as
      ``<your-aws-account-id>`` (IR308); a role's unique id (IR309); an invalid role name
      (IR403); more trust actions than ``sts:AssumeRole`` (IR310);
    - the instance role's EC2 principal swapped for another service or partition's (IR304);
    - an ``sts:AssumeRole`` target added (IR305), dropped (IR306) or widened to a wildcard
      (IR205); another ARN moved to another partition or account (IR307);
    - ``"Action": "*"`` (IR201), a service's every action (IR202), a partial action wildcard
      (IR203), ``"Resource": "*"`` (IR204), NotResource (IR206), ``iam:PassRole`` on a wildcard
      (IR207), a misspelt action (IR501);
    - a trust or permissions policy past IAM's size quota (IR401, IR402).

    The original is rendered from :func:`setups` (least-privilege ones for the rules the seed's
    own wildcards would hide) and never has ``code``; a mutation may make the linter report
    other codes as well.
    """

    def build() -> SearchStrategy[BrokenBundle]:
        if codes is None:
            return _broken_bundles(_MUTATIONS)
        if isinstance(codes, str) or not isinstance(codes, Collection):
            raise InvalidArgument(
                f"codes={codes!r} must be a collection of rule codes, e.g. codes=['IR301']"
            )
        wanted = {str(code).upper() for code in codes}
        unknown = sorted(wanted - BROKEN_BUNDLE_CODES)
        if unknown or not wanted:
            raise InvalidArgument(
                f"codes={codes!r}: broken_bundles() has no mutation for "
                f"{', '.join(unknown) if unknown else 'an empty collection'}; it can break "
                f"bundles for {', '.join(sorted(BROKEN_BUNDLE_CODES))}"
            )
        return _broken_bundles(tuple(m for m in _MUTATIONS if m.code in wanted))

    return st.deferred(build)
