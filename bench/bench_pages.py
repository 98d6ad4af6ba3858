"""The dashboard as the corpus grows: server-side render time of every page (AppTest), a filter change,
app start to ready, and charts visible in headless Chromium — on the seeds and on a generated corpus
of 10,000 documents, each against a floor measured in the same run (a one-chart Streamlit page).
Prints medians with min and max and the targets met or missed; asserts nothing.

    .venv/bin/python bench/bench_pages.py                  # seeds and 10,000 documents, about 10 min
    .venv/bin/python bench/bench_pages.py --sizes seeds    # the seeds only
    .venv/bin/python bench/bench_pages.py --no-browser     # AppTest figures only

The builds are read from bench/out/build/ (made by bench_build.py, or here when missing or stale).
Each dataset's AppTest figures come from a fresh subprocess with DASHBOARD_BUILD_DIR and
DASHBOARD_SEEDS_DIR set, since lib.config reads them at import.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import pstats
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import common
from common import OUT, PYTHON, ensure_build, machine, spread, use_code, verdict
from playwright.sync_api import TimeoutError as PlaywrightTimeout


def app_pages() -> list[tuple[str, str, str]]:
    """(page script name, URL path, title) of every page in dashboard.APP_MAP except the importer, read
    without running the app."""
    tree = ast.parse((common.CODE / "dashboard.py").read_text(encoding="utf-8"))
    app_map = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "APP_MAP" for t in node.targets)
    )
    pages = []
    for script, title, _, url in ast.literal_eval(app_map):
        if url != "import":  # an upload form, no data
            pages.append((Path(script).stem, "" if url == "overview" else url, title))
    return pages


PAGES: list[tuple[str, str, str]] = []  # app_pages() of the code measured, set in main()
FILTER_DISTRICTS = [
    "北辰区",
    "滨海新区",
    "和平区",
    "西青区",
    "东丽区",
    "武清区",
    "南开区",
    "河西区",
    "津南区",
    "宝坻区",
]
FLOOR_SCRIPT = """
import plotly.graph_objects as go
import streamlit as st
st.title("floor")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
"""
FLOOR_DIR = OUT / "floor_app"
TARGET_PAGE_RATIO = 2.0
TARGET_FILTER_MS = 300
TARGET_START_S = 5.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1500, "height": 1000}
WAIT_MS = 180_000
CHARTS_DRAWN = """n => { const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  return charts.length >= n && [...charts].every(c => c.querySelector('.main-svg')); }"""


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# ---- AppTest, inside a worker process whose environment points at one build -------------------------


def floor_script() -> Path:
    FLOOR_DIR.mkdir(parents=True, exist_ok=True)
    script = FLOOR_DIR / "floor.py"
    script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    return script


def profiled(run, top: int = 12) -> str:
    """The script thread's profile of an AppTest run, the lines of lib/, pages/ and dashboard.py."""
    profile = common.profile_script_thread(run)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(re.escape(str(common.CODE)) + "/(lib|pages|dashboard)", top)
    keep = [
        line.replace(str(common.CODE) + "/", "")
        for line in out.getvalue().splitlines()
        if (str(common.CODE) in line or "ncalls" in line) and "List reduced" not in line
    ]
    return "\n".join(keep)


def apptest_worker(runs: int, profile_over: float) -> dict:
    from streamlit.testing.v1 import AppTest

    def session():
        return AppTest.from_file(str(common.CODE / "dashboard.py"), default_timeout=600)

    def open_page(app, page):
        return app.run if page == "overview" else (lambda: app.switch_page(f"app_pages/{page}.py").run())

    result: dict = {"pages": {}, "first_visit": {}, "charts": {}, "profiles": {}, "errors": {}}

    def check(app, what: str) -> None:
        """An exception, or the message dashboard.py shows in place of a page that raised."""
        problems = [str(e.message) for e in app.exception] + [str(e.value) for e in app.error]
        if problems:
            result["errors"].setdefault(what, "；".join(problems)[:300])

    floor = floor_script()
    timed(AppTest.from_file(str(floor), default_timeout=60).run)  # warm-up: streamlit, plotly imports
    result["floor"] = [timed(AppTest.from_file(str(floor), default_timeout=60).run) for _ in range(runs)]
    # What `streamlit run server.py` does as it starts (its lifespan), in the code measured.
    result["warmed"] = ""
    warm_cpu, warm_wall = time.process_time(), time.perf_counter()
    if (common.CODE / "server.py").exists():
        from lib import charts, ui  # noqa: F401
        from lib.query import store  # noqa: F401

        store.warm()
        result["warmed"] = "imports, tables, filter options, the unfiltered view"
        if (common.CODE / "lib" / "steps").is_dir():
            from lib.query import steps

            steps.warm()
            result["warmed"] += " and every page's opening view"
    result["warm_up"] = {
        "seconds": time.perf_counter() - warm_wall,
        "cpu_seconds": time.process_time() - warm_cpu,
        "rss_mb": status_mb("VmRSS"),
        "peak_rss_mb": status_mb("VmHWM"),
    }
    for page, _, _ in PAGES:
        # First visit in this process: the page's own steps are not cached yet (without server.py's warm-up,
        # the overview also loads the tables).
        app = session()
        if page != "overview":
            app.run()
        result["first_visit"][page] = timed(open_page(app, page))
        check(app, page)
        result["charts"][page] = len(app.get("plotly_chart"))
        times = []
        for _ in range(runs):  # new sessions on a warm server
            app = session()
            if page != "overview":
                app.run()
            times.append(timed(open_page(app, page)))
            check(app, page)
        result["pages"][page] = times
    # A filter change on the overview: a district not chosen before in this process (a cache miss of the
    # filtered view and every cached view), then the first one again (the combination is cached).
    app = session()
    app.run()
    changes = []
    for district in FILTER_DISTRICTS[: max(runs, 5)]:
        app.session_state["filter_districts"] = [district]
        changes.append(timed(app.run))
        check(app, "filter change")
    app.session_state["filter_districts"] = []
    app.run()
    repeat = []
    for _ in range(runs):
        app.session_state["filter_districts"] = [FILTER_DISTRICTS[0]]
        repeat.append(timed(app.run))
        app.session_state["filter_districts"] = []
        app.run()
    result["filter_change"], result["filter_repeat"] = changes, repeat
    import resource

    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor_median = statistics.median(result["floor"])
    for page, _, _ in PAGES:
        if statistics.median(result["pages"][page]) > profile_over * floor_median:
            app = session()
            if page != "overview":
                app.run()
            result["profiles"][page] = profiled(open_page(app, page))
    if statistics.median(changes) * 1000 > TARGET_FILTER_MS:
        app = session()
        app.run()
        app.session_state["filter_districts"] = [FILTER_DISTRICTS[-1], FILTER_DISTRICTS[-2]]  # a new combination
        result["profiles"]["filter change (overview)"] = profiled(app.run)
    return result


def status_mb(field: str) -> float:
    """This process's VmRSS (now) or VmHWM (its peak so far) in MB."""
    line = next(ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def apptest_figures(seeds: Path, build: Path, runs: int, profile_over: float) -> dict:
    env = {**os.environ, "DASHBOARD_BUILD_DIR": str(build), "DASHBOARD_SEEDS_DIR": str(seeds)}
    proc = subprocess.run(
        [PYTHON, __file__, "--apptest-worker", "--runs", str(runs), "--profile-over", str(profile_over)],
        cwd=common.CODE,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        sys.exit(f"AppTest worker failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---- the browser ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024


@contextmanager
def server(script: Path, env: dict):
    """A fresh Streamlit server; yields (url, start time, process)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.port", str(port)],
        cwd=common.CODE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    try:
        yield f"http://127.0.0.1:{port}", started, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_health(url: str) -> None:
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.02)


class ChartsMissing(RuntimeError):
    """The page did not draw as many charts as its AppTest run holds."""


def visit(browser, url: str, title: str | None, charts: int) -> tuple[float, float]:
    """Navigate in a cold browser context → (seconds to the title, seconds to every chart drawn)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, timeout=WAIT_MS)
        if title:
            page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=WAIT_MS)
        to_title = time.perf_counter() - start
        if charts:
            try:
                page.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=WAIT_MS, polling=20)
            except PlaywrightTimeout:
                drawn = page.evaluate("""[...document.querySelectorAll("[data-testid='stPlotlyChart']")]
                                         .filter(c => c.querySelector('.main-svg')).length""")
                raise ChartsMissing(f"not settled in {WAIT_MS / 1000:.0f} s ({drawn}/{charts} drawn)") from None
        else:  # no chart on the page: the script run has finished when its footer is there
            page.get_by_text("导出（按当前筛选）").first.wait_for(timeout=WAIT_MS)
        return to_title, time.perf_counter() - start
    finally:
        context.close()


def browser_floor(browser, runs: int) -> dict:
    script = floor_script()
    starts = []
    for _ in range(runs):
        with server(script, {}) as (url, started, _):
            wait_health(url)
            health = time.perf_counter() - started
            visit(browser, url, "floor", 1)
            starts.append((health, time.perf_counter() - started))
    with server(script, {}) as (url, _, _):
        wait_health(url)
        visit(browser, url, "floor", 1)  # warm server
        charts = [visit(browser, url, "floor", 1)[1] for _ in range(runs)]
    return {"start_health": [s[0] for s in starts], "start_chart": [s[1] for s in starts], "chart": charts}


def entry_points() -> list[str]:
    """The scripts a server is started with: server.py (what scripts/run.sh starts: it reads the tables as
    the server starts) where the measured code has it, and plain dashboard.py."""
    return [name for name in ("server.py", "dashboard.py") if (common.CODE / name).exists()]


def browser_dataset(browser, seeds: Path, build: Path, charts: dict[str, int], runs: int) -> dict:
    env = {"DASHBOARD_BUILD_DIR": str(build), "DASHBOARD_SEEDS_DIR": str(seeds)}
    starts = {entry: [] for entry in entry_points()}
    for _ in range(runs):
        for entry in starts:  # alternately, so a drift of the machine's speed affects both alike
            with server(common.CODE / entry, env) as (url, started, _):
                wait_health(url)
                health = time.perf_counter() - started
                to_title, to_charts = visit(browser, url, "总览", charts["overview"])
                starts[entry].append((health, health + to_title, health + to_charts))
    pages = {}
    with server(common.CODE / entry_points()[0], env) as (url, _, process):
        wait_health(url)
        for page, path, title in PAGES:
            try:
                visit(browser, f"{url}/{path}", title, charts[page])  # first visit: the page's caches
                pages[page] = [visit(browser, f"{url}/{path}", title, charts[page])[1] for _ in range(runs)]
            except ChartsMissing as exc:
                pages[page] = str(exc)
        rss = peak_rss_mb(process.pid)
    return {"start": starts, "pages": pages, "server_peak_rss_mb": rss}


# ---- the printout --------------------------------------------------------------------------------


def ms(values: list[float]) -> str:
    return spread([v * 1000 for v in values], "{:.0f}", " ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="seeds,10000", help="comma-separated: seeds and/or document counts")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="use the builds in bench/out/build/ even when lib/ or data/ changed since",
    )
    parser.add_argument(
        "--profile-over",
        type=float,
        default=TARGET_PAGE_RATIO,
        help="profile a page whose median AppTest time passes this multiple of the floor",
    )
    parser.add_argument(
        "--code",
        default="HEAD",
        help="the commit to measure (default HEAD, unpacked under "
        "bench/out/snapshot/), or 'worktree' for the files as they are",
    )
    parser.add_argument("--apptest-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global PAGES
    if args.apptest_worker:
        use_code(os.environ["BENCH_CODE"])
        PAGES = app_pages()
        print(json.dumps(apptest_worker(args.runs, args.profile_over)))
        return
    use_code(args.code)
    PAGES = app_pages()

    print(machine(), flush=True)
    datasets = {}
    for size in args.sizes.split(","):
        n = None if size == "seeds" else int(size)
        seeds, build, seconds = ensure_build(n, rebuild_stale=not args.no_rebuild)
        label = "seeds" if n is None else f"{n:,} docs"
        docs = json.loads((build / "build_report.json").read_text(encoding="utf-8"))["counts"]
        print(
            f"{label}: build {build.relative_to(common.ROOT)} ({docs['documents']:,} documents, {docs['measures']:,} measures"
            + (f"; built now in {seconds:.0f} s)" if seconds else "; up to date)"),
            flush=True,
        )
        datasets[label] = (seeds, build)

    apptest = {}
    for label, (seeds, build) in datasets.items():
        over = args.profile_over if label == list(datasets)[-1] else float("inf")  # profiles for the largest only
        apptest[label] = apptest_figures(seeds, build, args.runs, over)
        print(f"AppTest figures for {label} done", flush=True)

    floor = {label: statistics.median(r["floor"]) for label, r in apptest.items()}
    warmed = {r["warmed"] for r in apptest.values()}
    warm_up = (
        f"after the warm-up server.py runs as it starts ({warmed.pop()})"
        if len(warmed) == 1 and "" not in warmed
        else "its caches cold; the overview also loads the tables"
    )
    print(
        f"\nserver-side render (AppTest): first visit of the page in a fresh process ({warm_up}), then {args.runs} "
        "new sessions on the warm process"
    )
    for label, r in apptest.items():
        if warm := r.get("warm_up"):
            print(
                f"  {label} warm-up: {warm['seconds']:.1f} s ({warm['cpu_seconds']:.1f} s CPU), then RSS "
                f"{warm['rss_mb']:,.0f} MB (peak so far {warm['peak_rss_mb']:,.0f} MB)"
            )
        print(
            f"  floor in the {label} process (one plotly chart): {ms(r['floor'])}; peak RSS of that process "
            f"after every page {r['peak_rss_mb']:,.0f} MB"
        )
    header = f"  {'page':<9} {'charts':>6}"
    for label in apptest:
        header += f" | {label + ' first':>14} {'×':>5} {label + ' sessions':<33} {'×':>5}"
    print(header)
    for page, _, _ in PAGES:
        line = f"  {page:<9} {next(iter(apptest.values()))['charts'][page]:>6}"
        for label, r in apptest.items():
            first, times = r["first_visit"][page], r["pages"][page]
            line += (
                f" | {first * 1000:>11.0f} ms {first / floor[label]:>4.1f}× {ms(times):<33} "
                f"{statistics.median(times) / floor[label]:>4.1f}×"
            )
        print(line)
    print("\nfilter change on the overview (set filter_districts, time at.run()):")
    for label, r in apptest.items():
        print(
            f"  {label}: a district not chosen before {ms(r['filter_change'])}"
            f" ({statistics.median(r['filter_change']) / floor[label]:.1f}× floor); the same district again "
            f"(cached) {ms(r['filter_repeat'])}"
        )

    browser = {}
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            browser["floor"] = browser_floor(chromium, args.runs)
            for label, (seeds, build) in datasets.items():
                browser[label] = browser_dataset(chromium, seeds, build, apptest[label]["charts"], args.runs)
            chromium.close()
        bf = browser["floor"]
        chart_floor = statistics.median(bf["chart"])
        print("\nbrowser (headless Chromium, a cold browser context per visit):")
        print(f"  floor app start: health {ms(bf['start_health'])}; first chart drawn {ms(bf['start_chart'])}")
        print(f"  floor first chart drawn on a warm server: {ms(bf['chart'])}")
        for label in datasets:
            print(f"  {label} server peak RSS after every page: {browser[label]['server_peak_rss_mb']:.0f} MB")
            for entry, s in browser[label]["start"].items():
                print(
                    f"  {label} app start (`streamlit run {entry}`, build present): health {ms([x[0] for x in s])}; "
                    f"title 总览 {ms([x[1] for x in s])}; every overview chart drawn {ms([x[2] for x in s])}"
                    f"  ({statistics.median([x[2] for x in s]) / statistics.median(bf['start_chart']):.1f}× the floor app's)"
                )
        header = f"  {'page':<9}" + "".join(f" | {label + ' charts drawn':<33} {'×':>5}" for label in datasets)
        print(header)
        for page, _, _ in PAGES:
            line = f"  {page:<9}"
            for label in datasets:
                times = browser[label]["pages"][page]
                line += (
                    f" | {times:<39}"
                    if isinstance(times, str)
                    else f" | {ms(times):<33} {statistics.median(times) / chart_floor:>4.1f}×"
                )
            print(line)

    largest = list(datasets)[-1]
    r = apptest[largest]
    print(f"\ntargets at {largest}:")
    worst = max(PAGES, key=lambda p: r["first_visit"][p[0]] / floor[largest])[0]
    worst_session = max(PAGES, key=lambda p: statistics.median(r["pages"][p[0]]))[0]
    ratio_first = r["first_visit"][worst] / floor[largest]
    ratio_session = statistics.median(r["pages"][worst_session]) / floor[largest]
    print(
        f"  every page's render within {TARGET_PAGE_RATIO:.0f}× the floor (AppTest): worst first visit {worst} "
        f"{ratio_first:.1f}× {verdict(ratio_first <= TARGET_PAGE_RATIO)}; worst new session {worst_session} "
        f"{ratio_session:.1f}× {verdict(ratio_session <= TARGET_PAGE_RATIO)}"
    )
    if browser:
        chart_floor = statistics.median(browser["floor"]["chart"])
        drawn = {p: t for p, t in browser[largest]["pages"].items() if not isinstance(t, str)}
        worst_b = max(drawn, key=lambda p: statistics.median(drawn[p]))
        ratio_b = statistics.median(drawn[worst_b]) / chart_floor
        print(
            f"  every page's charts drawn within {TARGET_PAGE_RATIO:.0f}× the floor (browser): worst {worst_b} "
            f"{ratio_b:.1f}× {verdict(ratio_b <= TARGET_PAGE_RATIO)}"
        )
    change = statistics.median(r["filter_change"]) * 1000
    print(
        f"  filter change ≤ {TARGET_FILTER_MS} ms server time (median): {change:.0f} ms {verdict(change <= TARGET_FILTER_MS)}"
    )
    if browser:
        for entry, s in browser[largest]["start"].items():
            ready, drawn = statistics.median(x[1] for x in s), statistics.median(x[2] for x in s)
            print(
                f"  app start to ready ≤ {TARGET_START_S:.0f} s (`streamlit run {entry}`, build present): title {ready:.1f} s "
                f"{verdict(ready <= TARGET_START_S)}; every overview chart drawn {drawn:.1f} s {verdict(drawn <= TARGET_START_S)}"
            )
    for label, res in apptest.items():
        for what, message in res["errors"].items():
            print(f"  ERROR on {label}, {what}: {message}")
    for label, res in apptest.items():
        for what, text in res["profiles"].items():
            print(f"\nprofile, {label}, {what} (one AppTest run, cumulative seconds, functions of lib/ and pages/):")
            print(text)


if __name__ == "__main__":
    main()
