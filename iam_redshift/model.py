"""The setup model: who the instance role is, which access roles it may assume.

Every layer speaks these types. They are frozen and validate themselves on construction by IAM's
own rules, so a :class:`Setup` that exists is a setup IAM would accept. Role ARNs are derived
from the names, paths, partition and account, never typed twice.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final, Literal, get_args

from iam_redshift._record import cached_view, record

__all__ = [
    "MANAGED_POLICY_MAX",
    "PARTITIONS",
    "PROFILES",
    "ROLE_INLINE_POLICIES_MAX",
    "ROLE_NAME_MAX",
    "ROLE_PATH_MAX",
    "SCOPED_ROLE_READ_ACTIONS",
    "SESSION_SECONDS_MAX",
    "SESSION_SECONDS_MIN",
    "TRUST_POLICY_DEFAULT_MAX",
    "TRUST_POLICY_RAISED_MAX",
    "AccessRole",
    "InstanceRole",
    "Partition",
    "Profile",
    "RedshiftCluster",
    "RedshiftServerless",
    "Setup",
    "SetupError",
    "Target",
    "ec2_service_principal",
    "partition_of_region",
    "policy_size",
    "role_arn",
    "valid_role_name",
    "valid_role_path",
]

Partition = Literal["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"]
#: The AWS partitions a setup may live in, in a stable order.
PARTITIONS: Final[tuple[Partition, ...]] = get_args(Partition)

Profile = Literal["seed", "least-privilege"]
#: Permission profiles a setup may ask for. ``seed`` renders exactly the source page's documents;
#: ``least-privilege`` scopes every permission to the cluster or workgroup each role reaches.
PROFILES: Final[tuple[Profile, ...]] = get_args(Profile)

# IAM's own limits (IAM User Guide, "IAM object quotas" and the CreateRole API reference).
_ACCOUNT_ID = re.compile(r"\d{12}")
_ROLE_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")
_ROLE_PATH = re.compile(r"/([\x21-\x7f]*/)?")
ROLE_NAME_MAX: Final = 64
ROLE_PATH_MAX: Final = 512
#: What the ETL tool reads about the roles it offers, in the least-privilege profile (the render
#: and the rules' examples). The seed's iam:GetPolicy and iam:GetPolicyVersion act on managed
#: policies, and the roles rendered here carry inline policies only, so they are left out.
SCOPED_ROLE_READ_ACTIONS: Final = (
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
)
#: Policy sizes in characters, whitespace excluded (IAM User Guide, "IAM and AWS STS quotas").
MANAGED_POLICY_MAX: Final = 6144
ROLE_INLINE_POLICIES_MAX: Final = 10240
TRUST_POLICY_DEFAULT_MAX: Final = 2048
TRUST_POLICY_RAISED_MAX: Final = 4096


def policy_size(text: str) -> int:
    """A policy's size as IAM counts it against its quotas: characters, whitespace excluded."""
    if text.isascii():
        # The ASCII characters str.isspace accepts, dropped in one C pass (most policies).
        return len(text.translate(_ASCII_SPACES))
    # str.split() drops exactly the characters regex \s matches (str.isspace), without building
    # a list of every space of a pretty-printed policy: several times faster.
    return len("".join(text.split()))


_ASCII_SPACES: Final = dict.fromkeys(map(ord, "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "))


# Redshift's own rules: the CreateCluster, GetClusterCredentials and Redshift Serverless
# GetCredentials API references (botocore's service models carry the same text and patterns).
_REGION = re.compile(r"[a-z]{2,}(-[a-z]+)+-\d+")
_CLUSTER_ID = re.compile(r"[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)")
_DB_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+.@-]{0,63}")
_DB_USER = _DB_NAME
_DB_GROUP = re.compile(r"[a-z][a-z0-9_+.@-]{0,63}")
_WORKGROUP_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_WORKGROUP_NAME = re.compile(r"[a-z0-9-]{3,64}")
#: GetClusterCredentials' DurationSeconds range (its default is the minimum).
SESSION_SECONDS_MIN: Final = 900
SESSION_SECONDS_MAX: Final = 3600

# Which regions belong to which partition, as botocore's endpoints.json ``regionRegex`` says.
# ``aws`` is every well-formed region that no other partition claims, so that new commercial
# regions need no release of ours.
_PARTITION_REGIONS: Final[dict[Partition, re.Pattern[str]]] = {
    "aws-cn": re.compile(r"cn-[a-z]+-\d+"),
    "aws-us-gov": re.compile(r"us-gov-[a-z]+-\d+"),
    "aws-iso": re.compile(r"us-iso-[a-z]+-\d+"),
    "aws-iso-b": re.compile(r"us-isob-[a-z]+-\d+"),
    "aws-iso-e": re.compile(r"eu-isoe-[a-z]+-\d+"),
    "aws-iso-f": re.compile(r"us-isof-[a-z]+-\d+"),
}


class SetupError(ValueError):
    """A setup that IAM would not accept.

    ``field`` names the offending key the way the setup file spells it (``access_roles[1].name``),
    ``value`` is what was given and ``reason`` says what is wrong with it.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason} (got {value!r})")


def _check_role_name(name: object, where: str) -> None:
    if not isinstance(name, str):
        raise SetupError(where, name, "a role name must be a string")
    if not 1 <= len(name) <= ROLE_NAME_MAX:
        raise SetupError(where, name, f"a role name has 1 to {ROLE_NAME_MAX} characters")
    if not _ROLE_NAME.fullmatch(name):
        bad = sorted({c for c in name if not _ROLE_NAME.fullmatch(c)})
        raise SetupError(
            where,
            name,
            f"a role name may hold only letters, digits and + = , . @ _ - (not {''.join(bad)!r})",
        )


def _check_role_path(path: object, where: str) -> None:
    if not isinstance(path, str):
        raise SetupError(where, path, "a role path must be a string")
    if len(path) > ROLE_PATH_MAX:
        raise SetupError(where, path, f"a role path has at most {ROLE_PATH_MAX} characters")
    if not _ROLE_PATH.fullmatch(path):
        raise SetupError(
            where,
            path,
            "a role path is '/' or starts and ends with '/' and holds only the characters "
            "U+0021 to U+007F between",
        )


def valid_role_name(name: str) -> bool:
    """Whether IAM accepts ``name`` as a role name (1 to 64 of letters, digits, ``+=,.@_-``)."""
    return _ROLE_NAME.fullmatch(name) is not None


def valid_role_path(path: str) -> bool:
    """Whether IAM accepts ``path`` as a role path (``/`` or ``/.../``, at most 512 characters
    between U+0021 and U+007F)."""
    return len(path) <= ROLE_PATH_MAX and _ROLE_PATH.fullmatch(path) is not None


def role_arn(partition: str, account_id: str, name: str, path: str = "/") -> str:
    """The ARN IAM gives a role: ``arn:<partition>:iam::<account>:role<path><name>``."""
    return f"arn:{partition}:iam::{account_id}:role{path}{name}"


def ec2_service_principal(partition: str) -> str:
    """The EC2 service principal an instance role trusts in ``partition``.

    Every partition uses ``ec2.amazonaws.com`` except the China partition, whose IAM requires
    ``ec2.amazonaws.com.cn``.
    """
    return "ec2.amazonaws.com.cn" if partition == "aws-cn" else "ec2.amazonaws.com"


def partition_of_region(region: str) -> Partition:
    """The partition whose regions include ``region`` (``aws`` unless another claims it)."""
    for partition, pattern in _PARTITION_REGIONS.items():
        if pattern.fullmatch(region):
            return partition
    return "aws"


def _check_text(value: object, where: str, pattern: re.Pattern[str], rule: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise SetupError(where, value, rule)


def _check_flag(value: object, where: str) -> None:
    if not isinstance(value, bool):
        raise SetupError(where, value, "expected true or false")


def _names(value: object, where: str) -> tuple[str, ...]:
    """``value`` as a tuple of strings (any sequence but a lone string is accepted)."""
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise SetupError(where, value, "expected a list of names")
    return tuple(value)


def _check_region(value: object, where: str) -> None:
    _check_text(value, where, _REGION, "a region is a code such as us-east-1 or eu-west-1")


_DB_NAME_RULE = "a database name has 1 to 64 letters, digits and _ + . @ -, starting with a letter"


@record
class RedshiftCluster:
    """A provisioned cluster an access role logs on to with ``redshift:GetClusterCredentials``.

    ``db_users`` are the database users the role may log on as, ``db_groups`` the groups it may
    join at logon (``redshift:JoinGroup``); ``auto_create`` lets it create a missing user
    (``redshift:CreateClusterUser``), ``connect_by_cluster_id`` lets the driver look the cluster
    up by identifier and region (``redshift:DescribeClusters``), ``group_federation`` adds
    ``redshift:GetClusterCredentialsWithIAM``, and ``max_session_seconds`` caps how long the
    temporary credentials may last (a ``redshift:DurationSeconds`` condition).
    """

    #: The key of this target's table in a setup file.
    key: ClassVar[str] = "redshift"

    region: str
    cluster: str
    db_name: str
    db_users: tuple[str, ...]
    db_groups: tuple[str, ...] = ()
    auto_create: bool = False
    connect_by_cluster_id: bool = False
    group_federation: bool = False
    max_session_seconds: int | None = None

    def __post_init__(self) -> None:
        _check_region(self.region, "redshift.region")
        _check_text(
            self.cluster,
            "redshift.cluster",
            _CLUSTER_ID,
            "a cluster identifier has 1 to 63 lowercase letters, digits and hyphens, starts "
            "with a letter, and neither ends with a hyphen nor holds two in a row",
        )
        _check_text(self.db_name, "redshift.db_name", _DB_NAME, _DB_NAME_RULE)
        users = _names(self.db_users, "redshift.db_users")
        if not users:
            raise SetupError(
                "redshift.db_users", [], "list at least one database user the role logs on as"
            )
        for index, user in enumerate(users):
            where = f"redshift.db_users[{index}]"
            _check_text(
                user,
                where,
                _DB_USER,
                "a database user name has 1 to 64 letters, digits and _ + . @ -, starting with "
                "a letter",
            )
            if user.casefold() == "public":
                raise SetupError(where, user, "PUBLIC is a group, not a database user")
        groups = _names(self.db_groups, "redshift.db_groups")
        for index, group in enumerate(groups):
            _check_text(
                group,
                f"redshift.db_groups[{index}]",
                _DB_GROUP,
                "a database group name has 1 to 64 lowercase letters, digits and _ + . @ -, "
                "starting with a letter",
            )
        for key, names in (("db_users", users), ("db_groups", groups)):
            for index, name in enumerate(names):
                if name in names[:index]:
                    raise SetupError(
                        f"redshift.{key}[{index}]", name, f"listed twice in redshift.{key}"
                    )
        for flag in ("auto_create", "connect_by_cluster_id", "group_federation"):
            _check_flag(getattr(self, flag), f"redshift.{flag}")
        seconds = self.max_session_seconds
        if seconds is not None and (
            isinstance(seconds, bool)
            or not isinstance(seconds, int)
            or not SESSION_SECONDS_MIN <= seconds <= SESSION_SECONDS_MAX
        ):
            raise SetupError(
                "redshift.max_session_seconds",
                seconds,
                f"temporary database credentials last {SESSION_SECONDS_MIN} to "
                f"{SESSION_SECONDS_MAX} seconds (a whole number)",
            )
        object.__setattr__(self, "db_users", users)
        object.__setattr__(self, "db_groups", groups)


@record
class RedshiftServerless:
    """A Redshift Serverless workgroup an access role logs on to with
    ``redshift-serverless:GetCredentials`` (and ``GetWorkgroup``, which drivers call to find it).

    ``workgroup_id`` is the UUID at the end of the workgroup's ARN, which the permissions name;
    ``workgroup_name`` and ``db_name`` only go into the JDBC URL of ``iam-redshift connection``.
    """

    #: The key of this target's table in a setup file.
    key: ClassVar[str] = "redshift_serverless"

    region: str
    workgroup_id: str
    workgroup_name: str | None = None
    db_name: str = "dev"

    def __post_init__(self) -> None:
        _check_region(self.region, "redshift_serverless.region")
        _check_text(
            self.workgroup_id,
            "redshift_serverless.workgroup_id",
            _WORKGROUP_ID,
            "a workgroup id is a UUID in lowercase hex, such as "
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (the end of the workgroup's ARN)",
        )
        if self.workgroup_name is not None:
            _check_text(
                self.workgroup_name,
                "redshift_serverless.workgroup_name",
                _WORKGROUP_NAME,
                "a workgroup name has 3 to 64 lowercase letters, digits and hyphens",
            )
        _check_text(self.db_name, "redshift_serverless.db_name", _DB_NAME, _DB_NAME_RULE)


#: What an access role reaches: a provisioned cluster or a serverless workgroup.
Target = RedshiftCluster | RedshiftServerless


def _check_target(target: object, where: str) -> None:
    if target is not None and not isinstance(target, RedshiftCluster | RedshiftServerless):
        raise SetupError(where, target, "expected a RedshiftCluster or a RedshiftServerless")


@record
class InstanceRole:
    """The EC2 instance role: trusted by EC2, allowed to assume the access roles.

    With the ``least-privilege`` profile, ``list_roles`` grants ``iam:ListRoles`` (on ``*``, the
    only resource it takes) for tools that list roles in a drop-down, and ``target`` gives the
    instance role Redshift permissions of its own, for tools that also connect without
    assuming an access role; without it the instance role has none.
    """

    name: str
    path: str = "/"
    list_roles: bool = False
    target: Target | None = None

    def __post_init__(self) -> None:
        _check_role_name(self.name, "instance_role.name")
        _check_role_path(self.path, "instance_role.path")
        _check_flag(self.list_roles, "instance_role.list_roles")
        _check_target(self.target, "instance_role")


@record
class AccessRole:
    """A Redshift access role: trusts the instance role and carries the Redshift permissions.

    ``target`` says what the role reaches; the ``least-privilege`` profile requires it.
    """

    name: str
    path: str = "/"
    target: Target | None = None

    def __post_init__(self) -> None:
        _check_role_name(self.name, "access_roles[].name")
        _check_role_path(self.path, "access_roles[].path")
        _check_target(self.target, "access_roles[]")


@record
class Setup:
    """One two-role setup: an account, a partition, an instance role and its access roles."""

    account_id: str
    instance_role: InstanceRole
    access_roles: tuple[AccessRole, ...]
    partition: Partition = "aws"
    profile: Profile = "seed"

    def __post_init__(self) -> None:
        if not isinstance(self.account_id, str) or not _ACCOUNT_ID.fullmatch(self.account_id):
            raise SetupError("account_id", self.account_id, "an account id is exactly 12 digits")
        if self.partition not in PARTITIONS:
            raise SetupError(
                "partition", self.partition, f"the partition is one of {', '.join(PARTITIONS)}"
            )
        if self.profile not in PROFILES:
            raise SetupError(
                "profile", self.profile, f"the profile is one of {', '.join(PROFILES)}"
            )
        if not isinstance(self.instance_role, InstanceRole):
            raise SetupError("instance_role", self.instance_role, "expected an InstanceRole")
        if not isinstance(self.access_roles, tuple):
            # Accept any sequence from Python callers but store the immutable form.
            object.__setattr__(self, "access_roles", tuple(self.access_roles))
        if not self.access_roles:
            raise SetupError("access_roles", [], "a setup needs at least one access role")
        for index, role in enumerate(self.access_roles):
            if not isinstance(role, AccessRole):
                raise SetupError(f"access_roles[{index}]", role, "expected an AccessRole")
        seen: dict[str, str] = {self.instance_role.name.casefold(): "instance_role.name"}
        for index, role in enumerate(self.access_roles):
            where = f"access_roles[{index}].name"
            earlier = seen.setdefault(role.name.casefold(), where)
            if earlier != where:
                raise SetupError(
                    where,
                    role.name,
                    f"role names are unique ignoring case in IAM, and {earlier} has the same name",
                )
        self._check_profile()

    def _check_profile(self) -> None:
        """What each profile asks of the roles: the seed renders the page's documents and
        nothing else, least privilege needs to know what every access role reaches."""
        owners: list[tuple[str, InstanceRole | AccessRole]] = [
            ("instance_role", self.instance_role),
            *((f"access_roles[{i}]", r) for i, r in enumerate(self.access_roles)),
        ]
        if self.profile == "seed":
            only = "only means something with profile = 'least-privilege'"
            if self.instance_role.list_roles:
                raise SetupError(
                    "instance_role.list_roles",
                    True,
                    f"{only}; the seed's instance role already reads every role",
                )
            for where, role in owners:
                if role.target is not None:
                    raise SetupError(
                        f"{where}.{role.target.key}",
                        role.target.key,
                        f"{only}; the seed grants redshift:* on every resource",
                    )
            return
        for where, role in owners:
            if role.target is None:
                if isinstance(role, AccessRole):
                    raise SetupError(
                        where,
                        role.name,
                        "with profile = 'least-privilege' every access role says what it "
                        "reaches: add a [access_roles.redshift] table (a provisioned cluster) "
                        "or a [access_roles.redshift_serverless] table (a serverless workgroup)",
                    )
                continue
            region = role.target.region
            if partition_of_region(region) != self.partition:
                raise SetupError(
                    f"{where}.{role.target.key}.region",
                    region,
                    f"{region} is a region of partition {partition_of_region(region)}, and the "
                    f"setup's partition is {self.partition}",
                )

    def arn_of(self, role: InstanceRole | AccessRole) -> str:
        """The ARN of ``role`` in this setup's partition and account."""
        return role_arn(self.partition, self.account_id, role.name, role.path)

    @property
    def roles(self) -> tuple[InstanceRole | AccessRole, ...]:
        """Every role: the instance role, then the access roles in the setup's order."""
        return (self.instance_role, *self.access_roles)

    @property
    def instance_role_arn(self) -> str:
        """The instance role's full ARN, path included."""
        return self.arn_of(self.instance_role)

    @cached_view
    def access_role_arns(self) -> tuple[str, ...]:
        """The access roles' ARNs, in the setup's order (worked out once: rules ask for them
        for every document of a bundle)."""
        return tuple(self.arn_of(r) for r in self.access_roles)

    @cached_view
    def role_arns(self) -> frozenset[str]:
        """Every role's ARN, the instance role's and the access roles'."""
        return frozenset((self.instance_role_arn, *self.access_role_arns))

    @property
    def ec2_principal(self) -> str:
        """The EC2 service principal of this setup's partition."""
        return ec2_service_principal(self.partition)
