"""Reading a policy document's text safely, and finding where a JSON pointer is in it.

Parsing uses the standard library's C decoder (fast), with a hook that records duplicate keys.
Line and column are worked out only for the elements that findings point at, by walking the text
along the pointer: nothing is paid for documents without findings.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
from dataclasses import field
from typing import Any, NamedTuple

from iam_redshift._record import record

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "ParsedText",
    "Unreadable",
    "escape_pointer",
    "locate",
    "locate_key",
    "only_strings",
    "parse_json",
    "resolve_pointer",
]

#: Larger files are not parsed (the largest AWS managed policy is about 0.4 MB pretty-printed).
MAX_DOCUMENT_BYTES = 4 << 20
#: Deeper nesting than this is refused (real IAM documents nest about six deep).
MAX_DEPTH = 64


@record
class Unreadable:
    """Why a file's bytes are not a JSON document we can lint (becomes an IR100 finding)."""

    reason: str
    line: int = 1
    column: int = 1


@record
class ParsedText:
    """A decoded JSON text: its value, and the keys that appear twice in one object."""

    text: str
    value: Any
    #: (pointer of the object, key) for every key given more than once; the last one wins.
    duplicate_keys: tuple[tuple[str, str], ...] = ()
    #: Where the top-level members and statements start, when the decode noted them.
    places: _Places | None = field(default=None, repr=False, compare=False, hash=False)
    _positions: dict[str, tuple[int, int]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )
    _index: _TextIndex | None = field(default=None, repr=False, compare=False, hash=False)

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column (from 1) of the element at ``pointer`` (cached).

        The same answer as :func:`locate`, but each container's members are scanned once per
        document, not once per finding: a policy with hundreds of findings in one long Action
        list would otherwise be walked again from the top for each.
        """
        found = self._positions.get(pointer)
        if found is None:
            found = self._positions[pointer] = self._text_index().locate(pointer)
        return found

    def key_position(self, pointer: str, key: str, occurrence: int) -> tuple[int, int]:
        """Line and column of the ``occurrence``-th (from 0) member named ``key`` of the object
        at ``pointer``: where a duplicate key is."""
        index = self._text_index()
        try:
            start = index.walk_pointer(pointer)
            if start is not None and self.text[start] == "{":
                member = _find_member(self.text, start, key, occurrence)
                if member is not None:
                    return _line_column(self.text, member[0])
        except (ValueError, IndexError, AttributeError):
            pass
        return self.position(pointer)

    def _text_index(self) -> _TextIndex:
        if self._index is None:
            duplicates = self.duplicate_keys  # most texts have none: no generator then
            repeated = frozenset(key for _, key in duplicates) if duplicates else frozenset()
            object.__setattr__(self, "_index", _TextIndex(self.text, repeated, self.places))
        assert self._index is not None
        return self._index


def escape_pointer(token: str | int) -> str:
    """One reference token of a JSON pointer, escaped as RFC 6901 says."""
    return str(token).replace("~", "~0").replace("/", "~1")


def _tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def resolve_pointer(value: Any, pointer: str) -> Any:
    """The element of ``value`` at ``pointer``; raises KeyError when there is none."""
    for token in _tokens(pointer):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise KeyError(pointer)
    return value


class _DuplicateRecorder:
    """An ``object_pairs_hook`` that notes repeated keys. Objects are built inside out, so the
    pointer of each is unknown here; :func:`parse_json` finds them after the parse."""

    def __init__(self) -> None:
        self.objects: list[tuple[dict[str, Any], list[str]]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            repeated = []
            for key, _ in pairs:
                if key in seen and key not in repeated:
                    repeated.append(key)
                seen.add(key)
            self.objects.append((result, repeated))
        return result


class _RepeatedKey(Exception):
    """A key appears twice in one object: parse again, recording where."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _RepeatedKey
    return result


# Most documents repeat no key: one decoder for all of them (it holds no state), which only
# notices a repeat. Making a decoder and a recorder for each document cost half as much as
# decoding a small policy.
_UNIQUE = json.JSONDecoder(object_pairs_hook=_unique_keys)
_DECODE_UNIQUE = _UNIQUE.decode
_SCAN_UNIQUE = _UNIQUE.scan_once  # type: ignore[attr-defined]


class _Places(NamedTuple):
    """Where a policy's top-level members and statements start, noted while decoding it: the
    places most findings' positions go through (``/Statement/N/...``), which would otherwise be
    found by decoding again every statement before the one a finding is in."""

    root: int  # the top-level object's "{"
    members: dict[str, int]  # where each top-level member's value starts
    statements: list[int] | None  # where each item of a "Statement" array starts


def _decode_policy(text: str) -> tuple[Any, _Places | None]:
    """The value of a JSON text whose top level is an object (a policy), decoded member by
    member, and statement by statement in a "Statement" array, noting where each starts: the
    same value as ``_DECODE_UNIQUE``, by the same C scanner. Any other text, and any text that
    is not JSON or repeats a top-level key, is decoded whole (``None`` for the places), so that
    errors are the decoder's own."""
    try:
        root = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
        if text[root] != "{":
            return _DECODE_UNIQUE(text), None
        pairs: list[tuple[str, Any]] = []
        members: dict[str, int] = {}
        statements: list[int] | None = None
        at = _WHITESPACE.match(text, root + 1).end()  # type: ignore[union-attr]
        while text[at] != "}":
            if text[at] != '"':
                raise ValueError(at)
            key, at = _SCANSTRING(text, at + 1)
            start = at = _COLON_MATCH(text, at).end()  # type: ignore[union-attr]
            if key == "Statement" and text[at] == "[":
                value, starts, at = _decode_array(text, at)
                statements = starts
            else:
                value, at = _SCAN_UNIQUE(text, at)
            pairs.append((key, value))
            members[key] = start
            after = _AFTER_MEMBER(text, at)
            at = after.end()  # type: ignore[union-attr]
            if after.group(1) == "}":  # type: ignore[union-attr]
                if at != len(text):
                    raise ValueError(at)  # something after the object
                return _unique_keys(pairs), _Places(root, members, statements)
        raise ValueError(at)  # an empty object, or a trailing comma: decoded whole
    except Exception:  # not JSON, a repeated key, too deep: the whole decode says why
        return _DECODE_UNIQUE(text), None


def _decode_array(text: str, index: int) -> tuple[list[Any], list[int], int]:
    """The array at ``index``, where each item starts, and the index after it."""
    items: list[Any] = []
    starts: list[int] = []
    at = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    while text[at] != "]":
        starts.append(at)
        item, at = _SCAN_UNIQUE(text, at)
        items.append(item)
        after = _AFTER_ITEM(text, at)
        at = after.end()  # type: ignore[union-attr]
        if after.group(1) == "]":  # type: ignore[union-attr]
            return items, starts, at
    raise ValueError(at)  # an empty array, or a trailing comma: decoded whole


# A tuple, not dict | list: isinstance is faster with it, and this runs for every JSON value.
_CONTAINERS = (dict, list)


def _walk_depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests no deeper than ``limit`` (iterative: no recursion limit)."""
    # Level by level: no (value, depth) pair per element, about twice as fast as a stack.
    level = [value] if isinstance(value, _CONTAINERS) else []
    depth = 0
    while level:
        if depth >= limit:
            return False
        below = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, _CONTAINERS):
                    below.append(child)
        level = below
        depth += 1
    return True


def _pointers_of(root: Any, targets: list[dict[str, Any]]) -> dict[int, str]:
    wanted = {id(t) for t in targets}
    found: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack and len(found) < len(wanted):
        item, pointer = stack.pop()
        if id(item) in wanted:
            found[id(item)] = pointer
        if isinstance(item, dict):
            stack.extend((v, f"{pointer}/{escape_pointer(k)}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(item))
    return found


def parse_json(data: bytes | str) -> ParsedText | Unreadable:
    """Decode ``data`` (UTF-8 bytes, or text) as one JSON document, or say why it cannot be."""
    if isinstance(data, bytes):
        if len(data) > MAX_DOCUMENT_BYTES:
            return Unreadable(f"the file is larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            return Unreadable(f"not UTF-8 text: byte {data[error.start]:#04x}", line, column)
    else:
        text = data
        if len(text) > MAX_DOCUMENT_BYTES:
            return Unreadable(f"the text is longer than {MAX_DOCUMENT_BYTES} characters")
    if text.startswith("\ufeff"):
        return Unreadable("the text starts with a byte order mark, which IAM does not accept")
    if not text.strip():
        return Unreadable("the file is empty")
    recorder = _DuplicateRecorder()
    places = None
    try:
        try:
            value, places = _decode_policy(text)
        except _RepeatedKey:
            value = json.loads(text, object_pairs_hook=recorder)
    except RecursionError:
        return Unreadable(f"nested too deeply to parse safely (more than {MAX_DEPTH} levels)")
    except json.JSONDecodeError as error:
        return Unreadable(f"not JSON: {error.msg}", error.lineno, error.colno)
    except ValueError as error:  # e.g. an integer too long to convert
        return Unreadable(f"not JSON: {error}")
    # Nesting needs an opening bracket a level: a text with few of them (most policies) cannot
    # nest too deeply, and counting them is far cheaper than walking the value.
    few = text.count("{") + text.count("[") <= MAX_DEPTH
    if not few and not _walk_depth(value, MAX_DEPTH):
        return Unreadable(f"nested too deeply to parse safely (more than {MAX_DEPTH} levels)")
    duplicates: tuple[tuple[str, str], ...] = ()
    if recorder.objects:
        pointers = _pointers_of(value, [obj for obj, _ in recorder.objects])
        duplicates = tuple(
            (pointers[id(obj)], key)
            for obj, keys in recorder.objects
            if id(obj) in pointers
            for key in keys
        )
    return ParsedText(text, value, duplicates, places)


_WHITESPACE = re.compile(r"[ \t\n\r]*")
# After a member's value: blanks, a comma or the closing brace, blanks (which end the text
# when it is the top-level object's brace).
_AFTER_MEMBER = re.compile(r"[ \t\n\r]*([,}])[ \t\n\r]*").match
_AFTER_ITEM = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*").match
# Between two members of a container: blanks, a comma if any, blanks.
_SEPARATOR_MATCH = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*").match
# Between a member's name and its value.
_COLON_MATCH = re.compile(r"[ \t\n\r]*:[ \t\n\r]*").match
_SCANSTRING = json.decoder.scanstring  # type: ignore[attr-defined]
_DECODER = json.JSONDecoder()
_SCAN = _DECODER.scan_once  # type: ignore[attr-defined]


def _skip_value(text: str, index: int) -> int:
    """The index just after the JSON value that starts at ``index``."""
    try:
        # The decoder's C scanner itself: raw_decode is a Python wrapper around it, whose cost
        # counts when every member before the one a finding points at is skipped.
        _, end = _SCAN(text, index)
    except StopIteration as error:  # what raw_decode turns into "Expecting value"
        raise ValueError(f"no JSON value at {error.value}") from None
    return int(end)


@functools.cache
def _string_pattern() -> re.Pattern[str]:
    # A JSON string of a text that parsed, as the unrolled loop (runs of plain characters
    # between escapes) that the regex engine matches fastest; linear time, as no character has
    # two ways. Compiled on first use: a lint without findings never needs it.
    return re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def _string_items(text: str, index: int) -> tuple[list[int] | None, int | None]:
    """Where each item of the array at ``index`` starts, when all are strings (an Action or a
    Resource list, whose findings point at item after item): one pass over the array
    instead of one skip a member. None for any other array (a Statement list is scanned only
    as far as asked). Second, where the array ends, when it was decoded to tell."""
    first = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    if text[first] != '"':
        return None, None
    try:
        value, end = _SCAN(text, index)
    except StopIteration:
        return None, None
    if not only_strings(value):
        return None, end
    if len(value) == 1:
        return [first], end
    # Pretty-printed lists put the same blanks and comma between every two items, and action
    # names need no escape. Without a backslash, each string is written as its value in
    # quotes; when the list is also written with each gap the first one (one comparison, in
    # C), each item starts after the lengths of those before it. Else a regex finds them.
    if text.find("\\", index, end) < 0:
        after = first + len(value[0]) + 2
        gap = text[after : text.index('"', after)]
        if text.startswith('"' + f'"{gap}"'.join(value) + '"', first):
            return _piece_starts(value, 2 + len(gap), first), end
    starts = list(map(_START, _string_pattern().finditer(text, index, end)))
    return (starts if len(starts) == len(value) else None), end


_START = re.Match.start


def _piece_starts(pieces: list[str], between: int, origin: int = 0) -> list[int]:
    """Where each of ``pieces`` starts when they are written one after another from ``origin``
    with ``between`` characters between every two: running sums of their lengths, in C."""
    sizes = map(between.__add__, map(len, itertools.islice(pieces, len(pieces) - 1)))
    return list(itertools.accumulate(sizes, initial=origin))


_STR = frozenset({str})


def only_strings(items: list[Any]) -> bool:
    """Whether every item of a JSON array is a string (an Action or Resource list, nearly
    always): the items' classes gathered in C, not a Python test an item."""
    return set(map(type, items)) <= _STR


def _line_column(text: str, index: int, start: int = 0, line: int = 1) -> tuple[int, int]:
    """Line and column of ``index``, counting on from ``start``, known to be on ``line``."""
    line += text.count("\n", start, index)
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _find_member(text: str, index: int, key: str, occurrence: int) -> tuple[int, int] | None:
    """In the object starting at ``index``, the (key start, value start) of the
    ``occurrence``-th member named ``key`` (-1 for the last one)."""
    index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    found: list[tuple[int, int]] = []
    while index < len(text) and text[index] != "}":
        key_start = index
        name, index = _SCANSTRING(text, index + 1)
        index = _COLON_MATCH(text, index).end()  # type: ignore[union-attr]
        if name == key:
            found.append((key_start, index))
            if occurrence >= 0 and len(found) > occurrence:
                return found[occurrence]
        index = _SEPARATOR_MATCH(text, _skip_value(text, index)).end()  # type: ignore[union-attr]
    if occurrence < 0 and found:
        return found[-1]
    return None


def locate(text: str, pointer: str) -> tuple[int, int]:
    """Line and column (from 1) of the element at ``pointer`` in the JSON ``text``.

    For a key that appears more than once, the last one (the one JSON parsers keep). A pointer
    that is not in the text gives the nearest enclosing element's position; text that is not
    JSON, (1, 1).
    """
    parsed = parse_json(text)
    return parsed.position(pointer) if isinstance(parsed, ParsedText) else (1, 1)


# Up to this many positions in one text, count newlines (C speed, nothing to build); beyond,
# index the line starts once.
_COUNT_LINES_UP_TO = 16


class _TextIndex:
    """Where the members of each container of a JSON text start, worked out on first use.

    A container is scanned only as far as asked: the members before the one wanted, not those
    after it (skipping a member's value means decoding it, and "Statement" holds nearly all of a
    policy). Where a name appears twice in one object the last one counts, so an object is
    scanned to its end for a name in ``repeated`` (the names the parse saw more than once).
    """

    def __init__(
        self, text: str, repeated: frozenset[str] = frozenset(), places: _Places | None = None
    ) -> None:
        self.text = text
        self.repeated = repeated
        self.objects: dict[int, dict[str, int]] = {}
        self.arrays: dict[int, list[int]] = {}
        # Where each statement starts, when the decode noted it: /Statement/N/... pointers
        # start there (:meth:`_usual`).
        self.statements: list[int] | None = None
        if places is not None:  # scanned while decoding: the top level and its statements
            self.objects[places.root] = places.members
            if places.statements is not None:
                self.arrays[places.members["Statement"]] = places.statements
                self.statements = places.statements
        # Where the scan of a container goes on: the start of the last value found, not yet
        # skipped (or, before the first member, the container's own start). Absent: scanned.
        self.resume: dict[int, int] = {}
        # Pointers already walked, and where they led: findings share their parents.
        self.walked: dict[str, int | None] = {}
        self.line_starts: list[int] | None = None
        # Where the arrays decoded to index their items end: skipped without decoding again.
        self.ends: dict[int, int] = {}
        self.located = 0
        self.counted = (0, 1)  # the last place whose line was counted, and its line

    def _next(self, index: int, close: str) -> int | None:
        """Past the value the scan of the container at ``index`` stopped at (and its comma):
        the start of the next member, or None at the container's end."""
        text = self.text
        at = self.resume[index]
        if at == index:
            at = _WHITESPACE.match(text, at + 1).end()  # type: ignore[union-attr]
        else:
            # Past the value (the decoder's C scanner), then in one regex the blanks, the
            # comma if any, and the blanks after it (the text parsed: without a comma, the
            # container ends there).
            end = self.ends.get(at)
            if end is None:
                end = _skip_value(text, at)
            at = _SEPARATOR_MATCH(text, end).end()  # type: ignore[union-attr]
        if at < len(text) and text[at] != close:
            self.resume[index] = at
            return at
        del self.resume[index]
        return None

    def _member(self, index: int, name: str) -> int | None:
        """Where the value of member ``name`` of the object at ``index`` starts."""
        names = self.objects.get(index)
        if names is None:
            names = self.objects[index] = {}
            self.resume[index] = index
        elif name in names and name not in self.repeated:
            return names[name]
        text = self.text
        first = name not in self.repeated  # else the last one counts: scan to the end
        while index in self.resume:
            at = self._next(index, "}")
            if at is None:
                break
            key, at = _SCANSTRING(text, at + 1)
            names[key] = self.resume[index] = at = _COLON_MATCH(text, at).end()  # type: ignore[union-attr]
            if first and key == name:
                return at
        return names.get(name)

    def _item(self, index: int, position: int) -> int | None:
        """Where item ``position`` of the array at ``index`` starts."""
        items = self.arrays.get(index)
        if items is None:
            strings, end = _string_items(self.text, index)
            if end is not None:  # a member or item after this array need not decode it again
                self.ends[index] = end
            if strings is not None:
                items = self.arrays[index] = strings
            else:
                items = self.arrays[index] = []
                self.resume[index] = index
        while len(items) <= position:
            at = self._next(index, "]") if index in self.resume else None
            if at is None:
                return None
            items.append(at)
        return items[position]

    def _step(self, index: int, token: str) -> int | None:
        if index >= len(self.text):
            return None
        if self.text[index] == "{":
            return self._member(index, token)
        if self.text[index] == "[" and token.isdigit():
            return self._item(index, int(token))
        return None

    def _walk(self, tokens: list[str]) -> int | None:
        index: int | None = _WHITESPACE.match(self.text).end()  # type: ignore[union-attr]
        for token in tokens:
            if index is None:
                break
            index = self._step(index, token)
        return index

    def walk_pointer(self, pointer: str) -> int | None:
        """:meth:`_walk` for a pointer that is "" or starts with "/", remembering where each
        pointer led: a finding's parent (the statement, its Action list) was walked for the
        finding before."""
        walked = self.walked
        if pointer in walked:
            return walked[pointer]
        # Back to the longest prefix walked before (or the root), then on from there.
        pending: list[str] = []
        prefix = pointer
        while prefix and prefix not in walked:
            pending.append(prefix)
            prefix = prefix.rpartition("/")[0]
        if prefix in walked:
            index = walked[prefix]
        else:
            index = walked[""] = _WHITESPACE.match(self.text).end()  # type: ignore[union-attr]
        for prefix in reversed(pending):
            if index is not None:
                token = prefix.rpartition("/")[2].replace("~1", "/").replace("~0", "~")
                index = self._step(index, token)
            walked[prefix] = index
        return index

    def line_column(self, index: int) -> tuple[int, int]:
        self.located += 1
        if self.line_starts is None:
            if self.located <= _COUNT_LINES_UP_TO:
                # Counted on from the place asked before when this one is further on: a
                # rule's findings come in the order of the text.
                found = _line_column(
                    self.text, index, *(self.counted if self.counted[0] <= index else (0, 1))
                )
                self.counted = (index, found[0])
                return found
            # Many findings in one text: index its line starts once, then bisect.
            self.line_starts = _piece_starts(self.text.split("\n"), 1)
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def _usual(self, pointer: str) -> int:
        """Where a pointer of the usual shapes leads, ``/Statement/N/Name`` or
        ``/Statement/N/Name/M`` (nearly every finding's), found from the statement's start
        noted while decoding, not through the walk's pointer prefixes; -1 for any other
        pointer, or one that leads nowhere (the walk then answers, for the nearest enclosing
        element)."""
        statements = self.statements
        if statements is None or not pointer.startswith("/Statement/") or "~" in pointer:
            return -1
        tokens = pointer.split("/")
        if len(tokens) > 5 or len(tokens) < 4:
            return -1
        number = tokens[2]
        if not (number.isascii() and number.isdigit()) or int(number) >= len(statements):
            return -1
        index = statements[int(number)]
        for token in tokens[3:]:  # the member, and its item: the walk's own steps
            found = self._step(index, token)
            if found is None:
                return -1
            index = found
        return index

    def locate(self, pointer: str) -> tuple[int, int]:
        """Line and column of the element at ``pointer``, else of the nearest enclosing one."""
        try:
            usual = self._usual(pointer)
            if usual >= 0:
                return self.line_column(usual)
            if pointer[:1] in ("", "/"):
                # The element, else the nearest enclosing one: one token shorter at a time.
                while True:
                    index = self.walk_pointer(pointer)
                    if index is not None:
                        return self.line_column(index)
                    if not pointer:
                        break
                    pointer = pointer.rpartition("/")[0]
            else:  # not a JSON pointer: its tokens as they are
                tokens = _tokens(pointer)
                for cut in range(len(tokens), -1, -1):
                    index = self._walk(tokens[:cut])
                    if index is not None:
                        return self.line_column(index)
        except (ValueError, IndexError, AttributeError):
            pass
        return (1, 1)


def locate_key(text: str, pointer: str, key: str, occurrence: int) -> tuple[int, int]:
    """Line and column of the ``occurrence``-th (from 0) appearance of ``key`` as a member name of
    the object at ``pointer``: where a duplicate key is."""
    parsed = parse_json(text)
    return (
        parsed.key_position(pointer, key, occurrence) if isinstance(parsed, ParsedText) else (1, 1)
    )
