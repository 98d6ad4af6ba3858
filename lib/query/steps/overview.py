"""总览's steps: headline counts, top labels, data quality.

A new filter combination takes none of the view's tables whole: each step reads the few columns it needs at
the view's row positions (store.View.columns), and what a document has on its own (timeline labels, quality
facts) is computed once per build and taken by position."""

import numpy as np
import streamlit as st

from lib.query import store, views


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def headline(f):
    view = store.filtered(f)
    thin = {
        "measures": view.columns("measures", ("agency_source",)),
        "documents": view.columns("documents", ("year",)),
        "targets": view.columns("targets"),
    }
    return views.headline(thin, store.label_indexes())


@store.per_view
def timeline_rows(f):
    """The view's documents as points of the timeline, which 总览 and 政策演进 both draw."""
    if not len(_documents(f)):  # (the columns' types of no rows are pandas' guess, as views.timeline's)
        return views.timeline(store.filtered(f)["documents"])
    return views.placed_on_timeline(_document_facts(store.build_version())["timeline"].iloc[_documents(f)])


@store.per_view
def top_labels(f, column: str):
    return views.count_labels(store.filtered(f).columns("measures"), column, top=10, indexes=store.label_indexes())


@store.per_view
def top_bodies(f):
    """The ten busiest bodies, written responsibility apart from the issuer fallback."""
    measures = store.filtered(f).columns("measures", ("agency_source",))
    return views.count_bodies(measures, top=10, indexes=store.label_indexes())


@store.per_view
def quality(f):
    view, facts = store.filtered(f), _document_facts(store.build_version())
    if not len(view.rows.documents):
        return views.quality(view)
    links, n_documents = store.row_links(), len(facts["quality"])
    targets, measures = view.rows.targets, view.rows.measures
    return views.quality_at(
        facts["quality"],
        views.per_document(links.target_document[targets], facts["target_masked"][targets], n_documents),
        views.per_document(links.measure_document[measures], facts["measure_garbled"][measures], n_documents),
        _documents(f),
    )


def _documents(f) -> np.ndarray:
    return store.filtered(f).rows.documents


@st.cache_resource(show_spinner=False, max_entries=2)
def _document_facts(version: str) -> dict:
    """Per build: the timeline's and quality's columns of every document, and per row whether a target's value
    is masked and a measure garbled (views.quality's counts)."""
    tables = store.load_tables()
    return {
        "timeline": views.timeline_points(tables["documents"]),
        "quality": views.quality_columns(tables["documents"]),
        "target_masked": tables["targets"].masked.fillna(False).to_numpy(dtype=np.int64),
        "measure_garbled": (tables["measures"].warnings.list.len() > 0).to_numpy(dtype=np.int64, na_value=0),
    }


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    headline(f)
    timeline_rows(f)
    top_labels(f, "themes")
    top_bodies(f)
    quality(f)
