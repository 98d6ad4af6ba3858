"""The only reader of the build tables: cached loaders and the filtered view every page uses.

The cache is keyed on the build's input hash, so a rebuild (new document, edited YAML) is picked up
on the next rerun without restarting the server.

The tables, their indexes (lib/labels.py, filters.RowLinks) and the filtered views are held with
st.cache_resource, not st.cache_data: cache_data hands every caller a deserialised copy, which at 10,000
documents (380,000 measures) cost seconds on every rerun. They are shared read-only: lib/ never mutates a frame it is given (pure functions; pandas 3
copy-on-write makes derived frames independent), and tests/test_store.py checks a page run leaves
them unchanged. A filtered view is row positions into those tables (filters.rows), its tables taken on
first use; positions, taken tables and page steps are held in caches bounded in bytes (lib/query/lru.py).
"""

from __future__ import annotations

import functools
import json
import logging
import weakref
from collections.abc import Callable, Hashable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import streamlit as st

from lib.build.output import damaged_tables, read_schema
from lib.config import BUILD_DIR
from lib.contract import TABLES, to_frame
from lib.query import filters as flt
from lib.query import views
from lib.query.labels import LabelIndex, index_labels, positions
from lib.query.lru import ByteLRU, release_buffers, release_memory, thaw_unless

FILTER_COLUMNS = ("districts", "themes", "industries", "instruments", "agencies")


def _use_jemalloc() -> None:
    """Arrow memory from jemalloc where the wheel has it. With pyarrow's default (mimalloc), reading the
    10,000-document tables and converting them took 2.9–4.3 s instead of 1.2–1.5 s on this 2-core VM,
    and the app's first page 6.3–6.6 s instead of 4.4 s (bench/README.md)."""
    if "jemalloc" in pa.supported_memory_backends():
        pa.set_memory_pool(pa.jemalloc_memory_pool())


_use_jemalloc()


T = TypeVar("T")


class TablesUnavailable(RuntimeError):
    """The tables cannot be shown; the message says why and how to (re)build them, without server paths."""


class TablesMissing(TablesUnavailable):
    """The build output is absent."""


class TablesDamaged(TablesUnavailable):
    """A table or the build report is unreadable or unlike what the build recorded."""


# Fixed sentences, so the interface can translate them (data/i18n.yaml); which file is damaged goes to the log.
MISSING = "尚未生成数据表：请先运行 `python -m lib.build`（或 README 中的启动命令）"
DAMAGED = "数据表已损坏，无法显示：请在服务器上运行 `python -m lib.build` 重建数据表，然后刷新本页。"


def _damaged(what: str) -> TablesDamaged:
    logging.getLogger("dashboard").error("damaged build output: %s", what)
    return TablesDamaged(DAMAGED)


def build_version(build_dir: Path = BUILD_DIR) -> str:
    """The input hash recorded by the last build ('' when there is none); TablesDamaged when the report
    cannot be read."""
    report = build_dir / "build_report.json"
    try:
        stat = report.stat()
    except FileNotFoundError:
        return ""
    return _recorded_hash(str(report), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _recorded_hash(report: str, mtime_ns: int, size: int) -> str:
    # Every page asks several times per rerun; at 10,000 documents the report is ~4 MB of JSON. A build
    # replaces the file (new mtime), so the file's stat is a safe key.
    recorded = _read_report(Path(report))
    if not isinstance(recorded.get("input_hash"), str):
        raise _damaged("build_report.json")
    return recorded["input_hash"]


def _read_report(path: Path) -> dict:
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise _damaged("build_report.json") from exc
    if not isinstance(recorded, dict):
        raise _damaged("build_report.json")
    return recorded


@functools.lru_cache(maxsize=8)
def _verified(build_dir: str, version: str) -> None:
    """TablesDamaged unless every table matches the build's record (footers only; once per build: a
    table damaged after it was read is already held in memory)."""
    damaged = damaged_tables(Path(build_dir), _read_report(Path(build_dir) / "build_report.json"))
    if damaged:
        raise _damaged("、".join(damaged))


# Columns most pages never show: the full texts, the tagging evidence and the keywords. At 10,000 documents
# they are 400 of the measures' 560 MB; reading, converting and filtering them made the first page ~1 s
# slower (bench/README.md). They are read on first use and joined to a frame by position (with_long_columns).
LONG_COLUMNS = {"documents": ("text",), "measures": ("text", "tag_evidence", "tag_clauses", "keywords")}


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    """A table's columns (a file, or a folder of parts); TablesDamaged when its pages cannot be read (damage
    the footer check misses)."""
    try:
        source = path.resolve()  # a folder of parts: read the version the link names now, all of it
        return pq.read_table(
            source,
            columns=columns
            if columns is not None
            else [c for c in read_schema(source).names if c not in LONG_COLUMNS.get(path.stem, ())],
        )
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(path.name) from exc


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(name: str, build_dir: str, version: str) -> pd.DataFrame:
    return to_frame(_read(Path(build_dir) / f"{name}.parquet"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _load_long(name: str, column: str, build_dir: str, version: str) -> pd.Series:
    # One column at a time: the themes page needs the keywords only, the reader the texts only.
    return to_frame(_read(Path(build_dir) / f"{name}.parquet", [column]))[column]


def read_long_columns(table: str, build_dir: Path = BUILD_DIR) -> None:
    """Read a table's long columns ahead of the first page that shows them (with_long_columns)."""
    version = build_version(build_dir)
    for column in LONG_COLUMNS[table]:
        _load_long(table, column, str(build_dir), version)


def load_tables(build_dir: Path = BUILD_DIR) -> dict[str, pd.DataFrame]:
    """All tables of the contract as DataFrames, without their LONG_COLUMNS (see with_long_columns)."""
    version = build_version(build_dir)
    if not version:
        raise TablesMissing(MISSING)
    _verified(str(build_dir), version)
    return {name: _load(name, str(build_dir), version) for name in TABLES}


def with_long_columns(
    frame: pd.DataFrame, table: str, columns: tuple[str, ...] | None = None, build_dir: Path = BUILD_DIR
) -> pd.DataFrame:
    """`frame`, a table of load_tables() or a view of it (filtered, never reindexed), with long columns
    of its rows (by default all of the table's), in the contract's column order."""
    wanted = [c for c in (columns or LONG_COLUMNS[table]) if c not in frame.columns]
    if not wanted:
        return frame
    version = build_version(build_dir)
    long = {c: _load_long(table, c, str(build_dir), version) for c in wanted}
    if frame.index.equals(long[wanted[0]].index):  # the whole table: no take
        taken = long
    else:
        rows = positions(frame)
        taken = {c: pd.Series(values.array.take(rows), index=frame.index, name=c) for c, values in long.items()}
    joined = frame.assign(**taken)
    return joined[
        [c for c in TABLES[table].names if c in joined.columns]
        + [c for c in joined.columns if c not in TABLES[table].names]
    ]


def load_report(build_dir: Path = BUILD_DIR) -> dict:
    """build_report.json as a dict (TablesDamaged when it cannot be read)."""
    return _read_report(build_dir / "build_report.json")


@st.cache_resource(show_spinner=False, max_entries=16)
def _label_index(version: str, column: str) -> LabelIndex:
    return index_labels(with_long_columns(load_tables()["measures"], "measures", (column,))[column])


def label_index(column: str) -> LabelIndex:
    """The LabelIndex of one list column of the full measures table, built once per build and only when
    first asked for (the keywords' takes ~1 s at 10,000 documents)."""
    return _label_index(build_version(), column)


def labels_within(frame: pd.DataFrame, column: str) -> LabelIndex:
    """The LabelIndex of a list column of `frame`, a view of the measures table (filtered, never reindexed),
    cut from the full table's index instead of built again."""
    return label_index(column).within(positions(frame))


def label_indexes(columns: tuple[str, ...] = FILTER_COLUMNS) -> dict[str, LabelIndex]:
    """LabelIndexes of several list columns (by default those the filters test), for filtering and
    counting without exploding lists on every rerun."""
    return {column: label_index(column) for column in columns}


@st.cache_resource(show_spinner=False, max_entries=4)
def _row_links(version: str) -> flt.RowLinks:
    return flt.row_links(load_tables())


def row_links() -> flt.RowLinks:
    """Each target's measure and document and each measure's document as positions (once per build)."""
    return _row_links(build_version())


# What the per-filter caches may hold, in bytes (lib/query/lru.py): an official moving the year slider makes a
# new filter combination at every step. At 10,000 documents a view's positions are ~1.5 MB, its frames
# ~60 MB, a page's steps a few MB; the default view's frames are held outside the budget (every session
# opens on it).
ROWS_BUDGET, FRAMES_BUDGET, STEPS_BUDGET = 32 << 20, 96 << 20, 48 << 20


@st.cache_resource(show_spinner=False)
def _caches() -> dict[str, ByteLRU]:
    # Held with cache_resource so that st.cache_resource.clear() (tests, a new deployment) empties them too.
    # Evictions free their values at once (no cycles in positions, frames or steps): no cycle collection.
    return {
        name: ByteLRU(budget, release=release_buffers)
        for name, budget in (("rows", ROWS_BUDGET), ("frames", FRAMES_BUDGET), ("steps", STEPS_BUDGET))
    }


def _view_rows(version: str, filters: flt.Filters) -> flt.ViewRows:
    def compute() -> flt.ViewRows:
        tables = load_tables()
        if filters.search:  # the search reads the measures' texts
            tables = {**tables, "measures": with_long_columns(tables["measures"], "measures", ("text",))}
        thaw_unless(version)
        release_memory()  # what the last filter's runs left (each run's figures are cycles)
        return flt.rows(tables, filters, label_indexes(), _row_links(version))

    return _caches()["rows"].get((version, filters), compute)


@st.cache_resource(show_spinner=False, max_entries=4)
def _default_frames(version: str) -> dict[str, pd.DataFrame]:
    # The view every session opens on, held outside the budget like the tables themselves.
    kept = _view_rows(version, flt.Filters())
    return {name: flt.take(load_tables(), kept, name) for name in flt.FILTERED_TABLES}


# Taken frames any session still holds, found again without a take when officials on different filters
# evict each other's frames from the budget mid-run; an entry goes with the frame's last reference.
_frames_in_use: weakref.WeakValueDictionary[tuple, pd.DataFrame] = weakref.WeakValueDictionary()


class View(Mapping[str, pd.DataFrame]):
    """The tables narrowed to one filter combination: row positions (`rows`), and each filtered table taken
    from the full one when first asked for, held in a cache bounded in bytes (taken again once evicted)."""

    def __init__(self, version: str, filters: flt.Filters, rows: flt.ViewRows) -> None:
        self.version, self.filters, self.rows = version, filters, rows

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self.rows:
            return load_tables()[table]
        if self.filters == flt.Filters():
            return _default_frames(self.version)[table]
        key = (self.version, self.filters, table)
        if (alive := _frames_in_use.get(key)) is not None:  # evicted but still held by a running page: no retake
            return alive
        frame = _caches()["frames"].get(key, lambda: flt.take(load_tables(), self.rows, table))
        _frames_in_use[key] = frame
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    def count(self, table: str) -> int:
        """The view's rows of a table, without taking them."""
        return len(self.rows[table]) if table in self.rows else len(load_tables()[table])

    def columns(self, table: str, names: tuple[str, ...] = ()) -> pd.DataFrame:
        """Only these columns of the view's rows (index labels kept, as a taken table's): a step that reads
        two columns takes two instead of the table's thirty (~80 ms for a wide year range at 10,000)."""
        full = load_tables()[table]
        if table not in self.rows:
            return full[list(names)]
        if self.filters == flt.Filters():
            return _default_frames(self.version)[table][list(names)]
        return full[list(names)].iloc[self.rows[table]]


def filtered(filters: flt.Filters) -> View:
    """The tables narrowed to the filters (per build and filter combination, shared by every session),
    without their LONG_COLUMNS (with_long_columns adds them where a page shows them)."""
    version = build_version()
    return View(version, filters, _view_rows(version, filters))


def per_view(compute: Callable[..., T]) -> Callable[..., T]:
    """Decorator for a page's heavier steps, `compute(filters, *args)` (which reads `filtered(filters)`):
    computed once per build, filter combination and arguments, and shared by every session (the next
    official who opens the page with the same filters, or the same one coming back to it). For pure steps
    whose result is only read; arguments must be hashable (strings, numbers, tuples). The results are held
    within STEPS_BUDGET bytes, least recently used out first."""
    name = f"{compute.__code__.co_filename}:{compute.__qualname__}"  # a page script's functions are in __main__

    @functools.wraps(compute)
    def cached(filters: flt.Filters, *args: Hashable) -> T:
        return _per_view(build_version(), filters, name, args, compute)

    return cached


def _per_view(version: str, filters: flt.Filters, name: str, args: tuple, compute: Callable[..., Any]) -> Any:
    return _caches()["steps"].get((version, filters, name, args), lambda: compute(filters, *args))


def place_options() -> list[str]:
    """The 地区 filter's choices (filters.place_options), once per build: every run draws them."""
    return _place_options(build_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _place_options(version: str) -> list[str]:
    return flt.place_options(load_tables()["documents"])


def places_left_out(filters: flt.Filters) -> dict[str, int]:
    """filters.places_left_out of the documents, once per build and 地区 choice (every page's header asks)."""
    return _places_left_out(build_version(), filters.jurisdictions)


@st.cache_resource(show_spinner=False, max_entries=16)
def _places_left_out(version: str, places: tuple[str, ...]) -> dict[str, int]:
    return flt.places_left_out(load_tables()["documents"], flt.Filters(jurisdictions=places))


def doc_titles() -> dict[str, str]:
    """doc_id → short title, for filter labels and subtitles (computed once per build)."""
    return _doc_titles(build_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _doc_titles(version: str) -> dict[str, str]:
    return views.short_titles(load_tables()["documents"])


@st.cache_resource(show_spinner=False, max_entries=4)
def _options(version: str) -> dict[str, list[str]]:
    return {column: sorted(index.names) for column, index in label_indexes().items()}


def filter_options() -> dict[str, list[str]]:
    """The values each list-valued filter offers, computed once per build."""
    return _options(build_version())


def year_span() -> tuple[int, int] | None:
    """The first and last year of the documents (None when no document has a year): the year slider's ends
    and every year axis, so this year's documents are counted the moment they are built."""
    return _year_span(build_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _year_span(version: str) -> tuple[int, int] | None:
    years = load_tables()["documents"].year.dropna()
    return (int(years.min()), int(years.max())) if len(years) else None


def warm(build_dir: Path = BUILD_DIR) -> None:
    """Compute ahead what a new session's first page asks for: the tables, the filter options and titles,
    and the unfiltered view. Called once by server.py when the server starts; nothing when there is no build
    (the page then says how to create one)."""
    if not build_version(build_dir):
        return
    load_tables(build_dir)
    filter_options()
    doc_titles()
    year_span()
    view = filtered(flt.Filters())
    for table in flt.FILTERED_TABLES:
        view[table]
