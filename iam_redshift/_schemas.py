"""Our JSON Schemas, read from the package and compiled once.

``schemas/`` at the top of the repository is the one canonical copy; the package reaches it as
``iam_redshift/schemas`` (a link in the source tree, real files in the wheel), so the same
path works from a wheel and from an editable install. They are read as files beside this module,
as the action knowledge is: ``importlib.resources`` would cost a cold lint several milliseconds of
imports, and the package is never imported from a zip archive.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["PACKAGE_DATA", "load_schema", "schema_names", "validator"]

#: The package's folder, which holds its data: ``schemas/`` and ``examples/``.
PACKAGE_DATA = Path(__file__).resolve().parent


def schema_names() -> tuple[str, ...]:
    """The file names of every schema we ship, sorted."""
    folder = PACKAGE_DATA / "schemas"
    return tuple(sorted(p.name for p in folder.iterdir() if p.name.endswith(".schema.json")))


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``name`` (e.g. ``"setup.schema.json"``) as a JSON object."""
    text = (PACKAGE_DATA / "schemas" / name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def validator(name: str) -> Validator:
    """A compiled Draft 2020-12 validator for schema ``name``; ``$ref`` across our schemas works,
    and ``pattern`` has JSON Schema's meaning (:func:`ecma_regex`)."""
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (load_schema(n)["$id"], Resource.from_contents(load_schema(n))) for n in schema_names()
    )
    made: Validator = _validator_class()(load_schema(name), registry=registry)
    return made


@functools.cache
def _validator_class() -> Any:
    """Draft 2020-12's validator class with our ``pattern`` keyword, made once."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _pattern}
    )


def _pattern(validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[Any]:
    """jsonschema's ``pattern`` keyword, with :func:`ecma_regex` for ``re.search``."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=256)
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A schema's ``pattern`` compiled with the meaning JSON Schema gives it (ECMA-262): ``$``
    (outside a character class) matches at the end of the text only. In Python's ``re`` it also
    matches before a final line feed, so ``^[0-9]{12}$`` would accept ``"123456789012\n"``
    and an action pattern ``"s3:PutObject\n"``, which IAM refuses."""
    out: list[str] = []
    in_class = False
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            out.append(pattern[at : at + 2])
            at += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"(?![\s\S])"  # no character follows: the end of the text
        out.append(char)
        at += 1
    return re.compile("".join(out))
