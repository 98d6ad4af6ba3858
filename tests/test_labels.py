"""List columns as flat (row, label) arrays: the same answers as looping over the lists, without the loop."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lib.query import filters as flt
from lib.query import textstats, views
from lib.query.labels import index_labels, one_of, positions

LIST_COLUMNS = ("districts", "themes", "industries", "instruments", "agencies", "keywords")


def test_a_label_counts_once_per_row_and_rows_without_labels_count_for_nothing():
    index = index_labels(pd.Series([["人才", "人才", "平台"], [], None, np.array(["平台"], dtype=object)]))
    assert index.n_rows == 4
    assert index.counts().to_dict() == {"平台": 2, "人才": 1}
    assert list(index.rows_with(one_of(["平台"]))) == [True, False, False, True]


def test_counts_of_a_selection_use_the_rows_it_kept():
    index = index_labels(pd.Series([["人才"], ["平台"], ["平台", "人才"]]))
    assert index.counts(np.array([1, 2])).to_dict() == {"平台": 2, "人才": 1}
    assert index.counts(np.array([], dtype=np.int64)).empty


def test_ties_are_listed_alphabetically():
    index = index_labels(pd.Series([["乙"], ["甲"], ["丙"]]))
    assert list(index.counts().index) == sorted(["乙", "甲", "丙"])


def test_an_instrument_type_takes_all_its_sub_types():
    index = index_labels(pd.Series([["供给型·人才支持"], ["环境型·金融支持"], ["供给型"]]))
    assert list(index.rows_with(one_of(["供给型"], prefix_ok=True))) == [True, False, True]
    assert list(index.rows_with(one_of(["供给型"]))) == [False, False, True]


def test_a_filtered_frame_finds_its_rows_by_its_index(seed_tables):
    measures = seed_tables["measures"]
    assert isinstance(measures.index, pd.RangeIndex)  # what positions() relies on
    kept = measures[measures.year == 2021]
    assert (measures.iloc[positions(kept)].measure_id.to_numpy() == kept.measure_id.to_numpy()).all()


@pytest.mark.parametrize("column", LIST_COLUMNS)
def test_the_index_counts_what_a_loop_over_the_lists_counts(seed_tables, column):
    measures = seed_tables["measures"]
    index = index_labels(measures[column])
    selection = measures[measures.kind == "task"]
    by_loop = pd.Series([label for values in selection[column] for label in set(values)]).value_counts()
    assert index.counts(positions(selection)).sort_index().to_dict() == by_loop.sort_index().to_dict()


@pytest.mark.parametrize(
    "filters",
    [
        flt.Filters(themes=("人才",)),
        flt.Filters(instruments=("供给型",), districts=("滨海新区",)),
        flt.Filters(agencies=("市科技局",), years=(2021, 2025), kinds=flt.ALL_KINDS),
        flt.Filters(industries=("生物医药", "新能源")),
    ],
)
def test_filtering_with_the_stores_indexes_equals_filtering_without(seed_tables, filters):
    measures = seed_tables["measures"]
    indexes = {column: index_labels(measures[column]) for column in LIST_COLUMNS}
    with_indexes = flt.apply(seed_tables, filters, indexes)
    without = flt.apply(seed_tables, filters)
    for name in ("measures", "targets", "documents"):
        pd.testing.assert_frame_equal(with_indexes[name], without[name])


def test_a_theme_filter_keeps_exactly_the_measures_whose_list_names_it(seed_tables):
    measures = seed_tables["measures"]
    kept = flt.apply(seed_tables, flt.Filters(themes=("人才",), kinds=flt.ALL_KINDS))["measures"]
    expected = measures[measures.themes.map(lambda values: "人才" in values)]
    assert len(kept) > 0 and list(kept.measure_id) == list(expected.measure_id)


def test_views_and_keyword_counts_agree_with_and_without_an_index(seed_tables):
    measures = seed_tables["measures"]
    indexes = {column: index_labels(measures[column]) for column in LIST_COLUMNS}
    selection = measures[measures.doc_id == measures.doc_id.iloc[0]]
    pd.testing.assert_frame_equal(
        views.count_labels(selection, "themes", indexes=indexes), views.count_labels(selection, "themes")
    )
    assert textstats.keyword_frequencies(selection, index=indexes["keywords"]) == textstats.keyword_frequencies(
        selection
    )


@pytest.mark.parametrize(
    "filters",
    [
        flt.Filters(),
        flt.Filters(themes=("人才",)),
        flt.Filters(districts=("滨海新区",), years=(2021, 2025)),
        flt.Filters(doc_ids=("nonexistent",)),
        flt.Filters(search="概念验证", kinds=flt.ALL_KINDS),
    ],
)
def test_targets_and_documents_follow_the_measures_that_pass(seed_tables, filters):
    """The rule apply() implements with integer links, written out with ids."""
    view = flt.apply(seed_tables, filters)
    measures, targets, documents = seed_tables["measures"], seed_tables["targets"], seed_tables["documents"]
    years = filters.years or (documents.year.min(), documents.year.max())
    dated = documents[
        (documents.year.between(*years) | documents.year.isna())
        & (documents.doc_id.isin(filters.doc_ids) if filters.doc_ids else True)
    ]
    passing = set(measures[flt.measure_mask(measures, filters, with_kinds=False)].measure_id)
    kept = measures[measures.measure_id.isin(passing) & measures.kind.isin(filters.kinds)]
    expected_targets = targets[targets.doc_id.isin(dated.doc_id)]
    if not filters.is_default and (filters.themes or filters.districts or filters.search):
        expected_targets = expected_targets[expected_targets.measure_id.isin(passing)]
        dated = dated[dated.doc_id.isin(kept.doc_id) | dated.doc_id.isin(expected_targets.doc_id)]
    assert list(view["measures"].measure_id) == list(kept.measure_id)
    assert list(view["targets"].target_id) == list(expected_targets.target_id)
    assert list(view["documents"].doc_id) == list(dated.doc_id)


def test_a_views_index_cut_from_the_full_tables_equals_one_built_from_the_view(seed_tables):
    measures = seed_tables["measures"]
    view = measures[measures.year == 2021]
    cut = index_labels(measures.agencies).within(positions(view))
    built = index_labels(view.agencies)
    assert cut.n_rows == built.n_rows == len(view)
    assert sorted(zip(cut.rows, cut.names[cut.codes])) == sorted(zip(built.rows, built.names[built.codes]))


def test_arrow_lists_and_python_lists_give_the_same_index():
    values = [["人才", "平台", "人才"], [], None, ["平台"]]
    arrow = pd.Series(values, dtype=pd.ArrowDtype(pa.list_(pa.string())))
    python = pd.Series(values, dtype=object)
    for index in (index_labels(arrow), index_labels(python)):
        assert index.counts().to_dict() == {"平台": 2, "人才": 1} and index.n_rows == 4
        assert sorted(zip(index.rows, index.names[index.codes])) == [(0, "人才"), (0, "平台"), (3, "平台")]
