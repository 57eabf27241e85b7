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

if TYPE_CHECKING:
    from iam_redshift.engine import (
        LintOptions,
        iter_lint,
        iter_lint_files,
        lint,
        lint_bundle,
        lint_document,
    )
    from iam_redshift.errors import BundleWriteError, SetupFileError, UsageError
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
    "Finding",
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
    "iter_lint_files",
    "lint",
    "lint_bundle",
    "lint_document",
    "load_setup",
    "parse_setup",
    "render_bundle",
]

_LAZY = {
    "AccessRole": "iam_redshift.model",
    "InstanceRole": "iam_redshift.model",
    "RedshiftCluster": "iam_redshift.model",
    "RedshiftServerless": "iam_redshift.model",
    "Setup": "iam_redshift.model",
    "SetupError": "iam_redshift.model",
    "Bundle": "iam_redshift.render",
    "BundleDocument": "iam_redshift.render",
    "render_bundle": "iam_redshift.render",
    "BundleWriteError": "iam_redshift.errors",
    "SetupFileError": "iam_redshift.errors",
    "UsageError": "iam_redshift.errors",
    "Finding": "iam_redshift.findings",
    "Location": "iam_redshift.findings",
    "Severity": "iam_redshift.findings",
    "LintOptions": "iam_redshift.engine",
    "iter_lint": "iam_redshift.engine",
    "iter_lint_files": "iam_redshift.engine",
    "lint": "iam_redshift.engine",
    "lint_bundle": "iam_redshift.engine",
    "lint_document": "iam_redshift.engine",
    "dump_json": "iam_redshift.setup_file",
    "dump_toml": "iam_redshift.setup_file",
    "load_setup": "iam_redshift.setup_file",
    "parse_setup": "iam_redshift.setup_file",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'iam_redshift' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
