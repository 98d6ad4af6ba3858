"""Streamlit widgets shared by every page: the filter sidebar, its URL state, chart rendering with
click-to-filter, empty states and briefing mode. (lib/store.py reads data; this module draws.)

Session-state keys are the constants below and are written only here.
"""
from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import deck
from lib import export
from lib import filters as flt
from lib import search, store, views
from lib.i18n import translate
from lib.textview import escape_figure, escape_markdown, unescape_chart_value
from lib.charts import SOURCE_LINE, download_config, loading_figure, style

KEY = {dim: f"filter_{dim}" for dim in flt.DIMENSIONS} | {
    "years": "filter_years", "kinds": "filter_kinds", "search": "filter_search",
}
BRIEFING_KEY = "briefing_mode"
LANG_KEY = "language"
PENDING_KEY = "pending_selections"  # chart clicks waiting to be applied before the widgets are drawn
APPLIED_PREFIX = "applied_selection_"
INITIALISED_KEY = "filters_initialised"
TREEMAP_ROOT = "全部"  # the root label of our treemaps (lib/charts/themes.py)
FIGURES_KEY = "figures_this_run"  # (title, figure) of the charts drawn in this run, for the briefing deck
SPAN_KEY = "year_span_seen"  # the tables' years when the slider was last drawn: "every year" follows new data
URL_NOTES_KEY = "url_adjustments"  # what the URL asked for that could not be shown as asked


def _state_from_filters(f: flt.Filters) -> dict:
    state = {KEY[dim]: list(getattr(f, dim)) for dim in flt.DIMENSIONS}
    state.update({KEY["years"]: f.years, KEY["kinds"]: list(f.kinds), KEY["search"]: f.search})
    return state


def init_state() -> bool:
    """First run of a session: language and briefing mode from the URL. Every run: apply chart clicks of the
    last run. Returns whether this is the session's first run (the filters are read by restore_filters)."""
    st.session_state[FIGURES_KEY] = []
    new_session = not st.session_state.get(INITIALISED_KEY)
    if new_session:
        params = st.query_params.to_dict()
        st.session_state[BRIEFING_KEY] = params.get("brief") == "1"
        st.session_state[LANG_KEY] = "English" if params.get("lang") == "en" else "中文"
    # Re-assigning detaches the values from their widgets, so filters survive runs where the sidebar
    # is not drawn (briefing mode) instead of being dropped with the unrendered widgets.
    for key in (*KEY.values(), BRIEFING_KEY, LANG_KEY):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    for dimension, value in st.session_state.pop(PENDING_KEY, []):
        current = list(st.session_state.get(KEY[dimension], []))
        if value not in current:
            st.session_state[KEY[dimension]] = [*current, value]
    return new_session


def restore_filters(tables: dict) -> None:
    """A session's first run, once the tables are read: the filters from the URL, checked against the data
    (unknown values dropped, years clamped, long values cut); what was adjusted is said under the title."""
    if st.session_state.get(INITIALISED_KEY):
        return
    f, notes = flt.parse_query(st.query_params.to_dict(), store.year_span(), _known_values(tables))
    for key, value in _state_from_filters(f).items():
        st.session_state[key] = value
    st.session_state[URL_NOTES_KEY] = notes
    st.session_state[INITIALISED_KEY] = True


def _known_values(tables: dict) -> dict[str, set[str]]:
    """The values each filter dimension can take in these tables (a URL's others are dropped)."""
    offered = store.filter_options()
    known = {dim: set(offered[column]) for dim, (_, _, column) in flt.DIMENSIONS.items() if column in offered}
    known["instruments"] |= {i.split("·")[0] for i in known.get("instruments", ())}  # a whole type: 供给型
    known["doc_ids"] = set(tables["documents"].doc_id)
    return known


def loading_placeholder() -> DeltaGenerator:
    """A placeholder chart saying the data is being read; empty it once the page can draw. For a session's
    first run: a new browser tab fetches and evaluates plotly.js (4.7 MB, ~1 s on a 2-core VM) only when its
    first chart arrives, and this lets that happen while the server reads instead of after."""
    slot = st.empty()
    slot.plotly_chart(loading_figure(t("正在读取数据…")), config={"staticPlot": True}, key="loading_placeholder")
    return slot


def current_filters() -> flt.Filters:
    """The filters of this run (defaults when a page runs alone, e.g. under AppTest.from_file)."""
    s = st.session_state
    if not s.get(INITIALISED_KEY):
        return flt.from_query(st.query_params.to_dict(), store.year_span())
    years = s.get(KEY["years"])
    return flt.Filters(
        **{dim: tuple(s.get(KEY[dim], ())) for dim in flt.DIMENSIONS},
        years=flt.years_filter(years, store.year_span()) if years is not None else None,
        kinds=tuple(s.get(KEY["kinds"]) or flt.ACTIONABLE_KINDS),
        search=str(s.get(KEY["search"], "")).strip(),
    )


def clear_filters() -> None:
    """Callback of 清除筛选."""
    for key, value in _state_from_filters(flt.Filters()).items():
        st.session_state[key] = value


MANAGED_QUERY_KEYS = {key for key, _, _ in flt.DIMENSIONS.values()} | {"y", "k", "q", "brief", "lang"}


def sync_url() -> None:
    """Keep the address bar equal to the filters, so a copied URL reproduces the view. Keys the
    filters do not manage (the reader's m=<measure>) are kept."""
    current = st.query_params.to_dict()
    query = {k: v for k, v in current.items() if k not in MANAGED_QUERY_KEYS}
    query |= flt.to_query(current_filters())
    if st.session_state.get(BRIEFING_KEY):
        query["brief"] = "1"
    if st.session_state.get(LANG_KEY) == "English":
        query["lang"] = "en"
    if current != query:
        st.query_params.from_dict(query)


def sidebar(tables: dict) -> None:
    """The shared filter panel: every dimension, year range, kinds, search, counts and 清除筛选."""
    documents = tables["documents"]
    offered = store.filter_options()

    def options(column: str) -> list[str]:
        return offered[column]

    titles = store.doc_titles()
    with st.sidebar:
        st.toggle(t("简报模式"), key=BRIEFING_KEY, help=t("隐藏控件、放大字体、16:9 图表，便于截图放入幻灯片"))
        st.radio("语言 / Language", ["中文", "English"], key=LANG_KEY, horizontal=True)
        st.text_input(t("全文检索"), key=KEY["search"], placeholder=t("如：揭榜挂帅、概念验证"), max_chars=search.MAX_QUERY,
                      help=t("按词检索：检索词切分为词语，措施须同时包含每个词语"))
        st.multiselect(t("区域"), options("districts"), key=KEY["districts"], placeholder=t("全部区域"))
        st.multiselect(t("主题"), options("themes"), key=KEY["themes"], placeholder=t("全部主题"))
        st.multiselect(t("产业"), options("industries"), key=KEY["industries"], placeholder=t("全部产业"))
        instruments = sorted({i.split("·")[0] for i in options("instruments")}) + options("instruments")
        st.multiselect(t("政策工具"), instruments, key=KEY["instruments"], placeholder=t("全部工具"))
        st.multiselect(t("机构"), options("agencies"), key=KEY["agencies"], placeholder=t("全部机构"))
        st.multiselect(t("文件"), list(documents[["year", "doc_id"]].sort_values("year").doc_id), key=KEY["doc_ids"], placeholder=t("全部文件"),
                       format_func=lambda d: titles.get(d, d))
        year_slider(store.year_span())
        st.multiselect(t("措施类型"), list(flt.ALL_KINDS), key=KEY["kinds"], format_func=flt.KIND_LABELS.get, placeholder=t("默认：可执行类"),
                       help=t("默认只看可执行的措施（不含原则与背景目标段落）"))
        view = store.filtered(current_filters())
        st.caption(f"通过筛选：**{len(view['measures'])}** 条措施、**{len(view['targets'])}** 个目标/参数、"
                   f"**{len(view['documents'])}** 份文件")
        st.button(t("清除筛选"), on_click=clear_filters, width="stretch")


def year_slider(span: tuple[int, int] | None) -> None:
    """The year range, its ends the tables' first and last year. "Every year" (the whole span) follows the data:
    after a document of a new year is added, it is counted without touching the slider."""
    s = st.session_state
    if span is None or span[0] == span[1]:
        s.pop(KEY["years"], None)
        st.caption(t("年份") + ("：数据中的文件均无年份" if span is None else f"：{span[0]}（数据只含这一年）"))
        return
    s[KEY["years"]] = flt.follow_span(s.get(KEY["years"]), s.get(SPAN_KEY), span)
    s[SPAN_KEY] = span
    st.slider(t("年份"), span[0], span[1], key=KEY["years"])


def t(label: str) -> str:
    """An interface label in the language chosen in the sidebar."""
    return translate(label, st.session_state.get(LANG_KEY, "中文"))


def briefing() -> bool:
    return bool(st.session_state.get(BRIEFING_KEY))


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


def page_header(title: str, intro: str) -> tuple[flt.Filters, dict]:
    """Title, the active filters as removable chips, and the filtered tables of this run."""
    f = current_filters()
    st.title(t(title))
    intro = t(intro)
    if briefing():
        st.caption(f"筛选：{escape_markdown(flt.describe(f, store.doc_titles()))}　｜　{SOURCE_LINE}")
    else:
        st.caption(intro)
        for note in st.session_state.pop(URL_NOTES_KEY, []):
            st.caption(f":material/info: {escape_markdown(note)}")
        filter_chips(f)
    return f, store.filtered(f)


def filter_chips(f: flt.Filters) -> None:
    """Every active filter as a removable chip; a dimension's second value reads "或 …" (a view holds measures
    with any of a dimension's values and every other filter), so a second click on a chart says it widens."""
    chips = active_chips(f, store.doc_titles())
    if not chips:
        return
    with st.container(horizontal=True, gap="small"):
        for key, label, remove in chips:
            st.button(f"✕ {escape_markdown(label)}", key=f"chip_{key}", on_click=remove[0], args=remove[1:])
        if len(chips) > 1:
            st.button(t("清除全部"), key="chip_clear_all", on_click=clear_filters, type="tertiary")


def active_chips(f: flt.Filters, titles: dict[str, str]) -> list[tuple[str, str, tuple]]:
    """(key, label, (callback, *args)) of every active filter, in the sidebar's order."""
    chips = []
    for dim, (_, label, _) in flt.DIMENSIONS.items():
        for n, value in enumerate(getattr(f, dim)):
            name = titles.get(value, value) if dim == "doc_ids" else value
            name = name if len(name) <= 16 else name[:15] + "…"
            chips.append((f"{dim}_{value}", f"{label}：{name}" if n == 0 else f"或 {name}", (_remove_value, dim, value)))
    if f.years is not None:
        chips.append(("years", f"年份：{flt.year_range_text(f.years)}", (_reset, "years")))
    if f.kinds != flt.ACTIONABLE_KINDS:
        chips.append(("kinds", "类型：" + "、".join(flt.KIND_LABELS.get(k, k) for k in f.kinds), (_reset, "kinds")))
    if f.search:
        chips.append(("search", flt.search_text(f.search), (_reset, "search")))
    return chips


def search_from(key: str) -> None:
    """Callback of a page's own search box: it sets the one search every page applies."""
    st.session_state[KEY["search"]] = str(st.session_state.get(key, "")).strip()


def _remove_value(dimension: str, value: str) -> None:
    st.session_state[KEY[dimension]] = [v for v in st.session_state.get(KEY[dimension], []) if v != value]


def _reset(field: str) -> None:
    st.session_state[KEY[field]] = _state_from_filters(flt.Filters())[KEY[field]]


def chart(fig: go.Figure | None, key: str, *, title: str, empty: str, filename: str,
          select: str | None = None, height: int | None = None) -> None:
    """Draw one chart in the page's style, or an explanation when the filters leave nothing.
    With `select`, a click on a mark adds its customdata[0] to that filter dimension."""
    title = t(title)
    if fig is None:
        st.info(f"**{title}**：{empty}")
        return
    f = current_filters()
    escape_figure(style(fig, title, flt.describe(f, store.doc_titles()), briefing(), height=height))
    st.session_state.setdefault(FIGURES_KEY, []).append((title, fig))
    event = st.plotly_chart(fig, key=key, on_select="rerun" if select else "ignore",
                            selection_mode=("points",) if select else ("points", "box", "lasso"),
                            config=download_config(filename), width="stretch")
    if select:
        _queue_selection(event, select, key)


def _queue_selection(event, dimension: str, key: str) -> None:
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", []) or []
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



def rows_shown_note(total: int, exported: bool = True) -> str:
    """The note over a table of `total` rows cut at views.TABLE_MAX_ROWS ('' when every row is shown);
    `exported`: the page's Excel/CSV export holds every row."""
    if total <= views.TABLE_MAX_ROWS:
        return ""
    rest = "全部内容见页尾的 Excel/CSV 导出。" if exported else "缩小筛选范围可看到其余各行。"
    return f"下表列出前 {views.TABLE_MAX_ROWS} 条（共 {total} 条），{rest}"


def _untitled(figures: list[tuple[str, go.Figure]]) -> list[tuple[str, go.Figure]]:
    """Copies of the page's figures without their title (a slide has its own). Copying a figure validates
    every trace again, seconds for a large treemap, hence only when the deck is asked for."""
    return [(title, go.Figure(fig).update_layout(title=None)) for title, fig in figures]


def page_footer(page: str) -> None:
    """Exports of this page: the filtered tables (Excel, CSV with BOM) and a deck of its charts.
    Files are produced only when a button is clicked (deferred download data)."""
    if briefing():
        return
    f = current_filters()
    view = store.filtered(f)
    text = flt.describe(f, store.doc_titles())
    stamp = date.today().isoformat()
    measures, targets = view["measures"], view["targets"]

    def full_measures():  # with their texts, taken only when an export is clicked
        return store.with_long_columns(measures, "measures")

    figures = list(st.session_state.get(FIGURES_KEY, []))
    st.divider()
    st.caption(t("导出（按当前筛选）"))
    xlsx, csv_measures, csv_targets, slides = st.columns(4)
    xlsx.download_button("Excel：措施与目标", data=lambda: export.to_xlsx(full_measures(), targets, text, view["documents"]),
                         file_name=f"天津科技政策_{page}_{stamp}.xlsx", key=f"export_xlsx_{page}",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    csv_measures.download_button("CSV：措施", data=lambda: export.to_csv_bom(full_measures(), "measures", view["documents"]),
                                 file_name=f"措施_{page}_{stamp}.csv", mime="text/csv", key=f"export_csv_m_{page}",
                                 on_click="ignore")
    csv_targets.download_button("CSV：目标与参数", data=lambda: export.to_csv_bom(targets, "targets", view["documents"]),
                                file_name=f"目标_{page}_{stamp}.csv", mime="text/csv", key=f"export_csv_t_{page}",
                                on_click="ignore")
    slides.download_button(f"简报 PPTX（本页 {len(figures)} 张图）", data=lambda: deck.deck_pptx(_untitled(figures), text),
                         file_name=f"天津科技政策简报_{page}_{stamp}.pptx", key=f"export_pptx_{page}", disabled=not figures,
                         mime="application/vnd.openxmlformats-officedocument.presentationml.presentation", on_click="ignore")
