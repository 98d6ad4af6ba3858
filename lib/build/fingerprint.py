"""What a build depends on, as hashes: the code it imports (read off the code), the reference files its stages
read (the snapshot), each document's content and curated entry; and whether the tables on disk are stale."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

from lib import reference
from lib.build.cache import Input, cache_state, scan_inputs
from lib.build.corrections import path_next_to
from lib.build.output import damaged_tables
from lib.config import DOCUMENTS_YAML, PIPELINE_VERSION, ROOT

# ---- Fingerprints and keys -------------------------------------------------------------------------------


def pipeline_modules(root: Path = ROOT, start: str = "lib.build.run") -> list[Path]:
    """The source files of every lib module the build imports, directly or through others, with the packages that
    hold them (read from the code, so a module added to the pipeline is fingerprinted without anyone listing it;
    pages and charts, which the build never imports, are not)."""
    found: dict[str, Path] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        path = _module_file(root, module)
        if module in found or path is None:
            continue
        found[module] = path
        todo.extend(module.rsplit(".", n)[0] for n in range(1, module.count(".") + 1))  # lib.build, lib
        for name, names in lib_imports(path.read_bytes()):
            # `from lib.pipeline import tagging` names a module; `from lib.build.cache import Run` a name in one
            todo.extend(f"{name}.{alias}" for alias in names if _module_file(root, f"{name}.{alias}"))
            todo.append(name)
    return sorted(found.values())


# The statements that import from lib, each whole (a parenthesised list spans lines): parsing only these is ~50×
# cheaper than parsing every module (0.13 s of each build's fixed cost, measured on 32 modules).
LIB_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+lib(?:\.\w+)*[ \t]+import[ \t]+(?:\([^)]*\)|.*)|import[ \t]+lib\b.*)$", re.M
)


def lib_imports(source: bytes) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) of every lib import statement of a module's source, inside functions too;
    the whole module is parsed only when a statement does not parse alone (a backslash continuation)."""
    trees = []
    for match in LIB_IMPORT.finditer(source):
        try:
            trees.append(ast.parse(match.group().strip()))
        except SyntaxError:
            trees = [ast.parse(source)]
            break
    found: list[tuple[str, list[str]]] = []
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names if alias.name.split(".")[0] == "lib")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lib":
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def code_fingerprint(snapshot: reference.Snapshot | None = None, root: Path = ROOT) -> str:
    """What every document's result depends on besides its bytes and its curated entry: the code the build
    imports and the reference bytes its stages read (the snapshot's digest; by default the files as they are)."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in pipeline_modules(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update((snapshot or reference.Snapshot.read()).digest.encode())
    return digest.hexdigest()[:16]


def build_key(content_sha256: str, fingerprint: str, overrides: dict | None) -> str:
    """A document's cache key: its content, the pipeline and its curated overrides."""
    extra = json.dumps(overrides, ensure_ascii=False, sort_keys=True, default=str) if overrides else "{}"
    return hashlib.sha256(f"{content_sha256}|{fingerprint}|{extra}".encode()).hexdigest()[:24]


def input_digest(inputs: list[Input], fingerprint: str, use_manifest: bool, manifest: Path) -> str:
    digest = hashlib.sha256(f"{fingerprint}|{use_manifest}".encode())
    for item in inputs:
        digest.update(f"{item.name}\0{item.sha256}\n".encode())
    if use_manifest and manifest.exists():
        digest.update(manifest.name.encode() + b"\0" + manifest.read_bytes())
    if use_manifest and (corrections := path_next_to(manifest)).exists():  # applied by every build, last
        digest.update(corrections.name.encode() + b"\0" + corrections.read_bytes())
    return digest.hexdigest()[:16]


def input_hash(
    seed_dir: Path, use_manifest: bool = True, manifest: Path = DOCUMENTS_YAML, out_dir: Path | None = None
) -> str:
    """Fingerprint of everything a build depends on: inputs, curated overrides and corrections, reference data,
    code (with
    the content hashes remembered in out_dir's cache, when given)."""
    inputs = scan_inputs(seed_dir, cache_state(out_dir).get("inputs"))
    return input_digest(inputs, code_fingerprint(), use_manifest, manifest)


def is_stale(seed_dir: Path, out_dir: Path, use_manifest: bool = True, manifest: Path = DOCUMENTS_YAML) -> bool:
    """True when the tables are missing, damaged (unreadable, or another size or row count than the build
    recorded) or were built from other inputs, data or code."""
    try:
        report = json.loads((out_dir / "build_report.json").read_text(encoding="utf-8"))
        if not isinstance(report, dict) or damaged_tables(out_dir, report):
            return True
        return report.get("input_hash") != input_hash(seed_dir, use_manifest, manifest, out_dir)
    except (ValueError, OSError):  # a missing or unreadable report (JSONDecodeError is a ValueError)
        return True
