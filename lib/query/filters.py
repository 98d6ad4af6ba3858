"""The one set of filters shared by every page, its URL form, and the filtering itself (pure pandas).

`Filters` is what a page reads; `parse_query`/`to_query` keep it in the address bar so a copied URL
reproduces the view (a URL is data from anyone: every value is checked against what the tables hold);
`apply` returns the tables narrowed to it. Years are never fixed in code: no year filter means every year
the tables hold, so a document of a new year is counted the moment it is built.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib import codes
from lib.config import HOME
from lib.query import search
from lib.query.labels import LabelIndex, index_labels, one_of

ACTIONABLE_KINDS = codes.ACTIONABLE_KINDS
ALL_KINDS = tuple(codes.Kind)
KIND_LABELS = codes.MEASURE_KINDS  # data/codes.yaml
# A URL is cut to what a screen of chips can show: longer values or lists are an attack or an accident.
MAX_VALUE_LENGTH, MAX_VALUES = 80, 50

# 地区: the place a document is for (documents.jurisdiction). The dashboard is Tianjin's: by default it shows
# Tianjin, the city and its districts; a document loaded from elsewhere is counted only when its place is chosen.
ALL_PLACES = "全部地区"  # a choice of the 地区 filter: every place loaded
# 仅已审核: charts count only rows an editor checked (measures/targets.reviewed, issue #18); off by default.
REVIEWED_KEY, REVIEWED_LABEL = "rv", "仅已审核"
JURISDICTION_KEY, JURISDICTION_LABEL = "j", "地区"

# Filter field → (URL key, Chinese label, measures column it tests)
DIMENSIONS = {
    "districts": ("d", "区域", "districts"),
    "themes": ("th", "主题", "themes"),
    "industries": ("ind", "产业", "industries"),
    "instruments": ("ins", "政策工具", "instruments"),
    "agencies": ("ag", "机构", "agencies"),
    "doc_ids": ("doc", "文件", "doc_id"),
}


@dataclass(frozen=True)
class Filters:
    """筛选 (filters): every field empty means "no restriction" except kinds and years."""

    districts: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # None: every year the tables hold
    kinds: tuple[str, ...] = ACTIONABLE_KINDS
    search: str = ""
    jurisdictions: tuple[str, ...] = (HOME,)  # places (in_places); (ALL_PLACES,): every place
    reviewed: bool = False  # only rows an editor reviewed or corrected

    @property
    def is_default(self) -> bool:
        return self == Filters()

    def with_value(self, dimension: str, value: str) -> Filters:
        """The same filters with one more value on a dimension (a chart click)."""
        current = getattr(self, dimension)
        return self if value in current else replace(self, **{dimension: (*current, value)})  # type: ignore[arg-type]


def parse_query(
    params: Mapping[str, str | list[str]],
    span: tuple[int, int] | None = None,
    known: Mapping[str, Collection[str]] | None = None,
) -> tuple[Filters, list[str]]:
    """URL query → Filters and what had to be adjusted, in Chinese; never raises. `span`: the first and last
    year of the tables (years are clamped to it); `known`: the values each dimension offers (others dropped)."""
    notes: list[str] = []

    def values(key: str) -> tuple[str, ...]:
        return url_values(params, key, notes)

    changes: dict = {}
    for dim, (key, label, _) in DIMENSIONS.items():
        chosen = values(key)
        if known is not None and dim in known:
            unknown = [v for v in chosen if v not in known[dim]]
            if unknown:
                notes.append(f"链接中的{label}“{'、'.join(unknown)[:40]}”在数据中不存在，已忽略")
                chosen = tuple(v for v in chosen if v in known[dim])
        changes[dim] = chosen
    if years := values("y"):
        changes["years"] = _years_from(years[0], span, notes)
    if kinds := values("k"):
        if unknown := [k for k in kinds if k not in ALL_KINDS]:
            notes.append(f"链接中的措施类型“{'、'.join(unknown)[:40]}”不存在，已忽略")
        changes["kinds"] = tuple(k for k in kinds if k in ALL_KINDS) or ACTIONABLE_KINDS
    if places := values(JURISDICTION_KEY):
        offered = None if known is None else {*known.get("jurisdictions", ()), HOME, ALL_PLACES}
        if offered is not None and (unknown := [p for p in places if p not in offered]):
            notes.append(f"链接中的{JURISDICTION_LABEL}“{'、'.join(unknown)[:40]}”在数据中不存在，已忽略")
            places = tuple(p for p in places if p in offered)
        changes["jurisdictions"] = places_filter(places)
    changes["reviewed"] = str(params.get(REVIEWED_KEY, "")) == "1"
    query = params.get("q", "")
    query = " ".join(map(str, query)) if isinstance(query, list) else str(query)
    if len(query) > search.MAX_QUERY:
        notes.append(f"链接中的检索词过长，只保留前 {search.MAX_QUERY} 个字")
    changes["search"] = query.strip()[: search.MAX_QUERY]
    return Filters(**changes), notes


def url_values(params: Mapping[str, str | list[str]], key: str, notes: list[str]) -> tuple[str, ...]:
    """The comma-separated values of one URL key, distinct, cut to MAX_VALUES of MAX_VALUE_LENGTH (said in `notes`)."""
    raw = params.get(key, "")
    raw = ",".join(map(str, raw)) if isinstance(raw, list) else str(raw)
    found = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    if len(found) > MAX_VALUES or any(len(v) > MAX_VALUE_LENGTH for v in found):
        notes.append(f"链接中的“{key}”过长，已截断")
    return tuple(v[:MAX_VALUE_LENGTH] for v in found[:MAX_VALUES])


def url_value(params: Mapping[str, str | list[str]], key: str, notes: list[str]) -> str:
    """The first value of one URL key ('' when absent), checked as url_values checks them."""
    return next(iter(url_values(params, key, notes)), "")


def _years_from(text: str, span: tuple[int, int] | None, notes: list[str]) -> tuple[int, int] | None:
    """ "2021-2025" → (2021, 2025): reversed ends swapped, clamped to the tables' span; None for every year."""
    try:
        low, high = (int(v) for v in text.split("-", 1)) if "-" in text else (int(text),) * 2
    except ValueError:
        notes.append(f"链接中的年份“{text[:20]}”无法识别，已显示全部年份")
        return None
    if low > high:
        low, high = high, low
        notes.append("链接中的年份起止颠倒，已对调")
    if span is None:
        return (low, high)
    clamped = (min(max(low, span[0]), span[1]), max(min(high, span[1]), span[0]))
    if clamped != (low, high):
        notes.append(
            f"链接中的年份 {low}–{high} 超出数据范围（{span[0]}–{span[1]}），已调整为 {clamped[0]}–{clamped[1]}"
        )
    return None if clamped == span else clamped


def places_filter(chosen: Iterable[str]) -> tuple[str, ...]:
    """The 地区 choice as a filter: nothing chosen is the default (Tianjin); 全部地区 with others is 全部地区."""
    chosen = tuple(dict.fromkeys(chosen))
    if not chosen:
        return (HOME,)
    return (ALL_PLACES,) if ALL_PLACES in chosen else chosen


def known_values(
    offered: Mapping[str, Collection[str]], doc_ids: Iterable[str], jurisdictions: Iterable[str] = ()
) -> dict[str, set[str]]:
    """The values each filter dimension can take (a URL's others are dropped): the labels the tables hold
    (`offered`, by column), a whole instrument type (供给型) besides its sub-types, the documents' ids and
    their places (besides 天津市 and 全部地区, always offered)."""
    known = {dim: set(offered[column]) for dim, (_, _, column) in DIMENSIONS.items() if column in offered}
    known["instruments"] = known.get("instruments", set()) | {i.split("·")[0] for i in known.get("instruments", ())}
    known["doc_ids"] = set(doc_ids)
    known["jurisdictions"] = {*jurisdictions, HOME, ALL_PLACES}
    return known


def place_options(documents: pd.DataFrame) -> list[str]:
    """The 地区 filter's choices: 全部地区, Tianjin, then every other place the documents are for."""
    return [ALL_PLACES, HOME, *sorted(set(document_places(documents)) - {HOME})]


def document_places(documents: pd.DataFrame) -> pd.Series:
    """Each document's place; a document that names none (or a build older than the column) is Tianjin's, as
    the pipeline reads it everywhere else (its bare 市科技局 is Tianjin's, its targets scoped 天津市)."""
    if "jurisdiction" not in documents:
        return pd.Series(HOME, index=documents.index, dtype=object)
    return documents.jurisdiction.astype(object).where(documents.jurisdiction.notna(), HOME)


def in_places(documents: pd.DataFrame, places: tuple[str, ...]) -> np.ndarray:
    """Which documents are for one of `places`: a place holds the places inside it (天津市 its districts,
    天津市北辰区; a province the documents whose province it is); 全部地区 holds every document."""
    if ALL_PLACES in places:
        return np.ones(len(documents), dtype=bool)
    own = document_places(documents)
    province = documents["province"] if "province" in documents else pd.Series(None, index=documents.index)
    mask = np.zeros(len(documents), dtype=bool)
    for place in places:
        mask |= (own.str.startswith(place) | (province == place)).to_numpy(dtype=bool)
    return mask


def places_left_out(documents: pd.DataFrame, filters: Filters) -> dict[str, int]:
    """Documents loaded but outside the 地区 filter, counted per place (most first)."""
    out = document_places(documents)[~in_places(documents, filters.jurisdictions)]
    return {str(place): int(n) for place, n in out.value_counts().items()}


def places_left_out_note(left_out: Mapping[str, int]) -> str:
    """The caption under a page's title when documents of other places are loaded ('' when none are)."""
    if not left_out:
        return ""
    places = "、".join(f"{place} {n} 份" for place, n in list(left_out.items())[:5])
    more = " 等" if len(left_out) > 5 else ""
    return (
        f"另有 {sum(left_out.values())} 份其他地区的文件（{places}{more}）未计入本页；"
        f"在侧栏“{JURISDICTION_LABEL}”中选择“{ALL_PLACES}”或相应地区即可纳入。"
    )


def from_query(
    params: Mapping[str, str | list[str]],
    span: tuple[int, int] | None = None,
    known: Mapping[str, Collection[str]] | None = None,
) -> Filters:
    """URL query → Filters (parse_query without its notes)."""
    return parse_query(params, span, known)[0]


def follow_span(
    chosen: tuple[int, int] | None, old_span: tuple[int, int] | None, span: tuple[int, int]
) -> tuple[int, int]:
    """The year slider's value once the tables span `span` (they held `old_span` when it was set): "every
    year" (None, or the whole old span) follows the data to its new ends; a narrower choice is kept, clamped."""
    if chosen is None or tuple(chosen) == old_span:
        return span
    low, high = sorted(int(y) for y in chosen)
    return (min(max(low, span[0]), span[1]), max(min(high, span[1]), span[0]))


def years_filter(chosen: tuple[int, int], span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The slider's value as a filter: None when it covers every year of the tables."""
    chosen = (int(chosen[0]), int(chosen[1]))
    return None if span is None or (chosen[0] <= span[0] and chosen[1] >= span[1]) else chosen


def to_query(filters: Filters) -> dict[str, str]:
    """Filters → the URL query (only what differs from the defaults)."""
    query = {key: ",".join(getattr(filters, dim)) for dim, (key, _, _) in DIMENSIONS.items() if getattr(filters, dim)}
    if filters.years is not None:
        query["y"] = f"{filters.years[0]}-{filters.years[1]}"
    if filters.kinds != ACTIONABLE_KINDS:
        query["k"] = ",".join(filters.kinds)
    if filters.search:
        query["q"] = filters.search
    if filters.jurisdictions != (HOME,):
        query[JURISDICTION_KEY] = ",".join(filters.jurisdictions)
    if filters.reviewed:
        query[REVIEWED_KEY] = "1"
    return query


# Values of one dimension are alternatives (a second click on a chart widens the view); dimensions combine.
OR, AND = " 或 ", "；"


def year_range_text(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"


def search_text(query: str) -> str:
    """An active search in words: the query and, when it is cut into several, that all are required."""
    words = search.query_words(query)
    if len(words) > 1:
        return f"检索：{'、'.join(words)}（须同时包含）"
    return f"检索：“{query}”"


def describe(filters: Filters, doc_titles: Mapping[str, str] | None = None) -> str:
    """The active filters in one Chinese line, for chart subtitles and exports."""
    parts = []
    for dim, (_, label, _) in DIMENSIONS.items():
        chosen = getattr(filters, dim)
        if chosen:
            names = [doc_titles.get(v, v) if dim == "doc_ids" and doc_titles else v for v in chosen]
            parts.append(f"{label}：{OR.join(names)}")
    if filters.years is not None:
        parts.append(f"年份：{year_range_text(filters.years)}")
    if filters.kinds != ACTIONABLE_KINDS:
        parts.append("类型：" + "、".join(KIND_LABELS.get(k, k) for k in filters.kinds))
    if filters.search:
        parts.append(search_text(filters.search))
    if filters.jurisdictions != (HOME,):
        parts.append(f"{JURISDICTION_LABEL}：{OR.join(filters.jurisdictions)}")
    if filters.reviewed:
        parts.append(REVIEWED_LABEL)
    return AND.join(parts) if parts else "全部文件（默认：可执行类措施）"


def measure_mask(
    measures: pd.DataFrame, filters: Filters, with_kinds: bool = True, indexes: Mapping[str, LabelIndex] | None = None
) -> pd.Series:
    """Which measures pass (kinds only when asked: targets ignore the measure-kind filter).
    `indexes` are LabelIndexes of `measures`' list columns, built once per build by the store; a column
    without one is indexed here."""
    mask = _in_years(measures.year, filters.years)
    for dim, (_, _, column) in DIMENSIONS.items():
        chosen = getattr(filters, dim)
        if not chosen:
            continue
        if column == "doc_id":
            mask &= measures.doc_id.isin(chosen)
        else:
            index = (indexes or {}).get(column) or index_labels(measures[column])
            mask &= index.rows_with(one_of(chosen, prefix_ok=dim == "instruments"))
    if with_kinds:
        mask &= measures.kind.isin(filters.kinds)
    if filters.search:
        mask &= search.matching(measures, search.query_words(filters.search))
    if filters.reviewed:
        mask &= reviewed_rows(measures)
    return mask


def reviewed_rows(rows: pd.DataFrame) -> pd.Series:
    """Rows an editor reviewed or corrected (a build older than the column has none)."""
    if "reviewed" not in rows:
        return pd.Series(False, index=rows.index)
    return rows.reviewed.fillna(False).astype(bool)


def _in_years(year: pd.Series, years: tuple[int, int] | None) -> pd.Series:
    """Rows of those years, and rows of no known year (never hidden by a year filter: their year is unknown)."""
    if years is None:
        return pd.Series(True, index=year.index)
    return year.between(*years) | year.isna()


@dataclass(frozen=True)
class RowLinks:
    """Which row of the parent table each row points to (-1: none), as positions: the tables are read
    with a RangeIndex, so a row's index label is its position. Built once per build by the store, so
    a filter joins integer arrays instead of comparing ids as strings."""

    target_measure: np.ndarray  # per target: its measure (-1 for a goal section's target)
    target_document: np.ndarray  # per target: its document
    measure_document: np.ndarray  # per measure: its document


def row_links(tables: Mapping[str, pd.DataFrame]) -> RowLinks:
    measures, targets, documents = tables["measures"], tables["targets"], tables["documents"]
    return RowLinks(
        target_measure=_positions_in(targets.measure_id, measures.measure_id),
        target_document=_positions_in(targets.doc_id, documents.doc_id),
        measure_document=_positions_in(measures.doc_id, documents.doc_id),
    )


def _positions_in(keys: pd.Series, ids: pd.Series) -> np.ndarray:
    """The position of each key among unique ids, -1 where absent. Arrow's hash lookup: pandas'
    get_indexer turns 380,000 Arrow strings into Python objects first (0.3 s at 10,000 documents)."""
    found = pc.index_in(pa.array(keys), value_set=pa.array(ids))
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


@dataclass(frozen=True)
class ViewRows:
    """A filtered view as row positions into the full tables (ascending): a few MB where copied frames
    took ~60 MB per filter combination at 10,000 documents. The agencies and citations are not filtered."""

    measures: np.ndarray
    targets: np.ndarray
    documents: np.ndarray

    def __getitem__(self, table: str) -> np.ndarray:
        return getattr(self, table)

    def __contains__(self, table: str) -> bool:
        return table in FILTERED_TABLES


FILTERED_TABLES = ("measures", "targets", "documents")


def rows(
    tables: Mapping[str, pd.DataFrame],
    filters: Filters,
    indexes: Mapping[str, LabelIndex] | None = None,
    links: RowLinks | None = None,
) -> ViewRows:
    """The rows the filters keep: measures, their targets, their documents, as positions.
    `indexes` as for measure_mask; `links`: row_links(tables), if at hand."""
    measures, documents = tables["measures"], tables["documents"]
    links = links or row_links(tables)
    in_place = in_places(documents, filters.jurisdictions)  # measures and targets follow their document's place
    any_kind = measure_mask(measures, filters, with_kinds=False, indexes=indexes).to_numpy()
    if not in_place.all():  # (every document in place, e.g. the seeds: nothing to narrow)
        any_kind = any_kind & _at(in_place, links.measure_document)
    kept = any_kind & measures.kind.isin(filters.kinds).to_numpy()
    documents_ok = (
        in_place
        & (
            _in_years(documents.year, filters.years)
            & (documents.doc_id.isin(filters.doc_ids) if filters.doc_ids else True)
        ).to_numpy()
    )
    targets_ok = _at(documents_ok, links.target_document)
    if filters.reviewed:
        targets_ok = targets_ok & reviewed_rows(tables["targets"]).to_numpy()
    narrowed = (
        any(getattr(filters, d) for d in ("districts", "themes", "industries", "instruments", "agencies"))
        or filters.search
    )
    if narrowed:
        targets_ok = targets_ok & _at(
            any_kind, links.target_measure
        )  # a goal section's target passes no measure filter
    if narrowed or filters.reviewed:
        holding = np.zeros(len(documents), dtype=bool)  # documents with a measure or target left in the view
        for positions in (links.measure_document[kept], links.target_document[targets_ok]):
            holding[positions[positions >= 0]] = True
        documents_ok = documents_ok & holding
    return ViewRows(*(np.flatnonzero(mask).astype(np.int32) for mask in (kept, targets_ok, documents_ok)))


def take(tables: Mapping[str, pd.DataFrame], view_rows: ViewRows, table: str) -> pd.DataFrame:
    """One table of a view: the full table's rows at the view's positions (index labels kept), or the
    whole table when the filters do not narrow it."""
    frame = tables[table]
    return frame.iloc[view_rows[table]] if table in view_rows else frame


def apply(
    tables: Mapping[str, pd.DataFrame],
    filters: Filters,
    indexes: Mapping[str, LabelIndex] | None = None,
    links: RowLinks | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables narrowed to the filters, as frames (the store takes them from `rows` one table at a time)."""
    kept = rows(tables, filters, indexes, links)
    return {name: take(tables, kept, name) for name in tables}


def _at(mask: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """mask[positions], False where a position is -1 (no parent row)."""
    return (positions >= 0) & mask[positions]
