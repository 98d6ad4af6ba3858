"""目标: quantified targets, support parameters and baselines, each traced to its source sentence."""

import streamlit as st

from lib import ui
from lib.charts import targets as charts
from lib.query import views
from lib.query.steps import targets as steps

f, view = ui.page_header(
    "目标", "文件中的量化目标、支持参数（补助比例、上限、期限）和基线数据。遮盖的数字只显示遮盖位数，不做猜测。"
)
targets, documents = view["targets"], view["documents"]

counts = {label: int((targets.kind == kind).sum()) for kind, label in views.TARGET_KIND_LABELS.items()}
for column, (label, value) in zip(st.columns(5), [*counts.items(), ("其中数值遮盖", int(targets.masked.sum()))]):
    column.metric(ui.t(label), value)

left, right = st.columns(2)
with left:
    ui.chart(
        charts.by_year(steps.targets_by_year(f)),
        "targets_by_year",
        title="量化目标的目标年份",
        empty="当前筛选下没有量化目标。",
        filename="目标_按年份",
    )
with right:
    ui.chart(
        charts.by_unit(targets),
        "targets_by_unit",
        title="量化目标的计量单位",
        empty="当前筛选下没有量化目标。",
        filename="目标_按单位",
    )

link = ui.link_columns("查看原句")
goals, parameters = targets[targets.kind != "parameter"], targets[targets.kind == "parameter"]
if not ui.briefing():
    st.subheader(ui.t(f"目标与基线（{len(goals)}）"))
    if goals.empty:
        st.info(ui.t("当前筛选下没有目标。请放宽筛选条件。"))
    else:
        if note := ui.rows_shown_note(len(goals)):
            st.caption(note)
        rows = steps.target_rows(f, False)
        st.dataframe(**ui.fitted_table(rows, link, links=("原文",)), hide_index=True, width="stretch")
    st.subheader(ui.t(f"支持参数（{len(parameters)}）"))
    st.caption(
        ui.t("补助比例、资金上限、支持年限、奖励金额等政策规则，与发展目标分开列出。")
        + ui.rows_shown_note(len(parameters))
    )
    if parameters.empty:
        st.info(ui.t("当前筛选下没有支持参数。"))
    else:
        rows = steps.target_rows(f, True)
        st.dataframe(**ui.fitted_table(rows, link, links=("原文",)), hide_index=True, width="stretch")

    ui.correct_rows("targets", targets, "targets_correct")  # 修正与审核 (issue #18)

ui.page_footer("目标")
