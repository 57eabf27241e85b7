"""Bundles broken in one known way: :func:`broken_bundles` and the :class:`BrokenBundle` it draws,
with the rule code the linter must report for each.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from iam_redshift.render import Bundle, dump_document, render_bundle
from iam_redshift.strategies import _policy_edits, _redshift_edits, _trust_edits
from iam_redshift.strategies._edits import Mutation

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
        from iam_redshift import iter_lint_contents

        return list(iter_lint_contents(self.files, options=options))


# By rule code (a stable sort: each rule's mutations in the order they are defined).
_MUTATIONS: Final = tuple(
    sorted(
        [*_trust_edits.MUTATIONS, *_policy_edits.MUTATIONS, *_redshift_edits.MUTATIONS],
        key=lambda m: m.code,
    )
)

#: The rule codes :func:`broken_bundles` can break a bundle for.
BROKEN_BUNDLE_CODES: Final[frozenset[str]] = frozenset(m.code for m in _MUTATIONS)


@st.composite
def _broken_bundles(draw: st.DrawFn, mutations: tuple[Mutation, ...]) -> BrokenBundle:
    # One composite, because each mutation's changes depend on the bundle it breaks.
    mutation = draw(st.sampled_from(mutations))
    original = render_bundle(draw(mutation.setups))
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
      (IR205); another ARN moved to another partition, or account (IR307);
    - ``"Action": "*"`` (IR201), a service's every action (IR202), a partial action wildcard
      (IR203), ``"Resource": "*"`` (IR204), NotResource (IR206), ``iam:PassRole`` on a wildcard
      (IR207), a misspelt action (IR501);
    - a trust or permissions policy past IAM's size quota (IR401, IR402);
    - an access role's credentials statement left out (IR601), its database-credentials ARN
      moved to another account (IR603), or its credentials on ``"*"`` (IR607).

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
