"""IAM's wildcards, ``*`` (any run of characters) and ``?`` (one character), as one matcher.

IAM has no character sets, so ``[`` is literal. The expression comes from ``fnmatch``, whose
translation (Python 3.9 and later) cannot backtrack exponentially on many stars: a plain
``.*``-per-star regex took seconds on a 15-star pattern, and patterns come from the documents
being linted.
"""

from __future__ import annotations

import fnmatch
import functools
import re

__all__ = ["glob_match", "glob_regex"]


@functools.lru_cache(maxsize=4096)
def glob_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A compiled expression matching the whole of a text that ``pattern`` covers."""
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(fnmatch.translate(pattern.replace("[", "[[]")), flags)


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether ``pattern`` (with IAM's ``*`` and ``?``) covers all of ``text``."""
    return glob_regex(pattern, ignore_case=ignore_case).match(text) is not None
