"""Bundles broken in one known way: :func:`broken_bundles` and the :class:`BrokenBundle` it draws,
with the rule code the linter must report for each.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from iam_redshift.model import Setup
from iam_redshift.render import Bundle, dump_document, render_bundle
from iam_redshift.strategies import _edits as edit
from iam_redshift.strategies.values import (
    _SETUP_SEGMENT_CHARACTERS,
    _nested_paths,
    _setups,
    account_ids,
    partitions,
    role_names,
)

if TYPE_CHECKING:
    from iam_redshift import LintOptions
    from iam_redshift.findings import Finding


@dataclass(frozen=True, repr=False)
class BrokenBundle:
    """A valid bundle and a copy broken in one known way.

    ``files`` are the broken bundle's files (relative path to text, manifest included), as
    :meth:`~iam_redshift.render.Bundle.files` gives them; ``code`` is the rule the linter must
    report for them (and does not for ``original``); ``mutation`` says what was changed, where.
    """

    original: Bundle
    files: Mapping[str, str] = field(hash=False)
    code: str
    mutation: str

    def __repr__(self) -> str:
        # What a failing example needs: the rule, the change, and the setup it was made to
        # (the documents follow from the setup; the change says which one was edited and how).
        return (
            f"BrokenBundle(code={self.code!r}, mutation={self.mutation!r}, "
            f"setup={self.original.setup!r})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis (like IPython) pretty-prints dataclasses field by field: every document
        # twice over. Print the short form in failing examples too.
        del cycle
        printer.text(repr(self))

    def lint(self, *, options: LintOptions | None = None) -> list[Finding]:
        """Lint the broken files the way ``iam-redshift lint`` lints a bundle directory."""
        from iam_redshift import iter_lint_files

        return list(iter_lint_files(self.files, options=options))


@dataclass(frozen=True)
class _Mutation:
    code: str
    name: str
    mutate: edit.Mutate
    # Setups this mutation can break (by default any, with one to three access roles).
    originals: SearchStrategy[Setup] | None = None


def _originals(**arguments: Any) -> SearchStrategy[Setup]:
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


# Setups whose own policies hold no wildcard that would hide the one a mutation adds.
_LEAST_PRIVILEGE: Final = _originals(profile="least-privilege")
# Setups whose instance role has a path, so that dropping it changes the ARN.
_INSTANCE_PATH: Final = _originals(instance_paths=_nested_paths(_SETUP_SEGMENT_CHARACTERS))
# Setups whose instance role's name has a letter, so that its case can change.
_NAME_WITH_A_LETTER: Final = _originals(
    names=st.builds(
        _with_letter, role_names(), st.sampled_from(string.ascii_letters), st.integers(0, 63)
    )
)
_TWO_ACCESS_ROLES: Final = _originals(min_access_roles=2)

_MUTATIONS: Final[tuple[_Mutation, ...]] = (
    _Mutation("IR201", "action-wildcard", edit.all_actions),
    _Mutation("IR202", "service-wildcard", edit.service_wildcard, _LEAST_PRIVILEGE),
    _Mutation("IR204", "resource-wildcard", edit.resource_wildcard, _LEAST_PRIVILEGE),
    _Mutation("IR203", "partial-action-wildcard", edit.partial_wildcard),
    _Mutation("IR205", "assume-role-widened", edit.target_widened),
    _Mutation("IR206", "allow-not-resource", edit.not_resource),
    _Mutation("IR207", "pass-any-role", edit.pass_any_role),
    _Mutation("IR301", "principal-typo", edit.typo),
    _Mutation("IR301", "principal-dropped-path", edit.dropped_path, _INSTANCE_PATH),
    _Mutation("IR301", "principal-other-account", edit.other_account),
    _Mutation("IR301", "principal-other-partition", edit.other_partition),
    _Mutation("IR301", "principal-changed-case", edit.changed_case, _NAME_WITH_A_LETTER),
    _Mutation("IR302", "principal-everyone", edit.everyone),
    _Mutation("IR303", "principal-root", edit.root),
    _Mutation("IR304", "ec2-principal-swapped", edit.ec2_swapped),
    _Mutation("IR305", "assume-role-target-added", edit.target_added),
    _Mutation("IR306", "assume-role-target-dropped", edit.target_dropped, _TWO_ACCESS_ROLES),
    _Mutation("IR307", "resource-elsewhere", edit.resource_elsewhere, _LEAST_PRIVILEGE),
    _Mutation("IR308", "principal-assumed-role", edit.assumed_role),
    _Mutation("IR308", "principal-placeholder", edit.placeholder),
    _Mutation("IR309", "principal-unique-id", edit.unique_id),
    _Mutation("IR310", "trust-action-widened", edit.trust_action_widened),
    _Mutation("IR401", "trust-policy-too-long", edit.trust_too_long),
    _Mutation("IR402", "permissions-policy-too-long", edit.permissions_too_long),
    _Mutation("IR403", "principal-invalid-name", edit.invalid_name),
    _Mutation("IR501", "action-typo", edit.action_typo),
)

_ANY_ORIGINALS: Final = _originals()

#: The rule codes :func:`broken_bundles` can break a bundle for.
BROKEN_BUNDLE_CODES: Final[frozenset[str]] = frozenset(m.code for m in _MUTATIONS)


@st.composite
def _broken_bundles(draw: st.DrawFn, mutations: tuple[_Mutation, ...]) -> BrokenBundle:
    # One composite, because each mutation's changes depend on the bundle it breaks.
    mutation = draw(st.sampled_from(mutations))
    originals = _ANY_ORIGINALS if mutation.originals is None else mutation.originals
    original = render_bundle(draw(originals))
    change = mutation.mutate(draw, original)
    files = original.files()
    for path, value in change.documents.items():
        files[path] = dump_document(value)
    return BrokenBundle(original, files, mutation.code, f"{mutation.name}: {change.description}")


def broken_bundles(*, codes: Collection[str] | None = None) -> SearchStrategy[BrokenBundle]:
    """A valid bundle and one mutation, with the rule code the linter must report for it.

    ``codes`` limits the mutations to those rules (default: every code in
    :data:`BROKEN_BUNDLE_CODES`, in any case). The mutations:

    - an access role's trusted principal with a typo in the name, without its path, in another
      account or partition, or in another case (IR301); ``*`` (IR302); the account or its
      ``:root`` (IR303); an assumed-role session ARN or a placeholder such as
      ``<your-aws-account-id>`` (IR308); a role's unique id (IR309); an invalid role name
      (IR403); more trust actions than ``sts:AssumeRole`` (IR310);
    - the instance role's EC2 principal swapped for another service or partition's (IR304);
    - an ``sts:AssumeRole`` target added (IR305), dropped (IR306) or widened to a wildcard
      (IR205); another ARN moved to another partition or account (IR307);
    - ``"Action": "*"`` (IR201), a service's every action (IR202), a partial action wildcard
      (IR203), ``"Resource": "*"`` (IR204), NotResource (IR206), ``iam:PassRole`` on a wildcard
      (IR207), a misspelt action (IR501);
    - a trust or permissions policy past IAM's size quota (IR401, IR402).

    The original is rendered from :func:`setups` (least-privilege ones for the rules the seed's
    own wildcards would hide) and never has ``code``; a mutation may make the linter report
    other codes as well.
    """

    def build() -> SearchStrategy[BrokenBundle]:
        if codes is None:
            return _broken_bundles(_MUTATIONS)
        if isinstance(codes, str) or not isinstance(codes, Collection):
            raise InvalidArgument(
                f"codes={codes!r} must be a collection of rule codes, e.g. codes=['IR301']"
            )
        wanted = {str(code).upper() for code in codes}
        unknown = sorted(wanted - BROKEN_BUNDLE_CODES)
        if unknown or not wanted:
            raise InvalidArgument(
                f"codes={codes!r}: broken_bundles() has no mutation for "
                f"{', '.join(unknown) if unknown else 'an empty collection'}; it can break "
                f"bundles for {', '.join(sorted(BROKEN_BUNDLE_CODES))}"
            )
        return _broken_bundles(tuple(m for m in _MUTATIONS if m.code in wanted))

    return st.deferred(build)
