"""Permalinks: the URL of every measure, target and document in the reader (原文), and reading one back.

A permalink names one row by its id: /reader?m=<measure_id>, /reader?t=<target_id>, /reader?read=<doc_id>.
It carries no filter, so opening it changes nobody's view of the other pages, and it still opens after a
rebuild as long as the row's id is the same (ids are stable hashes of the document and the item). A URL is
data from anyone: its values are cut as the filters' are (filters.url_value) and must name a row the tables
hold, or the reader says so and opens as usual.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lib.query import filters as flt

READER_PATH = "/reader"
MEASURE_KEY, TARGET_KEY, DOCUMENT_KEY = "m", "t", "read"
PERMALINK_KEYS = (TARGET_KEY, MEASURE_KEY, DOCUMENT_KEY)  # the most precise first: a URL holding two opens that one
LINK_COLUMN = "原文"  # the column of every measure and target table that holds the row's permalink
# The class of an item's box in the reader (Streamlit writes a container's key as class st-key-<key>): the
# anchor a permalink scrolls to. Ids are hex; anything else is replaced, as Streamlit replaces it.
ANCHOR_PREFIX = "item-"
UNSAFE_IN_CLASS = re.compile(r"[^a-zA-Z0-9_-]")
# What urlencode leaves as written (quote_plus's unreserved characters): every id, which is hex. A table of
# 50,000 measures links each row, and urlencode's generic path took ~0.1 ms a row at 10,000 documents.
SAFE_IN_URL = re.compile(r"[A-Za-z0-9_.~-]+")


def reader_url(key: str, value: str) -> str:
    """The reader's URL for one row (value quoted: an id is hex, but the URL must be one whatever it holds)."""
    if SAFE_IN_URL.fullmatch(value):
        return f"{READER_PATH}?{key}={value}"
    return f"{READER_PATH}?{urllib.parse.urlencode({key: value})}"


def measure_url(measure_id: str) -> str:
    return reader_url(MEASURE_KEY, measure_id)


def target_url(target_id: str) -> str:
    return reader_url(TARGET_KEY, target_id)


def document_url(doc_id: str) -> str:
    return reader_url(DOCUMENT_KEY, doc_id)


def measure_links(measure_ids: pd.Series) -> list[str]:
    """The permalink of each measure of a table's rows ('' where a row has none)."""
    return [measure_url(m) if isinstance(m, str) and m else "" for m in measure_ids]


def target_links(target_ids: pd.Series) -> list[str]:
    return [target_url(t) if isinstance(t, str) and t else "" for t in target_ids]


def with_links(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Rows of the measures or targets table with its permalinks in LINK_COLUMN (other tables as they are)."""
    if table == "measures":
        return frame.assign(**{LINK_COLUMN: measure_links(frame.measure_id)})
    if table == "targets":
        return frame.assign(**{LINK_COLUMN: target_links(frame.target_id)})
    return frame


def anchor_key(item_id: str) -> str:
    """The key of an item's box in the reader, hence its class st-key-item-<id>: what a permalink scrolls to."""
    return ANCHOR_PREFIX + UNSAFE_IN_CLASS.sub("-", item_id)


@dataclass(frozen=True)
class Focus:
    """What a permalink points at: a document, and in it a measure or a target (or neither: the document)."""

    doc_id: str
    measure_id: str | None = None
    target_id: str | None = None
    key: str = DOCUMENT_KEY  # which URL parameter named it
    value: str = ""  # as the URL gave it

    @property
    def item_id(self) -> str | None:
        """The id of the box to scroll to: the measure, or a target outside any measure (a goal paragraph)."""
        return self.measure_id or self.target_id


UNKNOWN = {
    MEASURE_KEY: "链接中的措施编号“{}”在数据中不存在（可能已删除或数据已重建），已按通常方式打开原文",
    TARGET_KEY: "链接中的目标编号“{}”在数据中不存在（可能已删除或数据已重建），已按通常方式打开原文",
    DOCUMENT_KEY: "链接中的文件编号“{}”在数据中不存在（可能已删除），已按通常方式打开原文",
}


def parse_focus(
    params: Mapping[str, str | list[str]], measures: pd.DataFrame, targets: pd.DataFrame, documents: pd.DataFrame
) -> tuple[Focus | None, list[str]]:
    """The permalink of a URL query, checked against the tables, and what could not be followed (in
    Chinese); never raises. The first of t, m, read that names a row wins."""
    notes: list[str] = []
    for key in PERMALINK_KEYS:
        value = flt.url_value(params, key, notes)
        if not value:
            continue
        focus = _find(key, value, measures, targets, documents)
        if focus is not None:
            return focus, notes
        notes.append(UNKNOWN[key].format(value[:40]))
    return None, notes


def _find(key: str, value: str, measures: pd.DataFrame, targets: pd.DataFrame, documents: pd.DataFrame) -> Focus | None:
    if key == TARGET_KEY:
        row = targets.loc[targets.target_id == value, ["doc_id", "measure_id"]]
        if row.empty:
            return None
        doc_id, measure_id = row.iloc[0]
        own = measure_id if isinstance(measure_id, str) and measure_id else None
        return Focus(str(doc_id), own, value, key, value)
    if key == MEASURE_KEY:
        docs = measures.doc_id[measures.measure_id == value]
        return Focus(str(docs.iloc[0]), value, None, key, value) if len(docs) else None
    return Focus(value, key=key, value=value) if (documents.doc_id == value).any() else None
