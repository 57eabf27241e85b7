"""The globs of the lint configuration (``exclude``, ``per-file-ignores``, a suppression's
``path``), matched in time linear in the path for a given pattern.

The rules are gitignore's where it has one: ``**/`` matches zero or more directories (so
``**/*.json`` matches ``a.json`` at the root and ``a/**/p.json`` matches ``a/p.json``), a
pattern not starting with ``/`` matches at any depth (``trust-policy.json`` matches
``out/Role/trust-policy.json``), a leading ``/`` anchors it to the configuration's directory,
``?`` is one character and ``[a-z]``, ``[!a-z]`` (or ``[^a-z]``) a set. Unlike gitignore, and as
this tool has always done, ``*`` also matches ``/``.

Patterns come from a configuration file anyone can write, and paths from a repository anyone can
fill: the matcher runs the pattern as a small automaton over the path (every position once, a
set of states at each), so no pattern can make it backtrack.
"""

from __future__ import annotations

import functools

from iam_redshift._record import record

__all__ = ["glob_matches", "regex_like"]


@record
class _Token:
    """One step of a compiled glob: ``kind`` is ``char`` (``text`` is the character), ``any``
    (``?``), ``set`` (``ranges``, ``negated``), ``star`` (``*``: any run, ``/`` included) or
    ``skip`` (may jump to ``target``: the optional ``dir/`` of ``**/``)."""

    kind: str
    text: str = ""
    ranges: tuple[tuple[str, str], ...] = ()
    negated: bool = False
    target: int = 0

    def takes(self, character: str) -> bool:
        """Whether this step consumes ``character`` (``star`` and ``skip`` are handled apart)."""
        if self.kind == "char":
            return character == self.text
        if self.kind == "any":
            return True
        if self.kind == "set":
            inside = any(low <= character <= high for low, high in self.ranges)
            return inside != self.negated
        return False


def _character_set(pattern: str, start: int) -> tuple[_Token, int] | None:
    """The set that starts at ``pattern[start] == '['`` and the index after it, or None when
    the ``[`` is not closed (it is then a literal character, as in fnmatch)."""
    index = start + 1
    negated = index < len(pattern) and pattern[index] in "!^"
    if negated:
        index += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while index < len(pattern):
        character = pattern[index]
        if character == "]" and not first:
            return _Token("set", ranges=tuple(ranges), negated=negated), index + 1
        first = False
        if index + 2 < len(pattern) and pattern[index + 1] == "-" and pattern[index + 2] != "]":
            ranges.append((character, pattern[index + 2]))
            index += 3
        else:
            ranges.append((character, character))
            index += 1
    return None


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    if pattern.startswith("/"):
        pattern = pattern.lstrip("/")
    elif not pattern.startswith("**/"):
        pattern = "**/" + pattern  # any depth
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index) and (index == 0 or pattern[index - 1] == "/"):
            # Zero or more directories: skip the three steps "*", "/" or take them.
            tokens.append(_Token("skip", target=len(tokens) + 3))
            tokens.extend((_Token("star"), _Token("char", "/")))
            index += 3
            continue
        character = pattern[index]
        if character == "*":
            if not tokens or tokens[-1].kind != "star":  # "**" elsewhere is "*"
                tokens.append(_Token("star"))
            index += 1
        elif character == "?":
            tokens.append(_Token("any"))
            index += 1
        elif character == "[" and (found := _character_set(pattern, index)) is not None:
            tokens.append(found[0])
            index = found[1]
        else:
            tokens.append(_Token("char", character))
            index += 1
    return tuple(tokens)


def _closure(tokens: tuple[_Token, ...], states: set[int]) -> frozenset[int]:
    """``states`` with every state reachable without consuming a character."""
    pending = list(states)
    while pending:
        state = pending.pop()
        if state >= len(tokens):
            continue
        token = tokens[state]
        following: tuple[int, ...] = ()
        if token.kind == "star":
            following = (state + 1,)
        elif token.kind == "skip":
            following = (state + 1, token.target)
        for reached in following:
            if reached not in states:
                states.add(reached)
                pending.append(reached)
    return frozenset(states)


#: How many (states, character) steps one pattern remembers: each remembered step makes the
#: next same step a dictionary look-up; past the bound, steps are worked out each time (still
#: linear), so a hostile pattern cannot grow memory without bound.
_STEPS_PER_PATTERN = 4096


class _Automaton:
    """A compiled glob run as a set of states per character, its steps remembered."""

    def __init__(self, pattern: str) -> None:
        self.tokens = _compile(pattern)
        self.start = _closure(self.tokens, {0})
        self.steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def step(self, states: frozenset[int], character: str) -> frozenset[int]:
        known = self.steps.get((states, character))
        if known is not None:
            return known
        following: set[int] = set()
        for state in states:
            if state >= len(self.tokens):
                continue
            token = self.tokens[state]
            if token.kind == "star":
                following.add(state)
            elif token.takes(character):
                following.add(state + 1)
        reached = _closure(self.tokens, following)
        if len(self.steps) < _STEPS_PER_PATTERN:
            self.steps[(states, character)] = reached
        return reached

    def matches(self, path: str) -> bool:
        states = self.start
        steps = self.steps
        for character in path:
            # A step taken before is a look-up here, without a method call.
            following = steps.get((states, character))
            states = following if following is not None else self.step(states, character)
            if not states:
                return False
        return len(self.tokens) in states


@functools.lru_cache(maxsize=256)
def _automaton(pattern: str) -> _Automaton:
    return _Automaton(pattern)


def glob_matches(path: str, pattern: str) -> bool:
    """Whether the relative path ``path`` (forward slashes) matches the glob ``pattern``."""
    if not any(c in pattern for c in "*?["):
        # A plain name (".git", "legacy/old.json"): at any depth, or anchored by a leading "/".
        if pattern.startswith("/"):
            return path == pattern.lstrip("/")
        return path == pattern or path.endswith("/" + pattern)
    return _automaton(pattern).matches(path)


def regex_like(pattern: str) -> str | None:
    """Why ``pattern`` reads as a regular expression rather than a glob, or None. Such a
    pattern would silently match nothing, so the configuration refuses it."""
    if "\\" in pattern:
        return "it holds a backslash (globs use forward slashes and escape nothing)"
    if pattern.startswith("^"):
        return "it starts with '^'"
    if pattern.endswith("$"):
        return "it ends with '$'"
    for marker in (".+", "(?", "|", ".*)", "(.*"):
        if marker in pattern:
            return f"it holds {marker!r}"
    return None
