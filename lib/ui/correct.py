"""Correct in place (issue #18): one panel under any table of measures or targets. Pick a row, open the
correction dialog, change its values, mark it 不是措施/不是目标 or reviewed, add a missed target from one of its
sentences, undo a correction. Only editors see the controls (lib/auth); every string from a row or a correction
is escaped before it is shown. Saving goes through lib/curation (the build's lock, a rebuild)."""

from __future__ import annotations

import logging
import re

import pandas as pd
import streamlit as st

from lib import codes
from lib.query import review, store
from lib.query.filters import reviewed_rows
from lib.query.textview import escape_markdown
from lib.ui import signin
from lib.ui.state import t

log = logging.getLogger("dashboard.correct")


def _curation():
    """lib.curation, imported when a dialog opens: it brings the build and the pipeline, which a page that
    only shows a table must not wait for."""
    from lib import curation

    return curation


SEEN_PREFIX = "correct_seen_"  # the row's corrections when its dialog opened: its version (curation.row_version)
DONE_KEY = "correct_done"  # the message of the last save, shown after the rerun
SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
OPTION_LIMIT = 500  # rows offered in the picker (the table above shows at most 2,000; a filter narrows them)
NO_CHANGE = "（不修改）"


def _label(table: str, row: pd.Series, titles: dict) -> str:
    text = row.get("heading") if table == "measures" else f"{row.get('indicator') or ''} {row.get('raw') or ''}"
    return f"{str(text or '')[:40]} · {titles.get(row.doc_id, '')[:20]}"


def correct_rows(table: str, rows: pd.DataFrame, key: str) -> None:
    """The panel under a table: `rows` are measures or targets of the view (with their ids)."""
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    editor = signin.current_editor()
    what = t("措施") if table == "measures" else t("目标")
    share = t(review.reviewed_text(100 * reviewed_rows(rows).mean())) if len(rows) else ""
    with st.expander(f"{t('修正与审核')}：{what}（{len(rows)}{'，' + share if share else ''}）", expanded=False):
        if not editor:
            st.caption(t("修正数据需要编辑账号登录：请在“审核”页登录。"))
            return
        if rows.empty:
            st.caption(t("当前筛选下没有可修正的行。"))
            return
        id_column = "measure_id" if table == "measures" else "target_id"
        shown = rows.head(OPTION_LIMIT)
        titles = store.doc_titles()
        labels = {row[id_column]: _label(table, row, titles) for _, row in shown.iterrows()}
        chosen = st.selectbox(t("选择一行"), list(labels), format_func=lambda k: labels.get(k, k), key=f"{key}_pick")
        st.button(t("修正所选行…"), key=f"{key}_open", on_click=_opened, args=(table, chosen), type="primary")
        if chosen is not None and st.session_state.get("correct_open") == (table, chosen):
            dialog(table, chosen, editor)


def _opened(table: str, row_id: str) -> None:
    """The dialog is opened: remember the row's version now, so a save later sees any change made meanwhile."""
    curation = _curation()
    row, rows, document = _row(table, row_id)
    anchor = curation.anchor_of(table, row, rows)
    key = curation.anchor_key(table, "set", document, anchor)
    st.session_state[SEEN_PREFIX + row_id] = curation.row_version(curation.load(), key)
    st.session_state["correct_open"] = (table, row_id)


def _row(table: str, row_id: str) -> tuple[dict, list[dict], dict]:
    """The row, its document's rows of that table (in table order, with texts) and its document."""
    tables = store.load_tables()
    id_column = "measure_id" if table == "measures" else "target_id"
    frame = tables[table]
    row = frame.loc[frame[id_column] == row_id]
    if row.empty:
        raise LookupError(row_id)
    doc_id = row.doc_id.iloc[0]
    of_doc = frame.loc[frame.doc_id == doc_id]
    if table == "measures":
        of_doc = store.with_long_columns(of_doc, "measures", ("text",))
    rows = [{k: _curation().plain(v) for k, v in r.items()} for r in of_doc.to_dict("records")]
    documents = tables["documents"]
    document = documents.loc[documents.doc_id == doc_id].iloc[0].to_dict()
    return next(r for r in rows if r[id_column] == row_id), rows, document


@st.dialog("修正", width="large")
def dialog(table: str, row_id: str, editor: str) -> None:
    """The correction form of one row, its corrections so far (with undo), and what it was before."""
    st.session_state.pop("correct_open", None)
    try:
        row, rows, document = _row(table, row_id)
    except LookupError:
        st.warning(t("这一行已不在数据表中（可能已被修正或删除）：请刷新页面。"))
        return
    st.caption(escape_markdown(f"{document.get('title') or ''} · {row.get('outline') or row.get('raw') or ''}"))
    st.markdown(escape_markdown(str(row.get("text") or row.get("sentence") or "")))
    if row.get("confidence_reasons"):
        st.caption(escape_markdown(t("需要留意：") + review.reason_text(row["confidence_reasons"])))
    if before := review.original_text(row.get("original")):
        st.info(escape_markdown(t("修正前：") + before))
    values = _measure_form(row) if table == "measures" else _target_form(row)
    why = st.text_input(t("修正理由（记录在案）"), key=f"why_{row_id}", max_chars=500)
    left, middle, right = st.columns(3)
    action = None
    if left.button(t("保存修正"), type="primary", key=f"save_{row_id}"):
        action = "set"
    if middle.button(t("不是措施") if table == "measures" else t("不是目标"), key=f"drop_{row_id}"):
        action = "drop"
    if right.button(t("标记为已审核"), key=f"review_{row_id}"):
        action = "review"
    if table == "measures":
        added = _added_target_form(row)
        if added is not None:
            action, values = "add", added
    if action:
        _save(editor, table, action, row, rows, document, values if action in ("set", "add") else {}, why)
    _history(table, row, rows, document, editor)


def _measure_form(row: dict) -> dict:
    options = store.filter_options()
    kind = st.selectbox(
        t("措施类型"), list(codes.MEASURE_KINDS), index=list(codes.MEASURE_KINDS).index(row["kind"]),
        format_func=lambda k: codes.MEASURE_KINDS.get(k, k), key=f"kind_{row['measure_id']}",
    )  # fmt: skip
    bodies = st.text_input(
        t("责任单位（用、分隔）"), "、".join(row.get("agencies") or []), key=f"bodies_{row['measure_id']}"
    )
    lead = st.text_input(t("牵头单位"), row.get("lead_agency") or "", key=f"lead_{row['measure_id']}")
    chosen = {}
    for column, label in (
        ("themes", "主题"),
        ("industries", "产业"),
        ("instruments", "政策工具"),
        ("districts", "区域"),
    ):
        current = list(row.get(column) or [])
        offered = sorted({*options.get(column, []), *current}) if column in options else current
        chosen[column] = st.multiselect(t(label), offered, default=current, key=f"{column}_{row['measure_id']}")
    new = {
        "kind": kind,
        "agencies": [b.strip() for b in re.split(r"[、，,;；]", bodies) if b.strip()],
        "lead_agency": lead.strip() or None,
        **chosen,
    }
    return {k: v for k, v in new.items() if v != (row.get(k) or ([] if isinstance(v, list) else None))}


def _target_form(row: dict) -> dict:
    rid = row["target_id"]
    left, right = st.columns(2)
    new = {
        "indicator": left.text_input(t("指标"), row.get("indicator") or "", key=f"ind_{rid}"),
        "value_low": left.text_input(t("数值（下限）"), _number(row.get("value_low")), key=f"low_{rid}"),
        "value_high": right.text_input(t("数值（上限）"), _number(row.get("value_high")), key=f"high_{rid}"),
        "unit": right.text_input(t("单位"), row.get("unit") or "", key=f"unit_{rid}"),
        "target_year": left.text_input(t("目标年份"), _number(row.get("target_year")), key=f"year_{rid}"),
        "comparator": right.selectbox(
            t("比较关系"),
            [NO_CHANGE, *codes.COMPARATORS],
            format_func=lambda c: codes.COMPARATORS.get(c, c),
            index=1 + list(codes.COMPARATORS).index(row["comparator"])
            if row.get("comparator") in codes.COMPARATORS
            else 0,
            key=f"cmp_{rid}",
        ),  # fmt: skip
        "kind": left.selectbox(
            t("类型"),
            list(codes.TARGET_KINDS),
            index=list(codes.TARGET_KINDS).index(row["kind"]),
            format_func=lambda k: codes.TARGET_KINDS.get(k, k),
            key=f"tkind_{rid}",
        ),  # fmt: skip
        "increment": right.checkbox(t("新增量（新增/新建）"), bool(row.get("increment")), key=f"inc_{rid}"),
    }
    if new["comparator"] == NO_CHANGE:
        del new["comparator"]
    before = {k: _number(row.get(k)) if k in ("value_low", "value_high", "target_year") else row.get(k) for k in new}
    return {k: v for k, v in new.items() if (v or None) != (before[k] or None)}


def _added_target_form(row: dict) -> dict | None:
    """A missed target from one sentence of the measure; None until the editor adds it."""
    with st.expander(t("补充遗漏的目标")):
        sentences = [s.strip() for s in SENTENCE.findall(row.get("text") or "") if s.strip()]
        if not sentences:
            return None
        mid = row["measure_id"]
        sentence = st.selectbox(t("原句"), sentences, key=f"add_sentence_{mid}")
        left, right = st.columns(2)
        values = {
            "sentence": sentence,
            "indicator": left.text_input(t("指标"), key=f"add_ind_{mid}"),
            "value_low": left.text_input(t("数值"), key=f"add_value_{mid}"),
            "unit": right.text_input(t("单位"), key=f"add_unit_{mid}"),
            "target_year": right.text_input(t("目标年份"), key=f"add_year_{mid}"),
            "kind": left.selectbox(t("类型"), list(codes.TARGET_KINDS), format_func=lambda k: codes.TARGET_KINDS.get(k, k), key=f"add_kind_{mid}"),
        }  # fmt: skip
        if st.button(t("添加目标"), key=f"add_{mid}"):
            return {k: v for k, v in values.items() if v not in ("", None)}
    return None


def _number(value) -> str:
    if value is None or value != value:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _save(editor, table, action, row, rows, document, values, why) -> None:
    correction_table = "targets" if action == "add" else table
    curation = _curation()
    if refusal := signin.refuse_change(editor):
        st.error(refusal)
        return
    try:
        correction = curation.for_row(editor, correction_table, action, row, rows, document, values, why)
        curation.save(
            correction,
            st.session_state.get(SEEN_PREFIX + row["measure_id" if table == "measures" else "target_id"], ()),
        )
    except (curation.CorrectionsInvalid, curation.StaleEdit) as exc:
        st.error(escape_markdown(str(exc)))
        return
    except curation.CorrectionFailed as exc:
        log.error("correction failed", exc_info=exc)
        st.error(escape_markdown(str(exc)))
        return
    st.session_state[DONE_KEY] = t("已保存修正并重建数据表：") + t(codes.Action(action).label)
    st.rerun()


def _history(table: str, row: dict, rows: list[dict], document: dict, editor: str) -> None:
    """This row's corrections, newest last, each with 撤销."""
    curation = _curation()
    anchor = curation.anchor_of(table, row, rows)
    mine = [
        c
        for c in curation.load()
        if c.anchor[1:] == curation.anchor_key(table, "set", document, anchor)[1:]
        and (c.table == table or c.action == "add")
    ]
    if not mine:
        return
    st.markdown(f"**{t('这一行的修正')}**")
    for c in mine:
        line, button = st.columns([5, 1])
        line.caption(
            escape_markdown(f"{c.when} · {c.who} · {codes.Action(c.action).label} · {dict(c.values) or ''} · {c.why}")
        )
        if button.button(t("撤销"), key=f"undo_{c.id}"):
            if refusal := signin.refuse_change(editor):
                st.error(refusal)
                return
            try:
                curation.undo(c.id, editor)
            except curation.StaleEdit as exc:
                st.error(escape_markdown(str(exc)))
            except curation.CorrectionFailed as exc:
                log.error("undo failed", exc_info=exc)
                st.error(escape_markdown(str(exc)))
            else:
                st.session_state[DONE_KEY] = t("已撤销修正并重建数据表。")
                st.rerun()
