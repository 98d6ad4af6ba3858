"""The only reader of the build tables: cached loaders and the filtered view every page uses.

The cache is keyed on the build's input hash, so a rebuild (new document, edited YAML) is picked up
on the next rerun without restarting the server.

The tables, their indexes (lib/labels.py, filters.RowLinks) and the filtered views are held with
st.cache_resource, not st.cache_data: cache_data hands every caller a deserialised copy, which at 10,000
documents (380,000 measures) cost seconds on every rerun. They are shared read-only: lib/ never mutates a frame it is given (pure functions; pandas 3
copy-on-write makes derived frames independent), and tests/test_store.py checks a page run leaves
them unchanged.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Callable, Hashable, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import streamlit as st

from lib import filters as flt
from lib import views
from lib.config import BUILD_DIR
from lib.contract import TABLES, to_frame
from lib.labels import LabelIndex, index_labels, positions

FILTER_COLUMNS = ("districts", "themes", "industries", "instruments", "agencies")


def _use_jemalloc() -> None:
    """Arrow memory from jemalloc where the wheel has it. With pyarrow's default (mimalloc), reading the
    10,000-document tables and converting them took 2.9–4.3 s instead of 1.2–1.5 s on this 2-core VM,
    and the app's first page 6.3–6.6 s instead of 4.4 s (bench/README.md)."""
    if "jemalloc" in pa.supported_memory_backends():
        pa.set_memory_pool(pa.jemalloc_memory_pool())


_use_jemalloc()


T = TypeVar("T")


class TablesMissing(RuntimeError):
    """The build output is absent; the message says how to create it."""


def build_version(build_dir: Path = BUILD_DIR) -> str:
    """The input hash recorded by the last build ('' when there is none)."""
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
    return json.loads(Path(report).read_text(encoding="utf-8")).get("input_hash", "")


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(name: str, build_dir: str, version: str) -> pd.DataFrame:
    return to_frame(pq.read_table(Path(build_dir) / f"{name}.parquet"))


def load_tables(build_dir: Path = BUILD_DIR) -> dict[str, pd.DataFrame]:
    """All tables of the contract as DataFrames."""
    version = build_version(build_dir)
    if not version:
        raise TablesMissing("尚未生成数据表：请先运行 `python -m lib.build`（或 README 中的启动命令）")
    return {name: _load(name, str(build_dir), version) for name in TABLES}


def load_report(build_dir: Path = BUILD_DIR) -> dict:
    """build_report.json as a dict."""
    return json.loads((build_dir / "build_report.json").read_text(encoding="utf-8"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _label_index(version: str, column: str) -> LabelIndex:
    return index_labels(load_tables()["measures"][column])


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


@st.cache_resource(show_spinner=False, max_entries=32)
def _filtered(version: str, filters: flt.Filters) -> dict[str, pd.DataFrame]:
    tables = load_tables()
    without_texts = {**tables, "documents": tables["documents"].drop(columns=["text"])}
    return flt.apply(without_texts, filters, label_indexes(), _row_links(version))


def filtered(filters: flt.Filters) -> dict[str, pd.DataFrame]:
    """The tables narrowed to the filters (cached per build and filter combination). Their documents
    carry no full text (the reader takes it from load_tables()): a district's 5,000 documents' texts
    were 100 MB to copy on every new filter combination at 10,000 documents."""
    return _filtered(build_version(), filters)


def per_view(compute: Callable[..., T]) -> Callable[..., T]:
    """Decorator for a page's heavier steps, `compute(filters, *args)` (which reads `filtered(filters)`):
    computed once per build, filter combination and arguments, and shared by every session (the next
    official who opens the page with the same filters, or the same one coming back to it). For pure steps
    whose result is only read; arguments must be hashable (strings, numbers, tuples)."""
    name = f"{compute.__code__.co_filename}:{compute.__qualname__}"  # a page script's functions are in __main__

    @functools.wraps(compute)
    def cached(filters: flt.Filters, *args: Hashable) -> T:
        return _per_view(build_version(), filters, name, args, compute)

    return cached


@st.cache_resource(show_spinner=False, max_entries=256)
def _per_view(version: str, filters: flt.Filters, name: str, args: tuple, _compute: Callable[..., Any]) -> Any:
    return _compute(filters, *args)


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
