"""The bundled district boundaries (data/geo/tianjin_districts.geojson) and lib.geo's helpers."""

from __future__ import annotations

import pytest

from lib.query import geo

EXPECTED = [
    "和平区",
    "河东区",
    "河西区",
    "南开区",
    "河北区",
    "红桥区",
    "东丽区",
    "西青区",
    "津南区",
    "北辰区",
    "武清区",
    "宝坻区",
    "宁河区",
    "静海区",
    "蓟州区",
    "滨海新区",
]
# Tianjin's bounding box, with a little margin.
LON = (116.7, 118.1)
LAT = (38.5, 40.3)


def _rings(feature):
    geom = feature["geometry"]
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    for poly in polys:
        for i, ring in enumerate(poly):
            yield poly, i, ring


def _signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2.0


def test_file_is_small():
    assert geo.DISTRICTS_GEOJSON.stat().st_size < 1_000_000


def test_exactly_the_16_districts():
    fc = geo.load_districts()
    assert fc["type"] == "FeatureCollection"
    names = geo.district_names()
    assert sorted(names) == sorted(EXPECTED)
    assert len(names) == len(set(names)) == 16
    for feature in fc["features"]:
        assert feature["id"] == feature["properties"]["name"]
        assert str(feature["properties"]["adcode"]).startswith("1201")


def test_rings_are_closed_valid_and_d3_oriented():
    for feature in geo.load_districts()["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        for _poly, i, ring in _rings(feature):
            assert len(ring) >= 4, feature["id"]
            assert ring[0] == ring[-1], feature["id"]
            for x, y in ring:
                assert LON[0] <= x <= LON[1] and LAT[0] <= y <= LAT[1], (feature["id"], x, y)
            area = _signed_area(ring)
            # exterior clockwise (d3-geo / go.Choropleth), holes counter-clockwise
            assert (area < 0) if i == 0 else (area > 0), (feature["id"], i, area)


def test_label_points_inside_tianjin_and_their_district():
    points = geo.label_points()
    assert sorted(points) == sorted(EXPECTED)
    by_name = {f["properties"]["name"]: f for f in geo.load_districts()["features"]}
    for name, (lon, lat) in points.items():
        assert LON[0] <= lon <= LON[1] and LAT[0] <= lat <= LAT[1], name
        geom = by_name[name]["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        assert any(geo.point_in_polygon((lon, lat), p) for p in polys), name


@pytest.mark.parametrize("name", ["和平区", "滨海新区"])
def test_known_districts_lie_where_expected(name):
    # 和平区 is in the city centre; 滨海新区 is on the coast, east of it.
    lon, lat = geo.label_points()[name]
    if name == "和平区":
        assert 117.1 < lon < 117.3 and 39.05 < lat < 39.2
    else:
        assert lon > geo.label_points()["和平区"][0] + 0.2
