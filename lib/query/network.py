"""共同责任网络 (co-responsibility network): bodies named together in one 责任单位 phrase.

Pure pandas/numpy: the nodes and weighted edges of the filtered measures and a seeded force-directed
layout, so the same view always draws the same picture.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.codes import WRITTEN_SOURCES
from lib.query.labels import LabelIndex, index_labels

LAYOUT_SEED = 7
# 300 cooling steps take ~0.02 s for 30 nodes and leave groups untangled on the seed data; the picture
# is fixed by seed and step count (another count gives another, equally valid, arrangement).
LAYOUT_ITERATIONS = 300
# A light pull toward the centre keeps loosely tied bodies from drifting to the frame's edge.
GRAVITY = 0.05


def _phrase_pairs(measures: pd.DataFrame, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """(measure, body) pairs of the measures whose bodies come from a written 责任单位 phrase: row, body
    (a Categorical in alphabetical order), n_bodies (of that measure). `bodies`: the LabelIndex of
    measures.agencies if at hand."""
    phrase = np.flatnonzero(measures.agency_source.isin(WRITTEN_SOURCES).to_numpy(dtype=bool, na_value=False))
    pairs = (bodies or index_labels(measures["agencies"])).within(phrase).pairs().rename(columns={"label": "body"})
    return pairs.assign(n_bodies=np.bincount(pairs.row, minlength=len(phrase))[pairs.row])


def co_responsibility_edges(measures: pd.DataFrame, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """Pairs of bodies and how many measures name both: source < target, n (descending)."""
    shared = _phrase_pairs(measures, bodies)
    shared = shared.loc[shared.n_bodies > 1, ["row", "body"]].assign(code=lambda f: f.body.cat.codes)
    both = shared.merge(shared, on="row", suffixes=("_a", "_b"))
    both = both[both.code_a < both.code_b]  # each unordered pair once, alphabetical
    frame = both.groupby(["body_a", "body_b"]).size().rename("n").reset_index()
    frame = (
        frame[frame.n > 0]
        .rename(columns={"body_a": "source", "body_b": "target"})
        .astype({"source": object, "target": object})
    )
    return frame.sort_values(["n", "source", "target"], ascending=[False, True, True], ignore_index=True)


def network_nodes(
    measures: pd.DataFrame, agencies: pd.DataFrame, top: int = 30, bodies: LabelIndex | None = None
) -> pd.DataFrame:
    """The `top` bodies by measures named in a phrase: agency, n, n_shared, level (busiest first)."""
    pairs = _phrase_pairs(measures, bodies)
    if pairs.empty:
        return pd.DataFrame(columns=["agency", "n", "n_shared", "level"])
    frame = pairs.assign(shared=pairs.n_bodies > 1).groupby("body").agg(n=("row", "size"), n_shared=("shared", "sum"))
    frame = frame[frame.n > 0].reset_index().rename(columns={"body": "agency"}).astype({"agency": object})
    frame["n_shared"] = frame.n_shared.astype(int)
    frame["level"] = frame.agency.map(agencies.set_index("agency").level).fillna("其他")
    frame = frame.sort_values(["n", "agency"], ascending=[False, True], ignore_index=True)
    return frame.head(top)


def network(
    measures: pd.DataFrame, agencies: pd.DataFrame, top: int = 30, bodies: LabelIndex | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and the edges between them, limited to the `top` bodies for legibility (`bodies`: the
    LabelIndex of measures.agencies if at hand)."""
    nodes = network_nodes(measures, agencies, top, bodies)
    edges = co_responsibility_edges(measures, bodies)
    kept = set(nodes.agency)
    edges = edges[edges.source.isin(kept) & edges.target.isin(kept)].reset_index(drop=True)
    return nodes, edges


def top_partners(edges: pd.DataFrame, k: int = 3) -> dict[str, str]:
    """Each body's `k` most frequent partners as "A（5）、B（3）", for the node hover."""
    both = pd.concat(
        [
            edges.rename(columns={"source": "body", "target": "partner"}),
            edges.rename(columns={"target": "body", "source": "partner"}),
        ]
    )
    both = both.sort_values(["body", "n", "partner"], ascending=[True, False, True])
    first = both[both.groupby("body").cumcount() < k]
    return (first.partner + "（" + first.n.astype(str) + "）").groupby(first.body).agg("、".join).to_dict()


def components(nodes: list[str], edges: pd.DataFrame) -> list[list[str]]:
    """Connected groups of bodies, largest first (sorted names inside; ties by first name)."""
    parent = {name: name for name in nodes}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for edge in edges.itertuples():
        if edge.source in parent and edge.target in parent:
            parent[root(edge.source)] = root(edge.target)
    groups: dict[str, list[str]] = {}
    for name in sorted(nodes):
        groups.setdefault(root(name), []).append(name)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _force_directed(weight: np.ndarray, rng: np.random.Generator, iterations: int) -> np.ndarray:
    """Fruchterman–Reingold on a weight matrix; each axis scaled to [-1, 1]."""
    count = len(weight)
    if count == 1:
        return np.zeros((1, 2))
    pos = rng.uniform(-1.0, 1.0, size=(count, 2))
    k = np.sqrt(4.0 / count)  # ideal distance: the frame's area shared out among the nodes
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.clip(np.linalg.norm(delta, axis=-1), 0.01, None)
        force = k * k / distance**2 - weight * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force) - GRAVITY * pos
        length = np.clip(np.linalg.norm(displacement, axis=-1), 0.01, None)
        pos += displacement * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    # Each axis fills [-1, 1]: the chart is wider than tall, and spread labels overlap less.
    pos -= (pos.max(axis=0) + pos.min(axis=0)) / 2
    return pos / np.clip(np.abs(pos).max(axis=0), 1e-9, None)


def spring_layout(
    nodes: list[str], edges: pd.DataFrame, seed: int = LAYOUT_SEED, iterations: int = LAYOUT_ITERATIONS
) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]², deterministic for a node set and seed: each connected group laid out
    on its own, side by side (widest share to the largest); bodies with no partner in a bottom row."""
    groups = components(nodes, edges)
    linked = [g for g in groups if len(g) > 1]
    alone = [g[0] for g in groups if len(g) == 1]
    positions: dict[str, tuple[float, float]] = {}
    band = (-1.0, 1.0) if not alone else ((-0.7, 1.0) if linked else (-1.0, 1.0))
    shares = np.array([np.sqrt(len(g)) for g in linked])
    left = -1.0
    for group, share in zip(linked, shares / shares.sum() if linked else []):
        index = {name: i for i, name in enumerate(group)}
        weight = np.zeros((len(group), len(group)))
        for edge in edges.itertuples():
            if edge.source in index and edge.target in index:
                i, j = index[edge.source], index[edge.target]
                weight[i, j] = weight[j, i] = 1.0 + np.log(float(edge.n))  # damped: one heavy pair must not collapse
        pos = _force_directed(weight, np.random.default_rng(seed), iterations)
        width = 2.0 * share
        centre, half = left + width / 2, width / 2 * 0.85  # 15 % gap between groups
        for name, (x, y) in zip(group, pos):
            positions[name] = (centre + x * half, (band[0] + band[1]) / 2 + y * (band[1] - band[0]) / 2 * 0.95)
        left += width
    for i, name in enumerate(alone):
        x = 0.0 if len(alone) == 1 else -1.0 + 2.0 * i / (len(alone) - 1)
        positions[name] = (x, -1.0 if linked else 0.0)
    return {name: (round(float(x), 6), round(float(y), 6)) for name, (x, y) in sorted(positions.items())}


# Label placement works in data units; these assume the page's chart at 1,500 px of window: ~1,000 × 500
# px of plot for x in [-1.15, 1.15] and y in [-1.12, 1.15], 12 px CJK characters (measured on the
# screenshot). Wider windows only add room.
X_PER_PX, Y_PER_PX = 2.3 / 1000, 2.27 / 500
CHAR_PX, LINE_PX = 12.5, 15
LABEL_SIDES = ("top center", "bottom center", "middle right", "middle left")


def _label_box(x: float, y: float, radius_px: float, chars: int, side: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a label next to a marker of radius `radius_px`."""
    w, h = chars * CHAR_PX * X_PER_PX, LINE_PX * Y_PER_PX
    gap_x, gap_y = (radius_px + 3) * X_PER_PX, (radius_px + 2) * Y_PER_PX
    if side == "top center":
        return x - w / 2, y + gap_y, x + w / 2, y + gap_y + h
    if side == "bottom center":
        return x - w / 2, y - gap_y - h, x + w / 2, y - gap_y
    if side == "middle right":
        return x + gap_x, y - h / 2, x + gap_x + w, y + h / 2
    return x - gap_x - w, y - h / 2, x - gap_x, y + h / 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def label_sides(positions: dict[str, tuple[float, float]], radii_px: dict[str, float]) -> dict[str, str]:
    """A text position per node so labels overlap each other and the markers as little as possible
    (greedy, largest marker first; ties keep the label above)."""
    markers = {
        n: (x - r * X_PER_PX, y - r * Y_PER_PX, x + r * X_PER_PX, y + r * Y_PER_PX)
        for n, (x, y) in positions.items()
        for r in [radii_px.get(n, 6.0)]
    }
    placed: list[tuple[float, float, float, float]] = []
    sides: dict[str, str] = {}
    for name in sorted(positions, key=lambda n: (-radii_px.get(n, 6.0), n)):
        x, y = positions[name]

        def cost(side: str) -> float:
            box = _label_box(x, y, radii_px.get(name, 6.0), len(name), side)
            outside = max(0.0, box[2] - 1.15) + max(0.0, -1.15 - box[0])  # keep labels inside the frame
            return (
                sum(_overlap(box, other) for other in placed)
                + outside
                + sum(_overlap(box, m) for n, m in markers.items() if n != name)
            )

        best = min(LABEL_SIDES, key=lambda side: (round(cost(side), 9), LABEL_SIDES.index(side)))
        sides[name] = best
        placed.append(_label_box(x, y, radii_px.get(name, 6.0), len(name), best))
    return sides
