"""Policy lineage: which document cites (implements) which, as nodes on a year axis and edges.

Corpus documents sit in the band of their level; references outside the corpus (resolved_doc_id null
in the citations table) are grey nodes placed by the year in their 文号 or title.
"""

from __future__ import annotations

import re

import pandas as pd

from lib import codes
from lib.query.views import decimal_year

LANES = {"national": 4, "provincial": 3, "municipal": 2, "district": 1, "unknown": 0}  # top to bottom
NODE_COLUMNS = [
    "node_id",
    "label",
    "title",
    "number",
    "x",
    "lane",
    "y",
    "lane_y",
    "label_position",
    "inside",
    "doc_id",
    "year_known",
]
LANE_GAP = 0.6  # extra space between two level bands, in rows
# A label of 16 characters is about 30 % of a year axis as wide as the chart (two and a half years of
# 2018→2025): points in that last stretch write it to their left so it stays inside the chart.
LABEL_SHARE = 0.3
AXIS_MARGIN = 0.6  # years of room either side of the first and last year (charts.evolution's year axes)
LANE_LABELS = {**codes.LEVELS, "unknown": "层级不详"}
NUMBER_YEAR = re.compile(r"[〔\[(（](\d{4})[〕\])）]")  # 津政发〔2020〕23号
ANY_YEAR = re.compile(r"(?:19|20)\d{2}")
DISTRICT_PREFIX = re.compile(r"^(?:天津市)?\w{1,3}区")


# A view of more documents than this shows only those in a citation (see lineage_graph).
UNLINKED_UP_TO = 40


def label_sides(x: pd.Series) -> list[str]:
    """Where each point of a year axis writes its label: to the right, or to the left near the axis's end
    (the axis runs from the first to the last year of the points, whatever years the data holds)."""
    if x.empty:
        return []
    low, high = x.min() - AXIS_MARGIN, x.max() + AXIS_MARGIN
    turn = high - LABEL_SHARE * (high - low)
    return ["middle left" if value > turn else "middle right" for value in x]


def cited_level(title: str | None, number: str | None) -> str:
    """The level of an outside document from its 文号 prefix or title (国科发 → national, 津政发 → municipal)."""
    number, title = number or "", title or ""
    if number.startswith(("国", "中发", "中办")) or title.startswith(("国家", "国务院", "中共中央", "全国")):
        return "national"
    if (
        DISTRICT_PREFIX.match(title)
        or re.match(r"^[\u4e00-\u9fff]{2}(?:政|区)", number)
        and not number.startswith("津")
    ):
        return "district"
    if number.startswith("津") or title.startswith(("天津", "市")):
        return "municipal"
    return "unknown"


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _cited_year(title: str, number: str) -> int | None:
    """The year in a 文号 (津政发〔2020〕23号), else the first year written in the title."""
    if found := NUMBER_YEAR.search(number):
        return int(found.group(1))
    found = ANY_YEAR.search(title)
    return int(found.group(0)) if found else None


def _short(text: str, width: int = 16) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def lineage_graph(
    citations: pd.DataFrame, documents: pd.DataFrame, unlinked_up_to: int = UNLINKED_UP_TO
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (NODE_COLUMNS) and edges
    (source, target, sentence): corpus documents at their dates, outside references (resolved_doc_id
    null) at the year of their 文号 or title, else just before the first document citing them.
    Documents that neither cite nor are cited are nodes only while the view has at most `unlinked_up_to`
    documents: one row per node, so thousands of them would bury the links."""
    docs = documents.set_index("doc_id")
    cites = citations[citations.from_doc_id.isin(docs.index)]
    if len(docs) > unlinked_up_to:
        docs = docs[docs.index.isin(cites.from_doc_id) | docs.index.isin(cites.resolved_doc_id)]
    nodes = {
        d: {
            "node_id": d,
            "label": _short(r.title),
            "title": r.title,
            "number": _text(r.doc_number),
            "inside": True,
            "x": decimal_year(r.issued_date, r.year),
            "lane": r.level if r.level in LANES else "unknown",
            "doc_id": d,
            "year_known": True,
        }
        for d, r in docs.iterrows()
    }
    edges = []
    for c in cites.itertuples():
        title, number = _text(c.cited_title), _text(c.cited_number)
        if _text(c.resolved_doc_id) in nodes:
            target = c.resolved_doc_id
        else:
            target = "ext:" + (number or title or "?")
            if target not in nodes:
                year = _cited_year(title, number)
                label = title or number or "?"
                nodes[target] = {
                    "node_id": target,
                    "label": _short(label),
                    "title": title,
                    "number": number,
                    "inside": False,
                    "x": year + 0.5 if year else nodes[c.from_doc_id]["x"] - 0.6,
                    "lane": cited_level(title, number),
                    "doc_id": "",
                    "year_known": bool(year),
                }
        edges.append((c.from_doc_id, target, _text(c.sentence)))
    edge_frame = pd.DataFrame(edges, columns=["source", "target", "sentence"])
    if not nodes:
        return pd.DataFrame(columns=NODE_COLUMNS), edge_frame
    frame = pd.DataFrame(list(nodes.values()))
    # Every node gets a row of its own, lanes (levels) as bands from national at the top down to
    # district, oldest first within a band: labels written beside their node can then never overlap.
    frame = frame.assign(_lane=frame.lane.map(LANES)).sort_values(
        ["_lane", "x", "node_id"], ascending=[False, True, True]
    )
    y, rows, previous = 0.0, [], None
    for lane in frame.lane:
        y -= 1.0 if previous in (None, lane) else 1.0 + LANE_GAP
        rows.append(y)
        previous = lane
    frame = frame.assign(y=[r - min(rows) for r in rows]).drop(columns="_lane").iloc[::-1].reset_index(drop=True)
    frame["lane_y"] = frame.groupby("lane").y.transform("mean")
    frame["label_position"] = label_sides(frame.x)
    return frame[NODE_COLUMNS], edge_frame
