"""Document text shown as text: Markdown escaping and search highlighting (pure).

Streamlit renders st.markdown as Markdown (HTML is escaped unless unsafe_allow_html, which we never
use for document content). Escaping every ASCII punctuation mark makes a document's own "**", "[x](y)",
"<script>" or ":red[...]" show literally; highlights are our own :orange-background[...] directives
around escaped text.
"""
from __future__ import annotations

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^\"'&%])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown-significant ASCII character; newlines become hard breaks."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def highlight(text: str, terms: list[str]) -> str:
    """Escaped text with every occurrence of the terms wrapped in an orange highlight."""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return escape_markdown(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape_markdown(text[last: m.start()]))
        out.append(f":orange-background[{escape_markdown(m.group(0))}]")
        last = m.end()
    out.append(escape_markdown(text[last:]))
    return "".join(out)
