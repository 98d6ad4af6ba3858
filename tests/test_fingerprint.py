"""A build is stale exactly when something it uses changed: the code it imports, found from the code itself, and
the reference bytes its stages read, taken once per build as a snapshot that every stage (and worker) reads."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib import build, reference
from lib.build.fingerprint import lib_imports
from lib.config import ROOT, SEEDS_DIR, TAXONOMY_YAML
from lib.pipeline import tagging


@pytest.fixture(autouse=True)
def files_as_they_are():
    """Every test leaves the reference files as they are on disk active (after monkeypatch is undone)."""
    yield
    reference.activate(reference.Snapshot.read())


@pytest.fixture()
def code_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "lib", tmp_path / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_every_module_the_build_imports_is_fingerprinted():
    files = {p.relative_to(ROOT).as_posix() for p in build.pipeline_modules()}
    assert {
        "lib/intkeys.py",
        "lib/build/run.py",
        "lib/pipeline/tagging.py",
        "lib/reference.py",
    } <= files  # intkeys was missed
    assert not {f for f in files if f.startswith(("lib/charts", "lib/query", "lib/ui", "lib/exports", "app_pages"))}


def test_what_a_real_build_loads_is_what_is_fingerprinted(tmp_path):
    """Run a build in a fresh interpreter and list the lib modules it really loaded."""
    script = (
        f"import sys, json; from pathlib import Path; from lib.build import build_tables; "
        f"build_tables(Path({str(SEEDS_DIR)!r})); "
        f"print(json.dumps(sorted(m.__file__ for n, m in list(sys.modules.items()) "
        f"if n.split('.')[0] == 'lib' and getattr(m, '__file__', None))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()[-1]
    )
    assert {Path(f).resolve() for f in loaded} <= set(build.pipeline_modules())


@pytest.mark.parametrize(
    "edited, changes",
    [
        ("lib/intkeys.py", True),  # a helper module of the build
        ("lib/pipeline/tagging.py", True),
        ("lib/charts/overview.py", False),  # a chart: the tables do not depend on it
        ("lib/ui/__init__.py", False),
    ],
)
def test_the_fingerprint_follows_the_build_code_only(code_copy, edited, changes):
    snapshot = reference.Snapshot.read()
    before = build.code_fingerprint(snapshot, code_copy)
    with (code_copy / edited).open("a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    assert (build.code_fingerprint(snapshot, code_copy) != before) == changes


def with_new_theme(snapshot: reference.Snapshot) -> reference.Snapshot:
    """The snapshot with one more theme in taxonomy.yaml, as an official's edit would add it."""
    text = snapshot.files[TAXONOMY_YAML].decode("utf-8").replace("themes:\n", "themes:\n  测试新主题: [科技]\n", 1)
    files = {**snapshot.files, TAXONOMY_YAML: text.encode("utf-8")}
    return reference.Snapshot(files, snapshot.digest + "-edited")


def test_stages_derive_their_vocabularies_again_for_a_new_snapshot():
    original = reference.Snapshot.read()
    reference.activate(original)
    assert "测试新主题" not in tagging.tag("加强科技创新", None).themes
    reference.activate(with_new_theme(original))
    assert "测试新主题" in tagging.tag("加强科技创新", None).themes  # an lru_cache kept the old vocabulary


def test_an_edited_taxonomy_reaches_every_document_of_the_next_build(tmp_path, monkeypatch):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(SEEDS_DIR, seeds)
    build.build(seeds, out, use_manifest=False)
    assert not build.is_stale(seeds, out, use_manifest=False)
    edited = with_new_theme(reference.Snapshot.read())
    monkeypatch.setattr(reference.Snapshot, "read", classmethod(lambda cls, paths=None: edited))
    assert build.is_stale(seeds, out, use_manifest=False)  # a fresh --if-stale said "up to date"
    report = build.build(seeds, out, use_manifest=False)  # in the same process, as the dashboard's import does
    assert report["processed"] == 5
    import pyarrow.parquet as pq

    themes = pq.read_table(out / "measures.parquet", columns=["themes"]).column("themes").to_pylist()
    assert sum("测试新主题" in t for t in themes) > 0  # 0 before: the stages kept the vocabulary they loaded first


def _imports_by_walking(source: bytes) -> list[tuple[str, list[str]]]:
    """What the whole module's syntax tree imports from lib (the reference lib_imports must agree with)."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names if a.name.split(".")[0] == "lib")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lib":
            found.append((node.module, [a.name for a in node.names]))
    return found


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import lib.codes\n", [("lib.codes", [])]),
        ("from lib.pipeline import tagging, targets\n", [("lib.pipeline", ["tagging", "targets"])]),
        ("from lib.build.cache import (\n    Run,\n    joined,\n)\n", [("lib.build.cache", ["Run", "joined"])]),
        ("def f():\n    from lib import importer\n    return importer\n", [("lib", ["importer"])]),
        ("from lib.build.cache import Run, \\\n    joined\n", [("lib.build.cache", ["Run", "joined"])]),
        ("import os\nfrom pathlib import Path\nlibrary = 1\n", []),
    ],
    ids=["import", "from", "parenthesised", "inside a function", "backslash", "none"],
)
def test_the_lib_imports_of_a_module_are_read_without_parsing_all_of_it(source, expected):
    assert sorted(lib_imports(source.encode())) == sorted(expected)


def test_reading_only_the_import_statements_finds_what_the_whole_syntax_tree_does():
    for path in sorted([*(ROOT / "lib").rglob("*.py"), *(ROOT / "app_pages").glob("*.py")]):
        source = path.read_bytes()
        assert sorted(lib_imports(source)) == sorted(_imports_by_walking(source)), path.name
