"""Facts about IAM actions, from the offline data of two dependencies, behind a small total API.

Who supplies what:

- **policyuniverse** supplies the action list that wildcards expand over
  (:func:`expand_action`, :func:`service_action_count`): the counts in our messages
  ("redshift:* grants 142 actions") are policyuniverse's.
- **parliament** supplies action knowledge from the Service Authorization Reference: which
  services and actions exist, their resource types and ARN formats, their condition keys
  (:func:`service_known`, :func:`action_known`, :func:`resource_types`, :func:`resource_matches`,
  :func:`condition_keys`...), and ``parliament.is_arn_match`` for resource-vs-ARN-format matching.

Their data are snapshots (policyuniverse's is older than parliament's: 56 of the services that
parliament knows, such as ``aiops``, expand to nothing), so a rule that says an action does not
exist should ask parliament (:func:`action_known`, :func:`action_matches_known`), and a count of
zero from :func:`expand_action` is no proof that a pattern matches nothing.

Nothing of theirs leaks out: every function takes ``str`` and returns plain ``str``, ``bool``,
``int``, tuples, frozensets or :class:`ResourceType`. Every function is total: it never raises,
whatever the string (ill-typed arguments get the same safe answer as unknown ones), because both
libraries raise on input they do not expect.

Laziness and cost: importing this module imports neither library. The first call that needs one
imports it and builds dict indexes (lower-cased name -> facts) once, under a lock; wildcard
expansions, pattern matches and resource matches are cached in bounded LRU caches.

When parliament cannot be imported at all (or its data cannot be read), nothing is raised; the
functions answer so that rules stay silent rather than report false findings:
:func:`service_known`, :func:`action_known`, :func:`action_matches_known`,
:func:`resource_matches` and :func:`condition_key_allowed` return ``True``;
:func:`canonical_action` returns ``None``; :func:`resource_types` and :func:`arn_formats` ``()``;
:func:`supports_resource_level` ``False``; :func:`condition_keys` an empty set. When
policyuniverse cannot be imported, :func:`expand_action` and :func:`service_action_count` use
parliament's action list instead (and ``()``/``0`` if neither loads). In every such case
:func:`knowledge_error` returns the reason, for the engine to report once as an internal finding.

Global condition keys (``aws:...``) are valid with every action and are not part of
:func:`condition_keys`; :func:`is_global_condition_key` recognises them and
:func:`condition_key_allowed` accepts them (and the cross-service keys) for every action.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Generic, NamedTuple, TypeVar

from iam_redshift.matching import glob_regex

__all__ = [
    "CROSS_SERVICE_CONDITION_KEYS",
    "GLOBAL_CONDITION_KEYS",
    "KnowledgeUnavailable",
    "ResourceType",
    "action_known",
    "action_matches_known",
    "arn_formats",
    "canonical_action",
    "condition_key_allowed",
    "condition_key_matches",
    "condition_keys",
    "data_source",
    "expand_action",
    "is_cross_service_condition_key",
    "is_global_condition_key",
    "knowledge_error",
    "resource_matches",
    "resource_types",
    "service_action_count",
    "service_known",
    "supports_resource_level",
]

_T = TypeVar("_T")

# Bounds of the caches: distinct patterns, (action, key) pairs and (action, resource) pairs.
_PATTERN_CACHE: Final = 8192
_CONDITION_CACHE: Final = 16384
_RESOURCE_CACHE: Final = 65536

# parliament's glob matcher (is_glob_match) recurses without memo: its time grows exponentially
# with the number of "*" in the two ARN resource parts (4 stars, 300 characters: 0.27 s; 6 stars:
# minutes) and it recurses once per character. Beyond these bounds our own polynomial matcher,
# which gives the same answers, is used instead.
_PARLIAMENT_MAX_STARS: Final = 2
_PARLIAMENT_MAX_LENGTH: Final = 512

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
_ARN_VARIABLE: Final = re.compile(r"\$\{.*?\}")  # as parliament turns ARN formats into globs
_BRACKETS: Final = re.compile(r"\[.+?\]")  # as parliament's is_arn_match treats resource ids
# ${TagKey}, <key>: one template slot in a documented condition key.
_KEY_SLOT: Final = re.compile(r"(\$\{[^}]*\}|<[^>]*>)")


class KnowledgeUnavailable(Exception):
    """parliament (or policyuniverse) could not be loaded.

    Internal: never raised to callers of this module's functions, which degrade instead (see the
    module docstring); :func:`knowledge_error` gives the reason.
    """


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type an action can be granted on (Service Authorization Reference).

    ``arn_format`` is the documented format, variables and all
    (``arn:${Partition}:redshift:${Region}:${Account}:dbuser:${ClusterName}/${DbUser}``);
    ``required`` is the reference's ``*`` mark; ``condition_keys`` are the keys documented for
    this resource type, in the action's row and in the resource types table, as documented.
    """

    name: str
    arn_format: str
    required: bool
    condition_keys: tuple[str, ...]


# --- indexes ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Names:
    """Action names, for exact look-ups and wildcard matching."""

    canonical: Mapping[str, str]  # lower-cased full name -> documented spelling
    by_prefix: Mapping[str, tuple[str, ...]]  # "redshift" -> its lower-cased full names, sorted
    everything: tuple[str, ...]  # every lower-cased full name, sorted


# One documented definition of an action: its privilege record and its service's resource
# types by name. Some prefixes have several service entries (iam twice, ses four times...), so an
# action can have several definitions; they are merged when the action is first looked up.
_Definition = tuple[dict[str, Any], dict[str, dict[str, Any]]]


class _Action(NamedTuple):
    """The merged facts of one action."""

    name: str
    resource_types: tuple[ResourceType, ...]
    arn_globs: tuple[tuple[str, str], ...]  # (resource type, ARN format with ${...} as *)
    own_keys: tuple[str, ...]  # the keys of the action's rows, as documented


@dataclass(frozen=True, slots=True)
class _Parliament:
    names: _Names
    definitions: Mapping[str, tuple[_Definition, ...]]  # lower-cased full name -> definitions
    version: str
    is_arn_match: Callable[[str, str, str], object]


@dataclass(frozen=True, slots=True)
class _Universe:
    names: _Names
    version: str


@dataclass(frozen=True)
class _Loaded(Generic[_T]):
    index: _T | None
    error: str | None


class _Once(Generic[_T]):
    """A value built on first use, once, under a lock."""

    def __init__(self, build: Callable[[], _T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: list[_T] = []

    def get(self) -> _T:
        if not self._value:
            with self._lock:
                if not self._value:
                    self._value.append(self._build())
        return self._value[0]


@contextmanager
def _quiet_import() -> Iterator[None]:
    """Silence what importing these libraries emits and is not ours to fix.

    parliament's ``import pkg_resources`` warns (DeprecationWarning or UserWarning, depending on
    the setuptools version); both libraries ``json.load(open(...))`` without closing
    (ResourceWarning); parliament/statement.py has invalid escape sequences such as ``"\\d"``,
    a DeprecationWarning (SyntaxWarning from Python 3.12) when compiled without a cached .pyc,
    which an ``error`` warnings filter would turn into an import failure.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*pkg_resources", category=Warning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", ResourceWarning)
        yield


def _import_parliament() -> Any:
    from iam_redshift import _pkg_resources_shim as shim

    shim.ensure_pkg_resources()
    try:
        with _quiet_import():
            try:
                import parliament
            except ImportError:
                if shim.is_shim(sys.modules.get("pkg_resources")):
                    raise
                # pkg_resources was found but could not be imported (a broken setuptools, say),
                # or something else is missing: one more try with the stand-in in its place.
                real = sys.modules.pop("pkg_resources", None)
                shim.install_shim()
                try:
                    import parliament
                except ImportError:
                    if real is not None:
                        sys.modules["pkg_resources"] = real
                    raise
    finally:
        shim.remove_shim()
    return parliament


def _names(full_names: Mapping[str, str]) -> _Names:
    by_prefix: dict[str, list[str]] = {}
    for lower in full_names:
        by_prefix.setdefault(lower.partition(":")[0], []).append(lower)
    return _Names(
        canonical=full_names,
        by_prefix={prefix: tuple(sorted(names)) for prefix, names in by_prefix.items()},
        everything=tuple(sorted(full_names)),
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _build_parliament() -> _Parliament:
    parliament = _import_parliament()
    definition = parliament.iam_definition
    if not isinstance(definition, list):
        raise KnowledgeUnavailable("parliament.iam_definition is not a list")
    canonical: dict[str, str] = {}
    definitions: dict[str, list[_Definition]] = {}
    for service in _dicts(definition):
        prefix = service.get("prefix")
        if not isinstance(prefix, str) or not prefix:
            continue
        resources = {
            resource["resource"]: resource
            for resource in _dicts(service.get("resources"))
            if isinstance(resource.get("resource"), str)
        }
        for privilege in _dicts(service.get("privileges")):
            name = privilege.get("privilege")
            if isinstance(name, str) and name:
                full = f"{prefix}:{name}"
                key = full.lower()
                canonical.setdefault(key, full)
                definitions.setdefault(key, []).append((privilege, resources))
    version = getattr(parliament, "__version__", None)
    return _Parliament(
        names=_names(canonical),
        definitions={key: tuple(found) for key, found in definitions.items()},
        version=version if isinstance(version, str) else _distribution_version("parliament"),
        is_arn_match=parliament.is_arn_match,
    )


@dataclass
class _Row:
    """One resource type of one action, merged over the action's definitions."""

    required: bool
    arn_format: str
    keys: list[str]


def _merge(name: str, definitions: tuple[_Definition, ...]) -> _Action:
    try:
        return _merge_rows(name, definitions)
    except (AttributeError, KeyError, TypeError):
        return _Action(name, (), (), ())  # a malformed record: no facts, no crash


def _merge_rows(name: str, definitions: tuple[_Definition, ...]) -> _Action:
    rows: dict[str, _Row] = {}
    own_keys: list[str] = []
    for privilege, resources in definitions:
        for row in privilege["resource_types"]:
            keys = [key for key in row["condition_keys"] if isinstance(key, str)]
            own_keys.extend(keys)
            type_name = row["resource_type"].rstrip("*")
            if not type_name:
                continue  # the row of keys that apply whatever the resource
            required = row["resource_type"].endswith("*")
            resource = resources.get(type_name, {})
            arn_format = resource.get("arn") or ""
            keys.extend(k for k in resource.get("condition_keys") or () if isinstance(k, str))
            merged = rows.get(type_name)
            if merged is None:
                rows[type_name] = _Row(required, arn_format, keys)
            else:
                merged.required = merged.required or required
                merged.arn_format = merged.arn_format or arn_format
                merged.keys.extend(keys)
    types = tuple(
        _resource_type(type_name, str(row.arn_format), row.required, tuple(dict.fromkeys(row.keys)))
        for type_name, row in rows.items()
    )
    return _Action(
        name=name,
        resource_types=types,
        arn_globs=tuple((t.name, _arn_glob(t.arn_format)) for t in types if t.arn_format),
        own_keys=tuple(own_keys),
    )


# Many actions share a resource type as documented (s3's "object", ec2's "instance"...): one
# object each, and one glob per ARN format. Bounded by the data, not by the input.
@functools.cache
def _resource_type(
    name: str, arn_format: str, required: bool, keys: tuple[str, ...]
) -> ResourceType:
    return ResourceType(name, arn_format, required, keys)


@functools.cache
def _arn_glob(arn_format: str) -> str:
    """An ARN format as parliament matches it: each ``${Variable}`` becomes ``*``."""
    return _ARN_VARIABLE.sub("*", arn_format)


def _arn_rows(definitions: tuple[_Definition, ...]) -> tuple[tuple[str, str, bool], ...]:
    """(resource type, ARN format, required) of the resource types that have an ARN format:
    what :func:`_merge_rows` finds about them, merged the same way, without collecting the
    condition keys: less than half its cost, and IR204 asks it of thousands of actions. It reads
    every field :func:`_merge_rows` reads, so it fails on the same malformed records."""
    rows: dict[str, list[Any]] = {}  # resource type -> [required, ARN format]
    for privilege, resources in definitions:
        for row in privilege["resource_types"]:
            iter(row["condition_keys"])
            documented = row["resource_type"]
            type_name = documented.rstrip("*")
            if not type_name:
                continue
            required = documented.endswith("*")
            resource = resources.get(type_name, {})
            arn_format = resource.get("arn") or ""
            iter(resource.get("condition_keys") or ())
            merged = rows.get(type_name)
            if merged is None:
                rows[type_name] = [required, arn_format]
            else:
                merged[0] = merged[0] or required
                merged[1] = merged[1] or arn_format
    found = (
        (type_name, str(arn_format), required) for type_name, (required, arn_format) in rows.items()
    )
    return tuple(row for row in found if row[1])


def _build_universe() -> _Universe:
    with _quiet_import():
        import policyuniverse
    service_data = policyuniverse.service_data
    permissions = policyuniverse.all_permissions  # the set its wildcard expansion matches over
    cased: dict[str, str] = {}
    if isinstance(service_data, dict):
        for service in service_data.values():
            prefix = service.get("prefix") if isinstance(service, dict) else None
            actions = service.get("actions") if isinstance(service, dict) else None
            if isinstance(prefix, str) and isinstance(actions, dict):
                for action in actions:
                    if isinstance(action, str):
                        cased.setdefault(f"{prefix}:{action}".lower(), f"{prefix}:{action}")
    canonical = {
        name: cased.get(name, name)
        for name in sorted(permissions)
        if isinstance(name, str) and ":" in name
    }
    return _Universe(names=_names(canonical), version=_distribution_version("policyuniverse"))


def _distribution_version(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except Exception:
        return "(version unknown)"


def _load(build: Callable[[], _T], library: str) -> Callable[[], _Loaded[_T]]:
    def load() -> _Loaded[_T]:
        try:
            return _Loaded(build(), None)
        except Exception as error:  # ImportError, OSError, malformed data: all degrade the same
            reason = f"{library} could not be loaded: {type(error).__name__}: {error}"
            return _Loaded(None, reason)

    return load


_PARLIAMENT: Final = _Once(_load(_build_parliament, "parliament"))
_UNIVERSE: Final = _Once(_load(_build_universe, "policyuniverse"))


def _parliament() -> _Parliament | None:
    return _PARLIAMENT.get().index


@functools.cache  # bounded: called with the data's own names only
def _materialise(key: str) -> _Action:
    index = _parliament()
    assert index is not None  # only called for a name found in the index
    return _merge(index.names.canonical[key], index.definitions[key])


@functools.lru_cache(maxsize=_RESOURCE_CACHE)
def _facts(action: str) -> _Action | None:
    """The merged facts of a known action (any spelling), built on first look-up; ``None``
    when the action is unknown or parliament is unavailable."""
    index = _parliament()
    key = action.lower()
    return _materialise(key) if index is not None and key in index.definitions else None


@functools.lru_cache(maxsize=_RESOURCE_CACHE)
def _arn_formats(action: str) -> tuple[tuple[str, str, bool], ...]:
    """:func:`arn_formats` of a known action (any spelling); ``()`` when the action is
    unknown, its record malformed (as :func:`_merge` then gives no facts), or no knowledge."""
    index = _parliament()
    key = action.lower()
    if index is None or key not in index.definitions:
        return ()
    try:
        return _arn_rows(index.definitions[key])
    except (AttributeError, KeyError, TypeError):
        return ()


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _key_set(action: str) -> frozenset[str]:
    """The lower-cased condition keys of a known action (any spelling), built on first use."""
    known = _facts(action)
    if known is None:
        return frozenset()
    resource_keys = (key for t in known.resource_types for key in t.condition_keys)
    return frozenset(key.lower() for key in (*known.own_keys, *resource_keys))


def _expansion_names() -> _Names | None:
    universe = _UNIVERSE.get().index
    if universe is not None:
        return universe.names
    fallback = _parliament()
    return fallback.names if fallback is not None else None


# --- matching ---------------------------------------------------------------------------------


def _has_wildcard(text: str) -> bool:
    return not _WILDCARDS.isdisjoint(text)


def _pool(names: _Names, head: str) -> Iterator[str]:
    """The names that start with ``head``: a run of the sorted list, found by bisection."""
    everything = names.everything
    for position in range(bisect.bisect_left(everything, head), len(everything)):
        name = everything[position]
        if not name.startswith(head):
            return
        yield name


def _star_fits(pattern: str, text: str) -> bool:
    """Whether ``text`` fits a glob whose only wildcard is ``*`` (no regex to compile): the
    literal head and tail in place, the pieces between them found in order, leftmost first."""
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


def _matches(names: _Names, pattern: str) -> Iterator[str]:
    if not _has_wildcard(pattern):
        if pattern in names.canonical:
            yield pattern
        return
    # Only names that start with the pattern's literal head can match it.
    head = pattern[: min(i for i in (pattern.find("*"), pattern.find("?"), len(pattern)) if i >= 0)]
    pool = _pool(names, head)
    if pattern == f"{head}*":
        yield from pool  # "redshift:get*", "*": the commonest shapes, nothing more to check
    elif "?" in pattern:
        regex = glob_regex(pattern)
        yield from (name for name in pool if regex.fullmatch(name))
    else:
        yield from (name for name in pool if _star_fits(pattern, name))


def _expand(pattern: str) -> tuple[str, ...]:
    if _has_wildcard(pattern):
        return _expand_wildcard(pattern)
    names = _expansion_names()
    name = names.canonical.get(pattern) if names is not None else None
    return (name,) if name is not None else ()


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _expand_wildcard(pattern: str) -> tuple[str, ...]:
    names = _expansion_names()
    if names is None:
        return ()
    return tuple(sorted(names.canonical[name] for name in _matches(names, pattern)))


def _matches_known(pattern: str) -> bool:
    index = _parliament()
    if index is None:
        return True
    if not _has_wildcard(pattern):
        return pattern in index.names.canonical
    return _matches_known_wildcard(pattern)


@functools.lru_cache(maxsize=_PATTERN_CACHE)
def _matches_known_wildcard(pattern: str) -> bool:
    index = _parliament()
    return index is None or next(_matches(index.names, pattern), None) is not None


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


def _arn_head_fits(arn_format: str, resource: str) -> bool:
    """parliament.is_arn_match's rules before the resource part: six parts at least, and
    partition, service, region and account each equal, or ``*`` (the documented one only
    against a non-empty one)."""
    format_parts = arn_format.split(":", 5)
    resource_parts = resource.split(":", 5)
    if len(format_parts) < 6 or len(resource_parts) < 6:
        return False
    for documented, given in zip(format_parts[:5], resource_parts[:5], strict=True):
        if given in ("*", documented) or (documented == "*" and given != ""):
            continue
        return False
    return True


def _own_arn_match(resource_type: str, arn_format: str, resource: str) -> bool:
    """parliament.is_arn_match's rules, with a polynomial glob matcher and no exceptions."""
    if arn_format == "*" or resource == "*":
        return True
    if "bucket" in resource_type and "/" in resource:
        return False  # a bucket's ARN has no "/"; parliament's special case
    if not _arn_head_fits(arn_format, resource):
        return False
    given_id = _BRACKETS.sub("*", _resource_id(resource))
    return _globs_intersect(_resource_id(arn_format), given_id)


def _resource_id(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 else ""


@functools.lru_cache(maxsize=_RESOURCE_CACHE)
def _arn_match(resource_type: str, arn_format: str, resource: str) -> bool:
    """``parliament.is_arn_match`` where it is safe (few ``*``, short ARN, no exception);
    our equivalent elsewhere. The cheap part of the rules is checked first, by us."""
    if arn_format == "*" or resource == "*":
        return True
    if not _arn_head_fits(arn_format, resource):
        return False
    index = _parliament()
    stars = _resource_id(arn_format).count("*") + _resource_id(resource).count("*")
    short = len(resource) <= _PARLIAMENT_MAX_LENGTH
    if index is not None and stars <= _PARLIAMENT_MAX_STARS and short:
        try:
            return bool(index.is_arn_match(resource_type, arn_format, resource))
        except Exception:
            pass  # it raises on input it does not expect (and RecursionError on long input)
    return _own_arn_match(resource_type, arn_format, resource)


@functools.lru_cache(maxsize=_RESOURCE_CACHE)
def _normalise_resource(resource: str) -> str:
    """A policy variable (``${aws:username}``) may stand for anything, so it becomes ``*``;
    ``?`` becomes ``*`` too (parliament takes it literally; broader is the safe side here)."""
    return _STAR_RUN.sub("*", _POLICY_VARIABLE.sub("*", resource).replace("?", "*"))


@functools.lru_cache(maxsize=_RESOURCE_CACHE)
def _resource_matches(action: str, resource: str) -> bool:
    index = _parliament()
    if index is None or action.lower() not in index.definitions:
        return True  # unknown action (another rule's finding), or no knowledge: no claim
    # The ARN formats alone, not the action's full facts (condition keys and all): the same
    # globs as _Action.arn_globs, for a fraction of the work.
    formats = _arn_formats(action)
    if not formats:
        return False  # no resource-level permissions: the Resource must be "*"
    normalised = _normalise_resource(resource)
    return any(
        _arn_match(name, _arn_glob(arn_format), normalised) for name, arn_format, _ in formats
    )


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


@functools.lru_cache(maxsize=_CONDITION_CACHE)
def _condition_key_allowed(action: str, key: str) -> bool:
    if key in CROSS_SERVICE_CONDITION_KEYS or _global_key(key):
        return True
    if _facts(action) is None:
        return True  # unknown action (another rule's finding), or no knowledge: no claim
    return any(_key_template(template).fullmatch(key) for template in _key_set(action))


def _global_key(key: str) -> bool:
    if key in GLOBAL_CONDITION_KEYS:
        return True
    return any(key.startswith(family) and len(key) > len(family) for family in _GLOBAL_TAG_FAMILIES)


# --- public API -------------------------------------------------------------------------------


def expand_action(pattern: str) -> tuple[str, ...]:
    """The sorted, properly cased actions an action pattern matches (policyuniverse's list).

    ``*`` and ``?`` are IAM's wildcards and nothing else is; matching ignores case;
    ``"*"`` is every action. ``()`` when nothing matches (policyuniverse itself would hand the
    pattern back, and treats ``[...]`` as character classes and a ``?`` without ``*`` as no
    wildcard). ``expand_action("redshift:GetClusterCredentials")`` is
    ``("redshift:GetClusterCredentials",)``.
    """
    if not isinstance(pattern, str):
        return ()
    return _expand(pattern.lower())


def service_known(prefix: str) -> bool:
    """Whether ``prefix`` (``"redshift"``, any case) is a service prefix parliament knows."""
    if not isinstance(prefix, str):
        return False
    index = _parliament()
    return True if index is None else prefix.lower() in index.names.by_prefix


def action_known(action: str) -> bool:
    """Whether ``action`` (``"svc:Name"``, any case, no wildcard) is an action parliament knows.

    A pattern with ``*`` or ``?`` is not an action name and gives ``False``: see
    :func:`action_matches_known`.
    """
    if not isinstance(action, str):
        return False
    index = _parliament()
    return True if index is None else action.lower() in index.definitions


def action_matches_known(pattern: str) -> bool:
    """Whether an action pattern (wildcards allowed, any case) matches at least one action that
    parliament knows; for a pattern without wildcards, the same as :func:`action_known`."""
    if not isinstance(pattern, str):
        return False
    return _matches_known(pattern.lower())


def canonical_action(action: str) -> str | None:
    """The documented spelling of an action (``"redshift:GetClusterCredentials"``), or
    ``None`` when parliament does not know it (or is unavailable)."""
    if not isinstance(action, str):
        return None
    index = _parliament()
    return index.names.canonical.get(action.lower()) if index is not None else None


def resource_types(action: str) -> tuple[ResourceType, ...]:
    """The resource types of a known action, in documented order; ``()`` when the action has
    none (it supports only ``"Resource": "*"``) or is unknown."""
    if not isinstance(action, str):
        return ()
    known = _facts(action)
    return known.resource_types if known is not None else ()


def arn_formats(action: str) -> tuple[tuple[str, str, bool], ...]:
    """(resource type, ARN format, required) for each resource type of a known action that has
    an ARN format, in documented order: what :func:`resource_types` says of them, without the
    condition keys, and cheaper to work out. ``()`` when there is none or the action is
    unknown."""
    if not isinstance(action, str):
        return ()
    return _arn_formats(action)


def supports_resource_level(action: str) -> bool:
    """Whether the action can be granted on specific resources: at least one of its resource
    types has an ARN format. ``redshift:GetClusterCredentials`` and ``iam:GetRole``: yes;
    ``iam:ListRoles`` and ``sts:GetCallerIdentity``: no."""
    return bool(arn_formats(action))


def resource_matches(action: str, resource: str) -> bool:
    """Whether a Resource entry (an ARN, wildcards and policy variables allowed) can name a
    resource of one of the action's resource types.

    ``"*"`` always matches. Per the Service Authorization Reference, an action without resource
    types (no resource-level permissions) needs ``"*"``, so any other entry gives ``False``.
    An unknown action, a pattern rather than an action, or unavailable knowledge gives ``True``
    (no claim of a mismatch). Matching follows ``parliament.is_arn_match`` (partition, service,
    region and account must fit; then the resource part, as two globs that must overlap);
    ``${...}`` variables and ``?`` count as ``*``.
    """
    if not isinstance(action, str) or not isinstance(resource, str):
        return True
    if resource == "*":
        return True
    return _resource_matches(action, resource)


def condition_keys(action: str) -> frozenset[str]:
    """The lower-cased condition keys documented for a known action: the action's own and its
    resource types' keys, templates kept (``aws:requesttag/${tagkey}``); empty when unknown.

    Global keys (``aws:...``) are valid with every action and checked apart, with
    :func:`is_global_condition_key`; :func:`condition_key_allowed` does the whole check.
    """
    if not isinstance(action, str):
        return frozenset()
    return _key_set(action)


def condition_key_matches(template: str, key: str) -> bool:
    """Whether a key used in a policy (``aws:RequestTag/Team``) fits a documented key or key
    template (``aws:RequestTag/${TagKey}``, ``s3:ExistingObjectTag/<key>``), ignoring case."""
    if not isinstance(template, str) or not isinstance(key, str):
        return False
    return _key_template(template.lower()).fullmatch(key.lower()) is not None


def condition_key_allowed(action: str, key: str) -> bool:
    """Whether a condition key can apply to an action: a global or cross-service key, or one of
    :func:`condition_keys` (templates matched). ``True`` for an unknown action or when the
    knowledge is unavailable (no claim either way)."""
    if not isinstance(action, str) or not isinstance(key, str):
        return True
    return _condition_key_allowed(action.lower(), key.lower())


def is_global_condition_key(key: str) -> bool:
    """Whether ``key`` is one of AWS's global condition keys (``aws:SourceIp``,
    ``aws:PrincipalTag/team``...), ignoring case. An unknown ``aws:`` key gives ``False``;
    service-specific keys (``redshift:DbUser``) and cross-service keys give ``False``."""
    return isinstance(key, str) and _global_key(key.lower())


def is_cross_service_condition_key(key: str) -> bool:
    """Whether ``key`` is a cross-service key of the role-session table (``ec2:SourceInstanceArn``,
    ``lambda:SourceFunctionArn``...): service-prefixed, yet present in any service's requests."""
    return isinstance(key, str) and key.lower() in CROSS_SERVICE_CONDITION_KEYS


def service_action_count(prefix: str) -> int:
    """How many actions the service has in the list wildcards expand over (policyuniverse's),
    that is ``len(expand_action(prefix + ":*"))``; ``0`` for an unknown or wildcard prefix."""
    if not isinstance(prefix, str) or _has_wildcard(prefix):
        return 0
    names = _expansion_names()
    return len(names.by_prefix.get(prefix.lower(), ())) if names is not None else 0


def data_source() -> str:
    """Where the knowledge comes from: ``"parliament 1.6.4 / policyuniverse 1.5.1.20231109"``."""
    parliament = _parliament()
    universe = _UNIVERSE.get().index
    return " / ".join(
        (
            f"parliament {parliament.version}" if parliament else "parliament (unavailable)",
            f"policyuniverse {universe.version}" if universe else "policyuniverse (unavailable)",
        )
    )


def knowledge_error() -> str | None:
    """Why some knowledge is unavailable (a library failed to load), or ``None``.

    Loads both libraries if they are not loaded yet.
    """
    reasons = [reason for reason in (_PARLIAMENT.get().error, _UNIVERSE.get().error) if reason]
    return "; ".join(reasons) if reasons else None
