"""Steps over a view's row positions give what the same steps gave over the taken frames (issue #20): a filter
combination no one used before then takes only the columns a step reads. Each new function is compared with
the old one on small tables written here, for several subsets of their rows; then the pages' steps on the
seeds' build for every filter case."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lib.build.cli import main as build_main
from lib.query import evolution as ev
from lib.query import filters as flt
from lib.query import permalinks, store, views
from lib.query.filters import ALL_KINDS, Filters
from lib.query.labels import index_labels
from lib.query.steps import districts as district_steps
from lib.query.steps import evolution as evolution_steps
from lib.query.steps import overview

LISTS = pd.ArrowDtype(pa.list_(pa.string()))


def small_tables() -> dict[str, pd.DataFrame]:
    """Five documents (one undated, two of the same day), eight measures, five targets."""
    documents = pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4", "d5"],
            "title": [
                "滨海新区数字经济行动方案（2023—2025年）",
                "市科技局关于概念验证的通知",
                "东丽区人才十条",
                "无日期的工作要点",
                "北辰区科技金融实施方案",
            ],
            "year": [2023.0, 2021.0, 2021.0, np.nan, 2024.0],
            "issued_date": ["2023-03-02", "2021-06", "2021-06", None, "2024"],
            "level": ["district", "municipal", "district", "municipal", "district"],
            "doc_type": ["行动计划", None, "实施方案", "其他", "实施方案"],
            "n_measures": [3, 2, 1, 1, 1],
            "date_source": ["explicit", "inferred", "explicit", "unknown", "manifest"],
            "date_evidence": ["落款", "事件", "落款", "", "清单"],
            "district": ["滨海新区", None, "东丽区", None, "北辰区"],
            "missing_parts": pd.Series([["附件"], [], [], ["表一", "表二"], []], dtype=LISTS),
            "truncated": [False, True, False, False, True],
            "warnings": pd.Series([["日期不一致"], [], ["一", "二", "三", "四"], [], []], dtype=LISTS),
        }
    )
    measures = pd.DataFrame(
        {
            "measure_id": [f"m{i}" for i in range(8)],
            "doc_id": ["d1", "d1", "d1", "d2", "d2", "d3", "d4", "d5"],
            "agency_source": ["phrase", "issuer", "carried", "phrase", "issuer", None, "phrase", "issuer"],
            "agencies": pd.Series(
                [
                    ["市科技局"],
                    ["滨海新区政府"],
                    ["市科技局", "市财政局"],
                    ["市科技局"],
                    [],
                    ["东丽区政府"],
                    ["市财政局"],
                    [],
                ],
                dtype=LISTS,
            ),
            "districts": pd.Series(
                [
                    ["滨海新区"],
                    ["滨海新区", "东丽区"],
                    [],
                    ["北辰区"],
                    ["东丽区"],
                    ["东丽区"],
                    [],
                    ["北辰区", "滨海新区"],
                ],
                dtype=LISTS,
            ),
            "warnings": pd.Series([["乱码"], [], [], ["乱码", "截断"], [], [], ["乱码"], []], dtype=LISTS),
        }
    )
    targets = pd.DataFrame(
        {
            "target_id": [f"t{i}" for i in range(5)],
            "doc_id": ["d1", "d1", "d2", "d5", "d9"],  # d9: a document the table does not hold
            "measure_id": ["m0", "m1", "m3", None, None],
            "masked": [True, True, False, True, True],
        }
    )
    return {"documents": documents, "measures": measures, "targets": targets}


SUBSETS = [  # (measures, targets, documents) positions of a view: all, some, one, a document without rows
    ([0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]),
    ([0, 2, 5], [1, 4], [0, 2]),
    ([3], [2], [1]),
    ([7], [], [3, 4]),
]


@pytest.mark.parametrize("subset", SUBSETS, ids=str)
def test_the_timeline_from_points_computed_once_equals_the_timeline_of_the_taken_documents(subset):
    documents = small_tables()["documents"]
    rows = np.array(subset[2])
    pd.testing.assert_frame_equal(
        views.placed_on_timeline(views.timeline_points(documents).iloc[rows]), views.timeline(documents.iloc[rows])
    )


@pytest.mark.parametrize("subset", SUBSETS, ids=str)
def test_quality_from_positions_equals_quality_of_the_taken_tables(subset):
    tables = small_tables()
    links = flt.row_links(tables)
    measure_rows, target_rows, document_rows = (np.array(s, dtype=np.int64) for s in subset)
    n = len(tables["documents"])
    masked = tables["targets"].masked.to_numpy(dtype=np.int64)
    garbled = (tables["measures"].warnings.list.len() > 0).to_numpy(dtype=np.int64)
    at = views.quality_at(
        views.quality_columns(tables["documents"]),
        views.per_document(links.target_document[target_rows], masked[target_rows], n),
        views.per_document(links.measure_document[measure_rows], garbled[measure_rows], n),
        document_rows,
    )
    taken = {name: tables[name].iloc[rows] for name, rows in zip(("measures", "targets", "documents"), subset)}
    pd.testing.assert_frame_equal(at, views.quality(taken))


@pytest.mark.parametrize(
    ("document_of_row", "counted", "expected"),
    [
        ([0, 0, 2, -1], [1, 1, 1, 1], [2, 0, 1]),  # -1: a row without a document counts for none
        ([1, 1, 1], [0, 1, 0], [0, 1, 0]),
        ([], [], [0, 0, 0]),
    ],
)
def test_per_document_counts_each_documents_rows_that_count(document_of_row, counted, expected):
    counts = views.per_document(np.array(document_of_row, dtype=np.int64), np.array(counted, dtype=np.int64), 3)
    assert counts.tolist() == expected


@pytest.mark.parametrize("subset", SUBSETS, ids=str)
def test_district_counts_from_the_whole_tables_index_equal_those_of_the_taken_measures(subset):
    tables = small_tables()
    measures, documents = tables["measures"], tables["documents"]
    rows = np.array(subset[0], dtype=np.int64)
    index = index_labels(measures.districts)
    own = pd.Index(index.names).get_indexer(measures.doc_id.map(documents.set_index("doc_id").district).astype(object))
    districts = ["滨海新区", "东丽区", "北辰区", "和平区"]
    pd.testing.assert_frame_equal(
        views.district_counts_at(index, rows, own.astype(np.int64), districts),
        views.district_counts(measures.iloc[rows], documents, districts),
    )


@pytest.mark.parametrize("subset", SUBSETS, ids=str)
def test_the_headline_of_the_columns_it_reads_equals_the_headline_of_the_whole_frames(subset):
    tables = small_tables()
    indexes = {column: index_labels(tables["measures"][column]) for column in ("agencies", "districts")}
    taken = {name: tables[name].iloc[rows] for name, rows in zip(("measures", "targets", "documents"), subset)}
    thin = {
        "measures": taken["measures"][["agency_source"]],
        "documents": taken["documents"][["year"]],
        "targets": taken["targets"][[]],
    }
    assert views.headline(thin, indexes) == views.headline(taken, indexes)


@pytest.mark.parametrize(
    "value", ["3f2a9c01d4e5b6a7", "m-1_2.3~", "带 空格", "a+b&c=d", "天津/滨海", "", "%41"], ids=repr
)
def test_a_reader_url_reads_as_urlencode_writes_it(value):
    assert permalinks.measure_url(value) == "/reader?" + urllib.parse.urlencode({"m": value})


CASES = [
    Filters(),
    Filters(years=(2021, 2023)),
    Filters(years=(2025, 2025), kinds=ALL_KINDS),
    Filters(districts=("北辰区",)),
    Filters(themes=("人才",), years=(2020, 2026)),
    Filters(districts=("不存在的区",)),  # nothing left
    Filters(search="概念验证", kinds=ALL_KINDS),
]


@pytest.mark.parametrize("f", CASES, ids=str)
def test_the_pages_steps_on_the_seeds_equal_the_same_steps_over_the_taken_view(f):
    assert build_main(["--if-stale"]) in (0, 3)
    view = store.filtered(f)
    taken = {table: view[table] for table in ("measures", "targets", "documents")}
    indexes = store.label_indexes()
    assert overview.headline(f) == views.headline(taken, indexes)
    pd.testing.assert_frame_equal(overview.timeline_rows(f), views.timeline(taken["documents"]))
    pd.testing.assert_frame_equal(overview.quality(f), views.quality(taken))
    pd.testing.assert_frame_equal(
        overview.top_labels(f, "themes"), views.count_labels(taken["measures"], "themes", top=10, indexes=indexes)
    )
    pd.testing.assert_frame_equal(
        overview.top_bodies(f), views.count_bodies(taken["measures"], top=10, indexes=indexes)
    )
    from lib.query.geo import district_names

    pd.testing.assert_frame_equal(
        district_steps.district_counts(f),
        views.district_counts(taken["measures"], store.load_tables()["documents"], district_names()),
    )
    pd.testing.assert_frame_equal(
        evolution_steps.mix(f, "instrument_types", "year"),
        ev.mix_table(taken["measures"], taken["documents"], "instrument_types", "year"),
    )
    for table, names in (("measures", ("agency_source", "doc_id")), ("documents", ("year",)), ("targets", ())):
        pd.testing.assert_frame_equal(view.columns(table, names), taken[table][list(names)])


@pytest.mark.parametrize("dimension", ["themes", "instruments", "instrument_types"])
@pytest.mark.parametrize("by", ["year", "doc_id"])
@pytest.mark.parametrize("subset", SUBSETS, ids=str)
def test_a_mix_from_the_whole_tables_index_equals_the_mix_of_the_taken_measures(subset, by, dimension):
    documents = small_tables()["documents"].assign(year=[2023.0, 2021.0, 2021.0, np.nan, 2024.0])
    measures = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d1", "d2", "d2", "d3", "d4", "d5"],
            "year": [2023.0, 2023.0, 2023.0, 2021.0, 2021.0, 2021.0, np.nan, 2024.0],
            "themes": pd.Series(
                [["人才"], ["人才", "金融"], [], ["金融"], ["平台"], ["人才"], ["平台"], []], dtype=LISTS
            ),
            "instruments": pd.Series(
                [
                    ["供给型·人才支持"],
                    ["环境型·金融支持", "供给型·资金投入"],
                    [],
                    ["需求型·政府采购"],
                    [],
                    ["供给型·人才支持"],
                    [],
                    ["环境型·税收优惠"],
                ],
                dtype=LISTS,
            ),
        }
    )
    column = "instruments" if dimension == "instrument_types" else dimension
    taken = measures.iloc[np.array(subset[0])]
    pd.testing.assert_frame_equal(
        ev.mix_table(taken[["year", "doc_id"]], documents, dimension, by, index_labels(measures[column])),
        ev.mix_table(taken, documents, dimension, by),
    )
