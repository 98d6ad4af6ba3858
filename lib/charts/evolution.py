"""政策演进 charts: tag mixes over time, emerging/fading terms, bodies by year, indicators on one
timeline, two selections side by side and the citation lineage. Each returns None when empty;
clickable marks carry the filter value as customdata[0]."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.charts.agencies import ISSUER_LINE
from lib.charts.base import LEVEL_COLORS, MASKED_COLOR, PALETTE, color_of
from lib.charts.overview import TIMELINE_POINTS_UP_TO, timeline
from lib.query.evolution import Z_95
from lib.query.lineage import AXIS_MARGIN, LANE_LABELS, label_sides

EMERGING_COLOR, FADING_COLOR = PALETTE[2], PALETTE[0]
SIDE_COLORS = (PALETTE[0], PALETTE[1])  # A, B of a comparison
OUTSIDE_COLOR = "#9D9D9D"
# The indicator chart colours each document; past a dozen colours they can no longer be told apart.
INDICATOR_DOCUMENTS = 12


def _year_axis(fig: go.Figure, years, title: str | None = "年份", **where) -> None:
    years = [int(y) for y in years]  # the data's own years: a document of a new year widens the axis
    if years:
        fig.update_xaxes(range=[min(years) - AXIS_MARGIN, max(years) + AXIS_MARGIN])
    fig.update_xaxes(title=title, dtick=1, tickformat="d", **where)


def document_timeline(frame: pd.DataFrame) -> go.Figure | None:
    """The overview's document timeline with room above the top level, so its labels are not cut."""
    fig = timeline(frame)
    if fig is not None and len(frame) <= TIMELINE_POINTS_UP_TO:  # one point per document, a row per level
        fig.update_yaxes(range=[-0.8, frame.level_label.nunique() - 1 + 0.8])
    return fig


def mix_figure(table: pd.DataFrame, share: bool, by: str) -> go.Figure | None:
    """Stacked bars of label counts or shares per year (on the data's year axis) or per document."""
    if table.empty:
        return None
    order = table.groupby("label").n.sum().sort_values(ascending=False, kind="stable")
    groups = list(dict.fromkeys(table.group_label))
    fig = go.Figure()
    for label in order.index:
        part = table[table.label == label]
        x = part.group.astype(int) if by == "year" else part.group_label
        fig.add_trace(
            go.Bar(
                x=x,
                y=part.share if share else part.n,
                name=label,
                marker_color=color_of(label),
                width=0.7 if by == "year" else None,
                customdata=list(zip([label] * len(part), part.n, part.share, part.n_measures, part.group_label)),
                hovertemplate="%{customdata[4]}<br>%{customdata[0]}：%{customdata[1]} 条措施，占标签的 %{customdata[2]:.0%}"
                "<br>该组共 %{customdata[3]} 条措施<extra>点击筛选</extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    if by == "year":
        _year_axis(fig, table.group.astype(int))
    else:
        fig.update_xaxes(title="文件（按发文时间）", type="category", categoryorder="array", categoryarray=groups)
    fig.update_yaxes(
        title="占该组标签的比例（一条措施可带多个标签）" if share else "措施数（一条措施可带多个标签）",
        tickformat=".0%" if share else None,
    )
    return fig


def term_figure(emerging: pd.DataFrame, fading: pd.DataFrame, names: tuple[str, str]) -> go.Figure | None:
    """Diverging bars of z-scores: emerging terms (more in the later period) right, fading left."""
    if emerging.empty and fading.empty:
        return None
    fig = go.Figure()
    order = [*emerging.term, *fading.sort_values("z", ascending=False).term]
    for frame, label, color in (
        (emerging, f"新兴：{names[1]}更常用", EMERGING_COLOR),
        (fading, f"淡出：{names[0]}更常用", FADING_COLOR),
    ):
        if frame.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=frame.z,
                y=frame.term,
                orientation="h",
                name=label,
                marker_color=color,
                customdata=frame[["term", "n_a", "n_b", "share_a", "share_b"]].values,
                text=frame.z.map(lambda z: f"{z:+.2f}"),
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{y}}：z = %{{x:.2f}}<br>{names[0]}：%{{customdata[3]:.0%}} 的措施（%{{customdata[1]}} 条）"
                f"<br>{names[1]}：%{{customdata[4]:.0%}} 的措施（%{{customdata[2]}} 条）<extra></extra>",
            )
        )
    reach = max(Z_95, *emerging.z.abs(), *fading.z.abs()) * 1.25
    for sign in (-1, 1):
        fig.add_vline(x=sign * Z_95, line={"dash": "dot", "color": "#999", "width": 1})
    fig.add_annotation(
        x=Z_95,
        y=1,
        yref="paper",
        text="|z|=1.96",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 11, "color": "#777"},
    )
    fig.update_xaxes(title="加权对数优势比 z 值（Monroe 等 2008，语料先验）", range=[-reach, reach], zeroline=True)
    fig.update_yaxes(title=None, type="category", categoryorder="array", categoryarray=order[::-1], automargin=True)
    return fig


ISSUER_ONLY_LABEL = "空心圆：该年全部按发文机关计（原文未写明责任单位）"


def agency_grid(cells: pd.DataFrame, notes: list[str]) -> go.Figure | None:
    """Measures per body (rows, busiest on top) and year (the data's year axis); a cell whose measures all count
    for the body only as their issuer is a hollow grey circle, as on 部门任务; renamings noted on the chart."""
    if cells.empty:
        return None
    bodies = list(dict.fromkeys(cells.agency))
    largest = cells.n.max()
    issuer_only = cells.n_issuer.eq(cells.n) if "n_issuer" in cells else pd.Series(False, index=cells.index)
    fig = go.Figure()
    for part, hollow in ((cells[~issuer_only], False), (cells[issuer_only], True)):
        if part.empty:
            continue
        fallback = part.n_issuer if "n_issuer" in part else pd.Series(0, index=part.index)
        fig.add_trace(
            go.Scatter(
                x=part.year.astype(int),
                y=part.agency,
                mode="markers+text",
                text=part.n,
                textposition="middle right",
                # Area by count, the largest filling its 30 px row: sizes in absolute terms ran to 400 px at 10,000 documents.
                marker={
                    "size": 8 + 20 * (part.n / largest) ** 0.5,
                    "opacity": 0.85,
                    **(
                        {"symbol": "circle-open", "color": ISSUER_LINE, "line": {"width": 2}}
                        if hollow
                        else {"color": [color_of(a) for a in part.agency]}
                    ),
                },
                customdata=list(
                    zip(part.agency, part.total, fallback.map(lambda n: f"，其中按发文机关计 {n} 条" if n else ""))
                ),
                name=ISSUER_ONLY_LABEL,
                showlegend=hollow,
                hovertemplate="%{y}，%{x} 年：%{text} 条措施%{customdata[2]}（合计 %{customdata[1]}）<extra>点击筛选</extra>",
            )
        )
    _year_axis(fig, cells.year.astype(int))
    fig.update_yaxes(title=None, type="category", categoryorder="array", categoryarray=bodies[::-1], automargin=True)
    # The renamings go in the legend, which wraps and takes the room it needs at any width (an
    # annotation below the axis was cut off in narrow layouts).
    for note in notes:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"更名合并计数：{note}",
                hoverinfo="skip",
                showlegend=True,
                marker={"symbol": "circle-open", "color": "#777", "size": 9},
            )
        )
    fig.update_layout(legend_itemclick=False, legend_itemdoubleclick=False)
    return fig


def indicator_figure(aligned: pd.DataFrame, series: list[str], columns: int = 2) -> go.Figure | None:
    """The chosen indicators, one panel per indicator+unit: x target year, y value, colour per document.
    Masked values are hollow marks at the axis bottom with the mask in the hover, never a number."""
    aligned = aligned[aligned.series.isin(series)]
    if aligned.empty:
        return None
    series = [s for s in series if s in set(aligned.series)]
    rows = math.ceil(len(series) / columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=series,
        vertical_spacing=0.5 / max(rows, 1) / 1.6,
        horizontal_spacing=0.08,
    )
    years = [int(x) for x in aligned.x]
    for n, name in enumerate(series):
        row, col = n // columns + 1, n % columns + 1
        part = aligned[aligned.series == name]
        shown, masked = part[~part.masked], part[part.masked]
        top = shown.value_high.fillna(shown.value).max() if len(shown) else math.nan
        ceiling = top * 1.35 if pd.notna(top) and top > 0 else 1
        hover = (
            "%{customdata[1]}<br>%{customdata[2]}（范围：%{customdata[3]}）<br>目标年份：%{x}%{customdata[4]}"
            "<br>原文：%{customdata[5]}<extra></extra>"
        )
        for frame, hollow in ((shown, False), (masked, True)):
            if frame.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=frame.x,
                    y=[0] * len(frame) if hollow else frame.value,
                    name=name,
                    mode="markers+text",
                    text=frame.short_label,
                    showlegend=False,
                    cliponaxis=False,
                    textposition=label_sides(frame.x),
                    marker={
                        "size": 13,
                        "symbol": "circle-open" if hollow else "circle",
                        "line": {"width": 2},
                        "color": [color_of(d) for d in frame.doc_id],
                    },
                    error_y=None
                    if hollow
                    else {
                        "type": "data",
                        "symmetric": False,
                        "array": (frame.value_high - frame.value).fillna(0),
                        "arrayminus": [0] * len(frame),
                        "visible": True,
                        "thickness": 1.5,
                    },
                    customdata=list(
                        zip(
                            frame.doc_id,
                            frame.doc_label,
                            frame.value_label,
                            frame.scope,
                            frame.x_note.map(lambda s: f"（{s}）" if s else ""),
                            frame.raw,
                        )
                    ),
                    hovertemplate=hover,
                ),
                row=row,
                col=col,
            )
        fig.update_yaxes(range=[0, ceiling], rangemode="tozero", showticklabels=len(shown) > 0, row=row, col=col)
        _year_axis(fig, years, title=None, row=row, col=col)
    for doc_id, label in dict(zip(aligned.doc_id, aligned.doc_label)).items():  # one legend entry per document
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", name=label, marker={"size": 11, "color": color_of(doc_id)})
        )
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="空心：数值遮盖（不作推测）",
            marker={"size": 11, "symbol": "circle-open", "color": MASKED_COLOR, "line": {"width": 2}},
        )
    )
    fig.update_annotations(font_size=13)
    return fig


def indicator_height(n_series: int, columns: int = 2) -> int:
    return 200 + 230 * math.ceil(max(n_series, 1) / columns)


SHARE_AXIS = "占该侧措施的比例"  # multi-label: the page says so (shares can sum past 100 %)


def compare_figure(table: pd.DataFrame, names: tuple[str, str], share: bool = True) -> go.Figure | None:
    """Grouped horizontal bars of A and B per label (first row of the table on top), as the share of each
    side's own measures or as counts; customdata[0] is the label."""
    if table.empty:
        return None
    table = table.iloc[::-1]
    fig = go.Figure()
    for side, name, color in (
        ("b", names[1], SIDE_COLORS[1]),
        ("a", names[0], SIDE_COLORS[0]),
    ):  # first trace is drawn lowest
        values = table[f"{side}_share"] if share else table[side]
        fig.add_trace(
            go.Bar(
                x=values,
                y=table.label,
                orientation="h",
                name=name,
                marker_color=color,
                customdata=table[["label", side, f"{side}_share"]].values,
                cliponaxis=False,
                textposition="outside",
                text=values.map(lambda v: f"{v:.0%}") if share else values,
                hovertemplate=f"%{{y}}：%{{customdata[1]}} 条措施，占该侧的 %{{customdata[2]:.0%}}<extra>{name}</extra>",
            )
        )
    fig.update_layout(barmode="group", legend_traceorder="reversed")
    top = max(table.a_share.max(), table.b_share.max()) if share else max(table.a.max(), table.b.max(), 1)
    fig.update_xaxes(title=SHARE_AXIS if share else "措施数", range=[0, (top or 1) * 1.25])
    if share:
        fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(title=None, automargin=True)
    return fig


def compare_height(table: pd.DataFrame) -> int:
    return 220 + 34 * len(table)


def lineage_height(nodes: pd.DataFrame) -> int:
    return 260 + 34 * len(nodes)


def lineage_figure(nodes: pd.DataFrame, edges: pd.DataFrame) -> go.Figure | None:
    """Documents by date (x), one row each in bands by level; outside references grey; arrows from
    citing to cited document."""
    if nodes.empty or edges.empty:
        return None
    where = nodes.set_index("node_id")[["x", "y"]]
    fig = go.Figure()
    for e in edges.itertuples():
        (x0, y0), (x1, y1) = where.loc[e.source], where.loc[e.target]
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text="",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.2,
            arrowwidth=1.3,
            arrowcolor="#8A8A8A",
            standoff=10,
            startstandoff=10,
        )
    inside, outside = nodes[nodes.inside], nodes[~nodes.inside]
    for lane, part in inside.groupby("lane", sort=False):
        fig.add_trace(
            go.Scatter(
                x=part.x,
                y=part.y,
                mode="markers+text",
                text=part.label,
                textposition=part.label_position,
                cliponaxis=False,
                name=f"语料内·{LANE_LABELS[lane]}",
                marker={"size": 16, "color": LEVEL_COLORS.get(lane, "#888"), "line": {"width": 1, "color": "white"}},
                customdata=part[["doc_id", "title", "number"]].values,
                hovertemplate="%{customdata[1]}<br>%{customdata[2]}<extra>点击筛选该文件</extra>",
            )
        )
    if len(outside):
        fig.add_trace(
            go.Scatter(
                x=outside.x,
                y=outside.y,
                mode="markers+text",
                text=outside.label,
                textposition=outside.label_position,
                cliponaxis=False,
                name="语料外被引文件（按文号或标题中的年份放置）",
                marker={"size": 13, "color": OUTSIDE_COLOR, "symbol": "square"},
                customdata=list(
                    zip(
                        [""] * len(outside),
                        outside.title,
                        outside.number,
                        outside.year_known.map({True: "", False: "（年份不详，置于引用文件之前）"}),
                    )
                ),
                hovertemplate="%{customdata[1]}<br>%{customdata[2]}%{customdata[3]}<extra>语料外</extra>",
            )
        )
    lanes = nodes.drop_duplicates("lane").sort_values("lane_y")
    for lane in lanes.itertuples():  # a faint band per level
        band = nodes[nodes.lane == lane.lane].y
        fig.add_hrect(y0=band.min() - 0.45, y1=band.max() + 0.45, fillcolor="#F2F2F2", line_width=0, layer="below")
    fig.update_yaxes(
        title=None,
        tickvals=lanes.lane_y,
        ticktext=lanes.lane.map(LANE_LABELS),
        zeroline=False,
        range=[nodes.y.min() - 0.8, nodes.y.max() + 0.8],
        showgrid=False,
    )
    _year_axis(fig, [int(x) for x in nodes.x], title="发文年份（被引文件：文号或标题中的年份）")
    return fig
