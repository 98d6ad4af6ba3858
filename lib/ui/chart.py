"""One chart in the page's style, or an explanation when the filters leave nothing; a click on a mark adds its
value to the filters."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from lib.charts import download_config, style
from lib.query import filters as flt
from lib.query import store
from lib.query.lru import ByteLRU, nbytes
from lib.query.textview import escape_figure, unescape_chart_value
from lib.ui.i18n import plotly_config, translate_figure
from lib.ui.state import (
    APPLIED_PREFIX,
    FIGURES_KEY,
    LANG_KEY,
    PENDING_KEY,
    TREEMAP_ROOT,
    briefing,
    current_filters,
    language,
    t,
)

FIGURES_BUDGET = 48 << 20  # styled figures kept across sessions (a districts map is ~1 MB with its boundaries)


@st.cache_resource(show_spinner=False)
def _figures() -> ByteLRU:
    return ByteLRU(FIGURES_BUDGET, size=_figure_bytes)


def _figure_bytes(fig: go.Figure | None) -> int:
    """A figure's traces and layout as plotly holds them (its public to_dict deep-copies them first; following
    every attribute would count the validators all figures share)."""
    return 0 if fig is None else nbytes((getattr(fig, "_data", None), getattr(fig, "_layout", None)))


def chart(
    fig: go.Figure | None | Callable[[], go.Figure | None],
    key: str,
    *,
    title: str,
    empty: str,
    filename: str,
    select: str | None = None,
    height: int | None = None,
) -> None:
    """Draw one chart in the page's style, or an explanation when the filters leave nothing.
    With `select`, a click on a mark adds its customdata[0] to that filter dimension. `fig` may be a function
    that builds the figure: it is then built and styled once per (build, filters, language, briefing mode,
    chart) and shared by every session; the figure must depend on nothing else."""
    title = t(title)
    f = current_filters()
    if callable(fig):
        build = fig
        fig = _figures().get(
            (store.build_version(), f, st.session_state.get(LANG_KEY), title, briefing(), key, height),
            lambda: _styled(build(), title, f, height),
        )
    else:
        fig = _styled(fig, title, f, height)
    if fig is None:
        st.info(f"**{title}**{t('：')}{t(empty)}")
        return
    st.session_state.setdefault(FIGURES_KEY, []).append((title, fig))
    event = st.plotly_chart(
        fig,
        key=key,
        on_select="rerun" if select else "ignore",
        selection_mode=("points",) if select else ("points", "box", "lasso"),
        config=download_config("_".join(t(part) for part in filename.split("_")), briefing())
        | plotly_config(language()),
        width="stretch",
    )
    if select:
        _queue_selection(event, select, key)


def _styled(fig: go.Figure | None, title: str, f: flt.Filters, height: int | None) -> go.Figure | None:
    """The figure in the page's style, its document text escaped (a cached one is never changed again)."""
    if fig is not None:
        subtitle = t(flt.describe(f, store.doc_titles()))
        escape_figure(translate_figure(style(fig, title, subtitle, briefing(), height=height), language()))
    return fig


def _queue_selection(event, dimension: str, key: str) -> None:
    points = (
        (event or {}).get("selection", {}).get("points", [])
        if isinstance(event, dict)
        else getattr(getattr(event, "selection", None), "points", []) or []
    )
    values = []
    for point in points:
        custom = point.get("customdata") if isinstance(point, dict) else None
        value = custom[0] if isinstance(custom, (list, tuple)) and custom else custom
        if value is None and isinstance(point, dict) and point.get("parent") == TREEMAP_ROOT:
            value = point.get("id")  # treemap clicks carry no customdata; a top-level box's id is its label
        if isinstance(value, str) and value:
            values.append(unescape_chart_value(value))
    signature = "|".join(values)
    if not values:
        st.session_state.pop(APPLIED_PREFIX + key, None)  # deselected: the same mark may be clicked again
    elif st.session_state.get(APPLIED_PREFIX + key) != signature:
        st.session_state[APPLIED_PREFIX + key] = signature
        st.session_state.setdefault(PENDING_KEY, []).extend((dimension, v) for v in values)
        st.rerun()
