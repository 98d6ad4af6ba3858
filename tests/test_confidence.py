"""Where to look first (issue #18): each signal of an uncertain extraction is its own reason code, and the
confidence falls with every reason."""

from __future__ import annotations

import pytest

from lib import codes
from lib.build import confidence
from lib.codes import Reason

KNOWN = frozenset({"市科技局", "市教委"})
TIANJIN = {
    "jurisdiction": "天津市",
    "issuer": "天津市科学技术局",
    "title": "天津市科技创新方案",
    "date_source": "explicit",
}
BEICHEN = {**TIANJIN, "district": "北辰区", "jurisdiction": "天津市北辰区", "title": "北辰区科技创新方案"}


def measure(**fields) -> dict:
    return {"kind": "task", "agencies": ["市科技局"], "agency_source": "phrase", "tag_evidence": [], **fields}


@pytest.mark.parametrize(
    "row, document, expected",
    [
        (measure(), TIANJIN, []),
        (measure(agency_source="issuer"), TIANJIN, [Reason.BODY_FROM_ISSUER]),
        (measure(agencies=[], agency_source="none"), TIANJIN, [Reason.BODY_MISSING]),
        (measure(kind="context", agencies=[], agency_source="none"), TIANJIN, []),  # background names no body
        (measure(agencies=["市大数据中心"]), TIANJIN, [Reason.BODY_UNKNOWN]),
        (measure(agencies=["北辰区科技局"]), BEICHEN, []),  # the document's own district
        (measure(agencies=["北辰区科技局"]), TIANJIN, [Reason.BODY_UNKNOWN]),
        (measure(tag_evidence=["主题·关键核心技术攻关←攻关"]), TIANJIN, [Reason.TAG_GENERIC_WORD]),
        (measure(tag_evidence=["主题·人才←人才"]), TIANJIN, []),  # the word names the tag
        (measure(tag_evidence=["主题·关键核心技术攻关←攻关", "主题·关键核心技术攻关←卡脖子"]), TIANJIN, []),
        (measure(tag_evidence=["工具·供给型·资金投入←奖励"]), TIANJIN, [Reason.TAG_GENERIC_WORD]),
        (measure(tag_evidence=["对象·企业←企业"]), TIANJIN, []),  # target groups are not charted as tags
        (measure(), {**TIANJIN, "date_source": "inferred"}, [Reason.DATE_INFERRED]),
        (
            measure(),
            {"jurisdiction": "天津市", "issuer": "市科委", "title": "关于提案的答复"},
            [Reason.JURISDICTION_GUESSED],
        ),
        (
            measure(),
            {"jurisdiction": "天津市", "issuer": "市政府", "title": "方案", "doc_number": "津政发〔2025〕9号"},
            [],
        ),
        (measure(), {"jurisdiction": None, "issuer": "省科技厅", "title": "方案"}, [Reason.JURISDICTION_GUESSED]),
    ],
)
def test_measure_signals(row, document, expected):
    assert confidence.measure_reasons(row, document, KNOWN) == expected


def target(**fields) -> dict:
    return {"kind": "target", "indicator": "高新技术企业", "unit": "家", "masked": False, **fields}


@pytest.mark.parametrize(
    "row, expected",
    [
        (target(), []),
        (target(indicator="的研发投入"), [Reason.INDICATOR_FRAGMENT]),
        (target(indicator="企业和"), [Reason.INDICATOR_FRAGMENT]),
        (target(indicator="率"), [Reason.INDICATOR_FRAGMENT]),
        (target(indicator=None), [Reason.INDICATOR_FRAGMENT]),
        (target(unit=None), [Reason.UNIT_UNKNOWN]),
        (target(masked=True), [Reason.VALUE_MASKED]),
        (target(kind="qualitative_goal", indicator="创新能力显著提升", unit=None), []),
        (
            target(indicator="的", unit=None, masked=True),
            [Reason.INDICATOR_FRAGMENT, Reason.UNIT_UNKNOWN, Reason.VALUE_MASKED],
        ),
    ],
)
def test_target_signals(row, expected):
    assert confidence.target_reasons(row, TIANJIN) == expected


@pytest.mark.parametrize(
    "reasons, expected",
    [
        ([], 1.0),
        ([Reason.TAG_GENERIC_WORD], 0.85),
        ([Reason.BODY_MISSING], 0.6),
        ([Reason.BODY_MISSING, Reason.INDICATOR_FRAGMENT, Reason.BODY_UNKNOWN], 0.0),  # never below 0
        ([Reason.DATE_INFERRED, Reason.DATE_INFERRED], 0.9),  # a reason counts once
    ],
)
def test_each_reason_lowers_the_confidence(reasons, expected):
    assert confidence.score(reasons) == expected


def test_two_strong_signals_leave_at_most_half():
    strong = [r for r, weight in confidence.WEIGHTS.items() if weight >= 0.25]
    assert len(strong) >= 4 and max(confidence.score([a, b]) for a in strong for b in strong if a != b) <= 0.5


def test_every_reason_has_a_weight_and_a_chinese_label():
    assert set(confidence.WEIGHTS) == set(Reason) == set(codes.CONFIDENCE_REASONS)


def test_annotate_gives_every_row_the_review_columns():
    measures, targets = [measure(agency_source="issuer")], [target(masked=True)]
    confidence.annotate(TIANJIN, measures, targets, KNOWN)
    assert (measures[0]["confidence"], measures[0]["confidence_reasons"]) == (0.8, ["body_from_issuer"])
    assert (targets[0]["confidence"], targets[0]["reviewed"], targets[0]["corrected"]) == (0.75, False, False)


def test_the_seeds_carry_confidence_on_every_row(seed_tables):
    for name in ("measures", "targets"):
        rows = seed_tables[name]
        assert rows.confidence.between(0, 1).all() and not rows.reviewed.any()
    # the 2018 reply names no place and its measures count for the issuer: both are reasons to look
    measures = seed_tables["measures"]
    assert measures.confidence.min() < 1.0 and (measures.confidence == 1.0).any()
