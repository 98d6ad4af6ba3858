"""The build's private cache in OUT/.cache/: the last build's rows and the inputs' remembered hashes.

It lets a rebuild skip what did not change: an input whose identity, size and times are unchanged is not
read again to be hashed, and an unchanged document's rows are sliced out of the last build instead of being
processed again. lib/build.py decides what to reuse; this module reads the cache and says what it holds.

state.json names, for each per-document table, the slices of "segment" files that make up the last build's
table, and remembers the inputs' hashes. Segments are Arrow IPC files, uncompressed and read memory-mapped:
opening one costs no decoding and no copy, so reusing 10,000 documents' rows is nearly free (the Parquet
files, zstd-compressed for readers, would have to be decoded whole). A build writes only its new rows to one
new segment; a segment is never modified, state.json is replaced atomically after the tables, and segments
it no longer names are deleted last (lib/build_output.py). So a killed build leaves the previous state and
its segments intact. Rows are reused only through their documents' build_key (content + code fingerprint +
overrides); a missing, unreadable or other-pipeline cache counts as none.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lib.contract import TABLES

CACHE_DIR = ".cache"
CACHE_FORMAT = 1  # bump when the layout of OUT/.cache changes
CACHED_TABLES = ("documents", "measures", "targets", "citations")  # per-document rows; agencies are recomputed
# Past this many slices, or when under half the rows of the old segments are still used, the new segment
# takes every row (about 1 s at 10,000 documents) so the cache stays compact.
MAX_PIECES = 256
# A file changed within the same timestamp tick as it was read could change again without changing its
# times, so only hashes of files last changed (mtime and ctime, which no program can set back) 2 s or
# more before the scan are remembered; every other file is hashed again on the next build.
SETTLE_NS = 2_000_000_000


class Run(NamedTuple):
    """A run of rows: a slice of a table, and the cache segment that holds the table (None: not cached)."""

    table: pa.Table
    segment: str | None
    start: int
    length: int

    @classmethod
    def whole(cls, table: pa.Table) -> Run:
        """Every row of a table made in this build."""
        return cls(table, None, 0, table.num_rows)


# ---- Remembered input hashes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """One file of the seed folder, with its content hash and the stat that vouches for that hash."""

    name: str
    path: str  # a str, not a Path: 10,000 Path objects cost 70 ms
    sha256: str
    stat: tuple[int, int, int, int, int]  # device, inode, size, mtime_ns, ctime_ns
    settled: bool  # last changed SETTLE_NS before it was read: its hash may be remembered


def scan_inputs(seed_dir: Path, remembered: dict | None = None) -> list[Input]:
    """Every regular, non-hidden file of the seed folder, sorted by name, with its content hash: from
    `remembered` (name → [*stat, sha256] of an earlier scan) when the file's identity, size and times are
    unchanged, else read and hashed."""
    remembered = remembered if isinstance(remembered, dict) else {}
    now = time.time_ns()
    with os.scandir(seed_dir) as entries:
        files = sorted((e for e in entries if not e.name.startswith(".") and e.is_file()), key=lambda e: e.name)
    inputs = []
    for entry in files:
        st = entry.stat()
        stat = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        known = remembered.get(entry.name)
        if isinstance(known, list) and len(known) == 6 and tuple(known[:5]) == stat and isinstance(known[5], str):
            sha = known[5]
        else:
            sha = hashlib.sha256(Path(entry.path).read_bytes()).hexdigest()
        inputs.append(Input(entry.name, entry.path, sha, stat, max(st.st_mtime_ns, st.st_ctime_ns) < now - SETTLE_NS))
    return inputs


# ---- state.json and the segments ------------------------------------------------------------------------


def segment_file(segment: str, name: str) -> str:
    """The file name of one table's rows in one segment."""
    return f"{segment}.{name}.arrow"


def cache_state(out_dir: Path | None) -> dict:
    """OUT/.cache/state.json, or {} when absent, unreadable or of another format."""
    if out_dir is None:
        return {}
    try:
        state = json.loads((out_dir / CACHE_DIR / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("format") == CACHE_FORMAT else {}


def new_state(fingerprint: str, pieces: dict[str, list[list]], inputs: list[Input]) -> dict:
    """The state.json of a finished build: its tables' pieces ([segment, start, length]) and the hashes of
    its settled inputs."""
    return {
        "format": CACHE_FORMAT,
        "fingerprint": fingerprint,
        "tables": {name: pieces[name] for name in CACHED_TABLES},
        "inputs": {i.name: [*i.stat, i.sha256] for i in inputs if i.settled},
    }


def _open_segment(path: Path, schema: pa.Schema) -> pa.Table:
    table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    if not table.schema.equals(schema, check_metadata=False):
        raise ValueError(f"{path.name}: another schema")
    table.validate()
    return table


def cached_tables(out_dir: Path, state: dict, fingerprint: str) -> dict[str, list[Run]] | None:
    """The last build's tables as runs of memory-mapped segments, or None when the cache is not sound or
    another pipeline wrote it."""
    if state.get("fingerprint") != fingerprint:
        return None
    opened: dict[tuple[str, str], pa.Table] = {}
    tables: dict[str, list[Run]] = {}
    try:
        for name in CACHED_TABLES:
            runs = []
            for segment, start, length in state["tables"][name]:
                if (segment, name) not in opened:
                    opened[segment, name] = _open_segment(
                        out_dir / CACHE_DIR / segment_file(segment, name), TABLES[name]
                    )
                table = opened[segment, name]
                if not (0 <= start and 0 < length and start + length <= table.num_rows):
                    raise ValueError(f"{segment}.{name}: rows {start}+{length} out of range")
                runs.append(Run(table, segment, start, length))
            tables[name] = runs
    except (OSError, LookupError, TypeError, ValueError, pa.ArrowException):
        return None
    return tables


def parquet_tables(out_dir: Path) -> dict[str, list[Run]] | None:
    """The last build's tables read from its Parquet files (no cache), or None."""
    try:
        tables = {name: pq.read_table((out_dir / f"{name}.parquet").resolve()) for name in CACHED_TABLES}
    except (OSError, pa.ArrowException):
        return None
    if any(not tables[name].schema.equals(TABLES[name], check_metadata=False) for name in CACHED_TABLES):
        return None  # another pipeline version wrote them
    return {name: [Run.whole(table)] if table.num_rows else [] for name, table in tables.items()}


def reusable_segments(previous: dict[str, list[Run]] | None, reused_rows: int, new_documents: int) -> frozenset[str]:
    """The cache segments the new cache may keep pointing into: none when too few of their rows are still
    used (reused_rows) or the tables would be in too many pieces, and the new segment takes every row."""
    if not previous:
        return frozenset()
    runs = [run for name in CACHED_TABLES for run in previous[name]]
    stored = {(id(table), segment): table.num_rows for table, segment, _, _ in runs}
    if max(len(previous[name]) for name in CACHED_TABLES) + 2 * new_documents > MAX_PIECES or 2 * reused_rows < sum(
        stored.values()
    ):
        return frozenset()
    return frozenset(segment for _, segment in stored if segment is not None)


# ---- Runs: zero-copy slices of the cached and new tables --------------------------------------------------


def runs_by_key(runs: list[Run], column: str) -> dict[str, Run]:
    """Each key's rows as one run (a table in key order holds each key's rows together)."""
    found: dict[str, Run] = {}
    for table, segment, start, length in runs:
        encoded = pc.run_end_encode(table[column].slice(start, length).combine_chunks())
        ends = encoded.run_ends.to_pylist()
        for key, begin, end in zip(encoded.values.to_pylist(), [0, *ends[:-1]], ends):
            found[key] = Run(table, segment, start + begin, end - begin)
    return found


def joined(last: Run | None, run: Run) -> Run | None:
    """last and run as one run when run continues last in the same table, else None."""
    if last and last.table is run.table and last.start + last.length == run.start:
        return last._replace(length=last.length + run.length)
    return None


def coalesce(runs) -> list[Run]:
    """Neighbouring runs of the same table joined, so a table is written from few zero-copy slices."""
    together: list[Run] = []
    for run in runs:
        if longer := joined(together[-1] if together else None, run):
            together[-1] = longer
        elif run.length:
            together.append(run)
    return together
