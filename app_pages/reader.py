"""原文: full-text search across the filtered measures, and a document reader with its outline."""

import streamlit as st

from lib import ui
from lib.query import catalogue, permalinks, search, store, textview
from lib.query.filters import KIND_LABELS
from lib.query.views import document_facts
from lib.ui import permalink

f, view = ui.page_header(
    "原文",
    "检索措施原文（按词切分，措施须同时包含每个词，如“概念验证中心建设”也能找到“建设概念验证中心”；"
    "与左侧“全文检索”是同一个检索，对所有页面生效），或逐篇阅读文件及其结构。",
)
tables = store.load_tables()
documents, measures = tables["documents"], tables["measures"]
focus = permalink.reader_focus(measures, tables["targets"], documents)  # ?m= measure, ?t= target, ?read= document
READER_QUERY_KEY = "reader_query"

# The same search as the sidebar's: typing here sets it for every page.
st.session_state[READER_QUERY_KEY] = f.search
st.text_input(
    ui.t("检索原文"),
    placeholder=ui.t("输入词语，如：揭榜挂帅、天开高教科创园、研发投入"),
    key=READER_QUERY_KEY,
    max_chars=search.MAX_QUERY,
    on_change=ui.search_from,
    args=(READER_QUERY_KEY,),
)
terms = list(search.query_words(f.search))
if terms:
    found = store.with_long_columns(view["measures"], "measures", ("text",))  # the view holds only matches
    hits = found.assign(hits=search.hit_counts(found, tuple(terms))).sort_values("hits", ascending=False, kind="stable")
    st.caption(
        ui.t(
            f"检索“{textview.escape_markdown(f.search)}”：找到 {len(hits)} 条措施，"
            f"须同时包含：{textview.escape_markdown('、'.join(terms))}"
        )
    )
    if hits.empty:
        st.info(ui.t("没有措施同时包含这些词语。可减少或缩短词语，或在左侧“清除筛选”。"))
    titles = store.doc_titles()
    for row in hits.head(30).itertuples():
        with st.container(border=True):
            st.markdown(
                f"**{textview.escape_markdown(row.heading)}** · "
                f"{textview.escape_markdown(titles.get(row.doc_id, ''))} · {textview.escape_markdown(row.outline)}"
            )
            st.markdown(textview.highlight(row.text, terms))

st.divider()
order = documents[["year", "title", "doc_id"]].sort_values(
    ["year", "title"]
)  # not the texts: a copy of 200 MB at 10,000
doc_id = permalink.reader_document(
    list(order.doc_id), f.doc_ids[0] if f.doc_ids else None, lambda d: store.doc_titles().get(d, "")
)
doc = documents.loc[documents.doc_id == doc_id].iloc[0]
focused = focus if focus is not None and focus.doc_id == doc_id else None

st.subheader(textview.escape_markdown(doc.title), anchor=False)
facts = document_facts(doc)
for column, (label, value) in zip(st.columns(len(facts)), facts.items()):
    column.markdown(f"**{ui.t(label)}**  \n{ui.t(textview.escape_markdown(str(value)))}")
if doc.date_source != "explicit" and isinstance(doc.date_evidence, str) and doc.date_evidence:
    st.caption(ui.t("日期依据：") + textview.escape_markdown(doc.date_evidence))
for part in doc.missing_parts:
    st.warning(ui.t("原文缺失：") + textview.escape_markdown(part))
for warning in doc.warnings:
    st.caption(ui.t("提示：") + textview.escape_markdown(warning))
cites, cited_by = catalogue.citations_of(tables["citations"], documents, doc_id)
for column, (label, listed) in zip(st.columns(2), [("本文引用", cites), ("被引用", cited_by)]):
    column.markdown(f"**{ui.t(label)}**（{len(listed)}）  \n" + permalink.citation_lines(listed))

doc_measures = store.with_long_columns(
    measures[measures.doc_id == doc_id].sort_values("ordinal"), "measures", ("text",)
)
with st.expander(ui.t(f"文件结构（{len(doc_measures)} 条措施）"), expanded=False):
    for row in doc_measures.itertuples():
        depth = len(row.path)
        st.markdown("　" * depth + textview.escape_markdown(f"{row.outline} {row.heading}"))

focus_targets = tables["targets"][tables["targets"].target_id == (focused.target_id if focused else None)]
if focused is not None and focused.measure_id is None and len(focus_targets):  # a goal paragraph's target
    with st.container(key=permalink.FOCUS_KEY):
        box = st.container(border=True, key=permalinks.anchor_key(focused.item_id or ""))
        box.success(ui.t("链接定位：该目标出自文件的目标段落（不属于编号条目）"))
        goal = focus_targets.iloc[0]
        box.markdown(textview.highlight(goal.sentence if isinstance(goal.sentence, str) else goal.raw, [goal.raw]))
focus_raw = focus_targets.raw.tolist()
for row in doc_measures.itertuples():
    is_focus = focused is not None and row.measure_id == focused.measure_id
    box = (st.container(key=permalink.FOCUS_KEY) if is_focus else st).container(
        border=True, key=permalinks.anchor_key(row.measure_id)
    )
    number = ui.t(textview.item_number(row.outline, row.marker))
    label = f"{textview.escape_markdown(number)} **{textview.escape_markdown(row.heading)}** · {ui.t(KIND_LABELS.get(row.kind, row.kind))}"
    if is_focus:
        box.success(
            ui.t("链接定位：") + textview.escape_markdown(textview.numbered_path(row.outline, row.path, row.heading))
        )
    box.markdown(label + (ui.t("　（略）") if row.omitted else ""))
    box.markdown(textview.highlight(row.text, [*terms, *focus_raw] if is_focus else terms))
    tags = [*row.themes, *row.industries, *row.instruments]
    bodies = "、".join(row.agencies) or ui.t("未写明")
    source_note = {"issuer": "（按发文机关）", "carried": "（沿用上文）"}.get(row.agency_source, "")
    meta = [ui.t("责任：") + bodies + (ui.t(source_note) if source_note else "")]
    if tags:
        meta.append(ui.t("标签：") + "、".join(tags))
    if len(row.warnings):
        meta.append("⚠ " + "；".join(row.warnings))
    box.caption(textview.escape_markdown("　".join(meta)))

if focused is not None and focused.item_id:
    permalink.scroll_to(focused.item_id)
ui.correct_rows("measures", doc_measures, "reader_correct")  # 修正与审核 (issue #18)
ui.page_footer("原文")
