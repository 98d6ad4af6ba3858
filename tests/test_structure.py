"""Stage 2: the numbered hierarchy as a tree, leaves as measures."""

from __future__ import annotations

import pytest

from lib.pipeline.structure import match_marker, parse


@pytest.mark.parametrize(
    "line, style",
    [
        ("第三章 着力提升创新策源能力", "chapter"),
        ("一、总体要求", "cn_item"),
        ("（一）指导思想", "paren_cn"),
        ("1.提高科技创新能力。", "numbered"),
        ("*.完善科技创新考核评价机制。", "numbered"),
        ("**.高水平打造天开高教科创园。", "numbered"),
        ("（1）支持企业。", "paren_num"),
        ("——聚焦产业。围绕…", "dash"),
        ("一是坚持科技自立自强。", "ordinal_shi"),
        ("第五条 对首次认定的企业给予奖励。", "article"),
    ],
)
def test_markers_are_recognised(line, style):
    assert match_marker(line)[0] == style


@pytest.mark.parametrize("line", ["1.5万家科技型中小企业", "2020年本市位列第56位", "****年*月**日", "3.2%以上"])
def test_numbers_that_are_not_markers(line):
    assert match_marker(line) is None


def test_heading_only_items_take_their_paragraphs():
    tree = parse("前言。\n一、总体要求\n（一）指导思想\n坚持创新。\n继续推进。\n（二）工作目标\n到2022年达到30家。")
    assert [leaf.heading for leaf in tree.leaves] == ["指导思想", "工作目标"]
    assert tree.leaves[0].text == "指导思想\n坚持创新。\n继续推进。"
    assert tree.leaves[0].path == ("总体要求",) and tree.preamble == "前言。"


def test_paragraphs_with_their_own_responsibility_become_items():
    tree = parse(
        "（二）工作目标\n能力增强。到2022年达到3.2%。（责任单位：区科技局）\n成效提升。达到60亿元。（责任单位：区科技局、各镇街）"
    )
    assert [leaf.heading for leaf in tree.leaves] == ["能力增强", "成效提升"]


def test_omitted_parts_and_missing_tables_are_recorded():
    tree = parse("一、任务\n（一）信息技术。研究芯片。\n（二）生物技术与现代医药（略）\n表1 主要指标\n二、保障")
    assert tree.leaves[1].omitted and not tree.leaves[0].omitted
    assert any("表1" in part for part in tree.missing_parts)
    assert any("生物技术与现代医药（略）" == part for part in tree.missing_parts)


def test_inline_enumerations_become_items():
    tree = parse("一、形势\n面临三方面挑战：一是人才不足；二是投入偏低；三是机制不活。")
    assert [leaf.marker for leaf in tree.leaves] == ["一是", "二是", "三是"]


def test_signature_and_thanks_end_the_body():
    tree = parse("一、任务\n（一）推进科普。\n感谢您对科技工作的关心支持。\n2018年6月15日")
    assert tree.leaves[-1].text == "推进科普。"


@pytest.mark.parametrize(
    "line, style",
    [
        ("1﹒推进工业互联网外网建设。", "numbered"),  # U+FE52 small full stop
        ("12．完成平台迁移。", "numbered"),  # U+FF0E full-width full stop
        ("3、强化金融支持。", "numbered"),
        ("①建设算力平台。", "circled"),
        ("--平台建设长足进步。", "dash"),
    ],
)
def test_every_common_item_number_opens_an_item(line, style):
    assert match_marker(line)[0] == style


def test_labelled_paragraphs_are_measures_of_their_own():
    tree = parse(
        "一、主要任务\n（一）打造社区。立足定位，形成布局。\n“一核”：以新城为核心。\n“双园”：建设两个园区。\n"
        "支持园区扩容。\n金融支持：设立基金。\n（二）加强保障。"
    )
    assert [leaf.heading for leaf in tree.leaves] == [
        "“一核”：以新城为核心",
        "“双园”：建设两个园区",
        "金融支持：设立基金",
        "加强保障",
    ]
    assert tree.leaves[1].text == "“双园”：建设两个园区。\n支持园区扩容。"
    assert tree.leaves[0].path == ("主要任务", "打造社区")


def test_one_label_or_roster_lines_do_not_split_an_item():
    tree = parse("一、组织保障\n（一）成立专班。\n组长：张三\n成员：李四\n（二）强化考核。\n说明：按年考核。")
    assert [leaf.heading for leaf in tree.leaves] == ["成立专班", "强化考核"]


def test_attachments_restart_the_numbering_and_glossaries_and_rosters_are_skipped():
    text = (
        "一、总体要求\n（一）目标。\n二、重点任务\n（一）建设平台。\n特此通知。\n附件：1.实事清单\n2.名词解释\n"
        "2024年1月5日\n附件1\n年度民生实事\n一、提升养老服务。\n二、扩大就业。\n附件2 名词解释\n1.新质生产力：指…\n"
        "2.数字经济：指…\n附件3\n工作专班成员名单\n组长：张三\n1.联络员：李四\n"
    )
    tree = parse(text)
    assert [leaf.heading for leaf in tree.leaves] == ["目标", "建设平台", "提升养老服务", "扩大就业"]
    assert tree.leaves[2].path == ()


def test_text_after_a_closing_line_without_an_attachment_is_not_measures():
    tree = parse("一、任务\n1.建设平台。\n2024年1月5日\n1.相关链接\n2.网站地图")
    assert [leaf.heading for leaf in tree.leaves] == ["建设平台"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the marker alone on its line (a page that set it apart): the next line is the heading, then the body
        (
            "一、总体要求\n（一）\n加快基础研究\n支持高校开展研究。\n（二）\n完善机制。建立制度。",
            [
                ("（一）", "加快基础研究", "加快基础研究\n支持高校开展研究。"),
                ("（二）", "完善机制", "完善机制。建立制度。"),
            ],
        ),
        ("一、\n总体要求\n坚持创新。", [("一、", "总体要求", "总体要求\n坚持创新。")]),
        # a heading line and its body paragraphs: one item, never an empty heading and an orphan body
        (
            "一、重点任务\n（一）加快基础研究\n支持高校开展研究。\n建设实验室。",
            [("（一）", "加快基础研究", "加快基础研究\n支持高校开展研究。\n建设实验室。")],
        ),
    ],
)
def test_a_heading_only_line_and_the_body_after_it_are_one_item(text, expected):
    assert [(leaf.marker, leaf.heading, leaf.text) for leaf in parse(text).leaves] == expected


def test_a_box_of_numbered_items_holds_them_and_the_plan_numbering_resumes_after_it():
    tree = parse(
        "一、重点任务\n1.建设平台。\n专栏1 重大平台工程\n1.建设实验室。\n2.建设中试基地。\n2.引育人才。\n3.强化金融。"
    )
    assert [(leaf.marker, leaf.path, leaf.heading) for leaf in tree.leaves] == [
        ("1.", ("重点任务",), "建设平台"),
        ("1.", ("重点任务", "重大平台工程"), "建设实验室"),
        ("2.", ("重点任务", "重大平台工程"), "建设中试基地"),
        ("2.", ("重点任务",), "引育人才"),
        ("3.", ("重点任务",), "强化金融"),
    ]
    assert tree.missing_parts == ()


def test_a_box_numbered_like_the_plan_ends_where_its_own_sequence_breaks():
    tree = parse("一、重点任务\n1﹒建设平台。\n专栏1 重大工程\n1.建设实验室。\n2﹒引育人才。")
    assert [(leaf.marker, leaf.path[-1]) for leaf in tree.leaves] == [
        ("1﹒", "重点任务"),
        ("1.", "重大工程"),
        ("2﹒", "重点任务"),
    ]


@pytest.mark.parametrize(
    "box, headings",
    [
        ("专栏2 人才工程\n引进领军人才。\n培养青年人才。", ["引进领军人才", "培养青年人才"]),  # a measure a paragraph
        ("专栏2 人才工程\n引进领军人才，培养青年人才。", ["人才工程"]),  # one paragraph: the box is the measure
        ("专栏2\n人才工程\n引进领军人才。", ["人才工程"]),  # title on its own line
    ],
)
def test_unnumbered_box_contents_are_items_under_the_box(box, headings):
    tree = parse(f"一、重点任务\n1.建设平台。\n{box}\n二、保障措施\n加强领导。")
    inside = [leaf for leaf in tree.leaves if leaf.path[-1:] in (("人才工程",), ("重点任务", "人才工程"))]
    assert [leaf.heading for leaf in tree.leaves[1:-1]] == headings
    assert all(leaf.path == ("重点任务", "人才工程") for leaf in inside if leaf.heading != "人才工程")
    assert tree.leaves[-1].marker == "二、" and tree.missing_parts == ()


def test_a_box_whose_content_is_missing_keeps_the_warning_and_makes_no_measure():
    tree = parse("一、重点任务\n1.建设平台。\n专栏1 重大平台工程\n二、保障措施\n加强领导。")
    assert [leaf.heading for leaf in tree.leaves] == ["建设平台", "保障措施"]
    assert tree.missing_parts == ("专栏1 重大平台工程（原文缺失此表/专栏内容）",)
