"""Interface labels in English (data/i18n.yaml); document text is never translated.

A key is either a label ("措施") or a template whose {names} stand for what the code fills in
("当前筛选下没有{label}。"): the filled parts are translated in turn (a code label such as 市级 switches, a
document title stays as written). A string that matches no key is cut at the separators our composite texts
use (；, " 或 ", <br> …) and each part translated, so a chart subtitle listing several filters switches too."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib.config import DATA_DIR
from lib.reference import load_yaml

I18N_YAML = DATA_DIR / "i18n.yaml"
PLOTLY_LOCALE_YAML = DATA_DIR / "plotly_locale.yaml"
ENGLISH = "English"
PLACEHOLDER = re.compile(r"(?<!%)\{(\w+)\}")  # {name}; plotly's own %{y} is text of the template
# The joints of composite texts (filters described, chart titles with subtitles), outermost first.
# (、 and ， are not among them: document titles and texts use them.)
SEPARATORS = {"<br>": "<br>", "　｜　": " | ", "；": "; ", " 或 ": " or "}
LIST_SEPARATOR = "、"
CJK = re.compile(r"[\u3400-\u9fff]")
MARKUP = re.compile(r"^(<sup>|<b>|\*\*)(.*)(</sup>|</b>|\*\*)$", re.S)


Template = tuple[re.Pattern, str, bool]  # (pattern, English, whether its fixed text has Chinese words)


@lru_cache(maxsize=4)
def _catalogue(entries: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], list[Template]]:
    """(exact labels, compiled templates with the longest fixed text first) of one version of i18n.yaml."""
    exact = {key: value for key, value in entries if not PLACEHOLDER.search(key)}
    templates = []
    for key, value in entries:
        if PLACEHOLDER.search(key):
            parts = PLACEHOLDER.split(key)  # literal, name, literal, name, …, literal
            pattern, named = "", set()
            for n, part in enumerate(parts):
                if n % 2 == 0:
                    pattern += re.escape(part)
                else:  # a name used twice must stand for the same text
                    pattern += f"(?P={part})" if part in named else f"(?P<{part}>.+?)"
                    named.add(part)
            fixed = PLACEHOLDER.sub("", key)
            templates.append((len(fixed), re.compile(f"^{pattern}$", re.S), value, bool(CJK.search(fixed))))
    templates.sort(key=lambda entry: -entry[0])
    return exact, [(pattern, value, worded) for _, pattern, value, worded in templates]


def _entries() -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (load_yaml(I18N_YAML) or {}).items())


def translate(label: str, language: str) -> str:
    """The label in the chosen language ("English" or anything else for Chinese); unknown labels stay as written."""
    if language != ENGLISH or not label:
        return label
    exact, templates = _catalogue(_entries())
    return _english(label, exact, templates)


def _english(text: str, exact: dict[str, str], templates: list[Template], top: bool = True) -> str:
    """`top`: the whole text; the parts a template fills in are matched again (top=False) against the
    templates that have Chinese words of their own only, so that a title such as “…方案（2021年）” is never
    read as “{date}（{source}）”."""
    if text in exact:
        return exact[text]
    if wrapped := MARKUP.match(text):
        return wrapped[1] + _english(wrapped[2], exact, templates, top) + wrapped[3]
    for pattern, english, worded in templates:
        if (top or worded) and (match := pattern.match(text)):
            parts = match.groupdict()
            if any(separator in part for part in parts.values() for separator in SEPARATORS):
                continue  # a template matched across a joint (“A与B合并计数；C与D合并计数”): split first
            filled: dict[str, str] = {k: _english(v, exact, templates, False) for k, v in parts.items()}

            def fill(m: re.Match[str], filled: dict[str, str] = filled) -> str:
                return filled.get(m[1], m[0])

            return PLACEHOLDER.sub(fill, english)
    for separator, joint in SEPARATORS.items():
        if separator in text:
            return joint.join(_english(part, exact, templates, top) for part in text.split(separator))
    items = text.split(LIST_SEPARATOR)
    if len(items) > 1 and all(item in exact for item in items):  # a list of labels (措施类型：任务、机制)
        return ", ".join(exact[item] for item in items)
    return text


# What a plotly figure shows as interface text (data arrays are handled apart: only whole labels switch there).
_LAYOUT_TEXTS = ("title.text", "legend.title.text", "coloraxis.colorbar.title.text")
_TRACE_ARRAYS = ("x", "y", "text", "labels")
SHORT_LABEL = 30  # longer strings in a chart's data arrays are titles or headings: shown as written


def translate_figure(fig: go.Figure, language: str) -> go.Figure:
    """The figure's interface text in the language, in place: titles, axis and legend titles, annotations,
    trace names, hover templates; in data arrays (x, y, text, category orders) only whole labels with a
    translation (a code label such as 市级), so document titles and body names stay as written."""
    if language != ENGLISH:
        return fig
    exact, templates = _catalogue(_entries())
    seen: dict[str, str] = {}  # hover texts repeat (a type, a date source): each is matched once

    def text(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value not in seen:
            seen[value] = _english(value, exact, templates)
        return seen[value]

    def labels(values: Any) -> Any:
        """Categories and point labels: short ones (a code label, "2021 年") translated, titles kept."""
        if values is None or isinstance(values, str) or not hasattr(values, "__iter__"):
            return values
        items = list(values)
        shown = [text(v) if isinstance(v, str) and len(v) <= SHORT_LABEL else v for v in items]
        return shown if shown != items else values

    layout = fig.layout
    for path in _LAYOUT_TEXTS:
        node, *rest, leaf = path.split(".")
        holder = layout[node]
        for step in rest:
            holder = holder[step]
        if holder[leaf]:
            holder[leaf] = text(holder[leaf])
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.title.text:
            axis.title.text = text(axis.title.text)
        for field in ("ticktext", "categoryarray", "tickvals"):
            if axis[field] is not None:
                axis[field] = labels(axis[field])
    for annotation in layout.annotations or ():
        annotation.text = text(annotation.text)
    for trace in fig.data:
        for field in ("name", "hovertemplate", "legendgroup"):
            if field in trace and isinstance(trace[field], str):
                trace[field] = text(trace[field])
        for field in _TRACE_ARRAYS:
            if field in trace and trace[field] is not None:
                trace[field] = labels(trace[field])
        if "hovertext" in trace and trace.hovertext is not None:  # composed by the chart: type, count, date
            hover = trace.hovertext
            trace.hovertext = text(hover) if isinstance(hover, str) else [text(v) for v in hover]
        if "customdata" in trace and trace.customdata is not None and "%{customdata" in (trace.hovertemplate or ""):
            # What a hover shows of customdata ("人才：47 条措施"); click payloads are data values no key matches.
            trace.customdata = [
                [text(v) for v in row] if isinstance(row, (list, tuple)) or hasattr(row, "tolist") else text(row)
                for row in trace.customdata
            ]
        for holder in (getattr(trace, "marker", None), trace):
            colorbar = getattr(holder, "colorbar", None) if holder is not None and "colorbar" in holder else None
            if colorbar is not None and colorbar.title.text:
                colorbar.title.text = text(colorbar.title.text)
    return fig


def plotly_config(language: str) -> dict:
    """plotly.js's own strings (modebar tooltips, month names) in Chinese: Streamlit's plotly.js bundles only
    en-US, but a config may bring a locale of its own (config.locales), so no script has to be registered."""
    if language == ENGLISH:
        return {}
    return {"locale": "zh-CN", "locales": {"zh-CN": load_yaml(PLOTLY_LOCALE_YAML)}}


SHORT_CELL = 60  # cells longer than this are document text: only labels and short composed texts switch


def translate_frame(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """A table in the language: headers and short text cells (code labels, 是/否, composed values such as
    “（遮盖）”) translated, document text as written."""
    if language != ENGLISH:
        return frame
    exact, templates = _catalogue(_entries())
    out = frame.rename(columns=lambda c: _english(c, exact, templates) if isinstance(c, str) else c)
    for column in out.columns:
        values = out[column]
        if values.dtype.kind in "biufcmM":  # numbers and dates
            continue
        short = {v for v in values.tolist() if isinstance(v, str) and len(v) <= SHORT_CELL}  # lists are not text
        mapping = {v: _english(v, exact, templates, top=False) for v in short}  # a cell's text is data first
        if any(k != v for k, v in mapping.items()):
            out[column] = values.map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    return out


# Streamlit has no locale: the English words it draws itself are hidden (font-size 0) and Chinese put in their
# place (::after), by data-testid, in the Chinese interface only. The upload widget's "Upload" and "20MB per file"
# (its limit is the server's 20 MB, server.maxUploadSize), and the Fullscreen button Streamlit adds to plotly's
# toolbar (plotly.js translates only its own buttons). Tested in Chromium (tests/test_browser_i18n.py).
CHINESE_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "上传文件"; font-size: 0.875rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "可拖放文件到此处，单个文件不超过 20 MB"; font-size: 0.75rem;}
.js-plotly-plot .plotly .modebar-btn[data-title="Fullscreen"]::after {content: "全屏";}
.js-plotly-plot .plotly .modebar-btn[data-title="Close fullscreen"]::after {content: "退出全屏";}
</style>"""
