"""The shared, cached tables are read-only: rendering every page leaves them exactly as loaded."""

import pandas as pd
import pyarrow.parquet as pq
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.config import ROOT
from lib.query import filters as flt
from lib.query import steps, store, views
from lib.query.filters import ALL_KINDS, Filters


def test_rendering_every_page_leaves_the_cached_tables_unchanged():
    assert build_main(["--if-stale"]) in (0, 3)
    before = {name: frame.copy(deep=True) for name, frame in store.load_tables().items()}
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    for page in ("themes", "agencies", "districts", "targets", "evolution", "reader", "tables"):
        app.switch_page(f"app_pages/{page}.py").run()
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


def test_long_columns_are_left_out_of_the_tables_and_the_views_until_asked_for():
    assert build_main(["--if-stale"]) in (0, 3)
    tables, view = store.load_tables(), store.filtered(Filters(districts=("北辰区",)))
    for name, long in store.LONG_COLUMNS.items():
        assert not set(long) & set(tables[name].columns)
        assert not set(long) & set(view[name].columns)


def test_long_columns_join_a_view_row_by_row_in_the_contracts_order():
    assert build_main(["--if-stale"]) in (0, 3)
    view = store.filtered(Filters(districts=("北辰区",)))["measures"].iloc[::-1]  # any subset, any order
    joined = store.with_long_columns(view, "measures")
    on_disk = pd.read_parquet(store.BUILD_DIR / "measures.parquet").set_index("measure_id")
    assert list(joined.columns) == [c for c in on_disk.reset_index().columns]
    for column in store.LONG_COLUMNS["measures"]:
        expected = on_disk.loc[joined.measure_id, column]
        assert [list(v) if column != "text" else v for v in joined[column]] == [
            list(v) if column != "text" else v for v in expected
        ]
    pd.testing.assert_frame_equal(joined.drop(columns=list(store.LONG_COLUMNS["measures"])), view)


def test_a_search_filter_reads_the_measure_texts():
    assert build_main(["--if-stale"]) in (0, 3)
    texts = store.with_long_columns(store.load_tables()["measures"], "measures", ("text",))
    word = "概念验证"
    expected = texts[texts.text.str.contains(word) | texts.heading.str.contains(word)]
    found = store.filtered(Filters(kinds=ALL_KINDS, search=word))["measures"]
    assert len(found) > 0 and sorted(found.measure_id) == sorted(expected.measure_id)


def test_after_warm_a_new_sessions_first_page_reads_indexes_and_filters_nothing(monkeypatch):
    assert build_main(["--if-stale"]) in (0, 3)
    st.cache_resource.clear()
    store.warm()  # what server.py runs as the server starts
    steps.warm()

    def refuse(*args, **kwargs):
        raise AssertionError("computed again after store.warm()")

    monkeypatch.setattr(pq, "read_table", refuse)
    monkeypatch.setattr(flt, "apply", refuse)
    monkeypatch.setattr(store, "index_labels", refuse)
    monkeypatch.setattr(views, "timeline", refuse)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not app.exception and not app.error, (app.exception, app.error)
    assert len(app.get("plotly_chart")) == 3


def test_after_warm_no_pages_first_visit_computes_a_step_or_reads_a_column(monkeypatch):
    """steps.warm() computes what each page computes as it opens, and reads the long columns 原文 and
    数据与导出 show: a page whose defaults drift from its default_view() fails here."""
    assert build_main(["--if-stale"]) in (0, 3)
    st.cache_resource.clear()
    store.warm()
    steps.warm()
    computed = []
    real = store._per_view

    def spy(version, filters, name, args, compute):
        return real(version, filters, name, args, lambda *a: computed.append(name) or compute(*a))

    monkeypatch.setattr(store, "_per_view", spy)
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: computed.append(("read_table", a)))
    for page in ("overview", "themes", "agencies", "districts", "targets", "evolution", "reader", "tables"):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
        if page != "overview":
            app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception and not app.error, (page, app.exception, app.error)
        assert app.get("plotly_chart") or app.dataframe or page == "reader", page
    assert computed == []


def test_streamlit_run_server_py_serves_the_dashboard_as_an_st_app():
    from streamlit.web.server.app_discovery import discover_asgi_app

    source = (ROOT / "server.py").read_text(encoding="utf-8")
    assert discover_asgi_app(ROOT / "server.py").is_asgi_app and 'st.App("dashboard.py"' in source
