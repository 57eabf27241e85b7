"""Policy documents that live inside a larger file: a CloudFormation template, a Terraform plan or
configuration, an account-authorization-details dump.

A reader (one module in :mod:`iam_redshift.sources` a format) turns such a file into a
:class:`SourceFile`: the documents it holds, each with its origin (what holds it, in the
format's own words) and its JSON pointer in the file, and a way to turn any pointer into a line
and column of the file's own text. The engine lints each :class:`EmbeddedDocument` like a
loose document and reports every finding at the file's line and column, with the pointer
``document.pointer + the pointer inside the document``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import field
from typing import Any, Literal

from iam_redshift._record import record
from iam_redshift.sources.placeholders import PLACEHOLDER, holds_placeholder

__all__ = [
    "PLACEHOLDER",
    "EmbeddedDocument",
    "Placeholder",
    "Positions",
    "RoleIdentity",
    "SourceFile",
    "document_value",
    "holds_placeholder",
]


def document_value(value: Any) -> Any:
    """A policy document as a reader finds it: JSON text (as templates and plans often hold
    it) is read as its value; anything else, or text that is not JSON, is kept as it is (the
    linter then says what is wrong with it)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


#: Line and column (both from 1) of the element at a JSON pointer of the file.
Positions = Callable[[str], tuple[int, int]]


@record
class Placeholder:
    """A value that cannot be known offline (a CloudFormation ``!GetAtt Role.Arn``, a Terraform
    value "known after apply", an imported output). Readers write it into documents as its
    :meth:`text`, a string no ARN, action or wildcard can be (``{{ref:...}}``), so rules see it
    as neither a wildcard nor a malformed ARN; ``reference`` names what it stands for
    (``InstanceRole.Arn``, ``aws_iam_role.instance.arn``), so two documents that name the same
    thing can be matched by reference."""

    reference: str
    kind: str = "unknown"

    def text(self) -> str:
        """The string that stands for this value inside a document."""
        return f"{{{{{self.kind}:{self.reference}}}}}"


@record
class EmbeddedDocument:
    """One policy document inside a file.

    ``pointer`` is where the document is in the file (a JSON pointer, ``""`` for a whole-file
    document); ``value`` the document as JSON data, with :class:`Placeholder` texts for what
    cannot be known offline; ``origin`` what holds it, in the format's words
    (``AWS::IAM::Role InstanceRole, AssumeRolePolicyDocument``). ``kind`` is ``trust`` or
    ``permissions`` when the format says which; ``role`` names the role it belongs to (a logical
    id or a resource address), ``role_kind`` whether that role plays the instance or an access
    role, when known. ``attachment`` is ``inline``, ``managed`` (customer managed) or
    ``aws-managed`` for a permissions policy whose format says how it is attached
    (``AWS::IAM::ManagedPolicy`` and ``aws_iam_policy`` are managed policies, with a size quota
    of their own), else None.
    """

    pointer: str
    value: Any = field(hash=False)
    origin: str
    kind: Literal["trust", "permissions"] | None = None
    role: str | None = None
    role_arn: str | None = None
    role_kind: Literal["instance", "access"] | None = None
    attachment: Literal["inline", "managed", "aws-managed"] | None = None


@record
class RoleIdentity:
    """One role of a file: ``role`` its logical id or address, ``reference`` the placeholder
    text that stands for its ARN, ``name`` and ``path`` when the file gives them, the part it
    plays in the pattern once inferred, and ``written`` how the file's own language refers to
    its ARN (``!GetAtt InstanceRole.Arn``, ``aws_iam_role.instance.arn``), for messages."""

    role: str
    reference: str
    name: str | None = None
    path: str = "/"
    role_kind: Literal["instance", "access"] | None = None
    written: str = ""

    def names(self, text: str) -> bool:
        """Whether a principal or Resource value names this role's ARN: its reference, or a role
        ARN (any partition and account, which the file may not know) with its path and name."""
        if text == self.reference:
            return True
        if self.name is None or "{{" in self.name:
            return False
        return _arn_pattern(self.path, self.name).fullmatch(text) is not None

    def covered_by(self, pattern: str) -> bool:
        """Whether a Resource value (with ``*``, ``?`` or policy variables) covers this role: its
        reference exactly, or an ARN pattern whose role part covers its path and name (the
        partition and account the file may not know are taken to match)."""
        if pattern == self.reference or self.names(pattern):
            return True
        if self.name is None or "{{" in self.name:
            return False
        from iam_redshift.matching import POLICY_VARIABLE, glob_match

        fields = pattern.split(":", 5)
        if len(fields) != 6 or fields[0] != "arn" or fields[2] not in ("iam", "*"):
            return False
        resource = POLICY_VARIABLE.sub("*", fields[5])
        return glob_match(resource, f"role{self.path}{self.name}")


def _arn_pattern(path: str, name: str) -> re.Pattern[str]:
    return re.compile(r"arn:[^:]+:iam::[^:]*:role" + re.escape(path + name))


@record
class SourceFile:
    """A file a reader understood: its display name, what it is (``cloudformation``,
    ``terraform-plan``, ...), the documents in it, and the positions of its own text.
    ``roles`` are the roles the file creates, known by reference (their ARNs may be unknown
    until deploy): when one plays the instance role, they are linted as one bundle."""

    file: str
    kind: str
    documents: tuple[EmbeddedDocument, ...]
    positions: Positions = field(hash=False, compare=False)
    roles: tuple[RoleIdentity, ...] = ()
