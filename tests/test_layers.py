"""The package's layers import only downwards, and no module imports itself back in a cycle.

Every import counts, at module level or inside a function, and ``TYPE_CHECKING`` ones too: a
function-level import still couples two modules, it only hides the cycle from the interpreter.
The layers, bottom to top, are drawn in README's "Architecture" section.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "iam_redshift"

#: Bottom to top. A module may import modules of its own layer or of layers below it. A module
#: belongs to the first layer with a prefix that matches it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "model and findings",
        (
            "iam_redshift._version",
            "iam_redshift._memo",
            "iam_redshift._read",
            "iam_redshift._record",
            "iam_redshift.errors",
            "iam_redshift.findings",
            "iam_redshift.arn",
            "iam_redshift.matching",
            "iam_redshift.model",
            "iam_redshift.layout",
            "iam_redshift._schemas",
            "iam_redshift._quick_schema",
        ),
    ),
    ("knowledge", ("iam_redshift.knowledge",)),
    (
        "sources and render",
        (
            "iam_redshift.sources",
            "iam_redshift.setup_file",
            "iam_redshift.render",
            "iam_redshift.bundle_io",
            "iam_redshift.connection",
        ),
    ),
    ("document view", ("iam_redshift.document", "iam_redshift.evaluation")),
    ("rules", ("iam_redshift.rules",)),
    ("engine", ("iam_redshift.engine", "iam_redshift.graph")),
    ("configuration", ("iam_redshift.configuration",)),
    ("formats", ("iam_redshift.formats",)),
    ("cli", ("iam_redshift.cli", "iam_redshift.__main__")),
    (
        "public API and strategies",
        ("iam_redshift.strategies", "iam_redshift._hypothesis_plugin", "iam_redshift"),
    ),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@functools.cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str) -> Iterator[str]:
    """Every module of the package that ``path`` imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            # ``from iam_redshift import rules`` imports the module ``iam_redshift.rules``.
            if all(_is_module(s) for s in submodules):
                yield from submodules
            else:
                yield module


def _is_module(name: str) -> bool:
    return name in _modules()


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, name):
            if imported in modules and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def layer_of(module: str) -> int:
    """The index of ``module``'s layer (the longest matching prefix wins)."""
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (index, len(prefix))
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return best[0]


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        layer_of(module)


def test_imports_only_go_down() -> None:
    upward = [
        f"{source} ({LAYERS[layer_of(source)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for source, targets in _graph().items()
        for target in sorted(targets)
        # A package's __init__ may name its own submodules (and the top package is the API).
        if layer_of(target) > layer_of(source) and not target.startswith(source + ".")
    ]
    assert upward == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    # The top package only re-exports names lazily (importlib, invisible here); a submodule
    # importing ``iam_redshift`` itself would be a cycle through it.
    graph = {k: {t for t in v if t != "iam_redshift"} for k, v in _graph().items()}
    assert _cycles(graph) == []


def test_the_guard_sees_function_level_and_upward_imports(tmp_path: Path) -> None:
    source = tmp_path / "iam_redshift" / "rules" / "x.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from iam_redshift.engine.run import LintOptions\n")
    assert "iam_redshift.engine.run" in set(_imports(source, "iam_redshift.rules.x"))
    assert layer_of("iam_redshift.engine.run") > layer_of("iam_redshift.rules.x")
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
