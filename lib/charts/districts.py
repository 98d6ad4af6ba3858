"""District charts: the 16 districts on an offline map (no tile server) and as clickable bars."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from lib.charts.base import PALETTE
from lib.query.geo import label_points, load_districts

MAP_CENTER = {"lon": 117.35, "lat": 39.3}  # Tianjin, fits zoom 7.4 in a ~650 px chart


def district_map(counts: pd.DataFrame) -> go.Figure | None:
    """Choropleth of measures per district on a white background (map_style white-bg needs no
    network); labels are Chinese-only because digits on the map would request a web font."""
    if counts.total.sum() == 0:
        return None
    fig = px.choropleth_map(
        counts,
        geojson=load_districts(),
        locations="district",
        featureidkey="properties.name",
        color="total",
        color_continuous_scale="Blues",
        map_style="white-bg",
        center=MAP_CENTER,
        zoom=7.4,
        opacity=0.9,
        custom_data=["district", "区级文件", "市级等文件提及"],
        labels={"total": "措施数"},
    )
    fig.update_traces(
        hovertemplate="%{customdata[0]}：%{z} 条措施<br>区级文件 %{customdata[1]}，"
        "市级等文件提及 %{customdata[2]}<extra>点击筛选</extra>",
        marker_line_color="#555",
        marker_line_width=0.6,
    )
    points = label_points()
    fig.add_trace(
        go.Scattermap(
            lon=[points[n][0] for n in points],
            lat=[points[n][1] for n in points],
            mode="text",
            text=list(points),
            textfont={"size": 11, "color": "#222"},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(height=650, coloraxis_colorbar={"title": "措施数"})
    return fig


def district_bars(counts: pd.DataFrame) -> go.Figure | None:
    """All 16 districts, stacked by source; customdata[0] is the district (click to filter)."""
    if counts.total.sum() == 0:
        return None
    ordered = counts.sort_values("total")
    fig = go.Figure()
    for source, color in (("区级文件", PALETTE[1]), ("市级等文件提及", PALETTE[0])):
        fig.add_trace(
            go.Bar(
                x=ordered[source],
                y=ordered.district,
                orientation="h",
                name=source,
                marker_color=color,
                customdata=ordered[["district"]].values,
                hovertemplate="%{y}：%{x} 条（" + source + "）<extra>点击筛选</extra>",
            )
        )
    fig.update_layout(barmode="stack", height=650)
    fig.update_xaxes(title="涉及该区的措施数")
    fig.update_yaxes(title=None)
    return fig
