"""The server's memory as officials move the year slider (issue #20): one process warmed as server.py warms
it, the overview opened, then the year slider moved through 50 ranges not seen before; the process's RSS
before, after, and its peak, and the CPU each range cost.

    .venv/bin/python bench/bench_memory.py                  # 10,000 documents, HEAD
    .venv/bin/python bench/bench_memory.py --code 9b1f433   # another commit, same build
    .venv/bin/python bench/bench_memory.py --size seeds --ranges 10 --code worktree

The AppTest sessions run the page scripts in this process, as the server's session threads do, so its RSS
is the server's. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from pathlib import Path

import common
from common import machine, use_code

GOAL_MB = 200  # issue #20: < +200 MB after 50 new year ranges at 10,000 documents


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def year_ranges(span: tuple[int, int], n: int) -> list[tuple[int, int]]:
    """n different (low, high) ranges inside span, narrow and wide mixed, the whole span left out (the default)."""
    every = [
        (a, b) for a, b in itertools.combinations_with_replacement(range(span[0], span[1] + 1), 2) if (a, b) != span
    ]
    step = max(1, len(every) // n)
    return (every[::step] + every)[:n] if len(every) >= n else every


def worker(n_ranges: int) -> dict:
    from streamlit.testing.v1 import AppTest

    if (common.CODE / "server.py").exists():  # what `streamlit run server.py` does as it starts
        from lib import charts, ui  # noqa: F401
        from lib.query import store

        store.warm()
        if (common.CODE / "lib" / "query" / "steps").is_dir() or (common.CODE / "lib" / "steps").is_dir():
            from lib.query import steps

            steps.warm()
        if "freeze_long_lived" in (common.CODE / "server.py").read_text(encoding="utf-8"):
            from lib.query import lru

            lru.freeze_long_lived(store.build_version())
    else:
        from lib.query import store
    app = AppTest.from_file(str(common.CODE / "dashboard.py"), default_timeout=600)
    app.run()
    app.run()  # a second run: what a session holds once open
    span = store.year_span()
    assert span, "the build has no years"
    before = rss_mb()
    cpu, wall, rss = [], [], []
    for years in year_ranges(span, n_ranges):
        app.session_state["filter_years"] = years
        started, started_cpu = time.perf_counter(), time.process_time()
        app.run()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        rss.append(rss_mb())
        if app.exception:
            raise SystemExit(f"the overview raised at {years}: {app.exception}")
    after = rss_mb()
    time.sleep(2.0)  # jemalloc's decay returns freed pages after ~1 s
    return {
        "before": before,
        "after": after,
        "after_2s": rss_mb(),
        "peak_during": max(rss),
        "hwm": hwm_mb(),
        "cpu": cpu,
        "wall": wall,
        "ranges": len(cpu),
        "span": span,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10000", help="'seeds' or a number of generated documents")
    parser.add_argument("--ranges", type=int, default=50)
    parser.add_argument("--code", default="HEAD", help="a commit (default HEAD) or 'worktree'")
    parser.add_argument("--no-rebuild", action="store_true", help="use the build in bench/out/build/ as it is")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        use_code(os.environ["BENCH_CODE"])
        print(json.dumps(worker(args.ranges)))
        return
    use_code(args.code)
    print(machine(), flush=True)
    r, n, waited = common.run_worker(
        __file__, ["--ranges", str(args.ranges)], args.size, rebuild_stale=not args.no_rebuild
    )
    grown = r["after_2s"] - r["before"]
    label = "seeds" if n is None else f"{n:,} documents"
    print(
        f"{label}, waited {waited:.0f} s for a quiet machine; overview, year slider through {r['ranges']} new ranges "
        f"of {r['span'][0]}–{r['span'][1]}:\n"
        f"  RSS before {r['before']:.0f} MB, after {r['after']:.0f} MB, 2 s later {r['after_2s']:.0f} MB "
        f"({grown:+.0f} MB); highest during {r['peak_during']:.0f} MB; process peak (VmHWM) {r['hwm']:.0f} MB\n"
        f"  per range: CPU {statistics.median(r['cpu']) * 1000:.0f} ms median "
        f"[{min(r['cpu']) * 1000:.0f}, {max(r['cpu']) * 1000:.0f}], wall {statistics.median(r['wall']) * 1000:.0f} ms\n"
        f"  goal < +{GOAL_MB} MB: {common.verdict(grown < GOAL_MB)}"
    )


if __name__ == "__main__":
    main()
