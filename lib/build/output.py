"""Where a build's rows go: memory (build_tables) or OUT/ (build), written so that no reader sees half a build.

A sink takes each table's rows as runs (zero-copy slices, see lib/build_cache.py) in table order.
FileSink streams every table through its own writer thread into a temp Parquet file, renamed over the old
table only at the end (tables first, the report next, the cache state last), so a killed build leaves the
previous tables, report and cache readable. The same writers put the rows not already in a reusable cache
segment into one new segment, keeping the cache up to date at no extra pass over the rows.

A writer's error (disk full, file too large, permission) stops the build at its next row and is raised in
the build's thread; the report and the cache state are staged before any table is renamed, so a failed
build replaces nothing. The report records each table's size and row count (damaged_tables checks them).
"""

from __future__ import annotations

import errno
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

from lib.build.cache import CACHE_DIR, CACHED_TABLES, Input, Run, new_state, segment_file
from lib.contract import TABLES

# Row groups of 64 Ki rows (the measures of ~1,700 documents): a build never holds more than one unwritten
# row group of a table, and the writers can start on the rows before a new document while it is processed.
ROW_GROUP_ROWS = 65_536
# zstd level 3 (pyarrow's default is 1): at 10,000 generated documents the tables are 29 MB instead of 40
# and no slower to write or read. No statistics for list columns: min/max of their items serve no reader
# and cost a fifth of the measures' encoding time.
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}


IO_CAUSES = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件大小超过系统限制",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有操作权限",
    errno.EROFS: "文件系统为只读",
}


def failure_cause(exc: BaseException) -> str:
    """Why a build or an import failed, in Chinese and without server paths (for the interface)."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, OSError) and exc.errno in IO_CAUSES:
        return f"{IO_CAUSES[exc.errno]}（{errno.errorcode[exc.errno]}）"
    if isinstance(exc, BrokenProcessPool):
        return "构建的工作进程意外退出（可能是内存不足）"
    if isinstance(exc, MemoryError):
        return "内存不足"
    if isinstance(exc, OSError):
        return f"读写文件出错（{exc.strerror or type(exc).__name__}）"
    return f"内部错误（{type(exc).__name__}）"


def _staged(path: Path, write) -> Path:
    """Write through a temp file in the target's folder; return the temp file (removed if writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def write_atomically(path: Path, write) -> None:
    """Write through a temp file in the same folder, then rename over the target (atomic on POSIX)."""
    tmp = _staged(path, write)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class MemorySink:
    """Collects the tables in memory."""

    def __init__(self) -> None:
        self.parts: dict[str, list[pa.Table]] = {name: [] for name in TABLES}

    def put(self, name: str, run: Run, shown: pa.Table | None = None) -> None:
        table, _segment, start, length = run
        self.parts[name].append(table.slice(start, length) if shown is None else shown)

    def tables(self) -> dict[str, pa.Table]:
        return {
            name: pa.concat_tables(parts) if parts else TABLES[name].empty_table() for name, parts in self.parts.items()
        }


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
        except BaseException as exc:  # raised in the build's thread by its next put() or by finish()
            self.error = exc

    def _write(self) -> None:
        schema = TABLES[self.name]
        cached = self.name in CACHED_TABLES
        new_rows, ipc = 0, None
        buffered: list[pa.Table] = []
        with pq.ParquetWriter(self.tmp, schema, **_parquet_options(schema)) as parquet:
            while (item := self.queue.get()) is not None:
                (table, segment, start, length), shown = item
                rows = table.slice(start, length)
                shown = rows if shown is None else shown  # the corrected rows go to the table, rows to the cache
                if shown.num_rows:
                    buffered.append(shown)
                    self.rows += shown.num_rows
                if sum(t.num_rows for t in buffered) >= ROW_GROUP_ROWS:
                    buffered = self._write_row_groups(parquet, pa.concat_tables(buffered))
                if not cached or not length:
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
        """Wait for the last rows to be written (the thread ends on None or on its first error)."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.pieces

    def discard(self) -> None:
        """Stop and remove what this writer wrote."""
        self.queue.put(None)
        self.thread.join()
        self.tmp.unlink(missing_ok=True)
        self.segment_path.unlink(missing_ok=True)


class FileSink:
    """Writes the tables into OUT, each through a temp file renamed over it at the end (tables first, the
    report next, the cache state last), and keeps the cache up to date."""

    def __init__(self, out_dir: Path, reusable: frozenset[str] = frozenset()) -> None:
        self.out_dir, self.cache_dir = out_dir, out_dir / CACHE_DIR
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for pattern in (".*.parquet.*", ".build_report.json.*"):  # temp files of a build that was killed
            for leftover in out_dir.glob(pattern):
                leftover.unlink(missing_ok=True)
        self.segment = f"{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
        self.writers: dict[str, _TableWriter] = {}
        self.staged: list[Path] = []
        try:
            for name in TABLES:
                self.writers[name] = _TableWriter(out_dir, name, self.segment, reusable)
        except BaseException:  # e.g. no permission to create files in OUT: stop the writers already started
            self.abort()
            raise

    def put(self, name: str, run: Run, shown: pa.Table | None = None) -> None:
        """Write a run of rows: `shown` (the corrected rows) to the table if given, else the run; the run
        itself to the cache."""
        for writer in self.writers.values():
            if writer.error is not None:  # a failed writer stops the build now, not after every document
                raise writer.error
        self.writers[name].queue.put((run, shown))

    def close(self, report: dict, inputs: list[Input], fingerprint: str) -> None:
        """Finish every table, stage the report (with each table's size) and the cache state, then rename
        them all into place: nothing is replaced unless everything was written."""
        pieces = {name: writer.finish() for name, writer in self.writers.items()}
        report["table_bytes"] = {name: writer.tmp.stat().st_size for name, writer in self.writers.items()}
        text = _report_json(report)
        report_tmp = _staged(
            self.out_dir / "build_report.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8")
        )
        self.staged.append(report_tmp)
        text = json.dumps(new_state(fingerprint, pieces, inputs), ensure_ascii=False)
        state_tmp = _staged(self.cache_dir / "state.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        self.staged.append(state_tmp)
        for name, writer in self.writers.items():
            os.replace(writer.tmp, self.out_dir / f"{name}.parquet")
        os.replace(report_tmp, self.out_dir / "build_report.json")
        os.replace(state_tmp, self.cache_dir / "state.json")
        named = {segment_file(segment, name) for name in CACHED_TABLES for segment, _, _ in pieces[name]}
        for path in self.cache_dir.iterdir():  # segments no build will read again, and killed builds' leftovers
            if path.name != "state.json" and path.name not in named:
                path.unlink(missing_ok=True)

    def abort(self) -> None:
        """After a failure: stop the writers and remove what this build wrote."""
        for writer in self.writers.values():
            writer.discard()
        for path in self.staged:
            path.unlink(missing_ok=True)


def damaged_tables(out_dir: Path, report: dict) -> list[str]:
    """The tables of out_dir that are missing, unreadable or unlike what the build recorded in `report`:
    another size (truncated, replaced) or another row count or schema in the Parquet footer. Reads only
    the footers (a few KB at any size), so --if-stale and the app's first load can afford it."""

    counts, sizes = report.get("counts") or {}, report.get("table_bytes") or {}
    damaged = []
    for name, schema in TABLES.items():
        path = out_dir / f"{name}.parquet"
        try:
            if name in sizes and path.stat().st_size != sizes[name]:
                raise ValueError("size differs from the build's record")
            footer = pq.read_metadata(path)
            if footer.num_rows != counts.get(name) or not footer.schema.to_arrow_schema().equals(
                schema, check_metadata=False
            ):
                raise ValueError("rows or schema differ from the build's record")
        except (OSError, ValueError, pa.ArrowException):
            damaged.append(f"{name}.parquet")
    return damaged


def _report_json(report: dict) -> str:
    """The report as JSON, one line per input (json's C encoder only runs without indent: 10× faster)."""
    head = {k: v for k, v in report.items() if k != "inputs"}
    lines = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in report.get("inputs", []))
    return json.dumps(head, ensure_ascii=False, indent=2)[:-2] + f',\n  "inputs": [\n{lines}\n  ]\n}}\n'
