"""政策演进's comparisons that must not mislead (issue #16): terms are whole words of the text with a
stated minimum count, comparisons are shares by default with counts on demand, a period that is mostly
one document says so, and bodies are compared by written responsibility unless the fallback is asked for."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.charts import evolution as charts
from lib.config import ROOT
from lib.query import evolution as ev
from lib.query import filters as flt
from lib.query.labels import index_labels

PAGE = "app_pages/evolution.py"


def measure(
    mid: str, doc: str, year: int, text: str = "", keywords=(), themes=(), agencies=(), source: str = "phrase"
) -> dict:
    return {
        "measure_id": mid,
        "doc_id": doc,
        "year": year,
        "ordinal": int(mid[1:]),
        "heading": "措施",
        "text": text,
        "keywords": list(keywords),
        "themes": list(themes),
        "instruments": [],
        "industries": [],
        "agencies": list(agencies),
        "agency_source": source,
    }


# --- whole words ----------------------------------------------------------------------------------------

PIECES = {"常态": ("常态化",), "时代": ("新时代",), "部门": ("有关部门", "相关部门")}


@pytest.mark.parametrize(
    "text, term, whole",
    [
        ("建立常态化机制", "常态", False),  # jieba cuts 常态化 into 常态 + 化: the text's word is 常态化
        ("常态化开展对接，常态长效", "常态", True),  # once on its own is enough
        ("进入新时代", "时代", False),
        ("时代精神", "时代", True),
        ("有关部门按职责分工负责", "部门", False),
        ("部门协同，有关部门配合", "部门", True),
        ("建设概念验证中心", "概念验证", True),  # not a piece of any listed word
    ],
)
def test_a_term_is_a_word_of_the_text_not_a_piece_of_a_longer_listed_word(text, term, whole):
    assert ev.whole_word(text, term, PIECES.get(term, ())) is whole


def test_the_listed_words_jieba_cuts_apart_give_their_pieces():
    pieces = ev.split_word_pieces(["常态化", "新时代", "科技成果转化", "化"])
    assert pieces["常态"] == ("常态化",) and pieces["时代"] == ("新时代",)
    assert "科技成果" not in pieces and "成果转化" not in pieces  # 科技成果转化 is cut whole: no piece comes from it
    assert all(len(piece) >= 2 for piece in pieces)  # single characters are never keywords


def test_counting_drops_a_term_where_it_is_only_a_piece_of_a_longer_word():
    frame = pd.DataFrame(
        [
            measure("m1", "a", 2025, "建立常态化机制", ["常态", "机制"]),
            measure("m2", "a", 2025, "保持常态运行", ["常态", "运行"]),
            measure("m3", "a", 2025, "完善机制", ["机制"]),
        ]
    )
    index = ev.drop_bound_pieces(index_labels(frame.keywords), frame.heading, frame.text, PIECES)
    assert ev.keyword_counts(frame, index) == {"常态": 1, "机制": 2, "运行": 1}


def test_the_term_sentences_skip_sentences_where_the_term_is_only_a_piece():
    frame = pd.DataFrame([measure("m1", "a", 2025, "常态化征集需求。保持常态运行。", ["常态"])])
    documents = pd.DataFrame({"doc_id": ["a"], "title": ["甲方案"]})
    found = ev.term_sentences(frame, documents, "常态", pieces=PIECES)
    assert list(found.sentence) == ["保持常态运行。"]


# --- the minimum count ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n_a, n_b, alpha0", [(3000, 600, 4000), (200, 100, 300), (50, 50, 100), (600, 3000, 4000)])
def test_the_floor_is_the_least_count_at_which_a_one_period_term_can_reach_z_196(n_a, n_b, alpha0):
    floor = ev.significance_floor(n_a, n_b, alpha0)

    def best_z(k: int) -> float:
        """The larger |z| of a term confined to B or to A, its prior count its own (the most extreme split)."""

        def z(ya: int, yb: int) -> float:
            fill = {"_": n_a - ya}, {"_": n_b - yb}
            prior = {"t": k, "_": alpha0 - k}
            return ev.log_odds({"t": ya, **fill[0]}, {"t": yb, **fill[1]}, prior=prior).set_index("term").z["t"]

        return max(z(0, k), -z(k, 0))

    assert best_z(floor) >= ev.Z_95 > best_z(floor - 1)


def test_terms_below_the_floor_are_not_listed():
    scores = ev.log_odds({"研究": 40, "平台": 30}, {"平台": 10, "两创融合": 2, "概念验证": 9}, min_count=5)
    assert "两创融合" not in set(scores.term) and "概念验证" in set(scores.term)


def test_term_scores_carry_each_periods_share_of_measures():
    scores = ev.with_shares(ev.log_odds({"平台": 2, "研究": 5}, {"平台": 3, "研究": 1}), n_measures=(4, 12))
    assert scores.set_index("term").loc["平台", ["share_a", "share_b"]].tolist() == [0.5, 0.25]


# --- one document dominating a period -------------------------------------------------------------------

DOCS = pd.DataFrame(
    {"doc_id": ["plan", "notice", "scheme"], "title": ["天津市科技创新“十四五”规划", "甲通知", "乙方案"]}
)


@pytest.mark.parametrize(
    "owners, dominant",
    [
        (["plan", "plan", "plan", "notice"], ("plan", 3, 4)),
        (["plan", "plan", "notice", "scheme"], None),  # exactly half is not more than half
        (["plan"], None),  # one document alone is the period: nothing to warn about
        ([], None),
    ],
)
def test_a_document_with_more_than_half_of_a_selections_measures_is_named(owners, dominant):
    frame = pd.DataFrame(
        [measure(f"m{n}", doc, 2021) for n, doc in enumerate(owners)], columns=list(measure("m0", "", 0))
    )
    assert ev.dominant_document(frame) == dominant


def test_a_document_writing_most_of_a_periods_bodies_is_named_though_its_measures_are_few():
    period = pd.DataFrame(
        [
            measure("m1", "plan", 2021, source="issuer"),
            measure("m2", "plan", 2021, source="none"),
            measure("m3", "plan", 2021, source="issuer"),
            measure("m4", "scheme", 2021, agencies=["北辰区科技局"]),
        ]
    )
    assert ev.dominant_document(period) == ("plan", 3, 4)
    assert ev.dominant_document(period, lambda m: ev.responsibility_rows(m, False)) == ("scheme", 1, 1)
    assert ev.dominant_document(period[period.doc_id == "scheme"], lambda m: ev.responsibility_rows(m, False)) is None


def test_the_dominance_note_names_period_document_and_share():
    periods = {
        "2018–2021 年": pd.DataFrame([measure(f"m{n}", d, 2021) for n, d in enumerate(["plan"] * 3 + ["notice"])]),
        "2025 年": pd.DataFrame([measure("m9", "scheme", 2025), measure("m8", "notice", 2025)]),
    }
    notes = ev.dominance_notes(periods, DOCS.set_index("doc_id").title)
    assert notes == ["2018–2021 年的 4 条措施中有 3 条（75%）出自《天津市科技创新“十四五”规划》"]


# --- A and B as shares ----------------------------------------------------------------------------------

LONG = [
    measure(f"m{n}", "plan", 2021, themes=["人才"] if n <= 4 else ["基础研究"]) for n in range(1, 21)
]  # 20 measures
SHORT = [
    measure("m31", "scheme", 2025, themes=["两创融合"]),
    measure("m32", "scheme", 2025, themes=["两创融合", "人才"]),
]


def test_a_and_b_are_compared_as_shares_of_their_own_measures():
    table = ev.compare_counts(pd.DataFrame(LONG), pd.DataFrame(SHORT), "themes").set_index("label")
    assert table.loc["人才", ["a", "b"]].tolist() == [4, 1]
    assert table.loc["人才", ["a_share", "b_share"]].tolist() == [0.2, 0.5]
    assert table.loc["两创融合", "b_share"] == 1.0


def test_by_share_the_short_documents_labels_are_not_cut_by_the_long_ones():
    by_share = ev.compare_counts(pd.DataFrame(LONG), pd.DataFrame(SHORT), "themes", top=2)
    by_count = ev.compare_counts(pd.DataFrame(LONG), pd.DataFrame(SHORT), "themes", top=2, by="count")
    assert "两创融合" in set(by_share.label) and "两创融合" not in set(by_count.label)


@pytest.mark.parametrize("share, values, tickformat", [(True, [0.5, 0.2], ".0%"), (False, [1, 4], None)])
def test_the_comparison_chart_draws_shares_or_counts(share, values, tickformat):
    table = ev.compare_counts(pd.DataFrame(LONG), pd.DataFrame(SHORT), "themes")
    fig = charts.compare_figure(table[table.label == "人才"], ("A", "B"), share=share)
    assert [trace.x[0] for trace in fig.data] == values  # B drawn first, then A
    assert fig.layout.xaxis.tickformat == tickformat


def test_new_and_dropped_terms_keep_the_floor_and_give_shares():
    a = pd.DataFrame([measure("m1", "a", 2021, keywords=["研究"]), measure("m2", "a", 2021, keywords=["研究", "平台"])])
    b = pd.DataFrame(
        [measure("m3", "b", 2025, keywords=["概念验证", "中试"]), measure("m4", "b", 2025, keywords=["概念验证"])]
    )
    new, dropped = ev.new_and_dropped_terms(a, b, min_count=2)
    assert new.values.tolist() == [["概念验证", 2, 1.0]] and dropped.values.tolist() == [["研究", 2, 1.0]]


# --- bodies: written responsibility against written -----------------------------------------------------

BODIES = pd.DataFrame(
    [
        measure("m1", "old", 2018, agencies=["市政府办公厅"], source="issuer"),  # no 责任单位 written: the issuer
        measure("m2", "old", 2018, agencies=["市科技局"]),
        measure("m3", "new", 2025, agencies=["市科技局", "市教委"]),
        measure("m4", "new", 2025, agencies=["市科技局"], source="issuer"),
    ]
)


def test_the_bodies_by_year_count_written_responsibility_unless_the_fallback_is_asked_for():
    written = ev.agency_year_counts(BODIES).set_index(["agency", "year"]).n.to_dict()
    assert written == {("市科技局", 2018): 1, ("市科技局", 2025): 1, ("市教委", 2025): 1}
    both = ev.agency_year_counts(BODIES, include_issuer=True).set_index(["agency", "year"])
    assert both.n.to_dict() == {
        ("市科技局", 2018): 1,
        ("市科技局", 2025): 2,
        ("市教委", 2025): 1,
        ("市政府办公厅", 2018): 1,
    }
    assert both.n_issuer.to_dict() == {
        ("市科技局", 2018): 0,
        ("市科技局", 2025): 1,
        ("市教委", 2025): 0,
        ("市政府办公厅", 2018): 1,
    }


def test_a_body_known_only_by_the_fallback_is_not_listed_as_vanished_unless_asked_and_then_it_says_so():
    appeared, vanished = ev.bodies_appear_vanish(BODIES, (2018, 2018), (2025, 2025))
    assert appeared.label.tolist() == ["市教委"] and vanished.empty
    appeared, vanished = ev.bodies_appear_vanish(BODIES, (2018, 2018), (2025, 2025), include_issuer=True)
    assert vanished.values.tolist() == [["市政府办公厅", 1, 1]]
    assert ev.body_line(vanished.iloc[0]) == "市政府办公厅：1 条（均按发文机关计）"


def test_the_bodies_grid_marks_cells_known_only_by_the_fallback_as_hollow():
    fig = charts.agency_grid(ev.agency_year_counts(BODIES, include_issuer=True), [])
    hollow = [t for t in fig.data if t.marker.symbol == "circle-open" and t.x and t.x[0] is not None]
    assert [list(t.y) for t in hollow] == [["市政府办公厅"]]
    assert any("按发文机关计" in (t.name or "") for t in fig.data if t.showlegend)


def test_the_written_coverage_says_what_the_fallback_left_out():
    assert ev.fallback_note(BODIES) == "未计入原文未写明责任单位、按发文机关计的措施：2018 年 1 条，2025 年 1 条。"
    assert ev.fallback_note(BODIES[BODIES.agency_source == "phrase"]) == ""
    coverage = ev.written_coverage(
        {"2018 年": BODIES[BODIES.year == 2018], "2019 年": BODIES.iloc[0:0], "2025 年": BODIES[BODIES.year == 2025]}
    )
    assert coverage == "2018 年 2 条措施中 1 条写明责任单位（50%）；2025 年 2 条措施中 1 条写明责任单位（50%）"


# --- the real seeds -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def actionable(seed_tables) -> pd.DataFrame:
    measures = seed_tables["measures"]
    return measures[measures.kind.isin(flt.ACTIONABLE_KINDS)].reset_index(drop=True)


def test_seed_terms_are_whole_words_above_the_floor(actionable):
    index = ev.drop_bound_pieces(
        index_labels(actionable.keywords), actionable.heading, actionable.text, ev.listed_word_pieces()
    )
    scores, floor = ev.term_scores(actionable, ((2018, 2021), (2025, 2025)), index)
    assert "常态" not in set(scores.term)  # five 2025 measures say 常态化, none 常态
    assert floor == 5 and (scores.n_a + scores.n_b >= floor).all()


def test_seed_baseline_of_the_terms_is_mostly_the_14th_plan(seed_tables, actionable):
    titles = seed_tables["documents"].set_index("doc_id").title
    notes = ev.dominance_notes({"2018–2021 年": ev.in_period(actionable, (2018, 2021))}, titles)
    assert len(notes) == 1 and "十四五" in notes[0] and "147 条措施中有 88 条（60%）" in notes[0]


# --- the page -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    assert build_main(["--if-stale"]) in (0, 3)


def open_section(section: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / PAGE), default_timeout=90).run()
    app.session_state["evolution_section"] = section
    return app.run()


def test_the_bodies_tab_leaves_the_fallback_out_until_switched_on(built):
    app = open_section("各机构的措施")
    assert not app.exception, app.exception
    switch = app.toggle(key="evolution_include_issuer")
    assert switch.label == "计入未写明责任单位、按发文机关计的措施" and switch.value is False
    assert not any("市政府办公厅" in m.value for m in app.markdown)
    assert any("未计入原文未写明责任单位" in c.value for c in app.caption)
    assert any("2018–2021 年的 16 条写明责任单位的措施全部出自《北辰区" in c.value for c in app.caption)
    switch.set_value(True).run()
    assert not app.exception, app.exception
    assert any("市政府办公厅：36 条（均按发文机关计）" in m.value for m in app.markdown)


def test_the_terms_tab_states_its_floor_and_the_dominant_document(built):
    app = open_section("新兴与淡出的词语")
    assert not app.exception, app.exception
    captions = " ".join(c.value for c in app.caption)
    assert "至少 5 条措施" in captions and "出自《天津市科技创新“十四五”规划》" in captions
    assert not any(option.startswith("常态（") for option in app.selectbox(key="evolution_term").options)


def axis_title(app: AppTest) -> str:
    """The x-axis title of the comparison's themes chart."""
    themes = next(c for c in app.get("plotly_chart") if c.proto.id.endswith("evolution_compare_themes"))
    return json.loads(themes.proto.spec)["layout"]["xaxis"]["title"]["text"]


def test_the_comparison_tab_opens_on_shares_and_offers_counts(built):
    app = open_section("对比两份文件或两个年份")
    assert not app.exception, app.exception
    values = app.segmented_control(key="evolution_compare_value")
    assert values.value == "share"
    assert axis_title(app) == charts.SHARE_AXIS
    values.set_value("count").run()
    assert not app.exception, app.exception
    assert axis_title(app) == "措施数"
