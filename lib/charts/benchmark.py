"""对标 charts: Tianjin and another place side by side, each bar the share of its own side with the count beside it.
Each returns None when both sides are empty."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.evolution import compare_figure, compare_height


def side_by_side(table: pd.DataFrame, names: tuple[str, str], unit: str = "条措施") -> go.Figure | None:
    """Grouped bars of the two places per label (first row on top): the share of each side's own measures
    (or targets: `unit`), labelled '37%（12）' so the count is read with the share."""
    if table.empty or not (table.a.sum() or table.b.sum()):
        return None
    fig = compare_figure(table, names, share=True)
    assert fig is not None
    for trace in fig.data:
        shares, counts = trace.x, trace.customdata[:, 1]
        trace.text = [f"{share:.0%}（{count}）" for share, count in zip(shares, counts)]
        trace.hovertemplate = (
            f"%{{y}}：%{{customdata[1]}} {unit}，占该侧的 %{{customdata[2]:.0%}}<extra>{trace.name}</extra>"
        )
    # No axis title (the legend sits below the axis, and the page says what a share is of); the room right of
    # the longest bar holds its label, and the ticks stop at 100 %.
    top = max(table.a_share.max(), table.b_share.max())
    fig.update_xaxes(title=None, range=[0, top * 1.35], tickvals=[v for v in (0, 0.25, 0.5, 0.75, 1) if v <= top])
    return fig


def height(table: pd.DataFrame) -> int:
    return compare_height(table)
