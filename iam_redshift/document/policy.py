"""A tolerant view of a policy document for rules to read.

Rules never see ill-typed input: these accessors hand out only the well-typed parts (statements
that are objects, element values that are strings) with the JSON pointer of each. Grammar rules
(IR101) report everything else.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import field
from itertools import repeat
from typing import Any, Literal, NamedTuple

from iam_redshift._record import cached_view, record
from iam_redshift.sources.json_text import ParsedText, escape_pointer, only_strings

__all__ = [
    "ANY_SERVICE",
    "Attachment",
    "DocumentKind",
    "PolicyDocument",
    "Statement",
    "Value",
    "detect_kind",
    "services_of",
]

DocumentKind = Literal["trust", "permissions"]
#: How a permissions policy is attached, when its file says: an inline policy of its principal
#: (counted with the principal's other inline policies), a customer managed policy (a quota of
#: its own), or a policy AWS manages (``arn:aws:iam::aws:policy/...``: no quota of ours).
Attachment = Literal["inline", "managed", "aws-managed"]


class Value(NamedTuple):
    """One string of an element (``Action``, ``Resource``, a principal...) and where it is.

    A named tuple, not a dataclass: one is made for every string of every statement read, and
    a tuple is made several times faster than a frozen dataclass instance (and its class
    costs a cold start a fifth as much)."""

    pointer: str
    text: str


@record
class Statement:
    """One statement object of a policy, with its pointer (``/Statement/0`` or ``/Statement``)."""

    pointer: str
    data: dict[str, Any] = field(hash=False)
    # strings() per element, worked out once: every rule reads Action and Resource, and an
    # AWS managed policy can list hundreds of actions in one statement.
    _strings: dict[str, tuple[Value, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    _texts: dict[str, tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @property
    def sid(self) -> str | None:
        """The Sid, when it is a string."""
        sid = self.data.get("Sid")
        return sid if isinstance(sid, str) else None

    @property
    def effect(self) -> str | None:
        """``Allow`` or ``Deny`` (or whatever string is there)."""
        effect = self.data.get("Effect")
        return effect if isinstance(effect, str) else None

    @property
    def allows(self) -> bool:
        """True for an ``Allow`` statement."""
        return self.effect == "Allow"

    def has(self, element: str) -> bool:
        """Whether the statement has ``element`` at all."""
        return element in self.data

    def pointer_of(self, element: str) -> str:
        """The pointer of ``element`` in this statement."""
        if "~" in element or "/" in element:  # never in IAM's element names: no call for them
            element = escape_pointer(element)
        return f"{self.pointer}/{element}"

    def strings(self, element: str) -> tuple[Value, ...]:
        """The string values of an element given as a string or a list of strings."""
        found = self._strings.get(element)
        if found is None:
            value = self.data.get(element)
            # Most statements lack half the elements rules ask for (NotAction, NotResource):
            # no pointer made for those.
            found = () if value is None else _strings(value, self.pointer_of(element))
            self._strings[element] = found
        return found  # a tuple: shared by every rule that asks, never copied

    def value_at(self, element: str, position: int) -> Value:
        """``strings(element)[position]``, made alone: for a check that read the texts and
        points at one of them."""
        found = self._strings.get(element)
        if found is not None:
            return found[position]
        value = self.data.get(element)
        # tuple.__new__: a NamedTuple's own __new__ is a Python function, and rules point at
        # thousands of values a large lint.
        if isinstance(value, str) and position == 0:
            return tuple.__new__(Value, (self.pointer_of(element), value))
        if isinstance(value, list) and len(value) == len(self.texts(element)):
            # Every item a string: the position among the texts is the index in the list.
            pointer = f"{self.pointer_of(element)}/{position}"
            return tuple.__new__(Value, (pointer, value[position]))
        return self.strings(element)[position]

    def texts(self, element: str) -> tuple[str, ...]:
        """The texts of :meth:`strings`, in the same order, without their pointers: for the
        checks that read every value and point at few (``strings(element)[i]`` is the value
        of ``texts(element)[i]``). Making a pointer for each of the thousands of Action and
        Resource values of a large policy cost more than most checks of them."""
        found = self._texts.get(element)
        if found is None:
            found = self._texts[element] = _texts(self.data.get(element))
        return found

    @cached_view
    def action_patterns(self) -> tuple[int, ...]:
        """The positions among ``texts("Action")`` of the values that hold ``*`` or ``?``:
        found in C for the usual statement, which has none (an AWS managed policy can list
        hundreds of actions by name), and read by every rule about wildcards."""
        texts = self.texts("Action")
        joined = "".join(texts)
        if "*" not in joined and "?" not in joined:
            return ()
        return tuple(at for at, text in enumerate(texts) if "*" in text or "?" in text)

    @cached_view
    def named_services(self) -> frozenset[str]:
        """The service prefix (the text before the first colon) of each Action value,
        lower-cased; :data:`ANY_SERVICE` stands for every prefix that holds a wildcard.

        Worked out once per statement, for :meth:`may_grant_service`.
        """
        action = self.data.get("Action")
        texts = [action] if isinstance(action, str) else action if isinstance(action, list) else ()
        # Read from the data, as strings() does, and lower-case each distinct prefix once: a
        # statement can list hundreds of actions of a few services.
        prefixes = {t.partition(":")[0] for t in texts if isinstance(t, str)}
        joined = "".join(prefixes)
        if "*" not in joined and "?" not in joined:  # the usual statement: lower-cased in C
            return frozenset(map(str.lower, prefixes))
        return frozenset(map(_service_key, prefixes))

    @cached_view
    def actions_by_service(self) -> dict[str, tuple[int, ...]]:
        """The positions among ``texts("Action")`` of the values of each lower-cased service
        prefix, in order (:data:`ANY_SERVICE` for a prefix that holds a wildcard, ``"*"``
        included): worked out once per statement for the rules that match a few actions of a
        few services (sts:AssumeRole, iam:PassRole, Redshift's credentials), which then read
        only the values that can match instead of every value of the statement."""
        grouped: dict[str, list[int]] = {}
        for at, text in enumerate(self.texts("Action")):
            grouped.setdefault(_service_key(text.partition(":")[0]), []).append(at)
        return {key: tuple(positions) for key, positions in grouped.items()}

    def action_positions(self, services: frozenset[str]) -> list[int]:
        """The positions (in order) of the Action values that can match an action of one of
        ``services`` (lower-case prefixes, as :func:`services_of` gives them): those of their
        own prefixes, and those whose prefix holds a wildcard."""
        grouped = self.actions_by_service
        found = [grouped[key] for key in (*services, ANY_SERVICE) if key in grouped]
        if len(found) == 1:
            return list(found[0])
        return sorted(itertools.chain.from_iterable(found))

    def may_grant_service(self, services: frozenset[str]) -> bool:
        """Whether some Action value can match an action of one of ``services`` (lower-case
        prefixes, as :func:`services_of` gives them): its prefix is one of them, or holds a
        wildcard. NotAction is not read.

        A cheap, conservative test before matching patterns: most statements of a large
        policy name other services only. A value whose prefix has no wildcard matches an
        action only when the prefixes are equal (ignoring case), since ``*`` and ``?`` are
        IAM's only wildcards and an action name has one colon after its prefix.
        """
        named = self.named_services
        return ANY_SERVICE in named or not named.isdisjoint(services)

    def principals(self, element: str = "Principal") -> list[tuple[str, Value]]:
        """(principal type, value) for each principal: ``("*", ...)`` for ``"Principal": "*"``,
        else ``("AWS", ...)``, ``("Service", ...)``, ``("Federated", ...)``..."""
        principal = self.data.get(element)
        if principal is None:
            return []  # a permissions policy's statements: decided before making a pointer
        base = self.pointer_of(element)
        if isinstance(principal, str):
            return [("*", Value(base, principal))]
        if not isinstance(principal, dict):
            return []
        return [
            (kind, value)
            for kind, values in principal.items()
            for value in _strings(values, f"{base}/{escape_pointer(kind)}")
        ]

    @property
    def condition(self) -> dict[str, Any]:
        """The Condition block when it is an object, else empty."""
        condition = self.data.get("Condition")
        return condition if isinstance(condition, dict) else {}

    @cached_view
    def _condition_keys(self) -> tuple[tuple[str, str, str], ...]:
        if not self.condition:
            return ()  # most statements: no pointer to make, nothing to walk
        base = self.pointer_of("Condition")
        return tuple(
            (operator, key, f"{base}/{escape_pointer(operator)}/{escape_pointer(key)}")
            for operator, block in self.condition.items()
            if isinstance(block, dict)
            for key in block
        )

    def condition_keys(self) -> tuple[tuple[str, str, str], ...]:
        """(operator, key, pointer) for each condition key of the statement (worked out once:
        several rules read them)."""
        return self._condition_keys


#: In :attr:`Statement.named_services`: an Action value whose service prefix holds a wildcard.
ANY_SERVICE = "*"


def _service_key(prefix: str) -> str:
    """How a statement's views name an Action value's service: the lower-cased prefix, or
    :data:`ANY_SERVICE` when the prefix holds a wildcard."""
    return ANY_SERVICE if "*" in prefix or "?" in prefix else prefix.lower()


@functools.lru_cache(maxsize=1024)
def services_of(actions: tuple[str, ...]) -> frozenset[str]:
    """The lower-cased service prefixes of ``actions`` (``redshift:GetClusterCredentials``
    gives ``redshift``), for :meth:`Statement.may_grant_service`."""
    return frozenset(a.partition(":")[0].lower() for a in actions)


def _strings(value: Any, pointer: str) -> tuple[Value, ...]:
    if isinstance(value, str):
        return (Value(pointer, value),)
    if not isinstance(value, list):
        return ()
    if only_strings(value):
        # A list of strings (nearly every Action and Resource list, some hundreds long): the
        # pointers and values made by C calls, not a Python call (Value.__new__) an item.
        base = pointer + "/"
        pointers = map(base.__add__, map(str, range(len(value))))
        return tuple(map(tuple.__new__, repeat(Value), zip(pointers, value, strict=True)))
    return tuple(Value(f"{pointer}/{i}", v) for i, v in enumerate(value) if isinstance(v, str))


def _texts(value: Any) -> tuple[str, ...]:
    """The texts :func:`_strings` makes values of, in the same order."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        return ()
    if only_strings(value):
        return tuple(value)
    return tuple(v for v in value if isinstance(v, str))


def _statement_objects(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """(pointer, object) of each statement that is an object."""
    if not isinstance(value, dict):
        return []
    statement = value.get("Statement")
    if isinstance(statement, dict):
        return [("/Statement", statement)]
    if isinstance(statement, list):
        return [
            (f"/Statement/{i}", item) for i, item in enumerate(statement) if isinstance(item, dict)
        ]
    return []


def _statements(value: Any) -> list[Statement]:
    return [Statement(pointer, item) for pointer, item in _statement_objects(value)]


def detect_kind(value: Any) -> DocumentKind:
    """``trust`` when the statements name principals and no resources; else ``permissions``."""
    # Read from the objects themselves: the document's Statement views are made once, later.
    statements = [item for _, item in _statement_objects(value)]
    principals = any("Principal" in s or "NotPrincipal" in s for s in statements)
    resources = any("Resource" in s or "NotResource" in s for s in statements)
    return "trust" if principals and not resources else "permissions"


@record
class PolicyDocument:
    """A readable policy document and what it is.

    ``role``, ``role_arn`` and ``role_kind`` come from a bundle's manifest or the file that
    holds the document; they are None for a loose file. ``attachment`` says whether the file
    makes it an inline or a managed policy (None: it does not say; a manifest's documents are
    their role's inline policies).
    """

    file: str
    parsed: ParsedText = field(hash=False)
    kind: DocumentKind
    role: str | None = None
    role_arn: str | None = None
    role_kind: Literal["instance", "access"] | None = None
    attachment: Attachment | None = None

    @property
    def value(self) -> Any:
        """The decoded JSON value."""
        return self.parsed.value

    @property
    def text(self) -> str:
        """The document's text as read."""
        return self.parsed.text

    @cached_view
    def statements(self) -> tuple[Statement, ...]:
        """The statements that are objects, each with its pointer."""
        return tuple(_statements(self.value))

    def allow_statements(self) -> Iterator[Statement]:
        """The statements whose Effect is ``Allow``."""
        return iter(self._allow_statements)

    @cached_view
    def _allow_statements(self) -> tuple[Statement, ...]:
        # Most rules read only these: picked out once per document, not once per rule.
        return tuple(s for s in self.statements if s.allows)

    @cached_view
    def _allowed_services(self) -> frozenset[str]:
        named: set[str] = set()
        for statement in self._allow_statements:
            if statement.has("NotAction"):
                return frozenset({ANY_SERVICE})  # it may grant an action of any service
            named |= statement.named_services
        return frozenset(named)

    def may_allow_service(self, services: frozenset[str]) -> bool:
        """Whether some Allow statement may grant an action of ``services`` (lower-case
        prefixes, as :func:`services_of` gives them): :meth:`Statement.may_grant_service` of
        one of them, or one holds NotAction (which grants whatever it does not name).

        Worked out once per document, so that a rule looking for particular actions
        (sts:AssumeRole, iam:PassRole, Redshift's credentials actions) passes over a policy
        that names none of their services without visiting its statements: most policies.
        """
        named = self._allowed_services
        return ANY_SERVICE in named or not named.isdisjoint(services)
