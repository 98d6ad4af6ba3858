"""共同责任网络 (co-responsibility network): bodies named together in one 责任单位 phrase.

Pure pandas/numpy: the nodes and weighted edges of the filtered measures and a seeded force-directed
layout, so the same view always draws the same picture.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

LAYOUT_SEED = 7
# 300 cooling steps settle 30 nodes; more changed no position by more than 1 % of the frame.
LAYOUT_ITERATIONS = 300
# Pull toward the centre so separate clusters (e.g. district bodies vs municipal bodies) stay in frame.
GRAVITY = 0.08


def _phrase_bodies(measures: pd.DataFrame) -> pd.DataFrame:
    """Measures whose bodies come from a written 责任单位 phrase: measure_id, bodies (sorted, unique)."""
    rows = measures[measures.agency_source == "phrase"]
    bodies = rows.agencies.map(lambda values: tuple(sorted(set(values if values is not None else ()))))
    return pd.DataFrame({"measure_id": rows.measure_id, "bodies": bodies})


def co_responsibility_edges(measures: pd.DataFrame) -> pd.DataFrame:
    """Pairs of bodies and how many measures name both: source < target, n (descending)."""
    counts: dict[tuple[str, str], int] = {}
    for bodies in _phrase_bodies(measures).bodies:
        for pair in combinations(bodies, 2):  # a single body yields no pair
            counts[pair] = counts.get(pair, 0) + 1
    frame = pd.DataFrame([(a, b, n) for (a, b), n in counts.items()], columns=["source", "target", "n"])
    return frame.sort_values(["n", "source", "target"], ascending=[False, True, True], ignore_index=True)


def network_nodes(measures: pd.DataFrame, agencies: pd.DataFrame, top: int = 30) -> pd.DataFrame:
    """The `top` bodies by measures named in a phrase: agency, n, n_shared, level (busiest first)."""
    phrase = _phrase_bodies(measures)
    exploded = phrase.explode("bodies").dropna(subset=["bodies"])
    if exploded.empty:
        return pd.DataFrame(columns=["agency", "n", "n_shared", "level"])
    shared = phrase[phrase.bodies.map(len) > 1].explode("bodies")
    frame = exploded.groupby("bodies").measure_id.nunique().rename("n").reset_index().rename(columns={"bodies": "agency"})
    frame["n_shared"] = frame.agency.map(shared.groupby("bodies").measure_id.nunique()).fillna(0).astype(int)
    frame["level"] = frame.agency.map(agencies.set_index("agency").level).fillna("其他")
    frame = frame.sort_values(["n", "agency"], ascending=[False, True], ignore_index=True)
    return frame.head(top)


def network(measures: pd.DataFrame, agencies: pd.DataFrame, top: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and the edges between them, limited to the `top` bodies for legibility."""
    nodes = network_nodes(measures, agencies, top)
    edges = co_responsibility_edges(measures)
    kept = set(nodes.agency)
    edges = edges[edges.source.isin(kept) & edges.target.isin(kept)].reset_index(drop=True)
    return nodes, edges


def spring_layout(nodes: list[str], edges: pd.DataFrame, seed: int = LAYOUT_SEED,
                  iterations: int = LAYOUT_ITERATIONS) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions, each axis scaled to [-1, 1]; deterministic for a node set and seed."""
    names = sorted(nodes)
    count = len(names)
    if count == 0:
        return {}
    if count == 1:
        return {names[0]: (0.0, 0.0)}
    index = {name: i for i, name in enumerate(names)}
    weight = np.zeros((count, count))
    for edge in edges.itertuples():
        if edge.source in index and edge.target in index:
            i, j = index[edge.source], index[edge.target]
            weight[i, j] = weight[j, i] = np.sqrt(float(edge.n))  # damped, or one heavy pair collapses
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(count, 2))
    k = np.sqrt(4.0 / count)  # ideal distance: the frame's area shared out among the nodes
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.clip(np.linalg.norm(delta, axis=-1), 0.01, None)
        force = k * k / distance ** 2 - weight * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force) - GRAVITY * count * pos
        length = np.clip(np.linalg.norm(displacement, axis=-1), 0.01, None)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    # Each axis fills [-1, 1]: the chart is wider than tall, and spread labels overlap less.
    pos -= (pos.max(axis=0) + pos.min(axis=0)) / 2
    pos /= np.clip(np.abs(pos).max(axis=0), 1e-9, None)
    return {name: (round(float(x), 6), round(float(y), 6)) for name, (x, y) in zip(names, pos)}
