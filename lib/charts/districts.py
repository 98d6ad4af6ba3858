"""District charts: the 16 districts on an offline map (no tile server) with the six central districts enlarged
beside it, and as clickable bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lib.charts.base import PALETTE
from lib.query.geo import CENTRAL_DISTRICTS, bounds, district_names, label_points, load_districts

MAP_CENTER = {"lon": 117.35, "lat": 39.3}  # Tianjin, fits zoom 7.4 in a ~650 px chart
MAP_HEIGHT = 650
# The inset: the centre's 0.21° of longitude must fit in ~240 px (the right 45 % of the map's column on a
# 1366 px laptop with the filter panel open): on 512 px map tiles zoom 9.6 draws it ~230 px wide, and 和平区's
# label clears 南开区's (at 9.4 the map hid it as overlapping). Wider screens show more around it.
INSET_ZOOM = 9.6
MAIN_DOMAIN, INSET_DOMAIN = {"x": [0, 0.53], "y": [0.06, 1]}, {"x": [0.55, 1], "y": [0.06, 0.94]}
SCALE = "Blues"
HIGHLIGHT = "#E15759"  # the outline of the districts chosen in the filter: red against the blues
DARK_TEXT, LIGHT_TEXT = "#1F2D3D", "#FFFFFF"


def relative_luminance(rgb: str) -> float:
    """WCAG relative luminance of an 'rgb(r, g, b)' or '#rrggbb' colour (0 black … 1 white)."""
    if rgb.startswith("#"):
        channels = [int(rgb[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [round(float(c)) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def label_color(fill: str) -> str:
    """The label colour with the better contrast on a fill: dark on light fills, white on dark ones
    (0.179 is where both contrast ratios are equal)."""
    return DARK_TEXT if relative_luminance(fill) > 0.179 else LIGHT_TEXT


def fill_colors(totals: pd.Series) -> list[str]:
    """The colour each district gets on the map (the colour scale from 0 to the largest count)."""
    top = max(float(totals.max()), 1.0)
    return sample_colorscale(SCALE, [float(v) / top for v in totals])


def _labels(fig: go.Figure, counts: pd.DataFrame, names: set[str], subplot: str, size: int) -> None:
    """Each district's name at its interior point, one text trace per colour (a map's text has one colour)."""
    points = label_points()
    colors = dict(zip(counts.district, map(label_color, fill_colors(counts.total))))
    for color in (DARK_TEXT, LIGHT_TEXT):
        shown = [n for n in points if n in names and colors.get(n, DARK_TEXT) == color]
        if shown:
            fig.add_trace(
                go.Scattermap(
                    lon=[points[n][0] for n in shown],
                    lat=[points[n][1] for n in shown],
                    mode="text",
                    text=shown,
                    textfont={"size": size, "color": color},
                    showlegend=False,
                    hoverinfo="skip",
                    subplot=subplot,
                )
            )


def district_map(counts: pd.DataFrame, chosen: tuple[str, ...] = ()) -> go.Figure | None:
    """Choropleth of measures per district on a white background (map_style white-bg needs no network), the
    six central districts enlarged on the right; the districts `chosen` in the filter outlined in red. Every
    district is clickable on either map (customdata[0]). Labels are Chinese-only: digits on the map would
    request a web font."""
    if counts.total.sum() == 0:
        return None
    geojson, top = load_districts(), max(int(counts.total.max()), 1)
    custom = counts[["district", "区级文件", "市级等文件提及"]].values
    hover = (
        "%{customdata[0]}：%{z} 条措施<br>区级文件 %{customdata[1]}，市级等文件提及 %{customdata[2]}"
        "<extra>点击筛选</extra>"
    )
    fig = go.Figure()
    picked = counts[counts.district.isin(chosen)]
    for subplot in ("map", "map2"):
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                locations=counts.district,
                featureidkey="properties.name",
                z=counts.total,
                coloraxis="coloraxis",
                customdata=custom,
                hovertemplate=hover,
                marker={"opacity": 0.9, "line": {"color": "#555", "width": 0.6}},
                subplot=subplot,
                name="",
            )
        )
        if len(picked):
            fig.add_trace(  # the chosen districts again, unfilled with a thick outline; a click still filters
                go.Choroplethmap(
                    geojson=geojson,
                    locations=picked.district,
                    featureidkey="properties.name",
                    z=[1] * len(picked),
                    colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                    showscale=False,
                    customdata=picked[["district", "区级文件", "市级等文件提及"]].values,
                    hovertemplate="%{customdata[0]}（已筛选）<extra></extra>",
                    marker={"line": {"color": HIGHLIGHT, "width": 3}},
                    subplot=subplot,
                    name="已筛选",
                )
            )
    everywhere = set(counts.district)
    _labels(fig, counts, everywhere - set(CENTRAL_DISTRICTS), "map", 11)
    _labels(fig, counts, everywhere & set(CENTRAL_DISTRICTS), "map2", 12)
    (west, south), (east, north) = bounds(CENTRAL_DISTRICTS)
    fig.add_trace(  # where the enlarged part lies on the whole map
        go.Scattermap(
            lon=[west, east, east, west, west],
            lat=[south, south, north, north, south],
            mode="lines",
            line={"color": "#888", "width": 1.5},
            hoverinfo="skip",
            showlegend=False,
            subplot="map",
        )
    )
    fig.update_layout(
        height=MAP_HEIGHT,
        showlegend=False,
        # What each map must show, for a copy drawn at another size (the briefing deck zooms to fit it).
        meta={
            "map_bounds": {
                "map": [list(p) for p in bounds(tuple(district_names()))],
                "map2": [[west, south], [east, north]],
            }
        },
        map={"style": "white-bg", "center": MAP_CENTER, "zoom": 7.4, "domain": MAIN_DOMAIN},
        map2={
            "style": "white-bg",
            "center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
            "zoom": INSET_ZOOM,
            "domain": INSET_DOMAIN,
        },
        coloraxis={
            "colorscale": SCALE,
            "cmin": 0,
            "cmax": top,
            "colorbar": {
                "title": {"text": "措施数", "side": "right"},
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 0,
                "yanchor": "top",
                "len": 0.5,
                "thickness": 12,
            },
        },
        annotations=[
            {
                "text": "市内六区（放大）",
                "x": INSET_DOMAIN["x"][0],
                "y": INSET_DOMAIN["y"][1],
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
            }
        ],
    )
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
    fig.update_layout(barmode="stack", height=MAP_HEIGHT)
    fig.update_xaxes(title="涉及该区的措施数")
    fig.update_yaxes(title=None)
    return fig
