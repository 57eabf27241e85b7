"""A stand-in for the one piece of ``pkg_resources`` that parliament uses.

Why this exists: parliament (1.6.x) runs ``import pkg_resources`` when it is imported, only to
call ``pkg_resources.resource_filename(__name__, name)`` for its two data files
(``iam_definition.json`` and ``config.yaml``). ``pkg_resources`` comes with setuptools, and is
missing from environments without setuptools (a plain ``python -m venv`` on Python 3.12+, many
slim images) and from setuptools 82.0.0 on, which removed it. There, ``import parliament`` fails
with ``ModuleNotFoundError: No module named 'pkg_resources'``.

So, only when ``pkg_resources`` cannot be found, :func:`ensure_pkg_resources` registers a minimal
module under that name whose ``resource_filename`` is built on :mod:`importlib.resources`. When
the real one is present it is left alone. :func:`remove_shim` takes the stand-in out of
:data:`sys.modules` again once parliament is imported, so that other code probing for
``pkg_resources`` (``try: import pkg_resources``) is not misled by a module that has one function.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.machinery
import importlib.resources
import importlib.util
import sys
import types
from pathlib import Path

__all__ = ["SHIM_MARKER", "ensure_pkg_resources", "install_shim", "is_shim", "remove_shim"]

#: Attribute set on the stand-in module, so that it can be told from the real ``pkg_resources``.
SHIM_MARKER = "__iam_redshift_shim__"

# Files extracted from non-file-system packages (zip imports) stay until the process exits, as
# with pkg_resources' own extraction cache: a caller keeps the path, not a context manager.
_EXTRACTED = contextlib.ExitStack()
atexit.register(_EXTRACTED.close)


def _anchor(package: str) -> str:
    """The package whose directory holds ``package``'s resources (itself, or a module's parent)."""
    module = sys.modules.get(package) or importlib.import_module(package)
    if getattr(module, "__path__", None) is not None:
        return package
    spec = getattr(module, "__spec__", None)
    parent = getattr(spec, "parent", "") if spec is not None else ""
    return parent if isinstance(parent, str) and parent else package


def resource_filename(package_or_requirement: str, resource_name: str) -> str:
    """``pkg_resources.resource_filename``: a real file system path to a package's data file."""
    resource = importlib.resources.files(_anchor(package_or_requirement)).joinpath(resource_name)
    if isinstance(resource, Path):
        return str(resource)
    return str(_EXTRACTED.enter_context(importlib.resources.as_file(resource)))


def install_shim() -> types.ModuleType:
    """Register the stand-in as ``sys.modules["pkg_resources"]`` (unconditionally) and return it."""
    shim = types.ModuleType("pkg_resources", "Minimal pkg_resources stand-in (iam-redshift).")
    shim.__spec__ = importlib.machinery.ModuleSpec("pkg_resources", None)
    shim.__dict__["resource_filename"] = resource_filename
    setattr(shim, SHIM_MARKER, True)
    sys.modules["pkg_resources"] = shim
    return shim


def is_shim(module: object) -> bool:
    """Whether ``module`` is this stand-in rather than the real ``pkg_resources``."""
    return isinstance(module, types.ModuleType) and getattr(module, SHIM_MARKER, False) is True


def ensure_pkg_resources() -> None:
    """Make ``import pkg_resources`` work, installing the stand-in only if it cannot be found.

    The real module is neither imported nor replaced here: if it can be found, parliament's own
    ``import pkg_resources`` gets it (with setuptools' deprecation warning, which the caller
    silences around that import).
    """
    if "pkg_resources" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("pkg_resources")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        install_shim()


def remove_shim() -> None:
    """Take the stand-in (and only the stand-in) out of :data:`sys.modules`."""
    if is_shim(sys.modules.get("pkg_resources")):
        del sys.modules["pkg_resources"]
