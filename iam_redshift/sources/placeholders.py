"""How a value that cannot be known offline is written into a document a reader found (see
:class:`~iam_redshift.sources.embedded.Placeholder`), and how rules recognise one.

Apart from :mod:`iam_redshift.sources.embedded` so that rules, which ask on every lint, do not
import the readers' document model with it.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER", "holds_placeholder"]

#: What :meth:`~iam_redshift.sources.embedded.Placeholder.text` writes: ``{{kind:reference}}``.
PLACEHOLDER = re.compile(r"\{\{[a-z][a-z-]*:[^{}]*\}\}")


def holds_placeholder(text: str) -> bool:
    """Whether ``text`` holds a value that cannot be known offline (see
    :class:`~iam_redshift.sources.embedded.Placeholder`): rules judge what they can see and
    leave the rest alone."""
    return "{{" in text and PLACEHOLDER.search(text) is not None
