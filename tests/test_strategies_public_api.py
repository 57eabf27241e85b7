"""``iam_redshift.strategies`` sits beside every layer and uses only iam-redshift's public API:
the names in the ``__all__`` of ``iam_redshift``, ``iam_redshift.model``,
``iam_redshift.findings``, ``iam_redshift.render`` and ``iam_redshift.knowledge``. So the layers
below can be rearranged without breaking the strategies users' tests run on."""

from __future__ import annotations

import ast
import importlib

from tests.conftest import REPO

PUBLIC_MODULES = {
    "iam_redshift",
    "iam_redshift.model",
    "iam_redshift.findings",
    "iam_redshift.render",
    "iam_redshift.knowledge",  # the regions a setup may name
}
PACKAGE = REPO / "iam_redshift" / "strategies"


def _imports() -> list[tuple[str, str, str]]:
    """(file, module, name) of every import of iam-redshift outside the strategies, at any
    depth (function-level and TYPE_CHECKING imports too)."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [alias.name for alias in node.names]
                found += [(path.name, node.module, name) for name in names]
            elif isinstance(node, ast.Import):
                found += [(path.name, alias.name, "") for alias in node.names]
    return [
        (file, module, name)
        for file, module, name in found
        if module.split(".")[0] == "iam_redshift"
        and not module.startswith("iam_redshift.strategies")
        and f"{module}.{name}" != "iam_redshift.strategies"
    ]


def test_the_strategies_import_only_public_modules() -> None:
    imports = _imports()
    assert imports, "the strategies build on iam-redshift"
    assert [i for i in imports if i[1] not in PUBLIC_MODULES] == []


def test_the_strategies_import_only_public_names() -> None:
    private = [
        (file, module, name)
        for file, module, name in _imports()
        if name not in importlib.import_module(module).__all__
    ]
    assert private == []
