"""Overview charts: the documents on a timeline, top labels as clickable bars."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.base import LEVEL_COLORS, color_of

DOC_TYPE_SYMBOLS = {"规划": "diamond", "行动计划": "square", "实施方案": "circle", "工作方案": "triangle-up",
                    "提案答复": "star", "其他": "x"}


def timeline(frame: pd.DataFrame) -> go.Figure | None:
    """Documents by year and level; hollow markers are inferred dates. customdata[0] is the doc_id."""
    if frame.empty:
        return None
    fig = go.Figure()
    labelled = len(frame) <= 12  # beyond a dozen documents, names go to the hover only
    for (level, label), group in frame.groupby(["level", "level_label"], sort=False):
        for inferred, dated in group.groupby(group.date_source == "inferred"):
            name = f"{label}{'（日期推断）' if inferred else ''}"
            # One trace per document type, so each has one symbol: plotly checks a per-point symbol list
            # item by item (~0.1 s for 10,000 documents). The legend shows the level once.
            for n, (doc_type, part) in enumerate(dated.groupby(dated.doc_type.fillna("其他"), sort=True)):
                fig.add_trace(go.Scatter(
                    x=part.when, y=part.level_label, mode="markers+text" if labelled else "markers",
                    text=part.short_title if labelled else None, textposition=part.label_position if labelled else None,
                    marker={"size": 12 + part.n_measures.clip(upper=120) ** 0.5 * 3,
                            "color": "white" if inferred else LEVEL_COLORS.get(level, "#888"),
                            "line": {"width": 2, "color": LEVEL_COLORS.get(level, "#888")},
                            "symbol": DOC_TYPE_SYMBOLS.get(doc_type, "circle")},
                    # The hover as one ready-made text: plotly deep-copies object arrays item by item, and six
                    # customdata columns of 9,000 documents took 0.1 s on every draw.
                    customdata=part[["doc_id"]].to_numpy(str), hovertext=part.hover.to_numpy(str), hovertemplate="%{hovertext}<extra></extra>",
                    name=name, legendgroup=name, showlegend=n == 0))
    fig.update_xaxes(title="发文时间（空心：日期为推断）", range=["2017-07-01", "2026-06-30"], dtick="M12", tickformat="%Y")
    rows = frame.level_label.nunique()
    fig.update_yaxes(title="层级", range=[-0.7, rows - 0.3])  # room above the top row for its labels
    return fig


def label_bars(counts: pd.DataFrame, axis_title: str) -> go.Figure | None:
    """Horizontal bars of label counts, largest on top; customdata[0] is the label (click to filter)."""
    if counts.empty:
        return None
    counts = counts.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=counts.n, y=counts.label, orientation="h", marker_color=[color_of(l) for l in counts.label],
        customdata=counts[["label"]].values, text=counts.n, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}：%{x} 条措施<extra>点击筛选</extra>"))
    fig.update_xaxes(title=axis_title, range=[0, counts.n.max() * 1.15])
    fig.update_yaxes(title=None, automargin=True)
    fig.update_layout(showlegend=False)
    return fig
