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
    """A compiled Draft 2020-12 validator for schema ``name``; ``$ref`` across our schemas works."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (load_schema(n)["$id"], Resource.from_contents(load_schema(n))) for n in schema_names()
    )
    return Draft202012Validator(load_schema(name), registry=registry)
