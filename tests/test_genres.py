"""Issue #13 item 7 and the rest of item 1: genres whose metadata sits elsewhere than a plan's — government work
reports, replies to proposals, notices that forward or issue another document — and bodies qualified by the
document's place (plural and bare governments, the issuer fallback, a legislature's regulation). Every snippet
is written here, in the forms GB/T 9704 and government sites use."""

from __future__ import annotations

import pytest

from lib import build
from lib.pipeline import agencies, metadata


def meta_of(text: str, source_file: str = "snippet.txt") -> metadata.DocMeta:
    """Metadata of a snippet whose header is everything before its first numbered item."""
    return metadata.extract(text, text.split("\n一、")[0], source_file)


# ---- government work reports: their own title, the year reviewed and the year planned ---------------------
SPEECH = "现在，我代表{}人民政府向大会报告工作，请予审议。\n一、{}年工作回顾\n经济运行稳中有进。\n二、{}年主要任务\n加快发展。\n"


@pytest.mark.parametrize(
    "text, title, year, reviewed, note",
    [
        # no title line: it opens with its salutation, which is whom it addresses, never its title
        ("各位代表：\n" + SPEECH.format("市", 2023, 2024), "天津市政府工作报告", 2024, 2023, True),
        ("各位代表：\n" + SPEECH.format("武汉市", 2023, 2024), "武汉市政府工作报告", 2024, 2023, True),
        # its own title line, with the year from the printed date line
        (
            "政府工作报告\n——2024年1月22日在天津市第十八届人民代表大会第二次会议上\n各位代表：\n"
            + SPEECH.format("市", 2023, 2024),
            "政府工作报告",
            2024,
            2023,
            False,
        ),
        (
            "2025年某省政府工作报告\n——2025年1月15日在某省第十四届人民代表大会第三次会议上\n各位代表：\n"
            + SPEECH.format("省", 2024, 2025),
            "2025年某省政府工作报告",
            2025,
            2024,
            False,
        ),
    ],
)
def test_a_work_report_has_its_title_and_both_years(text, title, year, reviewed, note):
    meta = meta_of(text)
    assert (meta.title, meta.year, meta.reviewed_year, meta.doc_type) == (title, year, reviewed, "政府工作报告")
    assert meta.period_start == meta.period_end == year  # it plans the year it is given in, not the one reviewed
    assert any("原文没有标题行" in w for w in meta.warnings) == note


@pytest.mark.parametrize(
    "salutation", ["各位代表：", "张三委员：", "各区人民政府，市政府各委、办、局：", "各有关单位:"]
)
def test_a_salutation_is_never_a_title(salutation):
    text = f"{salutation}\n现将有关事项通知如下。\n一、加强统筹。\n"
    assert meta_of(text).title != salutation


def test_a_document_that_is_not_a_report_has_no_reviewed_year():
    assert (
        meta_of("某市创新行动计划（2026—2027年）\n某市人民政府\n2025年6月29日\n一、加强统筹。\n").reviewed_year is None
    )


# ---- replies to proposals and suggestions -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, title, issuer, place",
    [
        # a title line, the addressee, 现答复如下, and the replying body signing after the body
        (
            "关于市政协十五届二次会议第0123号提案的答复\n张三委员：\n您提出的提案收悉。现答复如下：\n"
            "一、关于平台建设。已支持建设。\n天津市科学技术局\n2024年6月20日\n",
            "关于市政协十五届二次会议第0123号提案的答复",
            "天津市科学技术局",
            "天津市",
        ),
        # no title line: named after the proposal the opening names; another city's body signs it
        (
            "李四委员：\n您提出的《关于加快科技金融发展的提案》收悉，现答复如下：\n一、关于基金。加大投入。\n"
            "武汉市地方金融管理局\n2024年6月20日\n",
            "对《关于加快科技金融发展的提案》的答复",
            "武汉市地方金融管理局",
            "武汉市",
        ),
        # a deputy's suggestion (建议), named after the addressee
        (
            "王五代表：\n您提出的关于支持科技型企业的建议收悉，现将有关情况答复如下：\n一、关于平台。已建设。\n"
            "某市科学技术局\n2024年6月20日\n",
            "对王五代表所提建议的答复",
            "某市科学技术局",
            "天津市",
        ),
    ],
)
def test_a_reply_names_its_replying_body_never_its_addressee(text, title, issuer, place):
    meta = meta_of(text)
    assert (meta.title, meta.issuer, meta.doc_type, meta.issued_date) == (title, issuer, "提案答复", "2024-06-20")
    assert meta.jurisdiction == place


# ---- notices that wrap another document ---------------------------------------------------------------------
# The wrapper gives the document its force: its issuer, 文号 and date are the document's (GB/T 9704 版头 and
# 落款); the title is the wrapped document's own (what the measures are), the wrapper is the notice_title.
@pytest.mark.parametrize(
    "text, title, issuer, number, place",
    [
        (  # 转发 a department's document: its title line adds the 的 the wrapper's line leaves out
            "天津市人民政府办公厅转发市科技局关于加快建设概念验证中心实施意见的通知\n津政办发〔2023〕12号\n"
            "各区人民政府，市政府各委、办、局：\n市科技局《关于加快建设概念验证中心的实施意见》已经市人民政府同意，"
            "现转发给你们，请照此执行。\n天津市人民政府办公厅\n2023年5月6日\n关于加快建设概念验证中心的实施意见\n"
            "市科技局\n一、总体要求。\n",
            "关于加快建设概念验证中心的实施意见",
            "天津市人民政府办公厅",
            "津政办发〔2023〕12号",
            "天津市",
        ),
        (  # 关于转发 several departments' plan
            "某省人民政府办公厅关于转发省科技厅等部门某省科技成果转化行动方案的通知\n某政办发〔2023〕5号\n"
            "各市人民政府：\n现转发给你们，请认真贯彻执行。\n某省人民政府办公厅\n2023年5月6日\n"
            "某省科技成果转化行动方案\n一、总体要求。\n",
            "某省科技成果转化行动方案",
            "某省人民政府办公厅",
            "某政办发〔2023〕5号",
            None,
        ),
        (  # a forwarded notice: the wrapper's 的通知 is the last one
            "武汉市人民政府办公厅转发市发改委关于支持创新的通知的通知\n武政办〔2024〕3号\n各区人民政府：\n"
            "现转发给你们。\n武汉市人民政府办公厅\n2024年5月6日\n一、总体要求。\n",
            "关于支持创新的通知",
            "武汉市人民政府办公厅",
            "武政办〔2024〕3号",
            "武汉市",
        ),
        (  # 印发: the issued document's title, the issuing body's 文号
            "武汉市人民政府关于印发武汉市支持创新发展若干措施的通知\n武政规〔2026〕4号\n各区人民政府：\n"
            "现印发给你们。\n武汉市人民政府\n2026年2月13日\n武汉市支持创新发展若干措施\n一、强化算力服务。\n",
            "武汉市支持创新发展若干措施",
            "武汉市人民政府",
            "武政规〔2026〕4号",
            "武汉市",
        ),
    ],
)
def test_a_notice_that_wraps_a_document(text, title, issuer, number, place):
    meta = meta_of(text)
    assert (meta.title, meta.issuer, meta.doc_number) == (title, issuer, number)
    assert meta.notice_title == text.split("\n")[0]
    if place:
        assert meta.jurisdiction == place


# ---- bodies qualified by the document's place ----------------------------------------------------------------
@pytest.mark.parametrize(
    "written, jurisdiction, expected",
    [
        ("各区人民政府", "武汉市", "武汉市各区人民政府"),  # Wuhan's districts, not Tianjin's
        ("各区政府", "武汉市", "武汉市各区人民政府"),
        ("各县人民政府", "洛阳市", "洛阳市各县人民政府"),
        ("各市人民政府", "安徽省", "安徽省各市人民政府"),
        ("市人民政府", "安徽省", "安徽省各市人民政府"),  # a province's bare 市 body: its cities'
        ("市人民政府", "武汉市", "武汉市人民政府"),
        ("市政府", "武汉市", "武汉市人民政府"),  # 市政府 is short for 市人民政府 everywhere
        ("省政府", "安徽省", "安徽省人民政府"),
        ("各区人民政府", "天津市", "各区人民政府"),  # Tianjin's own stay as data/agencies.yaml names them
        ("市人民政府", "天津市", "市人民政府"),
    ],
)
def test_plural_and_bare_governments_belong_to_the_documents_place(written, jurisdiction, expected):
    assert agencies.canonical(written, None, jurisdiction)[0] == expected


@pytest.mark.parametrize(
    "issuer, jurisdiction, answering",
    [
        ("武汉市人民政府", "武汉市", "武汉市人民政府"),
        ("武汉市科技局", "武汉市", "武汉市科技局"),
        ("北京市人民代表大会常务委员会", "北京市", "北京市人民政府"),  # a regulation is the government's to execute
        ("洛阳市人大常委会", "洛阳市", "洛阳市人民政府"),
        ("天津市人民代表大会常务委员会", "天津市", "市人民政府"),  # Tianjin's government by its canonical name
        ("全国人民代表大会常务委员会", "全国", "国务院"),
        (None, "武汉市", None),
    ],
)
def test_who_answers_for_a_measure_that_names_no_body(issuer, jurisdiction, answering):
    assert agencies.answering_body(issuer, jurisdiction) == answering


WUHAN_NOTICE = (
    "武汉市人民政府关于印发武汉市支持创新发展若干措施的通知\n武政规〔2026〕4号\n各区人民政府：\n现印发给你们。\n"
    "武汉市人民政府\n2026年2月13日\n武汉市支持创新发展若干措施\n"
    "一、强化算力服务。建设算力中心。\n二、加强人才支撑。（责任单位：市人社局、各区人民政府）\n"
)
WUHAN_REGULATION = (
    "武汉市科技创新促进条例\n2024年3月1日武汉市第十五届人民代表大会常务委员会第十次会议通过\n"
    "第一条 为了促进科技创新，制定本条例。\n第二条 市人民政府应当加强对科技创新工作的领导。\n"
    "第三条 支持企业建设研发机构。\n"
)


def test_a_wuhan_documents_fallback_and_plural_bodies_are_wuhans(tmp_path):
    (tmp_path / "wuhan.txt").write_text(WUHAN_NOTICE, encoding="utf-8")
    (tmp_path / "regulation.txt").write_text(WUHAN_REGULATION, encoding="utf-8")
    tables, _ = build.build_tables(tmp_path, use_manifest=False)
    files = {d["doc_id"]: d["source_file"] for d in tables["documents"].to_pylist()}
    measures = [m | {"file": files[m["doc_id"]]} for m in tables["measures"].to_pylist()]
    notice = [m for m in measures if m["file"] == "wuhan.txt"]
    assert [(m["agencies"], m["agency_source"]) for m in notice] == [
        (["武汉市人民政府"], "issuer"),  # the fallback is Wuhan's government, never Tianjin's 市人民政府
        (["武汉市人社局", "武汉市各区人民政府"], "phrase"),
    ]
    regulation = [m for m in measures if m["file"] == "regulation.txt" and m["agency_source"] == "issuer"]
    assert regulation and all(m["agencies"] == ["武汉市人民政府"] for m in regulation)
    bodies = {a["agency"]: a for a in tables["agencies"].to_pylist()}
    assert not any("人民代表大会" in name for name in bodies)  # the legislature executes none of its articles
    assert {"市人民政府", "各区人民政府"}.isdisjoint(bodies)  # no Tianjin body from a Wuhan document
