"""政策演进's steps: tag mixes, term scores and sentences, bodies, indicators, documents, lineage."""
from lib import evolution as ev
from lib import lineage, store
from lib.steps.overview import timeline_rows  # the timeline 政策演进 shares with 总览

MIX_DIMENSION, MIX_BY = "instrument_types", "year"  # the first tab as the page opens


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def mix(f, dimension: str, by: str):
    view = store.filtered(f)
    return ev.mix_table(view["measures"], view["documents"], dimension, by)


@store.per_view
def term_scores(f, periods):
    measures, keywords = store.filtered(f)["measures"], store.label_index("keywords")
    dated = measures[["year"]]  # the keywords come from the index, by position
    return ev.log_odds(ev.keyword_counts(ev.in_period(dated, periods[0]), keywords),
                       ev.keyword_counts(ev.in_period(dated, periods[1]), keywords),
                       prior=ev.keyword_counts(measures, keywords))


@store.per_view
def sentences_with(f, term: str):
    view = store.filtered(f)
    return ev.term_sentences(store.with_long_columns(view["measures"], "measures", ("text",)), view["documents"], term, limit=10)


@store.per_view
def bodies_by_year(f):
    return ev.agency_year_counts(store.filtered(f)["measures"], top=15)


@store.per_view
def bodies_appeared_and_vanished(f, periods):
    return ev.appear_vanish(store.filtered(f)["measures"], "agencies", *periods)


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
