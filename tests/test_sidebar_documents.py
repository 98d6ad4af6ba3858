"""The 文件 filter is a lookup box (issue #20): the browser receives the chosen documents and those whose title
holds the words typed, never every title (0.78 MB a session at 10,000 documents)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.config import ROOT
from lib.query import store
from lib.ui.sidebar import document_choices

DOCUMENTS = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d4"], "year": [2023, 2019, 2021, None]})
TITLES = {"d1": "北辰区人才行动方案", "d2": "滨海新区科技创新方案", "d3": "北辰区数字经济方案", "d4": "人才引进办法"}


@pytest.mark.parametrize(
    "chosen, query, expected",
    [
        ([], "", []),  # nothing typed: nothing offered but what is chosen
        (["d2"], "", ["d2"]),
        ([], "北辰", ["d3", "d1"]),  # by year
        ([], "北辰 人才", ["d1"]),  # every word
        (["d1"], "人才", ["d1", "d4"]),  # the chosen first, not twice
        ([], "d2", ["d2"]),  # an id
        ([], "武汉", []),
    ],
)
def test_the_choices_are_the_chosen_and_the_documents_matching_every_word(chosen, query, expected):
    assert document_choices(chosen, query, DOCUMENTS, TITLES) == expected


def test_the_matches_offered_are_capped():
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(100)], "year": 2020})
    titles = {f"d{i}": f"方案{i}" for i in range(100)}
    assert len(document_choices([], "方案", many, titles, limit=30)) == 30


def test_the_sidebar_sends_no_list_of_titles_and_a_looked_up_document_filters_the_page():
    assert build_main(["--if-stale"]) in (0, 3)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    documents = app.multiselect(key="filter_doc_ids")
    assert documents.options == []
    doc_id, title = next(iter(store.doc_titles().items()))
    app.text_input(key="filter_doc_query").set_value(title[:6]).run()
    assert app.multiselect(key="filter_doc_ids").options == [title]  # as shown: the title
    app.multiselect(key="filter_doc_ids").select(doc_id).run()
    assert {m.label: m.value for m in app.metric}["文件"] == "1"
    app.text_input(key="filter_doc_query").set_value("").run()  # another lookup keeps the choice
    assert app.session_state["filter_doc_ids"] == [doc_id]
    assert {m.label: m.value for m in app.metric}["文件"] == "1"
