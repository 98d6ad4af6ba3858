"""A page's frame: the loading placeholder, the title with every active filter as a removable chip, and notes
over long tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib.charts import SOURCE_LINE, loading_figure
from lib.config import HOME
from lib.query import filters as flt
from lib.query import store, views
from lib.query.textview import escape_markdown
from lib.ui.i18n import CHINESE_CSS, ENGLISH, translate_frame
from lib.ui.state import (
    URL_NOTES_KEY,
    _remove_value,
    _reset,
    briefing,
    clear_filters,
    current_filters,
    include_all_places,
    language,
    t,
)


def loading_placeholder() -> DeltaGenerator:
    """A placeholder chart saying the data is being read; empty it once the page can draw. For a session's
    first run: a new browser tab fetches and evaluates plotly.js (4.7 MB, ~1 s on a 2-core VM) only when its
    first chart arrives, and this lets that happen while the server reads instead of after."""
    slot = st.empty()
    slot.plotly_chart(loading_figure(t("正在读取数据…")), config={"staticPlot": True}, key="loading_placeholder")
    return slot


def page_header(title: str, intro: str, count_places: bool = True) -> tuple[flt.Filters, store.View]:
    """Title, the active filters as removable chips, and the filtered tables of this run. `count_places`:
    say how many documents of other places are left out (not on a page that sets the places itself)."""
    f = current_filters()
    st.title(t(title))
    intro = t(intro)
    if briefing():
        st.caption(t(f"筛选：{escape_markdown(flt.describe(f, store.doc_titles()))}　｜　{SOURCE_LINE}"))
    else:
        st.caption(intro)
        for note in st.session_state.pop(URL_NOTES_KEY, []):
            st.caption(f":material/info: {t(escape_markdown(note))}")
        filter_chips(f)
    if count_places:
        places_note(f)
    return f, store.filtered(f)


def places_note(f: flt.Filters) -> None:
    """Under the title: how many documents of other places are loaded but not counted, and how to count them."""
    note = flt.places_left_out_note(store.places_left_out(f))
    if not note:
        return
    if briefing():
        st.caption(f":material/info: {t(escape_markdown(note))}")
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption(f":material/info: {t(escape_markdown(note))}")
        st.button(t("纳入全部地区"), key="include_all_places", on_click=include_all_places, type="tertiary")


def filter_chips(f: flt.Filters) -> None:
    """Every active filter as a removable chip; a dimension's second value reads "或 …" (a view holds measures
    with any of a dimension's values and every other filter), so a second click on a chart says it widens."""
    chips = active_chips(f, store.doc_titles())
    if not chips:
        return
    with st.container(horizontal=True, gap="small"):
        for key, label, remove in chips:
            st.button(f"✕ {t(escape_markdown(label))}", key=f"chip_{key}", on_click=remove[0], args=remove[1:])
        if len(chips) > 1:
            st.button(t("清除全部"), key="chip_clear_all", on_click=clear_filters, type="tertiary")


def active_chips(f: flt.Filters, titles: dict[str, str]) -> list[tuple[str, str, tuple]]:
    """(key, label, (callback, *args)) of every active filter, in the sidebar's order."""
    chips: list[tuple[str, str, tuple]] = []
    for dim, (_, label, _) in flt.DIMENSIONS.items():
        for n, value in enumerate(getattr(f, dim)):
            name = titles.get(value, value) if dim == "doc_ids" else value
            name = name if len(name) <= 16 else name[:15] + "…"
            chips.append(
                (f"{dim}_{value}", f"{label}：{name}" if n == 0 else f"或 {name}", (_remove_value, dim, value))
            )
    if f.years is not None:
        chips.append(("years", f"年份：{flt.year_range_text(f.years)}", (_reset, "years")))
    if f.kinds != flt.ACTIONABLE_KINDS:
        chips.append(("kinds", "类型：" + "、".join(flt.KIND_LABELS.get(k, k) for k in f.kinds), (_reset, "kinds")))
    if f.search:
        chips.append(("search", flt.search_text(f.search), (_reset, "search")))
    if f.jurisdictions != (HOME,):
        for n, place in enumerate(f.jurisdictions):
            label = f"{flt.JURISDICTION_LABEL}：{place}" if n == 0 else f"或 {place}"
            chips.append((f"jurisdictions_{place}", label, (_remove_value, "jurisdictions", place)))
    if f.reviewed:
        chips.append(("reviewed", flt.REVIEWED_LABEL, (_reset, "reviewed")))
    return chips


def rows_shown_note(total: int, exported: bool = True) -> str:
    """The note over a table of `total` rows cut at views.TABLE_MAX_ROWS ('' when every row is shown);
    `exported`: the page's Excel/CSV export holds every row."""
    if total <= views.TABLE_MAX_ROWS:
        return ""
    rest = "全部内容见页尾的 Excel/CSV 导出。" if exported else "缩小筛选范围可看到其余各行。"
    return t(f"下表列出前 {views.TABLE_MAX_ROWS} 条（共 {total} 条），{rest}")


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for st.dataframe in the interface language (headers and labels; document text as written)."""
    return translate_frame(frame, language())


def streamlit_in_chinese() -> None:
    """In the Chinese interface, Streamlit's own English words (upload widget, chart toolbar) in Chinese; the CSS
    is ours, never document text (st.html with only a style block takes no room on the page)."""
    if language() != ENGLISH:
        st.html(CHINESE_CSS)
