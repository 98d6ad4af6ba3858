"""下同 / 以下…不再列出: a phrase whose note says the items after it have the same bodies carries them (and the
lead) to the items under the same heading, marked agency_source "carried"; counts take them as written."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.codes import AgencySource
from lib.pipeline import agencies
from lib.pipeline.document import process_document
from lib.query import bodies, evolution, network, views


@pytest.mark.parametrize(
    "phrase, carries",
    [
        ("（牵头单位：市科技局，下同）", True),
        ("（责任单位：市科技局，以下均需各区落实，不再列出）", True),
        ("（责任单位：市科技局、市教委。以下各项均由上述单位负责）", True),
        ("（责任单位：市科技局、市财政局，不再一一列出）", True),
        # 下同 of a name's scope: nested in its brackets, or right after a scope note
        ("（责任单位：各区人民政府〈含开发区、新区管委会，下同〉）", False),
        ("（责任单位：各区人民政府(含开发区,下同)）", False),
        ("（责任单位：各区人民政府，含开发区，下同）", False),
        # 下同 of a lead rule: the rule holds for later items (agencies.lead_rule), not the bodies
        ("（责任单位：市科技局、市财政局。列第一位的为牵头单位，下同）", False),
        ("（责任单位：市科技局）", False),
    ],
)
def test_a_note_carries_bodies_only_when_it_speaks_of_the_body_list(phrase, carries):
    assert agencies.find_responsibility("推进建设。" + phrase).carries is carries


OWN = agencies.find_responsibility("推进。（牵头单位：市科技局；责任单位：市教委，下同）")
NONE = agencies.find_responsibility("完善机制。")
OTHER = agencies.find_responsibility("落实。（责任单位：市财政局）")


@pytest.mark.parametrize(
    "outline, own, carried_written, carried",
    [
        ("2.4", NONE, ("市科技局", "市教委"), True),  # a later item under the same heading
        ("2.5.1", NONE, ("市科技局", "市教委"), True),  # under a later sibling of the same heading
        ("3.1", NONE, (), False),  # the next heading of the same level as 2 ends it
        ("2.4", OTHER, ("市财政局",), False),  # an item with its own phrase keeps it, and ends the carry
    ],
)
def test_the_carry_reaches_the_items_under_the_same_heading(outline, own, carried_written, carried):
    _, carry, _ = agencies.carry_forward(None, OWN, "2.3")
    responsibility, after, was_carried = agencies.carry_forward(carry, own, outline)
    assert (responsibility.written, was_carried) == (carried_written, carried)
    assert (after is not None) == carried
    if carried:  # the lead comes along, the phrase and the deadline stay the source item's
        assert responsibility.lead == "市科技局" and responsibility.phrase is None and responsibility.deadline is None


def test_a_top_level_item_carries_to_the_end_of_the_document_until_a_phrase_of_its_own():
    _, carry, _ = agencies.carry_forward(None, OWN, "3")
    assert agencies.carry_forward(carry, NONE, "7.2")[2] is True
    assert agencies.carry_forward(carry, OTHER, "8")[1] is None


DOCUMENT = """关于推进创新平台建设的若干措施
一、建设创新平台
（一）建设实验室。支持建设重点实验室（牵头单位：市科技局；责任单位：市教委，以下均需各区落实，不再列出）。
（二）建设中试基地。支持建设中试基地。
（三）建设概念验证中心。支持建设概念验证中心（责任单位：市工业和信息化局）。
（四）建设孵化器。支持建设孵化器。
二、培育创新主体
（一）培育科技企业。支持科技型企业发展。
（二）培育新型研发机构。支持新型研发机构（责任单位：各区人民政府〈含开发区，下同〉）。
（三）培育独角兽企业。支持独角兽企业。
"""


def _measures(text: str) -> pd.DataFrame:
    result = process_document("carry.txt", text.encode("utf-8"), None)
    return pd.DataFrame(result.measures).set_index("heading")


def test_a_document_carries_bodies_to_the_items_after_the_phrase_and_marks_them():
    m = _measures(DOCUMENT)
    assert m.loc["建设中试基地", "agencies_raw"] == ["市科技局", "市教委"]
    assert m.loc["建设中试基地", "lead_agency"] == "市科技局"
    assert m.loc["建设中试基地", "agency_source"] == AgencySource.CARRIED
    assert pd.isna(m.loc["建设中试基地", "responsibility_phrase"])
    assert m.loc["建设实验室", "agency_source"] == AgencySource.PHRASE
    # an item with its own phrase ends the carry: (四) takes nothing from (一)
    assert m.loc["建设孵化器", "agency_source"] != AgencySource.CARRIED
    # the next heading of the same level (二、) is out of reach
    assert m.loc["培育科技企业", "agency_source"] != AgencySource.CARRIED
    # 〈含开发区，下同〉 is the name's scope note: (三) after it gets no carried body
    assert m.loc["培育独角兽企业", "agency_source"] != AgencySource.CARRIED


MEASURES = pd.DataFrame(
    {
        "measure_id": ["m1", "m2", "m3"],
        "doc_id": ["d", "d", "d"],
        "year": [2024, 2024, 2024],
        "agencies": [["甲局", "乙委"], ["甲局", "乙委"], ["丙办"]],
        "agencies_raw": [["甲局", "乙委"], ["甲局", "乙委"], ["丙办"]],
        "lead_agency": ["甲局", "甲局", None],
        "agency_source": ["phrase", "carried", "issuer"],
    }
)


def test_carried_bodies_count_as_written_and_tables_say_they_are_carried():
    counted = views.count_bodies(MEASURES).set_index("label")
    assert counted.loc["甲局", "n_written"] == 2 and counted.loc["丙办", "n_issuer"] == 1
    assert bodies.headline(MEASURES)["写明责任单位的措施"] == 2
    assert network.co_responsibility_edges(MEASURES).n.tolist() == [2]
    assert len(evolution.responsibility_rows(MEASURES, include_issuer=False)) == 2
    assert views.bodies_shown(MEASURES).tolist() == [
        "甲局、乙委",
        "甲局、乙委" + views.CARRIED_NOTE,
        "丙办" + views.FALLBACK_NOTE,
    ]
    assert AgencySource.CARRIED.label.startswith("沿用上文")


HEADED = """关于推进创新平台建设的若干措施
一、建设创新平台
（一）建设实验室（牵头单位：市科技局；责任单位：市教委，下同）
1.建设重点实验室。支持建设重点实验室。
2.建设中试基地。支持建设中试基地。
（二）建设孵化器。支持建设孵化器。
二、培育创新主体
（一）培育科技企业。支持科技型企业发展。
"""


def test_a_headings_own_phrase_carries_to_the_items_under_it_and_after_it():
    m = _measures(HEADED)
    for heading in ("建设重点实验室", "建设中试基地", "建设孵化器"):
        assert m.loc[heading, "agencies_raw"] == ["市科技局", "市教委"]
        assert m.loc[heading, "agency_source"] == AgencySource.CARRIED
    assert m.loc["培育科技企业", "agency_source"] != AgencySource.CARRIED
