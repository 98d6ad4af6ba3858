"""Stage 2: the numbered hierarchy as a tree, leaves as measures."""
from __future__ import annotations

import pytest

from lib.pipeline.structure import match_marker, parse


@pytest.mark.parametrize("line, style", [
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
])
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
    tree = parse("（二）工作目标\n能力增强。到2022年达到3.2%。（责任单位：区科技局）\n成效提升。达到60亿元。（责任单位：区科技局、各镇街）")
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
