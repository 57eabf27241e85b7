"""IR3xx: principals, and the documents of a bundle against each other.

Per document: wildcard and account principals (IR302, IR303), malformed or placeholder ARNs
(IR308), unique ids left by deleted roles (IR309), trust actions other than ``sts:AssumeRole``
(IR310), and ARNs outside the setup's partition or account (IR307). Across a bundle: each access
role trusts exactly the instance role (IR301), the instance role trusts exactly EC2 (IR304), and
the instance role's ``sts:AssumeRole`` targets agree with the access roles' trust (IR305, IR306).

One fact, one finding. The cross-document rules say how a document disagrees with the setup,
whatever else is in it: an access role's trust policy that lacks the instance role's ARN is IR301
even when what it names instead is ``*`` (also IR302), an account (also IR303), a unique id (also
IR309) or a malformed ARN (also IR308), because those rules add a fact IR301 does not state.
IR307 stays silent on the principal IR301 reports and on the ``sts:AssumeRole`` targets IR305
reports, since their messages already name the partition or account that differs. IR305 reports
an access role whose trust policy does not name the instance role only through IR301 (which
points at both documents); IR305 itself covers targets missing from the bundle (an exact ARN,
or a pattern that covers no access role: a pattern that covers one is IR205's, in the wildcard
family) and trust policies that name the instance role without granting it ``sts:AssumeRole``.
IR304 reports every principal of the instance role's trust policy but EC2 (a ``*`` there is also
IR302), and IR310 leaves that trust policy to IR304. IR308 never flags the setup's own ARNs: a
path may hold ``*``, ``?``, ``$`` or ``<>`` in IAM, and the setup's ARNs are what the other
rules expect.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iam_redshift.findings import Severity
from iam_redshift.linter._glob import glob_match
from iam_redshift.rules._base import BundleContext, Example, Hit, LintContext, Related, Rule

if TYPE_CHECKING:
    from iam_redshift.linter.policy import PolicyDocument, Statement, Value

PRINCIPAL = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
)
IDENTIFIERS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"
ARNS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"
ROLE_FOR_EC2 = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html"
PRINCIPAL_ARN_KEY = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-keys.html#condition-keys-principalarn"
)
ASSUME_ROLE = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"
TRUST_POLICIES = "https://aws.amazon.com/blogs/security/how-to-use-trust-policies-with-iam-roles/"
ROLE_API = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html"

_INSTANCE_ARN = "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"
_ACCESS_ARN = "arn:aws:iam::123456789012:role/Redshift-Access-Role-1"
_INSTANCE_DIR = "EC2-Redshift-Initiator-Role"
_ACCESS_DIR = "Redshift-Access-Role-1"


def _trust(
    principal: object, *, action: object = "sts:AssumeRole", condition: object = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def _instance_permissions(resources: list[str] | None) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AllowIamRoleReadAndList",
            "Effect": "Allow",
            "Action": ["iam:GetRole", "iam:ListRolePolicies"],
            "Resource": "*",
        },
        {"Sid": "BroadRedshiftAccess", "Effect": "Allow", "Action": "redshift:*", "Resource": "*"},
    ]
    if resources is not None:
        statements.append(
            {
                "Sid": "AllowAssumingPreferredRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": resources,
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


_GOOD_TRUST = _trust({"AWS": _INSTANCE_ARN})

# -- reading ARNs ------------------------------------------------------------------------------

_ACCOUNT_ID = re.compile(r"\d{12}")
_DIGITS = re.compile(r"\d+")
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
_PLACEHOLDER = re.compile(r"<[^<>]*>")
_POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")
_WILDCARD = re.compile(r"[*?]")
_ASSUME_ROLE = "sts:AssumeRole"


@dataclass(frozen=True)
class _Arn:
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


def _parse_arn(text: str) -> _Arn | None:
    """``text`` as an ARN, or None when it is not one (never raises).

    The split is policyuniverse's rule (:data:`_ARN_RULE`), with its flaws worked around: no
    trailing newline, no empty partition or service; an account that is not 12 digits, ``*``,
    ``aws`` or ``cloudfront`` is no ARN (so placeholders get no diagnosis: see
    :func:`_malformed_reason`); the resource is split here.
    """
    if not isinstance(text, str) or not text.startswith("arn:") or text != text.strip():
        return None
    if any(c in text for c in "\n\r\t"):
        return None
    return _parse_arn_text(text) if len(text) <= 512 else _parse_arn_uncached(text)


# policyuniverse's ARN rule (policyuniverse/arn.py), kept as it was so that findings do not
# change, without importing policyuniverse on the lint path (it loads its whole action catalogue):
# six parts, an account of 12 digits, "*", "aws", "cloudfront" or nothing, a non-empty resource.
_ARN_RULE = re.compile(r"arn:([^:]*):([^:]*):([^:]*):(|\*|[\d]{12}|cloudfront|aws):(.+)", re.DOTALL)


# Bounded twice: in entries, and by remembering only ARNs of ordinary length (see _parse_arn).
@functools.lru_cache(maxsize=4096)
def _parse_arn_text(text: str) -> _Arn | None:
    return _parse_arn_uncached(text)


def _parse_arn_uncached(text: str) -> _Arn | None:
    match = _ARN_RULE.fullmatch(text)
    if match is None:
        return None
    partition, service, region, account, resource = match.groups()
    if not partition or not service or not resource:
        return None
    cuts = [i for i in (resource.find("/"), resource.find(":")) if i >= 0]
    if not cuts:
        return _Arn(partition, service, region, account, resource, "", "", resource)
    resource_type, rest = resource[: min(cuts)], resource[min(cuts) + 1 :]
    head, slash, name = rest.rpartition("/")
    path = f"/{head}/" if slash else "/"
    return _Arn(partition, service, region, account, resource_type, path, name, resource)


def _malformed_reason(text: str) -> str:
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
    if account and not _ACCOUNT_ID.fullmatch(account):
        if _DIGITS.fullmatch(account):
            return f"the account id {account!r} has {len(account)} digits, not 12"
        return f"the account id {account!r} is not 12 digits"
    return "it is not a well-formed ARN"


def _unique_id_kind(text: str) -> str | None:
    """What an IAM unique id names (``role``, ``user``...), or None if ``text`` is not one."""
    if _UNIQUE_ID.fullmatch(text):
        return _UNIQUE_ID_PREFIXES.get(text[:4])
    return None


def _is_account_root(arn: _Arn) -> bool:
    return arn.service == "iam" and arn.resource == "root"


def _role_of_session(arn: _Arn) -> str:
    """The role name in an ``assumed-role/ROLE/SESSION`` ARN."""
    return arn.path.strip("/").split("/")[0] if arn.path else ""


# -- reading statements ------------------------------------------------------------------------


def _action_matches(pattern: str, action: str) -> bool:
    """Whether an Action value (with IAM's ``*`` and ``?``; case-insensitive) covers ``action``."""
    return glob_match(pattern, action, ignore_case=True)


def _resource_matches(pattern: str, arn: str) -> bool:
    """Whether a Resource value covers ``arn``. A policy variable could expand to anything, so it
    counts as ``*``."""
    if pattern == arn:
        return True
    return glob_match(_POLICY_VARIABLE.sub("*", pattern), arn)


def _allows_assume_role(statement: Statement) -> bool:
    """Whether an Allow statement grants ``sts:AssumeRole`` (directly, by wildcard, or by a
    NotAction that leaves it out)."""
    if not statement.allows:
        return False
    if statement.has("Action"):
        return any(_action_matches(a.text, _ASSUME_ROLE) for a in statement.strings("Action"))
    if statement.has("NotAction"):
        return not any(
            _action_matches(a.text, _ASSUME_ROLE) for a in statement.strings("NotAction")
        )
    return False


def _assume_resources(document: PolicyDocument) -> Iterator[tuple[Statement, Value]]:
    """(statement, Resource value) for each resource a statement allows ``sts:AssumeRole`` on."""
    for statement in document.statements:
        if _allows_assume_role(statement):
            for value in statement.strings("Resource"):
                yield statement, value


def _aws_principals(document: PolicyDocument, *, allow_only: bool = True) -> Iterator[Value]:
    """The ``AWS`` principal values (and ``"Principal": "*"``) of the document's statements."""
    for statement in document.statements:
        if allow_only and not statement.allows:
            continue
        for kind, value in statement.principals():
            if kind == "AWS" or (kind == "*" and value.text == "*"):
                yield value


def _names_principal(document: PolicyDocument, arn: str) -> Value | None:
    """The first Allow statement principal that is exactly ``arn``."""
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            if kind == "AWS" and value.text == arn:
                return value
    return None


def _grants_assume_role_to(document: PolicyDocument, arn: str) -> bool:
    """Whether some Allow statement gives exactly ``arn`` ``sts:AssumeRole`` on this role."""
    return any(
        _allows_assume_role(statement)
        and any(kind == "AWS" and v.text == arn for kind, v in statement.principals())
        for statement in document.statements
    )


def _setup_arns(context: LintContext) -> frozenset[str]:
    """The ARNs the setup itself derives: valid by construction, whatever their paths hold."""
    arns: set[str] = set()
    if context.setup is not None:
        arns.add(context.setup.instance_role_arn)
        arns.update(context.setup.access_role_arns)
    if context.instance_role_arn:
        arns.add(context.instance_role_arn)
    return frozenset(arns)


def _fallback_pointer(document: PolicyDocument) -> str:
    """Where to report a trust policy that names nothing useful: its first Allow statement's
    Principal, else its first statement, else its Statement element."""
    first = next(document.allow_statements(), None)
    if first is not None:
        return first.pointer_of("Principal") if first.has("Principal") else first.pointer
    if document.statements:
        return document.statements[0].pointer
    return (
        "/Statement" if isinstance(document.value, dict) and "Statement" in document.value else ""
    )


def _an(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


# -- IR301 -------------------------------------------------------------------------------------


def _expected_principal(document: PolicyDocument, context: LintContext) -> str | None:
    """The principal this trust policy must name, when it must name one: the instance role, for
    an access role's trust policy in a bundle, or for a loose trust policy that names AWS
    principals when ``--instance-role`` is given (one that trusts only services or federated
    identities is not an access role's trust policy)."""
    if document.kind != "trust":
        return None
    if context.setup is not None:
        return context.setup.instance_role_arn if document.role_kind == "access" else None
    if not context.instance_role_arn:
        return None
    if not any(True for _ in _aws_principals(document)):
        return None
    return context.instance_role_arn


def _candidate(document: PolicyDocument, expected: str) -> tuple[str, Value] | None:
    """The principal (type, value) closest to ``expected`` (what was probably meant to be it)."""
    wanted = _parse_arn(expected)
    best: tuple[int, int, str, Value] | None = None
    index = 0
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            index += 1
            found = _parse_arn(value.text) if kind == "AWS" else None
            if kind == "AWS" and value.text.lower() == expected.lower():
                score = 0
            elif found and wanted and found.name.lower() == wanted.name.lower():
                score = 1
            elif found and found.resource_type == "role":
                score = 2
            elif kind in ("AWS", "*"):
                score = 3
            else:
                score = 4
            if best is None or (score, index) < best[:2]:
                best = (score, index, kind, value)
    return (best[2], best[3]) if best else None


def _missing_instance_role(document: PolicyDocument, expected: str) -> tuple[str, str] | None:
    """(pointer, what is there instead) when no Allow statement names ``expected`` exactly."""
    if _names_principal(document, expected) is not None:
        return None
    candidate = _candidate(document, expected)
    if candidate is None:
        return _fallback_pointer(document), "no principal in an Allow statement"
    kind, value = candidate
    if kind not in ("AWS", "*"):
        return value.pointer, f"only the {kind} principal {value.text!r}"
    return value.pointer, _describe_principal(value.text, expected)


def _differences(found: _Arn, wanted: _Arn) -> list[str]:
    if found.service != wanted.service or found.resource_type != wanted.resource_type:
        if _is_account_root(found):
            kind = "the account root (every principal of the account, see IR303)"
        elif found.service == "sts" and found.resource_type == "assumed-role":
            kind = "a role session (sts assumed-role) ARN (see IR308)"
        else:
            kind = _an(f"{found.service} {found.resource_type or 'resource'} ARN")
        return [f"it is {kind}, not a role ARN"] + (
            [f"its account is {found.account!r}, not {wanted.account!r}"]
            if found.account != wanted.account
            else []
        )
    differences = []
    if found.partition != wanted.partition:
        differences.append(f"its partition is {found.partition!r}, not {wanted.partition!r}")
    if found.account != wanted.account:
        differences.append(f"its account is {found.account!r}, not {wanted.account!r}")
    if found.region:
        differences.append(f"it has a region ({found.region!r}), which IAM ARNs never have")
    if found.path != wanted.path:
        how = "differs only in case" if found.path.lower() == wanted.path.lower() else "is"
        differences.append(f"its path {how} {found.path!r}, not {wanted.path!r}")
    if found.name != wanted.name:
        how = "differs only in case" if found.name.lower() == wanted.name.lower() else "is"
        differences.append(f"its role name {how} {found.name!r}, not {wanted.name!r}")
    return differences


def _describe_principal(text: str, expected: str) -> str:
    """What a principal value is, and how it differs from ``expected``, in words."""
    if text == "*":
        return "'*' (every principal, see IR302)"
    if _ACCOUNT_ID.fullmatch(text):
        return f"the whole account {text} (see IR303)"
    unique = _unique_id_kind(text)
    if unique in ("role", "user"):
        return f"the unique id {text} of a deleted {unique} (see IR309)"
    placeholder = _PLACEHOLDER.search(text)
    if placeholder:
        return f"{text!r}, which still holds the placeholder {placeholder.group()} (see IR308)"
    found, wanted = _parse_arn(text), _parse_arn(expected)
    if text.lower() == expected.lower():
        return f"{text!r}, which differs from it only in case"
    if found is None or wanted is None:
        return f"{text!r}, which is not a valid principal ARN (see IR308)"
    differences = _differences(found, wanted) or ["it differs"]
    return f"{text!r}: {'; '.join(differences)}"


def _assume_entry(bundle: BundleContext, arn: str | None) -> Related | None:
    """The instance permissions policy's ``sts:AssumeRole`` Resource entry for ``arn``."""
    if arn is None:
        return None
    fallback: Related | None = None
    for document in bundle.of_role("instance", "permissions"):
        for _, value in _assume_resources(document):
            if value.text == arn:
                return Related(
                    document.file,
                    value.pointer,
                    f"the instance role's permissions policy allows sts:AssumeRole on {arn} here",
                )
            if fallback is None and _resource_matches(value.text, arn):
                fallback = Related(
                    document.file,
                    value.pointer,
                    f"the instance role's permissions policy allows sts:AssumeRole on {arn} "
                    f"through {value.text!r} here",
                )
    return fallback


def _check_instance_role_named_loose(
    document: PolicyDocument, context: LintContext
) -> Iterator[Hit]:
    if context.setup is not None:
        return  # bundles: the bundle check below reports, with the other document as related
    expected = _expected_principal(document, context)
    if expected is None:
        return
    missing = _missing_instance_role(document, expected)
    if missing is not None:
        pointer, found = missing
        yield Hit(
            pointer,
            f"this trust policy does not name the instance role {expected} (--instance-role): "
            f"it names {found}. IAM matches principals exactly, so the instance role cannot "
            f'assume this role; set "Principal": {{"AWS": "{expected}"}}',
        )


def _check_instance_role_named(bundle: BundleContext) -> Iterator[Hit]:
    expected = bundle.setup.instance_role_arn
    for document in bundle.of_role("access", "trust"):
        missing = _missing_instance_role(document, expected)
        if missing is None:
            continue
        pointer, found = missing
        related = _assume_entry(bundle, document.role_arn)
        where = (
            f" (the instance role's permissions policy {related.file} allows assuming it)"
            if related
            else ""
        )
        yield Hit(
            pointer,
            f"the trust policy of access role {document.role} does not name the instance role "
            f"{expected}: it names {found}. IAM matches principals exactly, so the instance role "
            f"cannot assume {document.role}{where}; set the principal to {expected!r}",
            file=document.file,
            related=(related,) if related else (),
        )


INSTANCE_ROLE_NOT_TRUSTED = Rule(
    code="IR301",
    name="instance-role-not-trusted",
    severity=Severity.ERROR,
    summary="An access role's trust policy does not name the instance role's ARN exactly.",
    why="IAM matches an AWS principal by its exact ARN: a different role name, a missing or "
    "extra path, another account or partition, or a change of case each names another "
    "principal (or none), so the instance role cannot assume the access role and the ETL "
    "tool's connection fails with AccessDenied. In a bundle the instance role's ARN comes from "
    "the setup; for loose trust policies, from --instance-role.",
    fix="Name the instance role's full ARN, path included, exactly as the setup derives it: "
    '"Principal": {"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiator-Role"}.',
    bad=Example.bundle(
        {
            f"{_ACCESS_DIR}/trust-policy.json": _trust(
                {"AWS": "arn:aws:iam::123456789012:role/EC2-Redshift-Initiater-Role"}
            )
        },
        note="the role name is misspelt",
    ),
    good=Example.bundle({}),
    references=(PRINCIPAL, IDENTIFIERS, TRUST_POLICIES),
    kinds=frozenset({"trust"}),
    check=_check_instance_role_named_loose,
    bundle_check=_check_instance_role_named,
)

# -- IR302 -------------------------------------------------------------------------------------


def _check_wildcard_principal(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        for kind, value in statement.principals():
            if value.text != "*" or kind not in ("*", "AWS"):
                continue
            written = '"Principal": "*"' if kind == "*" else '{"AWS": "*"}'
            limited = "; only its Condition block limits who that is" if statement.condition else ""
            yield Hit(
                value.pointer,
                f"{written} lets any AWS principal, in any account, assume this role{limited}. "
                "Name the one principal that should assume it (for an access role, the instance "
                "role's ARN)",
            )


WILDCARD_PRINCIPAL = Rule(
    code="IR302",
    name="wildcard-principal",
    severity=Severity.SECURITY_WARNING,
    summary='A trust policy trusts every principal ("*" or {"AWS": "*"}).',
    why="A wildcard principal in a role's trust policy lets any AWS identity, in any account, "
    "call sts:AssumeRole on the role; only conditions, if any, stand between the role's "
    "permissions and the world.",
    fix="Replace the wildcard with the exact ARN of the principal that should assume the role.",
    bad=Example.document(_trust({"AWS": "*"}), kind="trust"),
    good=Example.document(_GOOD_TRUST, kind="trust"),
    references=(PRINCIPAL, TRUST_POLICIES),
    kinds=frozenset({"trust"}),
    check=_check_wildcard_principal,
)

# -- IR303 -------------------------------------------------------------------------------------


def _narrowed_by_principal_arn(statement: Statement) -> bool:
    return any(key.lower() == "aws:principalarn" for _, key, _ in statement.condition_keys())


def _check_account_principal(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if document.role_kind == "instance" and context.setup is not None:
        instead = f'{{"Service": "{context.setup.ec2_principal}"}}'
    else:
        instead = context.instance_role_arn or "the instance role's ARN"
    for statement in document.allow_statements():
        if _narrowed_by_principal_arn(statement):
            continue
        for kind, value in statement.principals():
            if kind != "AWS":
                continue
            if _ACCOUNT_ID.fullmatch(value.text):
                account = value.text
            else:
                arn = _parse_arn(value.text)
                if (
                    arn is None
                    or not _is_account_root(arn)
                    or not _ACCOUNT_ID.fullmatch(arn.account)
                ):
                    continue
                account = arn.account
            yield Hit(
                value.pointer,
                f"principal {value.text!r} is the whole account {account}: every user and role "
                "in it whose own policies allow sts:AssumeRole on this role may assume it, not "
                f"only the instance role. Name {instead} instead, or narrow the statement with "
                "a condition on aws:PrincipalArn",
            )


ACCOUNT_PRINCIPAL = Rule(
    code="IR303",
    name="account-principal",
    severity=Severity.SECURITY_WARNING,
    summary="A trust policy trusts a whole account (arn:...:root or a bare account id).",
    why="An account principal delegates the decision to the account's identity policies: any "
    "user or role there that is allowed sts:AssumeRole on the role can assume it. In the "
    "two-role pattern only the instance role should.",
    fix="Name the instance role's ARN, or keep the account principal and add a condition on "
    "aws:PrincipalArn that names the instance role.",
    bad=Example.document(_trust({"AWS": "arn:aws:iam::123456789012:root"}), kind="trust"),
    good=Example.document(
        _trust(
            {"AWS": "arn:aws:iam::123456789012:root"},
            condition={"ArnEquals": {"aws:PrincipalArn": _INSTANCE_ARN}},
        ),
        kind="trust",
        note="narrowed by aws:PrincipalArn",
    ),
    references=(PRINCIPAL, PRINCIPAL_ARN_KEY),
    kinds=frozenset({"trust"}),
    check=_check_account_principal,
)

# -- IR304 -------------------------------------------------------------------------------------


def _other_ec2_message(text: str, ec2: str, partition: str) -> str | None:
    other = {"ec2.amazonaws.com", "ec2.amazonaws.com.cn"} - {ec2}
    if text in other:
        return (
            f"{text!r} is the EC2 service principal of another partition; in {partition} it is "
            f"{ec2!r}"
        )
    if text.lower() == ec2:
        return f"{text!r} is not written exactly {ec2!r}"
    return None


def _check_ec2_trust(bundle: BundleContext) -> Iterator[Hit]:
    setup = bundle.setup
    ec2 = setup.ec2_principal
    for document in bundle.of_role("instance", "trust"):
        allow = list(document.allow_statements())
        ec2_named = any(
            kind == "Service" and v.text == ec2 for s in allow for kind, v in s.principals()
        )
        granted = False
        for statement in allow:
            principals = statement.principals()
            names_ec2 = any(kind == "Service" and v.text == ec2 for kind, v in principals)
            for kind, value in principals:
                if kind == "Service" and value.text == ec2:
                    continue
                if kind == "*":
                    what, extra = "every principal ('*')", None
                elif kind == "Service":
                    what = f"service principal {value.text!r}"
                    extra = _other_ec2_message(value.text, ec2, setup.partition)
                else:
                    what, extra = f"{kind} principal {value.text!r}", None
                lead = (
                    f"the instance role's trust policy also trusts {what}"
                    if ec2_named
                    else f"the instance role's trust policy trusts {what} instead of EC2"
                )
                yield Hit(
                    value.pointer,
                    f"{lead}{f' ({extra})' if extra else ''}: the instance role must be "
                    f"assumable by EC2 alone. Trust exactly "
                    f'{{"Service": "{ec2}"}} with sts:AssumeRole',
                    file=document.file,
                )
            if not names_ec2:
                continue
            if statement.has("NotAction"):
                yield Hit(
                    statement.pointer_of("NotAction"),
                    "the instance role's trust policy gives EC2 every action but those in "
                    'NotAction; write "Action": "sts:AssumeRole"',
                    file=document.file,
                )
            actions = statement.strings("Action")
            exact = any(a.text.lower() == _ASSUME_ROLE.lower() for a in actions)
            granted = granted or exact
            for action in actions:
                if action.text.lower() == _ASSUME_ROLE.lower():
                    continue
                besides = (
                    "besides sts:AssumeRole" if exact else "where exactly sts:AssumeRole belongs"
                )
                yield Hit(
                    action.pointer,
                    f"the instance role's trust policy grants EC2 {action.text!r} {besides}; "
                    f"EC2 needs exactly sts:AssumeRole to deliver the role to the instance. "
                    f'Write "Action": "sts:AssumeRole"',
                    file=document.file,
                )
        if not ec2_named and not any(s.principals() for s in allow):
            yield Hit(
                _fallback_pointer(document),
                f"the instance role's trust policy does not trust the EC2 service, so no instance "
                f"can use the role; add an Allow statement with "
                f'"Principal": {{"Service": "{ec2}"}} and "Action": "sts:AssumeRole"',
                file=document.file,
            )


EC2_TRUST = Rule(
    code="IR304",
    name="instance-role-not-ec2-only",
    severity=Severity.ERROR,
    summary="The instance role's trust policy does not trust exactly the partition's EC2 "
    "service principal with sts:AssumeRole.",
    why="EC2 delivers an instance role's credentials only if the role trusts the EC2 service "
    "principal (ec2.amazonaws.com, or ec2.amazonaws.com.cn in the China partition) with "
    "sts:AssumeRole. Any other principal or action lets something besides the instance become "
    "the role that may assume every Redshift access role.",
    fix='Give the instance role one trust statement: "Principal": {"Service": '
    '"ec2.amazonaws.com"} (ec2.amazonaws.com.cn in aws-cn), "Action": "sts:AssumeRole".',
    bad=Example.bundle(
        {f"{_INSTANCE_DIR}/trust-policy.json": _trust({"Service": "lambda.amazonaws.com"})},
        note="a different service",
    ),
    good=Example.bundle({}),
    references=(ROLE_FOR_EC2, PRINCIPAL),
    scope="bundle",
    check=_check_ec2_trust,
)

# -- IR305 -------------------------------------------------------------------------------------


def _foreign_targets(document: PolicyDocument, access_arns: Iterable[str]) -> Iterator[Value]:
    """Role ARNs (or patterns) the document allows sts:AssumeRole on that cover no access role of
    the bundle. A pattern that covers some access role is IR205's (wildcards) to judge, and a
    value that is not a role ARN at all is IR308's."""
    known = tuple(access_arns)
    for _, value in _assume_resources(document):
        text = value.text
        if any(_resource_matches(text, arn) for arn in known):
            continue
        arn = _parse_arn(text)
        if arn is not None and arn.service == "iam" and arn.resource_type == "role":
            yield value


def _closest_access_role(text: str, access_arns: Iterable[str]) -> str:
    found = _parse_arn(text)
    if found is None:
        return ""
    for arn in access_arns:
        wanted = _parse_arn(arn)
        if wanted is None:
            continue
        if arn.lower() == text.lower():
            return f"; it differs only in case from the access role {arn} (ARNs match exactly)"
        if wanted.name.lower() == found.name.lower():
            differences = "; ".join(_differences(found, wanted))
            return f"; did you mean the access role {arn}? ({differences})"
    return ""


def _check_assume_targets(bundle: BundleContext) -> Iterator[Hit]:
    instance_arn = bundle.setup.instance_role_arn
    access_arns = bundle.setup.access_role_arns
    trust_of = {d.role_arn: d for d in bundle.of_role("access", "trust")}
    for document in bundle.of_role("instance", "permissions"):
        for value in _foreign_targets(document, access_arns):
            hint = _closest_access_role(value.text, access_arns)
            what = (
                "which matches no access role of this bundle"
                if _WILDCARD.search(_POLICY_VARIABLE.sub("*", value.text))
                else "which is not an access role of this bundle"
            )
            yield Hit(
                value.pointer,
                f"the instance role's permissions policy allows sts:AssumeRole on {value.text}, "
                f"{what}{hint}. Add the role to the setup, or remove it from this Resource",
                file=document.file,
            )
        for _, value in _assume_resources(document):
            trust = trust_of.get(value.text) if value.text in access_arns else None
            if trust is None or _names_principal(trust, instance_arn) is None:
                continue  # a missing trust policy is IR107's; a missing principal IR301's
            if _grants_assume_role_to(trust, instance_arn):
                continue
            named = _names_principal(trust, instance_arn)
            yield Hit(
                value.pointer,
                f"the instance role's permissions policy allows sts:AssumeRole on {trust.role}, "
                f"but {trust.role}'s trust policy ({trust.file}) names the instance role without "
                "granting it sts:AssumeRole, so assuming the role fails. Give the instance role "
                '"Action": "sts:AssumeRole" in that trust policy',
                file=document.file,
                related=(
                    Related(
                        trust.file,
                        named.pointer if named else _fallback_pointer(trust),
                        "the access role's trust policy names the instance role here, without "
                        "sts:AssumeRole",
                    ),
                ),
            )


ASSUME_TARGET_NOT_TRUSTING = Rule(
    code="IR305",
    name="assume-target-does-not-trust",
    severity=Severity.ERROR,
    summary="The instance policy allows assuming a role that is missing from the bundle, or "
    "whose trust policy does not let the instance role assume it.",
    why="sts:AssumeRole succeeds only if both sides agree: the caller's permissions policy "
    "allows it and the role's trust policy trusts the caller for sts:AssumeRole. A target that "
    "is not one of the setup's access roles is either a typo or a role nobody reviewed.",
    fix="List exactly the setup's access role ARNs in the instance role's sts:AssumeRole "
    "statement, and give each of them a trust policy that grants the instance role "
    "sts:AssumeRole.",
    bad=Example.bundle(
        {
            f"{_INSTANCE_DIR}/permissions-policy.json": _instance_permissions(
                [_ACCESS_ARN, "arn:aws:iam::123456789012:role/Redshift-Access-Role-2"]
            )
        },
        note="Redshift-Access-Role-2 is not in the setup",
    ),
    good=Example.bundle({}),
    references=(ASSUME_ROLE, PRINCIPAL),
    scope="bundle",
    check=_check_assume_targets,
)

# -- IR306 -------------------------------------------------------------------------------------


def _assume_statement_related(documents: list[PolicyDocument]) -> Related:
    for document in documents:
        for statement in document.statements:
            if _allows_assume_role(statement):
                element = "NotResource" if statement.has("NotResource") else "Resource"
                return Related(
                    document.file,
                    statement.pointer_of(element) if statement.has(element) else statement.pointer,
                    "the instance role's sts:AssumeRole statement, which does not list this role",
                )
    document = documents[0]
    return Related(
        document.file,
        "/Statement" if document.statements else "",
        "the instance role's permissions policy, which has no sts:AssumeRole statement",
    )


def _check_trusted_but_not_allowed(bundle: BundleContext) -> Iterator[Hit]:
    instance_arn = bundle.setup.instance_role_arn
    permissions = bundle.of_role("instance", "permissions")
    if not permissions:
        return  # unreadable or missing: IR100/IR107 say so, and nothing can be compared
    patterns = [value.text for document in permissions for _, value in _assume_resources(document)]
    for trust in bundle.of_role("access", "trust"):
        principal = _names_principal(trust, instance_arn)
        if principal is None or trust.role_arn is None:
            continue
        if any(_resource_matches(pattern, trust.role_arn) for pattern in patterns):
            continue
        related = _assume_statement_related(permissions)
        yield Hit(
            principal.pointer,
            f"access role {trust.role} trusts the instance role, but the instance role's "
            f"permissions policy ({related.file}) does not allow sts:AssumeRole on "
            f"{trust.role_arn}, so the ETL tool cannot use this role. Add {trust.role_arn} to "
            "the Resource of its sts:AssumeRole statement",
            file=trust.file,
            related=(related,),
        )


TRUSTED_NOT_ALLOWED = Rule(
    code="IR306",
    name="trusted-role-not-assumable",
    severity=Severity.ERROR,
    summary="An access role trusts the instance role, but the instance policy does not allow "
    "assuming it.",
    why="Trust is one half of role assumption: the instance role's own permissions policy must "
    "also allow sts:AssumeRole on the access role's ARN, or the call is denied.",
    fix="Add the access role's ARN to the Resource list of the instance role's sts:AssumeRole "
    "statement (AllowAssumingPreferredRoles).",
    bad=Example.bundle(
        {f"{_INSTANCE_DIR}/permissions-policy.json": _instance_permissions(None)},
        note="the sts:AssumeRole statement was dropped",
    ),
    good=Example.bundle({}),
    references=(
        ASSUME_ROLE,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html",
    ),
    scope="bundle",
    check=_check_trusted_but_not_allowed,
)

# -- IR307 -------------------------------------------------------------------------------------


def _home(context: LintContext) -> tuple[str, str, str] | None:
    """(partition, account, where they come from) of the setup or of ``--instance-role``."""
    if context.setup is not None:
        return context.setup.partition, context.setup.account_id, "the setup's"
    if context.instance_role_arn:
        arn = _parse_arn(context.instance_role_arn)
        if arn is not None and _ACCOUNT_ID.fullmatch(arn.account):
            return arn.partition, arn.account, "the instance role's"
    return None


def _arn_values(document: PolicyDocument) -> Iterator[Value]:
    """Principal values that name an account, and Resource values."""
    for statement in document.statements:
        for kind, value in statement.principals():
            if kind in ("AWS", "Federated"):
                yield value
        yield from statement.strings("Resource")


def _reported_elsewhere(document: PolicyDocument, context: LintContext) -> set[str]:
    """Pointers whose partition or account IR301 or IR305 already describe."""
    pointers: set[str] = set()
    expected = _expected_principal(document, context)
    if expected is not None and _names_principal(document, expected) is None:
        candidate = _candidate(document, expected)
        if candidate is not None:
            pointers.add(candidate[1].pointer)
    if context.setup is not None and document.role_kind == "instance":
        pointers.update(
            v.pointer for v in _foreign_targets(document, context.setup.access_role_arns)
        )
    return pointers


def _check_partition_and_account(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    home = _home(context)
    if home is None:
        return
    partition, account, whose = home
    skip = _reported_elsewhere(document, context)
    for value in _arn_values(document):
        if value.pointer in skip:
            continue
        if _ACCOUNT_ID.fullmatch(value.text):
            found_partition, found_account = partition, value.text
        else:
            arn = _parse_arn(value.text)
            if arn is None:
                continue  # IR308
            found_partition, found_account = arn.partition, arn.account
        if found_partition != partition and not re.search(r"[*?$]", found_partition):
            yield Hit(
                value.pointer,
                f"{value.text!r} is in partition {found_partition!r}, but {whose} partition is "
                f"{partition!r}: each account lives in one partition, and roles cannot trust or "
                f"assume across partitions. Use arn:{partition}:...",
            )
        elif _ACCOUNT_ID.fullmatch(found_account) and found_account != account:
            yield Hit(
                value.pointer,
                f"{value.text!r} is in account {found_account}, but {whose} account is {account}. "
                "If this cross-account access is intended, its account's policies must allow it "
                f"too; otherwise use account {account}",
                severity=Severity.WARNING,
            )


PARTITION_OR_ACCOUNT = Rule(
    code="IR307",
    name="other-partition-or-account",
    severity=Severity.ERROR,
    summary="An ARN's partition differs from the setup's (an error) or its account does (a "
    "warning).",
    why="An AWS account belongs to exactly one partition (aws, aws-cn, aws-us-gov...), and "
    "trust cannot cross partitions, so such a principal or resource can never match. Another "
    "account can work, but the two-role pattern keeps both roles in one account, so it is "
    "usually a copy-paste slip.",
    fix="Use the setup's partition and account in every ARN (in a bundle they come from the "
    "manifest; for loose files, from --instance-role).",
    bad=Example.document(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Resource": "arn:aws-cn:iam::123456789012:role/Redshift-Access-Role-1",
                }
            ],
        },
        instance_role=_INSTANCE_ARN,
    ),
    good=Example.document(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": _ACCESS_ARN}],
        },
        instance_role=_INSTANCE_ARN,
    ),
    references=(ARNS, "https://repost.aws/questions/QUNW6avAGBRrmYapcIhGFmig"),
    check=_check_partition_and_account,
)

# -- IR308 -------------------------------------------------------------------------------------


def _placeholder_message(text: str, placeholder: str) -> str:
    what = "your 12-digit account id" if "account" in placeholder.lower() else "the real value"
    return f"{text!r} still holds the placeholder {placeholder}: replace it with {what}"


def _role_expected_problem(arn: _Arn) -> str | None:
    """Why an ARN where a role is expected is not a role's, or None."""
    if arn.service == "iam" and arn.resource_type == "role":
        return None
    if arn.service == "sts" and arn.resource_type == "assumed-role":
        role = _role_of_session(arn)
        return (
            f"this is a role session (assumed-role) ARN, not a role ARN: name the role itself, "
            f"arn:{arn.partition}:iam::{arn.account}:role/{role or 'NAME'} (with its path, which "
            "session ARNs leave out)"
        )
    if arn.service == "iam" and arn.resource_type == "instance-profile":
        return (
            "this is an instance profile ARN, not a role ARN: name the role the profile holds, "
            f"arn:{arn.partition}:iam::{arn.account}:role/NAME"
        )
    if arn.service == "iam" and arn.resource_type == "user":
        return "this is an IAM user ARN, but a role is expected here: name the role's ARN"
    if _is_account_root(arn):
        return None  # IR303 (principals); as an assume target see below
    what = _an(f"{arn.service} {arn.resource_type or 'resource'}")
    return f"this is {what} ARN, but a role ARN is expected here"


def _principal_problem(text: str, *, role_expected: bool) -> str | None:
    """Why an AWS principal value is malformed, or None (``*``, accounts and role/user unique
    ids are other rules')."""
    if text == "*" or _ACCOUNT_ID.fullmatch(text):
        return None
    placeholder = _PLACEHOLDER.search(text)
    if placeholder:
        return _placeholder_message(text, placeholder.group())
    if "${" in text:
        return (
            f"{text!r} holds a variable, but IAM does not substitute variables in Principal; "
            "write the principal's ARN out in full"
        )
    unique = _unique_id_kind(text)
    if unique in ("role", "user"):
        return None  # IR309
    if unique is not None:
        return f"{text!r} is the unique id of an IAM {unique}, which cannot be a principal"
    if _DIGITS.fullmatch(text):
        return f"account principal {text!r} has {len(text)} digits; an account id has 12"
    if not text.startswith("arn:"):
        return (
            f"{text!r} is not an ARN, a 12-digit account id or '*'; name the principal by its "
            "full ARN (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME)"
        )
    arn = _parse_arn(text)
    if arn is None:
        return f"{text!r} is not a valid ARN: {_malformed_reason(text)}"
    if _WILDCARD.search(text):
        return (
            f"{text!r} has a wildcard inside a principal ARN; IAM allows no wildcards in "
            'principals except the whole "*". Name the exact ARN'
        )
    if arn.service not in ("iam", "sts"):
        return f"{text!r} is {_an(arn.service)} ARN; an AWS principal is an IAM or STS ARN"
    if arn.region:
        return (
            f"{text!r} has a region ({arn.region!r}), but IAM and STS ARNs have none: write "
            f"arn:{arn.partition}:{arn.service}::{arn.account}:{arn.resource}"
        )
    if arn.account in ("", "aws"):
        return f"{text!r} names no customer account; put the 12-digit account id in it"
    if arn.service == "iam" and arn.resource_type == "group":
        return f"{text!r} is an IAM group, and groups cannot be principals; name a role or user"
    if arn.service == "iam" and arn.resource_type == "instance-profile":
        return f"{text!r}: {_role_expected_problem(arn)}"
    if role_expected:
        problem = _role_expected_problem(arn)
        if problem:
            return f"{text!r}: {problem}"
    return None


def _resource_problem(text: str, *, role_expected: bool) -> str | None:
    """Why a Resource value of an IAM or STS statement is malformed, or None."""
    if text == "*":
        return None
    placeholder = _PLACEHOLDER.search(text)
    if placeholder:
        return _placeholder_message(text, placeholder.group())
    if "${" in text:
        return None  # policy variables are allowed in Resource; checked once substituted
    if not text.startswith("arn:"):
        if _WILDCARD.search(text):
            return None  # wildcard patterns are IR2xx's
        return f'{text!r} is not an ARN; name the resource by its full ARN (or "*")'
    arn = _parse_arn(text)
    if arn is None:
        return f"{text!r} is not a valid ARN: {_malformed_reason(text)}"
    if arn.service in ("iam", "sts"):
        if arn.region and not _WILDCARD.search(arn.region):
            return (
                f"{text!r} has a region ({arn.region!r}), but IAM and STS ARNs have none: write "
                f"arn:{arn.partition}:{arn.service}::{arn.account}:{arn.resource}"
            )
        if not arn.account:
            return f"{text!r} has no account id; put the 12-digit account id in it"
    if role_expected and not _WILDCARD.search(arn.resource_type):
        if _is_account_root(arn):
            return f"{text!r} is an account, not a role: sts:AssumeRole takes the role's ARN"
        problem = _role_expected_problem(arn)
        if problem:
            return f"{text!r}: {problem}"
    return None


def _only_assume_actions(statement: Statement) -> bool:
    """Whether a statement is about assuming roles: all its actions are STS actions, and one of
    them covers sts:AssumeRole (there a Resource must be a role)."""
    actions = [a.text for a in statement.strings("Action")]
    return (
        bool(actions)
        and all(a.lower().startswith("sts:") for a in actions)
        and any(_action_matches(a, _ASSUME_ROLE) for a in actions)
    )


def _check_malformed_arns(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    exempt = _setup_arns(context)
    if document.kind == "trust":
        role_expected = document.role_kind == "access"
        for statement in document.statements:
            for kind, value in statement.principals():
                if kind != "AWS" or value.text in exempt:
                    continue
                problem = _principal_problem(value.text, role_expected=role_expected)
                if problem:
                    yield Hit(value.pointer, problem)
        return
    for statement in document.statements:
        services = {
            a.text.split(":", 1)[0].lower() for a in statement.strings("Action") if ":" in a.text
        }
        if not services & {"iam", "sts"}:
            continue
        role_expected = _only_assume_actions(statement)
        for value in statement.strings("Resource"):
            if value.text in exempt:
                continue
            problem = _resource_problem(value.text, role_expected=role_expected)
            if problem:
                yield Hit(value.pointer, problem)


MALFORMED_ARN = Rule(
    code="IR308",
    name="malformed-principal-or-arn",
    severity=Severity.ERROR,
    summary="A principal or IAM/STS resource is a malformed ARN, holds a placeholder, or names "
    "something other than a role where a role is expected.",
    why="IAM rejects a trust policy whose principal is not a valid ARN (MalformedPolicyDocument: "
    "Invalid principal), and a permissions policy with a mistyped resource ARN silently "
    "matches nothing. Placeholders copied from a guide (<your-aws-account-id>), an account id "
    "that is not 12 digits, a region in an IAM ARN, a wildcard inside a principal ARN, and a "
    "user, session or instance profile ARN where a role belongs are all such mistakes.",
    fix="Write every ARN in full: arn:PARTITION:iam::ACCOUNT-ID:role/PATH/NAME, with the real "
    "12-digit account id and no region.",
    bad=Example.document(
        _trust({"AWS": "arn:aws:iam::<your-aws-account-id>:role/EC2-Redshift-Initiator-Role"}),
        kind="trust",
        note="the guide's placeholder left in",
    ),
    good=Example.document(_GOOD_TRUST, kind="trust"),
    references=(ARNS, IDENTIFIERS, PRINCIPAL),
    check=_check_malformed_arns,
)

# -- IR309 -------------------------------------------------------------------------------------


def _check_unique_id_principal(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    expected = _expected_principal(document, context)
    for value in _aws_principals(document, allow_only=False):
        kind = _unique_id_kind(value.text)
        if kind not in ("role", "user"):
            continue
        instead = f" (here probably {expected})" if expected and kind == "role" else ""
        yield Hit(
            value.pointer,
            f"principal {value.text} is the unique id of a {kind} that was deleted: IAM stores "
            f"principals by unique id and shows the id once the {kind} is gone, and a new {kind} "
            f"of the same name does not inherit the trust. Replace it with the {kind}'s "
            f"ARN{instead}",
        )


UNIQUE_ID_PRINCIPAL = Rule(
    code="IR309",
    name="unique-id-principal",
    severity=Severity.WARNING,
    summary="A principal is an IAM unique id (AROA..., AIDA...): the trusted role or user was "
    "deleted.",
    why="When you save a trust policy, IAM turns each role or user ARN into that identity's "
    "unique id. If the identity is deleted the id is left behind, and recreating a role with "
    "the same name does not restore the trust: the new role has a new id.",
    fix="Edit the trust policy and name the (recreated) role's ARN again; IAM stores its new "
    "unique id.",
    bad=Example.document(_trust({"AWS": "AROADBQP57FF2AEXAMPLE"}), kind="trust"),
    good=Example.document(_GOOD_TRUST, kind="trust"),
    references=(f"{IDENTIFIERS}#identifiers-unique-ids", ROLE_API, PRINCIPAL),
    kinds=frozenset({"trust"}),
    check=_check_unique_id_principal,
)

# -- IR310 -------------------------------------------------------------------------------------


def _trust_action_message(action: str) -> str:
    lowered = action.lower()
    if _WILDCARD.search(action):
        return (
            f"{action!r} grants every matching action on this role, sts:AssumeRole and also "
            "sts:TagSession, sts:SetSourceIdentity and the federated AssumeRole variants; in "
            'this pattern the trusted principal needs only "sts:AssumeRole"'
        )
    if lowered in ("sts:tagsession", "sts:setsourceidentity", "sts:setcontext"):
        return (
            f"{action!r} lets the principal pass session tags or identity data when it assumes "
            "this role; the two-role pattern does not use it. Remove it unless your ETL tool "
            "sets them"
        )
    if lowered in ("sts:assumerolewithsaml", "sts:assumerolewithwebidentity"):
        return (
            f"{action!r} is for federated (SAML or web identity) principals; in this pattern "
            'the role is assumed with "sts:AssumeRole"'
        )
    return (
        f'{action!r} is not an action a trust policy grants in this pattern; use "sts:AssumeRole"'
    )


def _check_trust_actions(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    if document.role_kind == "instance":
        return  # IR304 holds the instance role's trust policy to exactly sts:AssumeRole
    for statement in document.allow_statements():
        if statement.has("NotAction"):
            yield Hit(
                statement.pointer_of("NotAction"),
                "NotAction in an Allow trust statement grants every action except those "
                'listed; write "Action": "sts:AssumeRole"',
            )
        for action in statement.strings("Action"):
            if action.text.lower() != _ASSUME_ROLE.lower():
                yield Hit(action.pointer, _trust_action_message(action.text))


TRUST_ACTION = Rule(
    code="IR310",
    name="trust-action-not-assume-role",
    severity=Severity.WARNING,
    summary="A trust statement grants an action other than sts:AssumeRole.",
    why="In the two-role pattern each trust policy needs exactly sts:AssumeRole. sts:* or "
    "sts:TagSession also let the principal tag sessions or set a source identity, and the "
    "federated variants belong to other patterns; extra actions widen the trust without a "
    "use.",
    fix='Write "Action": "sts:AssumeRole" in every trust statement.',
    bad=Example.document(
        _trust({"AWS": _INSTANCE_ARN}, action=["sts:AssumeRole", "sts:TagSession"]),
        kind="trust",
    ),
    good=Example.document(_GOOD_TRUST, kind="trust"),
    references=(ASSUME_ROLE, TRUST_POLICIES),
    kinds=frozenset({"trust"}),
    check=_check_trust_actions,
)

RULES = (
    INSTANCE_ROLE_NOT_TRUSTED,
    WILDCARD_PRINCIPAL,
    ACCOUNT_PRINCIPAL,
    EC2_TRUST,
    ASSUME_TARGET_NOT_TRUSTING,
    TRUSTED_NOT_ALLOWED,
    PARTITION_OR_ACCOUNT,
    MALFORMED_ARN,
    UNIQUE_ID_PRINCIPAL,
    TRUST_ACTION,
)
