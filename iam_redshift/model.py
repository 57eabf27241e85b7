"""The setup model: who the instance role is, which access roles it may assume.

Every layer speaks these types. They are frozen and validate themselves on construction by IAM's
own rules, so a :class:`Setup` that exists is a setup IAM would accept. Role ARNs are derived
from the names, paths, partition and account, never typed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, get_args

__all__ = [
    "PARTITIONS",
    "PROFILES",
    "AccessRole",
    "InstanceRole",
    "Partition",
    "Profile",
    "Setup",
    "SetupError",
    "ec2_service_principal",
    "role_arn",
]

Partition = Literal["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"]
#: The AWS partitions a setup may live in, in a stable order.
PARTITIONS: Final[tuple[Partition, ...]] = get_args(Partition)

Profile = Literal["seed"]
#: Permission profiles a setup may ask for. ``seed`` renders exactly the source page's documents.
PROFILES: Final[tuple[Profile, ...]] = get_args(Profile)

# IAM's own limits (IAM User Guide, "IAM object quotas" and the CreateRole API reference).
_ACCOUNT_ID = re.compile(r"\d{12}")
_ROLE_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")
_ROLE_PATH = re.compile(r"/([\x21-\x7f]*/)?")
ROLE_NAME_MAX: Final = 64
ROLE_PATH_MAX: Final = 512


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


def role_arn(partition: str, account_id: str, name: str, path: str = "/") -> str:
    """The ARN IAM gives a role: ``arn:<partition>:iam::<account>:role<path><name>``."""
    return f"arn:{partition}:iam::{account_id}:role{path}{name}"


def ec2_service_principal(partition: str) -> str:
    """The EC2 service principal an instance role trusts in ``partition``.

    Every partition uses ``ec2.amazonaws.com`` except the China partition, whose IAM requires
    ``ec2.amazonaws.com.cn``.
    """
    return "ec2.amazonaws.com.cn" if partition == "aws-cn" else "ec2.amazonaws.com"


@dataclass(frozen=True)
class InstanceRole:
    """The EC2 instance role: trusted by EC2, allowed to assume the access roles."""

    name: str
    path: str = "/"

    def __post_init__(self) -> None:
        _check_role_name(self.name, "instance_role.name")
        _check_role_path(self.path, "instance_role.path")


@dataclass(frozen=True)
class AccessRole:
    """A Redshift access role: trusts the instance role and carries the Redshift permissions."""

    name: str
    path: str = "/"

    def __post_init__(self) -> None:
        _check_role_name(self.name, "access_roles[].name")
        _check_role_path(self.path, "access_roles[].path")


@dataclass(frozen=True)
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

    def arn_of(self, role: InstanceRole | AccessRole) -> str:
        """The ARN of ``role`` in this setup's partition and account."""
        return role_arn(self.partition, self.account_id, role.name, role.path)

    @property
    def instance_role_arn(self) -> str:
        """The instance role's full ARN, path included."""
        return self.arn_of(self.instance_role)

    @property
    def access_role_arns(self) -> tuple[str, ...]:
        """The access roles' ARNs, in the setup's order."""
        return tuple(self.arn_of(r) for r in self.access_roles)

    @property
    def ec2_principal(self) -> str:
        """The EC2 service principal of this setup's partition."""
        return ec2_service_principal(self.partition)
