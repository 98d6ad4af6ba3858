"""部门任务: workload per body, bodies × documents, the co-responsibility network, one body in detail.

The pure steps on a tiny hand-made table first, then the page in process (AppTest).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.charts import agencies as charts
from lib.config import ROOT
from lib.query import bodies, network

# Seven measures in two documents: a lead with partners, pairs, a single body, issuer fallbacks, none.
MEASURES = pd.DataFrame(
    [
        # measure_id, doc_id, year, agencies, agencies_raw, lead_agency, agency_source, heading, kind, ordinal, outline
        (
            "m1",
            "d1",
            2021,
            ["甲局", "乙委", "丙办"],
            ["甲局", "乙委", "丙办"],
            "甲局",
            "phrase",
            "建设平台",
            "task",
            1,
            "1.1",
        ),
        ("m2", "d1", 2021, ["甲局", "乙委"], ["市甲局", "乙委"], None, "phrase", "培育企业", "task", 2, "1.2"),
        ("m3", "d1", 2021, ["乙委"], ["乙委"], None, "phrase", "引进人才", "task", 3, "1.3"),
        ("m4", "d2", 2025, ["甲局"], [], None, "issuer", "加强统筹", "safeguard", 1, "1"),
        ("m5", "d2", 2025, [], [], None, "none", "总体目标", "task", 2, "2"),
        (
            "m6",
            "d2",
            2025,
            ["甲局", "甲局", "乙委"],
            ["甲局", "甲局", "乙委"],
            None,
            "phrase",
            "金融支持",
            "task",
            3,
            "3",
        ),
        ("m7", "d2", 2025, ["甲局"], [], None, "issuer", "监督评估", "safeguard", 4, "4"),
    ],
    columns=[
        "measure_id",
        "doc_id",
        "year",
        "agencies",
        "agencies_raw",
        "lead_agency",
        "agency_source",
        "heading",
        "kind",
        "ordinal",
        "outline",
    ],
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["d1", "d2"],
        "title": ["天津市甲方案（2021年）", "乙工作方案"],
        "year": [2021, 2025],
        "issuer": ["天津市人民政府", "甲委"],
    }
)
AGENCIES = pd.DataFrame(
    {
        "agency": ["甲局", "乙委", "丙办"],
        "level": ["市级", "区级", "中央在津"],
        "aliases": [["市甲局"], [], []],
        "renamed_from": [["甲委（2018年更名）"], [], []],
    }
)
TARGETS = pd.DataFrame(
    {
        "target_id": ["t1", "t3", "t4"],
        "measure_id": ["m1", "m3", "m4"],
        "indicator": ["平台", "人才", "投入"],
        "value_low": [30.0, None, 5.0],
        "unit": ["个", "名", "亿元"],
        "masked": [False, True, False],
        "mask": [None, "**", None],
        "target_year": [2023.0, None, None],
    }
)


# --- workload ----------------------------------------------------------------------------------------


def counts(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(r.agency, r.role): r.n for r in frame.itertuples()}


def test_workload_splits_lead_named_and_issuer_per_body():
    frame = bodies.workload(bodies.body_rows(MEASURES))
    assert counts(frame) == {
        ("甲局", "lead"): 1,
        ("甲局", "named"): 2,
        ("甲局", "issuer"): 2,
        ("乙委", "named"): 4,
        ("丙办", "named"): 1,
    }
    assert list(dict.fromkeys(frame.agency)) == ["甲局", "乙委", "丙办"]
    assert frame.groupby("agency").total.first().to_dict() == {"甲局": 5, "乙委": 4, "丙办": 1}


def test_workload_without_issuer_fallback_reorders_the_bodies():
    frame = bodies.workload(bodies.body_rows(MEASURES), include_issuer=False)
    assert "issuer" not in set(frame.role)
    assert list(dict.fromkeys(frame.agency)) == ["乙委", "甲局", "丙办"]  # 甲局 drops to 3


def test_equal_workloads_are_ordered_by_name():
    tied = MEASURES[MEASURES.measure_id != "m7"]  # 甲局 4 = 乙委 4
    assert bodies.body_ranking(bodies.body_rows(tied)) == ["乙委", "甲局", "丙办"]  # code-point order, stable


def test_workload_keeps_the_top_bodies_and_is_empty_without_bodies():
    assert list(dict.fromkeys(bodies.workload(bodies.body_rows(MEASURES), top=1).agency)) == ["甲局"]
    empty = bodies.workload(bodies.body_rows(MEASURES[MEASURES.agency_source == "none"]))
    assert empty.empty and charts.workload_bars(empty) is None


def test_the_headline_counts_bodies_and_sources():
    assert bodies.headline(MEASURES) == {
        "涉及机构": 3,
        "写明责任单位的措施": 4,
        "其中多部门共同负责": 3,
        "按发文机关计的措施": 2,
        "未归属机构的措施": 1,
    }


@pytest.mark.parametrize(
    "former, note",
    [
        (["甲委（2018年更名）"], "甲委（2018）与甲局合并计数"),
        (["甲委（2018年更名）", "甲办（2024年更名）"], "甲委（2018）、甲办（2024）与甲局合并计数"),
        (["甲委"], "甲委与甲局合并计数"),  # no year written: the former name as it stands
    ],
)
def test_a_renamed_body_carries_the_merge_note(former, note):
    table = AGENCIES.assign(renamed_from=[former, [], []])
    assert bodies.merged_notes(table, ["乙委", "甲局"]) == {"甲局": note}
    assert bodies.merged_notes(table, ["乙委"]) == {}


def test_the_bars_mark_merged_bodies_hatch_the_issuer_part_and_carry_the_body():
    fig = charts.workload_bars(bodies.workload(bodies.body_rows(MEASURES)), {"甲局": "甲委（2018）与甲局合并计数"})
    bars = [t for t in fig.data if t.type == "bar"]
    assert {t.name for t in bars} == set(bodies.ROLE_LABELS.values())
    issuer = next(t for t in bars if t.name == bodies.ROLE_LABELS["issuer"])
    assert issuer.marker.pattern.shape == "/"
    assert all(row[0] in {"甲局", "乙委", "丙办"} for t in fig.data for row in t.customdata)
    assert "甲局 *" in fig.layout.yaxis.ticktext and "甲委（2018）与甲局合并计数" in fig.layout.xaxis.title.text


# --- bodies × documents --------------------------------------------------------------------------------


def test_the_grid_counts_measures_per_body_and_document():
    grid = bodies.workload_grid(bodies.body_rows(MEASURES), DOCUMENTS)
    cells = {(r.agency, r.column): (r.n, r.n_lead, r.n_issuer) for r in grid.itertuples()}
    d1, d2 = "2021·甲方案（2021年）", "2025·乙工作方案"  # 天津市 dropped from the label
    assert cells == {
        ("甲局", d1): (2, 1, 0),
        ("甲局", d2): (3, 0, 2),
        ("乙委", d1): (3, 0, 0),
        ("乙委", d2): (1, 0, 0),
        ("丙办", d1): (1, 0, 0),
    }


def test_by_document_the_grid_keeps_the_documents_where_the_bodies_carry_most():
    grid = bodies.workload_grid(bodies.body_rows(MEASURES), DOCUMENTS, max_documents=1)
    assert set(grid.column) == {"2021·甲方案（2021年）"}  # 6 (measure, body) pairs against 4 in 乙工作方案


def test_documents_with_one_short_label_stay_two_grid_columns():
    same = DOCUMENTS.assign(title="天津市同一个名称的实施方案", year=2021)
    assert bodies.workload_grid(bodies.body_rows(MEASURES), same).column.nunique() == 2


def test_the_grid_by_year_and_without_issuer():
    grid = bodies.workload_grid(bodies.body_rows(MEASURES), DOCUMENTS, by="year", include_issuer=False)
    assert {(r.agency, r.column): r.n for r in grid.itertuples()} == {
        ("甲局", "2021"): 2,
        ("甲局", "2025"): 1,
        ("乙委", "2021"): 3,
        ("乙委", "2025"): 1,
        ("丙办", "2021"): 1,
    }


def test_the_grid_is_a_clickable_scatter_with_issuer_only_cells_apart():
    only_issuer = MEASURES[MEASURES.measure_id == "m4"]
    fig = charts.workload_grid_figure(bodies.workload_grid(bodies.body_rows(only_issuer), DOCUMENTS))
    assert [t.type for t in fig.data] == ["scatter"] and fig.data[0].name == bodies.ROLE_LABELS["issuer"]
    assert fig.data[0].customdata[0][0] == "甲局"
    assert charts.workload_grid_figure(bodies.workload_grid(bodies.body_rows(MEASURES.iloc[0:0]), DOCUMENTS)) is None


@pytest.mark.parametrize(
    "column, label",
    [
        ("2021·北辰区科技创新三年行动计划实…", "2021<br>北辰区科技创新三<br>年行动计划实…"),
        ("2021·科技创新“十四五”规划", "2021<br>科技创新“十四五”<br>规划"),  # ” never starts a line
    ],
)
def test_document_tick_labels_wrap(column, label):
    assert charts.tick_label(column) == label


# --- the network ---------------------------------------------------------------------------------------


def test_edges_count_shared_measures_of_written_phrases_only():
    edges = network.co_responsibility_edges(MEASURES)
    # m3 names one body (no pair), m4 is an issuer fallback; m6 names 甲局 twice but shares one measure
    assert {(r.source, r.target): r.n for r in edges.itertuples()} == {
        ("丙办", "乙委"): 1,
        ("丙办", "甲局"): 1,
        ("乙委", "甲局"): 3,
    }
    assert list(edges.n) == sorted(edges.n, reverse=True)


def test_nodes_are_sized_by_written_measures_and_limited_to_the_top():
    nodes, edges = network.network(MEASURES, AGENCIES, top=2)
    assert nodes.set_index("agency")[["n", "n_shared"]].to_dict("index") == {
        "乙委": {"n": 4, "n_shared": 3},
        "甲局": {"n": 3, "n_shared": 3},
    }
    assert list(nodes.level) == ["区级", "市级"]
    assert {(r.source, r.target) for r in edges.itertuples()} == {("乙委", "甲局")}


def test_the_layout_is_deterministic_and_inside_the_frame():
    nodes, edges = network.network(MEASURES, AGENCIES)
    first = network.spring_layout(list(nodes.agency), edges)
    assert first == network.spring_layout(list(reversed(nodes.agency)), edges)  # input order does not matter
    assert first != network.spring_layout(list(nodes.agency), edges, seed=8)
    assert all(-1 <= v <= 1 for xy in first.values() for v in xy)


def test_separate_groups_are_laid_out_side_by_side():
    edges = pd.DataFrame({"source": ["a", "b", "x"], "target": ["b", "c", "y"], "n": [2, 1, 1]})
    assert network.components(["a", "b", "c", "x", "y", "z"], edges) == [["a", "b", "c"], ["x", "y"], ["z"]]
    pos = network.spring_layout(["a", "b", "c", "x", "y", "z"], edges)
    assert max(pos[n][0] for n in "abc") < min(pos[n][0] for n in "xy")  # left group, right group
    assert pos["z"][1] == -1.0  # a body without partners sits in the bottom row


def test_a_label_moves_off_a_neighbouring_marker():
    sides = network.label_sides({"小": (0.0, 0.0), "大": (0.0, 0.08)}, {"小": 6.0, "大": 15.0})
    assert sides["大"] == "top center" and sides["小"] != "top center"


def test_the_network_nodes_carry_the_body_for_clicks():
    nodes, edges = network.network(MEASURES, AGENCIES)
    fig = charts.network_figure(nodes, edges, network.spring_layout(list(nodes.agency), edges))
    clickable = [t for t in fig.data if t.customdata is not None]
    assert {row[0] for t in clickable for row in t.customdata} == {"甲局", "乙委", "丙办"}
    assert {t.name for t in clickable} == {"市级", "区级", "中央在津"}
    assert "乙委（3）" in next(row[3] for t in clickable for row in t.customdata if row[0] == "甲局")
    assert charts.network_figure(*network.network(MEASURES[MEASURES.measure_id == "m3"], AGENCIES), {}) is None


# --- one body ------------------------------------------------------------------------------------------


def test_one_body_measures_targets_partners_and_names():
    own = bodies.body_measures(MEASURES, DOCUMENTS, "甲局")
    assert list(own["措施"]) == ["建设平台", "培育企业", "加强统筹", "金融支持", "监督评估"]
    assert list(own["角色"]) == ["牵头", "责任单位", "按发文机关计", "责任单位", "按发文机关计"]
    targets = bodies.body_targets(TARGETS, MEASURES, "乙委")
    assert list(targets["指标"]) == ["平台", "人才"] and list(targets["数值"]) == ["30", "**（原文遮盖）"]
    assert list(targets["原文"]) == ["/reader?t=t1", "/reader?t=t3"]  # each target's permalink
    assert list(own["原文"])[:2] == ["/reader?m=m1", "/reader?m=m2"]
    assert bodies.body_partners(MEASURES, "甲局").values.tolist() == [["乙委", 3], ["丙办", 1]]
    written = bodies.written_forms(MEASURES, DOCUMENTS, "甲局")
    assert written == ["市甲局", "甲委"]  # as written in a 责任单位 phrase, and as the issuer of d2
    assert bodies.body_profile(AGENCIES, "甲局", written) == {
        "层级": "市级",
        "原文写法": "市甲局、甲委",
        "曾用名": "甲委（2018年更名）",
    }
    assert bodies.body_profile(AGENCIES, "未知机构")["层级"] == "—"


def test_written_forms_pair_items_only_where_the_raw_and_canonical_lists_run_parallel():
    measures = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d1"],
            "agency_source": ["phrase"] * 3,
            "agencies": [["甲局", "乙委"], ["甲局", "乙委"], ["甲局"]],
            "agencies_raw": [["市甲局", "乙委"], ["甲乙两局"], None],  # parallel; two bodies in one entry; none
        }
    )
    assert bodies.written_forms(measures, DOCUMENTS.iloc[:0], "甲局") == ["市甲局"]


@pytest.mark.parametrize("chosen, expected", [((), "甲局"), (("丙办",), "丙办"), (("不在视图", "乙委"), "乙委")])
def test_the_default_body_follows_the_filter(chosen, expected):
    assert bodies.default_body(bodies.body_options(bodies.body_rows(MEASURES)), chosen) == expected


# --- the page under AppTest ------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def built_tables():
    assert build_main(["--if-stale"]) in (0, 3)


def open_agencies(**state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.switch_page("app_pages/agencies.py").run()
    if state:
        for key, value in state.items():
            app.session_state[key] = value
        app.run()
    assert not app.exception, app.exception
    return app


def numbers(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def chart_specs(app: AppTest) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in app.get("plotly_chart")}


def test_page_renders_three_charts_and_one_body():
    app = open_agencies()
    assert app.title[0].value == "部门任务"
    shown = numbers(app)
    assert int(shown["涉及机构"]) >= 30 and int(shown["写明责任单位的措施"]) > 0
    assert len(app.get("plotly_chart")) == 3 and not app.info
    assert app.selectbox[0].value == "市科技局"  # the busiest body by default
    own, targets, partners = (d.value for d in app.dataframe)  # the three tabs
    assert len(own) == int(numbers(app)["措施"]) and len(targets) > 0 and "市教委" in set(partners["机构"])
    assert "市科委（2018年更名）" in " ".join(c.value for c in app.caption)
    bars = chart_specs(app)["agencies_workload"]
    assert "市科委（2018）与市科技局合并计数" in bars["layout"]["xaxis"]["title"]["text"]
    assert bodies.ROLE_LABELS["issuer"] in {t.get("name") for t in bars["data"]}


def test_an_agency_filter_changes_the_numbers_and_the_chosen_body():
    before, app = numbers(open_agencies()), open_agencies(filter_agencies=["市教委"])
    after = numbers(app)
    assert int(after["涉及机构"]) < int(before["涉及机构"]) and after["按发文机关计的措施"] == "0"
    assert app.selectbox[0].value == "市教委"


def test_the_science_bureau_filter_changes_the_headline():
    before, after = numbers(open_agencies()), numbers(open_agencies(filter_agencies=["市科技局"]))
    assert before != after and int(after["涉及机构"]) < int(before["涉及机构"])


def test_leaving_out_the_issuer_fallback_drops_the_hatched_part():
    app = open_agencies()
    app.toggle[0].set_value(False).run()
    assert not app.exception
    bars = chart_specs(app)["agencies_workload"]
    assert bodies.ROLE_LABELS["issuer"] not in {t.get("name") for t in bars["data"]}


def test_the_year_grid_renders():
    app = open_agencies()
    app.radio[0].set_value("year").run()
    assert not app.exception
    grid = chart_specs(app)["agencies_grid"]
    assert set(grid["layout"]["xaxis"]["categoryarray"]) <= {str(y) for y in range(2018, 2026)}


def test_an_impossible_filter_explains_every_empty_chart():
    app = open_agencies(filter_search="不存在的词语xyz")
    assert numbers(app)["涉及机构"] == "0"
    shown = " ".join(i.value for i in app.info)
    for title in ("承担措施最多的机构", "机构 × 文件", "共同责任网络", "无法查看单个机构"):
        assert title in shown, title
    assert not app.get("plotly_chart") and not app.selectbox


@pytest.mark.parametrize("key", ["agencies_workload", "agencies_grid", "agencies_network"])
def test_a_chart_click_adds_the_body_to_the_agencies_filter(key):
    app = open_agencies()
    app.session_state[key] = {
        "selection": {"points": [{"customdata": ["市教委"]}], "point_indices": [0], "box": [], "lasso": []}
    }
    app.run()
    assert not app.exception
    assert "市教委" in app.session_state["filter_agencies"]
    assert app.selectbox[0].value == "市教委"


def test_briefing_mode_hides_controls_and_tables():
    app = open_agencies(briefing_mode=True)
    assert not app.dataframe and [t.label for t in app.toggle] == ["简报模式"]
    assert not app.selectbox and not app.radio and len(app.get("plotly_chart")) == 3


def test_edge_widths_come_in_a_few_steps_the_busiest_pairs_widest():
    names = [f"局{i:02d}" for i in range(12)]
    edges = pd.DataFrame(
        [(a, b, 1 + (i * 7 + j) % 40) for i, a in enumerate(names) for j, b in enumerate(names) if a < b],
        columns=["source", "target", "n"],
    )
    nodes = pd.DataFrame({"agency": names, "n": 50, "n_shared": 20, "level": "市级"})
    fig = charts.network_figure(nodes, edges, {name: (i / 12, (i * 5 % 12) / 12) for i, name in enumerate(names)})
    lines = [t for t in fig.data if t.mode == "lines"]
    assert edges.n.nunique() > charts.EDGE_WIDTHS == len(lines)
    widths = [t.line.width for t in lines]
    assert widths == sorted(widths)  # one trace per step, thinnest first
    top_step = edges.n * charts.EDGE_WIDTHS > edges.n.max() * (charts.EDGE_WIDTHS - 1)
    assert len(lines[-1].x) == 3 * top_step.sum()  # each edge: two ends and a break
