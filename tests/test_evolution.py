"""政策演进: mixes, emerging/fading terms (weighted log-odds, informative Dirichlet prior), bodies over
time with renamings merged, indicators aligned across documents (masked values never valued),
comparison, lineage — on tiny frames, on the real seeds, and the page under AppTest."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.charts import evolution as charts
from lib.config import ROOT
from lib.query import evolution as ev
from lib.query import filters as flt
from lib.query import lineage
from lib.reference import ReferenceDataError
from tests.conftest import doc_by_prefix

PAGE = "app_pages/evolution.py"
SECTIONS = [
    "主题与工具构成",
    "新兴与淡出的词语",
    "各机构的措施",
    "同一指标的目标",
    "对比两份文件或两个年份",
    "承接关系",
]


def measure(
    mid: str,
    doc: str,
    year: int,
    keywords=(),
    themes=(),
    instruments=(),
    agencies=(),
    text: str = "",
    heading: str = "措施",
) -> dict:
    return {
        "measure_id": mid,
        "doc_id": doc,
        "year": year,
        "ordinal": int(mid[1:]),
        "heading": heading,
        "text": text or heading,
        "keywords": list(keywords),
        "themes": list(themes),
        "industries": [],
        "instruments": list(instruments),
        "agencies": list(agencies),
        "agency_source": "phrase" if agencies else "none",
    }


MEASURES = pd.DataFrame(
    [
        measure(
            "m1", "a", 2018, ["研究", "平台", "人才"], ["人才"], ["供给型·人才支持", "供给型·资金投入"], ["市科技局"]
        ),
        measure("m2", "a", 2018, ["研究", "平台"], ["人才", "成果转化"], ["环境型·金融支持"], ["市科技局", "市财政局"]),
        measure(
            "m3",
            "b",
            2025,
            ["平台", "概念验证"],
            ["成果转化"],
            ["需求型·示范应用"],
            ["市科技局", "市教委"],
            text="建设概念验证中心。完善平台；推广概念验证服务。",
        ),
        measure("m4", "b", 2025, ["概念验证", "人才"], [], [], ["市教委"]),
    ]
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["a", "b"],
        "title": ["甲方案", "乙方案"],
        "year": [2018, 2025],
        "issued_date": ["2018-06-01", "2025"],
        "level": ["municipal", "municipal"],
        "doc_number": [None, "津政发〔2025〕9号"],
        "period_end": [None, 2027],
    }
)
MAPPING = {
    "全社会研发投入强度": {"phrases": ["研发投入强度", "全社会研发投入强度"], "units": ["%"]},
    "市属国有工业企业研发投入强度": {"phrases": ["市属国有工业企业研发投入强度"], "units": ["%"]},
    "技术合同成交额": {"phrases": ["技术合同成交额"], "units": ["亿元"]},
}


def target(doc: str, indicator: str, unit: str, low=None, year=None, masked=False, mask=None, kind="target") -> dict:
    return {
        "doc_id": doc,
        "measure_id": None,
        "kind": kind,
        "indicator": indicator,
        "comparator": "=",
        "value_low": low,
        "value_high": low,
        "unit": unit,
        "target_year": year,
        "year_masked": masked and year is None,
        "scope": "天津市",
        "masked": masked,
        "mask": mask,
        "mask_magnitude": "4位数（1000–9999）" if masked else None,
        "raw": indicator,
        "year": 2018 if doc == "a" else 2025,
    }


TARGETS = pd.DataFrame(
    [
        target("a", "技术合同成交额", "亿元", 60.0, 2022),
        # a masked row that (wrongly) carries a number upstream must still not be drawn as a value
        target("b", "技术合同成交额", "亿元", 1234.0, masked=True, mask="****"),
        target("b", "市属国有工业企业研发投入强度", "%", masked=True, mask="*"),
        target("a", "财政补助资金", "%", 30.0, kind="parameter"),
    ]
)


# --- log-odds -------------------------------------------------------------------------------------------


def test_a_term_used_only_in_the_later_period_is_the_top_emerging_term():
    scores = ev.log_odds({"研究": 5, "平台": 3, "人才": 2}, {"平台": 3, "人才": 2, "概念验证": 4})
    assert scores.iloc[0].term == "概念验证" and scores.iloc[0].z > 0
    assert scores.iloc[-1].term == "研究" and scores.iloc[-1].z < 0
    assert abs(scores.set_index("term").z["平台"]) < abs(scores.set_index("term").z["概念验证"])


def test_swapping_the_periods_negates_the_scores():
    a, b = {"研究": 5, "平台": 3}, {"平台": 4, "概念验证": 2}
    forward, backward = ev.log_odds(a, b).set_index("term").z, ev.log_odds(b, a).set_index("term").z
    assert all(math.isclose(forward[t], -backward[t]) for t in forward.index)


def test_the_prior_shrinks_rare_terms():
    """One occurrence scores lower than the same share seen five times (the point of the prior)."""
    once = ev.log_odds({"x": 0, "y": 10}, {"x": 1, "y": 10}).set_index("term").z["x"]
    often = ev.log_odds({"x": 0, "y": 50}, {"x": 5, "y": 50}).set_index("term").z["x"]
    assert 0 < once < often


def test_a_background_prior_is_used_when_given():
    a, b = {"x": 1, "y": 9}, {"x": 5, "y": 5}
    weak = ev.log_odds(a, b, prior={"x": 1, "y": 1}).set_index("term").z["x"]
    strong = ev.log_odds(a, b, prior={"x": 500, "y": 500}).set_index("term").z["x"]
    assert weak > strong > 0


def test_emerging_and_fading_keep_their_sign_and_order():
    emerging, fading = ev.emerging_and_fading(
        ev.log_odds({"研究": 5, "平台": 3}, {"平台": 3, "概念验证": 4, "中试": 2}), top=5
    )
    assert (emerging.z > 0).all() and (fading.z < 0).all()
    assert list(emerging.term[:2]) == ["概念验证", "中试"] and fading.term.iloc[0] == "研究"


def test_keyword_counts_count_measures_not_occurrences():
    frame = pd.DataFrame({"keywords": [["平台", "平台"], ["平台"]]})
    assert ev.keyword_counts(frame) == {"平台": 2}


@pytest.mark.parametrize(
    "years, expected",
    [
        ([2018, 2021, 2025, 2021], ((2018, 2021), (2025, 2025))),
        ([2021, 2025], ((2021, 2021), (2025, 2025))),
        ([2025], None),
        ([], None),
    ],
)
def test_default_periods_are_the_latest_year_against_all_before(years, expected):
    assert ev.default_periods(years) == expected


def test_widget_keys_follow_their_options():
    assert ev.widget_key("k", [2018, 2025]) == ev.widget_key("k", [2018, 2025]) != ev.widget_key("k", [2021, 2025])


def test_term_sentences_are_the_sentences_that_carry_the_term():
    found = ev.term_sentences(MEASURES, DOCUMENTS, "概念验证")
    assert list(found.sentence[found.measure_id == "m3"]) == ["建设概念验证中心。", "推广概念验证服务。"]
    assert set(found.title) == {"乙方案"}
    assert ev.term_sentences(MEASURES, DOCUMENTS, "").empty


def test_sentences_of_undated_documents_come_last_without_a_year():
    undated = MEASURES.assign(year=MEASURES.year.where(MEASURES.measure_id != "m3"))  # m3's document has no date
    found = ev.term_sentences(undated, DOCUMENTS, "概念验证")
    assert found.year.isna().any() and found.year.isna().iloc[-1]


def test_document_labels_read_whole_years_and_put_undated_documents_first():
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "title": ["甲方案", "乙方案", "丙方案"],
            "year": [2021.0, math.nan, 2019.0],
            "issued_date": [None, None, None],
        }
    )
    labels = ev.document_labels(docs)
    assert list(labels.label) == ["年份不详·乙方案", "2019·丙方案", "2021·甲方案"]  # the latest two close the list


# --- mixes ----------------------------------------------------------------------------------------------


def test_instrument_mix_by_year_collapses_subtypes_and_shares_sum_to_one():
    table = ev.mix_table(MEASURES, DOCUMENTS, "instrument_types", "year")
    assert set(table.label) == {"供给型", "环境型", "需求型"}
    assert table[(table.group == 2018) & (table.label == "供给型")].n.item() == 1  # two subtypes, one measure
    assert table.groupby("group").share.sum().round(9).eq(1).all()
    assert table[table.group == 2025].n_measures.iloc[0] == 2


def test_mix_by_document_follows_the_documents_dates():
    docs = DOCUMENTS.assign(issued_date=["2018", "2018-03-01"], year=[2018, 2018])
    table = ev.mix_table(MEASURES, docs, "themes", "document")
    assert list(dict.fromkeys(table.group)) == ["b", "a"]  # March before "2018" (placed mid-year)
    assert table.group_label.iloc[0] == "2018·乙方案"


def test_mix_of_nothing_is_empty():
    assert ev.mix_table(MEASURES.iloc[0:0], DOCUMENTS, "themes").empty


# --- bodies ---------------------------------------------------------------------------------------------


def test_agency_year_counts_keep_the_busiest_bodies():
    cells = ev.agency_year_counts(MEASURES, top=2)
    assert list(dict.fromkeys(cells.agency)) == ["市科技局", "市教委"]
    assert cells.set_index(["agency", "year"]).n.to_dict() == {
        ("市科技局", 2018): 2,
        ("市科技局", 2025): 1,
        ("市教委", 2025): 2,
    }


def test_renaming_notes_read_old_year_new():
    agencies = pd.DataFrame({"agency": ["市科技局", "市教委"], "renamed_from": [["市科委（2018年更名）"], []]})
    assert ev.renaming_notes(agencies) == ["市科委（2018）→市科技局"]
    assert ev.renaming_notes(agencies, ["市教委"]) == []


def test_bodies_that_appear_and_vanish_between_periods():
    appeared, vanished = ev.appear_vanish(MEASURES, "agencies", (2018, 2018), (2025, 2025))
    assert appeared.values.tolist() == [["市教委", 2]] and vanished.values.tolist() == [["市财政局", 1]]


# --- indicators -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "indicator, unit, expected",
    [
        ("全社会研发投入强度", "%", "全社会研发投入强度"),
        ("市属国有工业企业研发投入强度", "%", "市属国有工业企业研发投入强度"),  # the longest phrase wins
        ("全区技术合同成交额", "亿元", "技术合同成交额"),
        ("技术合同成交额", "项", None),  # a unit the indicator is not counted in
        ("科技特派员", "名", None),
    ],
)
def test_canonical_indicator(indicator, unit, expected):
    assert ev.canonical_indicator(indicator, unit, MAPPING) == expected


def test_alignment_puts_one_indicator_of_two_documents_on_one_series():
    aligned = ev.align_indicators(TARGETS, DOCUMENTS, MAPPING)
    contract = aligned[aligned.series == "技术合同成交额（亿元）"]
    assert list(contract.doc_id) == ["a", "b"]
    assert contract.x.tolist() == [2022.0, 2027.0]
    assert "规划期末 2027" in contract.x_note.iloc[1]
    assert "财政补助资金" not in set(aligned.canonical)  # parameters are rules, not indicators


def test_masked_targets_never_get_a_value():
    aligned = ev.align_indicators(TARGETS, DOCUMENTS, MAPPING)
    masked = aligned[aligned.masked]
    assert len(masked) == 2 and masked.value.isna().all() and masked.value_high.isna().all()
    assert set(masked.short_label) == {"****亿元", "*%"}
    fig = charts.indicator_figure(aligned, ev.series_order(aligned))
    hollow = [t for t in fig.data if t.marker.symbol == "circle-open" and t.x and t.x[0] is not None]
    assert hollow and all(set(t.y) == {0} for t in hollow), "masked values sit at the axis bottom"


def test_series_order_prefers_indicators_in_more_documents():
    aligned = ev.align_indicators(TARGETS, DOCUMENTS, MAPPING)
    assert ev.series_order(aligned)[0] == "技术合同成交额（亿元）"


def test_indicators_yaml_loads_and_a_broken_entry_names_the_file(tmp_path):
    mapping = ev.indicator_phrases()
    assert {"技术合同成交额", "高新技术企业", "全社会研发投入强度", "科技型中小企业", "有效发明专利"} <= set(mapping)
    assert all(entry["phrases"] for entry in mapping.values())
    broken = tmp_path / "indicators.yaml"
    broken.write_text("indicators:\n  技术合同成交额:\n    units: [亿元]\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="indicators.yaml"):
        ev.indicator_phrases(broken)


# --- comparison -----------------------------------------------------------------------------------------


def test_compare_counts_and_terms_of_two_selections():
    a, b = MEASURES[MEASURES.doc_id == "a"], MEASURES[MEASURES.doc_id == "b"]
    counts = ev.compare_counts(a, b, "themes")
    assert counts.set_index("label")[["a", "b"]].to_dict("index") == {
        "人才": {"a": 2, "b": 0},
        "成果转化": {"a": 1, "b": 1},
    }
    new, dropped = ev.new_and_dropped_terms(a, b)
    assert new[["term", "n"]].values.tolist() == [["概念验证", 2]] and dropped[["term", "n"]].values.tolist() == [
        ["研究", 2]
    ]


def test_compare_targets_puts_shared_indicators_first_and_keeps_masks():
    table = ev.compare_targets(
        TARGETS[TARGETS.doc_id == "a"], TARGETS[TARGETS.doc_id == "b"], MAPPING, names=("甲", "乙")
    )
    assert table.iloc[0].to_dict() == {
        "指标": "技术合同成交额",
        "甲": "60亿元（2022年）",
        "乙": "****亿元（遮盖：4位数（1000–9999））",
    }
    assert "1234" not in table.to_string()


# --- lineage --------------------------------------------------------------------------------------------

CITATIONS = pd.DataFrame(
    {
        "from_doc_id": ["b", "b", "a"],
        "cited_title": ["甲方案", "国家技术创新中心建设工作指引", "天津市科技创新三年行动计划（2020—2022年）"],
        "cited_number": [None, "国科发创〔2017〕353号", None],
        "resolved_doc_id": ["a", None, None],
        "sentence": ["", "", ""],
    }
)


def test_lineage_links_corpus_documents_and_places_outside_ones_by_their_year():
    nodes, edges = lineage.lineage_graph(CITATIONS, DOCUMENTS)
    assert ("b", "a") in set(zip(edges.source, edges.target))
    outside = nodes[~nodes.inside].set_index("number")
    assert outside.loc["国科发创〔2017〕353号"].lane == "national" and outside.loc["国科发创〔2017〕353号"].x == 2017.5
    assert nodes.set_index("title").loc["天津市科技创新三年行动计划（2020—2022年）"].x == 2020.5
    assert nodes.y.is_unique, "one row per node, so labels never overlap"


@pytest.mark.parametrize(
    "title, number, level",
    [
        ("国家科技创新基地优化整合方案", "国科发基〔2017〕250号", "national"),
        ("天津市科技创新三年行动计划", "津政发〔2020〕23号", "municipal"),
        ("北辰区科技创新三年行动计划实施方案", "北辰政发〔2021〕5号", "district"),
        ("天津市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "", "municipal"),
        ("某某办法", "", "unknown"),
    ],
)
def test_cited_level(title, number, level):
    assert lineage.cited_level(title, number) == level


def test_no_citations_no_graph():
    nodes, edges = lineage.lineage_graph(CITATIONS.iloc[0:0], DOCUMENTS.iloc[0:0])
    assert nodes.empty and edges.empty
    assert charts.lineage_figure(nodes, edges) is None


# --- figures --------------------------------------------------------------------------------------------


def test_figures_are_none_when_there_is_nothing_to_draw():
    empty = MEASURES.iloc[0:0]
    assert charts.mix_figure(ev.mix_table(empty, DOCUMENTS, "themes"), True, "year") is None
    assert charts.term_figure(*ev.emerging_and_fading(ev.log_odds({}, {})), ("A", "B")) is None
    assert charts.agency_grid(ev.agency_year_counts(empty), []) is None
    assert charts.indicator_figure(ev.align_indicators(TARGETS.iloc[0:0], DOCUMENTS, MAPPING), []) is None
    assert charts.compare_figure(ev.compare_counts(empty, empty, "themes"), ("A", "B")) is None


@pytest.mark.parametrize(
    "fig, first",
    [
        (lambda: charts.mix_figure(ev.mix_table(MEASURES, DOCUMENTS, "instrument_types"), True, "year"), "供给型"),
        (lambda: charts.agency_grid(ev.agency_year_counts(MEASURES), ["市科委（2018）→市科技局"]), "市科技局"),
        (
            lambda: charts.compare_figure(ev.compare_counts(MEASURES[:2], MEASURES[2:], "themes"), ("A", "B")),
            "成果转化",
        ),
    ],
)
def test_clickable_marks_carry_the_filter_value_first(fig, first):
    assert fig().data[0].customdata[0][0] == first


def test_the_renaming_is_written_on_the_bodies_chart():
    fig = charts.agency_grid(ev.agency_year_counts(MEASURES), ["市科委（2018）→市科技局"])
    assert any("市科委（2018）→市科技局" in (t.name or "") for t in fig.data if t.showlegend is not False)


def test_the_bodies_bubbles_fit_their_rows_at_any_count():
    cells = pd.DataFrame(
        {
            "agency": ["市科技局", "市科技局", "市教委"],
            "year": [2021, 2022, 2021],
            "n": [11000, 40, 3],
            "total": [11040, 11040, 3],
        }
    )
    sizes = list(charts.agency_grid(cells, []).data[0].marker.size)
    assert max(sizes) <= 30 and sizes[0] > sizes[1] > sizes[2]


# --- the real seeds -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def actionable(seed_tables) -> pd.DataFrame:
    measures = seed_tables["measures"]
    return measures[measures.kind.isin(flt.ACTIONABLE_KINDS)]


def test_seed_shiweike_2018_and_shikejiju_2025_are_one_body(seed_tables, actionable):
    cells = ev.agency_year_counts(actionable, include_issuer=True)  # the 2018 documents write no 责任单位
    assert "市科委" not in set(cells.agency)
    assert {2018, 2025} <= set(cells[cells.agency == "市科技局"].year)
    assert "市科委（2018）→市科技局" in ev.renaming_notes(seed_tables["agencies"], cells.agency)
    appeared, vanished = ev.bodies_appear_vanish(actionable, (2018, 2018), (2025, 2025), include_issuer=True)
    assert "市科技局" not in set(appeared.label) | set(vanished.label)


def test_seed_2025_against_2021_emerging_and_fading_terms(actionable):
    scores = ev.log_odds(
        ev.keyword_counts(actionable[actionable.year == 2021]),
        ev.keyword_counts(actionable[actionable.year == 2025]),
        prior=ev.keyword_counts(actionable),
    )
    z = scores.set_index("term").z
    assert z["天开高教科创园"] > 0 and z["两创融合"] > 0  # named only in the 2025 scheme
    emerging, fading = ev.emerging_and_fading(scores, top=12)
    assert "研究" in set(fading.term)  # the 14th plan's research directions
    assert set(emerging.term).isdisjoint(fading.term)


def test_seed_technology_contract_value_is_aligned_across_two_documents(seed_tables):
    aligned = ev.align_indicators(seed_tables["targets"], seed_tables["documents"], ev.indicator_phrases())
    contract = aligned[aligned.series == "技术合同成交额（亿元）"].set_index("doc_id")
    beichen, plan_2025 = doc_by_prefix(seed_tables, "001").doc_id, doc_by_prefix(seed_tables, "003").doc_id
    assert contract.loc[beichen, "value"] == 60 and contract.loc[beichen, "x"] == 2022
    assert contract.loc[plan_2025, "masked"] and math.isnan(contract.loc[plan_2025, "value"])
    assert contract.loc[plan_2025, "x"] == 2027  # masked year: at the end of the 2025—2027 plan
    assert aligned[aligned.masked].value.isna().all()
    assert ev.series_order(aligned)[0] == "技术合同成交额（亿元）"


def test_a_large_view_shows_only_the_documents_in_a_citation():
    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "title": ["甲", "乙", "丙"],
            "doc_number": [None] * 3,
            "issued_date": ["2020-01", "2021-01", "2022-01"],
            "year": [2020, 2021, 2022],
            "level": ["municipal"] * 3,
        }
    )
    citations = pd.DataFrame(
        {
            "from_doc_id": ["b"],
            "cited_title": ["甲"],
            "cited_number": [None],
            "resolved_doc_id": ["a"],
            "sentence": ["根据《甲》"],
        }
    )
    nodes, edges = lineage.lineage_graph(citations, documents, unlinked_up_to=2)
    assert set(nodes.node_id) == {"a", "b"} and len(edges) == 1
    assert set(lineage.lineage_graph(citations, documents)[0].node_id) == {"a", "b", "c"}


def test_only_the_documents_with_most_points_are_drawn_on_the_indicator_chart():
    aligned = pd.DataFrame(
        {"series": ["s", "s", "s", "t"], "doc_id": ["a", "a", "b", "c"], "x": [2025.0, 2024.0, 2025.0, 2030.0]}
    )
    assert set(ev.busiest_documents(aligned, ["s"], 1).doc_id) == {"a"}
    assert set(ev.busiest_documents(aligned, ["s", "t"], 2).doc_id) == {"a", "c"}  # tie b/c: the later one


def test_seed_lineage_puts_the_national_guidelines_outside_the_corpus(seed_tables):
    nodes, edges = lineage.lineage_graph(seed_tables["citations"], seed_tables["documents"])
    centre_plan = doc_by_prefix(seed_tables, "002").doc_id
    cited = nodes.set_index("node_id").loc[edges[edges.source == centre_plan].target]
    assert set(cited.number) == {"国科发基〔2017〕250号", "国科发创〔2017〕353号"}
    assert (~cited.inside).all() and set(cited.lane) == {"national"}
    assert nodes.inside.sum() == len(seed_tables["documents"])


# --- the page -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    assert build_main(["--if-stale"]) in (0, 3)


def registered() -> bool:
    return PAGE in (ROOT / "dashboard.py").read_text(encoding="utf-8")


def open_section(app: AppTest, section: str) -> AppTest:
    app.session_state["evolution_section"] = section
    return app.run()


def test_the_page_runs_alone_one_section_at_a_time(built):
    app = AppTest.from_file(str(ROOT / PAGE), default_timeout=90).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "政策演进"
    assert [tab.label for tab in app.tabs] == SECTIONS
    charts_per_section = {}
    for section in SECTIONS:
        open_section(app, section)
        assert not app.exception, (section, app.exception)
        charts_per_section[section] = len(app.get("plotly_chart"))
    assert all(n <= 4 for n in charts_per_section.values()), charts_per_section  # the timeline and this section's
    assert charts_per_section["对比两份文件或两个年份"] == 4  # timeline + themes, instruments, bodies side by side


def test_each_section_explains_itself(built):
    app = AppTest.from_file(str(ROOT / PAGE), default_timeout=90).run()
    open_section(app, "新兴与淡出的词语")
    assert any(":orange-background[" in m.value for m in app.markdown), "sentences of the chosen term, highlighted"
    open_section(app, "各机构的措施")
    assert any("市科委（2018）→市科技局" in c.value for c in app.caption)
    assert app.select_slider, "the periods of the new and vanished bodies"


def test_the_page_compares_two_years_and_changes_the_term(built):
    app = open_section(AppTest.from_file(str(ROOT / PAGE), default_timeout=90).run(), "对比两份文件或两个年份")
    app.segmented_control(key="evolution_compare_by").set_value("year").run()
    assert not app.exception, app.exception
    assert [s.value for s in app.selectbox if s.key and s.key.startswith("evolution_compare_year")] == [2021, 2025]
    assert {"A：2021", "B：2025"} <= set(app.dataframe[0].value.columns)  # the targets side by side
    open_section(app, "新兴与淡出的词语")
    app.selectbox(key="evolution_term").set_value("研究").run()
    assert not app.exception, app.exception
    assert any(":orange-background[研究]" in m.value for m in app.markdown)


def test_an_empty_selection_explains_itself(built):
    app = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    app.query_params["q"] = "不存在的词语xyz"
    app.run()
    for section in SECTIONS:
        open_section(app, section)
        assert not app.exception, (section, app.exception)
        assert len(app.info) >= 2, section  # the timeline's explanation and the section's own


@pytest.mark.skipif(not registered(), reason="the page is not yet in dashboard.py's APP_MAP")
def test_the_page_inside_the_dashboard_and_a_click_filters(built):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "政策演进"
    open_section(app, "各机构的措施")
    app.session_state["evolution_agencies"] = {
        "selection": {"points": [{"customdata": ["市教委"]}], "point_indices": [0], "box": [], "lasso": []}
    }
    app.run()
    assert "市教委" in app.session_state["filter_agencies"]
