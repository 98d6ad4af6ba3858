"""The only reader of the build tables: cached loaders and the filtered view every page uses.

The cache is keyed on the build's input hash, so a rebuild (new document, edited YAML) is picked up
on the next rerun without restarting the server.

The tables and filtered views are held with st.cache_resource, not st.cache_data: cache_data hands
every caller a deserialised copy, which at 10,000 documents (380,000 measures) cost seconds on every
rerun. They are shared read-only: lib/ never mutates a frame it is given (pure functions; pandas 3
copy-on-write makes derived frames independent), and tests/test_store.py checks a page run leaves
them unchanged.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import filters as flt
from lib.config import BUILD_DIR
from lib.contract import TABLES


class TablesMissing(RuntimeError):
    """The build output is absent; the message says how to create it."""


def build_version(build_dir: Path = BUILD_DIR) -> str:
    """The input hash recorded by the last build ('' when there is none)."""
    report = build_dir / "build_report.json"
    if not report.exists():
        return ""
    return json.loads(report.read_text(encoding="utf-8")).get("input_hash", "")


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(name: str, build_dir: str, version: str) -> pd.DataFrame:
    return pd.read_parquet(Path(build_dir) / f"{name}.parquet")


def load_tables(build_dir: Path = BUILD_DIR) -> dict[str, pd.DataFrame]:
    """All tables of the contract as DataFrames."""
    version = build_version(build_dir)
    if not version:
        raise TablesMissing("尚未生成数据表：请先运行 `python -m lib.build`（或 README 中的启动命令）")
    return {name: _load(name, str(build_dir), version) for name in TABLES}


def load_report(build_dir: Path = BUILD_DIR) -> dict:
    """build_report.json as a dict."""
    return json.loads((build_dir / "build_report.json").read_text(encoding="utf-8"))


@st.cache_resource(show_spinner=False, max_entries=32)
def _filtered(version: str, filters: flt.Filters) -> dict[str, pd.DataFrame]:
    return flt.apply(load_tables(), filters)


def filtered(filters: flt.Filters) -> dict[str, pd.DataFrame]:
    """The tables narrowed to the filters (cached per build and filter combination)."""
    return _filtered(build_version(), filters)


def doc_titles() -> dict[str, str]:
    """doc_id → short title, for filter labels and subtitles (computed once per build)."""
    return _doc_titles(build_version())


@st.cache_data(show_spinner=False)
def _doc_titles(version: str) -> dict[str, str]:
    docs = load_tables()["documents"]
    return {d.doc_id: f"{d.year or '年份不详'}·{d.title[:24]}" for d in docs.itertuples()}


@st.cache_data(show_spinner=False)
def _options(version: str) -> dict[str, list[str]]:
    measures = load_tables()["measures"]
    return {column: sorted({v for values in measures[column] for v in values})
            for column in ("districts", "themes", "industries", "instruments", "agencies")}


def filter_options() -> dict[str, list[str]]:
    """The values each list-valued filter offers, computed once per build."""
    return _options(build_version())
