"""Every page under AppTest: renders without exception, filters change the numbers, an empty selection
explains itself, a chart click filters, and a sweep of filter combinations raises nothing."""

from __future__ import annotations

import itertools
import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.config import ROOT
from tests.page_strings import PAGES

NOTHING = "不存在的词语xyz"


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) in (0, 3)


def open_page(page: str, **state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    for key, value in state.items():
        app.session_state[key] = value
    if page != "overview" or state:
        app.switch_page(f"app_pages/{page}.py").run()
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page):
    app = open_page(page)
    assert not app.exception, app.exception
    assert app.title and app.title[0].value


# 对标 over the seeds (Tianjin alone) shows how to load another place, with nothing to export yet.
@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("importer", "benchmark", "review")])
def test_every_data_page_ends_with_its_exports(page):
    labels = [b.label for b in open_page(page).get("download_button")]
    assert (
        len(labels) == 4 and any("Excel" in label for label in labels) and any("PPTX" in label for label in labels)
    ), labels


@pytest.mark.parametrize("page", ["overview", "targets", "tables"])
def test_a_filter_changes_the_numbers(page):
    before = metrics(open_page(page))
    after = metrics(open_page(page, filter_districts=["北辰区"]))
    assert before != after


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_selection_explains_itself(page):
    app = open_page(page, filter_search=NOTHING)
    assert not app.exception
    assert app.info, "an empty state must say why it is empty"


def test_a_chart_click_adds_its_value_to_the_filter():
    app = open_page("overview")
    app.session_state["overview_themes"] = {
        "selection": {"points": [{"customdata": ["人才"]}], "point_indices": [0], "box": [], "lasso": []}
    }
    app.run()
    assert "人才" in app.session_state["filter_themes"]
    assert "人才" in " ".join(b.label for b in app.button)  # the selection shows as a removable chip


def test_the_url_sets_the_filters():
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.query_params["d"] = "北辰区"
    app.query_params["y"] = "2020-2022"
    app.run()
    assert app.session_state["filter_districts"] == ["北辰区"] and tuple(app.session_state["filter_years"]) == (
        2020,
        2022,
    )
    assert metrics(app)["文件"] == "2"  # Beichen's own scheme and the 14th plan, which names 北辰 among districts


def test_a_measure_link_opens_the_reader_on_its_document():
    from lib.query import store, textview

    measures = store.load_tables()["measures"]
    last = measures.iloc[-1]  # a measure of the document the reader would not open by default
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.query_params["m"] = last.measure_id
    app.run()
    app.switch_page("app_pages/reader.py").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="reader_doc").value == last.doc_id
    text = store.with_long_columns(measures.iloc[[-1]], "measures", ("text",)).text.iloc[0]
    assert textview.highlight(text, []) in [m.value for m in app.markdown]  # its text, read on demand


def test_the_data_page_shows_the_measures_with_their_texts():
    sent = open_page("tables").dataframe[0].proto.arrow_data.data  # .value cannot convert Arrow list columns
    shown = pa.ipc.open_stream(sent).read_all()
    assert {"所属文件", "层级编号", "措施标题", "措施原文"} <= set(shown.column_names)
    assert shown.num_rows > 0 and all(shown.column("措施原文").to_pylist())


def sent_columns(app: AppTest) -> list[set[str]]:
    """The columns of each table the page sent, read from its Arrow payload."""
    return [set(pa.ipc.open_stream(frame.proto.arrow_data.data).schema.names) for frame in app.dataframe]


TABLE_TABS = {"措施": "措施标题", "目标与参数": "指标", "文件": "文号", "机构": "牵头的措施数"}


def test_the_data_page_sends_only_the_open_table_and_the_report_once_opened():
    shown = sent_columns(open_page("tables"))
    assert len(shown) == 1 and "措施标题" in shown[0]  # the measures only
    for label, column in TABLE_TABS.items():
        shown = sent_columns(open_page("tables", tables_shown=label))
        assert len(shown) == 1 and column in shown[0], label
    opened = open_page("tables", tables_report_open=True)
    assert len(opened.dataframe) == 2 and "状态" in sent_columns(opened)[1]
    assert "流水线版本" in " ".join(c.value for c in opened.caption)


INTERNAL_IDS = {"measure_id", "doc_id", "doc_ids", "target_id", "path", "input_hash", "content_sha256", "text_sha256"}


@pytest.mark.parametrize("tab", [*TABLE_TABS, "report"])
def test_the_data_page_shows_chinese_headers_and_no_internal_ids(tab):
    """A document by its title, a measure by its outline number: neither a column of ids nor an id in a cell."""
    from lib.query import store

    tables = store.load_tables()
    ids = {*tables["documents"].doc_id, *tables["measures"].measure_id, *tables["targets"].target_id}
    app = open_page("tables", **({"tables_report_open": True} if tab == "report" else {"tables_shown": tab}))
    frame = app.dataframe[-1].value
    assert not set(frame.columns) & INTERNAL_IDS
    assert all(re.search(r"[\u4e00-\u9fff]", column) for column in frame.columns), list(frame.columns)
    cells = {v for column in frame.columns for v in frame[column] if isinstance(v, str)}
    assert not cells & ids
    if tab == "目标与参数":  # each target's measure by its outline number (2.2.5)
        assert frame["层级编号"].str.fullmatch(r"(\d+(\.\d+)*)?").all() and (frame["层级编号"] != "").any()


SWEEP = list(
    itertools.product(
        [[], ["北辰区"], ["南开区", "滨海新区"]],
        [[], ["人才"]],
        [(2018, 2025), (2021, 2021)],
        [["task"], ["context", "principle"]],
    )
)


@pytest.mark.parametrize("districts, themes, years, kinds", SWEEP[::3])
def test_filter_sweep_raises_nothing(districts, themes, years, kinds):
    for page in ("overview", "themes", "agencies", "districts", "targets"):
        app = open_page(page, filter_districts=districts, filter_themes=themes, filter_years=years, filter_kinds=kinds)
        assert not app.exception, (page, app.exception)


def test_the_loading_placeholder_is_gone_once_the_page_is_drawn():
    charts = open_page("overview").get("plotly_chart")
    assert len(charts) == 3 and not any("正在读取数据" in chart.proto.spec for chart in charts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "query",
    [
        {"y": "0-999999999"},
        {"y": "2030-1800"},
        {"y": "abc"},
        {"d": "火星区", "th": "x" * 5000},
        {"k": "bogus", "q": "词" * 500},
    ],
)
def test_crafted_url_parameters_never_raise(page, query):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]


def test_an_adjusted_url_says_what_was_adjusted():
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    app.query_params["y"] = "2030-1800"
    app.query_params["d"] = "火星区"
    app.run()
    notes = " ".join(c.value for c in app.caption)
    assert "超出数据范围" in notes and "火星区" in notes and "颠倒" in notes
    assert metrics(app)["文件"] == "5"  # every year: the whole span


def test_every_active_filter_is_a_chip_and_a_second_value_reads_as_or():
    app = open_page(
        "overview",
        filter_themes=["人才", "创新平台与载体"],
        filter_years=(2021, 2025),
        filter_search="概念验证中心建设",
        filter_kinds=["task"],
    )
    labels = [b.label for b in app.button]
    assert any("主题：人才" in label for label in labels) and any("或 创新平台与载体" in label for label in labels)
    assert any("年份：2021–2025" in label for label in labels)
    assert any("检索：概念验证中心、建设" in label for label in labels)
    assert any("类型：任务" in label for label in labels)
