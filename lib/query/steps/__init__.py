"""The pages' heavier steps, one module per page, each step computed once per build, filters and arguments
and shared by every session (store.per_view). They live here rather than in the page scripts so that the
server can compute every page's opening view as it starts (warm), before any official asks for it."""

from lib.query import store
from lib.query.filters import Filters
from lib.query.steps import agencies, catalogue, districts, evolution, overview, targets, themes

PAGES = (overview, themes, agencies, districts, targets, evolution, catalogue)  # the overview first: it opens the app


def warm(filters: Filters | None = None) -> None:
    """Every page's opening view for `filters` (by default none): each page's first visit then only draws."""
    filters = filters or Filters()
    for page in PAGES:
        page.default_view(filters)
    # 原文 and 数据与导出 show the measures' texts (and 数据与导出 their tagging evidence and keywords): read
    # once, ~1.2 s at 10,000 documents, and held as they would be after either page's first visit.
    store.read_long_columns("measures")
