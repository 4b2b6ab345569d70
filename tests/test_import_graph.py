"""The import graph of the project's packages: layered and without cycles.

The packages stand in layers: ``model`` (the rules and the engines) knows nothing of
``experiments`` (runs, comparisons, the command line), which knows nothing of
``seminar`` (the browser app). Within and across them the graph of imports has no
cycle. The graph is read from the source with :mod:`ast`, imports inside functions
included (they are the usual way to hide a cycle); imports under ``if TYPE_CHECKING:``
are left out, since they never run. ``from package import name`` counts as an import of
the submodule ``package.name`` when there is one, otherwise of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "experiments", "seminar")
# A package may import from the packages before it in this order, never after.
LAYERS = {name: rank for rank, name in enumerate(PACKAGES)}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """Project modules imported anywhere in ``tree`` (function bodies included)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (closest known module of each import)."""
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for target in _imports(tree, name, path.name == "__init__.py", known):
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_is_read_whole(graph):
    """The reader sees the modules and their function-level imports (it can fail)."""
    assert {"model.rules", "model.census", "model.arrays", "seminar.app"} <= set(graph)
    assert "model.rules" in graph["model.arrays"]


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_packages_import_only_the_layers_below(graph):
    upward = sorted(f"{a} imports {b}" for a, targets in graph.items() for b in targets
                    if LAYERS[b.split(".")[0]] > LAYERS[a.split(".")[0]])
    assert upward == []


def test_the_checks_catch_a_cycle_and_an_upward_import():
    """Negative controls: a planted cycle and a planted upward import are found."""
    planted = {"model.a": {"model.b"}, "model.b": {"model.c"}, "model.c": {"model.a"},
               "model.d": set()}
    assert cycles(planted) == [["model.a", "model.b", "model.c"]]
    tree = ast.parse("def f():\n    from experiments import runner\n")
    assert _imports(tree, "model.x", False, {"experiments.runner"}) == {"experiments.runner"}
    typed = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from model import x\n")
    assert _imports(typed, "model.y", False, {"model.x"}) == set()
