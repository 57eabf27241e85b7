"""Reading ``aws iam get-account-authorization-details`` output: who exists in an account and
which policies each of them has.

A dump is one page (a JSON object with ``RoleDetailList``, ``UserDetailList``,
``GroupDetailList``, ``Policies``) or several: an array of pages, or pages written one after
another (what a loop over boto3's paginator often saves). Policy documents come as JSON objects
(the CLI decodes them), as JSON text, or URL-encoded JSON text (what the raw API returns). A
document that cannot be decoded is kept, with the reason, for the linter to report; a
managed-policy ARN that the dump does not hold is recorded, never looked up.

Everything keeps its JSON pointer in the file, and :attr:`AccountDump.positions` turns a pointer
into the line and column of the file's own text (for a document given as a string, the string).
"""

from __future__ import annotations

import contextlib
import gc
import json
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from iam_redshift._record import record
from iam_redshift.setup_file import json_type
from iam_redshift.sources.embedded import EmbeddedDocument, SourceFile
from iam_redshift.sources.files import MAX_DUMP_BYTES
from iam_redshift.sources.json_text import ParsedText, Unreadable

__all__ = [
    "DUMP_KEYS",
    "MAX_DUMP_BYTES",
    "AccountDump",
    "DumpPolicy",
    "ManagedPolicy",
    "Principal",
    "decode_document",
    "embedded_documents",
    "is_dump",
    "paused_collection",
    "read_dump",
    "source_file",
]

#: The top-level keys of a page of get-account-authorization-details output.
DUMP_KEYS = ("RoleDetailList", "UserDetailList", "GroupDetailList", "Policies")
#: Larger dumps are refused (a 10,000-role account's dump is about 100 MB).

_MAX_DEPTH = 64


@record
class DumpPolicy:
    """One policy document in a dump: what it is called, where it is, and its decoded value.

    ``document`` is None when the text could not be decoded (``problem`` says why); ``raw`` is
    the value as the dump gives it. ``encoded`` says it was a string, so positions inside it
    point at the string.
    """

    name: str
    pointer: str
    document: Any = field(hash=False, compare=False)
    raw: Any = field(hash=False, compare=False)
    problem: str | None = None
    encoded: bool = False


@record
class ManagedPolicy:
    """A managed policy the dump holds: its ARN, name, where it is, and its default version
    (None when no version is marked default), besides every version for the linter."""

    arn: str
    name: str
    pointer: str
    default: DumpPolicy | None
    versions: tuple[DumpPolicy, ...] = ()


@record
class Principal:
    """A user, role or group of the dump, with its policies.

    ``managed`` holds (policy ARN, pointer of the attachment); ``boundary`` the permissions
    boundary's (ARN, pointer), if any. A user's ``groups`` are group names; a role's
    ``instance_profiles`` the ARNs of the instance profiles that hold it.
    """

    kind: Literal["role", "user", "group"]
    name: str
    arn: str
    pointer: str
    trust: DumpPolicy | None = None
    inline: tuple[DumpPolicy, ...] = ()
    managed: tuple[tuple[str, str], ...] = ()
    boundary: tuple[str, str] | None = None
    groups: tuple[str, ...] = ()
    instance_profiles: tuple[str, ...] = ()

    @property
    def account(self) -> str | None:
        """The account id in the ARN (None when the ARN has none)."""
        fields = self.arn.split(":", 5)
        return fields[4] if len(fields) == 6 and fields[4] else None


@dataclass
class AccountDump:
    """One dump file, all its pages joined."""

    file: str
    text: str = field(repr=False)
    roles: list[Principal] = field(default_factory=list)
    users: list[Principal] = field(default_factory=list)
    groups: list[Principal] = field(default_factory=list)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)
    #: Instance profile ARN -> the ARNs of the roles it holds (from either place in the dump).
    instance_profiles: dict[str, set[str]] = field(default_factory=dict)
    #: (pointer, message) for parts of the dump that are not what the format says.
    problems: list[tuple[str, str]] = field(default_factory=list)
    _pages: list[tuple[int, ParsedText]] = field(default_factory=list, repr=False)

    def positions(self, pointer: str) -> tuple[int, int]:
        """Line and column (from 1) of ``pointer`` in the file's text."""
        if len(self._pages) == 1 and self._pages[0][0] == -1:
            return self._pages[0][1].position(pointer)
        # Pages written one after another: the first token is the page's number.
        head, _, rest = pointer[1:].partition("/")
        if not head.isdigit() or int(head) >= len(self._pages):
            return (1, 1)
        line_offset, parsed = self._pages[int(head)]
        line, column = parsed.position(f"/{rest}" if rest or pointer.endswith("/") else "")
        return line + line_offset, column

    def principals(self) -> Iterator[Principal]:
        """Roles, users and groups, in the dump's order."""
        yield from self.roles
        yield from self.users
        yield from self.groups


@contextlib.contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic garbage collection inside (restored after). A dump is millions of small
    objects that all stay alive: each automatic collection would walk them again, which made
    a 10,000-role dump take twice as long as it needs to. Nothing built inside forms cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def is_dump(value: Any) -> bool:
    """Whether a decoded JSON value is get-account-authorization-details output (a page, or an
    array of pages) rather than a policy document."""
    pages = value if isinstance(value, list) and value else [value]
    return all(
        isinstance(page, dict)
        and "Statement" not in page
        and any(isinstance(page.get(key), list) for key in DUMP_KEYS)
        for page in pages
    )


def decode_document(value: Any) -> tuple[Any, str | None]:
    """A policy document as the dump gives it (an object, JSON text, or URL-encoded JSON text)
    decoded, or None and why not."""
    if isinstance(value, dict):
        return value, None
    if not isinstance(value, str):
        return None, f"a policy document must be an object or a string, not {json_type(value)}"
    text = value.strip()
    if text.startswith("%7B") or text.startswith("%7b") or ("%22" in text and "{" not in text):
        text = urllib.parse.unquote(text)
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError) as error:
        return None, f"the document's text is not JSON ({_short(error)})"
    if not isinstance(decoded, dict):
        return None, f"the document's text holds {json_type(decoded)}, not an object"
    return decoded, None


def _short(error: BaseException) -> str:
    return str(error).split("\n", 1)[0][:120]


def _too_deep(value: Any) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _decode_pages(text: str) -> list[tuple[int, Any, str]] | Unreadable:
    """(line offset, value, text) of each JSON text in ``text``: one, or several in a row."""
    decoder = json.JSONDecoder()
    found: list[tuple[int, Any, str]] = []
    index, length = 0, len(text)
    while True:
        while index < length and text[index] in " \t\r\n":
            index += 1
        if index >= length:
            break
        try:
            value, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            return Unreadable(f"not valid JSON: {error.msg}", error.lineno, error.colno)
        except RecursionError:
            return Unreadable("nested too deeply to parse safely")
        found.append((text.count("\n", 0, index), value, text[index:end]))
        index = end
    if not found:
        return Unreadable("the file is empty")
    return found


def read_dump(data: bytes | str, file: str) -> AccountDump | Unreadable:
    """The dump in ``data`` (all its pages), or why it is not one."""
    with paused_collection():
        return _read_dump(data, file)


def _read_dump(data: bytes | str, file: str) -> AccountDump | Unreadable:
    if isinstance(data, bytes):
        if len(data) > MAX_DUMP_BYTES:
            return Unreadable(f"the file is larger than {MAX_DUMP_BYTES} bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return Unreadable(f"not UTF-8 text (byte {error.start})")
    else:
        text = data
    decoded = _decode_pages(text)
    if isinstance(decoded, Unreadable):
        return decoded
    dump = AccountDump(file=file, text=text)
    if len(decoded) == 1:
        value = decoded[0][1]
        if _too_deep(value):
            return Unreadable(f"nested too deeply to parse safely (more than {_MAX_DEPTH} levels)")
        dump._pages.append((-1, ParsedText(text=text, value=value)))
        pages = [(p, "") for p in value] if isinstance(value, list) else [(value, "")]
        prefixes = [f"/{i}" for i in range(len(pages))] if isinstance(value, list) else [""]
    else:
        pages, prefixes = [], []
        for number, (offset, value, page_text) in enumerate(decoded):
            if _too_deep(value):
                return Unreadable(f"page {number + 1} is nested too deeply to parse safely")
            dump._pages.append((offset, ParsedText(text=page_text, value=value)))
            pages.append((value, ""))
            prefixes.append(f"/{number}")
    if not is_dump([page for page, _ in pages]):
        return Unreadable(
            "not get-account-authorization-details output (no RoleDetailList, UserDetailList, "
            "GroupDetailList or Policies list)"
        )
    for (page, _), prefix in zip(pages, prefixes, strict=True):
        _read_page(dump, page, prefix)
    return dump


def _items(dump: AccountDump, page: Mapping[str, Any], key: str, prefix: str) -> Iterator[Any]:
    value = page.get(key)
    if value is None:
        return
    if not isinstance(value, list):
        dump.problems.append((f"{prefix}/{key}", f"{key} is {json_type(value)}, not an array"))
        return
    for index, item in enumerate(value):
        pointer = f"{prefix}/{key}/{index}"
        if isinstance(item, dict):
            yield pointer, item
        else:
            dump.problems.append(
                (pointer, f"an entry of {key} is {json_type(item)}, not an object")
            )


def _listed(item: Mapping[str, Any], key: str) -> list[Any]:
    """The list under ``key``, or nothing when the value is absent or of another type."""
    value = item.get(key)
    return value if isinstance(value, list) else []


def _text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _policy(name: str, pointer: str, raw: Any) -> DumpPolicy:
    document, problem = decode_document(raw)
    return DumpPolicy(name, pointer, document, raw, problem, isinstance(raw, str))


def _inline(item: Mapping[str, Any], key: str, pointer: str) -> tuple[DumpPolicy, ...]:
    found = []
    for index, entry in enumerate(_listed(item, key)):
        if isinstance(entry, dict) and "PolicyDocument" in entry:
            name = _text(entry, "PolicyName") or f"#{index}"
            found.append(
                _policy(name, f"{pointer}/{key}/{index}/PolicyDocument", entry["PolicyDocument"])
            )
    return tuple(found)


def _attached(item: Mapping[str, Any], pointer: str) -> tuple[tuple[str, str], ...]:
    found = []
    for index, entry in enumerate(_listed(item, "AttachedManagedPolicies")):
        arn = _text(entry, "PolicyArn") if isinstance(entry, dict) else None
        if arn:
            found.append((arn, f"{pointer}/AttachedManagedPolicies/{index}/PolicyArn"))
    return tuple(found)


def _boundary(item: Mapping[str, Any], pointer: str) -> tuple[str, str] | None:
    value = item.get("PermissionsBoundary")
    if isinstance(value, dict):
        arn = _text(value, "PermissionsBoundaryArn")
        if arn:
            return arn, f"{pointer}/PermissionsBoundary/PermissionsBoundaryArn"
    return None


def _profiles(dump: AccountDump, profiles: Any, role_arn: str | None) -> tuple[str, ...]:
    arns = []
    for profile in profiles if isinstance(profiles, list) else ():
        if not isinstance(profile, dict):
            continue
        arn = _text(profile, "Arn") or _text(profile, "InstanceProfileName")
        if not arn:
            continue
        arns.append(arn)
        held = dump.instance_profiles.setdefault(arn, set())
        if role_arn:
            held.add(role_arn)
        for role in profile.get("Roles") or ():
            if isinstance(role, dict) and _text(role, "Arn"):
                held.add(str(role["Arn"]))
    return tuple(arns)


#: Where a page lists each kind of principal, the key of its name and of its inline policies.
_PRINCIPAL_LISTS = {
    "role": ("RoleDetailList", "RoleName", "RolePolicyList"),
    "user": ("UserDetailList", "UserName", "UserPolicyList"),
    "group": ("GroupDetailList", "GroupName", "GroupPolicyList"),
}


def _principals(
    dump: AccountDump, page: Mapping[str, Any], prefix: str, kind: Literal["role", "user", "group"]
) -> Iterator[tuple[Mapping[str, Any], Principal]]:
    """The principals of one kind on a page: each item, and what every kind has (name, ARN,
    inline and attached policies). One without an ARN is a problem, not a principal."""
    key, name_key, policies_key = _PRINCIPAL_LISTS[kind]
    for pointer, item in _items(dump, page, key, prefix):
        arn, name = _text(item, "Arn"), _text(item, name_key)
        if not arn:
            dump.problems.append((pointer, f"a {kind} without an Arn is left out of the graph"))
            continue
        yield (
            item,
            Principal(
                kind,
                name or arn.rpartition("/")[2],
                arn,
                pointer,
                inline=_inline(item, policies_key, pointer),
                managed=_attached(item, pointer),
            ),
        )


def _read_page(dump: AccountDump, page: Mapping[str, Any], prefix: str) -> None:
    for item, role in _principals(dump, page, prefix, "role"):
        trust = None
        if "AssumeRolePolicyDocument" in item:
            trust = _policy(
                "trust policy",
                f"{role.pointer}/AssumeRolePolicyDocument",
                item["AssumeRolePolicyDocument"],
            )
        dump.roles.append(
            replace(
                role,
                trust=trust,
                boundary=_boundary(item, role.pointer),
                instance_profiles=_profiles(dump, item.get("InstanceProfileList"), role.arn),
            )
        )
    for item, user in _principals(dump, page, prefix, "user"):
        groups = item.get("GroupList")
        dump.users.append(
            replace(
                user,
                boundary=_boundary(item, user.pointer),
                groups=tuple(g for g in groups if isinstance(g, str))
                if isinstance(groups, list)
                else (),
            )
        )
    for _, group in _principals(dump, page, prefix, "group"):
        dump.groups.append(group)
    for pointer, item in _items(dump, page, "Policies", prefix):
        arn = _text(item, "Arn")
        if not arn:
            dump.problems.append((pointer, "a managed policy without an Arn is left out"))
            continue
        versions, default = [], None
        for index, version in enumerate(_listed(item, "PolicyVersionList")):
            if not isinstance(version, dict) or "Document" not in version:
                continue
            label = _text(version, "VersionId") or f"#{index}"
            read = _policy(
                label, f"{pointer}/PolicyVersionList/{index}/Document", version["Document"]
            )
            versions.append(read)
            if version.get("IsDefaultVersion") is True or (
                default is None and label == _text(item, "DefaultVersionId")
            ):
                default = read
        dump.policies[arn] = ManagedPolicy(
            arn,
            _text(item, "PolicyName") or arn.rpartition("/")[2],
            pointer,
            default,
            tuple(versions),
        )
    for pointer, item in _items(dump, page, "InstanceProfileList", prefix):
        _profiles(dump, [item], None)
        del pointer


def _origin(principal: Principal, what: str) -> str:
    return f"{principal.kind} {principal.name} ({principal.arn}), {what}"


def embedded_documents(dump: AccountDump) -> Iterator[tuple[EmbeddedDocument, DumpPolicy]]:
    """Every policy document of the dump, as the linter reads it, with where it came from."""
    for principal in dump.principals():
        if principal.trust is not None:
            yield (
                EmbeddedDocument(
                    principal.trust.pointer,
                    _value(principal.trust),
                    _origin(principal, "trust policy"),
                    kind="trust",
                    role=principal.name,
                    role_arn=principal.arn,
                ),
                principal.trust,
            )
        for policy in principal.inline:
            yield (
                EmbeddedDocument(
                    policy.pointer,
                    _value(policy),
                    _origin(principal, f"inline policy {policy.name}"),
                    kind="permissions",
                    role=principal.name if principal.kind == "role" else None,
                    role_arn=principal.arn if principal.kind == "role" else None,
                    attachment="inline",
                ),
                policy,
            )
    for arn in sorted(dump.policies):
        managed = dump.policies[arn]
        for policy in managed.versions:
            default = " (default)" if policy is managed.default else ""
            yield (
                EmbeddedDocument(
                    policy.pointer,
                    _value(policy),
                    f"managed policy {managed.name} ({arn}), version {policy.name}{default}",
                    kind="permissions",
                    # AWS's own managed policies are larger than a customer's may be.
                    attachment="aws-managed" if arn.split(":")[4:5] == ["aws"] else "managed",
                ),
                policy,
            )


def _value(policy: DumpPolicy) -> Any:
    # A document that could not be decoded is linted as what it is, so IR100 says so.
    return policy.document if policy.document is not None else policy.raw


def source_file(dump: AccountDump) -> SourceFile:
    """The dump as a :class:`SourceFile`, for the linter: every trust policy, inline policy and
    managed policy version, each named by its principal and policy."""
    documents = tuple(document for document, _ in embedded_documents(dump))
    return SourceFile(dump.file, "account-authorization-details", documents, dump.positions)
