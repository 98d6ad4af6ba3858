"""导入文档: upload, preview what was extracted, correct the metadata, confirm; or remove an import."""

import hashlib
import logging

import pandas as pd
import streamlit as st

from lib import auth, codes, importer, ui
from lib.query import imports, store
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
PENDING_REMOVAL_KEY = "import_pending_removal"  # the file whose 删除 waits for 确认删除
LAST_REMOVAL_KEY = "import_last_removal"  # {removal_id, name, message}: what 撤销删除 restores
TARGET_COLUMNS = {
    "原句": st.column_config.TextColumn(width="large", help="目标所在的原文句子"),
    "指标": st.column_config.TextColumn(width="medium"),
}


def ask_removal(name: str | None) -> None:
    """Callback of 删除 (and of 取消, with None)."""
    st.session_state[PENDING_REMOVAL_KEY] = name


def write(change, action: str, name: str, removed_message: str | None) -> None:
    """One removal or restore by the signed-in editor: refused past the rate limit, audited, then the page
    reruns with the rebuilt tables; a failure says what happened (nothing was changed)."""
    if refusal := signin.refuse_change(editor):
        st.error(refusal)
        return
    try:
        outcome = change()
    except importer.ImportRejected as exc:
        st.error(escape_markdown(str(exc)))
        return
    except importer.ImportFailed as exc:
        logging.getLogger("dashboard").error("%s failed", action, exc_info=exc)
        st.error(escape_markdown(str(exc)))
        return
    if removed_message:
        auth.audit(editor, action, name, removal=outcome)
        st.session_state[LAST_REMOVAL_KEY] = {"removal_id": outcome, "name": name, "message": removed_message}
    else:
        auth.audit(editor, action, outcome, restored_from=name)
        st.session_state.pop(LAST_REMOVAL_KEY, None)
    st.rerun()


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
        found_targets, found_bodies = imports.preview_targets(result.targets), imports.preview_bodies(result.measures)
        targets_tab, bodies_tab, measures_tab = st.tabs(
            [
                ui.t("目标与参数") + f"（{len(found_targets)}）",
                ui.t("责任机构") + f"（{len(found_bodies)}）",
                ui.t("措施") + f"（{len(result.measures)}）",
            ]
        )
        with targets_tab:
            if found_targets.empty:
                st.caption(ui.t("未识别到量化目标或参数。"))
            else:
                st.dataframe(ui.table(found_targets), hide_index=True, width="stretch", column_config=TARGET_COLUMNS)
        with bodies_tab:
            if found_bodies.empty:
                st.caption(ui.t("未识别到写明的责任机构（措施将按发文机关计）。"))
            else:
                st.dataframe(ui.table(found_bodies), hide_index=True, width="stretch")
        with measures_tab:
            st.dataframe(
                ui.table(
                    pd.DataFrame(
                        [
                            {
                                "措施": m["heading"],
                                "类型": KIND_LABELS.get(m["kind"], m["kind"]),
                                "责任机构": "、".join(m["agencies"]),
                            }
                            for m in result.measures
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
listed = imports.imports_table(importer.imported_files(), store.load_tables()["documents"])
if listed.empty:
    st.info(ui.t("还没有通过本页导入的文件。随附的种子文件不能在此删除。"))
for row in listed.itertuples(index=False):
    name = row.源文件名
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.markdown(
            f"**{escape_markdown(row.文件标题)}**  \n"
            + escape_markdown(" · ".join(v for v in (row.文号, row.发文机关, row.成文日期) if v))
            + f"  \n:gray[{ui.t('措施')} {row.措施} · {ui.t('目标/参数')} {row.目标} · {escape_markdown(name)}]",
            width="stretch",
        )
        if editor:
            st.button(ui.t("删除"), key=f"remove_{name}", on_click=ask_removal, args=(name,))
    if editor and st.session_state.get(PENDING_REMOVAL_KEY) == name:
        with st.container(border=True):
            st.warning(
                ui.t("确定删除")
                + f"“{escape_markdown(row.文件标题)}”？"
                + ui.t("删除后数据表随即重建；文件移入回收区，可以撤销。")
            )
            with st.container(horizontal=True):
                confirmed = st.button(ui.t("确认删除"), key=f"confirm_remove_{name}", type="primary")
                st.button(ui.t("取消"), key=f"cancel_remove_{name}", on_click=ask_removal, args=(None,))
        if confirmed:
            st.session_state.pop(PENDING_REMOVAL_KEY, None)
            write(lambda n=name: importer.remove(n), "delete", name, f"已删除“{row.文件标题}”，文件已移入回收区。")

last = st.session_state.get(LAST_REMOVAL_KEY)
if editor and last:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.success(escape_markdown(last["message"]), width="stretch")
        if st.button(ui.t("撤销删除"), key="undo_removal", type="primary"):
            st.session_state.pop(LAST_REMOVAL_KEY, None)
            write(lambda: importer.restore(last["removal_id"]), "restore", last["name"], None)

removed = importer.trashed()
if editor and removed:
    with st.expander(ui.t("回收区：最近删除的导入文件") + f"（{len(removed)}）"):
        for item in removed:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(
                    f"{escape_markdown(item.title)}  \n:gray[{escape_markdown(item.source_file)} · {ui.t('删除于')} "
                    f"{escape_markdown(item.removed_at)}]",
                    width="stretch",
                )
                if st.button(ui.t("恢复"), key=f"restore_{item.removal_id}"):
                    write(lambda i=item: importer.restore(i.removal_id), "restore", item.source_file, None)
