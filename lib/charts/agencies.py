"""部门任务 (body workload): which bodies carry the measures, with whom, in which documents.

Top: named reshaping steps (pure pandas, tested). Bottom: the figure builders. Every clickable trace
carries the body's canonical name as customdata[0], so a click adds it to the agencies filter.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from lib import codes
from lib.charts.base import MAX_DOCUMENT_COLUMNS, SLANTED, WRAPPED_COLUMNS, unique_labels
from lib.query.filters import KIND_LABELS
from lib.query.labels import LabelIndex, index_labels
from lib.query.network import co_responsibility_edges, label_sides, top_partners

# 角色 (role) of a body in a measure. "lead" only where the text names a 牵头 body (lead_agency);
# "issuer" where no 责任单位 phrase exists and the issuing body answers for the measure.
ROLES = ("lead", "named", "issuer")
ROLE_LABELS = codes.BODY_ROLES  # data/codes.yaml: its issuer label is agency_source's
ROLE_SHORT = {"lead": "牵头", "named": "责任单位", "issuer": "按发文机关计"}
ROLE_COLORS = {"lead": "#2F5F8F", "named": "#7FA7CF", "issuer": "#E4E4E4"}
ISSUER_LINE = "#8C8C8C"
NODE_LEVEL_COLORS = {"市级": "#4E79A7", "区级": "#F28E2B", "中央在津": "#E15759", "其他": "#9C9C9C"}
# "市科委（2018年更名）" → old name 市科委, year 2018
RENAMED = re.compile(r"^(?P<old>.+?)（(?P<year>\d{4})年?更名）$")
GRID_BY = {"doc_id": "文件", "year": "年份"}


BODY_ROW_COLUMNS = ["measure_id", "doc_id", "year", "agencies", "lead_agency", "agency_source"]  # what body_rows reads


def body_rows(measures: pd.DataFrame, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """One row per (measure, body): measure_id, doc_id, year, agency, role. Text columns are Categoricals:
    at 10,000 documents there are ~470,000 pairs, and copying strings for each was most of the page.
    `bodies`: the LabelIndex of measures.agencies if at hand (built here otherwise)."""
    pairs = (bodies or index_labels(measures["agencies"])).pairs()  # each body once per measure
    rows, agency = pairs.row.to_numpy(), pairs.label.array
    lead = pd.Categorical(measures.lead_agency, categories=agency.categories).codes[rows]
    issuer = measures.agency_source.eq("issuer").to_numpy(dtype=bool, na_value=False)[rows]
    role = np.where(issuer, ROLES.index("issuer"), np.where(agency.codes == lead, ROLES.index("lead"), ROLES.index("named")))
    return pd.DataFrame({"measure_id": _taken(measures.measure_id, rows), "doc_id": _taken(measures.doc_id, rows),
                         "year": measures.year.to_numpy(dtype=float, na_value=np.nan)[rows], "agency": agency,
                         "role": pd.Categorical.from_codes(role, categories=list(ROLES))})


def _taken(column: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """column[rows] as a Categorical (integer codes are taken, not strings)."""
    codes, uniques = pd.factorize(column)
    return pd.Categorical.from_codes(codes[rows], categories=pd.Index(uniques, dtype=object))


def headline(measures: pd.DataFrame, bodies: LabelIndex | None = None) -> dict[str, int]:
    """The page's headline counts: bodies, and measures by how their body is known (`bodies` as for body_rows)."""
    source = measures.agency_source.to_numpy()
    bodies = bodies or index_labels(measures["agencies"])
    bodies_per_measure = np.bincount(bodies.rows, minlength=bodies.n_rows)
    return {"涉及机构": len(bodies.counts()),
            "写明责任单位的措施": int((source == "phrase").sum()),
            "其中多部门共同负责": int(((source == "phrase") & (bodies_per_measure > 1)).sum()),
            "按发文机关计的措施": int((source == "issuer").sum()),
            "未归属机构的措施": int((source == "none").sum())}


def body_ranking(rows: pd.DataFrame) -> list[str]:
    """Bodies by number of measures, busiest first (name breaks ties, so the order is stable)."""
    totals = rows.groupby("agency").size()  # a (measure, body) row is unique
    return sorted((a for a in totals.index if totals[a]), key=lambda a: (-totals[a], a))


def workload(rows: pd.DataFrame, include_issuer: bool = True, top: int = 20) -> pd.DataFrame:
    """Measures per body and role for the `top` busiest bodies (`rows` from body_rows): agency, role, n,
    total (busiest first)."""
    if not include_issuer:
        rows = rows[rows.role != "issuer"]
    if rows.empty:
        return pd.DataFrame(columns=["agency", "role", "n", "total"])
    order = body_ranking(rows)[:top]
    counts = rows[rows.agency.isin(order)].groupby(["agency", "role"]).size().rename("n").reset_index()
    counts = counts[counts.n > 0].astype({"agency": object, "role": object})
    counts["total"] = counts.groupby("agency").n.transform("sum")
    counts["rank"] = counts.agency.map({a: i for i, a in enumerate(order)})
    counts["role_order"] = counts.role.map({r: i for i, r in enumerate(ROLES)})
    return counts.sort_values(["rank", "role_order"]).drop(columns=["rank", "role_order"]).reset_index(drop=True)


def merged_notes(agencies: pd.DataFrame, shown) -> dict[str, str]:
    """Shown bodies that absorbed a former name → "市科委（2018）与市科技局合并计数" (shown order)."""
    renamed = agencies.set_index("agency").renamed_from
    notes = {}
    for body in dict.fromkeys(shown):
        formers = renamed.get(body) if body in renamed.index else None
        parts = []
        for former in formers if formers is not None else ():
            match = RENAMED.match(former)
            parts.append(f"{match['old']}（{match['year']}）" if match else former)
        if parts:
            notes[body] = f"{'、'.join(parts)}与{body}合并计数"
    return notes


def doc_label(title: str, year) -> str:
    """A document as a short axis label: year and the title without 天津市, cut at 14 characters."""
    short = re.sub(r"^天津市", "", title)
    short = short if len(short) <= 14 else short[:14] + "…"
    return f"{int(year) if pd.notna(year) else '年份不详'}·{short}"


def workload_grid(rows: pd.DataFrame, documents: pd.DataFrame, by: str = "doc_id", include_issuer: bool = True,
                  top: int = 20, max_documents: int = MAX_DOCUMENT_COLUMNS) -> pd.DataFrame:
    """Bodies × documents (or years) from body_rows: agency, column, n, n_lead, n_issuer, rank (body
    order), col_order. By document, only the `max_documents` documents where the shown bodies carry most
    measures."""
    if not include_issuer:
        rows = rows[rows.role != "issuer"]
    if rows.empty:
        return pd.DataFrame(columns=["agency", "column", "n", "n_lead", "n_issuer", "rank", "col_order"])
    order = body_ranking(rows)[:top]
    rows = rows[rows.agency.isin(order)]
    key = "year" if by == "year" else "doc_id"
    if by != "year":
        busiest = rows.doc_id.value_counts().sort_index().sort_values(ascending=False, kind="stable")
        rows = rows[rows.doc_id.isin(busiest[busiest > 0].index[:max_documents])]
    # A (measure, body) row is unique, so counting rows counts measures.
    grid = rows.assign(is_lead=rows.role.eq("lead"), is_issuer=rows.role.eq("issuer")).groupby(["agency", key], dropna=False).agg(
        n=("measure_id", "size"), n_lead=("is_lead", "sum"), n_issuer=("is_issuer", "sum")).reset_index()
    grid = grid[grid.n > 0].astype({"agency": object})
    if by == "year":
        grid["column"] = grid.year.map(lambda y: str(int(y)) if pd.notna(y) else "年份不详")
        columns = sorted(grid.column.unique())
    else:
        docs = documents.set_index("doc_id")
        used = pd.Series(grid.doc_id.unique())
        labels = dict(zip(used, unique_labels(pd.Series([doc_label(docs.title.get(d, d), docs.year.get(d)) for d in used]), used)))
        grid["column"] = grid.doc_id.map(labels).astype(object)
        known = docs.reindex(list(labels))
        columns = [labels[d] for d in known.sort_values(["year", "title"]).index]
    grid = grid.drop(columns=key)
    grid["rank"] = grid.agency.map({a: i for i, a in enumerate(order)})
    grid["col_order"] = grid.column.map({c: i for i, c in enumerate(columns)})
    return grid.sort_values(["rank", "col_order"], ignore_index=True)


def body_options(rows: pd.DataFrame) -> list[str]:
    """Every body of body_rows, busiest first: the choices of 单个机构."""
    return body_ranking(rows)


def default_body(options: list[str], chosen: tuple[str, ...]) -> str | None:
    """The first body of the agencies filter that the view holds, else the busiest."""
    return next((a for a in chosen if a in options), options[0] if options else None)


def body_measures(measures: pd.DataFrame, documents: pd.DataFrame, agency: str, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """The body's measures for display: 编号, 措施, 角色, 类型, 年份, 文件 (document order)."""
    picked = _carrying(measures, agency, [*BODY_ROW_COLUMNS, "ordinal", "outline", "heading", "kind"], bodies)
    rows = body_rows(picked)
    rows = rows[rows.agency == agency].set_index("measure_id")
    picked = picked.loc[picked[["year", "doc_id", "ordinal"]].sort_values(["year", "doc_id", "ordinal"]).index]  # keys only
    titles = documents.set_index("doc_id").title
    return pd.DataFrame({
        "编号": picked.outline.fillna(""), "措施": picked.heading,
        "角色": picked.measure_id.map(rows.role).map(ROLE_SHORT),
        "类型": picked.kind.map(KIND_LABELS).fillna(picked.kind), "年份": picked.year,
        "文件": picked.doc_id.map(titles).fillna(picked.doc_id),
    }).reset_index(drop=True)


def body_targets(targets: pd.DataFrame, measures: pd.DataFrame, agency: str, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """Targets attached to the body's measures: 指标, 数值 (masked values as written), 单位, 目标年份, 措施.
    `bodies` as for body_rows."""
    own = _carrying(measures, agency, ["measure_id", "heading"], bodies).set_index("measure_id").heading
    # Index lookup, not Series.isin: isin converts each of tens of thousands of ids to an Arrow scalar.
    picked = targets[own.index.get_indexer(targets.measure_id) >= 0]
    shown = picked.value_low.map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return pd.DataFrame({
        "指标": picked.indicator, "数值": shown.where(~picked.masked, picked["mask"] + "（原文遮盖）"), "单位": picked.unit,
        "目标年份": picked.target_year.map(lambda y: "" if pd.isna(y) else str(int(y))),
        "措施": picked.measure_id.map(own),
    }).reset_index(drop=True)


def _carrying(measures: pd.DataFrame, agency: str, columns: list[str], bodies: LabelIndex | None) -> pd.DataFrame:
    """The measures whose canonical bodies include `agency`, with only the given columns (filtering
    copies each column, and a busy body holds a third of 380,000 measures)."""
    return measures.loc[(bodies or index_labels(measures["agencies"])).rows_with(agency.__eq__), columns]


def body_partners(measures: pd.DataFrame, agency: str, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """Bodies named in the same 责任单位 phrase as `agency`: 机构, 共同措施数 (most shared first)."""
    edges = co_responsibility_edges(measures, bodies)
    mine = edges[(edges.source == agency) | (edges.target == agency)]
    partner = np.where(mine.source == agency, mine.target, mine.source)
    frame = pd.DataFrame({"机构": partner, "共同措施数": mine.n.to_numpy()})
    return frame.sort_values(["共同措施数", "机构"], ascending=[False, True], ignore_index=True)


def written_forms(measures: pd.DataFrame, documents: pd.DataFrame, agency: str, bodies: LabelIndex | None = None) -> list[str]:
    """How the view's texts write the body: 责任单位 entries as written, and the issuer line of the
    documents it answers for as issuer (e.g. 市科委 for 市科技局)."""
    measures = _carrying(measures, agency, ["doc_id", "agencies", "agencies_raw", "agency_source"], bodies)
    phrase = measures[measures.agency_source == "phrase"]
    forms = set(_written_as(pa.array(phrase.agencies_raw.array), pa.array(phrase.agencies.array), agency))
    issued = measures[measures.agency_source == "issuer"]
    # unique() first: isin turns each of up to ~100,000 Arrow strings into a Python object (0.27 s)
    forms.update(documents[documents.doc_id.isin(issued.doc_id.unique())].issuer.dropna())
    forms.discard(agency)
    return sorted(forms)


def _written_as(raw: pa.ListArray, canonical: pa.ListArray, agency: str) -> list[str]:
    """The raw items whose canonical counterpart is `agency`, in rows where the two lists run parallel
    (same length); one pass of Arrow kernels, not a Python loop over a busy body's ~100,000 rows."""
    parallel = pc.fill_null(pc.equal(pc.list_value_length(raw), pc.list_value_length(canonical)), False)
    raw, canonical = pc.list_flatten(raw.filter(parallel)), pc.list_flatten(canonical.filter(parallel))
    return pc.unique(raw.filter(pc.fill_null(pc.equal(canonical, agency), False))).drop_null().to_pylist()


def body_profile(agencies: pd.DataFrame, agency: str, written=()) -> dict[str, str]:
    """Level, written forms (table aliases and `written`) and former names, for display ('—' if none)."""
    table = agencies.set_index("agency")
    known = agency in table.index
    aliases = [*(table.at[agency, "aliases"] if known else ()), *written]
    formers = table.at[agency, "renamed_from"] if known else ()
    return {"层级": (table.at[agency, "level"] if known else None) or "—",
            "原文写法": "、".join(dict.fromkeys(a for a in aliases if a != agency)) or "—",
            "曾用名": "、".join(formers) or "—"}


# Figures ------------------------------------------------------------------------------------------

def workload_bars(frame: pd.DataFrame, notes: dict[str, str] | None = None) -> go.Figure | None:
    """Stacked horizontal bars per body (lead / named / issuer, the last hatched), busiest on top.
    Bodies in `notes` (merged former names) get a * and the note under the axis."""
    if frame.empty:
        return None
    notes = notes or {}
    order = list(dict.fromkeys(frame.agency))
    fig = go.Figure()
    for role in ROLES:
        part = frame[frame.role == role]
        if part.empty:
            continue
        issuer = role == "issuer"
        fig.add_trace(go.Bar(
            x=part.n, y=part.agency, orientation="h", name=ROLE_LABELS[role], customdata=part[["agency", "total"]].values,
            marker={"color": ROLE_COLORS[role], "line": {"color": ISSUER_LINE if issuer else ROLE_COLORS[role], "width": 1},
                    "pattern": {"shape": "/" if issuer else "", "fgcolor": ISSUER_LINE, "size": 6}},
            hovertemplate=f"%{{y}}：%{{x}} 条措施（{ROLE_LABELS[role]}），共 %{{customdata[1]}} 条<extra>点击筛选</extra>"))
    totals = frame.drop_duplicates("agency")
    fig.add_trace(go.Scatter(x=totals.total, y=totals.agency, mode="text", text=totals.total, textposition="middle right",
                             customdata=totals[["agency"]].values, showlegend=False, hoverinfo="skip", cliponaxis=False))
    fig.update_layout(barmode="stack", bargap=0.25, legend={"traceorder": "normal"})
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], tickvals=order,
                     ticktext=[f"{a} *" if a in notes else a for a in order], title=None, automargin=True)
    lines = ["；".join(list(notes.values())[i: i + 3]) for i in range(0, len(notes), 3)]  # 3 notes a line fit 1,000 px
    title = "措施数" + "".join(f"<br><sup>{'* ' if i == 0 else ''}{line}</sup>" for i, line in enumerate(lines))
    fig.update_xaxes(title=title, range=[0, frame.total.max() * 1.12])
    return fig


CLOSING = "”’）》」』、，。；："  # never the first character of a line


def tick_label(column: str, width: int = 8) -> str:
    """A grid column label on several short lines: the year, then the title in ~`width`-character pieces."""
    year, _, title = column.partition("·")
    lines: list[str] = []
    for i in range(0, len(title), width):
        piece = title[i: i + width]
        while lines and piece and piece[0] in CLOSING:
            lines[-1], piece = lines[-1] + piece[0], piece[1:]
        if piece:
            lines.append(piece)
    return "<br>".join([year, *lines])


def workload_grid_figure(grid: pd.DataFrame, by: str = "doc_id") -> go.Figure | None:
    """Bodies × documents as sized dots (a scatter, so a click filters); hollow = only issuer-fallback measures."""
    if grid.empty:
        return None
    bodies = list(dict.fromkeys(grid.agency))
    columns = list(grid.sort_values("col_order").column.unique())
    biggest = grid.n.max()
    fig = go.Figure()
    for issuer_only, part in grid.groupby(grid.n_issuer == grid.n, sort=True):
        fig.add_trace(go.Scatter(
            x=part.column, y=part.agency, mode="markers+text", text=part.n, textposition="middle center",
            textfont={"color": "#333" if issuer_only else "white", "size": 11},
            # 18 px holds a two-digit count; 30 px stays inside a 32 px row
            marker={"size": 18 + 12 * np.sqrt(part.n / biggest),
                    "color": ROLE_COLORS["issuer"] if issuer_only else ROLE_COLORS["lead"],
                    "line": {"width": 1.5, "color": ISSUER_LINE if issuer_only else ROLE_COLORS["lead"]}},
            customdata=part[["agency", "column", "n", "n_lead", "n_issuer"]].values,
            name=ROLE_LABELS["issuer"] if issuer_only else "写明为责任单位（可含部分按发文机关计）",
            hovertemplate="%{customdata[0]} · %{customdata[1]}<br>%{customdata[2]} 条措施（牵头 %{customdata[3]}，"
                          "按发文机关计 %{customdata[4]}）<extra>点击筛选</extra>"))
    wrapped = by == "doc_id" and len(columns) <= WRAPPED_COLUMNS  # many columns: one slanted line each
    fig.update_xaxes(categoryorder="array", categoryarray=columns, tickvals=columns,
                     ticktext=[tick_label(c) if wrapped else c for c in columns], title=None,
                     tickangle=0 if wrapped or by != "doc_id" else SLANTED, showgrid=True, gridcolor="#EEE", automargin=True)
    fig.update_yaxes(categoryorder="array", categoryarray=bodies[::-1], title=None, automargin=True,
                     showgrid=True, gridcolor="#EEE")
    return fig


def node_size(n: int, biggest: int) -> float:
    """Marker diameter in px: area grows with the number of measures, 12–42 px."""
    return 12 + 30 * float(np.sqrt(n / biggest))


EDGE_WIDTHS = 6  # steps of edge width in the co-responsibility network


def network_figure(nodes: pd.DataFrame, edges: pd.DataFrame, positions: dict[str, tuple[float, float]]) -> go.Figure | None:
    """Co-responsibility network: edge width = shared measures, node size = measures, colour = level."""
    if nodes.empty or edges.empty:
        return None
    fig = go.Figure()
    # Widths in EDGE_WIDTHS steps, one trace each: a trace per distinct count was 29 traces at 10,000
    # documents and 60 ms of figure building on every run.
    step = np.ceil(edges.n * EDGE_WIDTHS / edges.n.max()).astype(int)
    for k, group in edges.groupby(step):
        xs, ys = [], []
        for e in group.itertuples():
            xs += [positions[e.source][0], positions[e.target][0], None]
            ys += [positions[e.source][1], positions[e.target][1], None]
        share = k / EDGE_WIDTHS
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line={"width": 0.8 + 5 * share, "color": f"rgba(120,120,120,{0.25 + 0.45 * share:.2f})"}))
    biggest = nodes.n.max()
    sizes = {a: node_size(n, biggest) for a, n in zip(nodes.agency, nodes.n)}
    sides = label_sides({a: positions[a] for a in nodes.agency}, {a: s / 2 for a, s in sizes.items()})
    # Edge facts go in the node hover: hover markers on edges would take clicks meant for the nodes.
    nodes = nodes.assign(partners=nodes.agency.map(top_partners(edges)).fillna("—"))
    for level, part in nodes.groupby("level", sort=False):
        xy = np.array([positions[a] for a in part.agency])
        fig.add_trace(go.Scatter(
            x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=part.agency, textposition=[sides[a] for a in part.agency],
            textfont={"size": 12, "color": "#222"}, name=level, cliponaxis=False,
            marker={"size": [sizes[a] for a in part.agency], "color": NODE_LEVEL_COLORS.get(level, "#9C9C9C"),
                    "line": {"width": 1, "color": "white"}, "opacity": 0.9},
            customdata=part[["agency", "n", "n_shared", "partners"]].values,
            hovertemplate="%{customdata[0]}：写明为责任单位 %{customdata[1]} 条，其中与他部门共同 %{customdata[2]} 条"
                          "<br>共同负责最多：%{customdata[3]}<extra>点击筛选</extra>"))
    fig.update_xaxes(visible=False, range=[-1.15, 1.15])
    fig.update_yaxes(visible=False, range=[-1.12, 1.15])
    return fig
