"""One look for every chart: CJK font, one palette (a label has the same colour on every page),
subtitles with the active filters, briefing sizes and the 2× PNG download."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio

from lib.config import TAXONOMY_YAML
from lib.reference import load_yaml

FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
SOURCE_LINE = "数据来源：天津科技政策看板，据政策原文自动抽取"
# 20 distinguishable colours (Tableau 20 without the greys), assigned in vocabulary order.
PALETTE = (
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#A0CBE8",
    "#FFBE7D",
    "#FF9D9A",
    "#86BCB6",
    "#8CD17D",
    "#F1CE63",
    "#D4A6C8",
    "#D37295",
    "#FABFD2",
    "#B6992D",
    "#499894",
)
KIND_COLORS = {
    "task": "#4E79A7",
    "rd_direction": "#59A14F",
    "mechanism": "#B07AA1",
    "procedure": "#76B7B2",
    "safeguard": "#F28E2B",
    "principle": "#9C755F",
    "context": "#BAB0AC",
}
LEVEL_COLORS = {"municipal": "#4E79A7", "district": "#F28E2B", "provincial": "#59A14F", "national": "#E15759"}
MASKED_COLOR = "#BAB0AC"
SLANTED = -50  # degrees: document labels at an angle past views.WRAPPED_COLUMNS columns
# Every chart is drawn on plotly_white. As the default template it is merged in when a figure is
# serialised (~1 ms); set on each figure, plotly validates and deep-copies it (~11 ms a chart, ~0.1 s
# of a nine-chart page).
pio.templates.default = "plotly_white"


@lru_cache(maxsize=1)
def _vocabulary_order() -> dict[str, int]:
    taxonomy = load_yaml(TAXONOMY_YAML)
    order: dict[str, int] = {}
    for dim in ("themes", "industries", "target_groups"):
        for n, label in enumerate(taxonomy.get(dim, {})):
            order.setdefault(label, n)
    for n, top in enumerate(taxonomy.get("instruments", {})):
        order[top] = n
        for m, sub in enumerate(taxonomy["instruments"][top]):
            order[f"{top}·{sub}"] = n * 5 + m
    return order


def color_of(label: str) -> str:
    """The label's colour everywhere: vocabulary position for tags, a stable hash for bodies and docs."""
    if label in KIND_COLORS:
        return KIND_COLORS[label]
    position = _vocabulary_order().get(label)
    if position is None:
        position = int(hashlib.md5(label.encode()).hexdigest(), 16)
    return PALETTE[position % len(PALETTE)]


def colors_for(labels) -> dict[str, str]:
    return {label: color_of(label) for label in labels}


def style(fig: go.Figure, title: str, subtitle: str, briefing: bool = False, height: int | None = None) -> go.Figure:
    """Title, filter subtitle, font and size; in briefing mode 16:9, larger type and a source line."""
    size = 18 if briefing else 13
    fig.update_layout(
        title={"text": f"{title}<br><sup>{_wrap(subtitle)}</sup>", "x": 0.01, "xanchor": "left"},
        font={"family": FONT_FAMILY, "size": size},
        margin={"l": 10, "r": 10, "t": 90 if briefing else 80, "b": 90 if briefing else 70},
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0, "font": {"size": size - 1}},
        hoverlabel={"font_family": FONT_FAMILY},
    )
    if any(axis.tickangle not in (None, 0) for axis in fig.select_xaxes()):
        # Slanted labels take a height the legend cannot know: it goes to the foot of the figure instead.
        fig.update_layout(legend={"yref": "container", "y": 0.01, "yanchor": "bottom"})
    if briefing:
        # The source line rides in the title block, which no axis label can push out of the image.
        fig.update_layout(
            height=675, width=None, title_text=f"{title}<br><sup>{_wrap(subtitle)}　｜　{SOURCE_LINE}</sup>"
        )
    elif height:
        fig.update_layout(height=height)
    return fig


def loading_figure(message: str) -> go.Figure:
    """A short blank figure with a message, shown while a page's data is read."""
    fig = go.Figure(
        layout={
            "height": 60,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
        }
    )
    return fig.add_annotation(
        text=message,
        showarrow=False,
        x=0,
        xref="paper",
        xanchor="left",
        font={"family": FONT_FAMILY, "size": 14, "color": "#777"},
    )


def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width)) if len(text) > width else text


SLIDE_PNG = {"width": 1600, "height": 900, "scale": 1.2}  # 16:9 laid out at 1600×900, saved as 1920×1080


def download_config(filename: str, briefing: bool = False) -> dict:
    """plotly's camera button: a 2× PNG with a meaningful file name; in briefing mode a 16:9 slide-sized PNG
    whatever the chart's width on screen (a half-width chart would otherwise save as a portrait image)."""
    safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", filename).strip("_") or "chart"
    size = SLIDE_PNG if briefing else {"scale": 2}
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": safe, **size}}
