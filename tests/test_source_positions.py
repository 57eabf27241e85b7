"""Finding positions: the per-document index (``ParsedText.position``, which scans each
container only as far as asked and remembers the pointers it walked) points at the text of the
element a pointer names (the last of repeated names, as parsers keep), or of the nearest element
that encloses an absent one, for any JSON text, any pointer and any order of questions."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from iam_redshift.sources.json_text import (
    ParsedText,
    escape_pointer,
    locate,
    parse_json,
    resolve_pointer,
)

# Names from a small alphabet, so that objects often repeat a name (the last one counts) and
# pointers need escaping ("~", "/").
_NAMES = st.text(alphabet='ab~/ "\\é', max_size=3)
_SPACE = st.sampled_from(["", " ", "\n", "\n  ", "\t", "\r\n"])
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.text(max_size=4)
)

# A JSON value written as the text will hold it: ("object", [(name, value)...]) keeps repeated
# names, ("array", [...]), or ("scalar", value).
_TREES = st.recursive(
    st.tuples(st.just("scalar"), _SCALARS),
    lambda inner: st.one_of(
        st.tuples(st.just("array"), st.lists(inner, max_size=4)),
        st.tuples(st.just("object"), st.lists(st.tuples(_NAMES, inner), max_size=4)),
    ),
    max_leaves=20,
)


@st.composite
def _texts(draw: st.DrawFn, tree: Any) -> str:
    kind, content = tree
    space = draw(_SPACE)
    if kind == "scalar":
        return json.dumps(content)
    if kind == "array":
        items = [draw(_texts(item)) for item in content]
        # The same blanks around every comma (as pretty-printers write), or each its own.
        separator = draw(_SPACE) + "," + draw(_SPACE)
        if draw(st.booleans()):
            return "[" + space + separator.join(items) + draw(_SPACE) + "]"
        written = "".join(f"{draw(_SPACE)},{draw(_SPACE)}{item}" for item in items[1:])
        return "[" + space + items[0] + written + draw(_SPACE) + "]" if items else "[" + space + "]"
    members = [
        json.dumps(name) + draw(_SPACE) + ":" + draw(_SPACE) + draw(_texts(value))
        for name, value in content
    ]
    return "{" + space + (draw(_SPACE) + "," + draw(_SPACE)).join(members) + draw(_SPACE) + "}"


def _pointers(tree: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    kind, content = tree
    if kind == "array":
        for index, item in enumerate(content):
            found += _pointers(item, f"{pointer}/{index}")
    elif kind == "object":
        for name, value in content:
            found += _pointers(value, f"{pointer}/{escape_pointer(name)}")
    return found


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    tree = draw(_TREES)
    text = draw(_SPACE) + draw(_texts(tree)) + draw(_SPACE)
    real = _pointers(tree)
    # Pointers into the document, beside it (absent members and items, past the end), and
    # strings that are not JSON pointers at all; each may be asked several times, in any order.
    beside = st.tuples(st.sampled_from(real), st.sampled_from(["/9", "/x", "/", "/0/0"]))
    odd = st.one_of(beside.map("".join), st.text(alphabet="/0a~1", max_size=6))
    asked = draw(st.lists(st.one_of(st.sampled_from(real), odd), min_size=1, max_size=12))
    return text, asked


def _offset(text: str, line: int, column: int) -> int:
    """The index in ``text`` of a line and column (both from 1; lines end at "\\n")."""
    return sum(len(part) + 1 for part in text.split("\n")[: line - 1]) + column - 1


def _nearest(value: Any, pointer: str) -> str:
    """``pointer``, or its longest prefix that names an element of ``value``."""
    while True:
        try:
            resolve_pointer(value, pointer)
        except (KeyError, IndexError, TypeError, ValueError):
            pointer = pointer.rpartition("/")[0]
            continue
        return pointer


_DECODER = json.JSONDecoder()


@given(_documents())
def test_position_is_where_the_element_is_written(document: tuple[str, list[str]]) -> None:
    text, pointers = document
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    answers = {pointer: parsed.position(pointer) for pointer in pointers}
    for pointer, (line, column) in answers.items():
        if pointer[:1] not in ("", "/"):
            continue  # not a JSON pointer: any place in the text will do
        element = resolve_pointer(parsed.value, _nearest(parsed.value, pointer))
        decoded, _ = _DECODER.raw_decode(text, _offset(text, line, column))
        assert decoded == element, pointer
    # The same answers whatever was asked before.
    fresh = parse_json(text)
    assert isinstance(fresh, ParsedText)
    for pointer in reversed(pointers):
        assert fresh.position(pointer) == answers[pointer] == locate(text, pointer), pointer


# Policy-shaped documents: findings' pointers are /Statement/N/Name and /Statement/N/Name/M,
# which are found from the statement's start noted while decoding (a text that repeats a name
# anywhere is decoded whole: that is the first test's case). Statement members hold arrays of
# strings, other arrays, objects and scalars.
_MEMBER_NAMES = st.sampled_from(["Action", "Resource", "Effect", "Sid", "Condition", "a~b", "1"])
_SCALAR_TREES = st.tuples(st.just("scalar"), _SCALARS)
# Strings as actions are written (no escape), and any strings.
_ITEM_TEXTS = st.one_of(st.text(alphabet="ab:*", max_size=4), st.text(max_size=3))
_MEMBER_VALUES = st.one_of(
    st.tuples(st.just("array"), st.lists(st.tuples(st.just("scalar"), _ITEM_TEXTS))),
    st.tuples(st.just("array"), st.lists(_SCALAR_TREES, max_size=3)),
    st.tuples(
        st.just("object"),
        st.lists(st.tuples(_NAMES, _SCALAR_TREES), max_size=3, unique_by=lambda m: m[0]),
    ),
    _SCALAR_TREES,
)
_STATEMENT_OBJECTS = st.tuples(
    st.just("object"),
    st.lists(st.tuples(_MEMBER_NAMES, _MEMBER_VALUES), unique_by=lambda m: m[0]),
)
# Mostly objects; now and then a statement that is not one.
_STATEMENTS = st.one_of(_STATEMENT_OBJECTS, _STATEMENT_OBJECTS, _STATEMENT_OBJECTS, _SCALAR_TREES)


@st.composite
def _policies_with_pointers(draw: st.DrawFn) -> tuple[str, list[str]]:
    statements = ("array", draw(st.lists(_STATEMENTS, min_size=1, max_size=5)))
    tree = ("object", [("Version", ("scalar", "2012-10-17")), ("Statement", statements)])
    text = draw(_texts(tree))
    # Every /Statement/N/Name and /Statement/N/Name/M (the usual shapes) in an order of its
    # own, and others: deeper ones, and ones beside the document.
    real = [p for p in _pointers(tree) if p.startswith("/Statement/")]
    usual = draw(st.permutations([p for p in real if p.count("/") in (3, 4)]))
    beside = st.tuples(st.sampled_from(real), st.sampled_from(["/9", "/Action", "/0", "/x/0"]))
    others = draw(st.lists(st.one_of(st.sampled_from(real), beside.map("".join)), max_size=5))
    return text, [*usual, *others]


@given(_policies_with_pointers())
def test_a_statements_elements_are_found_where_they_are_written(
    document: tuple[str, list[str]],
) -> None:
    text, pointers = document
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    assert parsed.places is not None
    assert parsed.places.statements is not None
    for pointer in pointers:
        line, column = parsed.position(pointer)
        element = resolve_pointer(parsed.value, _nearest(parsed.value, pointer))
        decoded, _ = _DECODER.raw_decode(text, _offset(text, line, column))
        assert decoded == element, pointer


@given(
    st.lists(_ITEM_TEXTS, min_size=1, max_size=8),
    st.lists(_SPACE, min_size=2),
    st.booleans(),
)
def test_each_item_of_a_list_of_strings_is_found_where_it_is_written(
    items: list[str], blanks: list[str], same_blanks: bool
) -> None:
    # An Action list's items are found in one pass: written with the same blanks around every
    # comma (as pretty-printers write), or each gap its own, with or without escapes.
    gaps = [blanks[0] + "," + blanks[1]] * len(items)
    if not same_blanks:
        gaps = [blanks[i % len(blanks)] + "," + blanks[(i + 1) % len(blanks)] for i in range(7)]
    written = json.dumps(items[0]) + "".join(
        gap + json.dumps(item) for gap, item in zip(gaps, items[1:], strict=False)
    )
    text = f'{{"Version": "2012-10-17", "Statement": [{{"Action": [{blanks[-1]}{written}]}}]}}'
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    for at, item in enumerate(items):
        line, column = parsed.position(f"/Statement/0/Action/{at}")
        assert _DECODER.raw_decode(text, _offset(text, line, column))[0] == item


def test_a_repeated_name_points_at_its_last_occurrence() -> None:
    text = '{"Statement": [{"Action": "a", "Effect": "Allow", "Action": ["b", "c"]}]}'
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    # Effect is found before the second Action is reached; that one still wins afterwards.
    assert parsed.position("/Statement/0/Effect") == (1, text.index('"Allow"') + 1)
    assert parsed.position("/Statement/0/Action/1") == (1, text.index('"c"') + 1)
    assert parsed.position("/Statement/0/Action") == (1, text.index('["b"') + 1)


def _nested(depth: int, leaf: Any) -> Any:
    """``leaf`` inside ``depth`` containers, alternately a list and an object (whose other
    members are lists of strings, which the depth check skips as a whole)."""
    value = leaf
    for level in range(depth):
        value = [value, "s"] if level % 2 else {"a": ["x", "y"], "b": value}
    return value


@example(depth=63, leaf="z")
@example(depth=64, leaf="z")
@given(st.integers(min_value=1, max_value=80), st.sampled_from([["x", "y"], "z", 1, {}]))
def test_a_document_nested_deeper_than_the_limit_is_unreadable(depth: int, leaf: Any) -> None:
    from iam_redshift.sources.json_text import MAX_DEPTH, Unreadable

    # The innermost container is an object whose list "a" (and a container leaf beside it) is
    # one level further in.
    levels = depth + 1
    parsed = parse_json(json.dumps(_nested(depth, leaf)))
    if levels <= MAX_DEPTH:
        assert isinstance(parsed, ParsedText)
    else:
        assert isinstance(parsed, Unreadable)
        assert "nested too deeply" in parsed.reason


# --- places noted while decoding ----------------------------------------------------------------
# A policy's top-level members and statements are decoded one by one, noting where each starts
# (most findings' pointers go through them). The value, the errors and every position must be
# those of the whole-text decode and of the walk that finds places by scanning.

_MEMBER_NAMES = st.sampled_from(["Version", "Statement", "Id", "Statement", "a"])
_POLICY_TREES = st.tuples(
    st.just("object"),
    st.lists(
        st.tuples(
            _MEMBER_NAMES,
            st.one_of(_TREES, st.tuples(st.just("array"), st.lists(_TREES, max_size=5))),
        ),
        max_size=4,
    ),
)


@st.composite
def _policies(draw: st.DrawFn) -> str:
    return draw(_SPACE) + draw(_texts(draw(_POLICY_TREES))) + draw(_SPACE)


@given(_policies())
@example('{"Statement": [{"Effect": "Allow"}, {"Sid": "2"}]}')
@example('{"Statement": [{"Action": ["s3:A", "s3:B"], "Resource": "*"}]}')
def test_a_policy_decoded_member_by_member_is_the_whole_decode(text: str) -> None:
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    assert parsed.value == json.loads(text)
    statements = parsed.value.get("Statement")
    unique = not parsed.duplicate_keys
    if unique and isinstance(statements, list) and statements:
        assert parsed.places is not None
        assert parsed.places.statements is not None
        assert len(parsed.places.statements) == len(statements)
    # Every position, through the places noted or through a scan from the top, is the same.
    scanned = ParsedText(text, parsed.value, parsed.duplicate_keys)
    for pointer in _pointers_of_value(parsed.value):
        assert parsed.position(pointer) == scanned.position(pointer), pointer
        if unique:  # and it is where the element is written (an Action list's items asked
            # first, as rules do, then the members after the list)
            decoded, _ = _DECODER.raw_decode(text, _offset(text, *parsed.position(pointer)))
            assert decoded == resolve_pointer(parsed.value, pointer), pointer


def _pointers_of_value(value: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(value, dict):
        for name, item in value.items():
            found += _pointers_of_value(item, f"{pointer}/{escape_pointer(name)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _pointers_of_value(item, f"{pointer}/{index}")
    return found


@given(
    _policies(), st.integers(0, 10_000), st.sampled_from(["", ",", "}", "]", '"', ":", "x", "{"])
)
@example('{"Statement": [{}], }', 21, "")  # as it is
@example('{"Statement": [{}, ]}', 21, "")  # as it is
@example('{"Statement": []} {}', 20, "")  # as it is
def test_a_damaged_policy_gets_the_decoders_own_error(text: str, cut: int, insert: str) -> None:
    at = cut % (len(text) + 1)
    damaged = text[:at] + insert + text[at + 1 :]
    if not damaged.strip():
        return  # "the file is empty": ours, not the decoder's
    try:
        expected: Any = json.loads(damaged)
        problem = None
    except json.JSONDecodeError as error:
        expected, problem = None, (f"not JSON: {error.msg}", error.lineno, error.colno)
    found = parse_json(damaged)
    if problem is not None:
        assert not isinstance(found, ParsedText)
        assert (found.reason, found.line, found.column) == problem
    else:
        assert isinstance(found, ParsedText)
        assert found.value == expected
