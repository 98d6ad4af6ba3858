"""Permalinks on screen: the 原文 link column of every measure and target table, and in the reader the
document a permalink opens, its item highlighted and scrolled into view (Streamlit does not scroll by itself)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal

import pandas as pd
import streamlit as st

from lib.query import permalinks
from lib.query.permalinks import Focus
from lib.query.textview import escape_markdown
from lib.ui.state import t

READER_DOC_KEY = "reader_doc"  # the reader's document choice
APPLIED_KEY = "permalink_applied"  # the permalink last applied to that choice: a later run keeps the official's choice
FOCUS_KEY = "permalink-focus"  # the highlighted box: class st-key-permalink-focus
FOCUS_STYLE = (
    "<style>.st-key-permalink-focus{background:#fff4cc;border-radius:.6rem;"
    "box-shadow:0 0 0 3px #e0a800;padding:.25rem}</style>"
)
# Runs once per item and page load: a rerun (a search, a click) must not pull the official back to it.
SCROLL_SCRIPT = """<script>(() => {
  const selector = ".st-key-" + %s, flag = "permalink:" + location.search;
  if (window.__permalinkScrolled === flag) return;
  let tries = 0;
  const go = () => {
    const box = document.querySelector(selector);
    if (!box) { if (++tries < 200) setTimeout(go, 100); return; }
    box.scrollIntoView({block: "center"});
    window.__permalinkScrolled = flag;
    setTimeout(() => {  // once more if what was drawn after it moved it out of view
      const r = box.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) box.scrollIntoView({block: "center"});
    }, 600);
  };
  go();
})();</script>"""


def link_columns(display: str = "查看原文", width: int | Literal["small"] = "small") -> dict:
    """column_config for a table holding permalinks.LINK_COLUMN: a link per row (open it, or copy it)."""
    return {
        t(permalinks.LINK_COLUMN): st.column_config.LinkColumn(
            t(permalinks.LINK_COLUMN),
            display_text=t(display),
            help=t("在原文中打开并定位到该条；右键可复制链接"),
            width=width,
        )
    }


def reader_focus(measures: pd.DataFrame, targets: pd.DataFrame, documents: pd.DataFrame) -> Focus | None:
    """The URL's permalink, checked (what could not be followed said in a note); a permalink not yet applied
    chooses the reader's document."""
    focus, notes = permalinks.parse_focus(st.query_params.to_dict(), measures, targets, documents)
    for note in notes:
        st.warning(escape_markdown(note), icon=":material/link_off:")
    applied = (focus.key, focus.value) if focus else None
    if focus is not None and st.session_state.get(APPLIED_KEY) != applied:
        st.session_state[READER_DOC_KEY] = focus.doc_id
        st.session_state[APPLIED_KEY] = applied
    return focus


def _document_chosen() -> None:
    """The official chose another document: the URL now names it (a copied URL opens it), not the old item."""
    doc_id = st.session_state.get(READER_DOC_KEY)
    for key in permalinks.PERMALINK_KEYS:
        if key in st.query_params:
            del st.query_params[key]
    if isinstance(doc_id, str):
        st.query_params[permalinks.DOCUMENT_KEY] = doc_id
        st.session_state[APPLIED_KEY] = (permalinks.DOCUMENT_KEY, doc_id)


def reader_document(options: list[str], default: str | None, format_func: Callable[[str], str]) -> str:
    """The reader's document selector: a permalink's document, else the official's last choice, else `default`."""
    if st.session_state.get(READER_DOC_KEY) not in options:
        st.session_state[READER_DOC_KEY] = default if default in options else options[0]
    return st.selectbox(t("阅读文件"), options, format_func=format_func, key=READER_DOC_KEY, on_change=_document_chosen)


def scroll_to(item_id: str) -> None:
    """Scroll the reader to the item's box once the page is drawn, and highlight it (FOCUS_STYLE)."""
    st.html(FOCUS_STYLE)
    st.html(SCROLL_SCRIPT % json.dumps(permalinks.anchor_key(item_id)), unsafe_allow_javascript=True)


def citation_lines(listed: list[dict]) -> str:
    """本文引用 / 被引用 as Markdown lines: a document of the tables links to the reader, an outside one is named."""
    if not listed:
        return t("（无）")
    lines = []
    for item in listed:
        title = "《" + escape_markdown(item["title"]) + "》"
        number = f"（{escape_markdown(item['number'])}）" if item["number"] else ""
        lines.append(f"- [{title}]({item['url']}){number}" if item["url"] else f"- {title}{number}" + t("（库外文件）"))
    return "\n".join(lines)
