"""One worker's share of the build (issue #20): `process_document` over the first N generated documents in
this process, its CPU seconds and those of `tagging.keywords` alone, and where the time goes (cProfile,
per pipeline module). Figures are printed, never asserted.

    .venv/bin/python bench/bench_pipeline.py                       # 300 documents, HEAD, 3 runs
    .venv/bin/python bench/bench_pipeline.py --code worktree --profile --stages
    .venv/bin/python bench/bench_pipeline.py --code 3e90e6b --code worktree   # old and new, alternating

Every run is a fresh process; with several --code values their runs alternate (old, new, old, new …),
so a drift of the shared machine's speed falls on both.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import common
from common import PYTHON, corpus_dir, machine, use_code


def documents(n: int) -> list[Path]:
    """The first n documents of the 1,000-document corpus (the --quick build's)."""
    return sorted(corpus_dir(1000).glob("gen_*.txt"))[:n]


# The stages timed without a profiler (module, function): each is wrapped where process_document finds it.
STAGES = (
    ("lib.pipeline.document", "read_document"),
    ("lib.pipeline.structure", "parse"),
    ("lib.pipeline.metadata", "extract"),
    ("lib.pipeline.agencies", "find_responsibility"),
    ("lib.pipeline.tagging", "tag"),
    ("lib.pipeline.tag_rules", "read_clauses"),
    ("lib.pipeline.tagging", "keywords"),
    ("lib.pipeline.targets", "extract"),
    ("lib.pipeline.citations", "extract"),
)


def timed_stages() -> dict[str, list[float]]:
    """Wrap each stage so that its CPU seconds add up (the outermost call only, for a recursive one)."""
    import importlib

    spent: dict[str, list[float]] = {}
    for module_name, name in STAGES:
        module = importlib.import_module(module_name)
        total = spent.setdefault(f"{module_name.rsplit('.', 1)[1]}.{name}", [0.0, 0.0])
        original = getattr(module, name)

        def wrapper(*args, _original=original, _total=total, **kwargs):
            if _total[1]:  # inside the outer call's time already
                return _original(*args, **kwargs)
            _total[1] = 1.0
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                _total[0] += time.process_time() - started
                _total[1] = 0.0

        setattr(module, name, wrapper)
    return spent


def worker(n: int, profile: bool, stages: bool = False) -> dict:
    from lib.pipeline import tagging
    from lib.pipeline.document import process_document

    files = [(p.name, p.read_bytes()) for p in documents(n)]
    tagging.keywords("预热分词器")  # the segmenter and reference data load once per process, outside the timing
    spent = timed_stages() if stages else {}
    profiler = cProfile.Profile() if profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    results = [process_document(name, raw, None) for name, raw in files]
    if profiler:
        profiler.disable()
    documents_cpu = time.process_time() - started
    staged = {name: seconds for name, (seconds, _) in spent.items()}  # before keywords are timed again below
    texts = [m["heading"] + "\n" + m["text"] for r in results for m in r.measures]
    started = time.process_time()
    for text in texts:
        tagging.keywords(text)
    keywords_cpu = time.process_time() - started
    started = time.process_time()
    for text in texts:
        tagging.cut(text)
    cut_cpu = time.process_time() - started
    out = {"documents": documents_cpu, "keywords": keywords_cpu, "cut": cut_cpu, "measures": len(texts)}
    if stages:
        out["stages"] = staged
    if profiler:
        out["profile"] = profile_table(profiler)
    return out


def profile_table(profiler: cProfile.Profile, top: int = 18) -> str:
    """Own time per source file (lib/pipeline/* by module, the rest by library), and the functions with the most."""
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    per_file: dict[str, float] = defaultdict(float)
    functions = []
    for (path, line, name), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = path.split("/lib/", 1)[1] if "/lib/" in path and "site-packages" not in path else path
        if "site-packages/" in where:
            where = where.split("site-packages/", 1)[1].split("/", 1)[0]
        elif where.startswith("<") or where == "~":
            where = "builtins (" + name.strip("<>").split(" ")[0] + ")" if where == "~" else where
        per_file[where] += tottime
        functions.append((tottime, cumtime, f"{where}:{line} {name}"))
    lines = [f"profiled {total:.2f} s of own time; by file (own time, share):"]
    for where, seconds in sorted(per_file.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {seconds:6.2f} s {seconds / total:6.1%}  {where}")
    lines.append("functions by own time (own s, cumulative s):")
    for tottime, cumtime, label in sorted(functions, reverse=True)[:top]:
        lines.append(f"  {tottime:6.2f} {cumtime:7.2f}  {label}")
    wanted = ("tag_rules.py", "tagging.py", "targets.py", "normalize.py", "agencies.py", "structure.py", "metadata.py")
    lines.append("cumulative time of the stages' entry points:")
    for (path, _line, name), (_cc, _nc, _tt, cumtime, _c) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):  # type: ignore[attr-defined]
        if path.endswith(wanted) and name in {
            "read_clauses",
            "keywords",
            "cut",
            "tokens",
            "tag",
            "extract",
            "parse",
            "normalize",
            "find_responsibility",
            "districts_in",
            "taxonomy",
        }:
            lines.append(f"  {cumtime:6.2f} s {cumtime / total:6.1%}  {path.rsplit('/', 1)[1]} {name}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", action="append", help="a commit or 'worktree' (repeat to compare; default HEAD)")
    parser.add_argument("--profile", action="store_true", help="also one profiled run per code, printed")
    parser.add_argument("--stages", action="store_true", help="also one run per code with each stage's CPU, unprofiled")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        use_code(args.code[0])
        print(json.dumps(worker(args.docs, args.profile, args.stages)))
        return
    codes = args.code or ["HEAD"]
    for code in codes:
        use_code(code)  # unpack each snapshot before timing
    print(machine())
    runs: dict[str, list[dict]] = {code: [] for code in codes}

    def run(code: str, profile: bool = False, stages: bool = False) -> dict:
        cmd = [PYTHON, __file__, "--worker", "--code", code, "--docs", str(args.docs)]
        cmd += (["--profile"] if profile else []) + (["--stages"] if stages else [])
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=common.ROOT)
        if done.returncode:
            sys.exit(done.stderr[-3000:])
        return json.loads(done.stdout.splitlines()[-1])

    for _ in range(args.runs):
        for code in codes:
            runs[code].append(run(code))
    n_measures = runs[codes[0]][0]["measures"]
    print(
        f"\n{args.docs} generated documents, {n_measures:,} measures, one process each run (CPU seconds, median [min, max] of {args.runs}):"
    )
    print(
        f"  {'code':<10} {'process_document':>24} {'docs/s (1 core)':>16} {'keywords (all measures)':>26} {'of it cut':>22}"
    )
    for code in codes:
        docs, kw, cut = ([r[key] for r in runs[code]] for key in ("documents", "keywords", "cut"))
        print(f"  {code:<10} {fmt(docs):>24} {args.docs / statistics.median(docs):>16.1f} {fmt(kw):>26} {fmt(cut):>22}")
    if args.stages:
        print("\nCPU seconds of each stage inside process_document (one run per code, wrappers, no profiler):")
        staged = {code: run(code, stages=True) for code in codes}
        for name in staged[codes[0]]["stages"]:
            cells = [
                f"{staged[c]['stages'][name]:6.3f} s {staged[c]['stages'][name] / staged[c]['documents']:6.1%}"
                for c in codes
            ]
            print(f"  {name:<32} " + "   ".join(cells))
        print(f"  {'process_document':<32} " + "   ".join(f"{staged[c]['documents']:6.3f} s" for c in codes))
    if args.profile:
        for code in codes:
            print(f"\nprofile, {code}:\n{run(code, profile=True)['profile']}")


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} [{min(values):.3f}, {max(values):.3f}]"


if __name__ == "__main__":
    main()
