"""Target charts: how many quantified targets per target year and unit, masked ones drawn as masked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.base import MASKED_COLOR, PALETTE


def by_year(counts: pd.DataFrame) -> go.Figure | None:
    """Stacked bars per target year; masked values grey and hatched so nobody reads them as numbers."""
    if counts.empty:
        return None
    order = sorted(counts.year_label.unique(), key=lambda y: (not y.isdigit(), y))
    fig = go.Figure()
    for state, color, pattern in (("数值可见", PALETTE[0], ""), ("数值遮盖", MASKED_COLOR, "/")):
        n = counts[counts.value_state == state].set_index("year_label").n.reindex(order, fill_value=0)
        fig.add_trace(
            go.Bar(
                x=order,
                y=n,
                name=state,
                marker={"color": color, "pattern_shape": pattern},
                hovertemplate="%{x}：%{y} 个<extra>" + state + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="目标年份", type="category")
    fig.update_yaxes(title="量化目标数")
    return fig


def by_unit(targets: pd.DataFrame) -> go.Figure | None:
    """How the quantified targets are measured (家, 亿元, % …)."""
    quantified = targets[targets.kind != "qualitative_goal"].dropna(subset=["unit"])
    if quantified.empty:
        return None
    counts = quantified.groupby("unit").size().sort_values()
    fig = go.Figure(
        go.Bar(
            x=counts.values,
            y=counts.index,
            orientation="h",
            marker_color=PALETTE[4],
            text=counts.values,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}：%{x} 个<extra></extra>",
        )
    )
    fig.update_xaxes(title="数量", range=[0, counts.max() * 1.2])
    fig.update_yaxes(title="计量单位")
    fig.update_layout(showlegend=False)
    return fig
