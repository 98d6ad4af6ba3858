"""The shared filter panel every page draws on: dimensions, years, kinds, search, counts and 清除筛选; in
briefing mode only the switch back."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from lib.query import filters as flt
from lib.query import search, store
from lib.ui.state import BRIEFING_KEY, KEY, LANG_KEY, SPAN_KEY, clear_filters, current_filters, t


def sidebar(tables: dict) -> None:
    """The shared filter panel: every dimension, year range, kinds, search, counts and 清除筛选."""
    documents = tables["documents"]
    offered = store.filter_options()

    def options(column: str) -> list[str]:
        return offered[column]

    titles = store.doc_titles()
    with st.sidebar:
        st.toggle(t("简报模式"), key=BRIEFING_KEY, help=t("隐藏控件、放大字体、16:9 图表，便于截图放入幻灯片"))
        # Each language named in itself, so a reader of either finds the switch.
        st.radio(t("语言"), ["中文", "English"], key=LANG_KEY, horizontal=True)
        st.text_input(
            t("全文检索"),
            key=KEY["search"],
            placeholder=t("如：揭榜挂帅、概念验证"),
            max_chars=search.MAX_QUERY,
            help=t("按词检索：检索词切分为词语，措施须同时包含每个词语"),
        )
        st.multiselect(
            t("地区"),
            store.place_options(),
            key=KEY["jurisdictions"],
            format_func=t,  # 全部地区 is ours; the places are data and stay as written
            placeholder=t("默认：天津市（含各区）"),
            help=t("文件所属地区：默认只看天津市及各区的文件；选“全部地区”纳入已导入的其他地区文件"),
        )
        st.multiselect(t("区域"), options("districts"), key=KEY["districts"], placeholder=t("全部区域"))
        st.multiselect(t("主题"), options("themes"), key=KEY["themes"], placeholder=t("全部主题"))
        st.multiselect(t("产业"), options("industries"), key=KEY["industries"], placeholder=t("全部产业"))
        instruments = sorted({i.split("·")[0] for i in options("instruments")}) + options("instruments")
        st.multiselect(t("政策工具"), instruments, key=KEY["instruments"], placeholder=t("全部工具"))
        st.multiselect(t("机构"), options("agencies"), key=KEY["agencies"], placeholder=t("全部机构"))
        document_filter(documents, titles)
        year_slider(store.year_span())
        st.multiselect(
            t("措施类型"),
            list(flt.ALL_KINDS),
            key=KEY["kinds"],
            format_func=lambda kind: t(flt.KIND_LABELS.get(kind) or kind),
            placeholder=t("默认：可执行类"),
            help=t("默认只看可执行的措施（不含原则与背景目标段落）"),
        )
        st.toggle(
            t(flt.REVIEWED_LABEL), key=KEY["reviewed"], help=t("图表只计入编辑已审核或修正的措施与目标（审核页）")
        )
        view = store.filtered(current_filters())
        st.caption(
            t(
                f"通过筛选：**{view.count('measures')}** 条措施、**{view.count('targets')}** 个目标/参数、"
                f"**{view.count('documents')}** 份文件"
            )
        )
        st.button(t("清除筛选"), on_click=clear_filters, width="stretch")


DOC_QUERY_KEY = "filter_doc_query"  # the words the 文件 filter's choices are looked up by (not a filter itself)
DOC_MATCHES = 30  # choices offered per lookup: a list of every document was 0.78 MB a session at 10,000


def document_filter(documents: pd.DataFrame, titles: Mapping[str, str]) -> None:
    """文件: a box to look documents up by title, then a choice among the chosen and the matching ones only;
    the browser never receives every title."""
    query = st.text_input(t("查找文件"), key=DOC_QUERY_KEY, placeholder=t("输入标题中的词"), max_chars=search.MAX_QUERY)
    st.multiselect(
        t("文件"),
        document_choices(st.session_state.get(KEY["doc_ids"], []), query, documents, titles),
        key=KEY["doc_ids"],
        placeholder=t("全部文件"),
        format_func=lambda d: titles.get(d, d),
    )


def document_choices(
    chosen: list[str], query: str, documents: pd.DataFrame, titles: Mapping[str, str], limit: int = DOC_MATCHES
) -> list[str]:
    """The chosen documents, then up to `limit` others whose title or id holds every word of `query` (by year)."""
    words = query.split()
    if not words:
        return list(chosen)
    by_year = documents[["year", "doc_id"]].sort_values("year", kind="stable").doc_id
    found = [d for d in by_year if d not in chosen and all(w in titles.get(d, "") or w in d for w in words)]
    return [*chosen, *found[:limit]]


def year_slider(span: tuple[int, int] | None) -> None:
    """The year range, its ends the tables' first and last year. "Every year" (the whole span) follows the data:
    after a document of a new year is added, it is counted without touching the slider."""
    s = st.session_state
    if span is None or span[0] == span[1]:
        s.pop(KEY["years"], None)
        st.caption(t("年份：数据中的文件均无年份") if span is None else t(f"年份：{span[0]}（数据只含这一年）"))
        return
    s[KEY["years"]] = flt.follow_span(s.get(KEY["years"]), s.get(SPAN_KEY), span)
    s[SPAN_KEY] = span
    st.slider(t("年份"), span[0], span[1], key=KEY["years"])


BRIEFING_SWITCH_KEY = "briefing_switch_main"  # the switch back, drawn over the page instead of in a sidebar

# Briefing mode draws nothing in the sidebar, so Streamlit leaves it out (no empty column in screenshots); the
# header stays for the page navigation, without the menu, the run indicator and the deploy button. Columns that
# hold charts stack, so every chart is full width; the content is 1200 px wide, so a 675 px chart is 16:9.
BRIEFING_CSS = """<style>
[data-testid="stMainMenu"], [data-testid="stStatusWidget"], [data-testid="stToolbarActions"],
[data-testid="stDecoration"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
.block-container {padding-top: 3.5rem; max-width: calc(1200px + 6rem); padding-left: 3rem; padding-right: 3rem;}
[data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) {flex-direction: column;}
[data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) > [data-testid="stColumn"] {
  width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important;}
h1 {font-size: 2.6rem !important;}
</style>"""


def _leave_briefing() -> None:
    st.session_state[BRIEFING_KEY] = bool(st.session_state.get(BRIEFING_SWITCH_KEY))


def briefing_style() -> None:
    """Briefing mode: navigation kept, no sidebar, charts full width; the switch back sits over the page.
    The CSS is ours, never document text."""
    st.session_state[BRIEFING_SWITCH_KEY] = True
    with st.container(horizontal=True, horizontal_alignment="right"):
        st.toggle(t("简报模式"), key=BRIEFING_SWITCH_KEY, on_change=_leave_briefing, help=t("关闭后恢复筛选面板"))
    st.markdown(BRIEFING_CSS, unsafe_allow_html=True)
