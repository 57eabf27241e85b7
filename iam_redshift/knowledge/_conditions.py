"""Condition keys: the global and cross-service keys, each action's keys, and their types."""

from __future__ import annotations

import functools
import re
from typing import Final

from iam_redshift.knowledge._actions import _cacheable, _lookup
from iam_redshift.knowledge._base import _CONDITION_CACHE, _KEY_SLOT, _PATTERN_CACHE, _service
from iam_redshift.knowledge._index import FIELDS

#: The global condition keys of the IAM User Guide's "AWS global condition context keys" table
#: (principal, role session, network, resource and request properties), lower-cased. The tag
#: families (``aws:PrincipalTag/``, ``aws:RequestTag/``, ``aws:ResourceTag/``) take any tag key.
GLOBAL_CONDITION_KEYS: Final[frozenset[str]] = frozenset(
    key.lower()
    for key in (
        # Properties of the principal
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalOrgID",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalType",
        "aws:userid",
        "aws:username",
        # Properties of a role session
        "aws:AssumedRoot",
        "aws:FederatedProvider",
        "aws:TokenIssueTime",
        "aws:SignInSessionArn",
        "aws:MultiFactorAuthAge",
        "aws:MultiFactorAuthPresent",
        "aws:ChatbotSourceArn",
        "aws:Ec2InstanceSourceVpc",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:SourceIdentity",
        # Properties of the network
        "aws:SourceIp",
        "aws:SourceVpc",
        "aws:SourceVpcArn",
        "aws:SourceVpce",
        "aws:VpceAccount",
        "aws:VpceOrgID",
        "aws:VpceOrgPaths",
        "aws:VpcSourceIp",
        # Properties of the resource
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        # Properties of the request
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:CalledViaAWSMCP",
        "aws:ViaAWSService",
        "aws:ViaAWSMCPService",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:referer",
        "aws:RequestedRegion",
        "aws:TagKeys",
        "aws:SecureTransport",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:UserAgent",
        "aws:IsMcpServiceAction",
        # Not in the guide's table, yet AWS's own managed policies use it (AWSSSOServiceRolePolicy)
        # and IAM Access Analyzer accepts it: the management account of the principal's
        # organization.
        "aws:PrincipalOrgMasterAccountId",
    )
)

# Global keys that carry a tag key after the slash: aws:RequestTag/Team.
_GLOBAL_TAG_FAMILIES: Final = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")

#: Cross-service keys of the same table (role-session properties set by one service and present
#: in requests to every service), lower-cased: valid with any action, though not ``aws:`` keys.
CROSS_SERVICE_CONDITION_KEYS: Final[frozenset[str]] = frozenset(
    key.lower()
    for key in (
        "ec2:RoleDelivery",
        "ec2:SourceInstanceArn",
        "glue:RoleAssumedBy",
        "glue:CredentialIssuingService",
        "codebuild:BuildArn",
        "codebuild:ProjectArn",
        "lambda:SourceFunctionArn",
        "ssm:SourceInstanceArn",
        "identitystore:UserId",
    )
)

# --- condition keys ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _key_template(template: str) -> re.Pattern[str]:
    """A documented key (lower-cased) as a regex: ``${TagKey}``/``<key>`` slots, and the
    ``.../tag-key`` and trailing-slash spellings of the same, each take one or more characters."""
    if template.endswith("/tag-key"):
        template = template[: -len("tag-key")]
    parts = _KEY_SLOT.split(template)
    pattern = "".join(".+" if index % 2 else re.escape(part) for index, part in enumerate(parts))
    if template.endswith("/"):
        pattern += ".+"
    return re.compile(pattern, re.DOTALL)


def condition_keys(action: str) -> frozenset[str]:
    """The lower-cased condition keys documented for a current action: the action's own and its
    resource types' keys, templates kept (``aws:requesttag/${tagkey}``); empty when unknown.

    Global keys (``aws:...``) are valid with every action and checked apart, with
    :func:`is_global_condition_key`; :func:`condition_key_allowed` does the whole check.
    """
    if not isinstance(action, str):
        return frozenset()
    prefix, _, name = action.partition(":")
    service = _service(prefix.lower())
    return service.condition_keys(name.lower()) if service is not None else frozenset()


def condition_key_matches(template: str, key: str) -> bool:
    """Whether a key used in a policy (``aws:RequestTag/Team``) fits a documented key or key
    template (``aws:RequestTag/${TagKey}``, ``s3:ExistingObjectTag/<key>``), ignoring case."""
    if not isinstance(template, str) or not isinstance(key, str):
        return False
    return _key_template(template.lower()).fullmatch(key.lower()) is not None


def _global_key(key: str) -> bool:
    if key in GLOBAL_CONDITION_KEYS:
        return True
    return any(key.startswith(family) and len(key) > len(family) for family in _GLOBAL_TAG_FAMILIES)


@functools.lru_cache(maxsize=_CONDITION_CACHE)
def _condition_key_allowed_cached(action: str, key: str) -> bool:
    if key in CROSS_SERVICE_CONDITION_KEYS or _global_key(key):
        return True
    found = _lookup(action)
    if found is None or not found.detailed:
        return True  # unknown, or not documented in detail: no claim
    return any(_key_template(template).fullmatch(key) for template in condition_keys(action))


def condition_key_allowed(action: str, key: str) -> bool:
    """Whether a condition key can apply to an action: a global or cross-service key, or one of
    :func:`condition_keys` (templates matched). ``True`` for an unknown action."""
    if not isinstance(action, str) or not isinstance(key, str):
        return True
    if not _cacheable(action, key):
        return True
    return _condition_key_allowed_cached(action.lower(), key.lower())


def is_global_condition_key(key: str) -> bool:
    """Whether ``key`` is one of AWS's global condition keys (``aws:SourceIp``,
    ``aws:PrincipalTag/team``...), ignoring case."""
    return isinstance(key, str) and _global_key(key.lower())


def is_cross_service_condition_key(key: str) -> bool:
    """Whether ``key`` is a cross-service key of the role-session table (``ec2:SourceInstanceArn``,
    ``lambda:SourceFunctionArn``...): service-prefixed, yet present in any service's requests."""
    return isinstance(key, str) and key.lower() in CROSS_SERVICE_CONDITION_KEYS


def service_condition_keys(prefix: str) -> frozenset[str]:
    """The lower-cased condition keys the service ``prefix`` documents (its condition keys
    table, templates kept); empty for an unknown service."""
    if not isinstance(prefix, str):
        return frozenset()
    service = _service(prefix.lower())
    return frozenset(service.conditions) if service is not None else frozenset()


def condition_key_type(key: str) -> str | None:
    """The documented type of a service's condition key (``"String"``, ``"Bool"``, ``"ARN"``,
    ``"Date"``, ``"Numeric"``, ``"IPAddress"``, ``"ArrayOfString"``...), from the service of
    the key's prefix; ``None`` when the index does not document it."""
    if not isinstance(key, str) or not _cacheable(key):
        return None
    prefix = key.partition(":")[0].lower()
    service = _service(prefix)
    if service is None:
        return None
    found = service.conditions.get(key.lower())
    return found.partition(FIELDS)[2] if found is not None else None
