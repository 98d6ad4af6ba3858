"""总览's steps: headline counts, top labels, data quality."""

from lib.query import store, views


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def headline(f):
    return views.headline(store.filtered(f), store.label_indexes())


@store.per_view
def timeline_rows(f):
    """The view's documents as points of the timeline, which 总览 and 政策演进 both draw."""
    return views.timeline(store.filtered(f)["documents"])


@store.per_view
def top_labels(f, column: str):
    return views.count_labels(store.filtered(f)["measures"], column, top=10, indexes=store.label_indexes())


@store.per_view
def top_bodies(f):
    """The ten busiest bodies, written responsibility apart from the issuer fallback."""
    return views.count_bodies(store.filtered(f)["measures"], top=10, indexes=store.label_indexes())


@store.per_view
def quality(f):
    return views.quality(store.filtered(f))


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    headline(f)
    timeline_rows(f)
    top_labels(f, "themes")
    top_bodies(f)
    quality(f)
