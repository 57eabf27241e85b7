"""What the edits behind :func:`~iam_redshift.strategies.broken_bundles` share: the
:class:`Change` an edit returns, the :class:`Mutation` it is registered as, and helpers to find
and replace parts of a rendered bundle's documents.

The edits themselves are in :mod:`._trust_edits` (trust policies and their principals) and
:mod:`._policy_edits` (permissions policies); each takes a valid bundle and a Hypothesis
``draw``, and breaks the bundle in exactly one way a rule of the linter knows.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from iam_redshift.model import Setup, policy_size
from iam_redshift.render import Bundle, BundleDocument, dump_document
from iam_redshift.strategies.values import (
    _SETUP_SEGMENT_CHARACTERS,
    _nested_paths,
    _setups,
    account_ids,
    partitions,
    role_names,
)

__all__ = [
    "CREDENTIALS_ARN",
    "INSTANCE_PATH_SETUPS",
    "LEAST_PRIVILEGE_SETUPS",
    "LETTERED_NAME_SETUPS",
    "TWO_ACCESS_ROLE_SETUPS",
    "Change",
    "Mutate",
    "Mutation",
    "Place",
    "copied",
    "document_of",
    "drawn_copy",
    "mutation",
    "other_account",
    "places_in",
    "specific_actions",
    "too_long",
]


@dataclass(frozen=True)
class Change:
    """The documents a mutation replaced (path to new value) and what it did."""

    documents: dict[str, Any]
    description: str


Mutate = Callable[[st.DrawFn, Bundle], Change]


def _originals(**arguments: Any) -> SearchStrategy[Setup]:
    """Setups to break: :func:`~iam_redshift.strategies.values.setups` with one to three access
    roles, and ``arguments`` of its own (``names``, ``instance_paths``)."""
    settings: dict[str, Any] = {
        "min_access_roles": 1,
        "max_access_roles": 3,
        "profile": None,
        "partition": partitions(),
        "account_id": account_ids(),
    }
    settings.update(arguments)
    return _setups(**settings)


def _with_letter(name: str, letter: str, position: int) -> str:
    """``name`` with one character replaced by an ASCII letter (still a valid role name)."""
    position %= len(name)
    return name[:position] + letter + name[position + 1 :]


# The setups a mutation can break unless it says otherwise: any, with one to three access roles.
_ANY: Final = _originals()
#: Setups whose own policies hold no wildcard that would hide the one a mutation adds.
LEAST_PRIVILEGE_SETUPS: Final = _originals(profile="least-privilege")

#: A Redshift database-credentials resource: what IR603 judges.
CREDENTIALS_ARN: Final = re.compile(
    r"arn:[^:]*:(redshift:[^:]*:[^:]*:(dbuser|dbname|dbgroup):|redshift-serverless:[^:]*:[^:]*:"
    r"workgroup/).*",
    re.DOTALL,
)
#: Setups whose instance role has a path, so that dropping it changes the ARN.
INSTANCE_PATH_SETUPS: Final = _originals(instance_paths=_nested_paths(_SETUP_SEGMENT_CHARACTERS))
#: Setups whose instance role's name has a letter, so that its case can change.
LETTERED_NAME_SETUPS: Final = _originals(
    names=st.builds(
        _with_letter, role_names(), st.sampled_from(string.ascii_letters), st.integers(0, 63)
    )
)
#: Setups with an access role to drop and one to keep.
TWO_ACCESS_ROLE_SETUPS: Final = _originals(min_access_roles=2)


@dataclass(frozen=True)
class Mutation:
    """One way to break a bundle: the rule that must report it, a name, the edit, and the
    setups it can break."""

    code: str
    name: str
    mutate: Mutate
    setups: SearchStrategy[Setup]


def mutation(
    mutations: list[Mutation], code: str, name: str, setups: SearchStrategy[Setup] = _ANY
) -> Callable[[Mutate], Mutate]:
    """Add the decorated edit to ``mutations`` (a module's list), as one that ``code`` reports,
    made to ``setups``."""

    def register(mutate: Mutate) -> Mutate:
        mutations.append(Mutation(code, name, mutate, setups))
        return mutate

    return register


def copied(value: dict[str, Any]) -> dict[str, Any]:
    """A deep copy that shares nothing: rendered documents may use one list in two places."""
    copy: dict[str, Any] = json.loads(json.dumps(value))
    return copy


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def document_of(bundle: Bundle, role_kind: str, kind: str, index: int = 0) -> BundleDocument:
    """The bundle's ``index``-th ``kind`` document of a ``role_kind`` role."""
    return [d for d in bundle.documents if d.role_kind == role_kind and d.kind == kind][index]


def drawn_copy(
    draw: st.DrawFn, bundle: Bundle, role_kind: str, kind: str
) -> tuple[BundleDocument, dict[str, Any]]:
    """One ``kind`` document of a ``role_kind`` role (drawn) and a copy of its value to change."""
    documents = [d for d in bundle.documents if d.role_kind == role_kind and d.kind == kind]
    document = draw(st.sampled_from(documents))
    return document, copied(document.document)


@dataclass(frozen=True)
class Place:
    """One string of a document's Action or Resource element (alone or in a list)."""

    document: BundleDocument
    statement_index: int
    element: str
    item_index: int

    @property
    def statement(self) -> dict[str, Any]:
        statement: dict[str, Any] = self.document.document["Statement"][self.statement_index]
        return statement

    @property
    def sid(self) -> str | None:
        return self.statement.get("Sid")

    @property
    def text(self) -> str:
        text: str = _as_list(self.statement[self.element])[self.item_index]
        return text

    def replaced(self, text: str, what: str) -> Change:
        """A copy of the document with this string replaced by ``text``."""
        value = copied(self.document.document)
        statement = value["Statement"][self.statement_index]
        if isinstance(statement[self.element], list):
            statement[self.element][self.item_index] = text
        else:
            statement[self.element] = text
        return Change({self.document.path: value}, f"{self.document.path}: {what}")


def places_in(bundle: Bundle, kind: str, element: str) -> list[Place]:
    """Every string of ``element`` in the bundle's ``kind`` documents."""
    return [
        Place(document, statement_index, element, item_index)
        for document in bundle.documents
        if document.kind == kind
        for statement_index, statement in enumerate(document.document["Statement"])
        for item_index, _ in enumerate(_as_list(statement.get(element, [])))
    ]


def specific_actions(bundle: Bundle, kind: str) -> list[Place]:
    """Every action without a wildcard in the bundle's ``kind`` documents."""
    return [p for p in places_in(bundle, kind, "Action") if "*" not in p.text and "?" not in p.text]


def too_long(draw: st.DrawFn, bundle: Bundle, kind: str, limit: int, quota: str) -> Change:
    """One of the bundle's ``kind`` documents with a Sid long enough to take it past ``limit``
    characters (IAM counts characters, whitespace excluded). A long Sid changes the size and
    nothing else."""
    document = draw(st.sampled_from([d for d in bundle.documents if d.kind == kind]))
    value = copied(document.document)
    statement = {k: v for k, v in value["Statement"][0].items() if k != "Sid"}
    value["Statement"][0] = statement
    # "Sid": "…", adds the Sid and 9 more characters, so this length is always enough.
    length = max(1, limit - policy_size(dump_document(value))) + draw(st.integers(0, 2000))
    value["Statement"][0] = {"Sid": ("Padding" + "X" * length)[:length], **statement}
    size = policy_size(dump_document(value))
    return Change(
        {document.path: value}, f"{document.path}: {size} characters with a long Sid ({quota})"
    )


def other_account(draw: st.DrawFn, account_id: str) -> str:
    """A 12-digit account id other than ``account_id``, built directly (adding 1 to
    10**12 - 1, modulo 10**12, always gives another account) rather than filtered."""
    offset = draw(st.integers(1, 10**12 - 1))
    return f"{(int(account_id) + offset) % 10**12:012d}"
