"""IAM policy variables: ``${aws:username}``, ``${redshift:DbUser}``, ``${key, 'default'}`` and
the three that stand for a character, ``${*}``, ``${?}`` and ``${$}``.

A substituted text keeps IAM's wildcards apart from the characters that are merely there: a
literal ``*`` or ``?`` (from ``${*}``, ``${?}`` or from a variable's value) is held as a
private noncharacter, so the one wildcard matcher (:func:`~iam_redshift.matching.glob_match`)
treats it as itself. :func:`wildcard_match` and :func:`plain_text` read that form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from iam_redshift._record import record
from iam_redshift.matching import glob_match

__all__ = [
    "ContextValue",
    "Substituted",
    "normalise_context",
    "plain_text",
    "substitute",
    "unsubstituted",
    "wildcard_match",
]

#: A request context value: one string, several (a multivalued key), or None for a key the
#: request is known not to carry. A key missing from the context is unknown (undecidable).
ContextValue = str | tuple[str, ...] | None

# Noncharacters (U+FDD0 to U+FDEF are never assigned): a literal star, a literal question mark,
# and what a text's own noncharacters become so that they can never pose as either.
_STAR = "\ufdd0"
_QUESTION = "\ufdd1"
_OTHER = "\ufdd2"
_LITERAL = str.maketrans({"*": _STAR, "?": _QUESTION})
_OWN = str.maketrans({_STAR: _OTHER, _QUESTION: _OTHER})
_PLAIN = str.maketrans({_STAR: "*", _QUESTION: "?"})

# ${name} or ${name, 'default'}; a quote inside a default is written twice. Linear: no nesting.
_VARIABLE = re.compile(r"\$\{\s*([^{},']*?)\s*(?:,\s*'((?:[^']|'')*)'\s*)?\}")
_SPECIAL = {"*": _STAR, "?": _QUESTION, "$": "$"}


@record
class Substituted:
    """A text with its policy variables filled in.

    ``text`` is None when a variable has no value in the request (IAM then matches nothing);
    ``unknown`` names the context keys whose value the request context does not say.
    """

    text: str | None
    unknown: tuple[str, ...] = ()


def normalise_context(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    """The context with its keys lower-cased: condition key names are case-insensitive."""
    return {key.lower(): value for key, value in context.items()}


def substitute(text: str, context: Mapping[str, ContextValue]) -> Substituted:
    """Fill in the policy variables of ``text`` from ``context`` (keys lower-cased).

    A multivalued key cannot be a variable: like a key without a value, it leaves nothing to
    match. A default (``${aws:username, 'nobody'}``) stands in for a missing value.
    """
    unknown: list[str] = []
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name, default = match.group(1), match.group(2)
        if name in _SPECIAL and default is None:
            return _SPECIAL[name]
        key = name.lower()
        if key not in context:
            if default is not None:
                # The default holds only when the key is absent, and whether it is, is unknown.
                unknown.append(name)
                return ""
            unknown.append(name)
            return ""
        value = context[key]
        if isinstance(value, str):
            return value.translate(_LITERAL)
        if value is None and default is not None:
            return default.replace("''", "'").translate(_LITERAL)
        missing = True
        return ""

    result = _VARIABLE.sub(replace, text.translate(_OWN))
    if unknown:
        return Substituted(None, tuple(dict.fromkeys(unknown)))
    return Substituted(None if missing else result)


def unsubstituted(text: str) -> Substituted:
    """``text`` as it stands, for a policy whose Version predates policy variables
    (``2008-10-17``): ``${...}`` is then just characters."""
    return Substituted(text.translate(_OWN))


def wildcard_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether a substituted ``pattern`` covers ``text`` with IAM's ``*`` and ``?``; literal
    stars and question marks of the pattern match only themselves."""
    return glob_match(pattern, text.translate(_OWN).translate(_LITERAL), ignore_case=ignore_case)


def plain_text(substituted: str) -> str:
    """A substituted text as plain characters, for comparisons without wildcards."""
    return substituted.translate(_PLAIN)
