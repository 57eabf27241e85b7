"""How to lint: what loose documents are, and which rules apply at which severity."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import TYPE_CHECKING

from iam_redshift._record import cached_view, record
from iam_redshift.model import TRUST_POLICY_DEFAULT_MAX
from iam_redshift.rules._base import LintContext

if TYPE_CHECKING:
    from iam_redshift.document.policy import DocumentKind
    from iam_redshift.findings import Severity
    from iam_redshift.model import Setup

__all__ = ["LintOptions", "code_matches"]


def code_matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is one of ``selectors`` or starts with one (``IR2`` selects IR201)."""
    return any(code.startswith(s) for s in selectors)


@functools.lru_cache(maxsize=4096)
def _enabled(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    # Asked for every rule of every document and for every finding: worth remembering.
    return code_matches(code, select) and not code_matches(code, ignore)


@record
class LintOptions:
    """How to lint: what the documents are, and which rules apply at which severity.

    ``select`` and ``ignore`` take codes or prefixes (``"IR2"``), as ruff does; ``severity``
    overrides a code's severity. ``kind`` forces the kind of loose documents;
    ``instance_role_arn`` is the principal loose trust policies must name; ``input_type``
    forces the reader of every file (``policy``, ``cloudformation``, ``terraform-plan``,
    ``terraform-configuration``) instead of recognising what each is.
    """

    instance_role_arn: str | None = None
    kind: DocumentKind | None = None
    trust_policy_max_chars: int = TRUST_POLICY_DEFAULT_MAX
    select: tuple[str, ...] = ("IR",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    input_type: str | None = None

    def enabled(self, code: str) -> bool:
        """Whether findings of ``code`` are reported."""
        try:
            return _enabled(code, tuple(self.select), tuple(self.ignore))
        except TypeError:  # unhashable selectors
            return code_matches(code, self.select) and not code_matches(code, self.ignore)

    def context(self, setup: Setup | None = None) -> LintContext:
        """The context rules see for a document (of a bundle with ``setup``, or loose)."""
        if setup is None:
            return self._loose_context
        return LintContext(
            setup=setup,
            instance_role_arn=setup.instance_role_arn,
            trust_policy_max_chars=self.trust_policy_max_chars,
        )

    @cached_view
    def _loose_context(self) -> LintContext:
        # The same for every loose document these options lint: made once.
        return LintContext(
            instance_role_arn=self.instance_role_arn,
            trust_policy_max_chars=self.trust_policy_max_chars,
        )
