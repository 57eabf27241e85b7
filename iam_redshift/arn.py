"""Amazon Resource Names as IAM reads them: split into parts, and why a text is not one.

``arn:partition:service:region:account-id:resource``, with the resource split the IAM way into a
type, a path and a name (``role`` ``/etl/`` ``Redshift-Access-Role-1``). Pure and cheap: rules,
the evaluator and the readers all read ARNs through this one module.
"""

from __future__ import annotations

import functools
import re

from iam_redshift._record import record

__all__ = [
    "ACCOUNT_ID",
    "DIGITS",
    "Arn",
    "arn_fields",
    "is_account_root",
    "malformed_reason",
    "parse_arn",
    "role_of_session",
    "unique_id_kind",
]

ACCOUNT_ID = re.compile(r"\d{12}")
DIGITS = re.compile(r"\d+")
# IAM's unique ids: a four-letter prefix saying what the id is, 16 to 128 characters in all
# (IAM User Guide, "Unique identifiers"; RoleId in the IAM API reference).
_UNIQUE_ID = re.compile(r"[A-Z0-9]{16,128}")
_UNIQUE_ID_PREFIXES = {
    "AROA": "role",
    "AIDA": "user",
    "AGPA": "group",
    "AIPA": "instance profile",
    "ANPA": "managed policy",
    "ANVA": "managed policy version",
    "APKA": "public key",
    "ASCA": "certificate",
    "AKIA": "access key",
    "ASIA": "temporary access key",
    "ABIA": "STS bearer token",
    "ACCA": "context-specific credential",
}


@record
class Arn:
    """An ARN split into its parts. ``resource`` is everything after the account;
    ``resource_type``, ``path`` and ``name`` split it the IAM way (``role``, ``/etl/``,
    ``Redshift-Access-Role-1``); for ``root`` the type is ``root`` and path and name are empty.
    """

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    path: str
    name: str
    resource: str


def arn_fields(text: str) -> tuple[str, str, str, str, str] | None:
    """(partition, service, region, account, resource) of anything written ``arn:...`` with
    six colon-separated fields, however odd the fields are (placeholders, wildcards, policy
    variables); None otherwise. For rules that judge the fields themselves; :func:`parse_arn`
    is the strict reading."""
    if not isinstance(text, str):
        return None
    fields = text.split(":", 5)
    if len(fields) < 6 or fields[0] != "arn":
        return None
    _, partition, service, region, account, resource = fields
    return partition, service, region, account, resource


def parse_arn(text: str) -> Arn | None:
    """``text`` as an ARN, or None when it is not one (never raises).

    The accepted shape is policyuniverse's (a test holds the two equal), less its flaws: it
    raises TypeError on anything but ``str``, its ``$`` accepts a trailing newline (which it
    then drops from the resource), it accepts an empty partition or service, and it does not
    split the resource. Importing policyuniverse loads its whole action catalogue (most of a
    second), so the lint path does not.
    """
    if not isinstance(text, str) or not text.startswith("arn:") or text != text.strip():
        return None
    if "\n" in text or "\r" in text or "\t" in text:
        return None
    return _parse_arn_text(text)


# The shape policyuniverse's ARN class accepts (policyuniverse/arn.py), kept exactly so findings
# do not change: six colon-separated fields, an account that is empty, "*", twelve digits,
# "aws" or "cloudfront", and a resource of at least one character.
_ARN = re.compile(r"arn:([^:]*):([^:]*):([^:]*):(|\*|\d{12}|cloudfront|aws):(.+)", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def _parse_arn_text(text: str) -> Arn | None:
    match = _ARN.fullmatch(text)
    if match is None:
        return None
    partition, service, region, account, resource = match.groups()
    if not partition or not service:
        return None
    cuts = [i for i in (resource.find("/"), resource.find(":")) if i >= 0]
    if not cuts:
        return Arn(partition, service, region, account, resource, "", "", resource)
    resource_type, rest = resource[: min(cuts)], resource[min(cuts) + 1 :]
    head, slash, name = rest.rpartition("/")
    path = f"/{head}/" if slash else "/"
    return Arn(partition, service, region, account, resource_type, path, name, resource)


def malformed_reason(text: str) -> str:
    """Why ``text`` (which starts with ``arn:``) is not an ARN, in words."""
    if text != text.strip() or any(c in text for c in "\n\r\t"):
        return "it has spaces or line breaks in it or around it"
    parts = text.split(":", 5)
    if len(parts) < 6:
        return (
            "an ARN has six parts separated by colons "
            f"(arn:partition:service:region:account-id:resource), and this one has {len(parts)}"
        )
    _, partition, service, _, account, resource = parts
    if not partition:
        return "the partition (aws, aws-cn, aws-us-gov...) is empty"
    if not service:
        return "the service (iam, sts...) is empty"
    if not resource:
        return "the resource (role/NAME...) is empty"
    if account and not ACCOUNT_ID.fullmatch(account):
        if DIGITS.fullmatch(account):
            return f"the account id {account!r} has {len(account)} digits, not 12"
        return f"the account id {account!r} is not 12 digits"
    return "it is not a well-formed ARN"


def unique_id_kind(text: str) -> str | None:
    """What an IAM unique id names (``role``, ``user``...), or None if ``text`` is not one."""
    if _UNIQUE_ID.fullmatch(text):
        return _UNIQUE_ID_PREFIXES.get(text[:4])
    return None


def is_account_root(arn: Arn) -> bool:
    return arn.service == "iam" and arn.resource == "root"


def role_of_session(arn: Arn) -> str:
    """The role name in an ``assumed-role/ROLE/SESSION`` ARN."""
    return arn.path.strip("/").split("/")[0] if arn.path else ""
