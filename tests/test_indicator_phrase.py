"""The indicator a number measures: the noun phrase before its verb, never a fragment."""

from __future__ import annotations

import pytest

from lib.pipeline.indicator_phrase import indicator_before


@pytest.mark.parametrize(
    "before, unit, indicator",
    [
        ("全市技术合同成交额突破", "亿元", "技术合同成交额"),
        ("力争全国重点实验室突破", "家", "全国重点实验室"),
        ("到2025年，研发投入强度力争达到", "%", "研发投入强度"),
        ("标识注册总量达", "亿", "标识注册总量"),
        ("科技型企业超", "家", "科技型企业"),
        ("单个项目最高", "万元", "单个项目"),
        ("地区生产总值增长", "%", "地区生产总值增速"),
        ("地区生产总值比上年增长", "%", "地区生产总值增速"),
        ("其中税收收入增长", "%", "税收收入增速"),
        ("工业投资下降", "%", "工业投资降幅"),
        ("出口企业数量占全国", "%", "出口企业数量占全国比重"),
        ("验收专家中企业专家占比一般不低于", "%", "验收专家中企业专家占比"),
        ("新增示范企业20家、“专精特新”企业", "家", "“专精特新”企业"),  # a 、 list: the item before the number
    ],
)
def test_the_noun_phrase_before_the_verb_is_the_indicator(before, unit, indicator):
    assert indicator_before(before, unit)[0] == indicator


@pytest.mark.parametrize("before", ["增长", "（达", "最高", "对认定的企业给予最高", "比上年", "今年力争"])
def test_a_verb_or_an_action_alone_names_no_indicator(before):
    assert indicator_before(before, "%")[0] == ""
