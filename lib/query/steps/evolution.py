"""政策演进's steps: tag mixes, term scores and sentences, bodies, indicators, documents, lineage."""

import streamlit as st

from lib.query import evolution as ev
from lib.query import lineage, store
from lib.query.labels import LabelIndex
from lib.query.steps.overview import timeline_rows  # the timeline 政策演进 shares with 总览

MIX_DIMENSION, MIX_BY = "instrument_types", "year"  # the first tab as the page opens


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def mix(f, dimension: str, by: str):
    # The view's years and documents and the whole table's labels: no take of the measures, no lists exploded.
    view = store.filtered(f)
    index = store.label_index("instruments" if dimension == "instrument_types" else dimension)
    return ev.mix_table(view.columns("measures", ("year", "doc_id")), view["documents"], dimension, by, index)


def whole_keywords() -> LabelIndex:
    """The keywords' index of the whole measures table without the pieces of longer listed words
    (ev.drop_bound_pieces), once per build."""
    return _whole_keywords(store.build_version())


@st.cache_resource(show_spinner=False, max_entries=2)
def _whole_keywords(version: str) -> LabelIndex:
    measures = store.with_long_columns(store.load_tables()["measures"], "measures", ("text",))
    return ev.drop_bound_pieces(store.label_index("keywords"), measures.heading, measures.text, ev.listed_word_pieces())


@store.per_view
def term_scores(f, periods):
    return ev.term_scores(store.filtered(f)["measures"], periods, whole_keywords())


@store.per_view
def sentences_with(f, term: str):
    view = store.filtered(f)
    return ev.term_sentences(
        store.with_long_columns(view["measures"], "measures", ("text",)),
        view["documents"],
        term,
        limit=10,
        pieces=ev.listed_word_pieces(),
    )


@store.per_view
def new_and_dropped_terms(f, side_by: str, pick: tuple):
    measures = store.filtered(f)["measures"]
    side_a, side_b = (measures[measures[side_by] == p] for p in pick)
    index = whole_keywords()
    counts_a, counts_b = ev.keyword_counts(side_a, index), ev.keyword_counts(side_b, index)
    floor = ev.significance_floor(sum(counts_a.values()), sum(counts_b.values()), sum((counts_a + counts_b).values()))
    minimum = floor or float("inf")  # no floor: no count can reach significance, so nothing is listed
    return (*ev.new_and_dropped_terms(side_a, side_b, index=index, min_count=minimum), floor)  # type: ignore[arg-type]


@store.per_view
def bodies_by_year(f, include_issuer: bool):
    return ev.agency_year_counts(store.filtered(f)["measures"], top=15, include_issuer=include_issuer)


@store.per_view
def bodies_appeared_and_vanished(f, periods, include_issuer: bool):
    period_a, period_b = periods
    return ev.bodies_appear_vanish(store.filtered(f)["measures"], period_a, period_b, include_issuer=include_issuer)


@store.per_view
def indicators(f):
    view = store.filtered(f)
    aligned = ev.align_indicators(view["targets"], view["documents"], ev.indicator_phrases())
    return aligned, ev.series_order(aligned)


@store.per_view
def documents_in_time_order(f):
    return list(ev.document_labels(store.filtered(f)["documents"]).doc_id)


@store.per_view
def lineage_of(f):
    view = store.filtered(f)
    return lineage.lineage_graph(view["citations"], view["documents"])


def default_view(f) -> None:
    """What the page computes as it opens (the timeline and its first tab), computed ahead by warm()."""
    timeline_rows(f)
    mix(f, MIX_DIMENSION, MIX_BY)
