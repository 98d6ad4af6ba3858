"""导入文档: upload, preview what was extracted, correct the metadata, confirm; or remove an import."""

import hashlib
import logging

import pandas as pd
import streamlit as st

from lib import auth, codes, importer, ui
from lib.query.filters import KIND_LABELS
from lib.query.geo import district_names
from lib.query.textview import escape_markdown
from lib.ui import signin

LEVELS = codes.LEVELS
DOC_TYPES = ["规划", "行动计划", "实施方案", "工作方案", "提案答复", "政府工作报告", "地方性法规", "其他"]
DONE_KEY = "imported_hashes"

f, view = ui.page_header(
    "导入文档",
    "上传 .txt（UTF-8、GB18030、Big5、UTF-16 均可）、.docx、带文字层的 .pdf 或从政府网站保存的 .html。"
    "保存前先预览抽取结果并可修正元数据；确认后文件存入 seeds/ 并重建数据，各页面随即可见。",
)
editor = signin.editor()  # None: read-only, no upload, correction or delete control is drawn
uploads = (
    st.file_uploader(ui.t("选择文件（可多选）"), accept_multiple_files=True, key="import_uploads") if editor else []
)
done = st.session_state.setdefault(DONE_KEY, {})

for upload in uploads or []:
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()
    if digest in done:
        st.success(ui.t("已导入：") + f"{escape_markdown(upload.name)} → seeds/{escape_markdown(done[digest])}")
        continue
    try:
        item = importer.preview(upload.name, raw)
    except importer.ImportRejected as exc:
        st.error(ui.t(escape_markdown(str(exc))))
        continue
    doc, result = item.result.document, item.result
    with st.form(key=f"import_{digest[:16]}"):
        st.subheader(escape_markdown(doc["title"]))
        counts = st.columns(4)
        counts[0].metric(ui.t("措施"), len(result.measures))
        counts[1].metric(ui.t("目标/参数"), len(result.targets))
        counts[2].metric(ui.t("责任机构"), len({a for m in result.measures for a in m["agencies"]}))
        counts[3].metric(ui.t("提示"), len(result.messages))
        for message in result.messages:
            st.caption("⚠ " + ui.t(escape_markdown(message)))
        left, right = st.columns(2)
        title = left.text_input(ui.t("标题"), doc["title"])
        number = right.text_input(ui.t("文号"), doc["doc_number"] or "")
        issuer = left.text_input(ui.t("发文机关"), doc["issuer"] or "")
        level = right.selectbox(
            ui.t("层级"), list(LEVELS), index=list(LEVELS).index(doc["level"]), format_func=lambda v: ui.t(LEVELS[v])
        )
        districts = ["（无）", *district_names()]
        district = left.selectbox(
            ui.t("区"),
            districts,
            index=districts.index(doc["district"]) if doc["district"] in districts else 0,
            format_func=ui.t,
        )
        doc_type = right.selectbox(ui.t("文种"), DOC_TYPES, index=DOC_TYPES.index(doc["doc_type"]), format_func=ui.t)
        issued = left.text_input(
            ui.t("成文日期（YYYY、YYYY-MM 或 YYYY-MM-DD）"),
            doc["issued_date"] or "",
            help=ui.t(f"自动识别：{doc['date_source'] or '无'}。") + escape_markdown(doc["date_evidence"] or ""),
        )
        period = right.text_input(
            ui.t("规划期（如 2023-2025）"), f"{doc['period_start']}-{doc['period_end']}" if doc["period_start"] else ""
        )
        st.dataframe(
            ui.table(
                pd.DataFrame(
                    [
                        {
                            "措施": m["heading"],
                            "类型": KIND_LABELS.get(m["kind"], m["kind"]),
                            "责任机构": "、".join(m["agencies"]),
                        }
                        for m in result.measures[:15]
                    ]
                )
            ),
            hide_index=True,
            width="stretch",
        )
        submitted = st.form_submit_button(ui.t("确认导入"), type="primary")
    if submitted:
        corrections = importer.corrections_from_form(
            doc,
            {
                "title": title,
                "doc_number": number,
                "issuer": issuer,
                "level": level,
                "district": None if district == "（无）" else district,
                "doc_type": doc_type,
                "issued_date": issued,
                "period": period,
            },
        )
        if isinstance(corrections, str):
            st.error(ui.t(escape_markdown(corrections)))
        elif refusal := signin.refuse_change(editor):
            st.error(refusal)
        else:
            try:
                done[digest] = importer.confirm(item, corrections)
            except importer.ImportFailed as exc:  # nothing was changed; the server log keeps the traceback
                logging.getLogger("dashboard").error("import failed", exc_info=exc)
                st.error(escape_markdown(str(exc)))
            else:
                auth.audit(editor, "import", done[digest], upload=upload.name, corrections=corrections)
                st.rerun()

st.divider()
st.subheader(ui.t("已导入的文件"))
imported = importer.imported_files()
if not imported:
    st.info(ui.t("还没有通过本页导入的文件。随附的种子文件不能在此删除。"))
for name in imported:
    row = st.columns([4, 1])
    row[0].markdown(escape_markdown(name))
    if editor and row[1].button(ui.t("删除"), key=f"remove_{name}"):
        if refusal := signin.refuse_change(editor):
            st.error(refusal)
        else:
            try:
                importer.remove(name)
            except importer.ImportFailed as exc:
                logging.getLogger("dashboard").error("removal failed", exc_info=exc)
                st.error(escape_markdown(str(exc)))
            else:
                auth.audit(editor, "delete", name)
                st.rerun()
