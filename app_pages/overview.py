"""总览: headline counts, the documents on a timeline, top themes and bodies, data quality."""

import streamlit as st

from lib import ui
from lib.charts import overview as charts
from lib.query import views
from lib.query.steps import overview as steps

f, _ = ui.page_header("总览", "天津市科技政策文件中的措施、量化目标与责任机构。点击图中的条形或文件即可筛选。")
for column, (label, value) in zip(st.columns(6), steps.headline(f).items()):
    column.metric(ui.t(label), value)

rows = steps.timeline_rows(f)
ui.chart(
    lambda: charts.timeline(rows),  # built once per filters and shared by every session
    "overview_timeline",
    title=charts.timeline_title(rows),
    empty="当前筛选下没有文件。请放宽年份或文件筛选。",
    filename="总览_文件时间线",
    select="doc_ids",
    height=380,
)
if (note := charts.timeline_note(rows)) and not ui.briefing():
    st.caption(ui.t(note))

left, right = st.columns(2)
with left:
    ui.chart(
        lambda: charts.label_bars(steps.top_labels(f, "themes"), "措施数"),
        "overview_themes",
        title="措施最多的主题",
        empty="当前筛选下没有带主题标签的措施。",
        filename="总览_主题",
        select="themes",
    )
with right:
    ui.chart(
        lambda: charts.body_bars(steps.top_bodies(f), "措施数"),
        "overview_agencies",
        title="承担措施最多的机构",
        empty="当前筛选下没有可归属到机构的措施。",
        filename="总览_机构",
        select="agencies",
    )

if not ui.briefing():
    st.subheader(ui.t("数据质量"))
    st.caption(ui.t("遮盖的数值不做猜测；推断的日期注明依据；原文缺失、略去或截断的部分单独列出。"))
    facts = steps.quality(f)
    if note := ui.rows_shown_note(len(facts), exported=False):
        st.caption(note)
    st.dataframe(**ui.fitted_table(facts.head(views.TABLE_MAX_ROWS)), hide_index=True, width="stretch")

ui.page_footer("总览")
