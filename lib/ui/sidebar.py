"""The shared filter panel every page draws on: dimensions, years, kinds, search, counts and 清除筛选; in
briefing mode only the switch back."""

from __future__ import annotations

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
            flt.place_options(documents),
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
        st.multiselect(
            t("文件"),
            list(documents[["year", "doc_id"]].sort_values("year").doc_id),
            key=KEY["doc_ids"],
            placeholder=t("全部文件"),
            format_func=lambda d: titles.get(d, d),
        )
        year_slider(store.year_span())
        st.multiselect(
            t("措施类型"),
            list(flt.ALL_KINDS),
            key=KEY["kinds"],
            format_func=lambda kind: t(flt.KIND_LABELS.get(kind) or kind),
            placeholder=t("默认：可执行类"),
            help=t("默认只看可执行的措施（不含原则与背景目标段落）"),
        )
        view = store.filtered(current_filters())
        st.caption(
            t(
                f"通过筛选：**{len(view['measures'])}** 条措施、**{len(view['targets'])}** 个目标/参数、"
                f"**{len(view['documents'])}** 份文件"
            )
        )
        st.button(t("清除筛选"), on_click=clear_filters, width="stretch")


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


def briefing_sidebar() -> None:
    """In briefing mode the panel holds only the switch back."""
    with st.sidebar:
        st.toggle(t("简报模式"), key=BRIEFING_KEY, help=t("关闭后恢复筛选面板"))


BRIEFING_CSS = """<style>
[data-testid="stHeader"], [data-testid="stToolbar"] {display: none;}
.block-container {padding-top: 1.2rem; max-width: 1600px;}
h1 {font-size: 2.6rem !important;}
</style>"""


def briefing_style() -> None:
    """Briefing mode: no toolbar, larger title; the CSS is ours, never document text."""
    briefing_sidebar()
    st.markdown(BRIEFING_CSS, unsafe_allow_html=True)
