"""Theme page: theme × document (or year) grid, theme → measures treemap, industries and policy
instruments, keywords, and the table of the measures behind a selection.

Reshaping steps come first (DataFrame → DataFrame), figure builders after (DataFrame → Figure or None).
Every clickable trace carries the filter value as customdata[0].
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.base import SLANTED, color_of
from lib.query.views import WRAPPED_COLUMNS

# --- reshaping ----------------------------------------------------------------------------------------


# --- figures --------------------------------------------------------------------------------------------


def matrix(cells: pd.DataFrame, column_title: str) -> go.Figure | None:
    """The theme × column grid as squares sized and shaded by the number of measures (a scatter, not a
    heatmap, so a click selects: customdata[0] is the theme)."""
    if cells.empty:
        return None
    themes = list(dict.fromkeys(cells.theme))
    column_order = list(cells.drop_duplicates("column").sort_values("column_rank").column)
    top = cells.n.max()
    # The largest square stays within its row even on a 16:9 briefing slide (~420 px for the rows).
    largest = min(36, 420 / len(themes))
    size = 10 + (largest - 10) * (cells.n / top) ** 0.5
    fig = go.Figure(
        go.Scatter(
            x=cells.column,
            y=cells.theme,
            mode="markers+text",
            text=cells.n,
            textfont={"color": ["white" if v > 0.6 else "#1f2d3d" for v in cells.n / top], "size": 11},
            marker={
                "symbol": "square",
                "size": size,
                "color": cells.n,
                "colorscale": "Blues",
                "cmin": 0,
                "cmax": top,
                "line": {"width": 1, "color": "#6b8fb5"},
                "colorbar": {"title": {"text": "措施数"}, "thickness": 12, "len": 0.6},
            },
            customdata=cells[["theme", "column_name", "n", "theme_total"]].values,
            hovertemplate="%{customdata[0]} × %{customdata[1]}<br>%{customdata[2]} 条措施"
            "（该主题共 %{customdata[3]} 条）<extra>点击筛选该主题</extra>",
        )
    )
    fig.update_xaxes(
        title=column_title,
        type="category",
        categoryorder="array",
        categoryarray=column_order,
        showgrid=True,
        gridcolor="#eef1f5",
        tickangle=0 if len(column_order) <= WRAPPED_COLUMNS else SLANTED,
        automargin=True,
    )
    fig.update_yaxes(
        title=None,
        type="category",
        categoryorder="array",
        categoryarray=themes[::-1],
        showgrid=True,
        gridcolor="#eef1f5",
        automargin=True,
    )
    fig.update_layout(showlegend=False)
    return fig


def matrix_height(cells: pd.DataFrame) -> int:
    """Room for one row per theme plus the wrapped column labels on top."""
    return 190 + 34 * max(cells.theme.nunique(), 3)


def treemap(tree: pd.DataFrame) -> go.Figure | None:
    """Root 全部 → themes (area = measures) → headings; a click on a theme opens it, the bar on top returns."""
    if tree.empty:
        return None
    colors = ["#f4f6f9" if not theme else color_of(theme) for theme in tree.theme]
    fig = go.Figure(
        go.Treemap(
            ids=tree.id,
            parents=tree.parent,
            labels=tree.label,
            values=tree.value,
            branchvalues="total",
            maxdepth=2,
            customdata=tree[["theme", "hover"]].values,
            marker={"colors": colors, "line": {"width": 1, "color": "white"}},
            texttemplate=["%{label}" if "/" in node else "%{label}<br>%{value}" for node in tree.id],
            hovertemplate="%{customdata[1]}<extra></extra>",
            textfont={"size": 13},
            pathbar={"visible": True, "side": "top"},
            tiling={"pad": 2},
            root={"color": "#f4f6f9"},
        )
    )
    fig.update_layout(margin={"l": 4, "r": 4})
    return fig


def instrument_bars(counts: pd.DataFrame) -> go.Figure | None:
    """Sub-types grouped under 供给型 / 环境型 / 需求型 (the top type shows how many measures use it);
    customdata[0] is the full label, e.g. '供给型·人才支持'."""
    if counts.empty:
        return None
    counts = counts.iloc[::-1]  # horizontal bars fill from the bottom; the first type belongs on top
    groups = [f"{top}（{n}）" for top, n in zip(counts.top, counts.top_n)]
    fig = go.Figure(
        go.Bar(
            x=counts.n,
            y=[groups, list(counts["sub"])],
            orientation="h",
            marker_color=[color_of(ln) for ln in counts.label],
            customdata=counts[["label", "top_n"]].values,
            text=counts.n,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{customdata[0]}：%{x} 条措施<extra>点击筛选</extra>",
        )
    )
    fig.update_xaxes(title="措施数（括号内：使用该类工具的措施）", range=[0, counts.n.max() * 1.18])
    fig.update_yaxes(title=None, automargin=True, tickfont={"size": 12})
    fig.update_layout(showlegend=False, bargap=0.25)
    return fig


def keyword_bars(top: pd.DataFrame) -> go.Figure | None:
    """The most frequent keywords, largest on top (display only: keywords are not a filter dimension)."""
    if top.empty:
        return None
    top = top.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=top.n,
            y=top.label,
            orientation="h",
            marker_color="#4E79A7",
            text=top.n,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}：%{x} 条措施含此关键词<extra></extra>",
        )
    )
    fig.update_xaxes(title="含该关键词的措施数", range=[0, top.n.max() * 1.15])
    fig.update_yaxes(title=None, automargin=True, dtick=1)
    fig.update_layout(showlegend=False)
    return fig
