"""The package's public surface: ``iam_redshift.lint(...)`` and friends, lazily imported."""

from __future__ import annotations

from pathlib import Path

import iam_redshift
from tests.conftest import EXAMPLE, modules_after


def test_lint_is_a_function_even_after_the_engine_is_imported(tmp_path: Path) -> None:
    # Importing the engine's package must not shadow the function of the same purpose.
    import iam_redshift.engine
    from iam_redshift.bundle_io import write_files

    out = tmp_path / "out"

    write_files(iam_redshift.render_bundle(iam_redshift.load_setup(EXAMPLE)).files(), out)
    findings = iam_redshift.lint(out)
    assert {f.code for f in findings} == {"IR202", "IR204"}
    assert findings == sorted(findings, key=iam_redshift.Finding.sort_key)
    assert sorted(iam_redshift.iter_lint(out), key=iam_redshift.Finding.sort_key) == findings
    assert all(f.severity is iam_redshift.Severity.WARNING for f in findings)


def test_every_public_name_resolves() -> None:
    for name in iam_redshift.__all__:
        assert getattr(iam_redshift, name) is not None, name
    assert sorted(iam_redshift.__all__) == iam_redshift.__all__


def test_import_is_light() -> None:
    heavy = {"hypothesis", "parliament", "policyuniverse", "jsonschema"}
    assert not heavy & modules_after("import iam_redshift")


def test_the_names_type_checkers_see_are_the_public_names() -> None:
    import ast

    tree = ast.parse(Path(iam_redshift.__file__).read_text(encoding="utf-8"))
    checked = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    )
    imported = {
        alias.name
        for node in checked.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == set(iam_redshift.__all__) - {"__version__"}


def test_library_errors_share_a_base_apart_from_usage_errors() -> None:
    from iam_redshift import errors

    # Every error class the module defines, so that a new one is held to the rule too.
    library = {
        value
        for value in vars(errors).values()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__ == errors.__name__
    } - {errors.IamRedshiftError, errors.UsageError}
    assert {e.__name__ for e in library} >= {
        "BundleWriteError",
        "ConfigError",
        "InputError",
        "SetupFileError",
    }
    for error in library:
        assert issubclass(error, errors.IamRedshiftError), error
        assert not issubclass(error, errors.UsageError), error
