"""部门任务 (body workload) as tables: which bodies carry the measures, in which role, with whom, in which
documents (pure pandas and Arrow, tested). lib/charts/agencies.py draws them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib import codes
from lib.codes import AgencySource
from lib.contract import parse_renamed_from, renaming_label
from lib.query import permalinks
from lib.query.filters import KIND_LABELS
from lib.query.labels import LabelIndex, index_labels
from lib.query.network import co_responsibility_edges
from lib.query.views import MAX_DOCUMENT_COLUMNS, unique_labels

# 角色 (role) of a body in a measure. "lead" only where the text names a 牵头 body (lead_agency);
# "issuer" where no 责任单位 phrase exists and the issuing body answers for the measure.
ROLES = ("lead", "named", "issuer")


ROLE_LABELS = codes.BODY_ROLES  # data/codes.yaml: its issuer label is agency_source's


ROLE_SHORT = {"lead": "牵头", "named": "责任单位", "issuer": "按发文机关计"}


GRID_BY = {"doc_id": "文件", "year": "年份"}


BODY_ROW_COLUMNS = ["measure_id", "doc_id", "year", "agencies", "lead_agency", "agency_source"]  # what body_rows reads


def body_rows(measures: pd.DataFrame, bodies: LabelIndex | None = None) -> pd.DataFrame:
    """One row per (measure, body): measure_id, doc_id, year, agency, role. Text columns are Categoricals:
    at 10,000 documents there are ~470,000 pairs, and copying strings for each was most of the page.
    `bodies`: the LabelIndex of measures.agencies if at hand (built here otherwise)."""
    pairs = (bodies or index_labels(measures["agencies"])).pairs()  # each body once per measure
    rows, agency = pairs.row.to_numpy(), pairs.label.array
    lead = pd.Categorical(measures.lead_agency, categories=agency.categories).codes[rows]
    issuer = measures.agency_source.eq(AgencySource.ISSUER).to_numpy(dtype=bool, na_value=False)[rows]
    role = np.where(
        issuer, ROLES.index("issuer"), np.where(agency.codes == lead, ROLES.index("lead"), ROLES.index("named"))
    )
    return pd.DataFrame(
        {
            "measure_id": _taken(measures.measure_id, rows),
            "doc_id": _taken(measures.doc_id, rows),
            "year": measures.year.to_numpy(dtype=float, na_value=np.nan)[rows],
            "agency": agency,
            "role": pd.Categorical.from_codes(role, categories=list(ROLES)),
        }
    )


def _taken(column: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """column[rows] as a Categorical (integer codes are taken, not strings)."""
    codes, uniques = pd.factorize(column)
    return pd.Categorical.from_codes(codes[rows], categories=pd.Index(uniques, dtype=object))


def headline(measures: pd.DataFrame, bodies: LabelIndex | None = None) -> dict[str, int]:
    """The page's headline counts: bodies, and measures by how their body is known (`bodies` as for body_rows)."""
    source = measures.agency_source.to_numpy()
    bodies = bodies or index_labels(measures["agencies"])
    bodies_per_measure = np.bincount(bodies.rows, minlength=bodies.n_rows)
    return {
        "涉及机构": len(bodies.counts()),
        "写明责任单位的措施": int((source == AgencySource.PHRASE).sum()),
        "其中多部门共同负责": int(((source == AgencySource.PHRASE) & (bodies_per_measure > 1)).sum()),
        "按发文机关计的措施": int((source == AgencySource.ISSUER).sum()),
        "未归属机构的措施": int((source == AgencySource.NONE).sum()),
    }


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
        parts = [renaming_label(parse_renamed_from(former)) for former in (formers if formers is not None else ())]
        if parts:
            notes[body] = f"{'、'.join(parts)}与{body}合并计数"
    return notes


def doc_label(title: str, year) -> str:
    """A document as a short axis label: year and the title without 天津市, cut at 14 characters."""
    short = re.sub(r"^天津市", "", title)
    short = short if len(short) <= 14 else short[:14] + "…"
    return f"{int(year) if pd.notna(year) else '年份不详'}·{short}"


def workload_grid(
    rows: pd.DataFrame,
    documents: pd.DataFrame,
    by: str = "doc_id",
    include_issuer: bool = True,
    top: int = 20,
    max_documents: int = MAX_DOCUMENT_COLUMNS,
) -> pd.DataFrame:
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
    grid = (
        rows.assign(is_lead=rows.role.eq("lead"), is_issuer=rows.role.eq("issuer"))
        .groupby(["agency", key], dropna=False)
        .agg(n=("measure_id", "size"), n_lead=("is_lead", "sum"), n_issuer=("is_issuer", "sum"))
        .reset_index()
    )
    grid = grid[grid.n > 0].astype({"agency": object})
    if by == "year":
        grid["column"] = grid.year.map(lambda y: str(int(y)) if pd.notna(y) else "年份不详")
        columns = sorted(grid.column.unique())
    else:
        docs = documents.set_index("doc_id")
        used = pd.Series(grid.doc_id.unique())
        labels = dict(
            zip(used, unique_labels(pd.Series([doc_label(docs.title.get(d, d), docs.year.get(d)) for d in used]), used))
        )
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


def body_measures(
    measures: pd.DataFrame, documents: pd.DataFrame, agency: str, bodies: LabelIndex | None = None
) -> pd.DataFrame:
    """The body's measures for display: 编号, 措施, 角色, 类型, 年份, 文件 (document order)."""
    picked = _carrying(measures, agency, [*BODY_ROW_COLUMNS, "ordinal", "outline", "heading", "kind"], bodies)
    rows = body_rows(picked)
    rows = rows[rows.agency == agency].set_index("measure_id")
    picked = picked.loc[
        picked[["year", "doc_id", "ordinal"]].sort_values(["year", "doc_id", "ordinal"]).index
    ]  # keys only
    titles = documents.set_index("doc_id").title
    return pd.DataFrame(
        {
            "编号": picked.outline.fillna(""),
            "措施": picked.heading,
            "角色": picked.measure_id.map(rows.role).map(ROLE_SHORT),
            "类型": picked.kind.map(KIND_LABELS).fillna(picked.kind),
            "年份": picked.year,
            "文件": picked.doc_id.map(titles).fillna(picked.doc_id),
            permalinks.LINK_COLUMN: permalinks.measure_links(picked.measure_id),
        }
    ).reset_index(drop=True)


def body_targets(
    targets: pd.DataFrame, measures: pd.DataFrame, agency: str, bodies: LabelIndex | None = None
) -> pd.DataFrame:
    """Targets attached to the body's measures: 指标, 数值 (masked values as written), 单位, 目标年份, 措施.
    `bodies` as for body_rows."""
    own = _carrying(measures, agency, ["measure_id", "heading"], bodies).set_index("measure_id").heading
    # Index lookup, not Series.isin: isin converts each of tens of thousands of ids to an Arrow scalar.
    picked = targets[own.index.get_indexer(targets.measure_id) >= 0]
    shown = picked.value_low.map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return pd.DataFrame(
        {
            "指标": picked.indicator,
            "数值": shown.where(~picked.masked, picked["mask"] + "（原文遮盖）"),
            "单位": picked.unit,
            "目标年份": picked.target_year.map(lambda y: "" if pd.isna(y) else str(int(y))),
            "措施": picked.measure_id.map(own),
            permalinks.LINK_COLUMN: permalinks.target_links(picked.target_id),
        }
    ).reset_index(drop=True)


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


def written_forms(
    measures: pd.DataFrame, documents: pd.DataFrame, agency: str, bodies: LabelIndex | None = None
) -> list[str]:
    """How the view's texts write the body: 责任单位 entries as written, and the issuer line of the
    documents it answers for as issuer (e.g. 市科委 for 市科技局)."""
    measures = _carrying(measures, agency, ["doc_id", "agencies", "agencies_raw", "agency_source"], bodies)
    phrase = measures[measures.agency_source == "phrase"]
    forms = set(_written_as(pa.array(phrase.agencies_raw.array), pa.array(phrase.agencies.array), agency))
    issued = measures[measures.agency_source == AgencySource.ISSUER]
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
    return {
        "层级": (table.at[agency, "level"] if known else None) or "—",
        "原文写法": "、".join(dict.fromkeys(a for a in aliases if a != agency)) or "—",
        "曾用名": "、".join(formers) or "—",
    }
