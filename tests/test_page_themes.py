"""主题 page: the reshaping steps on tiny tables, the keyword statistics and word cloud, and the page
under AppTest (renders, filters change the numbers, empty states explain themselves, clicks filter)."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.charts import themes as charts
from lib.config import ROOT
from lib.query import textstats
from lib.query import themes as theme_tables

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def measure(
    measure_id: str,
    doc_id: str,
    year: int | None,
    themes=(),
    industries=(),
    instruments=(),
    keywords=(),
    evidence=(),
    heading: str = "措施",
) -> dict:
    return {
        "measure_id": measure_id,
        "doc_id": doc_id,
        "year": year,
        "ordinal": int(measure_id[1:]),
        "heading": heading,
        "outline": "1.",
        "themes": list(themes),
        "industries": list(industries),
        "instruments": list(instruments),
        "keywords": list(keywords),
        "tag_evidence": list(evidence),
    }


MEASURES = pd.DataFrame(
    [
        measure(
            "m1",
            "a",
            2018,
            ["人才", "成果转化"],
            ["人工智能"],
            ["供给型·人才支持"],
            ["人才", "引进", "高校"],
            ["主题·人才←人才", "对象·人才←人才", "区域·北辰区←文中地名"],
            heading="加强人才引进",
        ),
        measure("m2", "a", 2018, ["人才"], [], ["供给型·人才支持", "环境型·金融支持"], ["人才", "评价"]),
        measure("m3", "b", 2021, ["成果转化"], ["人工智能", "生物医药"], ["需求型·示范应用"], ["转化", "高校"]),
        measure("m4", "b", 2021, [], [], [], []),
    ]
)
DOCUMENTS = pd.DataFrame({"doc_id": ["a", "b"], "title": ["甲方案", "乙规划"], "year": [2018, 2021]})
EMPTY = MEASURES.iloc[0:0]


# --- reshaping ----------------------------------------------------------------------------------------


def test_theme_by_document_counts_measures_per_cell_largest_theme_first():
    cells = theme_tables.theme_matrix(MEASURES, DOCUMENTS, "document")
    got = {(row.theme, row.column_name): row.n for row in cells.itertuples()}
    assert got == {("人才", "甲方案"): 2, ("成果转化", "甲方案"): 1, ("成果转化", "乙规划"): 1}
    assert list(cells.theme.drop_duplicates()) == ["人才", "成果转化"]  # a tie (2 measures each) goes by name
    assert cells.column.iloc[0].startswith("2018·甲方案")


def test_theme_by_year_uses_years_as_columns():
    cells = theme_tables.theme_matrix(MEASURES, DOCUMENTS, "year")
    assert set(cells.column) == {"2018", "2021"}
    assert cells[(cells.theme == "成果转化")].set_index("column").n.to_dict() == {"2018": 1, "2021": 1}


def test_documents_with_the_same_short_label_stay_two_columns():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "title": ["天津市科技创新三年行动计划实施方案甲", "天津市科技创新三年行动计划实施方案乙"],
            "year": [2018, 2018],
        }
    )
    assert theme_tables.theme_matrix(MEASURES, docs).column.nunique() == 2


def test_by_document_the_grid_keeps_the_documents_with_most_tagged_measures():
    cells = theme_tables.theme_matrix(MEASURES, DOCUMENTS, "document", max_columns=1)
    assert set(cells.column_name) == {"甲方案"}  # 2 tagged measures against 乙规划's 1
    assert cells.set_index("theme").theme_total.to_dict() == {"人才": 2, "成果转化": 2}  # totals still count all
    assert theme_tables.matrix_documents(MEASURES) == 2


def test_the_measure_table_can_stop_after_the_first_rows_in_reading_order():
    assert list(theme_tables.measure_table(MEASURES, DOCUMENTS, limit=2).措施) == ["加强人才引进", "措施"]
    assert len(theme_tables.measure_table(MEASURES, DOCUMENTS)) == 4


def test_theme_tree_has_a_root_themes_and_headings():
    tree = theme_tables.theme_tree(MEASURES, DOCUMENTS)
    by_id = tree.set_index("id")
    assert by_id.loc["全部", "value"] == 4  # theme memberships: 人才 2 + 成果转化 2
    assert by_id.loc["人才", "parent"] == "全部" and by_id.loc["人才", "value"] == 2
    leaves = tree[tree.parent == "人才"]
    assert len(leaves) == 2 and leaves.value.sum() == 2
    assert "加强人才引进" in leaves.label.str.replace("<br>", "").tolist()


def test_theme_tree_folds_the_rest_into_one_box():
    tree = theme_tables.theme_tree(MEASURES, DOCUMENTS, leaves=1)
    rest = tree[tree.id == "人才/其余"]
    assert rest.value.tolist() == [1] and rest.label.tolist() == ["其余 1 条"]
    assert tree[tree.parent == "人才"].value.sum() == 2  # branch values still add up


def test_instruments_are_grouped_by_top_type_in_taxonomy_order():
    counts = theme_tables.instrument_counts(MEASURES)
    assert list(counts.top) == ["供给型", "环境型", "需求型"]
    assert counts.set_index("label").n.to_dict() == {"供给型·人才支持": 2, "环境型·金融支持": 1, "需求型·示范应用": 1}


def test_measure_table_keeps_only_the_evidence_of_this_page():
    table = theme_tables.measure_table(MEASURES, DOCUMENTS)
    first = table.iloc[0]
    assert first.措施 == "加强人才引进" and first.文件 == "甲方案" and first.主题 == "人才、成果转化"
    assert first.标注依据 == "主题·人才←人才"  # target groups and districts are other pages' business


def test_measure_table_shows_the_clause_of_each_tag_when_the_frame_has_them():
    clauses = [["主题·人才←加强人才引进", "对象·人才←加强人才引进"], [], [], []]
    table = theme_tables.measure_table(MEASURES.assign(tag_clauses=clauses), DOCUMENTS)
    assert table.依据原文.iloc[0] == "主题·人才←加强人才引进"
    assert "依据原文" not in theme_tables.measure_table(MEASURES, DOCUMENTS).columns


def test_a_measure_box_of_the_treemap_shows_on_hover_the_clause_that_gave_its_theme():
    tree = theme_tables.theme_tree(MEASURES, DOCUMENTS)
    long = "加强人才引进" + "，并完善配套服务" * 6
    shown = theme_tables.with_tag_clauses(tree, {"m1": [f"主题·人才←{long}", "主题·成果转化←推动转化"]}, width=10)
    hover = shown.set_index("id").hover
    wrapped = "<br>".join(long[i : i + 10] for i in range(0, len(long), 10))  # ten characters a line
    assert hover["人才/m1"].endswith(f"依据：“{wrapped}”")
    assert hover["成果转化/m1"].endswith("依据：“推动转化”")
    assert hover["成果转化/m3"] == tree.set_index("id").hover["成果转化/m3"]  # no clause known: as before


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.matrix(theme_tables.theme_matrix(EMPTY, DOCUMENTS), "文件"),
        lambda: charts.treemap(theme_tables.theme_tree(EMPTY, DOCUMENTS)),
        lambda: charts.instrument_bars(theme_tables.instrument_counts(EMPTY)),
        lambda: charts.keyword_bars(textstats.top_keywords(Counter())),
    ],
)
def test_figures_are_none_when_there_is_nothing_to_draw(build):
    assert build() is None


@pytest.mark.parametrize(
    "fig, first",
    [
        (lambda: charts.matrix(theme_tables.theme_matrix(MEASURES, DOCUMENTS), "文件"), "人才"),
        (lambda: charts.instrument_bars(theme_tables.instrument_counts(MEASURES)), "需求型·示范应用"),
    ],
)
def test_clickable_marks_carry_the_filter_value_first(fig, first):
    trace = fig().data[0]
    assert trace.customdata[0][0] == first
    assert trace.type != "heatmap"  # plotly fires no selection on heatmaps


# --- keywords and word cloud --------------------------------------------------------------------------


def test_keyword_frequencies_count_measures_not_occurrences():
    twice = pd.DataFrame({"keywords": [["高校", "高校", "人才"], ["高校"]]})
    assert textstats.keyword_frequencies(twice) == Counter({"高校": 2, "人才": 1})
    assert textstats.keyword_frequencies(twice, exclude=["高校"]) == Counter({"人才": 1})


def test_ubiquitous_keywords_are_those_of_a_third_of_the_measures():
    assert textstats.ubiquitous_keywords(MEASURES) == ("人才", "高校")  # 2 of 4 measures each; ties by name
    assert textstats.ubiquitous_keywords(EMPTY) == ()


def test_top_keywords_breaks_ties_alphabetically():
    top = textstats.top_keywords(Counter({"乙": 2, "甲": 2, "丙": 1}), top=2)
    assert list(top.label) == sorted(["乙", "甲"]) and list(top.n) == [2, 2]


def test_wordcloud_is_a_png_with_chinese_font():
    png = textstats.wordcloud_png(Counter({"科技成果转化": 5, "人才": 3, "高校": 1}), width=300, height=200)
    assert png is not None and png.startswith(PNG_MAGIC)


def test_no_words_no_cloud():
    assert textstats.wordcloud_png(Counter()) is None


def test_font_falls_back_to_any_font_in_the_folder(tmp_path):
    (tmp_path / "other.ttf").write_bytes(b"")
    assert textstats.cjk_font_path(tmp_path / "missing.ttc", [tmp_path]) == tmp_path / "other.ttf"
    assert textstats.cjk_font_path(tmp_path / "missing.ttc", [tmp_path / "none"]) is None


# --- the page under AppTest ---------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) in (0, 3)


def open_themes(**state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page("app_pages/themes.py").run()
    assert not app.exception, app.exception
    return app


def numbers(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


SECTION_CHARTS = {
    "主题矩阵": ["themes_matrix_document"],
    "主题与措施": ["themes_treemap"],
    "产业与政策工具": ["themes_industries", "themes_instruments"],
    "关键词": ["themes_keywords"],
    "措施明细": [],
}


def test_the_page_opens_on_the_grid_and_draws_one_section_at_a_time():
    app = open_themes()
    assert app.title[0].value == "主题"
    assert int(numbers(app)["措施"]) >= 150 and numbers(app)["涉及主题"] != "0"
    assert [c.key for c in app.get("plotly_chart")] == SECTION_CHARTS["主题矩阵"]
    for section, keys in SECTION_CHARTS.items():
        app = open_themes(themes_section=section)
        assert [c.key for c in app.get("plotly_chart")] == keys, section
        assert len(app.get("image")) == (section == "关键词")  # the word cloud
        assert len(app.dataframe) == (section == "措施明细")
        assert not app.info, (section, app.info)
    assert len(app.dataframe[0].value) == int(numbers(app)["措施"])


def test_the_page_says_how_tags_are_made_and_shows_the_rules():
    app = open_themes()
    assert any("标签怎样产生" in c.value for c in app.caption)
    rules = app.expander[0]
    assert rules.label == "标注规则" and "not_when" in rules.code[0].value


def test_a_theme_filter_changes_the_numbers():
    before, after = numbers(open_themes()), numbers(open_themes(filter_themes=["人才"]))
    assert int(after["措施"]) < int(before["措施"])


def test_an_impossible_filter_explains_every_empty_chart():
    shown = ""
    for section in SECTION_CHARTS:
        app = open_themes(filter_search="不存在的词语xyz", themes_section=section)
        assert numbers(app)["措施"] == "0" and not app.get("image")
        shown += " ".join(i.value for i in app.info)
    for title in ("各文件涉及的主题", "主题与措施", "涉及的产业领域", "政策工具", "关键词词云", "高频关键词"):
        assert title in shown, title
    assert "当前筛选下没有措施" in shown


def test_the_year_grid_renders():
    app = open_themes(themes_matrix_by="year")
    assert [c.key for c in app.get("plotly_chart")][0] == "themes_matrix_year"


@pytest.mark.parametrize(
    "key, dimension, value",
    [
        ("themes_matrix_document", "filter_themes", "人才"),
        ("themes_industries", "filter_industries", "人工智能"),
        ("themes_instruments", "filter_instruments", "供给型·人才支持"),
    ],
)
def test_a_chart_click_adds_its_value_to_the_filter(key, dimension, value):
    app = open_themes(themes_section=next(s for s, keys in SECTION_CHARTS.items() if key in keys))
    app.session_state[key] = {
        "selection": {"points": [{"customdata": [value]}], "point_indices": [0], "box": [], "lasso": []}
    }
    app.run()
    assert not app.exception
    assert value in app.session_state[dimension]
    assert any(value in b.label for b in app.button)  # shown as a removable chip


def test_briefing_mode_hides_the_control_and_the_table():
    app = open_themes(briefing_mode=True)
    assert not app.dataframe and not app.get("button_group")
    assert "措施明细" not in [tab.label for tab in app.tabs]


def test_the_views_index_cut_from_the_builds_gives_the_same_reshaping(seed_tables):
    from lib.query.labels import index_labels, positions

    measures, documents = seed_tables["measures"], seed_tables["documents"]
    view = measures[measures.year == 2021]
    themes = index_labels(measures.themes).within(positions(view))
    instruments = index_labels(measures.instruments).within(positions(view))
    pd.testing.assert_frame_equal(
        theme_tables.theme_matrix(view, documents, themes=themes), theme_tables.theme_matrix(view, documents)
    )
    pd.testing.assert_frame_equal(
        theme_tables.theme_tree(view, documents, themes=themes), theme_tables.theme_tree(view, documents)
    )
    pd.testing.assert_frame_equal(
        theme_tables.instrument_counts(view, instruments), theme_tables.instrument_counts(view)
    )
    assert theme_tables.matrix_documents(view, themes) == theme_tables.matrix_documents(view) == 2
