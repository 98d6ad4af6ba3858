"""对标 (issue #13 item 2): Tianjin against one other place, side by side, each side as shares of its own
measures with the counts shown. Small frames written here, then a Tianjin + Wuhan build read by the page."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from lib.charts import benchmark as charts
from lib.query import benchmark as bm
from lib.query import filters as flt

ROOT = pathlib.Path(__file__).resolve().parents[1]


def measures(*rows: tuple) -> pd.DataFrame:
    """(themes, instruments, agency_source, agencies) per measure."""
    return pd.DataFrame(
        [
            {"themes": list(t), "instruments": list(i), "agency_source": s, "agencies": list(a), "kind": "task"}
            for t, i, s, a in rows
        ]
    )


def targets(*rows: tuple) -> pd.DataFrame:
    """(kind, indicator, value, unit, target_year) per target."""
    return pd.DataFrame(
        [
            {
                "kind": kind,
                "indicator": indicator,
                "value_low": value,
                "value_high": None,
                "unit": unit,
                "target_year": year,
                "comparator": ">=",
                "masked": False,
                "mask": None,
                "mask_magnitude": None,
            }
            for kind, indicator, value, unit, year in rows
        ]
    )


# Tianjin: 4 measures, 2 on 人才; the peer: 2 measures, 1 on 人才 — the same share, half the count.
HOME_MEASURES = measures(
    (["人才"], ["供给型·人才支持"], "phrase", ["市科技局", "各区人民政府"]),
    (["人才", "金融"], ["供给型·资金投入", "环境型·金融支持"], "phrase", ["市财政局"]),
    (["平台"], ["供给型·基础设施"], "issuer", ["市人民政府"]),
    (["平台"], [], "none", []),
)
PEER_MEASURES = measures(
    (["人才"], ["需求型·政府采购"], "phrase", ["武汉市科技局", "武汉投控集团"]),
    (["金融"], ["环境型·金融支持"], "issuer", ["武汉市人民政府"]),
)


def row(table: pd.DataFrame, label: str) -> tuple:
    found = table[table.label == label].iloc[0]
    return (int(found.a), int(found.b), round(found.a_share, 2), round(found.b_share, 2))


@pytest.mark.parametrize(
    "label, expected",
    [
        ("人才", (2, 1, 0.5, 0.5)),  # shares of each side's own measures: a short peer reads fairly
        ("金融", (1, 1, 0.25, 0.5)),
        ("平台", (2, 0, 0.5, 0.0)),
    ],
)
def test_themes_are_shares_of_each_sides_measures_with_their_counts(label, expected):
    assert row(bm.themes(HOME_MEASURES, PEER_MEASURES), label) == expected


def test_instrument_types_count_a_measure_once_per_type_in_reading_order():
    table = bm.instrument_types(HOME_MEASURES, PEER_MEASURES)
    assert list(table.label) == ["供给型", "环境型", "需求型"]
    assert row(table, "供给型") == (3, 0, 0.75, 0.0)  # the measure with two 供给型 sub-types counts once
    assert row(table, "需求型") == (0, 1, 0.0, 0.5)


def test_instrument_sub_types_are_grouped_by_their_type():
    labels = list(bm.instruments(HOME_MEASURES, PEER_MEASURES).label)
    types = [label.split("·")[0] for label in labels]
    assert types == sorted(types, key=["供给型", "环境型", "需求型"].index)
    assert set(labels) == {
        "供给型·人才支持",
        "供给型·资金投入",
        "供给型·基础设施",
        "环境型·金融支持",
        "需求型·政府采购",
    }


@pytest.mark.parametrize(
    "label, expected",
    [
        ("写明责任单位", (2, 1, 0.5, 0.5)),
        ("未写明，按发文机关计", (1, 1, 0.25, 0.5)),
        ("未归属机构", (1, 0, 0.25, 0.0)),
    ],
)
def test_body_coverage_says_how_each_side_names_its_bodies(label, expected):
    assert row(bm.body_coverage(HOME_MEASURES, PEER_MEASURES), label) == expected


@pytest.mark.parametrize(
    "name, kind",
    [
        ("市科技局", "政府部门"),
        ("武汉市经济和信息化局", "政府部门"),
        ("安徽省经济和信息化厅", "政府部门"),
        ("市发展改革委", "政府部门"),
        ("滨海新区管委会", "政府部门"),
        ("各区人民政府", "下级政府与基层"),
        ("各市人民政府", "下级政府与基层"),
        ("北辰区人民政府", "下级政府与基层"),
        ("各区镇", "下级政府与基层"),
        ("武汉市人民政府", "政府及其办公厅"),
        ("市政府办公厅", "政府及其办公厅"),
        ("太仓市政府办（金融）", "政府及其办公厅"),
        ("国务院办公厅", "政府及其办公厅"),
        ("北京市人民代表大会常务委员会", "人大"),
        ("市委组织部（人才办）", "党委及群团"),
        ("团市委", "党委及群团"),
        ("市科协", "党委及群团"),
        ("人行天津分行", "金融机构与企业"),
        ("武汉投控集团", "金融机构与企业"),
        ("各基础电信企业", "金融机构与企业"),  # 各… names lower governments only when it ends in one
        ("各区", "下级政府与基层"),
        ("天津大学", "高校与科研院所"),
        ("中国科学院天津工业生物技术研究所", "高校与科研院所"),
        ("驻津部队", "其他"),
    ],
)
def test_body_type(name, kind):
    assert bm.body_type(name) == kind


def test_body_types_count_written_bodies_only():
    table = bm.body_types(HOME_MEASURES, PEER_MEASURES)
    assert row(table, "政府部门") == (2, 1, 0.5, 0.5)
    assert row(table, "下级政府与基层") == (1, 0, 0.25, 0.0)
    assert row(table, "金融机构与企业") == (0, 1, 0.0, 0.5)
    assert "政府及其办公厅" not in set(table.label)  # 市人民政府 / 武汉市人民政府 are the issuer fallback only


def test_target_kinds_are_shares_of_each_sides_targets():
    home = targets(("target", "技术合同成交额", 2000, "亿元", 2027), ("parameter", "补助比例", 30, "%", None))
    peer = targets(("target", "技术合同交易额", 1500, "亿元", 2026))
    table = bm.target_kinds(home, peer)
    assert list(table.label) == ["目标", "支持参数"]
    assert row(table, "目标") == (1, 1, 0.5, 1.0)
    assert row(table, "支持参数") == (1, 0, 0.5, 0.0)


def test_common_indicators_set_the_same_quantity_of_both_places_side_by_side():
    mapping = {"技术合同成交额": {"phrases": ["技术合同成交额", "技术合同交易额"], "units": ["亿元"]}}
    home = targets(("target", "技术合同成交额", 2000, "亿元", 2027), ("target", "概念验证中心", 5, "家", 2027))
    peer = targets(("target", "技术合同交易额", 1500, "亿元", 2026), ("target", "算力中心", 10, "个", 2027))
    table = bm.common_indicators(home, peer, mapping, ("天津市", "武汉市"))
    assert table.to_dict("records") == [
        {"指标": "技术合同成交额", "天津市": "≥2000亿元（2027年）", "武汉市": "≥1500亿元（2026年）"}
    ]
    assert bm.indicator_counts(home, mapping) == 2
    many = targets(*[("target", "技术合同成交额", 100 + n, "亿元", 2027) for n in range(5)])
    cell = bm.common_indicators(many, peer, mapping, ("天津市", "武汉市"))["天津市"][0]
    assert cell == "≥100亿元（2027年）；≥101亿元（2027年）；≥102亿元（2027年）…（共 5 条）"  # a cell stays readable


def test_peer_places_are_every_place_outside_tianjin_most_documents_first():
    documents = pd.DataFrame(
        {
            "jurisdiction": ["天津市", "天津市北辰区", "武汉市", "北京市", "北京市", None, "杭州市"],
            "n_measures": [10, 5, 40, 3, 3, 8, 50],
        }
    )
    assert bm.peer_places(documents) == ["北京市", "杭州市", "武汉市"]
    assert bm.peer_places(documents[documents.jurisdiction.fillna("天津市").str.startswith("天津市")]) == []


def test_each_side_keeps_every_other_filter_and_sets_its_own_place():
    chosen = flt.Filters(years=(2020, 2025), search="算力", kinds=("task",), jurisdictions=("全部地区",))
    home, peer = bm.side_filters(chosen, "武汉市")
    assert (home.jurisdictions, peer.jurisdictions) == (("天津市",), ("武汉市",))
    for side in (home, peer):
        assert (side.years, side.search, side.kinds) == ((2020, 2025), "算力", ("task",))


def test_the_chart_labels_each_bar_with_its_share_and_count():
    fig = charts.side_by_side(bm.themes(HOME_MEASURES, PEER_MEASURES), ("天津市", "武汉市"))
    texts = {trace.name: list(trace.text) for trace in fig.data}
    assert "50%（2）" in texts["天津市"] and "50%（1）" in texts["武汉市"]
    assert charts.side_by_side(bm.themes(HOME_MEASURES.iloc[:0], PEER_MEASURES.iloc[:0]), ("天津市", "武汉市")) is None


# ---- the page over a Tianjin + Wuhan build ------------------------------------------------------------------
def wuhan_document(n_items: int) -> str:
    """A Wuhan notice with `n_items` numbered measures, written in the usual 印发…的通知 form."""
    items = "".join(
        f"{n}、{('加强人才引进', '支持企业研发', '建设算力中心', '发展创业投资')[n % 4]}第{n}项。"
        f"到2027年技术合同成交额达到{1000 + n}亿元。（责任单位：市科技局、市财政局）\n"
        for n in range(1, n_items + 1)
    )
    return (
        "武汉市人民政府关于印发武汉市科技创新若干措施的通知\n武政规〔2026〕3号\n各区人民政府：\n现印发给你们。\n"
        f"武汉市人民政府\n2026年2月13日\n武汉市科技创新若干措施\n{items}"
    )


TIANJIN = (
    "天津市科学技术局关于印发天津市科技创新工作方案的通知\n天津市科学技术局\n2025年3月1日\n天津市科技创新工作方案\n"
    "一、加强人才引进。到2027年技术合同成交额达到2500亿元。（责任单位：市科技局、市人社局）\n"
    "二、建设概念验证中心。（责任单位：市科技局）\n"
)
PAGE_SCRIPT = """
import json, sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("dashboard.py", default_timeout=120)
app.switch_page("app_pages/benchmark.py")
app.run()
print(json.dumps({
    "exception": [str(e.value) for e in app.exception],
    "metrics": [[m.label, m.value] for m in app.metric],
    "info": [i.value for i in app.info],
    "captions": [c.value for c in app.caption],
    "tables": [d.value.to_dict("records") for d in app.dataframe],
    "peers": [s.options for s in app.selectbox],
}, ensure_ascii=False))
"""


def run_page(env: dict[str, str]) -> dict:
    args = [sys.executable, "-c", PAGE_SCRIPT]
    done = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def built(tmp_path: pathlib.Path, files: dict[str, str]) -> dict[str, str]:
    from lib.build.cli import main as build_main

    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    seeds.mkdir()
    for name, text in files.items():
        (seeds / name).write_text(text, encoding="utf-8")
    manifest.write_text("", encoding="utf-8")
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) in (0, 3)
    return {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}


def test_the_page_sets_tianjin_against_wuhan(tmp_path):
    page = run_page(built(tmp_path, {"wuhan.txt": wuhan_document(8), "tianjin.txt": TIANJIN}))
    assert page["exception"] == []
    assert page["peers"] == [["武汉市"]]
    assert page["metrics"][:2] == [["文件", "1"], ["措施", "2"]] and page["metrics"][4:6] == [
        ["文件", "1"],
        ["措施", "8"],
    ]
    assert any("天津市：1 份文件、2 条措施；武汉市：1 份文件、8 条措施" in c for c in page["captions"])
    assert [r["指标"] for r in page["tables"][0]] == ["技术合同成交额"]  # the indicator both set, side by side
    assert page["tables"][0][0]["天津市"].startswith("2500亿元")


def test_with_tianjin_alone_the_page_says_how_to_load_another_place(tmp_path):
    page = run_page(built(tmp_path, {"tianjin.txt": TIANJIN}))
    assert page["exception"] == []
    assert any("加载其他地区的文件后可对标" in i and "导入文档" in i for i in page["info"])
    assert page["metrics"] == []
