"""部门任务 (body workload): which bodies carry the measures, with whom, in which documents.

Top: named reshaping steps (pure pandas, tested). Bottom: the figure builders. Every clickable trace
carries the body's canonical name as customdata[0], so a click adds it to the agencies filter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.charts.base import SLANTED
from lib.query.bodies import ROLE_LABELS, ROLES
from lib.query.network import label_sides, top_partners
from lib.query.views import WRAPPED_COLUMNS

ROLE_COLORS = {"lead": "#2F5F8F", "named": "#7FA7CF", "issuer": "#E4E4E4"}
ISSUER_LINE = "#8C8C8C"
NODE_LEVEL_COLORS = {"市级": "#4E79A7", "区级": "#F28E2B", "中央在津": "#E15759", "其他": "#9C9C9C"}


# Figures ------------------------------------------------------------------------------------------


def body_marker(color: str, fallback: bool) -> dict:
    """A bar's marker: solid for what the text writes, hatched and light-lined for the issuer fallback."""
    return {
        "color": color,
        "line": {"color": ISSUER_LINE if fallback else color, "width": 1},
        "pattern": {"shape": "/" if fallback else "", "fgcolor": ISSUER_LINE, "size": 6},
    }


def total_labels(totals: pd.Series, bodies: pd.Series) -> go.Scatter:
    """Each stacked bar's total written at its end (the bodies as customdata, so a click there filters too)."""
    return go.Scatter(
        x=totals,
        y=bodies,
        mode="text",
        text=totals,
        textposition="middle right",
        customdata=bodies.to_frame().values,
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )


def workload_bars(frame: pd.DataFrame, notes: dict[str, str] | None = None) -> go.Figure | None:
    """Stacked horizontal bars per body (lead / named / issuer, the last hatched), busiest on top.
    Bodies in `notes` (merged former names) get a * and the note under the axis."""
    if frame.empty:
        return None
    notes = notes or {}
    order = list(dict.fromkeys(frame.agency))
    fig = go.Figure()
    for role in ROLES:
        part = frame[frame.role == role]
        if part.empty:
            continue
        issuer = role == "issuer"
        fig.add_trace(
            go.Bar(
                x=part.n,
                y=part.agency,
                orientation="h",
                name=ROLE_LABELS[role],
                customdata=part[["agency", "total"]].values,
                marker=body_marker(ROLE_COLORS[role], fallback=issuer),
                hovertemplate=f"%{{y}}：%{{x}} 条措施（{ROLE_LABELS[role]}），共 %{{customdata[1]}} 条<extra>点击筛选</extra>",
            )
        )
    totals = frame.drop_duplicates("agency")
    fig.add_trace(total_labels(totals.total, totals.agency))
    fig.update_layout(barmode="stack", bargap=0.25, legend={"traceorder": "normal"})
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=order[::-1],
        tickvals=order,
        ticktext=[f"{a} *" if a in notes else a for a in order],
        title=None,
        automargin=True,
    )
    lines = ["；".join(list(notes.values())[i : i + 3]) for i in range(0, len(notes), 3)]  # 3 notes a line fit 1,000 px
    title = "措施数" + "".join(f"<br><sup>{'* ' if i == 0 else ''}{line}</sup>" for i, line in enumerate(lines))
    fig.update_xaxes(title=title, range=[0, frame.total.max() * 1.12])
    return fig


CLOSING = "”’）》」』、，。；："  # never the first character of a line


def tick_label(column: str, width: int = 8) -> str:
    """A grid column label on several short lines: the year, then the title in ~`width`-character pieces."""
    year, _, title = column.partition("·")
    lines: list[str] = []
    for i in range(0, len(title), width):
        piece = title[i : i + width]
        while lines and piece and piece[0] in CLOSING:
            lines[-1], piece = lines[-1] + piece[0], piece[1:]
        if piece:
            lines.append(piece)
    return "<br>".join([year, *lines])


def workload_grid_figure(grid: pd.DataFrame, by: str = "doc_id") -> go.Figure | None:
    """Bodies × documents as sized dots (a scatter, so a click filters); hollow = only issuer-fallback measures."""
    if grid.empty:
        return None
    bodies = list(dict.fromkeys(grid.agency))
    columns = list(grid.sort_values("col_order").column.unique())
    biggest = grid.n.max()
    fig = go.Figure()
    for issuer_only, part in grid.groupby(grid.n_issuer == grid.n, sort=True):
        fig.add_trace(
            go.Scatter(
                x=part.column,
                y=part.agency,
                mode="markers+text",
                text=part.n,
                textposition="middle center",
                textfont={"color": "#333" if issuer_only else "white", "size": 11},
                # 18 px holds a two-digit count; 30 px stays inside a 32 px row
                marker={
                    "size": 18 + 12 * np.sqrt(part.n / biggest),
                    "color": ROLE_COLORS["issuer"] if issuer_only else ROLE_COLORS["lead"],
                    "line": {"width": 1.5, "color": ISSUER_LINE if issuer_only else ROLE_COLORS["lead"]},
                },
                customdata=part[["agency", "column", "n", "n_lead", "n_issuer"]].values,
                name=ROLE_LABELS["issuer"] if issuer_only else "写明为责任单位（可含部分按发文机关计）",
                hovertemplate="%{customdata[0]} · %{customdata[1]}<br>%{customdata[2]} 条措施（牵头 %{customdata[3]}，"
                "按发文机关计 %{customdata[4]}）<extra>点击筛选</extra>",
            )
        )
    wrapped = by == "doc_id" and len(columns) <= WRAPPED_COLUMNS  # many columns: one slanted line each
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=columns,
        tickvals=columns,
        ticktext=[tick_label(c) if wrapped else c for c in columns],
        title=None,
        tickangle=0 if wrapped or by != "doc_id" else SLANTED,
        showgrid=True,
        gridcolor="#EEE",
        automargin=True,
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=bodies[::-1], title=None, automargin=True, showgrid=True, gridcolor="#EEE"
    )
    return fig


def node_size(n: int, biggest: int) -> float:
    """Marker diameter in px: area grows with the number of measures, 12–42 px."""
    return 12 + 30 * float(np.sqrt(n / biggest))


EDGE_WIDTHS = 6  # steps of edge width in the co-responsibility network


def network_figure(
    nodes: pd.DataFrame, edges: pd.DataFrame, positions: dict[str, tuple[float, float]]
) -> go.Figure | None:
    """Co-responsibility network: edge width = shared measures, node size = measures, colour = level."""
    if nodes.empty or edges.empty:
        return None
    fig = go.Figure()
    # Widths in EDGE_WIDTHS steps, one trace each: a trace per distinct count was 29 traces at 10,000
    # documents and 60 ms of figure building on every run.
    step = np.ceil(edges.n * EDGE_WIDTHS / edges.n.max()).astype(int)
    for k, group in edges.groupby(step):
        xs, ys = [], []
        for e in group.itertuples():
            xs += [positions[e.source][0], positions[e.target][0], None]
            ys += [positions[e.source][1], positions[e.target][1], None]
        share = k / EDGE_WIDTHS
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"width": 0.8 + 5 * share, "color": f"rgba(120,120,120,{0.25 + 0.45 * share:.2f})"},
            )
        )
    biggest = nodes.n.max()
    sizes = {a: node_size(n, biggest) for a, n in zip(nodes.agency, nodes.n)}
    sides = label_sides({a: positions[a] for a in nodes.agency}, {a: s / 2 for a, s in sizes.items()})
    # Edge facts go in the node hover: hover markers on edges would take clicks meant for the nodes.
    nodes = nodes.assign(partners=nodes.agency.map(top_partners(edges)).fillna("—"))
    for level, part in nodes.groupby("level", sort=False):
        xy = np.array([positions[a] for a in part.agency])
        fig.add_trace(
            go.Scatter(
                x=xy[:, 0],
                y=xy[:, 1],
                mode="markers+text",
                text=part.agency,
                textposition=[sides[a] for a in part.agency],
                textfont={"size": 12, "color": "#222"},
                name=level,
                cliponaxis=False,
                marker={
                    "size": [sizes[a] for a in part.agency],
                    "color": NODE_LEVEL_COLORS.get(level, "#9C9C9C"),
                    "line": {"width": 1, "color": "white"},
                    "opacity": 0.9,
                },
                customdata=part[["agency", "n", "n_shared", "partners"]].values,
                hovertemplate="%{customdata[0]}：写明为责任单位 %{customdata[1]} 条，其中与他部门共同 %{customdata[2]} 条"
                "<br>共同负责最多：%{customdata[3]}<extra>点击筛选</extra>",
            )
        )
    fig.update_xaxes(visible=False, range=[-1.15, 1.15])
    fig.update_yaxes(visible=False, range=[-1.12, 1.15])
    return fig
