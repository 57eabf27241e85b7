"""IR2xx: wildcard scope. Does an Allow statement grant more actions, or more resources, than
the role can need?

Only Allow statements grant anything, so every rule here reads Allow statements only, and only in
permissions policies (a trust policy's resource is the role itself). Action counts come from
the compiled action index and resource-level support from the Service Authorization Reference
data, both through :mod:`iam_redshift.knowledge`.
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from iam_redshift import knowledge
from iam_redshift._memo import MISSING
from iam_redshift.document.policy import Value, services_of
from iam_redshift.matching import POLICY_VARIABLE, action_matches
from iam_redshift.rules._base import Example, Hit, LintContext, Rule
from iam_redshift.rules._common import (
    ACTION,
    ACTIONS_TABLE,
    LEAST_PRIVILEGE,
    NOT_ACTION,
    NOT_RESOURCE,
    POLICY_CHECKS,
    REDSHIFT_ACTIONS,
    RESOURCE,
    allow,
    example_policy,
)

if TYPE_CHECKING:
    from iam_redshift.document.policy import PolicyDocument, Statement

ASSUME_ROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html"
PASS_ROLE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html"

#: How many names a message lists before it says "and N more".
SHOWN = 3

ACCESS_ROLE_ARN = "arn:aws:iam::123456789012:role/Redshift-Access-Role-1"
_DBUSER = "arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/etl_user"


_GOOD = example_policy(allow("redshift:GetClusterCredentials", _DBUSER))


# -- shared helpers -----------------------------------------------------------------------------


def has_wildcard(text: str) -> bool:
    """Whether ``text`` holds an IAM wildcard (``*`` or ``?``) other than the escaped literals
    ``${*}`` and ``${?}``."""
    if "*" not in text and "?" not in text:
        return False  # most texts: nothing to unescape
    unescaped = text.replace("${*}", "").replace("${?}", "")
    return "*" in unescaped or "?" in unescaped


@functools.lru_cache(maxsize=65536)
def expand(pattern: str) -> tuple[str, ...]:
    """The canonical actions an Action value matches (the index's current actions; "*" is every
    action): one lookup per distinct pattern, shared by every rule that asks."""
    return knowledge.expand_action(pattern)


def grants_action(statement: Statement, action: str) -> Value | None:
    """The Action value through which ``statement`` grants ``action`` (for NotAction, the
    NotAction element itself when it does not exclude ``action``), or None."""
    services = services_of((action,))
    if statement.may_grant_service(services):  # else no Action value can match
        lowered = action.lower()
        texts = statement.texts("Action")
        # Only the values of the action's service and those with a wildcard prefix, in order.
        for at in statement.action_positions(services):
            text = texts[at]
            # The same text first (most values), then a pattern's match.
            if text.lower() == lowered or (
                ("*" in text or "?" in text) and action_matches(text, action)
            ):
                return statement.value_at("Action", at)
    if statement.has("NotAction") and not statement.has("Action"):
        excluded = statement.texts("NotAction")
        if not any(action_matches(text, action) for text in excluded):
            return Value(statement.pointer_of("NotAction"), "NotAction")
    return None


def _prefix_fits(literal: str, template: str) -> bool:
    """Whether some string that starts with ``literal`` can also fit ``template``'s start."""
    return template.startswith(literal) or literal.startswith(template)


def may_match_role(resource: str) -> bool:
    """Whether the wildcard Resource value ``resource`` can match some IAM role ARN
    (``arn:<partition>:iam::<account>:role/<path><name>``); False without a wildcard."""
    if not has_wildcard(resource):
        return False
    # A policy variable (${aws:PrincipalAccount}) stands for one value without colons.
    resource = POLICY_VARIABLE.sub("x", resource)
    fields = resource.split(":", 5)
    if len(fields) == 6 and not any(has_wildcard(f) for f in fields[:5]):
        # The usual shape: wildcards only in the resource part.
        arn, _, service, region, _ = fields[:5]
        resource_part = fields[5]
        literal = re.split(r"[*?]", resource_part, maxsplit=1)[0]
        return arn == "arn" and service == "iam" and region == "" and _prefix_fits(literal, "role/")
    # A wildcard among the first five fields may stand for any run of characters, colons
    # included: judge by the literal text before the first wildcard.
    literal = re.split(r"[*?]", resource, maxsplit=1)[0]
    head = literal.split(":")
    template = ["arn", None, "iam", "", None]
    for index, part in enumerate(head):
        last = index == len(head) - 1
        if index >= 5:
            rest = ":".join(head[5:])
            return _prefix_fits(rest, "role/")
        expected = template[index]
        if expected is None:
            continue
        if (last and not expected.startswith(part)) or (not last and part != expected):
            return False
    return True


def star_resources(statement: Statement) -> list[Value]:
    """The Resource values that are exactly ``*``."""
    texts = statement.texts("Resource")
    if "*" not in texts:
        return []  # the usual answer, found without a value a Resource
    return [statement.value_at("Resource", at) for at, text in enumerate(texts) if text == "*"]


def listed(names: Iterable[str], shown: int = SHOWN) -> str:
    """``a, b, c and 4 more`` (or ``a, b and c``)."""
    items = list(dict.fromkeys(names))
    if len(items) > shown:
        return f"{', '.join(items[:shown])} and {len(items) - shown} more"
    if len(items) > 1:
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return items[0] if items else ""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


# -- IR201 --------------------------------------------------------------------------------------


def _check_all_actions(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        texts = statement.texts("Action")
        for at in statement.action_patterns if "*" in texts else ():
            if texts[at] == "*":
                yield Hit(
                    statement.value_at("Action", at).pointer,
                    '"Action": "*" in an Allow statement grants every action of every AWS '
                    "service, including IAM actions that let the role give itself more; list "
                    "the actions the role needs instead",
                )
        if statement.has("NotAction") and not statement.has("Action"):
            excluded = statement.texts("NotAction")
            what = f"except {listed(excluded)}" if excluded else "at all"
            yield Hit(
                statement.pointer_of("NotAction"),
                f"NotAction in an Allow statement grants every action of every AWS service "
                f"{what}, including actions AWS adds later; list the actions the role needs in "
                "Action instead",
            )


ALL_ACTIONS = Rule.declare(
    """
    IR201 allow-all-actions (security-warning)

    An Allow statement grants "Action": "*", or every action but a few through NotAction.

    Why: "Action": "*" grants every action of every service, and NotAction with Allow grants
    everything not listed, including actions of services added later. Either gives the role IAM
    actions with which it can grant itself anything; a Redshift role never needs that.

    Fix: List the actions the role needs in Action (for this pattern: the Redshift actions of the
    access role, sts:AssumeRole for the instance role).
    """,
    check_document=_check_all_actions,
    kinds=frozenset({"permissions"}),
    references=(ACTION, NOT_ACTION, POLICY_CHECKS, LEAST_PRIVILEGE),
    bad=Example.document(
        example_policy(allow("*", "arn:aws:redshift:us-east-1:123456789012:cluster:analytics")),
        note="every action of every service, even on one cluster",
    ),
    good=Example.document(_GOOD),
)

# -- IR202 and IR203 ----------------------------------------------------------------------------


def _split_action(text: str) -> tuple[str, str] | None:
    service, colon, name = text.partition(":")
    if not colon or not service or not name:
        return None
    return service, name


def _is_service_wide(text: str) -> bool:
    split = _split_action(text)
    return split is not None and set(split[1]) == {"*"}


def _check_service_wildcard(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        for at in statement.action_patterns:
            if not _is_service_wide(statement.texts("Action")[at]):
                continue
            value = statement.value_at("Action", at)
            service = value.text.partition(":")[0]
            count = len(expand(value.text))
            if count:
                grants = f"grants all {_plural(count, f'{service.lower()} action')}"
                source = f" ({knowledge.service_data_note(service)}), and any AWS adds later"
            else:
                grants = f"grants every action of the {service!r} service"
                source = " (a service the action data does not know)"
            yield Hit(
                value.pointer,
                f"{value.text} {grants}{source}; list the ones the role needs",
            )


SERVICE_WILDCARD = Rule.declare(
    """
    IR202 service-wide-action-wildcard (warning)

    An Allow statement grants every action of a service (redshift:*, iam:*).

    Why: A service-wide wildcard grants every action of the service: for redshift:* that includes
    deleting clusters and snapshots, changing their IAM roles and sharing data, and any action AWS
    adds to the service later. A role that reads data needs a handful of them.

    Fix: List the actions the role needs (for example redshift:GetClusterCredentials and
    redshift:DescribeClusters).
    """,
    check_document=_check_service_wildcard,
    kinds=frozenset({"permissions"}),
    references=(ACTION, LEAST_PRIVILEGE, REDSHIFT_ACTIONS),
    bad=Example.document(example_policy(allow("redshift:*", _DBUSER))),
    good=Example.document(_GOOD),
)


def _action_names(actions: Iterable[str]) -> list[str]:
    return [a.partition(":")[2] or a for a in actions]


@functools.lru_cache(maxsize=4096)
def _partial_wildcard_message(pattern: str) -> str | None:
    """IR203's message for an Action value, or None when it says nothing: worked out once
    per pattern, as the same patterns (ec2:Describe*) recur across policies."""
    split = _split_action(pattern)
    if split is None or _is_service_wide(pattern) or not has_wildcard(split[1]):
        return None
    matched = expand(pattern)
    if not matched:
        return None  # matches nothing known: IR501's to report
    return (
        f"{pattern} matches {_plural(len(matched), 'action')} "
        f"({knowledge.service_data_note(pattern.partition(':')[0])}): "
        f"{listed(_action_names(matched))}, and any AWS adds later that fit the "
        "pattern; list the ones the role needs"
    )


def _check_partial_wildcard(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        for at in statement.action_patterns:
            message = _partial_wildcard_message(statement.texts("Action")[at])
            if message is not None:
                yield Hit(statement.value_at("Action", at).pointer, message)


PARTIAL_WILDCARD = Rule.declare(
    """
    IR203 partial-action-wildcard (suggestion)

    An Allow statement grants the actions a wildcard pattern matches (redshift:Get*).

    Why: A pattern such as redshift:Get* or redshift:*Cluster* grants every action whose name fits,
    today's and any added later; it is easy to grant more than the review saw.

    Fix: List the actions the role needs by their full names.
    """,
    check_document=_check_partial_wildcard,
    kinds=frozenset({"permissions"}),
    references=(ACTION, LEAST_PRIVILEGE),
    bad=Example.document(example_policy(allow("redshift:Get*", _DBUSER))),
    good=Example.document(_GOOD),
)

# -- IR204 --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def _votes(formats: tuple[tuple[str, str, bool], ...]) -> tuple[str, ...]:
    """An action's votes: each of its ARN formats as "<ARN format> (<type>)", twice for a
    required type. Worked out once per distinct tuple of formats (the index shares them)."""
    return tuple(
        label
        for kind, arn_format, required in formats
        for label in (f"{arn_format} ({kind})",) * (2 if required else 1)
    )


#: An action IR204 found it could scope: its documented name, and its votes (:func:`_votes`).
_Scoped = tuple[str, tuple[str, ...]]


@functools.lru_cache(maxsize=16384)
def _scopable(pattern: str) -> tuple[tuple[_Scoped, ...], int]:
    """(the actions the wildcard ``pattern`` covers that support resource-level permissions,
    with their votes; how many it covers in all)."""
    if pattern == "*":
        return (), 0  # IR201's to report; expanding every action of AWS says nothing more
    matched = knowledge.expand_action_facts(pattern)
    scoped = tuple((facts.name, _votes(facts.formats)) for facts in matched if facts.formats)
    return scoped, len(matched)


#: The example ARN formats IR204 shows: the two most voted for (:func:`most_voted`).
_EXAMPLES = 2


class _MessagesByActions(dict[tuple[str, ...], str | None]):
    """IR204's message for each list of Action values asked about (:func:`_star_message`): a
    third of the statements it reports on list the same actions as one before. Bounded by the
    characters its keys hold (emptied when they would pass :data:`_REMEMBERED_CHARACTERS`);
    cleared with this module's caches when the index changes."""

    characters = 0

    def remember(self, key: tuple[str, ...], message: str | None) -> str | None:
        size = sum(map(len, key)) + len(key)  # an empty text counts too
        if size > _REMEMBERED_CHARACTERS:
            return message  # more than all it may hold: not remembered
        if self.characters + size > _REMEMBERED_CHARACTERS:
            self.cache_clear()
        self[key] = message
        self.characters += size
        return message

    def cache_clear(self) -> None:
        self.clear()
        self.characters = 0


_REMEMBERED_CHARACTERS = 1 << 24
_MESSAGES = _MessagesByActions()


def most_voted(votes: dict[str, int], shown: int) -> tuple[str, ...]:
    """The first ``shown`` labels of ``votes`` (label -> votes, in data order) ordered by most
    votes first, data order among equals: ``sorted(votes, key=votes.get, reverse=True)[:shown]``
    without sorting them all (a statement on "*" gives thousands of labels, IR204 shows two).
    Each pick is a scan in C: the largest count left, then its first label."""
    labels = list(votes)
    counts = list(votes.values())
    picked: list[str] = []
    for _ in range(min(shown, len(labels))):
        at = counts.index(max(counts))
        picked.append(labels[at])
        counts[at] = -1  # counted: below every count left
    return tuple(picked)


def _examples(scoped: dict[str, tuple[str, ...]]) -> str:
    """The example ARN formats of the actions' resource types (``scoped``: each action's votes,
    by name, first seen first), as "<ARN format> (<type>)": the two most voted for (each action
    votes for each of its types, twice for a required one), in data order among equals, and
    how many more there are."""
    # A statement on "*" can list hundreds of actions: their votes are counted in C, in the
    # order of the actions (first seen first: the data order among equals).
    weight = collections.Counter(itertools.chain.from_iterable(scoped.values()))
    shown = most_voted(weight, _EXAMPLES)
    if len(weight) > len(shown):
        return f", for example {', '.join(shown)} and {len(weight) - len(shown)} more"
    return f", for example {listed(shown)}" if shown else ""


def _star_message(texts: Sequence[str]) -> str | None:
    """IR204's message for a statement on "*" with these Action values, or None when none of
    them can be limited to particular resources (remembered in :data:`_MESSAGES`)."""
    key = tuple(texts)
    found: str | None = _MESSAGES.get(key, MISSING)  # None: nothing to say
    if found is MISSING:
        found = _MESSAGES.remember(key, _star_message_uncached(texts))
    return found


def _star_message_uncached(texts: Sequence[str]) -> str | None:
    named: list[str] = []
    scopable: dict[str, tuple[str, ...]] = {}  # each action once, first first: its votes
    covered = 0
    wildcard = False
    # Most values name a current action in full: looked up together in C, with their facts
    # (remembered by IR501's look-up before); only the patterns are expanded, once each.
    for text, found in zip(texts, knowledge.each_action_facts(texts), strict=True):
        if found is not None:
            if found.formats:
                named.append(found.name)
                scopable[found.name] = _votes(found.formats)
                covered += 1
        elif has_wildcard(text):
            scoped, total = _scopable(text)
            if scoped:
                named.append(text)
                scopable.update(scoped)
                covered += total
                wildcard = True
    if not scopable:
        return None
    if not wildcard:
        which = "this action" if len(scopable) == 1 else "these actions"
    else:
        matches = "it matches" if len(named) == 1 else "they match"
        which = f"{len(scopable):,} of the {covered:,} actions {matches}"
    return (
        f'"Resource": "*" grants {listed(named)} on every resource, but {which} can be '
        f"limited to particular resources: name the ones the role needs by ARN"
        f"{_examples(scopable)}"
    )


def _check_star_resource(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    from iam_redshift.rules.redshift import credentials_on_star

    for statement in document.allow_statements():
        stars = star_resources(statement)
        if not stars or credentials_on_star(statement, document, context):
            continue  # IR607 says it more precisely: it knows the role's target
        message = _star_message(statement.texts("Action"))
        if message is not None:
            yield Hit(stars[0].pointer, message)


STAR_RESOURCE = Rule.declare(
    """
    IR204 star-resource-for-scopable-actions (warning)

    An Allow statement grants actions that support resource-level permissions on "Resource": "*".

    Why: Many actions can be limited to particular resources: redshift:GetClusterCredentials to one
    database user of one cluster, iam:GetRole to particular roles. "Resource": "*" grants them on
    every such resource in every account the policy's role can reach, including ones created later.

    Fix: Name the resources by ARN in the format the Service Authorization Reference gives for each
    action (keep "*" only for actions that support no resource type, such as
    redshift:DescribeClusters).
    """,
    check_document=_check_star_resource,
    kinds=frozenset({"permissions"}),
    references=(RESOURCE, ACTIONS_TABLE, REDSHIFT_ACTIONS, LEAST_PRIVILEGE),
    bad=Example.document(example_policy(allow("redshift:GetClusterCredentials", "*"))),
    good=Example.document(_GOOD),
)

# -- IR206 --------------------------------------------------------------------------------------


def _check_not_resource(document: PolicyDocument, context: LintContext) -> Iterator[Hit]:
    for statement in document.allow_statements():
        if statement.has("NotResource") and not statement.has("Resource"):
            excluded = [v.text for v in statement.strings("NotResource")]
            what = f"except {listed(excluded, 2)}" if excluded else ""
            yield Hit(
                statement.pointer_of("NotResource"),
                f"NotResource in an Allow statement grants its actions on every resource {what}"
                ", in every account, including resources created later; list the resources "
                "in Resource instead",
            )


NOT_RESOURCE_RULE = Rule.declare(
    """
    IR206 allow-not-resource (security-warning)

    An Allow statement uses NotResource.

    Why: NotResource with Allow grants the actions on everything not listed: every other resource of
    every account, and resources that do not exist yet. The IAM User Guide warns against combining
    them.

    Fix: Name the resources the role needs in Resource.
    """,
    check_document=_check_not_resource,
    kinds=frozenset({"permissions"}),
    references=(NOT_RESOURCE, POLICY_CHECKS),
    bad=Example.document(
        example_policy(
            {
                "Effect": "Allow",
                "Action": "redshift:GetClusterCredentials",
                "NotResource": "arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/admin",
            }
        )
    ),
    good=Example.document(_GOOD),
)

RULES = (
    ALL_ACTIONS,
    SERVICE_WILDCARD,
    PARTIAL_WILDCARD,
    STAR_RESOURCE,
    NOT_RESOURCE_RULE,
)

# Answers cached here come from the index in use: forget them when it changes.
knowledge.caches_follow_the_index(__name__)
