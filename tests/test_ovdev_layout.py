"""The layout of ``tools/ovdev``: no import cycle among its modules, none over 400 lines.

The import graph is read with ``ast`` from the sources (nothing is
imported), every import counted, a function-local one too: an import moved
into a function to dodge a cycle is still a cycle. A cycle is broken by
moving the code to the module it belongs to.
"""

import ast
from pathlib import Path

from ovdev.addons import REPO_ROOT

PACKAGE = Path(REPO_ROOT) / "tools" / "ovdev"
MAX_LINES = 400


def import_graph(package):
    """{module: sorted modules of ``package`` it imports}, from the sources."""
    name = package.name
    modules = {path.stem: path for path in sorted(package.glob("*.py"))}
    graph = {}
    for module, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == name and len(parts) > 1:
                        imported.add(parts[1])
            elif isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    parts = node.module.split(".") if node.module else []
                elif node.level == 0 and node.module and node.module.split(".")[0] == name:
                    parts = node.module.split(".")[1:]
                else:
                    continue
                if parts:
                    imported.add(parts[0])
                else:  # from . import a, b
                    imported.update(alias.name for alias in node.names)
        graph[module] = sorted(imported & set(modules) - {module})
    return graph


def cycles(graph):
    """The import cycles of ``graph``: its strongly connected components of
    more than one module (Tarjan), each sorted, in a sorted list."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return sorted(found)


def test_the_graph_finds_a_cycle_and_every_form_of_import(tmp_path):
    package = tmp_path / "ovdev"
    package.mkdir()
    (package / "a.py").write_text("from .b import x\n")
    (package / "b.py").write_text("def f():\n    from . import c\n")
    (package / "c.py").write_text("import ovdev.a\nfrom ovdev import d\n")
    (package / "d.py").write_text("from ovdev.e import y\nimport os\n")
    (package / "e.py").write_text("from . import d as again\n")
    graph = import_graph(package)
    assert graph == {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"]}
    assert cycles(graph) == [["a", "b", "c"], ["d", "e"]]


def test_ovdev_imports_are_read():
    graph = import_graph(PACKAGE)
    assert "bench_fill" in graph["bench_run"] and "bench_fill" in graph["load_data"]


def _describe(graph, cycle):
    """'a.py, b.py (a imports b; b imports a)': the modules and their imports in the cycle."""
    edges = "; ".join(
        f"{module} imports {', '.join(other for other in graph[module] if other in cycle)}"
        for module in cycle
    )
    return f"{', '.join(f'{module}.py' for module in cycle)} ({edges})"


def test_ovdev_has_no_import_cycle():
    graph = import_graph(PACKAGE)
    found = cycles(graph)
    assert found == [], "import cycles in tools/ovdev, move code to break each: " + " | ".join(
        _describe(graph, cycle) for cycle in found
    )


def test_no_ovdev_module_over_400_lines():
    long = {
        path.name: count
        for path in sorted(PACKAGE.glob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"tools/ovdev modules over {MAX_LINES} lines, split by responsibility: " + (
        ", ".join(f"{name} ({count})" for name, count in long.items())
    )
