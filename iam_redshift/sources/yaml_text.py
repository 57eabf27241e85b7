"""Reading a YAML text (a CloudFormation template) into JSON data, with the line and column of
every element, and CloudFormation's short-form tags (``!Ref``, ``!GetAtt``, ``!Sub``...) turned
into their long form (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``).

PyYAML composes the text into nodes that keep their start marks; the nodes are turned into data
here (not by PyYAML's constructors), so positions are recorded by JSON pointer as the data is
built, aliases are expanded within a budget (a "billion laughs" text is refused, not expanded),
and no tag can build anything but JSON data.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from iam_redshift._record import record
from iam_redshift.sources.json_text import Unreadable, escape_pointer

__all__ = ["ParsedYaml", "parse_yaml"]

#: Nodes built at most (aliases count each time they are expanded).
MAX_NODES = 200_000
#: Deeper nesting than this is refused.
MAX_DEPTH = 64

#: Short-form tags whose long form is ``Fn::<name>``.
_FUNCTIONS = frozenset(
    {
        "And",
        "Base64",
        "Cidr",
        "Equals",
        "FindInMap",
        "GetAtt",
        "GetAZs",
        "If",
        "ImportValue",
        "Join",
        "Length",
        "Not",
        "Or",
        "Select",
        "Split",
        "Sub",
        "ToJsonString",
        "Transform",
    }
)


@record
class ParsedYaml:
    """A decoded YAML text: its value and the position of each element by JSON pointer."""

    value: Any
    positions: dict[str, tuple[int, int]] = field(repr=False, compare=False, hash=False)

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column (from 1) of the element at ``pointer``, else of the nearest enclosing
        one."""
        while True:
            found = self.positions.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return (1, 1)
            pointer = pointer.rpartition("/")[0]


class _TooLarge(Exception):
    pass


class _Builder:
    def __init__(self) -> None:
        self.positions: dict[str, tuple[int, int]] = {}
        self.count = 0

    def build(self, node: Any, pointer: str, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _TooLarge
        mark = node.start_mark
        self.positions.setdefault(pointer, (mark.line + 1, mark.column + 1))
        tag = node.tag or ""
        if tag.startswith("!"):
            name = tag[1:]
            inner = self._plain(node, pointer, depth)
            if name == "GetAtt" and isinstance(inner, str):
                logical, _, attribute = inner.partition(".")
                inner = [logical, attribute]
            if name in _FUNCTIONS:
                return {f"Fn::{name}": inner}
            if name in ("Ref", "Condition"):
                return {name: inner}
            return inner  # an unknown tag: its content as it is
        return self._plain(node, pointer, depth)

    def _plain(self, node: Any, pointer: str, depth: int) -> Any:
        import yaml

        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._key(key_node)
                if key == "<<":  # a merge key: only mappings merge, without positions
                    merged = self.build(value_node, pointer, depth + 1)
                    for item in merged if isinstance(merged, list) else [merged]:
                        if isinstance(item, dict):
                            for k, v in item.items():
                                result.setdefault(k, v)
                    continue
                result[key] = self.build(value_node, f"{pointer}/{escape_pointer(key)}", depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, f"{pointer}/{index}", depth + 1)
                for index, item in enumerate(node.value)
            ]
        return _scalar(node)

    def _key(self, node: Any) -> str:
        import yaml

        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node)
            if isinstance(value, bool):
                return "true" if value else "false"
            return "null" if value is None else str(value)
        return "<<" if node.tag == "tag:yaml.org,2002:merge" else repr(node.value)[:80]


def _scalar(node: Any) -> Any:
    text = node.value
    tag = node.tag or ""
    if node.style is not None and node.style != "":
        return text  # quoted or block text is a string
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on", "y")
    if tag.endswith(":int"):
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag.endswith(":float"):
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text


def parse_yaml(data: bytes | str) -> ParsedYaml | Unreadable:
    """``data`` as JSON data with positions, or why it cannot be read."""
    import yaml

    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        return Unreadable(f"not UTF-8 text ({error.reason} at byte {error.start})")
    try:
        loader = yaml.SafeLoader(text)
        # CloudFormation's short forms are tags PyYAML does not know: compose only (no
        # constructor runs), so every tag is read as plain data by _Builder.
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return Unreadable(f"not valid YAML: {error.problem or error}", *where)
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        return Unreadable(f"not valid YAML: {error}")
    if node is None:
        return Unreadable("the file is empty")
    builder = _Builder()
    try:
        value = builder.build(node, "", 0)
    except (_TooLarge, RecursionError):
        return Unreadable(
            f"too large or too deep to read (more than {MAX_NODES:,} nodes or {MAX_DEPTH} levels, "
            "aliases expanded)"
        )
    return ParsedYaml(value, builder.positions)
