"""Where a build's rows go: memory (build_tables) or OUT/ (build), written so that no reader sees half a build.

A sink takes each table's rows as runs (zero-copy slices, see lib/build_cache.py) in table order.
FileSink streams every table through its own writer thread into a temp Parquet file, renamed over the old
table only at the end (tables first, the report next, the cache state last), so a killed build leaves the
previous tables, report and cache readable. The same writers put the rows not already in a reusable cache
segment into one new segment, keeping the cache up to date at no extra pass over the rows.
"""
from __future__ import annotations

import json
import os
import queue
import secrets
import tempfile
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lib.build_cache import CACHE_DIR, CACHED_TABLES, Input, Run, new_state, segment_file
from lib.contract import TABLES

# Row groups of 64 Ki rows (the measures of ~1,700 documents): a build never holds more than one unwritten
# row group of a table, and the writers can start on the rows before a new document while it is processed.
ROW_GROUP_ROWS = 65_536
# zstd level 3 (pyarrow's default is 1): at 10,000 generated documents the tables are 29 MB instead of 40
# and no slower to write or read. No statistics for list columns: min/max of their items serve no reader
# and cost a fifth of the measures' encoding time.
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}


def write_atomically(path: Path, write) -> None:
    """Write through a temp file in the same folder, then rename over the target (atomic on POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class MemorySink:
    """Collects the tables in memory."""

    def __init__(self) -> None:
        self.parts: dict[str, list[pa.Table]] = {name: [] for name in TABLES}

    def put(self, name: str, run: Run) -> None:
        table, _segment, start, length = run
        self.parts[name].append(table.slice(start, length))

    def tables(self) -> dict[str, pa.Table]:
        return {name: pa.concat_tables(parts) if parts else TABLES[name].empty_table() for name, parts in self.parts.items()}


def _parquet_options(schema: pa.Schema) -> dict:
    return {**PARQUET_OPTIONS, "write_statistics": [f.name for f in schema if not pa.types.is_list(f.type)]}


class _TableWriter:
    """A thread that writes one table in order: to a temp Parquet file in OUT, and the rows not yet in a
    reusable cache segment to the new segment. Parquet encoding, zstd and Arrow IPC release the GIL, so the
    tables are written in parallel with each other and with the processing of new documents."""

    def __init__(self, out_dir: Path, name: str, segment: str, reusable: frozenset[str]) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.parquet.", dir=out_dir)
        os.close(fd)
        self.name, self.tmp, self.segment, self.reusable = name, Path(tmp), segment, reusable
        self.segment_path = out_dir / CACHE_DIR / segment_file(segment, name)
        self.pieces: list[list] = []  # [segment, start, length]: the table in the new cache
        self.rows = 0
        self.error: BaseException | None = None
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=f"write-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self._write()
        except BaseException as exc:  # handed to the main thread in finish()
            self.error = exc
            while self.queue.get() is not None:  # drain, so put() never blocks on a dead writer
                pass

    def _write(self) -> None:
        schema = TABLES[self.name]
        cached = self.name in CACHED_TABLES
        new_rows, ipc = 0, None
        buffered: list[pa.Table] = []
        with pq.ParquetWriter(self.tmp, schema, **_parquet_options(schema)) as parquet:
            while (run := self.queue.get()) is not None:
                table, segment, start, length = run
                if not length:
                    continue
                rows = table.slice(start, length)
                buffered.append(rows)
                self.rows += length
                if sum(t.num_rows for t in buffered) >= ROW_GROUP_ROWS:
                    buffered = self._write_row_groups(parquet, pa.concat_tables(buffered))
                if not cached:
                    continue
                if segment is not None and segment in self.reusable:
                    self._add_piece(segment, start, length)
                else:
                    if ipc is None:
                        ipc = pa.ipc.new_file(str(self.segment_path), schema)
                    ipc.write_table(rows)
                    self._add_piece(self.segment, new_rows, length)
                    new_rows += length
            if buffered:
                parquet.write_table(pa.concat_tables(buffered), row_group_size=ROW_GROUP_ROWS)
        if ipc is not None:
            ipc.close()

    @staticmethod
    def _write_row_groups(parquet: pq.ParquetWriter, table: pa.Table) -> list[pa.Table]:
        """Write whole row groups; return the rest, to be completed by the next rows."""
        cut = table.num_rows - table.num_rows % ROW_GROUP_ROWS
        parquet.write_table(table.slice(0, cut), row_group_size=ROW_GROUP_ROWS)
        return [table.slice(cut)] if cut < table.num_rows else []

    def _add_piece(self, segment: str, start: int, length: int) -> None:
        last = self.pieces[-1] if self.pieces else None
        if last and last[0] == segment and last[1] + last[2] == start:
            last[2] += length
        else:
            self.pieces.append([segment, start, length])

    def finish(self) -> list[list]:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.pieces


class FileSink:
    """Writes the tables into OUT, each through a temp file renamed over it at the end (tables first, the
    report next, the cache state last), and keeps the cache up to date."""

    def __init__(self, out_dir: Path, reusable: frozenset[str] = frozenset()) -> None:
        self.out_dir, self.cache_dir = out_dir, out_dir / CACHE_DIR
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for leftover in out_dir.glob(".*.parquet.*"):  # temp files of a build that was killed
            leftover.unlink(missing_ok=True)
        self.segment = f"{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
        self.writers = {name: _TableWriter(out_dir, name, self.segment, reusable) for name in TABLES}

    def put(self, name: str, run: Run) -> None:
        self.writers[name].queue.put(run)

    def close(self, report: dict, inputs: list[Input], fingerprint: str) -> None:
        pieces = {name: writer.finish() for name, writer in self.writers.items()}
        for name, writer in self.writers.items():
            os.replace(writer.tmp, self.out_dir / f"{name}.parquet")
        text = _report_json(report)
        write_atomically(self.out_dir / "build_report.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        text = json.dumps(new_state(fingerprint, pieces, inputs), ensure_ascii=False)
        write_atomically(self.cache_dir / "state.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        named = {segment_file(segment, name) for name in CACHED_TABLES for segment, _, _ in pieces[name]}
        for path in self.cache_dir.iterdir():  # segments no build will read again, and killed builds' leftovers
            if path.name != "state.json" and path.name not in named:
                path.unlink(missing_ok=True)

    def abort(self) -> None:
        """After a failure: stop the writers and remove what this build wrote."""
        for writer in self.writers.values():
            writer.queue.put(None)
            writer.thread.join()
            writer.tmp.unlink(missing_ok=True)
            writer.segment_path.unlink(missing_ok=True)


def _report_json(report: dict) -> str:
    """The report as JSON, one line per input (json's C encoder only runs without indent: 10× faster)."""
    head = {k: v for k, v in report.items() if k != "inputs"}
    lines = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in report.get("inputs", []))
    return json.dumps(head, ensure_ascii=False, indent=2)[:-2] + f',\n  "inputs": [\n{lines}\n  ]\n}}\n'
