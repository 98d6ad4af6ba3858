"""部门任务: which bodies carry the measures, with whom, in which documents; one body in detail."""

import streamlit as st

from lib import ui
from lib.charts import agencies as charts
from lib.query import bodies, views
from lib.query.steps import agencies as steps
from lib.query.textview import escape_markdown

f, view = ui.page_header(
    "部门任务",
    "各机构承担的措施：原文写明的责任单位（含牵头），以及未写明时按发文机关计的部分；"
    "机构之间的共同责任；单个机构的措施、目标与合作部门。点击图中的机构即可筛选。",
)
measures, agencies = view["measures"], view["agencies"]
for column, (label, value) in zip(st.columns(5), steps.headline(f).items()):
    column.metric(ui.t(label), value)
include_issuer, by = True, steps.GRID_BY
top = steps.BRIEFING_TOP if ui.briefing() else steps.TOP
if not ui.briefing():
    left, right = st.columns([3, 2])
    include_issuer = left.toggle(
        ui.t("计入未写明责任单位、按发文机关计的措施"),
        value=True,
        help=ui.t("原文没有“责任单位”表述时，由发文机关承担；图中以斜纹浅色段或空心圆标出"),
    )
    by = right.radio(
        ui.t("工作量网格的列"), list(bodies.GRID_BY), format_func=lambda v: ui.t(bodies.GRID_BY[v]), horizontal=True
    )

# 1. Measures per body, lead / named / issuer-fallback
rows = steps.measure_bodies(f)
bars, notes = steps.workload(f, include_issuer, top)
ui.chart(
    charts.workload_bars(bars, notes),
    "agencies_workload",
    title="承担措施最多的机构" + (f"（前 {top}）" if bars.agency.nunique() >= top else ""),
    empty="当前筛选下没有可归属到机构的措施。请放宽筛选，或打开“计入按发文机关计的措施”。",
    filename="部门任务_机构措施数",
    select="agencies",
    height=200 + 26 * bars.agency.nunique(),
)

# 2. Bodies × documents (or years)
grid = steps.workload_grid(f, by, include_issuer, top)
ui.chart(
    charts.workload_grid_figure(grid, by),
    "agencies_grid",
    title=f"机构 × {bodies.GRID_BY[by]}：各机构在哪些{bodies.GRID_BY[by]}中承担措施",
    empty="当前筛选下没有可归属到机构的措施。",
    filename=f"部门任务_机构与{bodies.GRID_BY[by]}",
    select="agencies",
    height=260 + 32 * grid.agency.nunique(),
)
if by == "doc_id" and (n_docs := measures.doc_id.nunique()) > views.MAX_DOCUMENT_COLUMNS:
    st.caption(
        ui.t(
            f"当前筛选下共 {n_docs} 份文件，网格只列出这些机构承担措施最多的 {views.MAX_DOCUMENT_COLUMNS} 份；"
            "按区域、年份或文件筛选可看到其余文件，或将网格的列改为“年份”。"
        )
    )

# 3. Co-responsibility network (written 责任单位 phrases only)
nodes, edges, layout = steps.co_responsibility(f, steps.NETWORK_TOP)
ui.chart(
    charts.network_figure(nodes, edges, layout),
    "agencies_network",
    title=f"共同责任网络：同一条措施中共同列为责任单位的机构（前 {steps.NETWORK_TOP}）",
    empty="当前筛选下没有两个以上机构共同负责的措施（只统计原文写明的责任单位）。",
    filename="部门任务_共同责任网络",
    select="agencies",
    height=640,
)
if not ui.briefing() and not nodes.empty:
    st.caption(
        ui.t(
            "节点大小：原文写明为责任单位的措施数；连线粗细：共同列为责任单位的措施数；颜色：机构层级。布局固定（随机种子 7）。"
        )
    )

# 4. One body in detail
if not ui.briefing():
    st.subheader(ui.t("单个机构"))
    options = bodies.body_options(rows)
    if not options:
        st.info(ui.t("当前筛选下没有可归属到机构的措施，无法查看单个机构。"))
    else:
        body = st.selectbox(
            ui.t("机构"),
            options,
            index=options.index(bodies.default_body(options, f.agencies)),
            help=ui.t("默认：筛选中的第一个机构；未筛选机构时为承担措施最多的机构"),
        )
        own, targets, partners, profile = steps.one_body(f, body)
        cells = st.columns(5)
        cells[0].metric(ui.t("措施"), len(own))
        cells[1].metric(ui.t("牵头"), int((own["角色"] == bodies.ROLE_SHORT["lead"]).sum()))
        cells[2].metric(ui.t("按发文机关计"), int((own["角色"] == bodies.ROLE_SHORT["issuer"]).sum()))
        cells[3].metric(ui.t("目标/参数"), len(targets))
        cells[4].metric(ui.t("合作机构"), len(partners))
        st.caption(escape_markdown(ui.t("　｜　").join(ui.t(f"{label}：{value}") for label, value in profile.items())))
        tab_measures, tab_targets, tab_partners = st.tabs([ui.t("措施"), ui.t("目标/参数"), ui.t("合作机构")])
        with tab_measures:
            if note := ui.rows_shown_note(len(own), exported=False):
                st.caption(note)
            st.dataframe(
                **ui.fitted_table(own.head(views.TABLE_MAX_ROWS), ui.link_columns(), links=("原文",)),
                hide_index=True,
                width="stretch",
            )
        with tab_targets:
            if targets.empty:
                st.info(ui.t("该机构的措施中没有抽取到量化目标或参数。"))
            else:
                if note := ui.rows_shown_note(len(targets), exported=False):
                    st.caption(note)
                st.dataframe(
                    **ui.fitted_table(targets.head(views.TABLE_MAX_ROWS), ui.link_columns("查看原句"), links=("原文",)),
                    hide_index=True,
                    width="stretch",
                )
        with tab_partners:
            if partners.empty:
                st.info(ui.t("当前筛选下，该机构没有与其他机构共同列为责任单位的措施。"))
            else:
                st.dataframe(**ui.fitted_table(partners), hide_index=True, width="stretch")

ui.correct_rows("measures", measures, "agencies_correct")  # 修正与审核 (issue #18)
ui.page_footer("部门任务")
