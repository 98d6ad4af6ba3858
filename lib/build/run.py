"""Stage 7, build: every document in seeds/ → data/build/*.parquet + build_report.json (the CLI is cli.py).

One bad input never stops the others; tables are written atomically (temp file + rename).

A rebuild processes only the documents whose content, curated overrides or pipeline code changed. The
others' rows come from a private cache next to the tables (OUT/.cache/, cache.py), which
also remembers every input's content hash, so adding one document to 10,000 neither re-reads nor
re-decodes the rest. Measures and targets are written while documents are processed (output.py),
so a full build never holds them all in memory.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from lib import reference
from lib.build import confidence
from lib.build import corrections as corr
from lib.build.cache import Run, coalesce, joined, runs_by_key
from lib.build.fingerprint import code_fingerprint
from lib.build.output import EXTRA_BUCKET, FileSink, MemorySink, bucket_of
from lib.build.plan import Job, Plan, plan_build
from lib.build.tables import AGENCY_COLUMNS, agency_table, citation_rows, resolve_citations
from lib.config import DOCUMENTS_YAML, PIPELINE_VERSION
from lib.contract import TABLES
from lib.pipeline import agencies
from lib.pipeline.document import DocResult, process_document


@reference.per_snapshot
def known_bodies() -> frozenset[str]:
    """The canonical bodies of data/agencies.yaml (a body outside them lowers a measure's confidence)."""
    return frozenset(body.name for body in agencies.bodies())


def _process_job(job: Job) -> DocResult:
    raw = job.path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != job.sha256:  # its place in the tables was planned by the old content
        return DocResult(job.name, "rejected", ["文件在构建过程中被修改，请重新构建"])
    result = process_document(job.name, raw, job.overrides)
    if result.document:
        result.document["build_key"] = job.key
        confidence.annotate(result.document, result.measures, result.targets, known_bodies())
    return result


def _results(jobs: list[Job], workers: int, progress: bool, snapshot: reference.Snapshot | None = None) -> _Counted:
    """Process documents in order, in worker processes when there are enough to pay for them. The workers
    start now, before any writer thread: forking a process whose threads hold locks can deadlock."""
    bar = None
    if progress and len(jobs) > 20:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc="构建", unit="篇", file=sys.stderr)
    if workers > 1 and len(jobs) >= 16:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(
            max_workers=workers, initializer=reference.activate, initargs=(snapshot or reference.current(),)
        )
        return _Counted(pool.map(_process_job, jobs, chunksize=8), bar, pool)
    return _Counted(map(_process_job, jobs), bar)


class _Counted:
    """The results in order, counted on the progress bar. A worker's exception (an I/O error, a killed worker:
    BrokenProcessPool) is raised here, in the build's thread; close() stops the workers and cancels their
    queued documents, also when no result was asked for yet (a generator's finally would not run then)."""

    def __init__(self, results: Iterator[DocResult], bar, pool=None) -> None:
        self.results, self.bar, self.pool = results, bar, pool

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> DocResult:
        try:
            result = next(self.results)
        except BaseException:
            self.close()
            raise
        if self.bar:
            self.bar.update()
        return result

    def close(self) -> None:
        if self.bar:
            self.bar.close()
        if self.pool:
            self.pool.shutdown(cancel_futures=True)


# New documents' rows are turned into Arrow tables every CHUNK documents, so a 10,000-document build never
# holds its measures as Python dicts (4.9 GB measured before this; Arrow holds the same in a fraction).
CHUNK = 200
STREAMED = ("measures", "targets")  # in doc_id order: handed to the sink while documents are processed
ROW_ORDER = {
    "documents": [("source_file", "ascending")],
    "measures": [("doc_id", "ascending"), ("ordinal", "ascending")],
    "targets": [("doc_id", "ascending"), ("target_id", "ascending")],
    "citations": [("from_doc_id", "ascending"), ("cited_number", "ascending")],
}


class _Emitter:
    """Hands one table's runs to the sink in order, neighbouring runs of one bucket joined into one slice, with
    the keys of their documents (doc_id, build key, corrections: what the sink compares to reuse a part)."""

    def __init__(self, name: str, sink, corrector: corr.Corrector, taps: list[pa.Table] | None = None) -> None:
        self.name, self.sink, self.taps, self.corrector = name, sink, taps, corrector
        self.open: Run | None = None
        self.bucket: str | None = None
        self.keys: list[str] = []
        self.rows = 0

    def add(self, run: Run | None, doc_id: str, build_key: str) -> None:
        if run is None or not run.length:
            return
        bucket = bucket_of(doc_id)
        if bucket == self.bucket and (longer := joined(self.open, run)):
            self.open = longer
        else:
            self.flush()
            self.open, self.bucket = run, bucket
        self.keys.append(f"{doc_id} {build_key} {self.corrector.key(self.name, doc_id)}")

    def flush(self) -> None:
        if self.open:
            table, _segment, start, length = self.open
            # The tables get the corrected rows, the cache the pipeline's (the sink writes both)
            shown = self.corrector.apply(self.name, table.slice(start, length))
            self.sink.put(self.name, self.open, shown, self.bucket, "\n".join(self.keys))
            self.keys = []
            if self.taps is not None:  # the columns the agencies table needs, kept as zero-copy slices
                self.taps.append(shown.select(AGENCY_COLUMNS))
            self.rows += shown.num_rows
            self.open = None


def _merged(previous: list[Run] | None, keep: set[str], fresh: pa.Table, key: str) -> list[Run]:
    """The kept keys' previous rows and every fresh row, in key order, as few slices as possible."""
    runs = {k: run for k, run in runs_by_key(previous or [], key).items() if k in keep}
    runs.update(runs_by_key([Run.whole(fresh)], key))
    return coalesce(runs[k] for k in sorted(runs))


def _concat(runs: list[Run], name: str) -> pa.Table:
    parts = [table.slice(start, length) for table, _segment, start, length in runs]
    return pa.concat_tables(parts) if parts else TABLES[name].empty_table()


def run_build(plan: Plan, sink, results: Iterator[DocResult], corrector: corr.Corrector | None = None) -> dict:
    """Every table of the contract into the sink, the new documents' rows processed and the others reused, and
    the editors' corrections applied last (to what the tables show, not to the cache); returns the build report."""
    previous = plan.previous or {}
    corrector = corrector or corr.Corrector([], [])
    cached = {row["doc_id"]: (name, row) for name, row in plan.reused.items()}
    kept = set(cached)
    texts: dict[str, tuple[str, str]] = {}  # text_sha256 → (source_file, encoding) of the copy built
    kept_runs = {name: runs_by_key(previous.get(name, []), "doc_id") for name in STREAMED}
    taps: list[pa.Table] = []
    emitters = {name: _Emitter(name, sink, corrector, taps if name == "measures" else None) for name in STREAMED}
    fresh: dict[str, list[pa.Table]] = {"documents": [], "citations": []}
    reports: dict[str, dict] = {}
    pending: list[DocResult] = []  # processed, not yet in Arrow
    held: list[tuple[str, str, DocResult | None]] = []  # (doc_id, build key, result) from the first pending one on

    def convert() -> None:  # pending rows → Arrow; then every held document's rows to the emitters, in order
        built = [r for r in pending if r.document]
        rows = {
            "documents": [r.document for r in built],
            "measures": [m for r in built for m in r.measures],
            "targets": [t for r in built for t in r.targets],
            "citations": citation_rows(built),
        }
        chunk = {name: pa.Table.from_pylist(table_rows, schema=TABLES[name]) for name, table_rows in rows.items()}
        for name in fresh:
            fresh[name].append(chunk[name])
        offsets = dict.fromkeys(STREAMED, 0)
        for name in STREAMED:
            chunk[name] = chunk[name].sort_by(ROW_ORDER[name])  # each document's rows stay together, in doc_id order
        for doc_id, key, result in held:
            for name, emitter in emitters.items():
                if result is None:
                    emitter.add(kept_runs[name].get(doc_id), doc_id, key)
                else:
                    n = len(result.measures if name == "measures" else result.targets)
                    emitter.add(Run(chunk[name], None, offsets[name], n), doc_id, key)
                    offsets[name] += n
        pending.clear()
        held.clear()

    # 1. measures and targets in doc_id order: reused runs at once, new documents as they are processed
    order = sorted(
        [(doc_id, None) for doc_id in kept] + [(job.sha256[:12], job) for job in plan.jobs], key=lambda item: item[0]
    )
    for doc_id, job in order:
        if job is None and (copy := _copy_of(texts, cached[doc_id][1], cached[doc_id][0])):
            reports[cached[doc_id][0]] = _report_entry(cached[doc_id][0], None, copy)
            kept.discard(doc_id)  # a copy of a document met earlier in doc_id order: none of its rows
            continue
        key = cached[doc_id][1]["build_key"] if job is None else job.key
        if job is None and not held:
            for name, emitter in emitters.items():
                emitter.add(kept_runs[name].get(doc_id), doc_id, key)
            continue
        if job is not None:
            for emitter in emitters.values():
                emitter.flush()  # the writers encode what is known while this document is processed
            result = next(results)
            if result.document and (copy := _copy_of(texts, result.document, result.source_file)):
                result = copy
            reports[result.source_file] = _report_entry(result.source_file, None, result)
            pending.append(result)
            held.append((doc_id, key, result))
        else:
            held.append((doc_id, key, None))
        if len(pending) >= CHUNK:
            convert()
    convert()
    for emitter in emitters.values():
        emitter.flush()
    if corrector.added:  # targets editors added: found through their measures, so written after them
        added = corrector.added_targets(TABLES["targets"])
        sink.put("targets", Run(added, None, 0, 0), added, EXTRA_BUCKET)
        emitters["targets"].rows += added.num_rows
    # 2. documents (in source_file order) and citations, reused and new
    new_docs = pa.concat_tables(fresh["documents"]).sort_by(ROW_ORDER["documents"])
    fresh["documents"].clear()  # the sorted copy replaces the chunks (a full build holds every text once)
    doc_runs = _merged(previous.get("documents"), {cached[doc_id][0] for doc_id in kept}, new_docs, "source_file")
    documents = corrector.documents(_concat(doc_runs, "documents"))
    for run in doc_runs:
        sink.put("documents", run, corrector.documents(run.table.slice(run.start, run.length)))
    new_citations = pa.concat_tables(fresh["citations"]).sort_by(ROW_ORDER["citations"])
    cited = resolve_citations(
        _concat(_merged(previous.get("citations"), kept, new_citations, "from_doc_id"), "citations"), documents
    )
    sink.put("citations", Run.whole(cited))
    # 3. agencies, from every measure
    measures = pa.concat_tables(taps) if taps else TABLES["measures"].empty_table().select(AGENCY_COLUMNS)
    agency_rows = agency_table(measures, documents)
    sink.put("agencies", Run.whole(agency_rows))
    counts = {
        "documents": documents.num_rows,
        "measures": emitters["measures"].rows,
        "targets": emitters["targets"].rows,
        "agencies": agency_rows.num_rows,
        "citations": cited.num_rows,
    }
    return {
        "pipeline_version": PIPELINE_VERSION,
        "counts": counts,
        "input_hash": plan.input_hash,
        "reused": len(kept),
        "processed": len(plan.jobs),
        "corrections": corrector.report(),
        "inputs": [
            reports.get(i.name) or _report_entry(i.name, plan.reused.get(i.name), plan.rejected.get(i.name))
            for i in plan.inputs
        ],
    }


def _copy_of(texts: dict[str, tuple[str, str]], document: dict, source_file: str) -> DocResult | None:
    """A document whose normalised text a document met earlier has (a GB18030 or UTF-16 copy, other line
    ends): the earlier one's name in a warning, instead of its rows; None for a first copy (now remembered).
    The tables are written in doc_id order, so the copy with the first doc_id is kept: chosen as rows are
    written, the same whatever order the copies came in, a full and an incremental build alike."""
    first, encoding = texts.setdefault(document["text_sha256"], (source_file, document["encoding"]))
    if first == source_file:
        return None
    why = "编码不同" if encoding != document["encoding"] else "文件字节不同"
    return DocResult(source_file, "warning", [f"与“{first}”正文相同（{why}），未重复计入"])


def build_tables(
    seed_dir: Path,
    use_manifest: bool = True,
    progress: bool = False,
    manifest_path: Path = DOCUMENTS_YAML,
    previous_dir: Path | None = None,
    workers: int = 1,
) -> tuple[dict[str, pa.Table], dict]:
    """Run every stage over every input (reusing the previous build's rows of unchanged documents);
    return the tables of the contract and the build report, in memory."""
    plan = plan_build(seed_dir, use_manifest, manifest_path, previous_dir)
    sink = MemorySink()
    report = run_build(plan, sink, _results(plan.jobs, workers, progress, plan.reference), _corrector(plan))
    return sink.tables(), report


def build(
    seed_dir: Path,
    out_dir: Path,
    use_manifest: bool = True,
    progress: bool = False,
    manifest_path: Path = DOCUMENTS_YAML,
    workers: int = 1,
    full: bool = False,
) -> dict:
    """Build into out_dir, reusing its last build's rows of unchanged documents (unless full), streaming the
    tables to disk as they are made; returns the build report."""
    plan = plan_build(seed_dir, use_manifest, manifest_path, None if full else out_dir)
    results = _results(plan.jobs, workers, progress, plan.reference)
    # Parts of the last build are linked only when its rows are reused (not --full, not another pipeline)
    dirty = frozenset(bucket_of(job.sha256) for job in plan.jobs) if plan.previous is not None else None
    try:
        sink = FileSink(out_dir, plan.reusable_segments(), dirty)
    except BaseException:  # e.g. no permission to write in out_dir
        results.close()
        raise
    try:
        report = run_build(plan, sink, results, _corrector(plan))
        sink.close(report, plan.inputs, plan.fingerprint)
    except BaseException:
        results.close()  # stops the worker processes now (their queued documents are cancelled)
        sink.abort()
        raise
    results.close()
    return report


def _corrector(plan: Plan) -> corr.Corrector:
    """The editors' corrections for this build's documents (none when the build ignores the curated files)."""
    inputs = [(i.name, i.sha256) for i in plan.inputs]
    return corr.load_for_build(plan.corrections, inputs) if plan.corrections else corr.Corrector([], inputs)


def _report_entry(source_file: str, reused: dict | None, result: DocResult | None) -> dict:
    if reused is not None:
        messages = [*reused["warnings"], *reused["missing_parts"]]
        return {
            "source_file": source_file,
            "status": "warning" if messages else "ok",
            "messages": messages,
            "doc_id": reused["doc_id"],
            "n_measures": reused["n_measures"],
            "n_targets": reused["n_targets"],
            "cached": True,
        }
    assert result is not None, "an input is either reused or has a result"
    return {
        "source_file": source_file,
        "status": result.status,
        "messages": result.messages,
        "doc_id": result.document["doc_id"] if result.document else None,
        "n_measures": len(result.measures),
        "n_targets": len(result.targets),
        "cached": False,
    }


def write_outputs(tables: dict[str, pa.Table], report: dict, out_dir: Path) -> None:
    """Write tables made in memory (build_tables) as a build would, cache included."""
    sink = FileSink(out_dir)
    try:
        for name, table in tables.items():
            sink.put(name, Run.whole(table))
        sink.close(report, [], code_fingerprint())
    except BaseException:
        sink.abort()
        raise
