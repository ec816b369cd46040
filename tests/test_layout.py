"""The house rules of the package, checked on the source (the AST), so they hold after every change:

- only the ``ui`` wing imports streamlit; only the ``cli`` wing imports argparse;
- nothing in the package imports ``ui`` or ``cli`` (``__main__`` may start the command line);
- no import cycles between modules, function-level imports included (they cannot hide a cycle);
- a writer in ``report/`` imports the report's model, never the package that dispatches to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "naringsdash"


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PKG.rglob("*.py")}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def resolve(importer: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The package modules an import statement loads (``from . import x`` counts as the submodule x)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = importer.split(".")
        base = base if is_package(importer) else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
    # ``from . import common`` loads the submodule; the package itself counts only when a name is not one.
    return subs if len(subs) == len(node.names) else [target] + subs


def imports_of(name: str) -> list[tuple[str, int]]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found += [(t, node.lineno) for t in resolve(name, node)]
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def wing(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and f"naringsdash.{parts[1]}" in MODULES and is_package(
        f"naringsdash.{parts[1]}") else None


@pytest.mark.parametrize("library, allowed", [("streamlit", "ui"), ("argparse", "cli")])
def test_only_one_wing_imports(library, allowed):
    offenders = [f"{name}:{line}" for name, deps in GRAPH.items() for dep, line in deps
                 if (dep == library or dep.startswith(library + ".")) and wing(name) != allowed]
    assert offenders == [], f"{library} is for the {allowed} wing only"


@pytest.mark.parametrize("top", ["ui", "cli"])
def test_nothing_imports_the_top_wings(top):
    prefix = f"naringsdash.{top}"
    offenders = [f"{name}:{line} → {dep}" for name, deps in GRAPH.items() for dep, line in deps
                 if (dep == prefix or dep.startswith(prefix + ".")) and wing(name) != top
                 and not (top == "cli" and name == "naringsdash.__main__")]
    assert offenders == []


def test_no_import_cycles():
    edges = {name: sorted({d for d, _ in deps if d in MODULES and d != name}) for name, deps in GRAPH.items()}
    # A package's __init__ that re-exports its modules is an edge package → module; a module importing a
    # sibling through the package (``from .. import store``) is module → package. Both are real edges.
    cycles, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in edges[n]:
            if state.get(m) == 1:
                cycles.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    assert cycles == [], "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_report_writers_import_the_model_not_the_dispatcher():
    if "naringsdash.report" not in MODULES or not is_package("naringsdash.report"):
        pytest.skip("report is not a package")
    offenders = [f"{name}:{line}" for name, deps in GRAPH.items() for dep, line in deps
                 if name.startswith("naringsdash.report.") and dep == "naringsdash.report"]
    assert offenders == []


def test_the_checker_sees_a_cycle(tmp_path):
    """The cycle check itself can fail: a two-module cycle written on disk is found."""
    saved = dict(GRAPH)
    try:
        GRAPH["naringsdash.schema"] = saved["naringsdash.schema"] + [("naringsdash.wording", 1)]
        GRAPH["naringsdash.wording"] = saved["naringsdash.wording"] + [("naringsdash.schema", 1)]
        with pytest.raises(AssertionError, match="import cycles"):
            test_no_import_cycles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)
