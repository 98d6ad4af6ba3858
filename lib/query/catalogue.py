"""文件 (catalogue): one row per document with its 文号, issuer, type, level, place, dates, validity and
counts, as officials find documents in 北大法宝; the validity status (时效性) derived from the dates; the
citations in and out of one document for the reader (pure).

时效性 is derived, never printed by the documents, by this rule (today: the server's date):
- 尚未生效 (not yet in force): the document takes effect after today: its 施行日期 (effective_from), else its
  成文日期, is later than today;
- 已失效 (expired): its validity has ended before today: its 有效期至 (effective_until), else the last year of
  its plan period (a plan's span is its validity when none is printed), is earlier than today;
- 现行有效 (in force): otherwise, a document that prints no end of validity included (the tables record
  no repeal, so such a document is taken to be in force).
A partial date is taken at its widest: "2025-07" takes effect on 1 July and ends on 31 July.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib import codes
from lib.query import filters as flt
from lib.query import permalinks
from lib.query.labels import index_labels

IN_FORCE, EXPIRED, NOT_YET = "现行有效", "已失效", "尚未生效"
VALIDITY_STATES = (IN_FORCE, NOT_YET, EXPIRED)
VALIDITY_COLUMN = "时效性（推算）"
VALIDITY_RULE = (
    "时效性按今天的日期推算（非文件所载）：施行日期（未载明时为成文日期）晚于今天为“尚未生效”；"
    "有效期至（未载明时为规划期末年）早于今天为“已失效”；其余为“现行有效”，"
    "含未载明有效期的文件（本库不记录废止）。"
)
NOT_GIVEN = "未载明"
COUNT_COLUMNS = ("措施", "目标", "责任机构")
TITLE_WIDTH, LINK_WIDTH, DATE_WIDTH = 300, 80, 96  # pixels: where the first columns sit is known (browser tests)
FACETS = {
    "文种": "文种",
    "层级": "层级",
    "发文机关": "发文机关",
    VALIDITY_COLUMN: "时效性",
}  # column → its filter's label


def _bound(value: object, end: bool) -> dt.date | None:
    """An ISO date, possibly partial (2021 / 2021-04 / 2021-04-19), as its first day (or its last, `end`);
    None when missing or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parts = [int(p) for p in value.strip().split("-")[:3]]
        year, month, day = (parts + [0, 0])[:3]
        if not month:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if not day:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, day)
    except ValueError:
        return None


def validity(
    issued_date: object, effective_from: object, effective_until: object, period_end: float | None, today: dt.date
) -> str:
    """时效性 of one document by the rule of this module's docstring."""
    start = _bound(effective_from, end=False) or _bound(issued_date, end=False)
    if start is not None and start > today:
        return NOT_YET
    end = _bound(effective_until, end=True)
    if end is None and period_end is not None and not pd.isna(period_end):
        end = dt.date(int(period_end), 12, 31)
    if end is not None and end < today:
        return EXPIRED
    return IN_FORCE


def validity_span(effective_from: object, effective_until: object, period_end: float | None) -> str:
    """有效期 as written: "2025-05-16 至 2027-06-30", "至 2027 年底（规划期末）", or 未载明."""
    start = effective_from if isinstance(effective_from, str) and effective_from else ""
    if isinstance(effective_until, str) and effective_until:
        return f"{start} 至 {effective_until}".strip()
    if period_end is not None and not pd.isna(period_end):
        return f"{start} 至 {int(period_end)} 年底（规划期末）".strip()
    return f"自 {start} 施行" if start else NOT_GIVEN


def in_view(documents: pd.DataFrame, f: flt.Filters) -> np.ndarray:
    """The documents the catalogue lists under the filters that describe documents: 地区, 年份, 文件
    (the others, themes or bodies, select measures, not documents)."""
    mask = flt.in_places(documents, f.jurisdictions)
    if f.years is not None:
        mask &= (documents.year.between(*f.years) | documents.year.isna()).to_numpy(dtype=bool)
    if f.doc_ids:
        mask &= documents.doc_id.isin(f.doc_ids).to_numpy(dtype=bool)
    return mask


def unapplied_filters(f: flt.Filters) -> list[str]:
    """The labels of the active filters the catalogue does not apply (they select measures, not documents)."""
    labels = [label for dim, (_, label, _) in flt.DIMENSIONS.items() if dim != "doc_ids" and getattr(f, dim)]
    if f.kinds != flt.ACTIONABLE_KINDS:
        labels.append("措施类型")
    return [*labels, "全文检索"] if f.search else labels


UNAPPLIED_NOTE = "侧栏的{}筛选针对措施，不缩小文件目录；本页按地区、年份和文件列出文件。"


def written_bodies_per_document(measures: pd.DataFrame) -> pd.Series:
    """doc_id → how many distinct bodies its 责任单位 phrases name (the issuer fallback not counted)."""
    written = measures[measures.agency_source.eq(codes.AgencySource.PHRASE).to_numpy(dtype=bool, na_value=False)]
    pairs = index_labels(written["agencies"]).pairs()
    pairs = pairs.assign(doc_id=written.doc_id.to_numpy()[pairs.row.to_numpy()])
    return pairs.drop_duplicates(["doc_id", "label"]).groupby("doc_id").size()


def catalogue(documents: pd.DataFrame, measures: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """One row per document, Chinese column names, no ids: newest first; 原文 holds its reader URL."""

    def text(column: str) -> pd.Series:
        return documents[column].astype(object).where(documents[column].notna(), "") if column in documents else ""

    period = [
        "" if pd.isna(s) and pd.isna(e) else f"{'' if pd.isna(s) else int(s)}–{'' if pd.isna(e) else int(e)}"
        for s, e in zip(documents.period_start, documents.period_end)
    ]
    effective_from, effective_until = text("effective_from"), text("effective_until")
    bodies = written_bodies_per_document(measures)
    frame = pd.DataFrame(
        {
            "标题": documents.title.to_numpy(),
            permalinks.LINK_COLUMN: [permalinks.document_url(d) for d in documents.doc_id],
            "成文日期": text("issued_date"),
            "文号": text("doc_number"),
            "发文机关": text("issuer"),
            "文种": text("doc_type"),
            "层级": documents.level.map(codes.LEVELS).fillna(documents.level).fillna(""),
            "地区": flt.document_places(documents),
            "规划期": period,
            "有效期": [
                validity_span(a, b, e) for a, b, e in zip(effective_from, effective_until, documents.period_end)
            ],
            VALIDITY_COLUMN: [
                validity(i, a, b, e, today)
                for i, a, b, e in zip(documents.issued_date, effective_from, effective_until, documents.period_end)
            ],
            "措施": documents.n_measures.astype(int),
            "目标": documents.n_targets.astype(int),
            "责任机构": documents.doc_id.map(bodies).fillna(0).astype(int),
        },
        index=documents.index,
    )
    order = documents.issued_date.fillna("").astype(str).argsort(kind="stable")[::-1]
    return frame.iloc[order].reset_index(drop=True)


def narrowed(frame: pd.DataFrame, chosen: Mapping[str, list[str] | tuple[str, ...]]) -> pd.DataFrame:
    """The catalogue rows whose facet columns hold one of the chosen values (a facet left empty: any)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, values in chosen.items():
        if values:
            mask &= frame[column].isin(values).to_numpy(dtype=bool)
    return frame[mask]


def facet_options(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The values each facet offers, most frequent first (时效性 in its own order)."""
    options = {column: [str(v) for v in frame[column][frame[column] != ""].value_counts().index] for column in FACETS}
    options[VALIDITY_COLUMN] = [s for s in VALIDITY_STATES if s in set(frame[VALIDITY_COLUMN])]
    return options


def citations_of(citations: pd.DataFrame, documents: pd.DataFrame, doc_id: str) -> tuple[list[dict], list[dict]]:
    """(本文引用, 被引用) of one document: what it cites (a document of the tables with its reader URL, or an
    outside one by title and 文号), and the documents of the tables that cite it."""
    titles = documents.set_index("doc_id").title
    cites, cited_by = [], []
    for row in citations[citations.from_doc_id == doc_id].itertuples():
        resolved = row.resolved_doc_id if isinstance(row.resolved_doc_id, str) and row.resolved_doc_id else None
        cites.append(
            {
                "title": titles[resolved] if resolved in titles.index else _text(row.cited_title),
                "number": _text(row.cited_number),
                "url": permalinks.document_url(resolved) if resolved and resolved in titles.index else "",
            }
        )
    for from_doc in dict.fromkeys(citations.from_doc_id[citations.resolved_doc_id == doc_id]):
        if from_doc in titles.index:
            number = documents.doc_number[documents.doc_id == from_doc].iloc[0]
            cited_by.append(
                {
                    "title": titles[from_doc],
                    "number": _text(number),
                    "url": permalinks.document_url(from_doc),
                }
            )
    return cites, cited_by


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
