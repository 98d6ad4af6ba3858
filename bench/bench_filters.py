"""A filter combination no one used before (issue #20): each page's first run on a new year range, district or
theme, in one process warmed as `streamlit run server.py` warms it; the CPU seconds of that run (the page
script, its steps and figures, on a warm process) and, with --profile, where they go.

    .venv/bin/python bench/bench_filters.py                              # 10,000 documents, HEAD
    .venv/bin/python bench/bench_filters.py --code worktree --pages overview --profile overview:years

Every run uses a value no earlier run of the process used, so nothing it computes is cached (positions,
frames, steps, figures). bench_sessions.py measures the same through a real server and its websockets; this
one is per page and per kind of filter. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import statistics
import time

import common
from common import machine, use_code

PAGES = ("overview", "themes", "agencies", "districts", "targets", "evolution")
KINDS = ("years", "districts", "themes")


def new_values(kind: str, options: dict[str, list[str]], span: tuple[int, int]) -> list:
    """Every value of a kind of filter, one per run, none repeated (narrow and wide mixed)."""
    if kind == "years":
        return [(a, b) for a in range(span[0], span[1] + 1) for b in range(a, span[1] + 1) if (a, b) != span]
    singles = [[v] for v in options[kind]]
    pairs = [[a, b] for i, a in enumerate(options[kind][:12]) for b in options[kind][i + 1 : 12]]
    return singles + pairs


def profiled(run, top: int) -> str:
    """The script thread's profile of an AppTest run, by cumulative and by own time."""
    profile = common.profile_script_thread(run)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue().replace(str(common.CODE) + "/", "")


def worker(pages: list[str], kinds: list[str], runs: int, profile: list[str], top: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from lib import charts, ui  # noqa: F401 (what server.py's warm-up imports)
    from lib.query import lru, steps, store

    store.warm()
    steps.warm()
    lru.freeze_long_lived(store.build_version())
    span = store.year_span()
    assert span, "the build has no years"
    values = {kind: iter(new_values(kind, store.filter_options(), span)) for kind in kinds}

    def opened(page: str) -> AppTest:
        app = AppTest.from_file(str(common.CODE / "dashboard.py"), default_timeout=600)
        app.run()
        if page != "overview":
            app.switch_page(f"app_pages/{page}.py").run()
        return app

    def set_filter(app: AppTest, kind: str) -> None:
        value = next(values[kind])
        app.session_state[f"filter_{kind}"] = value

    result: dict = {"cpu": {}, "profiles": {}, "errors": []}
    for page in pages:
        for kind in kinds:
            times = []
            for _ in range(runs):
                app = opened(page)
                set_filter(app, kind)
                started = time.process_time()
                app.run()
                times.append(time.process_time() - started)
                if app.exception:
                    result["errors"].append(f"{page} {kind}: {app.exception}")
            result["cpu"][f"{page}:{kind}"] = times
    for what in profile:
        page, kind = what.split(":")
        app = opened(page)
        set_filter(app, kind)
        result["profiles"][what] = profiled(app.run, top)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10000", help="'seeds' or a number of generated documents")
    parser.add_argument("--code", default="HEAD", help="a commit (default HEAD) or 'worktree'")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--runs", type=int, default=3, help="new values per page and kind of filter")
    parser.add_argument("--profile", default="", help="page:kind,… to profile once more (e.g. overview:years)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-rebuild", action="store_true", help="use the build in bench/out/build/ as it is")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages, kinds = args.pages.split(","), args.kinds.split(",")
    profile = [p for p in args.profile.split(",") if p]
    if args.worker:
        use_code(os.environ["BENCH_CODE"])
        print(json.dumps(worker(pages, kinds, args.runs, profile, args.top)))
        return
    use_code(args.code)
    print(machine(), flush=True)
    worker_args = ["--pages", args.pages, "--kinds", args.kinds, "--runs", str(args.runs)]
    worker_args += ["--profile", args.profile, "--top", str(args.top)]
    r, n, waited = common.run_worker(__file__, worker_args, args.size, rebuild_stale=not args.no_rebuild)
    print(f"{'seeds' if n is None else f'{n:,} documents'}, waited {waited:.0f} s for a quiet machine")
    print(f"CPU of a page's first run on a new filter (median [min, max] of {args.runs}, ms):")
    print("  page        " + "".join(f"{kind:>22}" for kind in kinds))
    for page in pages:
        cells = []
        for kind in kinds:
            t = [v * 1000 for v in r["cpu"][f"{page}:{kind}"]]
            cells.append(f"{statistics.median(t):8.0f} [{min(t):4.0f}, {max(t):4.0f}]")
        print(f"  {page:<11} " + "".join(f"{c:>22}" for c in cells))
    for error in r["errors"]:
        print("  ERROR", error)
    for what, text in r["profiles"].items():
        print(f"\nprofile {what}:\n{text}")


if __name__ == "__main__":
    main()
