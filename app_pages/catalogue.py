"""文件: the catalogue of documents (文号, issuer, type, level, place, dates, validity, counts), each row
linking to its 原文; filtered by 文种, 层级, 发文机关 and 时效性, sorted by a click on a column's header."""

import datetime as dt

import streamlit as st

from lib import ui
from lib.query import catalogue
from lib.query.steps import catalogue as steps

FACET_KEYS = {column: f"catalogue_facet_{n}" for n, column in enumerate(catalogue.FACETS)}

f, _ = ui.page_header(
    "文件",
    "文件目录：文号、发文机关、文种、层级、地区、日期、有效期与时效性，以及抽取出的措施、目标和责任机构数。"
    "点击表头排序，点击“阅读原文”打开该文件。侧栏的地区、年份和文件筛选对本页生效。",
)
rows = steps.rows(f, dt.date.today().isoformat())
if unapplied := catalogue.unapplied_filters(f):
    st.info(ui.t(catalogue.UNAPPLIED_NOTE).format("、".join(ui.t(label) for label in unapplied)))
options = catalogue.facet_options(rows)
chosen = {
    column: cell.multiselect(
        ui.t(label), options[column], key=FACET_KEYS[column], placeholder=ui.t("全部"), format_func=ui.t
    )
    for cell, (column, label) in zip(st.columns(len(catalogue.FACETS)), catalogue.FACETS.items())
}
shown = catalogue.narrowed(rows, chosen)
st.caption(
    ui.t("共 {shown} / {total} 份文件。").format(shown=len(shown), total=len(rows)) + ui.t(catalogue.VALIDITY_RULE)
)
if shown.empty:
    st.info(ui.t("没有符合这些条件的文件。请减少上方的选择，或放宽侧栏的筛选。"))
else:
    st.dataframe(
        ui.table(shown),
        hide_index=True,
        width="stretch",
        column_config={
            **{ui.t(c): st.column_config.NumberColumn(width="small") for c in catalogue.COUNT_COLUMNS},
            # Fixed widths: the title stays in view (pinned) with its link when a laptop scrolls sideways.
            ui.t("标题"): st.column_config.TextColumn(pinned=True, width=catalogue.TITLE_WIDTH),
            ui.t("成文日期"): st.column_config.TextColumn(width=catalogue.DATE_WIDTH),
            **ui.link_columns("阅读原文", width=catalogue.LINK_WIDTH),
        },
    )

ui.page_footer("文件")
