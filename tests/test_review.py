"""审核 as tables (lib/query/review.py) and the 仅已审核 filter: what to look at first, each document's share
reviewed, the lost corrections, and charts limited to reviewed rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lib.query import filters as flt
from lib.query import review


def measures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": ["m1", "m2", "m3"],
            "doc_id": ["d1", "d1", "d2"],
            "heading": ["建设中试平台", "加强领导", "培育企业"],
            "kind": ["task", "safeguard", "context"],
            "agencies": [["市科技局"], [], ["市教委"]],
            "themes": [["成果转化"], [], []],
            "industries": [[], [], []],
            "instruments": [[], [], []],
            "districts": [["滨海新区"], [], []],
            "confidence": [0.6, 0.6, 0.4],
            "confidence_reasons": [["body_from_issuer"], ["body_missing"], ["date_inferred", "body_unknown"]],
            "reviewed": [False, False, True],
        }
    )


def targets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "target_id": ["t1"],
            "doc_id": ["d2"],
            "indicator": ["孵化器"],
            "target_year": [2025],
            "unit": [None],
            "confidence": [0.75],
            "confidence_reasons": [["unit_unknown"]],
            "reviewed": [False],
        }
    )


def test_charts_fed_counts_the_lists_a_measure_fills_and_the_headline():
    assert review.charts_fed(measures(), "measures").tolist() == [4, 1, 1]
    assert review.charts_fed(targets(), "targets").tolist() == [2]


def test_the_queue_puts_unreviewed_low_confidence_and_much_charted_rows_first():
    first = review.queue(measures(), targets(), {"d1": "方案一", "d2": "方案二"})
    assert first.row_id.tolist() == ["m1", "m2", "t1", "m3"]  # m3 is reviewed: last despite 0.4
    assert first.loc[0, "原因"] == "责任单位按发文机关推定" and first.loc[0, "文件"] == "方案一"


def ranked_in_full(measures: pd.DataFrame, targets: pd.DataFrame, limit: int) -> list[str]:
    """The definition of the queue's order: every row of both tables ranked in one stable sort."""
    every = pd.concat(
        [
            pd.DataFrame(
                {
                    "row_id": rows[key],
                    "reviewed": flt.reviewed_rows(rows),
                    "confidence": rows.confidence.fillna(1.0),
                    "fed": review.charts_fed(rows, table),
                }
            )
            for table, rows, key in (("measures", measures, "measure_id"), ("targets", targets, "target_id"))
        ],
        ignore_index=True,
    )
    order = every.sort_values(["reviewed", "confidence", "fed"], ascending=[True, True, False], kind="stable")
    return order.row_id.head(limit).tolist()


@pytest.mark.parametrize("limit", [1, 3, 7, 50])
def test_the_queue_ranks_every_row_though_it_describes_only_the_first(limit):
    many_measures = pd.concat([measures()] * 6, ignore_index=True)
    many_measures["measure_id"] = [f"m{i}" for i in range(len(many_measures))]
    many_measures["confidence"] = [0.6, 0.4, 0.6, None, 0.9, 0.6] * 3
    many_measures["reviewed"] = [False, True, False] * 6
    many_targets = pd.concat([targets()] * 5, ignore_index=True)
    many_targets["target_id"] = [f"t{i}" for i in range(5)]
    many_targets["confidence"] = [0.4, 0.6, 0.6, None, 0.75]
    first = review.queue(many_measures, many_targets, {"d1": "方案一", "d2": "方案二"}, limit=limit)
    assert first.row_id.tolist() == ranked_in_full(many_measures, many_targets, limit)
    assert len(first) == min(limit, len(many_measures) + len(many_targets))


def test_each_document_shows_its_share_reviewed():
    documents = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "title": ["方案一", "方案二", "空文件"]})
    share = review.reviewed_share(measures(), targets(), documents).set_index("doc_id")
    assert share.已审核.to_dict() == {"d1": 0, "d2": 50, "d3": 0}
    assert review.reviewed_text(share.已审核["d2"]) == "已审核 50%"


def test_lost_corrections_come_from_the_build_report():
    report = {"corrections": {"orphans": [{"id": "c1", "who": "王丽", "message": "文件中找不到该条目"}]}}
    lost = review.orphans(report)
    assert lost.to_dict("records")[0]["编号"] == "c1" and lost.to_dict("records")[0]["原因"] == "文件中找不到该条目"
    assert review.orphans({}).empty


@pytest.mark.parametrize(
    "original, expected",
    [
        (json.dumps({"kind": "task"}), "kind：task"),
        (
            json.dumps({"agencies": ["市科技局", "市教委"], "lead_agency": None}),
            "agencies：市科技局、市教委；lead_agency：（空）",
        ),
        (None, ""),
        ("not json", ""),
    ],
)
def test_the_value_before_a_correction_reads_in_one_line(original, expected):
    assert review.original_text(original) == expected


@pytest.mark.parametrize(
    "query, reviewed", [({"rv": "1"}, True), ({"rv": "0"}, False), ({}, False), ({"rv": "<b>"}, False)]
)
def test_the_reviewed_switch_lives_in_the_url(query, reviewed):
    f = flt.parse_query(query)[0]
    assert f.reviewed is reviewed
    assert flt.to_query(f) == ({"rv": "1"} if reviewed else {})
    assert ("仅已审核" in flt.describe(f)) is reviewed


def test_charts_limited_to_reviewed_rows_count_only_those(seed_tables):
    tables = {name: seed_tables[name].copy() for name in ("measures", "targets", "documents", "agencies")}
    tables["measures"]["reviewed"] = tables["measures"].index < 3
    tables["targets"]["reviewed"] = tables["targets"].index == 0
    view = flt.apply(tables, flt.Filters(reviewed=True, kinds=flt.ALL_KINDS))
    assert len(view["measures"]) == 3 and len(view["targets"]) == 1
    assert len(flt.apply(tables, flt.Filters(kinds=flt.ALL_KINDS))["measures"]) == len(tables["measures"])
