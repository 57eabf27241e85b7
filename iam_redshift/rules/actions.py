"""IR5xx: action knowledge. Do the actions, resources and condition keys exist, and fit together?

The knowledge (actions, their resource types and ARN formats, their condition keys) is the
Service Authorization Reference as parliament and policyuniverse ship it, read through
:mod:`iam_redshift.knowledge`. That data is older than AWS: a name it does not know may be
new rather than wrong, and every message says which data it relied on. These rules read the data
only; parliament's own analyzer is never run (it reports trust policies as malformed).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import TYPE_CHECKING

from iam_redshift import knowledge
from iam_redshift.rules._base import Example, Hit, LintContext, Related, Rule
from iam_redshift.rules._common import (
    ACTION,
    ACTION_SYNTAX,
    ACTIONS_TABLE,
    CACHED_TEXT,
    DBUSER_ARN,
    POLICY_CHECKS,
    REDSHIFT_ACTIONS,
    RESOURCE,
    allow,
    data_note,
    example_policy,
)
from iam_redshift.rules.wildcards import expand, has_wildcard, listed
from iam_redshift.sources.placeholders import PLACEHOLDER

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Value


# -- IR501 --------------------------------------------------------------------------------------

_REFRESH = "refresh the data with 'iam-redshift knowledge update'"


@functools.lru_cache(maxsize=1024)
def _service_actions(prefix: str) -> dict[str, str]:
    """The current actions of service ``prefix``: lower-case name to canonical name."""
    names = expand(f"{prefix}:*")
    return {n.partition(":")[2].lower(): n for n in names}


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (difflib, ratio 0.75 or more), or None.

    Only candidates of about the same length sharing ``word``'s first three or last four
    characters are compared: a slip of the finger or two leaves one of the two intact, and it
    keeps this cheap over services with hundreds of actions.
    """
    if len(word) > CACHED_TEXT:
        return None  # no action or prefix is this long: nothing is close
    heads, tails = _by_ends(tuple(candidates))
    # The order of the pool does not matter: the best (ratio, candidate) pair wins.
    near = {*heads.get(word[:3], ()), *tails.get(word[-4:], ())}
    pool = [c for c in near if abs(len(c) - len(word)) <= 3]
    if not pool:
        return None
    import difflib  # only when a name is unknown: not on every lint's import path

    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.75)
    return close[0] if close else None


@functools.lru_cache(maxsize=1024)
def _by_ends(candidates: tuple[str, ...]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The candidates by their first three and by their last four characters: a service's
    actions are looked through once, not once per unknown name."""
    heads: dict[str, list[str]] = {}
    tails: dict[str, list[str]] = {}
    for candidate in candidates:
        heads.setdefault(candidate[:3], []).append(candidate)
        tails.setdefault(candidate[-4:], []).append(candidate)
    return heads, tails


@functools.lru_cache(maxsize=1024)
def _closest_prefix(prefix: str) -> str | None:
    return _closest(prefix, knowledge.service_prefixes())


# What is wrong with one Action value: (kind, the service prefix, a hint or the source that
# last listed a retired action). Kinds: "service" (no such prefix), "action" (no such action),
# "pattern" (a pattern matching nothing), "retired" (an action AWS removed).
_Problem = tuple[str, str, str]


def _unknown_action_uncached(text: str) -> _Problem | None:
    """Why the Action value ``text`` names nothing current, or None."""
    if knowledge.action_known(text):
        return None  # the common case, and the cheapest to tell
    if text == "*" or not ACTION_SYNTAX.fullmatch(text):
        return None
    prefix, _, name = text.partition(":")
    prefix = prefix.lower()
    if not knowledge.service_known(prefix):
        close = _closest_prefix(prefix)
        return ("service", prefix, f"did you mean {close!r}? " if close else "")
    if has_wildcard(name):
        if expand(text) or knowledge.action_matches_known(text):
            return None
        return ("pattern", prefix, "")
    retired = knowledge.retired_action(text)
    if retired is not None:
        return ("retired", prefix, retired)
    actions = _service_actions(prefix)
    close = _closest(name.lower(), actions)
    return ("action", prefix, f"did you mean {actions[close]}? " if close else "")


# Sized for the distinct Action values of a large lint (the 1,645 AWS managed policies hold
# some 16,700), so that a second pass over them finds them all.
_unknown_action_cached = functools.lru_cache(maxsize=32768)(_unknown_action_uncached)


def _message(texts: list[str], problem: _Problem) -> str:
    kind, prefix, detail = problem
    note = data_note(prefix)
    named = listed(texts)
    one = len(texts) == 1
    it, they = ("it", "it") if one else ("they", "them")
    hint = f"; {detail}" if detail else ". "
    if kind == "service":
        return (
            f"{named}: no AWS service has the prefix {prefix!r} in {note}{hint}"
            f"If the service is newer than that data, {_REFRESH}, or ignore this"
        )
    if kind == "pattern":
        return (
            f"{named} {'matches' if one else 'match'} no {prefix} action in {note}, so "
            f"{it} {'names' if one else 'name'} nothing; check the pattern. If the actions "
            f"{it} should match are newer than the data, {_REFRESH}, or ignore this"
        )
    if kind == "retired":
        return (
            f"{named}: AWS has removed {'this action' if one else 'these actions'} ({note} no "
            f"longer lists {they}; the last data to list {they} is {detail}), so the statement "
            f"does nothing for {they}; remove {they}"
        )
    what = f"a {prefix} action" if one else f"{prefix} actions"
    return (
        f"{named} {'is' if one else 'are'} not {what} in {note}{hint}"
        f"If {it} {'is' if one else 'are'} newer than the data, {_REFRESH}, or ignore this"
    )


def _check_unknown_actions(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    # One finding per statement, element, service and kind of problem: a statement that lists
    # twenty actions of a service newer than the data is one thing to fix, not twenty.
    for statement in document.statements:
        for element in ("Action", "NotAction"):
            texts = statement.texts(element)
            if not texts:
                continue
            # A current action is the usual answer, told by the index's own look-up (in C);
            # only the other values are judged (and remembered) here.
            facts = knowledge.each_action_facts(texts)
            if all(facts):  # facts are non-empty tuples: true, and told in C
                continue
            problems = [
                None
                if found is not None
                else _unknown_action_cached(text)
                if len(text) <= CACHED_TEXT
                else _unknown_action_uncached(text)  # a long text is not remembered
                for found, text in zip(facts, texts, strict=True)
            ]
            if problems.count(None) == len(problems):
                continue  # patterns that match something
            groups: dict[tuple[str, str, str], list[tuple[Value, _Problem]]] = {}
            for at, problem in enumerate(problems):
                if problem is not None:
                    key = problem if problem[0] == "action" and problem[2] else problem[:2]
                    value = statement.value_at(element, at)
                    groups.setdefault((*key, "")[:3], []).append((value, problem))
            for found in groups.values():
                first, problem = found[0]
                if len(found) > 1 and problem[0] in ("action", "retired"):
                    problem = (problem[0], problem[1], _joined_details(found))
                related = tuple(
                    Related(document.file, value.pointer, f"{value.text}: the same")
                    for value, _ in found[1:]
                )
                yield Hit(
                    first.pointer,
                    _message([value.text for value, _ in found], problem),
                    related=related,
                )


def _joined_details(found: list[tuple[Value, _Problem]]) -> str:
    details = list(dict.fromkeys(problem[2] for _, problem in found if problem[2]))
    if found[0][1][0] == "retired":
        return " / ".join(details)
    return "".join(details)


UNKNOWN_ACTION = Rule.declare(
    """
    IR501 unknown-action (warning)

    An action or service prefix that AWS does not define (a typo, most often).

    Why: IAM accepts a policy naming an action that does not exist, and the statement then silently
    does nothing for it: an Allow grants nothing, and a Deny (or a NotAction) does not protect what
    was meant. A misspelt redshift:GetClusterCredential leaves the access role unable to connect.
    The check applies to trust policies too (sts:AssumeRole, sts:TagSession). The action data is
    older than AWS, so an action added since may be reported: the message says which data was used.

    Fix: Correct the spelling (the message suggests the closest known action), or ignore the finding
    for an action newer than the data.
    """,
    check_document=_check_unknown_actions,
    references=(ACTIONS_TABLE, ACTION, POLICY_CHECKS),
    bad=Example.document(
        example_policy(allow("redshift:GetClusterCredential", DBUSER_ARN)),
        note="the action is GetClusterCredentials",
    ),
    good=Example.document(example_policy(allow("redshift:GetClusterCredentials", DBUSER_ARN))),
)

# -- IR502 --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _arn_type(arn: str) -> tuple[str, str]:
    """(service, resource type word) of an ARN or ARN format, lower-cased: ``("redshift",
    "dbuser")`` for ``arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/etl``. The word
    is what comes before the first ``/`` or ``:`` of the resource part."""
    fields = arn.split(":", 5)
    if len(fields) < 6:
        return "", ""
    return fields[2].lower(), re.split(r"[/:]", fields[5], maxsplit=1)[0].lower()


def _resource_fits(formats: tuple[tuple[str, str, bool], ...], resource: str) -> bool:
    """Whether ``resource`` can be of one of the resource types of an action documented in
    detail, given as its ARN formats (:func:`knowledge.arn_formats`).

    Stricter than needed would mean false findings, so beyond the data's own matching: an empty
    region or account counts as any (AWS-owned resources such as public SSM documents have
    ARNs without an account), and a resource of the same service whose type word is one of the
    action's (``stack``, ``statemachine``) fits even where the rest of the format differs (a
    missing ``/id``, another case): this rule is about resource *types*.
    """
    if len(resource) > CACHED_TEXT:
        return _formats_fit.__wrapped__(formats, resource)
    # Keyed on the formats, not the action: s3:GetObject and s3:PutObject share theirs, so a
    # statement of fifty s3 actions matches each resource a few times, not fifty.
    return _formats_fit(formats, resource)


@functools.lru_cache(maxsize=65536)
def _formats_fit(formats: tuple[tuple[str, str, bool], ...], resource: str) -> bool:
    if not formats:
        return resource == "*"  # no resource-level permissions: the Resource must be "*"
    fields = resource.split(":", 5)
    widened = ":".join([*fields[:3], fields[3] or "*", fields[4] or "*", fields[5]])
    if knowledge.resource_fits_formats(formats, widened):
        return True
    service, word = _arn_type(resource)
    if has_wildcard(word):
        # Any type of the same service may hide behind the wildcard; another service's never
        # (iot:DeleteStream on arn:aws:s3:::afr-ota* names S3 buckets, not IoT streams).
        return has_wildcard(service) or any(
            _arn_type(arn_format)[0] == service for _, arn_format, _ in formats
        )
    # A resource type without an ARN format has no type word to compare: only those with one.
    for _, arn_format, _ in formats:
        documented_service, documented_word = _arn_type(arn_format)
        if service == documented_service and word and word == documented_word:
            return True
    return False


@functools.lru_cache(maxsize=32768)
def _typed(text: str) -> tuple[str, tuple[tuple[str, str, bool], ...]] | None:
    """(the documented name, its ARN formats) when the Action value ``text`` names one current
    action with documented resource types; else None: no wildcard, no unknown action, and an
    action with no types (or not documented in detail) has none to compare with."""
    if not ACTION_SYNTAX.fullmatch(text) or has_wildcard(text):
        return None
    found = knowledge.action_facts(text)
    return (found.name, found.formats) if found is not None and found.formats else None


def _checkable_resource(text: str) -> bool:
    # Policy variables are filled in per request, and a template's references ({{ref:...}})
    # at deploy: whether they fit is not known beforehand.
    return (
        text.startswith("arn:") and "${" not in text and "{{" not in text and text.count(":") >= 5
    )


def _check_resource_types(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.statements:
        resources = statement.texts("Resource")
        if not resources or not all(map(_checkable_resource, resources)):
            continue
        # Whether the resources fit, by the identity of a tuple of formats: the index shares
        # one between the actions of the same resource types (fifty s3 object actions).
        fitting: dict[int, bool] = {}
        for at, text in enumerate(statement.texts("Action")):
            # A long text is not remembered (the cache stays small).
            found = _typed(text) if len(text) <= CACHED_TEXT else _typed.__wrapped__(text)
            if found is None:
                continue
            action, types = found
            fits = fitting.get(id(types))
            if fits is None:
                fits = fitting[id(types)] = any(map(_resource_fits, repeat(types), resources))
            if fits:
                continue
            kinds = listed([f"{name} ({arn_format})" for name, arn_format, _ in types], 2)
            given = listed(resources, 2)
            effect = "does not grant" if statement.allows else "does not deny"
            yield Hit(
                statement.value_at("Action", at).pointer,
                f"{action} applies to {kinds}, and no Resource of this statement ({given}) is "
                f"one, so the statement {effect} it; use an ARN of that form (formats from "
                f"{data_note(action.partition(':')[0])})",
            )


RESOURCE_TYPE = Rule.declare(
    """
    IR502 resource-type-mismatch (warning)

    A resource ARN whose type does not fit the statement's action.

    Why: Each action applies to particular resource types: redshift:GetClusterCredentials to a
    database user (arn:...:redshift:<region>:<account>:dbuser:<cluster>/<user>), never to an S3
    bucket or a cluster. When none of a statement's resources is of a type the action applies to,
    IAM accepts the policy but the statement does nothing for that action: the role is denied at run
    time, with no hint in the policy.

    Fix: Give the resource in the ARN format the Service Authorization Reference lists for the
    action (the message quotes it), or move the action to a statement with fitting resources.
    """,
    check_document=_check_resource_types,
    kinds=frozenset({"permissions"}),
    references=(ACTIONS_TABLE, REDSHIFT_ACTIONS, RESOURCE),
    bad=Example.document(
        example_policy(allow("redshift:GetClusterCredentials", "arn:aws:s3:::analytics-bucket"))
    ),
    good=Example.document(example_policy(allow("redshift:GetClusterCredentials", DBUSER_ARN))),
)

# -- IR504 --------------------------------------------------------------------------------------

REGIONS = "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html"


def _region_problem(arn: str) -> str | None:
    """Why the region of the ARN ``arn`` is no region, or None (empty, wildcard, variable)."""
    if not arn.startswith("arn:"):
        return None  # "*" most often: no region to check, found without a regex
    # A template's unknown value ({{aws:Region}}) may be any region: a wildcard here.
    fields = (PLACEHOLDER.sub("*", arn) if "{{" in arn else arn).split(":", 4)
    if len(fields) < 5:
        return None
    region = fields[3]
    if not region or has_wildcard(region) or "$" in region or len(region) > 64:
        return None
    if knowledge.region_known(region):
        return None
    close = knowledge.closest_region(region)
    hint = f"; did you mean {close!r}?" if close else ""
    return (
        f"{region!r} in {arn} is not a region of any AWS partition "
        f"({knowledge.region_data_note()}), so the ARN names nothing and the statement does "
        f"nothing for it{hint}"
    )


def _check_regions(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.statements:
        for element in ("Resource", "NotResource"):
            for at, text in enumerate(statement.texts(element)):
                problem = _region_problem(text)
                if problem is not None:
                    yield Hit(statement.value_at(element, at).pointer, problem)


UNKNOWN_REGION = Rule.declare(
    """
    IR504 unknown-region (warning)

    A resource ARN whose region is not a region of any AWS partition (us-esat-1).

    Why: IAM accepts any text as an ARN's region, so a mistyped region goes unnoticed: the ARN
    matches no resource, an Allow grants nothing on it (the role is denied at run time) and a Deny
    protects nothing. The regions come from the partitions of the action data.

    Fix: Correct the region (the message suggests the closest one), or use * for any region.
    """,
    check_document=_check_regions,
    references=(REGIONS, RESOURCE),
    bad=Example.document(
        example_policy(
            allow("redshift:GetClusterCredentials", DBUSER_ARN.replace("us-east-1", "us-esat-1"))
        ),
        note="us-east-1, mistyped",
    ),
    good=Example.document(example_policy(allow("redshift:GetClusterCredentials", DBUSER_ARN))),
)

RULES = (UNKNOWN_ACTION, RESOURCE_TYPE, UNKNOWN_REGION)

# Answers cached here come from the index in use: forget them when it changes.
knowledge.caches_follow_the_index(__name__)
