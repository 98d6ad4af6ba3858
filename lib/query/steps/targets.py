"""目标's steps: targets per year, the rows of its two tables."""

from lib.query import store, views


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def targets_by_year(f):
    return views.targets_by_year(store.filtered(f)["targets"])


@store.per_view
def target_rows(f, parameters: bool):
    """The first rows of the table of goals and baselines, or of support parameters."""
    view = store.filtered(f)
    targets = view["targets"]
    shown = targets[(targets.kind == "parameter") == parameters].head(views.TABLE_MAX_ROWS)
    return views.targets_table(shown, view["documents"])


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    targets_by_year(f)
    for parameters in (False, True):
        target_rows(f, parameters)
