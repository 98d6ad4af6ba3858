"""A filtered view is row positions into the shared tables, each table taken when first asked for (issue #20):
the rows are those the filters' rules keep, written out here row by row, on the seeds and on generated
documents; the store's view equals the frames `filters.apply` returns; a view's frames are held within a
byte budget and taken again, equal, once evicted."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.build.cli import main as build_main
from lib.config import ROOT
from lib.contract import TABLES, to_frame
from lib.query import filters as flt
from lib.query import store
from lib.query.filters import ALL_KINDS, ALL_PLACES, Filters

CASES = [
    Filters(),
    Filters(years=(2021, 2023)),
    Filters(years=(2025, 2025), kinds=ALL_KINDS),
    Filters(districts=("北辰区",)),
    Filters(themes=("人才",), years=(2020, 2026)),
    Filters(instruments=("供给型",)),
    Filters(jurisdictions=(ALL_PLACES,), kinds=("task",)),
]


def expected_rows(tables: dict[str, pd.DataFrame], f: Filters) -> dict[str, list[int]]:
    """The filters' rules, one row at a time: a measure of the years (or of no year), with one of the chosen
    labels on each dimension, of the kinds, whose document is of the places; a target of such a document and,
    when a label is chosen, of a measure passing the labels; a document of the years and places and, when
    a label is chosen, holding a measure or target of the view."""
    measures, targets, documents = tables["measures"], tables["targets"], tables["documents"]
    place_ok = dict(zip(documents.doc_id, flt.in_places(documents, f.jurisdictions), strict=True))

    def year_ok(year) -> bool:
        return f.years is None or pd.isna(year) or f.years[0] <= year <= f.years[1]

    def labels_ok(row) -> bool:
        for dim in ("districts", "themes", "industries", "instruments", "agencies"):
            chosen = getattr(f, dim)
            if chosen and not any(
                label in chosen or (dim == "instruments" and label.split("·")[0] in chosen) for label in row[dim]
            ):
                return False
        return True

    any_kind = {
        row.measure_id: year_ok(row.year) and labels_ok(row) and place_ok.get(row.doc_id, False)
        for _, row in measures.iterrows()
    }
    kept = [i for i, (_, row) in enumerate(measures.iterrows()) if any_kind[row.measure_id] and row.kind in f.kinds]
    narrowing = any(getattr(f, d) for d in ("districts", "themes", "industries", "instruments", "agencies"))
    doc_ok = {d.doc_id: place_ok[d.doc_id] and year_ok(d.year) for _, d in documents.iterrows()}
    kept_targets = [
        i
        for i, (_, t) in enumerate(targets.iterrows())
        if doc_ok.get(t.doc_id, False) and (not narrowing or any_kind.get(t.measure_id, False))
    ]
    holding = {measures.doc_id.iloc[i] for i in kept} | {targets.doc_id.iloc[i] for i in kept_targets}
    kept_documents = [
        i for i, d in enumerate(documents.itertuples()) if doc_ok[d.doc_id] and (not narrowing or d.doc_id in holding)
    ]
    return {"measures": kept, "targets": kept_targets, "documents": kept_documents}


def assert_view_follows_the_rules(tables: dict[str, pd.DataFrame], f: Filters) -> None:
    rows = flt.rows(tables, f)
    for table, expected in expected_rows(tables, f).items():
        assert list(rows[table]) == expected, (f, table)
        pd.testing.assert_frame_equal(flt.take(tables, rows, table), tables[table].iloc[expected])


@pytest.mark.parametrize("f", CASES, ids=str)
def test_the_rows_a_view_holds_follow_the_filter_rules_on_the_seeds(seed_tables, f):
    assert_view_follows_the_rules({n: seed_tables[n] for n in TABLES}, f)


@pytest.fixture(scope="module")
def generated_tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """40 generated documents (bench/make_corpus.py: district plans of many years and places), built."""
    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import make_corpus

    corpus, out = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("build")
    make_corpus(corpus, 40, seed=3)
    assert build_main(["--seeds", str(corpus), "--out", str(out), "--full"]) in (0, 3)
    import pyarrow.parquet as pq

    return {name: to_frame(pq.read_table(Path(out) / f"{name}.parquet")) for name in TABLES}


@pytest.mark.parametrize("f", CASES, ids=str)
def test_the_rows_a_view_holds_follow_the_filter_rules_on_generated_documents(generated_tables, f):
    assert_view_follows_the_rules(generated_tables, f)


def test_a_views_positions_are_small_integers_in_order(seed_tables):
    rows = flt.rows({n: seed_tables[n] for n in TABLES}, Filters(years=(2021, 2023)))
    for table in flt.FILTERED_TABLES:
        assert rows[table].dtype == np.int32 and (np.diff(rows[table]) > 0).all()


def test_the_stores_view_equals_the_frames_apply_returns():
    assert build_main(["--if-stale"]) in (0, 3)
    tables = store.load_tables()
    for f in [*CASES, Filters(search="概念验证", kinds=ALL_KINDS)]:
        view = store.filtered(f)
        if f.search:  # the search reads the texts; the view leaves them out
            with_text = {**tables, "measures": store.with_long_columns(tables["measures"], "measures", ("text",))}
            eager = flt.apply(with_text, f)
            eager["measures"] = eager["measures"].drop(columns="text")
        else:
            eager = flt.apply(tables, f)
        for table in TABLES:
            pd.testing.assert_frame_equal(view[table], eager[table])
            assert view.count(table) == len(eager[table])


def test_a_views_frames_stay_within_the_budget_and_come_back_equal_once_evicted(monkeypatch):
    assert build_main(["--if-stale"]) in (0, 3)
    import streamlit as st

    st.cache_resource.clear()
    monkeypatch.setattr(store, "FRAMES_BUDGET", 64 << 10)  # a few seed views' worth
    first = store.filtered(Filters(years=(2021, 2021)))["measures"]
    frames = store._caches()["frames"]
    for year in range(2015, 2031):
        store.filtered(Filters(years=(year, year)))["measures"]
        assert frames.held <= 64 << 10
    assert len(frames) < 16
    assert store.filtered(Filters(years=(2021, 2021)))["measures"] is first  # still held by a page: no retake
    expected = first.copy(deep=True)
    del first
    gc.collect()
    pd.testing.assert_frame_equal(store.filtered(Filters(years=(2021, 2021)))["measures"], expected)
    st.cache_resource.clear()
