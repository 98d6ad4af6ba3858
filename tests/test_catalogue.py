"""文件 (catalogue): the validity rule, the catalogue frame, its facets, the filters that apply, and the
citations in and out of a document."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.query import catalogue, permalinks
from lib.query.catalogue import EXPIRED, IN_FORCE, NOT_YET, VALIDITY_COLUMN
from lib.query.filters import ALL_PLACES, Filters

TODAY = dt.date(2026, 6, 15)
NA = None


@pytest.mark.parametrize(
    "issued, effective_from, effective_until, period_end, expected",
    [
        ("2025-05-16", NA, NA, 2027, IN_FORCE),  # a plan in its period
        ("2021-08-08", NA, NA, 2025, EXPIRED),  # the period ended last year
        ("2021-08-08", NA, NA, 2026, IN_FORCE),  # the period's last year is this year: to 31 December
        ("2018-06-15", NA, NA, NA, IN_FORCE),  # nothing printed about validity: in force (no repeal recorded)
        ("2018", NA, NA, NA, IN_FORCE),  # a year alone
        ("2026-05-01", "2026-07-01", "2031-06-30", NA, NOT_YET),  # 施行日期 after today
        ("2026-05-01", "2026-06", "2031-06-30", NA, IN_FORCE),  # a partial 施行日期 takes its first day
        ("2026-07-01", NA, NA, 2030, NOT_YET),  # signed after today: not yet in force
        ("2021-01-01", "2021-02-01", "2026-06-14", 2030, EXPIRED),  # 有效期至 yesterday, before the period's end
        ("2021-01-01", "2021-02-01", "2026-06-15", NA, IN_FORCE),  # 有效期至 today: still in force
        ("2021-01-01", "2021-02-01", "2026-06", NA, IN_FORCE),  # a partial end lasts to the month's last day
        ("2021-01-01", NA, "2026-05", NA, EXPIRED),
        ("", NA, "2020-12-31", NA, EXPIRED),  # no date of signing
        ("20x1-13", "junk", NA, NA, IN_FORCE),  # unreadable dates count as missing
    ],
)
def test_the_validity_rule(issued, effective_from, effective_until, period_end, expected):
    assert catalogue.validity(issued, effective_from, effective_until, period_end, TODAY) == expected


def _documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a1", "b2", "c3", "d4"],
            "title": ["天津市甲规划", "北辰区乙方案", "武汉市丙方案", "天津市丁答复"],
            "doc_number": ["津政发〔2021〕1号", "北辰政发〔2024〕2号", None, None],
            "issuer": ["天津市人民政府", "天津市北辰区人民政府", "武汉市人民政府", "市科委"],
            "doc_type": ["规划", "实施方案", "实施方案", "提案答复"],
            "level": ["municipal", "district", "municipal", "municipal"],
            "jurisdiction": ["天津市", "天津市北辰区", "武汉市", None],
            "province": ["天津市", "天津市", "湖北省", None],
            "issued_date": ["2021-08-08", "2024-03", "2026-09-01", "2018"],
            "year": [2021, 2024, 2026, 2018],
            "period_start": [2021, 2024, None, None],
            "period_end": [2025, 2026, None, None],
            "effective_from": [None, None, "2026-10-01", None],
            "effective_until": [None, None, None, None],
            "n_measures": [3, 2, 1, 0],
            "n_targets": [4, 0, 1, 0],
        }
    )


def _measures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": ["a1-m1", "a1-m2", "a1-m3", "b2-m1", "b2-m2", "c3-m1"],
            "doc_id": ["a1", "a1", "a1", "b2", "b2", "c3"],
            "agencies": [["市科技局", "市财政局"], ["市科技局"], ["天津市人民政府"], ["区科技局"], [], ["市科技局"]],
            "agency_source": ["phrase", "phrase", "issuer", "phrase", "none", "phrase"],
        }
    )


@pytest.fixture
def frame() -> pd.DataFrame:
    return catalogue.catalogue(_documents(), _measures(), TODAY)


def test_the_catalogue_has_chinese_columns_and_no_ids(frame):
    assert list(frame.columns) == [
        "标题",
        "原文",  # the link and the date first: in view on a laptop, where the table scrolls sideways
        "成文日期",
        "文号",
        "发文机关",
        "文种",
        "层级",
        "地区",
        "规划期",
        "有效期",
        VALIDITY_COLUMN,
        "措施",
        "目标",
        "责任机构",
    ]
    shown = frame.drop(columns="原文").astype(str).to_numpy().ravel()
    assert not [cell for cell in shown if cell in {"a1", "b2", "c3", "d4"} or "nan" in cell or "None" in cell]


def test_each_row_links_to_its_document_in_the_reader(frame):
    row = frame[frame["标题"] == "北辰区乙方案"].iloc[0]
    assert row["原文"] == permalinks.document_url("b2") == "/reader?read=b2"


@pytest.mark.parametrize(
    "title, column, expected",
    [
        ("天津市甲规划", "层级", "市级"),
        ("北辰区乙方案", "层级", "区级"),
        ("天津市丁答复", "地区", "天津市"),  # a document naming no place is Tianjin's
        ("天津市甲规划", "规划期", "2021–2025"),
        ("天津市甲规划", "有效期", "至 2025 年底（规划期末）"),
        ("武汉市丙方案", "有效期", "自 2026-10-01 施行"),
        ("天津市丁答复", "有效期", "未载明"),
        ("天津市丁答复", "文号", ""),
        ("天津市甲规划", VALIDITY_COLUMN, EXPIRED),
        ("北辰区乙方案", VALIDITY_COLUMN, IN_FORCE),
        ("武汉市丙方案", VALIDITY_COLUMN, NOT_YET),
        ("天津市甲规划", "措施", 3),
        ("天津市甲规划", "目标", 4),
        ("天津市甲规划", "责任机构", 2),  # 市科技局 once, 市财政局; the issuer fallback is not a written body
        ("北辰区乙方案", "责任机构", 1),
        ("天津市丁答复", "责任机构", 0),
    ],
)
def test_a_cell_of_the_catalogue(frame, title, column, expected):
    assert frame.loc[frame["标题"] == title, column].iloc[0] == expected


def test_newest_first(frame):
    assert list(frame["成文日期"]) == ["2026-09-01", "2024-03", "2021-08-08", "2018"]


@pytest.mark.parametrize(
    "chosen, titles",
    [
        ({}, {"天津市甲规划", "北辰区乙方案", "武汉市丙方案", "天津市丁答复"}),
        ({"文种": ["实施方案"]}, {"北辰区乙方案", "武汉市丙方案"}),
        ({"文种": ["实施方案"], "层级": ["区级"]}, {"北辰区乙方案"}),
        ({VALIDITY_COLUMN: [IN_FORCE, NOT_YET]}, {"北辰区乙方案", "武汉市丙方案", "天津市丁答复"}),
        ({"发文机关": ["市科委"], "文种": []}, {"天津市丁答复"}),
        ({"层级": ["国家级"]}, set()),
    ],
)
def test_the_facets_narrow_the_rows(frame, chosen, titles):
    assert set(catalogue.narrowed(frame, chosen)["标题"]) == titles


def test_facet_options_offer_what_the_rows_hold(frame):
    options = catalogue.facet_options(frame)
    assert options["文种"][0] == "实施方案"  # most frequent first
    assert options[VALIDITY_COLUMN] == [IN_FORCE, NOT_YET, EXPIRED]
    assert "" not in options["发文机关"]


@pytest.mark.parametrize(
    "filters, doc_ids",
    [
        (Filters(), ["a1", "b2", "d4"]),  # by default Tianjin, its districts and documents naming no place
        (Filters(jurisdictions=(ALL_PLACES,)), ["a1", "b2", "c3", "d4"]),
        (Filters(jurisdictions=("武汉市",)), ["c3"]),
        (Filters(years=(2020, 2024)), ["a1", "b2"]),
        (Filters(doc_ids=("b2", "c3")), ["b2"]),
        (Filters(themes=("人才",), search="不存在"), ["a1", "b2", "d4"]),  # measure filters do not apply here
    ],
)
def test_the_filters_that_describe_documents_apply(filters, doc_ids):
    documents = _documents()
    assert list(documents.doc_id[catalogue.in_view(documents, filters)]) == doc_ids


def test_citations_in_and_out_of_a_document():
    documents = _documents()
    citations = pd.DataFrame(
        {
            "from_doc_id": ["b2", "b2", "c3"],
            "cited_title": ["天津市甲规划", "国家乙纲要", "天津市甲规划"],
            "cited_number": ["津政发〔2021〕1号", None, None],
            "resolved_doc_id": ["a1", None, "a1"],
        }
    )
    cites, cited_by = catalogue.citations_of(citations, documents, "b2")
    assert cites == [
        {"title": "天津市甲规划", "number": "津政发〔2021〕1号", "url": "/reader?read=a1"},
        {"title": "国家乙纲要", "number": "", "url": ""},  # outside the tables: named, not linked
    ]
    assert cited_by == []
    cites, cited_by = catalogue.citations_of(citations, documents, "a1")
    assert cites == []
    assert cited_by == [
        {"title": "北辰区乙方案", "number": "北辰政发〔2024〕2号", "url": "/reader?read=b2"},
        {"title": "武汉市丙方案", "number": "", "url": "/reader?read=c3"},
    ]


def test_the_seed_catalogue_lists_every_seed_with_its_counts(seed_tables):
    frame = catalogue.catalogue(seed_tables["documents"], seed_tables["measures"], TODAY)
    assert len(frame) == 5 and frame["措施"].sum() == len(seed_tables["measures"])
    plan = frame[frame["文号"] == "津政办发〔2021〕32号"].iloc[0]
    assert (plan["文种"], plan["层级"], plan["规划期"], plan[VALIDITY_COLUMN]) == ("规划", "市级", "2021–2025", EXPIRED)


@pytest.mark.parametrize(
    "filters, unapplied",
    [
        (Filters(), []),
        (Filters(years=(2020, 2024), doc_ids=("a1",), jurisdictions=(ALL_PLACES,)), []),  # these apply
        (Filters(themes=("人才",), agencies=("市科技局",)), ["主题", "机构"]),
        (Filters(search="概念验证", kinds=("task",)), ["措施类型", "全文检索"]),
    ],
)
def test_the_page_names_the_filters_it_does_not_apply(filters, unapplied):
    assert catalogue.unapplied_filters(filters) == unapplied
