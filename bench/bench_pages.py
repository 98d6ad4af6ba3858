"""Server-side render time of every dashboard page (AppTest, in process), against a floor measured in
the same run: a one-chart Streamlit page. Prints medians of N runs with min and max; asserts nothing.

    .venv/bin/python bench/bench_pages.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = ["overview", "themes", "agencies", "districts", "targets", "reader", "tables"]
FLOOR_SCRIPT = """
import plotly.graph_objects as go
import streamlit as st
st.title("floor")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
"""


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def render_times(page: str, runs: int) -> list[float]:
    """Each run: a fresh session (AppTest) rendering the page once; the process-wide caches stay warm
    after the first, as on a server that has already served one official."""
    times = []
    for _ in range(runs):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        if page == "overview":
            times.append(timed(app.run))
        else:
            app.run()
            times.append(timed(lambda: app.switch_page(f"pages/content/{page}.py").run()))
        assert not app.exception, app.exception
    return times


def floor_times(runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "floor.py"
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        return [timed(AppTest.from_file(str(script), default_timeout=60).run) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    render_times("overview", 1)  # warm-up: imports, jieba, parquet cache
    floor = statistics.median(floor_times(args.runs))
    print(f"floor (one plotly chart, AppTest): median {floor * 1000:.0f} ms")
    print(f"{'page':<10} {'median':>8} {'min':>8} {'max':>8} {'× floor':>8}")
    for page in PAGES:
        times = render_times(page, args.runs)
        median = statistics.median(times)
        print(f"{page:<10} {median * 1000:>6.0f}ms {min(times) * 1000:>6.0f}ms {max(times) * 1000:>6.0f}ms {median / floor:>7.1f}×")


if __name__ == "__main__":
    main()
