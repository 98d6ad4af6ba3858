"""总览: headline counts, the documents on a timeline, top themes and bodies, data quality."""
import streamlit as st

from lib import store, ui, views
from lib.charts import overview as charts

f, view = ui.page_header("总览", "天津市科技政策文件（2018→2025）中的措施、量化目标与责任机构。点击图中的条形或文件即可筛选。")
indexes = store.label_indexes()

for column, (label, value) in zip(st.columns(6), views.headline(view, indexes).items()):
    column.metric(ui.t(label), value)

ui.chart(charts.timeline(views.timeline(view["documents"])), "overview_timeline", title="政策文件时间线（按层级与文种）",
         empty="当前筛选下没有文件。请放宽年份或文件筛选。", filename="总览_文件时间线", select="doc_ids", height=380)

left, right = st.columns(2)
with left:
    ui.chart(charts.label_bars(views.count_labels(view["measures"], "themes", top=10, indexes=indexes), "措施数"), "overview_themes",
             title="措施最多的主题", empty="当前筛选下没有带主题标签的措施。", filename="总览_主题", select="themes")
with right:
    ui.chart(charts.label_bars(views.count_labels(view["measures"], "agencies", top=10, indexes=indexes), "措施数"), "overview_agencies",
             title="承担措施最多的机构", empty="当前筛选下没有写明责任机构的措施。", filename="总览_机构", select="agencies")

if not ui.briefing():
    st.subheader(ui.t("数据质量"))
    st.caption("遮盖的数值不做猜测；推断的日期注明依据；原文缺失、略去或截断的部分单独列出。")
    quality = views.quality(view)
    if note := ui.rows_shown_note(len(quality), exported=False):
        st.caption(note)
    st.dataframe(quality.head(views.TABLE_MAX_ROWS), hide_index=True, width="stretch")

ui.page_footer("总览")
