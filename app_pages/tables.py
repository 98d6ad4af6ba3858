"""数据与导出: the filtered tables as an official reads them, the build report, and the exports."""

import streamlit as st

from lib import ui
from lib.query import permalinks, shown, store, views

EXPORTED = ("measures", "targets")  # what the Excel/CSV buttons below hold
TABLE_LABELS = {"measures": "措施", "targets": "目标与参数", "documents": "文件", "agencies": "机构"}
TABLE_KEY = "tables_shown"
REPORT_KEY = "tables_report_open"
# One table at a time (tabs that rerun) and the report only when opened: at 10,000 documents the four
# tables and the report were 9.8 MB sent to the browser on every visit, and the page took ~3.8 s to settle
# in Chromium instead of ~2 s (bench/README.md).

f, view = ui.page_header(
    "数据与导出", "按当前筛选查看抽取出的数据表；页面底部可下载 Excel、CSV（UTF-8 带 BOM，Excel 可直接打开）和简报。"
)
tables = {**view, "agencies": store.load_tables()["agencies"]}

for column, (name, label) in zip(st.columns(len(TABLE_LABELS)), TABLE_LABELS.items()):
    column.metric(ui.t(label), f"{len(tables[name]):,}")

tabs = st.tabs([ui.t(label) for label in TABLE_LABELS.values()], key=TABLE_KEY, on_change="rerun")
for tab, (name, label) in zip(tabs, TABLE_LABELS.items()):
    with tab:
        if not tab.open:
            continue
        frame = tables[name]
        if frame.empty:
            st.info(ui.t(f"当前筛选下没有{label}。请放宽筛选条件。"))
            continue
        if note := ui.rows_shown_note(len(frame), exported=name in EXPORTED):
            st.caption(note)
        first = frame.head(views.TABLE_MAX_ROWS)
        if name == "measures":  # with their texts; a document's full text is left to the reader (原文)
            table = shown.measures_shown(store.with_long_columns(first, name), tables["documents"])
        elif name == "targets":
            table = shown.targets_shown(first, store.load_tables()["measures"], tables["documents"])
        else:
            table = shown.documents_shown(first) if name == "documents" else shown.agencies_shown(first)
        if name in EXPORTED:  # each row's permalink first (the shown tables keep the rows' order)
            table.insert(
                0, permalinks.LINK_COLUMN, permalinks.with_links(first, name)[permalinks.LINK_COLUMN].to_numpy()
            )
        st.dataframe(ui.table(table), hide_index=True, width="stretch", column_config=ui.link_columns())
if not ui.briefing():
    st.caption(
        ui.t(
            "页面上的表只列出阅读所需的列（文件按标题、措施按层级编号）；"
            "Excel/CSV 导出保留数据表的全部列（含文件编号、措施编号，便于表间对应），表头为中文。"
        )
    )

ui.correct_rows("measures", view["measures"], "tables_measures")  # 修正与审核 (issue #18)
ui.correct_rows("targets", view["targets"], "tables_targets")
report_box = st.expander(ui.t("构建报告（每个输入文件的状态与提示）"), key=REPORT_KEY, on_change="rerun")
with report_box:
    if report_box.open:
        report = store.load_report()
        st.caption(ui.t(f"流水线版本 {report['pipeline_version']}"))
        st.dataframe(ui.table(shown.report_shown(report["inputs"])), hide_index=True, width="stretch")

ui.page_footer("数据与导出")
