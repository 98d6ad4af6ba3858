"""Issue #13: who issued a document, for which place, and when — read from what the document prints
(GB/T 9704 版头 and 落款, a government page's metadata table, a legislature's adoption lines, a work
report's date line), and bodies canonical within the document's jurisdiction. Every snippet is written
here; the real documents of ../shared/corpus only measure (and the test skips without them)."""

from __future__ import annotations

import json
import pathlib

import pytest

from lib import build
from lib.pipeline import agencies, metadata, normalize

CORPUS = pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def meta_of(text: str) -> metadata.DocMeta:
    """Metadata of a snippet whose header is everything before its first numbered item."""
    preamble = text.split("\n一、")[0]
    return metadata.extract(text, preamble, "snippet.txt")


# ---- the place whose government or legislature issued it ---------------------------------------------
@pytest.mark.parametrize(
    "issuer, title, number, jurisdiction, province, district, level",
    [
        ("武汉市人民政府", "", None, "武汉市", "湖北省", None, "municipal"),
        ("广州市天河区科技工业和信息化局", "", None, "广州市天河区", "广东省", "天河区", "district"),
        ("中共广州市天河区委统战部", "", None, "广州市天河区", "广东省", "天河区", "district"),
        ("太仓市人民政府办公室", "", None, "太仓市", "江苏省", "太仓市", "district"),  # a county-level city
        ("安徽省人民政府办公厅", "", None, "安徽省", "安徽省", None, "provincial"),
        ("北京市人民代表大会常务委员会", "", None, "北京市", "北京市", None, "municipal"),  # a 直辖市's legislature
        ("国务院办公厅", "", None, "全国", None, None, "national"),
        ("", "", "国办发〔2018〕1号", "全国", None, None, "national"),
        ("北辰区科技局", "", None, "天津市北辰区", "天津市", "北辰区", "district"),
        (
            "市政府办公室",
            "武汉市促进创新若干措施",
            None,
            "武汉市",
            "湖北省",
            None,
            "municipal",
        ),  # bare issuer: the title
        ("", "2025年广东省政府工作报告", None, "广东省", "广东省", None, "provincial"),  # a year before the place
        ("", "某专项工作方案", "皖政办〔2021〕2号", "安徽省", "安徽省", None, "provincial"),  # 文号 abbreviation
        ("市科技局", "某专项工作方案", None, "天津市", "天津市", None, "municipal"),  # no place named: Tianjin's
    ],
)
def test_jurisdiction_of(issuer, title, number, jurisdiction, province, district, level):
    place = metadata.jurisdiction_of(issuer, title, None, number)
    assert (place.name, place.province, place.district, place.level) == (jurisdiction, province, district, level)


@pytest.mark.parametrize(
    "issuer, district, level",
    [
        ("天津经济技术开发区管理委员会", "滨海新区", "district"),  # a development zone's 管委会 inside 滨海新区
        ("天津市人民代表大会常务委员会", None, "municipal"),  # a city's legislature
        ("国务院办公厅", None, "national"),
    ],
)
def test_level_from_the_issuer(issuer, district, level):
    meta = meta_of(f"关于加快发展的若干措施\n{issuer}\n2024年3月1日\n一、加强统筹。\n")
    assert (meta.issuer, meta.district, meta.level) == (issuer, district, level)


# ---- metadata from what the document prints, in the order of trust ----------------------------------
@pytest.mark.parametrize(
    "lines, expected",
    [
        (
            ["发文机关：国务院办公厅", "成文日期：2018年12月23日"],
            {"发文机关": "国务院办公厅", "成文日期": "2018年12月23日"},
        ),
        (
            ["发文机关：", "某市人民政府", "发文字号：", "某政发〔2020〕3号"],
            {"发文机关": "某市人民政府", "发文字号": "某政发〔2020〕3号"},
        ),
        (["施行日期：2021-09-02", "时效性：现行有效"], {"施行日期": "2021-09-02", "时效性": "现行有效"}),
        (["发文机关：", "成文日期：2018年12月23日"], {"成文日期": "2018年12月23日"}),  # an empty cell is no value
    ],
)
def test_page_metadata_table(lines, expected):
    assert metadata.page_fields(lines) == expected


@pytest.mark.parametrize(
    "lines, signers, date",
    [
        (["现印发给你们。", "某市人民政府办公室", "2026年3月19日"], "某市人民政府办公室", "2026年3月19日"),
        (
            ["现印发实施。", "某区科技局", "某区人力资源和社会保障局", "中共某区委统战部", "2023年8月9日"],
            "某区科技局、某区人力资源和社会保障局、中共某区委统战部",
            "2023年8月9日",
        ),  # co-issuers in printed order
        (["现印发给你们。", "2026年3月19日"], None, None),  # a date without a body is no signature
    ],
)
def test_signature_block(lines, signers, date):
    found, when = metadata.signature(lines)
    assert found == signers and (when.group(0) if when else None) == date


@pytest.mark.parametrize(
    "line, expected",
    [
        ("二〇〇五年七月十四日", "2005年7月14日"),
        ("二〇二三年十二月三十一日", "2023年12月31日"),
        ("二〇一九年十月二十日", "2019年10月20日"),
        ("加快发展二〇三五年远景", "加快发展二〇三五年远景"),  # not a date: left alone
    ],
)
def test_dates_in_chinese_numerals(line, expected):
    assert metadata._arabic_date(line) == expected


def test_a_signature_in_chinese_numerals_dates_the_document():
    meta = meta_of("关于加强科技创新的意见\n某市科学技术局\n二〇〇五年七月十四日\n一、加强统筹。\n")
    assert (meta.issued_date, meta.date_source) == ("2005-07-14", "explicit")


@pytest.mark.parametrize(
    "text, issuer, issued",
    [
        (
            "某市促进条例\n2020年10月15日某市第十五届人民代表大会常务委员会第二十六次会议通过\n第一章 总则\n",
            "某市人民代表大会常务委员会",
            "2020-10-15",
        ),
        # an amendment adopted by the city, then approved by the province: the version in force is dated by the approval
        (
            "某市进步条例\n2013年6月20日某市第十四届人民代表大会常务委员会第三次会议通过\n"
            "2013年7月30日某省第十二届人民代表大会常务委员会第四次会议批准\n"
            "2020年4月28日某市第十五届人民代表大会常务委员会第九次会议通过\n"
            "2020年6月19日某省第十三届人民代表大会常务委员会第十九次会议批准\n第一章 总则\n",
            "某市人民代表大会常务委员会",
            "2020-06-19",
        ),
    ],
)
def test_a_legislature_adoption_and_approval_lines(text, issuer, issued):
    meta = metadata.extract(text, text.split("第一章")[0], "regulation.txt")
    assert (meta.issuer, meta.issued_date, meta.date_source, meta.doc_type) == (
        issuer,
        issued,
        "explicit",
        "地方性法规",
    )


def test_a_page_table_wins_over_an_inferred_name():
    text = "发文机关：\n某省人民政府\n成文日期：\n2020年5月6日\n标题：\n某省人民政府关于支持创新的意见\n一、加强统筹。市科委牵头。\n"
    meta = meta_of(text)
    assert (meta.issuer, meta.issued_date, meta.date_source) == ("某省人民政府", "2020-05-06", "explicit")


def test_a_date_printed_under_the_title():
    meta = meta_of("关于某项工作的实施方案\n2026-03-27\n一、加强统筹。\n")
    assert (meta.issued_date, meta.date_source) == ("2026-03-27", "explicit")


def test_a_printed_date_is_never_overridden_by_inference():
    # 市科委 would make the inference say "before 2018"; the signature says 2026.
    meta = meta_of("关于某项工作的实施方案\n某市科学技术局\n2026年5月25日\n一、市科委牵头负责。\n")
    assert (meta.year, meta.date_source) == (2026, "explicit")


def test_a_signature_outside_the_plan_period_is_a_warning():
    meta = meta_of("某市创新行动计划（2026—2027年）\n某市人民政府\n2025年6月29日\n一、加强统筹。\n")
    assert (meta.year, meta.period_start, meta.period_end) == (2025, 2026, 2027)
    assert any("不一致" in w for w in meta.warnings)


# ---- government work reports -------------------------------------------------------------------------
REPORT_DATED = (
    "2025年河北省政府工作报告\n——2025年1月15日在河北省第十四届人民代表大会第三次会议上\n河北省省长张三\n各位代表：\n"
    "现在，我代表省人民政府，向大会报告工作，请予审议。\n一、2024年工作回顾\n经济运行稳中有进。\n"
)
REPORT_UNDATED = (
    "各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、2023年工作回顾\n经济运行稳中有进。\n"
    "二、2024年主要任务\n加快发展新质生产力。\n"
)


@pytest.mark.parametrize(
    "text, issuer, level, issued, source, period",
    [
        (REPORT_DATED, "河北省人民政府", "provincial", "2025-01-15", "explicit", (2025, 2025)),
        (
            REPORT_UNDATED,
            "天津市人民政府",
            "municipal",
            "2024",
            "inferred",
            (2024, 2024),
        ),  # the year after the one reviewed
    ],
)
def test_a_government_work_report(text, issuer, level, issued, source, period):
    meta = metadata.extract(text, text.split("\n一、")[0], "report.txt")
    assert (meta.issuer, meta.level, meta.issued_date, meta.date_source) == (issuer, level, issued, source)
    assert (meta.period_start, meta.period_end, meta.doc_type) == (*period, "政府工作报告")


@pytest.mark.parametrize(
    "title, text, doc_type",
    [
        ("某市政府工作报告", "", "政府工作报告"),
        ("某市科学技术进步条例", "", "地方性法规"),
        ("关于某提案的答复", "", "提案答复"),
        ("某委员：", "您提出的建议收悉，现答复如下：", "提案答复"),  # a reply known by its opening
    ],
)
def test_genres(title, text, doc_type):
    assert metadata._doc_type(title, text) == doc_type


# ---- validity --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "tail, fields, issued, expected",
    [
        ("本措施自2026年4月10日起施行，有效期至2028年6月30日。", {}, None, ("2026-04-10", "2028-06-30")),
        ("本办法自2023年5月12日起施行，有效期3年。", {}, None, ("2023-05-12", "2026-05-11")),
        ("本办法自印发之日起施行，有效期五年。", {}, "2021-04-07", ("2021-04-07", "2026-04-06")),
        ("本条例自2020年1月1日起施行。", {}, None, ("2020-01-01", None)),
        ("", {"施行日期": "2021-09-02", "有效期至": "2023-12-31"}, None, ("2021-09-02", "2023-12-31")),  # 北大法宝
        ("请认真贯彻执行。", {}, "2021-04-07", (None, None)),
    ],
)
def test_validity(tail, fields, issued, expected):
    assert metadata.validity("正文。\n" + tail, fields, issued) == expected


def test_without_a_plan_period_the_validity_span_is_the_period():
    meta = meta_of(
        "某市支持创新若干措施\n某市人民政府\n2026年2月13日\n一、加强统筹。\n本措施自2026年4月10日起施行，有效期至2028年6月30日。\n"
    )
    assert (meta.effective_from, meta.effective_until, meta.period_start, meta.period_end) == (
        "2026-04-10",
        "2028-06-30",
        2026,
        2028,
    )


def test_a_title_naming_one_year_is_that_years_document():
    meta = meta_of("某市2022年数字政府建设考评办法\n某市人民政府办公室\n2022年4月14日\n一、考评对象。\n")
    assert (meta.period_start, meta.period_end) == (2022, 2022)


# ---- no site chrome in any field --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "【法宝引证码】 CLI.12.1234567",
        "原文链接：https://www.example.com/lar/abc.html",
        "政策原文",
        "来源：公众号某某",
        "返回政策原文列表",
        "←上一篇",
        "下一篇→",
        "分享到：",
        "打印本页",
        "您当前所在的位置：",
        "浏览量：",
        "中",
        "abc123def.html",
        "点击查看政策解读：",
    ],
)
def test_site_chrome_lines_are_dropped(line):
    assert normalize.is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "一、返回式卫星技术研发。",
        "（三）来源可追溯的数据共享机制。",
        "中小企业",
        "返回创业人员享受同等政策。",
    ],
)
def test_policy_lines_are_kept(line):
    assert not normalize.is_boilerplate(line)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("#某市促进条例\n##第一章总则", "某市促进条例\n第一章总则"),  # Markdown headings
        ("<!-- 页眉 -->某市\u200b科技局", "某市科技局"),  # HTML comment, zero-width space
    ],
)
def test_markup_and_invisible_characters_are_removed(raw, expected):
    assert normalize.normalize_text(raw).text == expected


def test_chrome_above_the_notice_is_not_the_issuer():
    text = (
        "政策原文\n某地\n某市人民政府关于印发某市支持创新若干措施的通知\n2026-02-13\n来源：公众号某某\n"
        "各区人民政府：\n现将《某市支持创新若干措施》印发给你们。\n某市人民政府\n2026年2月13日\n"
        "一、加强统筹。\n返回政策原文列表\n←上一篇\n下一篇→\n"
    )
    normalized = normalize.normalize_text(text).text
    meta = meta_of(normalized)
    assert meta.issuer == "某市人民政府" and meta.title == "某市支持创新若干措施"
    assert not normalized.rstrip().endswith(("列表", "上一篇", "下一篇→"))


# ---- bodies canonical within their jurisdiction ------------------------------------------------------------
@pytest.mark.parametrize(
    "written, district, jurisdiction, expected",
    [
        ("市科技局", None, "武汉市", "武汉市科技局"),  # a bare 市 body is the document's city's, never Tianjin's
        ("市科委", None, "武汉市", "武汉市科委"),  # Tianjin's renamings stay Tianjin's
        ("市科技局", None, "天津市", "市科技局"),
        ("市科委", None, "天津市", "市科技局"),
        ("区科技局", "西青区", "天津市西青区", "西青区科技局"),
        ("区科技局", "天河区", "广州市天河区", "广州市天河区科技局"),
        ("市财政局", "天河区", "广州市天河区", "广州市财政局"),
        ("省经济和信息化厅", None, "安徽省", "安徽省经济和信息化厅"),
        ("市科技局", "太仓市", "太仓市", "太仓市科技局"),
        ("科技部", None, "武汉市", "科技部"),  # central bodies are nobody's locally
        ("天津市科学技术局", None, "武汉市", "市科技局"),  # Tianjin's written in full stays Tianjin's
    ],
)
def test_canonical_within_the_jurisdiction(written, district, jurisdiction, expected):
    assert agencies.canonical(written, district, jurisdiction)[0] == expected


WUHAN = (
    "武汉市人民政府关于印发武汉市支持创新发展若干措施的通知\n武政规〔2026〕4号\n各区人民政府：\n现印发给你们。\n"
    "武汉市人民政府\n2026年2月13日\n武汉市支持创新发展若干措施\n"
    "一、强化算力服务。到2027年建成10个算力中心。（责任单位：市科技局、市财政局）\n"
    "二、加强人才支撑。（责任单位：市人社局）\n"
)
TIANJIN = (
    "天津市科学技术局关于印发天津市支持创新发展工作方案的通知\n天津市科学技术局\n2025年3月1日\n天津市支持创新发展工作方案\n"
    "一、建设概念验证中心。到2027年建成5家概念验证中心。（责任单位：市科技局、市财政局）\n"
    "二、完善成果转化机制。（责任单位：市科技局）\n"
)


def test_a_wuhan_document_and_a_tianjin_one_built_together(tmp_path):
    (tmp_path / "wuhan.txt").write_text(WUHAN, encoding="utf-8")
    (tmp_path / "tianjin.txt").write_text(TIANJIN, encoding="utf-8")
    tables, _ = build.build_tables(tmp_path, use_manifest=False)
    documents = {d["source_file"]: d for d in tables["documents"].to_pylist()}
    assert (documents["wuhan.txt"]["jurisdiction"], documents["wuhan.txt"]["province"]) == ("武汉市", "湖北省")
    assert documents["tianjin.txt"]["jurisdiction"] == "天津市"
    wuhan_id = documents["wuhan.txt"]["doc_id"]
    bodies = {a["agency"]: a for a in tables["agencies"].to_pylist()}
    tianjin_bodies = {name for name, a in bodies.items() if a["jurisdiction"] == "天津市"}
    assert tianjin_bodies >= {"市科技局", "市财政局"}
    assert all(wuhan_id not in bodies[name]["doc_ids"] for name in tianjin_bodies)  # no Wuhan body among Tianjin's
    assert bodies["武汉市科技局"]["jurisdiction"] == "武汉市"
    targets = tables["targets"].to_pylist()
    assert {t["scope"] for t in targets if t["doc_id"] == wuhan_id} == {"武汉市"}
    assert {t["scope"] for t in targets if t["doc_id"] != wuhan_id} == {"天津市"}


# ---- measured on real documents (../shared/corpus), never copied ----------------------------------------
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_corpus_metadata(tmp_path):
    for path in CORPUS.iterdir():
        if not path.name.endswith(".meta.json") and path.name != "README.md":
            (tmp_path / path.name).write_bytes(path.read_bytes())
    tables, _ = build.build_tables(tmp_path, use_manifest=False)
    documents = {d["source_file"]: d for d in tables["documents"].to_pylist()}
    right = {"year": 0, "level": 0, "period": 0, "doc_number": 0}
    total = dict.fromkeys(right, 0)
    for meta_path in CORPUS.glob("*.meta.json"):
        facts = json.loads(meta_path.read_text(encoding="utf-8"))
        got = documents.get(facts["file"])
        if got is None:
            continue  # a duplicate built once
        checks = {
            "year": got["year"] == int(str(facts["issued_date"])[:4]),
            "level": got["level"] == facts["level"],
            "doc_number": (got["doc_number"] or None) == facts.get("doc_number"),
        }
        if facts.get("period"):
            checks["period"] = [got["period_start"], got["period_end"]] == list(facts["period"])
        for field, ok in checks.items():
            total[field] += 1
            right[field] += ok
    assert all(right[f] >= 0.9 * total[f] for f in right), (right, total)


def test_every_genre_has_a_symbol_and_an_importer_choice():
    """A new 文种 must not break the timeline's legend or the importer's correction form (its selectbox
    looks the document's type up in its list)."""
    from lib.charts import overview

    importer_source = (pathlib.Path(__file__).resolve().parents[1] / "app_pages" / "importer.py").read_text("utf-8")
    for doc_type in [name for name, _ in metadata.DOC_TYPES] + ["其他"]:
        assert doc_type in overview.DOC_TYPE_SYMBOLS
        assert f'"{doc_type}"' in importer_source


@pytest.mark.parametrize(
    "places, shown",
    [
        (None, {"tianjin.txt"}),  # the default: Tianjin only, Wuhan out of every count
        (("武汉市",), {"wuhan.txt"}),
        (("全部地区",), {"tianjin.txt", "wuhan.txt"}),
    ],
)
def test_wuhan_built_next_to_tianjin_is_left_out_until_chosen(tmp_path, places, shown):
    from lib.query import filters as flt

    (tmp_path / "wuhan.txt").write_text(WUHAN, encoding="utf-8")
    (tmp_path / "tianjin.txt").write_text(TIANJIN, encoding="utf-8")
    built, _ = build.build_tables(tmp_path, use_manifest=False)
    tables = {name: built[name].to_pandas() for name in ("documents", "measures", "targets")}
    filters = flt.Filters() if places is None else flt.Filters(jurisdictions=places)
    view = flt.apply(tables, filters)
    files = dict(zip(tables["documents"].doc_id, tables["documents"].source_file, strict=True))
    assert {files[d] for d in view["documents"].doc_id} == shown
    assert {files[d] for d in view["measures"].doc_id} == shown
    assert {files[d] for d in view["targets"].doc_id} == shown
    left_out = flt.places_left_out(tables["documents"], filters)
    assert left_out == ({"武汉市": 1} if places is None else {"天津市": 1} if places == ("武汉市",) else {})


# The overview of a Tianjin + Wuhan build, in a fresh process (lib.config reads DASHBOARD_* at import).
OVERVIEW_SCRIPT = """
import json, sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("dashboard.py", default_timeout=120)
for key, value in json.loads(sys.argv[1]).items():
    app.query_params[key] = value
app.run()
if len(sys.argv) > 2:  # click a button by its label, then draw again
    next(b for b in app.button if b.label == sys.argv[2]).click().run()
print(json.dumps({
    "exception": [str(e.value) for e in app.exception],
    "metrics": {m.label: m.value for m in app.metric},
    "captions": [c.value for c in app.caption],
    "places": next(m.options for m in app.sidebar.multiselect if m.label == "地区"),
}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def two_places(tmp_path_factory) -> dict[str, str]:
    """The Wuhan and Tianjin snippets built together into their own folder: the DASHBOARD_* env."""
    from lib.build.cli import main as build_main

    root = tmp_path_factory.mktemp("two_places")
    seeds, out, manifest = root / "seeds", root / "build", root / "documents.yaml"
    seeds.mkdir()
    (seeds / "wuhan.txt").write_text(WUHAN, encoding="utf-8")
    (seeds / "tianjin.txt").write_text(TIANJIN, encoding="utf-8")
    manifest.write_text("", encoding="utf-8")
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) in (0, 3)
    return {"DASHBOARD_SEEDS_DIR": str(seeds), "DASHBOARD_BUILD_DIR": str(out), "DASHBOARD_MANIFEST": str(manifest)}


def overview(env: dict[str, str], query: dict[str, str], click: str | None = None) -> dict:
    import os
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[1]
    args = [sys.executable, "-c", OVERVIEW_SCRIPT, json.dumps(query), *([click] if click else [])]
    done = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True, cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "query, click, documents, note",
    [
        ({}, None, "1", True),  # by default Tianjin only, and the caption says Wuhan is loaded
        ({}, "纳入全部地区", "2", False),  # the caption's button counts every place
        ({"j": "全部地区"}, None, "2", False),
        ({"j": "武汉市"}, None, "1", True),
    ],
)
def test_the_overview_counts_tianjin_by_default_and_says_what_else_is_loaded(two_places, query, click, documents, note):
    page = overview(two_places, query, click)
    assert page["exception"] == []
    assert page["metrics"]["文件"] == documents
    assert any("另有 1 份其他地区的文件" in c for c in page["captions"]) == note
    assert page["places"] == ["全部地区", "天津市", "武汉市"]
