"""主题's steps: counts, the theme matrix, treemap, industries and instruments, keywords, measures."""

from lib.query import store, textstats, views
from lib.query import themes as theme_tables

MATRIX_BY = "document"  # the matrix's columns as the page opens


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def facts(f):
    measures, indexes = store.filtered(f)["measures"], store.label_indexes()
    return {
        "措施": len(measures),
        **{
            label: len(views.count_labels(measures, column, indexes=indexes))
            for label, column in (("涉及主题", "themes"), ("涉及产业", "industries"), ("政策工具子类", "instruments"))
        },
    }


@store.per_view
def theme_matrix(f, by: str):
    """The cells of the matrix, and how many documents have a measure with a theme."""
    view = store.filtered(f)
    themes = store.labels_within(view["measures"], "themes")
    return theme_tables.theme_matrix(
        view["measures"], view["documents"], by, themes=themes
    ), theme_tables.matrix_documents(view["measures"], themes)


@store.per_view
def theme_tree(f):
    view = store.filtered(f)
    measures = view["measures"]
    tree = theme_tables.theme_tree(measures, view["documents"], themes=store.labels_within(measures, "themes"))
    # The clause behind each measure box: read for the few measures the tree shows, not the whole view.
    shown = measures[measures.measure_id.isin({node.split("/", 1)[1] for node in tree.id if "/" in node})]
    clauses = store.with_long_columns(shown, "measures", ("tag_clauses",))
    return theme_tables.with_tag_clauses(tree, dict(zip(clauses.measure_id, clauses.tag_clauses)))


@store.per_view
def industries_and_instruments(f):
    measures = store.filtered(f)["measures"]
    return (
        views.count_labels(measures, "industries", indexes=store.label_indexes()),
        theme_tables.instrument_counts(measures, store.labels_within(measures, "instruments")),
    )


@store.per_view
def keywords(f):
    """The keywords of the view without the ubiquitous ones, and those."""
    common = textstats.ubiquitous_keywords(store.load_tables()["measures"], index=store.label_index("keywords"))
    return textstats.keyword_frequencies(
        store.filtered(f)["measures"], exclude=common, index=store.label_index("keywords")
    ), common


@store.per_view
def measure_rows(f):
    view = store.filtered(f)
    shown = views.first_in_reading_order(view["measures"], views.TABLE_MAX_ROWS)
    return theme_tables.measure_table(
        store.with_long_columns(shown, "measures", ("tag_evidence", "tag_clauses")), view["documents"]
    )


def default_view(f) -> None:
    """What the page computes as it opens (its first tab), computed ahead by warm()."""
    facts(f)
    theme_matrix(f, MATRIX_BY)
