"""区域's step: measures per district."""

from lib.query import store, views
from lib.query.geo import district_names


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def district_counts(f):
    return views.district_counts(store.filtered(f)["measures"], store.load_tables()["documents"], district_names())


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    district_counts(f)
