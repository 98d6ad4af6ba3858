"""The list columns of measures (themes, agencies, keywords…) as flat arrays, so filtering and counting
are array operations instead of a Python loop over hundreds of thousands of lists.

`LabelIndex` holds one (row, label) pair per label of a list column: `rows` are positions in the frame
it was built from, `codes` index `names`. The store builds one per column for the full measures table
once per build; a filtered frame keeps its index labels, which are those positions (the tables are
read with a RangeIndex), so `positions(frame)` selects its pairs without exploding again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.intkeys import distinct


@dataclass(frozen=True)
class LabelIndex:
    """Every (row, label) pair of one list column, each label once per row."""

    rows: np.ndarray  # int64 row positions, ascending
    codes: np.ndarray  # int64 code of each pair's label in `names`
    names: np.ndarray  # the distinct labels (object array of str)
    n_rows: int  # rows of the frame indexed (rows without a label included)

    def rows_with(self, accept: Callable[[str], bool]) -> np.ndarray:
        """A boolean mask over the rows: True where some label passes `accept` (asked once per distinct label)."""
        accepted = np.fromiter((accept(name) for name in self.names), dtype=bool, count=len(self.names))
        mask = np.zeros(self.n_rows, dtype=bool)
        mask[self.rows[accepted[self.codes]]] = True
        return mask

    def counts(self, rows: np.ndarray | None = None) -> pd.Series:
        """How many of the given rows (all when None) carry each label, largest first, ties A→Z; no zeros."""
        codes = self.codes if rows is None else self.codes[_selected(rows, self.n_rows)[self.rows]]
        tally = np.bincount(codes, minlength=len(self.names))
        counts = pd.Series(tally, index=pd.Index(self.names, dtype=object), dtype="int64")
        counts = counts[counts > 0].sort_index(kind="stable")
        return counts.sort_values(ascending=False, kind="stable")

    def within(self, rows: np.ndarray) -> LabelIndex:
        """The index of the frame made of these rows (ascending positions in this index's table), its
        rows numbered 0, 1, … as in that frame: a filtered view's index without exploding again."""
        keep = _selected(rows, self.n_rows)[self.rows]
        renumbered = np.full(self.n_rows, -1, dtype=np.int64)
        renumbered[rows] = np.arange(len(rows), dtype=np.int64)
        return LabelIndex(rows=renumbered[self.rows[keep]], codes=self.codes[keep], names=self.names, n_rows=len(rows))

    def pairs(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The (row, label) pairs of the given rows (all when None): columns row, label. The label is a
        Categorical in alphabetical order: a million pairs group by code, not by string."""
        keep = slice(None) if rows is None else _selected(rows, self.n_rows)[self.rows]
        order = np.argsort(self.names, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        labels = pd.Categorical.from_codes(rank[self.codes[keep]], categories=pd.Index(self.names[order], dtype=object))
        return pd.DataFrame({"row": self.rows[keep], "label": labels})


def index_labels(column: pd.Series) -> LabelIndex:
    """The LabelIndex of a list column (Arrow lists, or lists/arrays/None per row); duplicates within a
    row dropped."""
    if isinstance(column.dtype, pd.ArrowDtype) and pa.types.is_list(column.dtype.pyarrow_dtype):
        lists = pa.array(column.array)  # the Arrow data behind the column (__arrow_array__), not a copy per row
        lists = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
        rows = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
        encoded = pc.dictionary_encode(pc.list_flatten(lists))
        codes, names = encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_numpy(zero_copy_only=False)
        return _once_per_row(rows, codes.astype(np.int64), np.asarray(names, dtype=object), len(column))
    values = column.to_numpy()
    lengths = np.fromiter((0 if v is None else len(v) for v in values), dtype=np.int64, count=len(values))
    filled = [v for v, n in zip(values, lengths) if n]
    codes, names = pd.factorize(np.concatenate(filled) if filled else np.array([], dtype=object))
    rows = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
    return _once_per_row(rows, codes.astype(np.int64), np.asarray(names, dtype=object), len(values))


def relabel(index: LabelIndex, rename: Callable[[str], str]) -> LabelIndex:
    """The same rows under coarser labels ('供给型·人才支持' → '供给型'), each label once per row."""
    codes, names = pd.factorize(np.array([rename(name) for name in index.names], dtype=object))
    return _once_per_row(index.rows, codes.astype(np.int64)[index.codes], np.asarray(names, dtype=object), index.n_rows)


def _once_per_row(rows: np.ndarray, codes: np.ndarray, names: np.ndarray, n_rows: int) -> LabelIndex:
    # One sortable key per pair; sorting puts a row's repeated label side by side (hashing 9 million
    # keyword pairs to find repeats took 4× longer at 10,000 documents).
    width = max(len(names), 1)
    keys = distinct(rows * width + codes)
    return LabelIndex(rows=keys // width, codes=keys % width, names=names, n_rows=n_rows)


def label_counts(frame: pd.DataFrame, column: str, index: LabelIndex | None = None) -> Counter:
    """How many rows of `frame` carry each label of a list column (a row counts a label once), largest
    first. `index`: the column's LabelIndex of the table `frame` was filtered from, if at hand."""
    counts = index.counts(positions(frame)) if index else index_labels(frame[column]).counts()
    return Counter(dict(zip(counts.index, counts.to_numpy().tolist())))


def positions(frame: pd.DataFrame) -> np.ndarray:
    """The row positions of a frame taken from a table read with a RangeIndex (its index labels)."""
    return frame.index.to_numpy(dtype=np.int64)


def one_of(wanted: Iterable[str], prefix_ok: bool = False) -> Callable[[str], bool]:
    """A label test: the label is wanted, or (prefix_ok) its part before '·' is ('供给型' takes '供给型·人才')."""
    wanted = set(wanted)
    if prefix_ok:
        return lambda label: label in wanted or label.split("·")[0] in wanted
    return wanted.__contains__


def _selected(rows: np.ndarray, n_rows: int) -> np.ndarray:
    mask = np.zeros(n_rows, dtype=bool)
    mask[rows] = True
    return mask
