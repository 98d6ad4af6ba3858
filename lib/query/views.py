"""Named reshaping steps between the filtered tables and the charts (pure pandas, tested)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib import codes
from lib.codes import WRITTEN_SOURCES, AgencySource
from lib.query import permalinks
from lib.query.labels import LabelIndex, index_labels, label_counts

LEVEL_LABELS = codes.LEVELS  # data/codes.yaml, as the other labels of codes below
# st.dataframe sends every row to the browser; past a few thousand rows it only slows the page down,
# and the exports carry all of them.
TABLE_MAX_ROWS = 2_000
# A grid with one column per document: a column is ~35 px on a 1,400 px plot, so past ~40 the labels
# overlap and the grid is noise; the grids keep the busiest documents and say so.
MAX_DOCUMENT_COLUMNS = 40
# Up to this many document columns a label wraps on short lines under its column; more columns get
# one-line labels at an angle, or neighbouring labels run into each other.
WRAPPED_COLUMNS = 8
DATE_SOURCE_LABELS = codes.DATE_SOURCES


def unique_labels(labels: pd.Series, doc_ids: pd.Series) -> pd.Series:
    """Axis labels that stay one column per document: a label two documents share gets each doc_id's
    first characters appended."""
    clash = labels.duplicated(keep=False)
    return labels.where(~clash, labels + "·" + doc_ids.str[:4])


def count_labels(
    measures: pd.DataFrame, column: str, top: int | None = None, indexes: Mapping[str, LabelIndex] | None = None
) -> pd.DataFrame:
    """How many measures carry each label of a list column: columns label, n (descending, ties A→Z).
    `indexes`: LabelIndexes of the table `measures` was filtered from (store.label_indexes()), so the
    lists are not exploded again."""
    counts = label_counts(measures, column, (indexes or {}).get(column))
    frame = pd.DataFrame({"label": list(counts), "n": list(counts.values())}).astype({"label": object, "n": int})
    return frame.head(top) if top else frame


def count_bodies(
    measures: pd.DataFrame, top: int | None = None, indexes: Mapping[str, LabelIndex] | None = None
) -> pd.DataFrame:
    """Measures per body, written responsibility apart from the fallback: label, n_written (a 责任单位 phrase
    names the body, the item's own or an earlier one's 下同), n_issuer (no body written: counted for the issuing body), n (both), busiest first."""
    source = measures.agency_source
    written = count_labels(
        measures[source.isin(WRITTEN_SOURCES).to_numpy(dtype=bool, na_value=False)], "agencies", indexes=indexes
    )
    fallback = count_labels(
        measures[source.eq(AgencySource.ISSUER).to_numpy(dtype=bool, na_value=False)], "agencies", indexes=indexes
    )
    frame = (
        written.set_index("label")
        .n.rename("n_written")
        .to_frame()
        .join(fallback.set_index("label").n.rename("n_issuer"), how="outer")
        .fillna(0)
        .astype(int)
    )
    frame["n"] = frame.n_written + frame.n_issuer
    frame = frame.rename_axis("label").reset_index().sort_values(["n", "label"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True).head(top) if top else frame.reset_index(drop=True)


FALLBACK_NOTE = "（未写明责任单位，按发文机关计）"
CARRIED_NOTE = "（沿用上文责任单位）"


def bodies_shown(measures: pd.DataFrame) -> pd.Series:
    """Each measure's bodies as one line for a table, a body the text never names marked as the fallback and
    one an earlier item's 下同 gives marked as carried."""
    # astype: mapping no rows gives float64, to which no note can be added (a district chosen, nothing left)
    names = measures.agencies.map(lambda bodies: "、".join(bodies) if len(bodies) else "未写明").astype(object)
    source = measures.agency_source
    names = names.where(source.ne(AgencySource.ISSUER).to_numpy(dtype=bool, na_value=True), names + FALLBACK_NOTE)
    return names.where(source.ne(AgencySource.CARRIED).to_numpy(dtype=bool, na_value=True), names + CARRIED_NOTE)


def headline(view: dict[str, pd.DataFrame], indexes: Mapping[str, LabelIndex] | None = None) -> dict[str, str]:
    """The overview's headline figures for the filtered view (`indexes` as for count_labels)."""
    measures, documents = view["measures"], view["documents"]
    bodies = count_bodies(measures, indexes=indexes)
    districts = count_labels(measures, "districts", indexes=indexes)
    years = documents.year.dropna()
    if not len(years):
        span = "—"
    else:
        first, last = int(years.min()), int(years.max())
        span = str(first) if first == last else f"{first}–{last % 100:02d}"
    return {
        "文件": f"{len(documents)}",
        "措施": f"{len(measures)}",
        "目标/参数": f"{len(view['targets'])}",
        "写明的责任机构": f"{int((bodies.n_written > 0).sum())}",
        "涉及区": f"{len(districts)}",
        "年份": span,
    }


def first_in_reading_order(measures: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The first `limit` measures by year, document and position in it (all when no limit)."""
    # Sort the keys alone, then take the rows: sorting the frame would copy every column first.
    return measures.loc[
        measures[["year", "doc_id", "ordinal"]].sort_values(["year", "doc_id", "ordinal"]).index[:limit]
    ]


def document_facts(doc: pd.Series) -> dict[str, str]:
    """The reader's facts about one row of documents, a missing value said in words: pandas reads a missing
    文号 as NaN, which is truthy and printed "nan", and a plan period as float ("2021.0")."""

    def given(value) -> bool:
        return not pd.isna(value) and value != ""

    start, end = (int(y) if given(y) else None for y in (doc.period_start, doc.period_end))
    period = "—" if start is None and end is None else f"{start or ''}–{end or ''}"
    date = doc.issued_date if given(doc.issued_date) else "不详"
    return {
        "文号": doc.doc_number if given(doc.doc_number) else "未载明",
        "发文机关": doc.issuer if given(doc.issuer) else "未载明",
        "日期": f"{date}（{DATE_SOURCE_LABELS.get(doc.date_source, '未知')}）",
        "规划期": period,
        "文种": doc.doc_type if given(doc.doc_type) else "未载明",
    }


def year_text(years: pd.Series) -> pd.Series:
    """Years as text, "年份不详" where missing: the year column is float (NaN) once any year is missing,
    and would otherwise read "2021.0" and "nan"."""
    return years.astype("Int64").astype("string").fillna("年份不详")


def short_titles(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id → "2021·" and the title's first 24 characters ("年份不详·…" when undated), for filter
    labels and chart subtitles."""
    years = year_text(documents.year)
    return {
        doc_id: f"{year}·{title[:24]}"
        for doc_id, year, title in zip(documents.doc_id.tolist(), years.tolist(), documents.title.tolist())
    }


def timeline(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per document for the 2018→2025 timeline, with readable labels and date provenance."""
    return placed_on_timeline(timeline_points(documents))


def timeline_points(documents: pd.DataFrame) -> pd.DataFrame:
    """timeline's columns that each document has on its own (labels, date, hover), in the documents' order:
    computed once for the whole table, a view's are taken by position (placed_on_timeline does the rest)."""
    frame = documents[
        ["doc_id", "title", "year", "issued_date", "level", "doc_type", "n_measures", "date_source", "date_evidence"]
    ].copy()
    frame["level_label"] = frame.level.map(LEVEL_LABELS).fillna(frame.level)
    frame["date_label"] = frame.date_source.map(DATE_SOURCE_LABELS).fillna("未知")
    frame["short_title"] = frame.title.map(point_label)
    frame["when"] = frame.issued_date.map(_date_for_axis)
    frame["hover"] = [
        f"{title}<br>{doc_type or '其他'}，{n} 条措施<br>日期：{issued or '不详'}（{source}）"
        for title, doc_type, n, issued, source in zip(
            frame.title, frame.doc_type, frame.n_measures, frame.issued_date, frame.date_label
        )
    ]
    return frame


def placed_on_timeline(points: pd.DataFrame) -> pd.DataFrame:
    """Rows of timeline_points in time order, each with its label's position among the rows shown."""
    frame = points.sort_values("when")
    # Neighbours on the same row alternate their labels above and below, so close dates stay legible; near
    # the axis's end a label runs inwards, or the figure's edge would cut it.
    above = frame.groupby("level").cumcount() % 2 == 0
    frame["label_position"] = [
        f"{'top' if top else 'bottom'} {side}" for top, side in zip(above, label_sides(frame.when))
    ]
    return frame


EDGE_SHARE = 0.2  # a centred 18-character label is about a fifth of a full-width axis of 8 years


def label_sides(when: pd.Series) -> pd.Series:
    """Horizontal side of each point's label: "left" (the label ends at its point) in the last EDGE_SHARE of the
    dated span, where the figure's narrow right margin would cut a centred label; "center" elsewhere (the left
    end has the axis labels' margin) and where no date is known."""
    sides = pd.Series("center", index=when.index)
    dated = when.dropna()
    if dated.empty:
        return sides
    low, high = dated.min() - pd.DateOffset(years=1), dated.max() + pd.DateOffset(years=1)
    sides[when > high - (high - low) * EDGE_SHARE] = "left"
    return sides


POINT_LABEL_CHARS = 18
# A number (or its masked digits) is never cut in two: "…会议第0" would read as a different number.
NUMBER_CHARACTER = "[0-9０-９*＊×Xx〇零一二三四五六七八九十百]"


def point_label(title: str) -> str:
    """A document's name beside its point: without a trailing （…） (its period is on the axis), at most
    POINT_LABEL_CHARS characters, and a cut says so with … and never falls inside a number."""
    name = re.sub(r"（[^）]*）$", "", title or "")
    if len(name) <= POINT_LABEL_CHARS:
        return name
    kept = name[: POINT_LABEL_CHARS - 1]
    if re.fullmatch(NUMBER_CHARACTER, kept[-1]) and re.fullmatch(NUMBER_CHARACTER, name[len(kept)]):
        kept = re.sub(NUMBER_CHARACTER + "+$", "", kept)
    return kept + "…"


def _date_for_axis(issued: str | None) -> pd.Timestamp | None:
    """A partial date on a time axis: a year alone sits mid-year, a month mid-month; no date, no point."""
    if not isinstance(issued, str) or not issued:
        return None
    parts = str(issued).split("-")
    year, month, day = (
        int(parts[0]),
        int(parts[1]) if len(parts) > 1 else 7,
        int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1),
    )
    return pd.Timestamp(year=year, month=month, day=day)


def quality_columns(documents: pd.DataFrame) -> pd.DataFrame:
    """quality's columns that each document has on its own, in the documents' order (index kept): computed
    once for the whole table, a view's are taken by position (quality_at)."""
    return pd.DataFrame(
        {
            "文件": documents.title,
            "年份": documents.year,
            "日期来源": documents.date_source.map(DATE_SOURCE_LABELS).fillna("未知"),
            "缺失或略去的部分": documents.missing_parts.map(len),
            "截断": documents.truncated.map({True: codes.YES, False: codes.NO}),
            "提示": documents.warnings.map(lambda w: "；".join(list(w)[:3])),
        }
    )


def quality_at(
    columns: pd.DataFrame, masked_per_document: np.ndarray, garbled_per_document: np.ndarray, documents: np.ndarray
) -> pd.DataFrame:
    """quality of a view from row positions: `columns` = quality_columns(the whole documents table), the
    view's masked values and garbled measures counted per document position (per_document), and the
    view's document positions."""
    frame = columns.iloc[documents]
    frame.insert(3, "遮盖的数值", masked_per_document[documents].astype(int))
    frame.insert(6, "含乱码的措施", garbled_per_document[documents].astype(int))
    return frame.reset_index(drop=True)


def per_document(document_of_row: np.ndarray, counted: np.ndarray, n_documents: int) -> np.ndarray:
    """How many rows of a child table count per document: `document_of_row` is each row's document position
    (-1: none), `counted` whether (or how much) the row counts."""
    known = document_of_row >= 0
    return np.bincount(document_of_row[known], weights=counted[known], minlength=n_documents)


def quality(view: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Data-quality facts per document, so nobody is misled: masks, inferred dates, gaps, truncation."""
    documents, targets, measures = view["documents"], view["targets"], view["measures"]
    masked = targets.groupby("doc_id").masked.sum()
    garbled = (
        (measures.warnings.list.len() > 0).astype(int).groupby(measures.doc_id).sum()
    )  # Arrow lists: no Python loop
    return pd.DataFrame(
        {
            "文件": documents.title,
            "年份": documents.year,
            "日期来源": documents.date_source.map(DATE_SOURCE_LABELS).fillna("未知"),
            "遮盖的数值": documents.doc_id.map(masked).fillna(0).astype(int),
            "缺失或略去的部分": documents.missing_parts.map(len),
            "截断": documents.truncated.map({True: codes.YES, False: codes.NO}),
            "含乱码的措施": documents.doc_id.map(garbled).fillna(0).astype(int),
            "提示": documents.warnings.map(lambda w: "；".join(list(w)[:3])),
        }
    ).reset_index(drop=True)


TARGET_KIND_LABELS = codes.TARGET_KINDS
COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "=": "", "range": ""}


VALUE_TEXT_COLUMNS = ("kind", "unit", "comparator", "masked", "mask", "mask_magnitude", "value_low", "value_high")


def value_text(row) -> str:
    """How a target's value reads on screen: '≥3.2%', '1–2家', masked '****亿元（遮盖：4位数（1000–9999））'.
    Takes a row of itertuples() or a Series (read as a dict: Series.mask is a method, not the column)."""
    r = row._asdict() if hasattr(row, "_asdict") else dict(row)
    unit = r["unit"] if isinstance(r["unit"], str) else ""
    sign = COMPARATOR_SIGNS.get(r["comparator"], "") if isinstance(r["comparator"], str) else ""
    if r["kind"] == "qualitative_goal":
        return "（无数值）"
    if r["masked"]:
        magnitude = f"（遮盖：{r['mask_magnitude']}）" if isinstance(r["mask_magnitude"], str) else "（遮盖）"
        return f"{sign}{r['mask']}{unit}{magnitude}"
    low, high = r["value_low"], r["value_high"]
    number = _number(low) if low == high or pd.isna(high) else f"{_number(low)}–{_number(high)}"
    return f"{sign}{number}{unit}"


def _number(value: float) -> str:
    return f"{value:g}" if pd.notna(value) else "?"


def targets_table(targets: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The targets as officials read them, each row linking to its sentence in the reader."""
    titles = documents.set_index("doc_id").title
    frame = targets.assign(
        类型=targets.kind.map(TARGET_KIND_LABELS),
        指标=targets.indicator,
        数值=[value_text(r) for r in targets.itertuples()],
        目标年份=[
            ("遮盖" if m else "—") if pd.isna(y) else str(int(y))
            for y, m in zip(targets.target_year, targets.year_masked)
        ],
        范围=targets.scope,
        每年=targets.periodicity.fillna(""),
        原句=targets.raw,
        文件=targets.doc_id.map(titles),
        原文=permalinks.target_links(targets.target_id),
    )
    return frame[["类型", "指标", "数值", "目标年份", "范围", "每年", "原句", "文件", "原文"]]


def targets_by_year(targets: pd.DataFrame) -> pd.DataFrame:
    """Count of quantified targets per target year and kind, masked ones apart (year '遮盖'/'未写')."""
    quantified = targets[targets.kind != "qualitative_goal"]
    year = [
        ("遮盖" if m else "未写年份") if pd.isna(y) else str(int(y))
        for y, m in zip(quantified.target_year, quantified.year_masked)
    ]
    frame = quantified.assign(year_label=year, value_state=quantified.masked.map({True: "数值遮盖", False: "数值可见"}))
    return frame.groupby(["year_label", "value_state"]).size().rename("n").reset_index()


def district_counts(measures: pd.DataFrame, documents: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """Measures concerning each of the 16 districts, split by where they come from: the district's own
    documents or municipal (and higher) documents that name the district or a place inside it."""
    pairs = index_labels(measures["districts"]).pairs()
    own = measures.doc_id.map(documents.set_index("doc_id").district).to_numpy()[pairs.row.to_numpy()]
    frame = pd.DataFrame(
        {
            "district": pairs.label.to_numpy(),
            "source": np.where(own == pairs.label.to_numpy(), "区级文件", "市级等文件提及"),
        }
    )
    table = frame.groupby(["district", "source"]).size().unstack(fill_value=0) if len(frame) else pd.DataFrame()
    return _district_table(table, districts)


def district_counts_at(
    index: LabelIndex, rows: np.ndarray, own_district: np.ndarray, districts: list[str]
) -> pd.DataFrame:
    """district_counts of the measures at `rows` (positions in the whole table) without exploding their lists:
    `index` is the whole table's districts index, `own_district` each measure's document's district as a
    position in index.names (-1: none), both once per build."""
    view = index.within(rows)
    own = own_district[rows][view.rows] == view.codes
    n = len(index.names)
    own_n, other_n = np.bincount(view.codes[own], minlength=n), np.bincount(view.codes[~own], minlength=n)
    seen = (own_n + other_n) > 0
    if not seen.any():
        return _district_table(pd.DataFrame(), districts)
    table = pd.DataFrame(
        {"区级文件": own_n[seen], "市级等文件提及": other_n[seen]},
        index=pd.Index(index.names[seen], name="district"),
    )
    return _district_table(table.rename_axis(columns="source"), districts)


def _district_table(table: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    table = table.reindex(districts, fill_value=0).reindex(columns=["区级文件", "市级等文件提及"], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.rename_axis("district").reset_index()


def decimal_year(issued: str | None, year) -> float:
    """A partial date as a year fraction: a year alone sits mid-year (as on the overview timeline)."""
    if not (isinstance(issued, str) and issued) and pd.isna(year):
        return float("nan")
    parts = str(issued if isinstance(issued, str) and issued else int(year)).split("-")
    month = int(parts[1]) if len(parts) > 1 else 7
    return int(parts[0]) + (month - 0.5) / 12
