"""Where a build's rows go: memory (build_tables) or OUT/ (build), written so that no reader sees half a build.

A sink takes each table's rows as runs (zero-copy slices, see lib/build_cache.py) in table order.
FileSink streams every table through its own writer thread into a temp Parquet file, renamed over the old
table only at the end (tables first, the report next, the cache state last), so a killed build leaves the
previous tables, report and cache readable. The same writers put the rows not already in a reusable cache
segment into one new segment, keeping the cache up to date at no extra pass over the rows.

The large tables (measures, targets: PARTITIONED) are folders of parts, one per BUCKET of doc_id (its first
hex digit), because Parquet has no append: adding one document to 10,000 rewrites ~1/16 of them. Each build
writes a version folder OUT/.tables/<version>/ holding every part; a part whose documents, their build keys and
their corrections are those the last build wrote it from is hard-linked from the last version instead of
encoded again (parts.json in the version folder records what each part was made from). OUT/measures.parquet
is a symlink to its folder in the version, swapped by a rename like the single-file tables; the last version
is kept for readers that resolved it just before the swap, older ones are removed.

A writer's error (disk full, file too large, permission) stops the build at its next row and is raised in
the build's thread; the report and the cache state are staged before any table is renamed, so a failed
build replaces nothing. The report records each table's size and row count (damaged_tables checks them).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import queue
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
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

# Tables written as a folder of parts, one per bucket of doc_id (its first hex digit): rows are in doc_id
# order, so the parts read in name order give the table in its order. EXTRA_BUCKET holds the rows of no
# document's bucket (targets editors added), which the table writes after all others.
PARTITIONED = ("measures", "targets")
BUCKETS = tuple("0123456789abcdef")
EXTRA_BUCKET = "z"
TABLES_DIR = ".tables"  # OUT/.tables/<version>/<table>/part-<bucket>.parquet
PARTS_FILE = "parts.json"  # in a version folder: table → bucket → {rows, bytes, key}


def bucket_of(doc_id: str) -> str:
    """The part a document's rows go to."""
    return doc_id[:1]


def part_file(bucket: str) -> str:
    return f"part-{bucket}.parquet"


def table_files(path: Path) -> list[Path]:
    """The Parquet files of one table: itself, or a folder's parts in name order (the table's row order)."""
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.suffix == ".parquet" and not p.name.startswith((".", "_")))


def read_schema(path: Path) -> pa.Schema:
    """A table's schema, read off one footer (a file, or a folder's first part)."""
    return pq.read_schema(table_files(path)[0])


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

    def put(
        self, name: str, run: Run, shown: pa.Table | None = None, bucket: str | None = None, key: str | None = None
    ) -> None:
        table, _segment, start, length = run
        self.parts[name].append(table.slice(start, length) if shown is None else shown)

    def tables(self) -> dict[str, pa.Table]:
        return {
            name: pa.concat_tables(parts) if parts else TABLES[name].empty_table() for name, parts in self.parts.items()
        }


def _parquet_options(schema: pa.Schema) -> dict:
    return {**PARQUET_OPTIONS, "write_statistics": [f.name for f in schema if not pa.types.is_list(f.type)]}


class _RowGroups:
    """One Parquet file written in whole row groups of ROW_GROUP_ROWS (the last one short)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self.writer: pq.ParquetWriter | None = None
        self.buffered: list[pa.Table] = []
        self.rows = 0

    def add(self, table: pa.Table, bucket: str | None = None, key: str | None = None) -> None:
        if not table.num_rows:
            return
        self.buffered.append(table)
        self.rows += table.num_rows
        if sum(t.num_rows for t in self.buffered) >= ROW_GROUP_ROWS:
            whole = pa.concat_tables(self.buffered)
            cut = whole.num_rows - whole.num_rows % ROW_GROUP_ROWS
            self._open().write_table(whole.slice(0, cut), row_group_size=ROW_GROUP_ROWS)
            self.buffered = [whole.slice(cut)] if cut < whole.num_rows else []

    def _open(self) -> pq.ParquetWriter:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema, **_parquet_options(self.schema))
        return self.writer

    def close(self) -> None:
        """Write the last rows and the footer (an empty table too: its file holds the schema)."""
        writer = self._open()
        if self.buffered:
            writer.write_table(pa.concat_tables(self.buffered), row_group_size=ROW_GROUP_ROWS)
            self.buffered = []
        writer.close()

    def abandon(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except (OSError, pa.ArrowException):
                pass


def _by_bucket(table: pa.Table) -> list[tuple[str, pa.Table]]:
    """Rows in doc_id order cut where the bucket changes."""
    if not table.num_rows:
        return []
    firsts = pc.run_end_encode(pc.utf8_slice_codeunits(table["doc_id"].combine_chunks(), 0, 1))
    ends = firsts.run_ends.to_pylist()
    return [
        (bucket, table.slice(begin, end - begin))
        for bucket, begin, end in zip(firsts.values.to_pylist(), [0, *ends[:-1]], ends)
    ]


class _Parts:
    """One table as a folder of parts, one per bucket, in a new version folder. A bucket's rows arrive together
    with the keys of the documents they came from (doc_id, build key, corrections); a bucket whose keys are
    those of the last version's part is hard-linked from it, any other is encoded. Rows of a bucket that
    will be written anyway (a new document in it, no last part) are encoded as they come; the others are
    held as zero-copy slices until the bucket's end decides."""

    def __init__(
        self, folder: Path, schema: pa.Schema, previous: dict[str, dict], last: Path | None, dirty: frozenset[str]
    ) -> None:
        folder.mkdir(parents=True)
        self.folder, self.schema, self.previous, self.last, self.dirty = folder, schema, previous, last, dirty
        self.made: dict[str, dict] = {}  # bucket → {rows, bytes, key} of the parts of this version
        self.bucket: str | None = None
        self.out: _RowGroups | None = None
        self.held: list[pa.Table] = []
        self.hash = hashlib.sha256()
        self.known = True

    def add(self, table: pa.Table, bucket: str | None = None, key: str | None = None) -> None:
        if bucket is None:  # rows of documents the caller did not name (a table made in memory): never linked
            for found, piece in _by_bucket(table):
                # rows after the doc_id order (targets editors added, last in a table made in memory) come last
                behind = found in self.made or (self.bucket is not None and found < self.bucket)
                self.add(piece, EXTRA_BUCKET if behind else found, None)
            return
        if bucket != self.bucket:
            self._end()
            self._start(bucket)
        if key is None:
            self.known = False
        else:
            self.hash.update(key.encode() + b"\n")
        if self.out is not None:
            self.out.add(table)
        elif table.num_rows:
            self.held.append(table)

    def _start(self, bucket: str) -> None:
        self.bucket, self.hash, self.known, self.held = bucket, hashlib.sha256(), True, []
        certain = bucket == EXTRA_BUCKET or bucket in self.dirty or bucket not in self.previous
        self.out = _RowGroups(self.folder / part_file(bucket), self.schema) if certain else None

    def _end(self) -> None:
        if self.bucket is None:
            return
        key = self.hash.hexdigest() if self.known else None
        path = self.folder / part_file(self.bucket)
        if self.out is None and key is not None and self._linked(key, path):
            self.made[self.bucket] = dict(self.previous[self.bucket])
        else:
            if self.out is None:
                self.out = _RowGroups(path, self.schema)
                for table in self.held:
                    self.out.add(table)
            self.out.close()
            self.made[self.bucket] = {"rows": self.out.rows, "bytes": path.stat().st_size, "key": key}
        self.bucket, self.out, self.held = None, None, []

    def _linked(self, key: str, path: Path) -> bool:
        """Hard-link the last version's part of this bucket when it was made from the same documents and is
        whole (its recorded size); False to encode the rows instead."""
        old = self.previous.get(self.bucket or "")
        if not old or old.get("key") != key or self.last is None:
            return False
        source = self.last / part_file(self.bucket or "")
        try:
            if source.stat().st_size != old.get("bytes"):
                return False
            os.link(source, path)
        except OSError:  # no such part, or a file system without hard links
            return False
        return True

    def close(self) -> None:
        """End the last bucket; every bucket without rows gets its (empty) part, so a version is complete."""
        self._end()
        for bucket in BUCKETS:
            if bucket not in self.made:
                self._start(bucket)
                self._end()

    def abandon(self) -> None:
        if self.out is not None:
            self.out.abandon()


class _TableWriter:
    """A thread that writes one table in order: to a temp Parquet file in OUT (or its parts in the new
    version folder), and the rows not yet in a reusable cache segment to the new segment. Parquet encoding,
    zstd and Arrow IPC release the GIL, so the tables are written in parallel with each other and with the
    processing of new documents."""

    def __init__(
        self, out_dir: Path, name: str, segment: str, reusable: frozenset[str], parts: _Parts | None = None
    ) -> None:
        self.tmp: Path | None = None
        if parts is None:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.parquet.", dir=out_dir)
            os.close(fd)
            self.tmp = Path(tmp)
        self.target: _RowGroups | _Parts = parts or _RowGroups(Path(tmp), TABLES[name])
        self.name, self.segment, self.reusable = name, segment, reusable
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
            self.target.abandon()

    def _write(self) -> None:
        schema = TABLES[self.name]
        cached = self.name in CACHED_TABLES
        new_rows, ipc = 0, None
        while (item := self.queue.get()) is not None:
            (table, segment, start, length), shown, bucket, key = item
            rows = table.slice(start, length)
            shown = rows if shown is None else shown  # the corrected rows go to the table, rows to the cache
            self.target.add(shown, bucket, key)
            self.rows += shown.num_rows
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
        self.target.close()
        if ipc is not None:
            ipc.close()

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
        """Stop and remove what this writer wrote (a version folder is removed by the sink)."""
        self.queue.put(None)
        self.thread.join()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
        self.segment_path.unlink(missing_ok=True)


def current_version(out_dir: Path) -> Path | None:
    """The version folder OUT/measures.parquet links to (None: a single file, a plain folder or none)."""
    try:
        target = Path(os.readlink(out_dir / f"{PARTITIONED[0]}.parquet"))
    except OSError:
        return None
    parts = target.parts
    if len(parts) == 3 and parts[0] == TABLES_DIR and not target.is_absolute():
        return out_dir / TABLES_DIR / parts[1]
    return None


def _read_parts(version: Path | None) -> dict[str, dict[str, dict]]:
    """parts.json of a version folder ({} when absent or unreadable: nothing is linked from it)."""
    if version is None:
        return {}
    try:
        parts = json.loads((version / PARTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return parts if isinstance(parts, dict) else {}


class FileSink:
    """Writes the tables into OUT, each through a temp file (a folder of parts in a new version folder for
    PARTITIONED) renamed over it at the end (tables first, the report next, the cache state last), and keeps
    the cache up to date. `dirty`: the buckets with a new document (their parts are encoded as rows come);
    None links no part of the last version (a full build)."""

    def __init__(
        self, out_dir: Path, reusable: frozenset[str] = frozenset(), dirty: frozenset[str] | None = None
    ) -> None:
        self.out_dir, self.cache_dir = out_dir, out_dir / CACHE_DIR
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for pattern in (".*.parquet.*", ".build_report.json.*"):  # temp files of a build that was killed
            for leftover in out_dir.glob(pattern):
                leftover.unlink(missing_ok=True)
        self.segment = f"{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
        self.version = out_dir / TABLES_DIR / self.segment
        self.last = current_version(out_dir)
        previous = _read_parts(self.last) if dirty is not None else {}
        self.writers: dict[str, _TableWriter] = {}
        self.staged: list[Path] = []
        try:
            for name in TABLES:
                parts = None
                if name in PARTITIONED:
                    last = self.last / name if self.last is not None else None
                    parts = _Parts(
                        self.version / name, TABLES[name], previous.get(name, {}), last, dirty or frozenset()
                    )
                self.writers[name] = _TableWriter(out_dir, name, self.segment, reusable, parts)
        except BaseException:  # e.g. no permission to create files in OUT: stop the writers already started
            self.abort()
            raise

    def put(
        self, name: str, run: Run, shown: pa.Table | None = None, bucket: str | None = None, key: str | None = None
    ) -> None:
        """Write a run of rows: `shown` (the corrected rows) to the table if given, else the run; the run
        itself to the cache. For a PARTITIONED table, `bucket` is the part the rows go to and `key` what they
        were made from (None: unknown, never linked; no bucket: cut by doc_id)."""
        for writer in self.writers.values():
            if writer.error is not None:  # a failed writer stops the build now, not after every document
                raise writer.error
        self.writers[name].queue.put((run, shown, bucket, key))

    def close(self, report: dict, inputs: list[Input], fingerprint: str) -> None:
        """Finish every table, stage the report (with each table's size) and the cache state, then rename
        them all into place: nothing is replaced unless everything was written."""
        pieces = {name: writer.finish() for name, writer in self.writers.items()}
        made = {name: writer.target.made for name, writer in self.writers.items() if isinstance(writer.target, _Parts)}
        (self.version / PARTS_FILE).write_text(json.dumps(made, sort_keys=True), encoding="utf-8")
        report["table_bytes"] = {
            name: sum(m["bytes"] for m in made[name].values())
            if name in made
            else (writer.tmp or Path()).stat().st_size
            for name, writer in self.writers.items()
        }
        report["table_parts"] = {
            name: {part_file(bucket): m["bytes"] for bucket, m in sorted(parts.items())} for name, parts in made.items()
        }
        text = _report_json(report)
        report_tmp = _staged(
            self.out_dir / "build_report.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8")
        )
        self.staged.append(report_tmp)
        text = json.dumps(new_state(fingerprint, pieces, inputs), ensure_ascii=False)
        state_tmp = _staged(self.cache_dir / "state.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        self.staged.append(state_tmp)
        links = {}
        for name in made:  # the new symlinks, staged next to the tables they replace
            link = self.out_dir / f".{name}.parquet.{secrets.token_hex(4)}"
            os.symlink(os.path.join(TABLES_DIR, self.segment, name), link)
            self.staged.append(link)
            links[name] = link
        replaced = []
        for name, writer in self.writers.items():
            target = self.out_dir / f"{name}.parquet"
            if name in links:
                if target.is_dir() and not target.is_symlink():  # a plain folder (a copy that followed links)
                    aside = self.out_dir / TABLES_DIR / f".replaced-{name}-{secrets.token_hex(4)}"
                    os.replace(target, aside)
                    replaced.append(aside)
                os.replace(links[name], target)
            else:
                os.replace(writer.tmp or Path(), target)
        os.replace(report_tmp, self.out_dir / "build_report.json")
        os.replace(state_tmp, self.cache_dir / "state.json")
        named = {segment_file(segment, name) for name in CACHED_TABLES for segment, _, _ in pieces[name]}
        for path in self.cache_dir.iterdir():  # segments no build will read again, and killed builds' leftovers
            if path.name != "state.json" and path.name not in named:
                path.unlink(missing_ok=True)
        keep = {self.version.name} | ({self.last.name} if self.last is not None else set())
        for path in (self.out_dir / TABLES_DIR).iterdir():  # older versions (the last one is kept for readers
            if path.name not in keep:  # that resolved it just before the swap) and killed builds' folders
                shutil.rmtree(path, ignore_errors=True)

    def abort(self) -> None:
        """After a failure: stop the writers and remove what this build wrote."""
        for writer in self.writers.values():
            writer.discard()
        for path in self.staged:
            path.unlink(missing_ok=True)
        shutil.rmtree(self.version, ignore_errors=True)
        try:
            self.version.parent.rmdir()  # a first build leaves no empty .tables
        except OSError:
            pass


def damaged_tables(out_dir: Path, report: dict) -> list[str]:
    """The tables of out_dir that are missing, unreadable or unlike what the build recorded in `report`:
    another size (truncated, replaced), other parts, or another row count or schema in the Parquet footers.
    Reads only the footers (a few KB at any size), so --if-stale and the app's first load can afford it."""

    counts, sizes = report.get("counts") or {}, report.get("table_bytes") or {}
    recorded_parts = report.get("table_parts") or {}
    damaged = []
    for name, schema in TABLES.items():
        path = out_dir / f"{name}.parquet"
        try:
            files = table_files(path)
            if name in recorded_parts:
                parts = recorded_parts[name]
                if not path.is_dir() or [f.name for f in files] != sorted(parts):
                    raise ValueError("other parts than the build's record")
                if any(f.stat().st_size != parts[f.name] for f in files):
                    raise ValueError("a part's size differs from the build's record")
            elif path.is_dir() or (name in sizes and path.stat().st_size != sizes[name]):
                raise ValueError("size differs from the build's record")
            rows = 0
            for file in files:
                footer = pq.read_metadata(file)
                rows += footer.num_rows
                if not footer.schema.to_arrow_schema().equals(schema, check_metadata=False):
                    raise ValueError("schema differs from the build's record")
            if rows != counts.get(name):
                raise ValueError("rows differ from the build's record")
        except (OSError, ValueError, pa.ArrowException):
            damaged.append(f"{name}.parquet")
    return damaged


def _report_json(report: dict) -> str:
    """The report as JSON, one line per input (json's C encoder only runs without indent: 10× faster)."""
    head = {k: v for k, v in report.items() if k != "inputs"}
    lines = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in report.get("inputs", []))
    return json.dumps(head, ensure_ascii=False, indent=2)[:-2] + f',\n  "inputs": [\n{lines}\n  ]\n}}\n'
