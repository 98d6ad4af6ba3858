"""数据表: the four tables of the build, with the build report, as a first look at the data."""
import streamlit as st

from lib.store import TablesMissing, load_report, load_tables

TABLE_LABELS = {"documents": "文件", "measures": "措施", "targets": "目标与参数", "agencies": "机构"}

st.title("天津科技政策看板 · 数据表")
try:
    tables = load_tables()
except TablesMissing as exc:
    st.warning(str(exc))
    st.stop()

columns = st.columns(len(TABLE_LABELS))
for column, (name, label) in zip(columns, TABLE_LABELS.items()):
    column.metric(label, f"{len(tables[name]):,}")

for tab, (name, label) in zip(st.tabs(list(TABLE_LABELS.values())), TABLE_LABELS.items()):
    with tab:
        frame = tables[name].drop(columns=["text"]) if name == "documents" else tables[name]
        st.dataframe(frame, hide_index=True, width="stretch")

with st.expander("构建报告（每个输入文件的状态与提示）"):
    report = load_report()
    st.dataframe(report["inputs"], hide_index=True, width="stretch")
