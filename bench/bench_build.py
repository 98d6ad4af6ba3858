"""Benchmark of the build (lib.build). Prints figures; asserts nothing about time.

    .venv/bin/python bench/bench_build.py [--quick]

1. seeds, whole process: `python -m lib.build --seeds seeds --out TMP` as a fresh subprocess, 1 warm-up
   + 5 timed runs; against the floor of any build process, a fresh `python -c "import pandas,
   pyarrow.parquet"` (5 runs). Also shown: a fresh `python -c "import lib.build"` (imports only).
2. throughput in-process: build_tables() on generated corpora (bench/make_corpus.py) of 100 documents
   (3 runs, median) and 1,000 documents (1 run; skipped with --quick). Generation is not timed; one
   untimed build_tables() over the seeds first loads reference data and lazy imports.
3. a summary table; then what the build said about the generated documents (rejected, warnings,
   documents with 0 measures, detected vs written encoding).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for p in (ROOT, BENCH):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from lib.build import build_tables  # noqa: E402
from make_corpus import make_corpus  # noqa: E402

PYTHON = sys.executable


def run_fresh(args: list[str]) -> tuple[float, int, int, str]:
    """Run a fresh subprocess from the repo root → (wall seconds, exit code, peak RSS KB, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own rusage
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return elapsed, proc.returncode, usage.ru_maxrss, err.read().decode("utf-8", "replace")


def timed_fresh(args: list[str], runs: int, ok_codes=(0,)) -> tuple[list[float], int]:
    run_fresh(args)  # warm-up: page cache, .pyc files
    times, peak = [], 0
    for _ in range(runs):
        elapsed, code, rss, err = run_fresh(args)
        if code not in ok_codes:
            sys.exit(f"{' '.join(args)} exited {code}:\n{err}")
        times.append(elapsed)
        peak = max(peak, rss)
    return times, peak


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB


def time_build(corpus: Path, runs: int) -> tuple[list[float], dict, dict]:
    """Time build_tables(corpus) `runs` times; return the times and the last run's tables and report."""
    times, tables, report = [], {}, {}
    for _ in range(runs):
        tables = report = None  # let the previous run's rows go before the next run
        started = time.perf_counter()
        tables, report = build_tables(corpus)
        times.append(time.perf_counter() - started)
    return times, tables, report


def written_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def corpus_findings(corpus: Path, report: dict, tables) -> list[str]:
    """What the build said about the generated documents."""
    inputs = report["inputs"]
    statuses = Counter(i["status"] for i in inputs)
    lines = [f"  statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))]
    # Group messages by kind: quoted/variable parts dropped.
    kinds = Counter(re.sub(r"“[^”]*”|为\S+$|\d+", "…", m) for i in inputs for m in i["messages"])
    for kind, n in kinds.most_common():
        lines.append(f"    {n:5d} × {kind}")
    for i in inputs:
        if i["status"] == "rejected":
            lines.append(f"  REJECTED {i['source_file']}: {'；'.join(i['messages'])}")
    empty = [i["source_file"] for i in inputs if i["status"] != "rejected" and i["n_measures"] == 0]
    lines.append(f"  documents with 0 measures: {len(empty)}" + (f" ({', '.join(empty[:10])})" if empty else ""))
    measures = [i["n_measures"] for i in inputs if i["status"] != "rejected"]
    if measures:
        lines.append(f"  measures per document: min {min(measures)}, median {statistics.median(measures):g}, max {max(measures)}")
    docs = tables["documents"].select(["source_file", "encoding"]).to_pylist()
    cross = Counter((written_encoding((corpus / d["source_file"]).read_bytes()), d["encoding"]) for d in docs)
    lines.append("  encoding written → detected: " + ", ".join(f"{w} → {d}: {n}" for (w, d), n in sorted(cross.items())))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000-document corpus")
    args = parser.parse_args(argv)
    rows: list[str] = []
    findings: list[str] = []

    with tempfile.TemporaryDirectory(prefix="bench_build_") as tmp:
        tmp = Path(tmp)
        # 1. seeds, whole process
        build_cmd = [PYTHON, "-m", "lib.build", "--seeds", "seeds", "--out", str(tmp / "out")]
        build_times, build_rss = timed_fresh(build_cmd, 5, ok_codes=(0, 3))
        base_times, base_rss = timed_fresh([PYTHON, "-c", "import pandas, pyarrow.parquet"], 5)
        import_times, import_rss = timed_fresh([PYTHON, "-c", "import lib.build"], 5)
        med, base = statistics.median(build_times), statistics.median(base_times)
        rows.append(f"seeds build (fresh process, n=5): median {med:.2f} s  [min {min(build_times):.2f}, "
                    f"max {max(build_times):.2f}]   baseline import pandas+pyarrow: {base:.2f} s   ratio {med / base:.1f}×")
        rows.append(f"  (fresh `import lib.build` alone: {statistics.median(import_times):.2f} s; peak RSS of the "
                    f"build process {build_rss / 1024:.0f} MB, of the baseline {base_rss / 1024:.0f} MB)")

        # 2. throughput in-process
        build_tables(ROOT / "seeds")  # untimed: reference data, lazy imports
        sizes = [100] if args.quick else [100, 1000]
        for n in sizes:
            corpus = tmp / f"corpus_{n}"
            paths = make_corpus(corpus, n, seed=0)
            mb = sum(p.stat().st_size for p in paths) / 1e6
            runs = 3 if n <= 100 else 1
            times, tables, report = time_build(corpus, runs)
            t = statistics.median(times)
            c = report["counts"]
            spread = f" [min {min(times):.2f}, max {max(times):.2f}]" if runs > 1 else ""
            rows.append(f"corpus {n:,} docs ({mb:.1f} MB, n={runs}): {t:.2f} s {'median' if runs > 1 else ''}{spread} "
                        f"→ {n / t:.0f} docs/s, {mb / t:.2f} MB/s  (measures {c['measures']:,}, targets {c['targets']:,}, "
                        f"agencies {c['agencies']:,})")
            rows.append(f"  peak RSS of this process after the {n:,}-doc runs: {peak_rss_mb():.0f} MB")
            findings.append(f"corpus {n:,} docs:")
            findings += corpus_findings(corpus, report, tables)
            del tables, report

    nproc = os.cpu_count()
    print(f"machine: {platform.machine()}, {nproc} cores, Python {platform.python_version()}")
    for row in rows:
        print(row)
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    print()
    print("build report on the generated corpora:")
    for line in findings:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
