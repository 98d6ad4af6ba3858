"""主题: which themes each document (or year) takes up, the measures behind a theme, industries,
policy instruments and the vocabulary of the current selection."""

import streamlit as st

from lib import ui
from lib.charts import themes as charts
from lib.charts.overview import label_bars
from lib.query import store, textstats, views
from lib.query import themes as theme_tables
from lib.query.filters import describe
from lib.query.steps import themes as steps
from lib.query.textview import escape_markdown

MATRIX_KEY = "themes_matrix_by"
SECTION_KEY = "themes_section"
# One section at a time (tabs that rerun), as on 政策演进: at 10,000 documents plotly.js took ~6.7 s to draw
# the page's five charts in Chromium (2.9× a one-chart page); a section is one or two.
SECTIONS = ["主题矩阵", "主题与措施", "产业与政策工具", "关键词", "措施明细"]
TAG_NOTE = (
    "标签怎样产生：把每条措施切成分句，只读有动作的分句（部门名单、目的与修辞、咨询事项名单不计），"
    "按 data/taxonomy.yaml 的规则标注；每个标签都保留给出它的原文分句（悬停方块或见“措施明细”）。"
)


@st.cache_data(show_spinner=False, max_entries=32)
def cloud_png(freqs: tuple[tuple[str, int], ...]) -> bytes | None:
    """The word cloud of a selection, drawn once per distinct set of frequencies (~0.5 s each)."""
    return textstats.wordcloud_png(dict(freqs))


f, view = ui.page_header(
    "主题",
    "各文件、各年份关注哪些主题，主题下有哪些措施，涉及哪些产业和政策工具。"
    "点击矩阵中的方块、产业或政策工具的条形即可筛选。",
)
measures = view["measures"]
st.caption(ui.t(TAG_NOTE))
with st.expander(ui.t("标注规则")):
    st.code(theme_tables.tag_rules_text(), language="yaml", wrap_lines=True)
counted = steps.facts(f)
for column, (label, value) in zip(st.columns(len(counted)), counted.items()):
    column.metric(ui.t(label), value)

brief = ui.briefing()
sections = SECTIONS[:-1] if brief else SECTIONS  # briefing mode has no table
tabs = st.tabs([ui.t(section) for section in sections], key=SECTION_KEY, on_change="rerun")

with tabs[0]:
    if tabs[0].open:
        # 1. Theme × document / year grid
        by = steps.MATRIX_BY
        if not brief:
            by = (
                st.segmented_control(
                    ui.t("矩阵的列"),
                    list(theme_tables.MATRIX_BY),
                    format_func=lambda v: ui.t(theme_tables.MATRIX_BY[v]),
                    default=steps.MATRIX_BY,
                    required=True,
                    key=MATRIX_KEY,
                    label_visibility="collapsed",
                )
                or steps.MATRIX_BY
            )
        cells, n_docs = steps.theme_matrix(f, by)
        per = "文件" if by == "document" else "年份"
        ui.chart(
            charts.matrix(cells, "文件（按发文年份排列）" if by == "document" else "年份"),
            f"themes_matrix_{by}",
            title=f"各{per}涉及的主题（方块大小与颜色：措施数）",
            empty="当前筛选下没有带主题标签的措施。请放宽筛选条件。",
            filename=f"主题_主题x{per}",
            select="themes",
            height=charts.matrix_height(cells),
        )
        if by == "document" and n_docs > views.MAX_DOCUMENT_COLUMNS:
            st.caption(
                ui.t(
                    f"共 {n_docs} 份文件有带主题的措施，图中只列出措施最多的 {views.MAX_DOCUMENT_COLUMNS} 份；"
                    "按区域、文件或年份筛选可看到其余文件，或切换为“主题 × 年份”。"
                )
            )

with tabs[1]:
    if tabs[1].open:
        # 2. Theme → measures
        tree = steps.theme_tree(f)
        ui.chart(
            charts.treemap(tree),
            "themes_treemap",
            title="主题与措施（面积：措施数）",
            empty="当前筛选下没有带主题标签的措施。",
            filename="主题_主题与措施",
            height=560,
        )
        if not tree.empty:
            st.caption(
                ui.t(
                    "一条措施可属多个主题，因此各主题之和大于措施数。点击主题方块展开其措施标题（最多显示 "
                    f"{theme_tables.LEAVES_PER_THEME} 条，最贴近该主题的在前），点击上方路径返回。"
                )
            )

with tabs[2]:
    if tabs[2].open:
        # 3. Industries and policy instruments
        industries, instruments = steps.industries_and_instruments(f)
        left, right = st.columns(2)
        with left:
            ui.chart(
                label_bars(industries, "措施数"),
                "themes_industries",
                title="涉及的产业领域",
                empty="当前筛选下的措施没有提到具体产业。",
                filename="主题_产业",
                select="industries",
                height=540,
            )
        with right:
            ui.chart(
                charts.instrument_bars(instruments),
                "themes_instruments",
                title="政策工具：供给型、环境型、需求型",
                empty="当前筛选下的措施没有可识别的政策工具。",
                filename="主题_政策工具",
                select="instruments",
                height=540,
            )

with tabs[3]:
    if tabs[3].open:
        # 4. Vocabulary of the selection
        freqs, common = steps.keywords(f)
        left, right = st.columns(2)
        with left:
            png = cloud_png(tuple(sorted(freqs.items())))
            if png is None:
                st.info(ui.t("**关键词词云**：当前筛选下的措施没有关键词。"))
            else:
                st.markdown(f"**{ui.t('关键词词云')}**")
                st.caption(
                    ui.t(escape_markdown(describe(f, store.doc_titles())))
                    + ui.t(f"。字号：含该词的措施数；略去出现在三分之一以上措施中的通用词（{'、'.join(common)}）。")
                )
                st.image(png, width="stretch", alt=ui.t("当前筛选下措施关键词的词云"))
        with right:
            ui.chart(
                charts.keyword_bars(textstats.top_keywords(freqs, 20)),
                "themes_keywords",
                title="高频关键词（前 20）",
                empty="当前筛选下的措施没有关键词。",
                filename="主题_高频关键词",
                height=560,
            )

if not brief:
    with tabs[4]:
        if tabs[4].open:
            # 5. The measures behind the selection
            table = steps.measure_rows(f)
            st.subheader(ui.t(f"措施明细（{len(measures)}）"))
            if table.empty:
                st.info(ui.t("当前筛选下没有措施。请放宽筛选条件，或在左侧“清除筛选”。"))
            else:
                st.caption(
                    ui.rows_shown_note(len(measures))
                    + ui.t(
                        "标注依据：“主题·成果转化←科技成果转化”表示因原文出现“科技成果转化”而标为该主题；依据原文：给出该标签的原文分句。"
                    )
                )
                st.dataframe(
                    ui.table(table),
                    hide_index=True,
                    width="stretch",
                    column_config={
                        ui.t("年份"): st.column_config.NumberColumn(format="%d", width="small"),
                        ui.t("位置"): st.column_config.TextColumn(width="small"),
                        **ui.link_columns(),
                    },
                )
            ui.correct_rows("measures", measures, "themes_correct")  # 修正与审核 (issue #18)

ui.page_footer("主题")
