"""The layout's rules, as the README states them: data flows one way through the packages (import-linter's
contracts in pyproject.toml), pages reach the pipeline and the build only through the importer, and no module
imports itself through others."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

from lib.config import ROOT

PAGE_SCRIPTS = [*sorted((ROOT / "app_pages").glob("*.py")), ROOT / "dashboard.py", ROOT / "server.py"]


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update([node.module, *(f"{node.module}.{alias.name}" for alias in node.names)])
    return found


def test_pages_reach_the_pipeline_and_the_build_only_through_the_importer():
    reached = {
        page.name: sorted(m for m in imported_modules(page) if m.startswith(("lib.pipeline", "lib.build")))
        for page in PAGE_SCRIPTS
    }
    assert not {page: modules for page, modules in reached.items() if modules}


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every module that imports itself through others, with one such path."""
    found, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == "open":
                found.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph.modules):
        if module not in state:
            visit(module, [module])
    return found


def test_no_module_imports_itself_through_others():
    assert not cycles(grimp.build_graph("lib"))


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_tests_build_outside_the_working_tree():
    from lib.config import BUILD_DIR

    assert ROOT not in BUILD_DIR.parents  # a running dashboard reads data/build/; tests leave it alone
