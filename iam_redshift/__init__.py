"""iam-redshift: render and lint the IAM documents of the two-role Amazon Redshift pattern.

An EC2 instance role (trusted by EC2) may assume Redshift access roles (each trusting exactly
that instance role). This package renders their policy documents from a small validated setup,
and lints IAM documents, one at a time and against each other, all offline:
``iam_redshift.lint("out/")`` returns the findings of a directory, ``iter_lint`` yields them.

Importing this package is cheap: the names below are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from iam_redshift._version import __version__

_MISSING = object()

if TYPE_CHECKING:  # the names of __all__, for type checkers (a test holds them equal)
    from iam_redshift.engine import (
        LintOptions,
        iter_lint,
        iter_lint_contents,
        lint,
        lint_bundle,
        lint_document,
    )
    from iam_redshift.errors import (
        BundleWriteError,
        ConfigError,
        IamRedshiftError,
        InputError,
        SetupFileError,
        UsageError,
    )
    from iam_redshift.findings import Finding, Location, Severity
    from iam_redshift.model import (
        AccessRole,
        InstanceRole,
        RedshiftCluster,
        RedshiftServerless,
        Setup,
        SetupError,
    )
    from iam_redshift.render import Bundle, BundleDocument, render_bundle
    from iam_redshift.setup_file import dump_json, dump_toml, load_setup, parse_setup

__all__ = [
    "AccessRole",
    "Bundle",
    "BundleDocument",
    "BundleWriteError",
    "ConfigError",
    "Finding",
    "IamRedshiftError",
    "InputError",
    "InstanceRole",
    "LintOptions",
    "Location",
    "RedshiftCluster",
    "RedshiftServerless",
    "Setup",
    "SetupError",
    "SetupFileError",
    "Severity",
    "UsageError",
    "__version__",
    "dump_json",
    "dump_toml",
    "iter_lint",
    "iter_lint_contents",
    "lint",
    "lint_bundle",
    "lint_document",
    "load_setup",
    "parse_setup",
    "render_bundle",
]

#: Where the names of ``__all__`` are defined, cheapest to import first: a name is loaded, on first
#: use, from the first of these that has it (so ``load_setup`` never imports the linter).
_MODULES = (
    "iam_redshift.errors",
    "iam_redshift.findings",
    "iam_redshift.model",
    "iam_redshift.setup_file",
    "iam_redshift.render",
    "iam_redshift.engine",
)


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module in _MODULES:
            value = getattr(importlib.import_module(module), name, _MISSING)
            if value is not _MISSING:
                globals()[name] = value
                return value
    raise AttributeError(f"module 'iam_redshift' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
