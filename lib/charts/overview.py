"""Overview charts: the documents on a timeline, top labels as clickable bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.agencies import ROLE_COLORS, body_marker, total_labels
from lib.charts.base import LEVEL_COLORS, color_of
from lib.query.bodies import ROLE_LABELS

DOC_TYPE_SYMBOLS = {
    "规划": "diamond",
    "行动计划": "square",
    "实施方案": "circle",
    "工作方案": "triangle-up",
    "提案答复": "star",
    "政府工作报告": "hexagon",
    "地方性法规": "diamond-open",
    "其他": "x",
}
# Past this many documents the points of a level merge into one solid band (and cost seconds to draw):
# the timeline counts documents per quarter instead.
TIMELINE_POINTS_UP_TO = 1500
AXIS_MARGIN = pd.DateOffset(months=6)  # room either side of the first and last year shown
DOC_TYPE_GREY = "#9A9A9A"


def timeline_title(frame: pd.DataFrame, points: str = "政策文件时间线（按层级与文种）") -> str:
    return points if len(frame) <= TIMELINE_POINTS_UP_TO else "每季度发文数（按层级）"


def timeline_note(frame: pd.DataFrame) -> str:
    """What a reader of the quarterly counts should know ('' when every document is a point)."""
    if len(frame) <= TIMELINE_POINTS_UP_TO:
        return ""
    return (
        f"当前筛选下有 {len(frame)} 份文件，逐份画点会重叠成一条带，故按季度计数；"
        f"筛选到 {TIMELINE_POINTS_UP_TO} 份以内即逐份显示，悬停可见文件名，点击可筛选。"
    )


def timeline(frame: pd.DataFrame) -> go.Figure | None:
    """Documents by year and level; hollow markers are inferred dates. customdata[0] is the doc_id.
    Past TIMELINE_POINTS_UP_TO documents: documents per quarter and level (quarter_counts)."""
    if frame.empty:
        return None
    if len(frame) > TIMELINE_POINTS_UP_TO:
        return quarter_counts(frame)
    fig = go.Figure()
    labelled = len(frame) <= 12  # beyond a dozen documents, names go to the hover only
    for (level, label), group in frame.groupby(["level", "level_label"], sort=False):
        for inferred, dated in group.groupby(group.date_source == "inferred"):
            name = f"{label}{'（日期推断）' if inferred else ''}"
            color = LEVEL_COLORS.get(level, "#888")
            _legend_entry(fig, name, "circle", "white" if inferred else color, color, group=name)
            # One trace per document type, so each has one symbol: plotly checks a per-point symbol list
            # item by item (~0.1 s for 10,000 documents).
            for doc_type, part in dated.groupby(dated.doc_type.fillna("其他"), sort=True):
                fig.add_trace(
                    go.Scatter(
                        x=part.when,
                        y=part.level_label,
                        mode="markers+text" if labelled else "markers",
                        text=part.short_title if labelled else None,
                        textposition=part.label_position if labelled else None,
                        cliponaxis=False,  # a label of a point near either end of the axis runs into the margin
                        marker={
                            "size": 12 + part.n_measures.clip(upper=120) ** 0.5 * 3,
                            "color": "white" if inferred else color,
                            "line": {"width": 2, "color": color},
                            "symbol": DOC_TYPE_SYMBOLS.get(doc_type, "circle"),
                        },
                        # The hover as one ready-made text (views.timeline), not six customdata columns: plotly
                        # deep-copies object arrays item by item on every draw.
                        customdata=part[["doc_id"]].to_numpy(str),
                        hovertext=part.hover.to_numpy(str),
                        hovertemplate="%{hovertext}<extra></extra>",
                        name=name,
                        legendgroup=name,
                        showlegend=False,
                    )
                )
    for doc_type in [t for t in DOC_TYPE_SYMBOLS if t in set(frame.doc_type.fillna("其他"))]:
        _legend_entry(fig, doc_type, DOC_TYPE_SYMBOLS[doc_type], DOC_TYPE_GREY, DOC_TYPE_GREY)
    # The axis types are set, not inferred: the legend entries come first and hold no values.
    fig.update_xaxes(
        title="发文时间（空心：日期为推断）",
        type="date",
        range=timeline_range(frame.when),
        dtick="M12",
        tickformat="%Y",
    )
    rows = frame.level_label.nunique()
    fig.update_yaxes(title="层级", type="category", range=[-0.7, rows - 0.3])  # room above the top row for its labels
    return fig


def timeline_range(when: pd.Series) -> list[str] | None:
    """The date axis from half a year before the first year shown to half a year after the last: derived from
    the documents, so this year's document is on the axis (None: plotly's own range, when no date is known)."""
    dated = when.dropna()
    if dated.empty:
        return None
    start = pd.Timestamp(year=dated.min().year, month=1, day=1) - AXIS_MARGIN
    end = pd.Timestamp(year=dated.max().year + 1, month=1, day=1) + AXIS_MARGIN - pd.Timedelta(days=1)
    return [start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")]


def _legend_entry(fig: go.Figure, name: str, symbol: str, fill: str, line: str, group: str | None = None) -> None:
    """A legend item without points: the levels as plain circles (a level's own traces carry each document
    type's symbol, and the first of them would stand for the level), the types as grey symbols."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=name,
            legendgroup=group or name,
            hoverinfo="skip",
            marker={"size": 11, "symbol": symbol, "color": fill, "line": {"width": 2, "color": line}},
        )
    )


def quarter_counts(frame: pd.DataFrame) -> go.Figure | None:
    """Documents per quarter, stacked by level; hatched: documents whose date is inferred. Undated
    documents are left out, as on the point timeline."""
    dated = frame[frame.when.notna()]
    if dated.empty:
        return None
    counts = (
        dated.assign(quarter=dated.when.dt.to_period("Q").dt.start_time, inferred=dated.date_source == "inferred")
        .groupby(["level", "level_label", "inferred", "quarter"])
        .size()
        .rename("n")
        .reset_index()
    )
    fig = go.Figure()
    for (level, label, inferred), part in counts.groupby(["level", "level_label", "inferred"], sort=False):
        fig.add_trace(
            go.Bar(
                x=part.quarter + pd.Timedelta(days=45),
                y=part.n,
                width=80 * 24 * 3600 * 1000,  # ms: most of a quarter
                name=f"{label}{'（日期推断）' if inferred else ''}",
                marker_color=LEVEL_COLORS.get(level, "#888"),
                marker_pattern_shape="/" if inferred else "",
                marker_line_width=0,
                hovertemplate=f"%{{x|%Y 年第 %q 季度}}：%{{y}} 份{label}文件{'（日期推断）' if inferred else ''}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title="发文时间（斜纹：日期为推断）", range=timeline_range(dated.when), dtick="M12", tickformat="%Y"
    )
    fig.update_yaxes(title="文件数")
    return fig


def label_bars(counts: pd.DataFrame, axis_title: str) -> go.Figure | None:
    """Horizontal bars of label counts, largest on top; customdata[0] is the label (click to filter)."""
    if counts.empty:
        return None
    counts = counts.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=counts.n,
            y=counts.label,
            orientation="h",
            marker_color=[color_of(ln) for ln in counts.label],
            customdata=counts[["label"]].values,
            text=counts.n,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}：%{x} 条措施<extra>点击筛选</extra>",
        )
    )
    fig.update_xaxes(title=axis_title, range=[0, counts.n.max() * 1.15])
    fig.update_yaxes(title=None, automargin=True)
    fig.update_layout(showlegend=False)
    return fig


WRITTEN_LABEL = "原文写明为责任单位"


def body_bars(counts: pd.DataFrame, axis_title: str) -> go.Figure | None:
    """Measures per body (counts from views.count_bodies), largest on top: what the text writes in solid bars,
    the measures counted for the issuing body because no 责任单位 is written hatched and named in the legend,
    as on 部门任务. customdata[0] is the body (click to filter)."""
    if counts.empty:
        return None
    counts = counts.iloc[::-1]
    fig = go.Figure()
    for column, name, issuer in (("n_written", WRITTEN_LABEL, False), ("n_issuer", ROLE_LABELS["issuer"], True)):
        if not counts[column].any():
            continue
        color = ROLE_COLORS["issuer"] if issuer else ROLE_COLORS["lead"]
        fig.add_trace(
            go.Bar(
                x=counts[column],
                y=counts.label,
                orientation="h",
                name=name,
                customdata=counts[["label", "n"]].values,
                marker=body_marker(color, fallback=issuer),
                hovertemplate=f"%{{y}}：%{{x}} 条措施（{name}），共 %{{customdata[1]}} 条<extra>点击筛选</extra>",
            )
        )
    fig.add_trace(total_labels(counts.n, counts.label))
    fig.update_layout(barmode="stack", showlegend=True, legend={"orientation": "h", "y": -0.18, "traceorder": "normal"})
    fig.update_xaxes(title=axis_title, range=[0, counts.n.max() * 1.15])
    fig.update_yaxes(title=None, automargin=True)
    return fig
