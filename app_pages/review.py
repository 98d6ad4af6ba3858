"""审核: where to look first (lowest confidence, most charts fed), each document's share reviewed, the
corrections the last build could not apply, and every correction (undo in the dialog, export)."""

import streamlit as st

from lib import curation, ui
from lib.query import review, store
from lib.query.textview import escape_markdown
from lib.ui import signin
from lib.ui.correct import correct_rows

f, view = ui.page_header(
    "审核",
    "自动抽取难免出错：按可信度从低到高、按影响的图表数从多到少列出值得先看的措施与目标。"
    "登录的编辑可在下方修正或标记为已审核；修正记录在 data/corrections.yaml，每次重建后依然有效。",
)
measures, targets, documents = view["measures"], view["targets"], view["documents"]

lost = review.orphans(store.load_report())
if not lost.empty:  # first: a correction that no longer holds must not go unnoticed
    st.error(ui.t(f"{len(lost)} 条修正") + ui.t("在本次构建中找不到对应的条目，未能生效（仍保留在修正记录中）："))
    st.dataframe(ui.table(lost), hide_index=True, width="stretch")
signin.editor()  # the sign-in box, or who is signed in

share = review.reviewed_share(measures, targets, documents)
st.subheader(ui.t("各文件审核进度"))
for column, row in zip(st.columns(min(len(share), 5) or 1), share.head(5).itertuples()):
    column.metric(escape_markdown(str(row.文件)[:14]), ui.t(review.reviewed_text(row.已审核)))
st.dataframe(ui.table(share.drop(columns=["doc_id"])), hide_index=True, width="stretch",
             column_config={ui.t("已审核"): st.column_config.ProgressColumn(ui.t("已审核 %"), min_value=0, max_value=100, format="%d%%")})  # fmt: skip

st.subheader(ui.t("先看这些"))
first = review.queue(measures, targets, dict(zip(documents.doc_id, documents.title)))
if first.empty:
    st.info(ui.t("当前筛选下没有措施或目标。请放宽筛选条件。"))
st.dataframe(ui.table(first.drop(columns=["table", "row_id"])), hide_index=True, width="stretch",
             column_config={ui.t("可信度"): st.column_config.ProgressColumn(ui.t("可信度"), min_value=0, max_value=1, format="%.2f")})  # fmt: skip
ids = set(first.row_id)
correct_rows("measures", measures[measures.measure_id.isin(ids)], "review_measures")
correct_rows("targets", targets[targets.target_id.isin(ids)], "review_targets")

st.subheader(ui.t("全部修正记录"))
kept = curation.load()
st.caption(ui.t(f"共 {len(kept)} 条修正。"))
left, right = st.columns(2)
left.download_button(ui.t("下载修正记录（YAML）"), curation.export_yaml(kept), "corrections.yaml", "application/yaml")
right.download_button(ui.t("下载修正记录（CSV）"), curation.export_csv(kept), "corrections.csv", "text/csv")
