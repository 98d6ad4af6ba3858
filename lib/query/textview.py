"""Text from documents, URLs, uploads and corrections shown as text: escaping for Markdown and for
plotly's labels, and search highlighting (pure).

Streamlit renders markdown, caption, subheader, info/error/warning/success, help= tooltips and widget
labels as Markdown (HTML is escaped unless unsafe_allow_html, which we never use for such text).
escape_markdown is the one helper for all of them: escaping every ASCII punctuation mark makes "**",
"[x](y)", "![x](y)", "<https://x>", "<script>", "$x$" or ":red[...]" show literally. Highlights are our
own :orange-background[...] directives around escaped text. Plotly draws labels and hover text with its
own small HTML subset (<a href> included), hence escape_chart_text and escape_figure.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^\"'&%])")
# Streamlit's Markdown also makes links and icons out of what text *reads* once the escapes are gone:
# bare URLs (https://…), www. domains, e-mail addresses, :material/…: icons and :emoji: codes. An
# invisible word joiner after ':' and '@' and inside 'www.' breaks each pattern; the text looks the same.
WORD_JOINER = "\u2060"
ESCAPED_WWW = re.compile(r"(?i)(www)(\\\.)")
LINE_BREAK = re.compile(r"\r\n?|\n")


def escape_markdown(text: str) -> str:
    """Text shown literally by any Streamlit Markdown element: every Markdown-significant ASCII character
    backslash-escaped, autolinks and :directives: broken, newlines as hard breaks."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    escaped = escaped.replace("\\:", "\\:" + WORD_JOINER).replace("@", "@" + WORD_JOINER)
    escaped = ESCAPED_WWW.sub(r"\1" + WORD_JOINER + r"\2", escaped)
    return LINE_BREAK.sub("  \n", escaped)


# Plotly's labels accept a few tags; ours are these, without attributes. Every other "<" (<a href=…>,
# <span style=…>, <img …>) becomes &lt;, which plotly draws as "<". Not "&" itself: escaping must stay
# idempotent, as a figure may be drawn twice from a cache (a document's own "&lt;" then shows as "<").
CHART_TAGS = re.compile(r"<(?!/?(?:br|b|i|em|sup|sub|extra)\s*/?>)", re.IGNORECASE)
CHART_TEXT_ATTRIBUTES = (
    "x",
    "y",
    "text",
    "hovertext",
    "customdata",
    "labels",
    "ids",
    "parents",
    "name",
    "hovertemplate",
    "texttemplate",
    "legendgroup",
)


def escape_chart_text(text: str) -> str:
    """A label as plotly should draw it: our formatting tags kept, any other tag shown as text."""
    return CHART_TAGS.sub("&lt;", text) if "<" in text else text


def unescape_chart_value(value: str) -> str:
    """A value handed back by a click (customdata, id) as it was before escape_chart_text."""
    return value.replace("&lt;", "<")


def _escaped(values: Any) -> Any:
    """values (a string, or an array or nested list of values) with every string escaped; None when no
    string needs it, the common case, so that nothing is copied or validated again."""
    if isinstance(values, str):
        return escape_chart_text(values) if CHART_TAGS.search(values) else None
    if not isinstance(values, (list, tuple, np.ndarray)) or (
        isinstance(values, np.ndarray) and values.dtype.kind not in "OU"
    ):
        return None  # numbers, or not an array
    flat = np.asarray(values, dtype=object).ravel()
    strings = [v for v in flat if isinstance(v, str)]
    if not strings or not CHART_TAGS.search("\n".join(strings)):
        return None
    shape = np.asarray(values, dtype=object).shape
    return np.array([escape_chart_text(v) if isinstance(v, str) else v for v in flat], dtype=object).reshape(shape)


def escape_figure(fig: Any) -> Any:
    """A plotly figure whose text (trace labels, hover data, titles, tick labels, annotations) can hold
    no link, style or tag of a document's or a URL's; changed in place, idempotent, returned."""
    for trace in fig.data:
        for attribute in CHART_TEXT_ATTRIBUTES:
            value = getattr(trace, attribute, None) if attribute in trace else None
            if value is not None and (safe := _escaped(value)) is not None:
                trace[attribute] = safe
    layout = fig.layout
    texts = (
        [("title", "text")]
        + [(axis, "ticktext") for axis in layout if axis.startswith(("xaxis", "yaxis"))]
        + [(axis, "title", "text") for axis in layout if axis.startswith(("xaxis", "yaxis"))]
    )
    for path in texts:
        node = layout
        for step in path[:-1]:
            node = node[step]
        value = node[path[-1]]
        if value is not None and (safe := _escaped(value)) is not None:
            node[path[-1]] = safe
    for annotation in layout.annotations:
        if annotation.text and (safe := _escaped(annotation.text)) is not None:
            annotation.text = safe
    return fig


def highlight(text: str, terms: list[str]) -> str:
    """Escaped text with every occurrence of the terms wrapped in an orange highlight."""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return escape_markdown(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape_markdown(text[last : m.start()]))
        out.append(f":orange-background[{escape_markdown(m.group(0))}]")
        last = m.end()
    out.append(escape_markdown(text[last:]))
    return "".join(out)


def item_number(outline: str, marker: str | None) -> str:
    """An item's number as every table writes it (the outline, 2.2.5), with the document's own marker
    beside it when that differs ("2.2.5（原文标号：*.）"): the tables and the reader use one numbering."""
    marker = (marker or "").strip()
    if not marker or marker.rstrip(".、．") == outline.rsplit(".", 1)[-1]:
        return outline
    return f"{outline}（原文标号：{marker}）"


def numbered_path(outline: str, path: tuple[str, ...] | list[str], heading: str) -> str:
    """Where an item sits, each ancestor with its outline number: "2 重点任务 › 2.2 提升… › 2.2.3 heading"
    (the ancestors unnumbered when the outline and the path do not match in depth)."""
    parts = [str(p) for p in path]
    numbers = outline.split(".")
    if len(numbers) == len(parts) + 1:
        parts = [f"{'.'.join(numbers[: n + 1])} {name}" for n, name in enumerate(parts)]
    return " › ".join([*parts, f"{outline} {heading}"])
