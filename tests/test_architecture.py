"""One direction: the import structure of the package (issue 14).

The layers are declared once, in ``pyproject.toml`` (``[tool.importlinter]``): commands above the project
build, the build above the stages, the stages above the engine. These tests hold the code to them.
"""

from __future__ import annotations

import ast
import contextlib
import io

import grimp
from importlinter.cli import lint_imports

from tests.conftest import ROOT

PACKAGE = ROOT / "analysis"
# `rapidrec --help` must stay fast: a command imports what it runs only when it runs
DEFERRED_IMPORTS = PACKAGE / "commands"


def test_the_layers_contract_is_kept():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, out.getvalue()


def _circles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_no_import_circle_among_modules():
    assert _circles(grimp.build_graph("analysis")) == []


def test_the_circle_finder_finds_a_circle():
    class Graph:  # a -> b -> c -> a, c -> d
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
        modules = set(edges)

        def find_modules_directly_imported_by(self, m):
            return self.edges[m]

    assert _circles(Graph()) == [["a", "b", "c"]]


def test_no_import_inside_a_function_outside_the_commands():
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if DEFERRED_IMPORTS in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{path.relative_to(ROOT)}:{sub.lineno}" for sub in ast.walk(node)
                           if isinstance(sub, (ast.Import, ast.ImportFrom))]
    assert hidden == []
