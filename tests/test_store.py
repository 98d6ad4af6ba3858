"""The shared, cached tables are read-only: rendering every page leaves them exactly as loaded."""
import pandas as pd
from streamlit.testing.v1 import AppTest

from lib import store
from lib.build import main as build_main
from lib.config import ROOT
from lib.filters import ALL_KINDS, Filters


def test_rendering_every_page_leaves_the_cached_tables_unchanged():
    assert build_main(["--if-stale"]) in (0, 3)
    before = {name: frame.copy(deep=True) for name, frame in store.load_tables().items()}
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    for page in ("themes", "agencies", "districts", "targets", "evolution", "reader", "tables"):
        app.switch_page(f"pages/content/{page}.py").run()
        assert not app.exception, (page, app.exception)
    after = store.load_tables()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame)


def test_a_per_view_step_runs_once_per_filter_combination_and_arguments():
    assert build_main(["--if-stale"]) in (0, 3)
    calls = []

    @store.per_view
    def measures_of_kind(filters, kind):
        calls.append(kind)
        return int((store.filtered(filters)["measures"].kind == kind).sum())

    everything, one_district = Filters(kinds=ALL_KINDS), Filters(kinds=ALL_KINDS, districts=("北辰区",))
    assert measures_of_kind(everything, "task") == int((store.load_tables()["measures"].kind == "task").sum())
    assert measures_of_kind(everything, "task") == measures_of_kind(everything, "task")
    measures_of_kind(everything, "mechanism")
    assert measures_of_kind(one_district, "task") < measures_of_kind(everything, "task")
    assert calls == ["task", "mechanism", "task"]
