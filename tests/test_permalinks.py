"""Permalinks: every measure, target and document has a reader URL that reads back to it; a URL naming
nothing the tables hold says so; the reader and the tables number items alike."""

from __future__ import annotations

import urllib.parse

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.config import ROOT
from lib.query import bodies, permalinks, textview, views
from lib.query import themes as theme_tables
from lib.query.permalinks import Focus

MEASURES = pd.DataFrame({"measure_id": ["d1-m001", "d1-m002", "d2-m001"], "doc_id": ["d1", "d1", "d2"]})
TARGETS = pd.DataFrame({"target_id": ["d1-t001", "d2-t001"], "doc_id": ["d1", "d2"], "measure_id": ["d1-m002", None]})
DOCUMENTS = pd.DataFrame({"doc_id": ["d1", "d2", "d3"]})


def _query(url: str) -> dict[str, list[str]]:
    """The URL's query as Streamlit hands it to the page."""
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)


@pytest.mark.parametrize(
    "url, expected",
    [
        (permalinks.measure_url("d1-m001"), Focus("d1", "d1-m001", None, "m", "d1-m001")),
        (permalinks.target_url("d1-t001"), Focus("d1", "d1-m002", "d1-t001", "t", "d1-t001")),
        (permalinks.target_url("d2-t001"), Focus("d2", None, "d2-t001", "t", "d2-t001")),  # a goal paragraph's
        (permalinks.document_url("d3"), Focus("d3", key="read", value="d3")),
    ],
)
def test_a_permalink_reads_back_to_its_row(url, expected):
    assert url.startswith("/reader?")
    focus, notes = permalinks.parse_focus(_query(url), MEASURES, TARGETS, DOCUMENTS)
    assert (focus, notes) == (expected, [])


def test_the_item_to_scroll_to_is_the_measure_or_a_goal_paragraphs_target():
    assert Focus("d1", "d1-m002", "d1-t001").item_id == "d1-m002"
    assert Focus("d2", None, "d2-t001").item_id == "d2-t001"
    assert Focus("d3").item_id is None


@pytest.mark.parametrize(
    "query, focus, note",
    [
        ({"m": "d9-m001"}, None, "链接中的措施编号“d9-m001”在数据中不存在"),
        ({"t": "<script>alert(1)</script>"}, None, "链接中的目标编号“<script>alert(1)</script>”在数据中不存在"),
        ({"read": "nope"}, None, "链接中的文件编号“nope”在数据中不存在"),
        ({"m": "x" * 500}, None, "链接中的“m”过长，已截断"),
        ({"t": "bad", "m": "d2-m001"}, Focus("d2", "d2-m001", None, "m", "d2-m001"), "目标编号“bad”"),  # falls back
        ({"t": "d1-t001", "m": "d2-m001"}, Focus("d1", "d1-m002", "d1-t001", "t", "d1-t001"), None),  # t first
        ({"m": ["d1-m001", "d2-m001"]}, Focus("d1", "d1-m001", None, "m", "d1-m001"), None),  # repeated: the first
        ({}, None, None),
    ],
)
def test_a_url_naming_no_row_gives_a_note_never_an_error(query, focus, note):
    found, notes = permalinks.parse_focus(query, MEASURES, TARGETS, DOCUMENTS)
    assert found == focus
    assert (note is None and notes == []) or any(note in n for n in notes), notes


@pytest.mark.parametrize(
    "item_id, key",
    [("d1-m001", "item-d1-m001"), ("a b<c>", "item-a-b-c-"), ("研发", "item---")],
)
def test_an_anchor_key_is_a_safe_class_name(item_id, key):
    assert permalinks.anchor_key(item_id) == key


@pytest.mark.parametrize(
    "outline, marker, shown",
    [
        ("2.1.1", "1.", "2.1.1"),  # the marker says what the outline's last number says
        ("2.2.5", "*.", "2.2.5（原文标号：*.）"),  # a masked marker beside the outline
        ("1.1", "（一）", "1.1（原文标号：（一））"),
        ("1.2.1", "", "1.2.1"),  # an unnumbered paragraph
        ("3", "三、", "3（原文标号：三、）"),
    ],
)
def test_an_item_number_leads_with_the_outline(outline, marker, shown):
    assert textview.item_number(outline, marker) == shown


@pytest.mark.parametrize(
    "outline, path, heading, shown",
    [
        ("2.2.3", ["重点任务", "提升转化效能"], "建平台", "2 重点任务 › 2.2 提升转化效能 › 2.2.3 建平台"),
        ("1", [], "思路目标", "1 思路目标"),
        ("1.2.1", ["工作目标"], "段落", "工作目标 › 1.2.1 段落"),  # depths differ: ancestors unnumbered
    ],
)
def test_a_numbered_path(outline, path, heading, shown):
    assert textview.numbered_path(outline, path, heading) == shown


def test_the_reader_and_the_tables_number_every_seed_measure_alike(seed_tables):
    measures, documents = seed_tables["measures"], seed_tables["documents"]
    reader = {
        m: textview.item_number(o, k).split("（")[0]
        for m, o, k in zip(measures.measure_id, measures.outline, measures.marker)
    }
    themes = theme_tables.measure_table(measures, documents)
    by_link = dict(zip(themes["原文"], themes["位置"]))
    assert all(by_link[permalinks.measure_url(m)] == number for m, number in reader.items())
    body = bodies.body_measures(measures, documents, "市科技局")
    assert len(body) > 10
    assert all(reader[_query(url)["m"][0]] == number for url, number in zip(body["原文"], body["编号"]))


def test_every_target_row_links_to_its_own_target(seed_tables):
    table = views.targets_table(seed_tables["targets"], seed_tables["documents"])
    ids = [_query(url)["t"][0] for url in table["原文"]]
    assert ids == list(seed_tables["targets"].target_id)


# ---------------------------------------------------------------- the reader under AppTest


@pytest.fixture(scope="module")
def built():
    assert build_main(["--if-stale"]) in (0, 3)
    from lib.query import store

    return store.load_tables()


def _reader(query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    return app.switch_page("app_pages/reader.py").run()


def test_a_measure_permalink_opens_its_document_with_its_numbered_path(built):
    measures = built["measures"]
    row = measures[(measures.outline == "2.2.5") & (measures.marker == "*.")].iloc[0]
    app = _reader({"m": row.measure_id})
    assert not app.exception
    assert app.selectbox(key="reader_doc").value == row.doc_id
    focus = [s.value for s in app.success]
    assert focus == [
        "链接定位：" + textview.escape_markdown(textview.numbered_path(row.outline, list(row.path), row.heading))
    ]
    assert "2\\.2\\.5" in focus[0] and row.path[0] in focus[0]
    assert any(m.value.startswith(textview.escape_markdown("2.2.5（原文标号：*.）")) for m in app.markdown)


def test_a_permalink_to_nothing_says_so_and_opens_the_reader(built):
    app = _reader({"m": "[x](https://evil.example)"})
    assert not app.exception
    notes = [w.value for w in app.warning]
    assert any("措施编号" in n and "\\[x\\]" in n for n in notes), notes  # escaped
    assert not app.success


def test_choosing_another_document_puts_it_in_the_url_instead_of_the_item(built):
    measures, documents = built["measures"], built["documents"]
    first = measures.iloc[0]
    app = _reader({"m": first.measure_id})
    other = next(d for d in documents.doc_id if d != first.doc_id)
    app.selectbox(key="reader_doc").select(other).run()
    assert not app.exception
    assert app.query_params.get("read") in (other, [other]) and "m" not in app.query_params
    assert not app.success  # the item of the old link is no longer highlighted
    app.run()  # a later run keeps the official's choice
    assert app.selectbox(key="reader_doc").value == other
