"""Facts about IAM actions, from one compiled index, behind a small total API.

The index (``data/`` in this package, built by ``tools/build_knowledge.py`` from pinned sources,
or a newer one that ``iam-redshift knowledge update`` wrote into the user's cache) holds every
service prefix, each service's actions with their access level, resource types with ARN formats,
each action's required and optional resource types and condition keys, condition keys with
their types, the actions AWS has removed (with the source that last listed them), and the
partitions with their regions. Every source is recorded with its version and the date of its
data (:func:`sources`), and every answer can name the data it came from
(:func:`service_data_note`).

Cost: importing this package reads nothing. The first question reads ``index.json`` (tens of
KB); a service's own file is read when a question first concerns that service, so a lint of a
few documents reads a few files. Nothing here imports parliament, policyuniverse or botocore:
they are read when the index is built, never on the lint path.

Every function takes ``str`` and returns plain values; every function is total: it never
raises, whatever the string (ill-typed arguments get the same safe answer as unknown ones).
Answers for unknown actions make no claim: :func:`resource_matches` and
:func:`condition_key_allowed` return ``True``. An action named by the freshest source but
documented by none in detail (:func:`has_details` ``False``) has no resource types and no
condition keys to check against: the rules then stay silent about it.

Memory: the per-service data is bounded by the index; the caches keyed on document strings are
LRU caches of fixed size that skip strings longer than :data:`_CACHED_TEXT`, so a long-running
process linting many large documents does not grow without bound.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from iam_redshift.knowledge._index import (
    Index,
    KnowledgeError,
    Service,
    active,
    cache_dir,
    load_index,
    pin,
    shipped_dir,
)
from iam_redshift.matching import glob_regex

__all__ = [
    "CROSS_SERVICE_CONDITION_KEYS",
    "GLOBAL_CONDITION_KEYS",
    "KnowledgeError",
    "ResourceType",
    "Source",
    "access_level",
    "action_known",
    "action_matches_known",
    "arn_formats",
    "cache_dir",
    "caches_follow_the_index",
    "canonical_action",
    "closest_region",
    "condition_key_allowed",
    "condition_key_matches",
    "condition_key_type",
    "condition_keys",
    "data_date",
    "data_source",
    "expand_action",
    "has_details",
    "index_path",
    "index_pinned",
    "is_cross_service_condition_key",
    "is_global_condition_key",
    "knowledge_error",
    "known_regions",
    "load_index",
    "region_data_note",
    "region_known",
    "resource_fits_formats",
    "resource_matches",
    "resource_types",
    "retired_action",
    "service_action_count",
    "service_condition_keys",
    "service_data_note",
    "service_known",
    "service_prefixes",
    "shipped_dir",
    "sources",
    "supports_resource_level",
    "use_index",
]

# Bounds of the caches keyed on document text: entries, and the longest text remembered.
_PATTERN_CACHE: Final = 8192
_CONDITION_CACHE: Final = 16384
_RESOURCE_CACHE: Final = 32768
_CACHED_TEXT: Final = 512

#: No action name is longer than this (the longest AWS documents is under 100 characters), so a
#: pattern with more literal characters than this matches nothing and needs no matching.
_LONGEST_ACTION: Final = 160

#: An ARN is at most 2,048 characters for almost every service; a longer Resource entry is
#: matched no further (no claim of a mismatch), which keeps matching linear in the input.
_LONGEST_ARN: Final = 2048


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

_WILDCARDS: Final = frozenset("*?")
_POLICY_VARIABLE: Final = re.compile(r"\$\{[^}]*\}")
_STAR_RUN: Final = re.compile(r"\*{2,}")
_ARN_VARIABLE: Final = re.compile(r"\$\{.*?\}")
_BRACKETS: Final = re.compile(r"\[.+?\]")
# ${TagKey}, <key>: one template slot in a documented condition key.
_KEY_SLOT: Final = re.compile(r"(\$\{[^}]*\}|<[^>]*>)")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type an action can be granted on (Service Authorization Reference).

    ``arn_format`` is the documented format, variables and all
    (``arn:${Partition}:redshift:${Region}:${Account}:dbuser:${ClusterName}/${DbUser}``);
    ``required`` is the reference's ``*`` mark; ``condition_keys`` are the keys documented for
    this resource type.
    """

    name: str
    arn_format: str
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """One source of the index: ``name``, ``version``, the ``date`` of its data, its
    ``license``, and what it ``supplies``."""

    id: str
    name: str
    version: str
    date: str
    license: str
    supplies: str

    def label(self) -> str:
        """``"iam-floyd 0.851.0 (2026-10)"``."""
        return f"{self.name} {self.version} ({self.date})"


# --- the index in use --------------------------------------------------------------------------

_ERRORS: list[str] = []


def _index() -> Index | None:
    try:
        return active()
    except KnowledgeError as error:
        if not _ERRORS:
            _ERRORS.append(str(error))
        return None


def _clear_caches() -> None:
    _SERVICES.clear()
    for cached in (
        _lookup_cached,
        _facts,
        _arn_formats,
        _key_set,
        _expand_wildcard,
        _matches_known_wildcard,
        _resource_matches_cached,
        _condition_key_allowed_cached,
        _closest_region,
    ):
        cached.cache_clear()
    _ERRORS.clear()


_LISTENERS: list[str] = []


def caches_follow_the_index(module: str) -> None:
    """Clear every ``functools`` cache of ``module`` (a module name) whenever the index in use
    changes (:func:`use_index`): for the rule modules that cache answers derived from it."""
    if module not in _LISTENERS:
        _LISTENERS.append(module)


def _clear_listeners() -> None:
    import sys

    for name in _LISTENERS:
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def use_index(path: str | Path | None) -> None:
    """Use the index in directory ``path`` (``--knowledge PATH``, the ``knowledge`` setting);
    ``None`` chooses again (the newer of the shipped and the cached index).

    Raises :class:`KnowledgeError` (an input error, exit 2) naming ``path`` when it holds no
    index this version can read.
    """
    pin(Path(path) if path is not None else None)
    _clear_caches()
    _clear_listeners()


def index_pinned() -> bool:
    """Whether an index is pinned (:func:`use_index`)."""
    from iam_redshift.knowledge._index import pinned

    return pinned() is not None


def index_path() -> Path | None:
    """The directory of the index in use."""
    index = _index()
    return index.root if index is not None else None


def sources() -> tuple[Source, ...]:
    """The sources of the index in use, freshest data first."""
    index = _index()
    if index is None:
        return ()
    found = [
        Source(
            id=key,
            name=str(facts.get("name", key)),
            version=str(facts.get("version", "")),
            date=str(facts.get("date", "")),
            license=str(facts.get("license", "")),
            supplies=str(facts.get("supplies", "")),
        )
        for key, facts in index.sources.items()
    ]
    return tuple(sorted(found, key=lambda s: (s.date, s.id), reverse=True))


def data_date() -> str:
    """The date of the freshest action data in the index in use (``"2026-10"``)."""
    index = _index()
    return index.date if index is not None else ""


def data_source() -> str:
    """Where the knowledge comes from, in one line: the sources with versions and dates."""
    found = sources()
    if not found:
        return "no action data"
    return ", ".join(source.label() for source in found)


def service_data_note(prefix: str) -> str:
    """How a message names the data it relied on for the service ``prefix``:
    ``"the action data of 2026-10 (iam-floyd 0.851.0)"``; for an unknown prefix, the index's
    freshest data."""
    index = _index()
    if index is None:
        return "the action data (unavailable)"
    entry = index.prefixes.get(prefix.lower()) if isinstance(prefix, str) else None
    if entry is not None:
        source = entry["source"]
    else:  # the freshest source of action data (not of regions)
        used = {facts["source"] for facts in index.prefixes.values()}
        source = max(sorted(used), key=lambda s: str(index.sources.get(s, {}).get("date", "")))
    facts = index.sources.get(source, {})
    date, name = facts.get("date", "?"), facts.get("name", source)
    return f"the action data of {date} ({name} {facts.get('version', '?')})"


def knowledge_error() -> str | None:
    """Why no index could be read, or ``None``."""
    _index()
    return _ERRORS[0] if _ERRORS else None


# --- services and actions ---------------------------------------------------------------------


# The services asked for, by prefix as asked (a hot path: every rule asks about every action).
# Bounded: at most _SERVICE_MEMO prefixes, known or not, are remembered.
_SERVICE_MEMO: Final = 4096
_SERVICES: dict[str, Service | None] = {}


def _service(prefix: str) -> Service | None:
    try:
        return _SERVICES[prefix]
    except KeyError:
        pass
    index = _index()
    found = index.service(prefix) if index is not None else None
    if len(_SERVICES) < _SERVICE_MEMO and len(prefix) <= _CACHED_TEXT:
        _SERVICES[prefix] = found
    return found


def service_prefixes() -> tuple[str, ...]:
    """Every service prefix the index knows, sorted."""
    index = _index()
    return tuple(sorted(index.prefixes)) if index is not None else ()


def service_known(prefix: str) -> bool:
    """Whether ``prefix`` (``"redshift"``, any case) is a service prefix the index knows."""
    if not isinstance(prefix, str):
        return False
    index = _index()
    return index is not None and prefix.lower() in index.prefixes


def _lookup(action: str) -> tuple[Service, str, dict[str, object]] | None:
    if len(action) <= _CACHED_TEXT:
        return _lookup_cached(action)
    return _lookup_uncached(action)


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _lookup_cached(action: str) -> tuple[Service, str, dict[str, object]] | None:
    return _lookup_uncached(action)


def _lookup_uncached(action: str) -> tuple[Service, str, dict[str, object]] | None:
    prefix, colon, name = action.partition(":")
    if not colon:
        return None
    service = _service(prefix.lower())
    if service is None:
        return None
    found = service.actions.get(name.lower())
    return (service, found[0], found[1]) if found is not None else None


def action_known(action: str) -> bool:
    """Whether ``action`` (``"svc:Name"``, any case, no wildcard) is a current action.

    A pattern with ``*`` or ``?`` is not an action name and gives ``False``: see
    :func:`action_matches_known`. A retired action gives ``False``: see :func:`retired_action`.
    """
    return isinstance(action, str) and _lookup(action) is not None


def canonical_action(action: str) -> str | None:
    """The documented spelling of a current action (``"redshift:GetClusterCredentials"``), or
    ``None``."""
    if not isinstance(action, str):
        return None
    found = _lookup(action)
    return f"{found[0].prefix}:{found[1]}" if found is not None else None


def retired_action(action: str) -> str | None:
    """For an action that AWS has removed (older data lists it, the freshest source of its
    service does not): the source that last listed it, as ``"parliament 1.6.4 (2025-02-27)"``;
    otherwise ``None``."""
    if not isinstance(action, str):
        return None
    prefix, _, name = action.partition(":")
    service = _service(prefix.lower())
    index = _index()
    if service is None or index is None:
        return None
    found = service.retired.get(name.lower())
    return index.label(found[1]) if found is not None else None


def has_details(action: str) -> bool:
    """Whether the index documents the action's resource types and condition keys (a current
    action that only a names-only source lists has none to check against)."""
    if not isinstance(action, str):
        return False
    found = _lookup(action)
    return found is not None and "resources" in found[2]


def access_level(action: str) -> str | None:
    """The access level of a current action (``"Write"``, ``"Permissions management"``...)."""
    if not isinstance(action, str):
        return None
    found = _lookup(action)
    return str(found[2].get("access")) if found is not None else None


def _cacheable(*texts: str) -> bool:
    return all(len(text) <= _CACHED_TEXT for text in texts)


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _facts(action: str) -> tuple[ResourceType, ...] | None:
    found = _lookup(action)
    if found is None:
        return None
    service, _, facts = found
    types: list[ResourceType] = []
    rows = facts.get("resources")
    if not isinstance(rows, list):
        return ()
    for row in rows:
        table = service.resources.get(row[0], {})
        arns = table.get("arns") or [""]
        types.append(
            ResourceType(
                name=str(row[0]),
                arn_format=str(arns[0]),
                required=bool(row[1]),
                condition_keys=tuple(str(k) for k in table.get("keys", ())),
            )
        )
    return tuple(types)


def resource_types(action: str) -> tuple[ResourceType, ...]:
    """The resource types of a current action, in documented order; ``()`` when the action has
    none (it supports only ``"Resource": "*"``), is unknown, or is not documented in detail."""
    if not isinstance(action, str) or not _cacheable(action):
        return ()
    return _facts(action.lower()) or ()


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _arn_formats(action: str) -> tuple[tuple[str, str, bool], ...]:
    found = _lookup(action)
    if found is None:
        return ()
    service, _, facts = found
    rows = facts.get("resources")
    if not isinstance(rows, list):
        return ()
    result: list[tuple[str, str, bool]] = []
    for row in rows:
        for arn in service.resources.get(row[0], {}).get("arns", ()):
            result.append((str(row[0]), str(arn), bool(row[1])))
    return tuple(result)


def arn_formats(action: str) -> tuple[tuple[str, str, bool], ...]:
    """(resource type, ARN format, required) for each ARN format of each resource type of a
    current action, in documented order; ``()`` when there is none or the action is unknown."""
    if not isinstance(action, str) or not _cacheable(action):
        return ()
    return _arn_formats(action.lower())


def supports_resource_level(action: str) -> bool:
    """Whether the action can be granted on specific resources: at least one of its resource
    types has an ARN format. ``redshift:GetClusterCredentials``: yes; ``iam:ListRoles``: no."""
    if not isinstance(action, str):
        return False
    prefix, _, name = action.partition(":")
    service = _service(prefix.lower())
    return service is not None and name.lower() in service.scopable


# --- wildcard patterns ------------------------------------------------------------------------


def _has_wildcard(text: str) -> bool:
    return not _WILDCARDS.isdisjoint(text)


def _normalise_pattern(pattern: str) -> str | None:
    """The pattern, lower-cased, with each run of ``*`` as one (the same set of names); ``None``
    when it has more literal characters than any action name, so matches nothing. This keeps
    matching linear in the pattern: 20,000 stars are one star."""
    pattern = _STAR_RUN.sub("*", pattern.lower())
    if len(pattern) - pattern.count("*") > _LONGEST_ACTION + 64:
        return None
    return pattern


def _candidates(pattern: str) -> Iterator[Service]:
    prefix, colon, _ = pattern.partition(":")
    index = _index()
    if index is None:
        return
    if colon and not _has_wildcard(prefix):
        service = index.service(prefix)
        if service is not None:
            yield service
        return
    regex = glob_regex(prefix if colon else "*")
    for known in sorted(index.prefixes):
        if regex.match(known):
            service = index.service(known)
            if service is not None:
                yield service


def _matches(pattern: str) -> Iterator[tuple[Service, str]]:
    """(service, lower-cased full name) of every current action a normalised pattern covers."""
    head = pattern[: min(i for i in (pattern.find("*"), pattern.find("?"), len(pattern)) if i >= 0)]
    simple = pattern == f"{head}*"
    regex = None if simple else glob_regex(pattern)
    for service in _candidates(pattern):
        for name in service.names:
            if not name.startswith(head):
                continue
            if simple or (regex is not None and regex.match(name)):
                yield service, name


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _expand_wildcard(pattern: str) -> tuple[str, ...]:
    found = []
    for service, name in _matches(pattern):
        found.append(f"{service.prefix}:{service.actions[name.partition(':')[2]][0]}")
    return tuple(sorted(found))


def expand_action(pattern: str) -> tuple[str, ...]:
    """The sorted, documented spellings of the current actions an action pattern matches.

    ``*`` and ``?`` are IAM's wildcards and nothing else is; matching ignores case; ``"*"`` is
    every action. ``()`` when nothing matches.
    """
    if not isinstance(pattern, str):
        return ()
    if not _has_wildcard(pattern):
        name = canonical_action(pattern)
        return (name,) if name is not None else ()
    normalised = _normalise_pattern(pattern)
    if normalised is None:
        return ()
    if not _cacheable(normalised):
        return tuple(sorted(_expand_wildcard.__wrapped__(normalised)))
    return _expand_wildcard(normalised)


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _matches_known_wildcard(pattern: str) -> bool:
    return next(_matches(pattern), None) is not None


def action_matches_known(pattern: str) -> bool:
    """Whether an action pattern (wildcards allowed, any case) matches at least one current
    action; for a pattern without wildcards, the same as :func:`action_known`."""
    if not isinstance(pattern, str):
        return False
    if not _has_wildcard(pattern):
        return action_known(pattern)
    normalised = _normalise_pattern(pattern)
    if normalised is None:
        return False
    if not _cacheable(normalised):
        return bool(_matches_known_wildcard.__wrapped__(normalised))
    return _matches_known_wildcard(normalised)


def service_action_count(prefix: str) -> int:
    """How many current actions the service has; ``0`` for an unknown or wildcard prefix."""
    if not isinstance(prefix, str) or _has_wildcard(prefix):
        return 0
    service = _service(prefix.lower())
    return len(service.actions) if service is not None else 0


# --- resources ---------------------------------------------------------------------------------


def _globs_intersect(first: str, second: str) -> bool:
    """Whether two ``*``-globs can match a common string (parliament's is_glob_match, in
    polynomial time): literal heads and tails must agree; then a glob ending in ``*`` meets one
    starting with ``*`` (the first's match, then the second's); else a plain match or a table."""
    head = 0
    while head < min(len(first), len(second)) and "*" not in (first[head], second[head]):
        if first[head] != second[head]:
            return False
        head += 1
    first, second = first[head:], second[head:]
    tail = 0
    while tail < min(len(first), len(second)) and "*" not in (first[-1 - tail], second[-1 - tail]):
        if first[-1 - tail] != second[-1 - tail]:
            return False
        tail += 1
    if tail:
        first, second = first[:-tail], second[:-tail]
    if not first or not second:
        return not (first + second).strip("*")
    if (first[-1] == "*" and second[0] == "*") or (second[-1] == "*" and first[0] == "*"):
        return True
    if "*" not in second:
        return _star_fits(first, second)
    if "*" not in first:
        return _star_fits(second, first)
    return _globs_table(first, second)


def _globs_table(first: str, second: str) -> bool:
    """The general case of :func:`_globs_intersect`, by dynamic programming: O(len * len)."""
    n, m = len(first), len(second)
    row = [False] * (m + 1)  # row[j]: first[i:] and second[j:] can meet, for i = n
    row[m] = True
    for j in range(m - 1, -1, -1):
        row[j] = second[j] == "*" and row[j + 1]
    for i in range(n - 1, -1, -1):
        below, row = row, [False] * (m + 1)
        star = first[i] == "*"
        row[m] = star and below[m]
        for j in range(m - 1, -1, -1):
            if star:
                row[j] = below[j] or row[j + 1]
            elif second[j] == "*":
                row[j] = row[j + 1] or below[j]
            else:
                row[j] = first[i] == second[j] and below[j + 1]
    return row[0]


def _star_fits(pattern: str, text: str) -> bool:
    """Whether ``text`` fits a glob whose only wildcard is ``*``: the literal head and tail in
    place, the pieces between them found in order, leftmost first (linear in both)."""
    pieces = pattern.split("*")
    head, tail = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return text == pattern
    if len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
        return False
    position, end = len(head), len(text) - len(tail)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _arn_head_fits(arn_format: str, resource: str) -> bool:
    """Partition, service, region and account each equal, or ``*`` (the documented one only
    against a non-empty one), and six parts at least."""
    format_parts = arn_format.split(":", 5)
    resource_parts = resource.split(":", 5)
    if len(format_parts) < 6 or len(resource_parts) < 6:
        return False
    for documented, given in zip(format_parts[:5], resource_parts[:5], strict=True):
        if given in ("*", documented) or (documented == "*" and given != ""):
            continue
        return False
    return True


def _resource_id(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 else ""


def _arn_match(resource_type: str, arn_format: str, resource: str) -> bool:
    """Whether a Resource entry can name a resource of an ARN format (both as globs)."""
    if arn_format == "*" or resource == "*":
        return True
    if "bucket" in resource_type and "/" in resource:
        return False  # a bucket's ARN has no "/"
    if not _arn_head_fits(arn_format, resource):
        return False
    given_id = _BRACKETS.sub("*", _resource_id(resource))
    return _globs_intersect(_resource_id(arn_format), given_id)


@functools.cache  # bounded by the index: ARN formats only
def _arn_glob(arn_format: str) -> str:
    """An ARN format as a glob: each ``${Variable}`` becomes ``*``."""
    return _ARN_VARIABLE.sub("*", arn_format)


def _normalise_resource(resource: str) -> str:
    """A policy variable may stand for anything, so it becomes ``*``; so does ``?`` (broader is
    the safe side here); a run of ``*`` is one."""
    return _STAR_RUN.sub("*", _POLICY_VARIABLE.sub("*", resource).replace("?", "*"))


def _resource_matches(action: str, resource: str) -> bool:
    found = _lookup(action)
    if found is None or "resources" not in found[2]:
        return True  # unknown, or not documented in detail: no claim
    return resource_fits_formats(_arn_formats(action), resource)


def resource_fits_formats(formats: tuple[tuple[str, str, bool], ...], resource: str) -> bool:
    """Whether a Resource entry can name a resource of one of ``formats`` (as
    :func:`arn_formats` gives them): :func:`resource_matches` for an action's formats, for
    callers that group actions sharing theirs. ``()`` fits only ``"*"``."""
    if resource == "*":
        return True
    if not formats:
        return False  # no resource-level permissions: the Resource must be "*"
    normalised = _normalise_resource(resource)
    if len(normalised) > _LONGEST_ARN:
        return True  # longer than any ARN: not ours to judge here, and not worth the time
    return any(
        _arn_match(name, _arn_glob(arn_format), normalised) for name, arn_format, _ in formats
    )


@functools.lru_cache(maxsize=_RESOURCE_CACHE)
def _resource_matches_cached(action: str, resource: str) -> bool:
    return _resource_matches(action, resource)


def resource_matches(action: str, resource: str) -> bool:
    """Whether a Resource entry (an ARN, wildcards and policy variables allowed) can name a
    resource of one of the action's resource types.

    ``"*"`` always matches. An action without resource types (no resource-level permissions)
    needs ``"*"``, so any other entry gives ``False``. An unknown action, one not documented in
    detail, or no index gives ``True`` (no claim of a mismatch). Partition, service, region and
    account must fit; then the resource part, as two globs that must overlap; ``${...}``
    variables and ``?`` count as ``*``.
    """
    if not isinstance(action, str) or not isinstance(resource, str):
        return True
    if resource == "*":
        return True
    if _cacheable(action, resource):
        return _resource_matches_cached(action.lower(), resource)
    return _resource_matches(action.lower(), resource)


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


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _key_set(action: str) -> frozenset[str]:
    found = _lookup(action)
    if found is None:
        return frozenset()
    keys = {str(key).lower() for key in found[2].get("keys", ()) or ()}  # type: ignore[attr-defined]
    for resource_type in _facts(action) or ():
        keys.update(key.lower() for key in resource_type.condition_keys)
    return frozenset(keys)


def condition_keys(action: str) -> frozenset[str]:
    """The lower-cased condition keys documented for a current action: the action's own and its
    resource types' keys, templates kept (``aws:requesttag/${tagkey}``); empty when unknown.

    Global keys (``aws:...``) are valid with every action and checked apart, with
    :func:`is_global_condition_key`; :func:`condition_key_allowed` does the whole check.
    """
    if not isinstance(action, str) or not _cacheable(action):
        return frozenset()
    return _key_set(action.lower())


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
    if not has_details(action):
        return True  # unknown, or not documented in detail: no claim
    return any(_key_template(template).fullmatch(key) for template in _key_set(action))


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
    return found[1] if found is not None else None


# --- partitions and regions -------------------------------------------------------------------


def region_data_note() -> str:
    """How a message names the data the regions come from: ``"the regions of botocore
    1.44.8 (2026-11)"``."""
    found = [source for source in sources() if "region" in source.supplies]
    return f"the regions of {found[0].label()}" if found else "the regions of the action data"


def known_regions(partition: str) -> tuple[str, ...]:
    """The regions of ``partition`` (``"aws"``, ``"aws-cn"``...) the index knows, sorted."""
    index = _index()
    if index is None or not isinstance(partition, str):
        return ()
    return tuple(sorted(index.partitions.get(partition, ())))


def region_known(region: str) -> bool:
    """Whether ``region`` (``"us-east-1"``) is a region of some partition in the index."""
    index = _index()
    if index is None or not isinstance(region, str):
        return True  # no claim
    return any(region in regions for regions in index.partitions.values())


def _edits(first: str, second: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    two neighbours each count one (``us-esat-1`` is one swap from ``us-east-1``)."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i]
        for j, b in enumerate(second, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


@functools.lru_cache(maxsize=256)
def _closest_region(region: str) -> str | None:
    index = _index()
    if index is None:
        return None
    every = sorted({r for regions in index.partitions.values() for r in regions})
    scored = sorted((_edits(region, known), known) for known in every)
    return scored[0][1] if scored and scored[0][0] <= 2 else None


def closest_region(region: str) -> str | None:
    """The known region closest in spelling to ``region`` (``"us-east-1"`` for
    ``"us-esat-1"``), or ``None``."""
    if not isinstance(region, str) or len(region) > 64:
        return None
    return _closest_region(region)
