"""Stage 7, build: every document in seeds/ → data/build/*.parquet + build_report.json.

    python -m lib.build [--seeds DIR] [--out DIR] [--no-manifest]

Exit status: 0 all built, 3 some inputs rejected (the rest built), 1 internal failure.
One bad input never stops the others; tables are written atomically (temp file + rename).

A rebuild processes only the documents whose content, curated overrides or pipeline code changed. The
others' rows come from a private cache next to the tables (OUT/.cache/, lib/build_cache.py), which
also remembers every input's content hash, so adding one document to 10,000 neither re-reads nor
re-decodes the rest. Measures and targets are written while documents are processed (lib/build_output.py),
so a full build never holds them all in memory.
"""
from __future__ import annotations

from collections import Counter

import argparse
import ast
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lib import agencies, citations, metadata, reference, structure, tagging, targets
from lib.build_cache import (Input, Run, cache_state, cached_tables, coalesce, joined, parquet_tables,
                             reusable_segments, runs_by_key, scan_inputs)
from lib.build_cache import CACHE_DIR  # noqa: F401 (re-exported: callers know the cache as build.CACHE_DIR)
from lib.build_output import FileSink, MemorySink, damaged_tables, failure_cause
from lib.build_output import write_atomically  # noqa: F401 (re-exported for lib.importer)
from lib.config import BUILD_DIR, DATA_DIR, DOCUMENTS_YAML, PIPELINE_VERSION, ROOT, SEEDS_DIR
from lib.contract import TABLES
from lib.intkeys import distinct, groups
from lib.readers import SUPPORTED, RejectedInput, read_document

ACTIONABLE_WITHOUT_PHRASE = ("task", "safeguard", "procedure", "mechanism")
EXIT_OK, EXIT_INTERNAL, EXIT_REJECTED = 0, 1, 3


@dataclass
class DocResult:
    """Rows produced from one input file, or the reason it was rejected."""

    source_file: str
    status: str  # ok | warning | rejected
    messages: list[str] = field(default_factory=list)
    document: dict | None = None
    measures: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    citations: list[citations.Citation] = field(default_factory=list)


def process_document(source_file: str, raw: bytes, overrides: dict | None) -> DocResult:
    """All stages for one document: pure, bytes in, rows out."""
    try:
        normalized = read_document(source_file, raw)  # 1. normalize
    except RejectedInput as exc:
        return DocResult(source_file, "rejected", [str(exc)])
    doc_id = hashlib.sha256(raw).hexdigest()[:12]
    tree = structure.parse(normalized.text)  # 2. structure
    meta = metadata.extract(normalized.text, tree.preamble, source_file, overrides)  # 3. metadata
    kinds = tagging.classify_kinds(tree.leaves)
    measures, target_rows = [], []
    for ordinal, (leaf, kind) in enumerate(zip(tree.leaves, kinds), start=1):
        measure_id = f"{doc_id}-m{ordinal:03d}"
        measures.append(_measure_row(doc_id, measure_id, ordinal, leaf, kind, meta))  # 4. agencies, 6. tags
        target_rows.extend(_target_rows(leaf.text, doc_id, measure_id, meta))  # 5. targets
    for _heading, _path, own_text in tree.headed_blocks:
        target_rows.extend(_target_rows(own_text, doc_id, None, meta))
    # Goals stated in the preamble ("为…，力争到2025年…达到75%以上，制定以下措施"); only dated
    # sentences, so numbers of the web header and the wrapper notice stay out.
    dated = "\n".join(s for s in targets.sentences(tree.preamble) if targets.GOAL_YEAR.search(s))
    target_rows.extend(_target_rows(dated, doc_id, None, meta))
    for n, row in enumerate(target_rows, start=1):
        row["target_id"] = f"{doc_id}-t{n:03d}"
    missing = list(tree.missing_parts)
    if "（节选）" in normalized.text[:3000]:
        missing.append("原文为节选本（标题注明“节选”），其余章节未收录")
    if normalized.truncated:
        last = tree.leaves[-1].heading if tree.leaves else "正文开头"
        missing.append(f"正文在“{last}”处截断，之后的内容缺失")
    warnings = [*normalized.warnings, *meta.warnings]
    if not tree.leaves:
        warnings.append("未识别到编号条目（一、/（一）/1. 等），该文件没有生成措施")
    document = {
        "doc_id": doc_id, "source_file": source_file, "title": meta.title, "notice_title": meta.notice_title,
        "doc_number": meta.doc_number, "issuer": meta.issuer, "level": meta.level, "district": meta.district,
        "doc_type": meta.doc_type, "issued_date": meta.issued_date, "year": meta.year,
        "period_start": meta.period_start, "period_end": meta.period_end, "date_source": meta.date_source,
        "date_evidence": meta.date_evidence, "missing_parts": missing, "text": normalized.text,
        "n_measures": len(measures), "n_targets": len(target_rows), "warnings": warnings,
        "issuer_canonical": meta.issuer_canonical, "truncated": normalized.truncated,
        "jurisdiction": meta.jurisdiction, "province": meta.province, "effective_from": meta.effective_from,
        "effective_until": meta.effective_until,
        "encoding": normalized.encoding, "content_sha256": hashlib.sha256(raw).hexdigest(),
        "text_sha256": hashlib.sha256(normalized.text.encode("utf-8")).hexdigest(),
    }
    status = "warning" if warnings or missing else "ok"
    cited = citations.extract(normalized.text, meta.title, meta.doc_number)  # lineage, resolved across documents later
    return DocResult(source_file, status, warnings + missing, document, measures, target_rows, cited)


def _measure_row(doc_id: str, measure_id: str, ordinal: int, leaf, kind: str, meta) -> dict:
    responsibility = agencies.find_responsibility(leaf.text)
    body_text = leaf.text.replace(responsibility.phrase or "\0", "")
    canonical = list(dict.fromkeys(agencies.canonical(w, meta.district, meta.jurisdiction)[0] for w in responsibility.written))
    source = "phrase" if canonical else "none"
    if not canonical and kind in ACTIONABLE_WITHOUT_PHRASE and meta.issuer_canonical:
        # No 责任单位 written: the issuing body answers for its own document's actions.
        canonical, source = [meta.issuer_canonical], "issuer"
    tags = tagging.tag(leaf.heading + "\n" + body_text, meta.district)
    garbled = []
    if "〓" in leaf.text:  # rare: one C-speed test spares every other measure the per-character scan
        garbled = [f"含无法还原的乱码：“{leaf.text[max(0, i - 4): i + 5]}”" for i, ch in enumerate(leaf.text) if ch == "〓"]
    return {
        "measure_id": measure_id, "doc_id": doc_id, "ordinal": ordinal, "path": list(leaf.path),
        "heading": leaf.heading, "text": leaf.text, "kind": kind,
        "agencies_raw": list(responsibility.written), "agencies": canonical,
        "lead_agency": agencies.canonical(responsibility.lead, meta.district, meta.jurisdiction)[0] if responsibility.lead else None,
        "responsibility_phrase": responsibility.phrase, "actors": list(agencies.actors_in(body_text, meta.district, meta.jurisdiction)),
        "districts": list(tags.districts), "themes": list(tags.themes), "industries": list(tags.industries),
        "instruments": list(tags.instruments), "target_groups": list(tags.target_groups),
        "tag_evidence": list(tags.evidence), "has_evaluation": tags.has_evaluation, "omitted": leaf.omitted,
        "warnings": garbled, "year": meta.year, "marker": leaf.marker, "outline": leaf.outline,
        "agency_source": source, "keywords": tagging.keywords(leaf.heading + "\n" + body_text),
    }


def _target_rows(text: str, doc_id: str, measure_id: str | None, meta) -> list[dict]:
    scope = meta.district or ("天津市" if meta.level == "municipal" else meta.issuer)
    if meta.jurisdiction and meta.jurisdiction != "全国" and not meta.jurisdiction.startswith("天津市"):
        scope = meta.jurisdiction  # another place's target is that place's: 武汉市, 广州市天河区
    rows = []
    for t in targets.extract(text, meta.year):
        rows.append({
            "target_id": None, "doc_id": doc_id, "measure_id": measure_id, "kind": t.kind, "indicator": t.indicator,
            "comparator": t.comparator, "value_low": t.value_low, "value_high": t.value_high, "unit": t.unit,
            "target_year": t.target_year, "scope": scope, "masked": t.masked, "mask": t.mask, "raw": t.raw,
            "mask_magnitude": targets.mask_magnitude(t.mask.split("至")[0]) if t.mask else None,
            "year_masked": t.year_masked, "periodicity": t.periodicity, "sentence": t.raw, "year": meta.year,
        })
    return rows


def agency_table(measures: pa.Table, documents: pa.Table) -> pa.Table:
    """The agencies table from the measures (at least AGENCY_COLUMNS): one row per canonical body named as
    responsible or acting. Names, measures and documents are counted as integer codes (lib.intkeys), not
    strings: it runs on every build, adding one document included."""
    rows = pa.table({column: measures[column].combine_chunks() for column in AGENCY_COLUMNS})  # one chunk each
    docs = pc.dictionary_encode(rows["doc_id"].chunk(0))
    doc_of_row = docs.indices.to_numpy()
    n_rows, n_docs = rows.num_rows, len(docs.dictionary)

    def named(column: str) -> tuple[list[str], np.ndarray, np.ndarray]:  # names, and (name code, row) per item
        items = rows[column].chunk(0)
        names = pc.dictionary_encode(pc.list_flatten(items))
        return (names.dictionary.to_pylist(), names.indices.to_numpy().astype(np.int64),
                pc.list_parent_indices(items).to_numpy())

    counts: dict[str, dict] = {}
    for column, field_name in (("agencies", "total"), ("actors", "actor")):
        names, code, row_of_item = named(column)
        measures_named = np.bincount(distinct(code * n_rows + row_of_item) // n_rows, minlength=len(names))
        name_doc = distinct(code * n_docs + doc_of_row[row_of_item])
        for name_code, doc_numbers in groups(name_doc // n_docs, name_doc % n_docs):
            row = counts.setdefault(names[name_code], {"total": 0, "actor": 0, "lead": 0, "docs": set(), "written": set()})
            row[field_name] = int(measures_named[name_code])
            row["docs"].update(doc_numbers.tolist())
    for lead in pc.value_counts(rows["lead_agency"]).to_pylist():
        if lead["values"] in counts:
            counts[lead["values"]]["lead"] = lead["counts"]
    # canonical() depends on the written name and the document's place only: one call per distinct pair.
    in_documents = pc.index_in(docs.dictionary, value_set=documents["doc_id"])
    place_of = documents.select(["district", "jurisdiction"]).to_pylist() if "jurisdiction" in documents.column_names \
        else [{"district": d, "jurisdiction": None} for d in documents["district"].to_pylist()]
    place_keys = pa.array([f"{p['district'] or ''}|{p['jurisdiction'] or ''}" for p in place_of], pa.string())
    place = pc.dictionary_encode(pc.take(place_keys, in_documents))
    places = [tuple(key.split("|")) for key in place.dictionary.to_pylist()] + [("", "")]  # the last: unknown
    place_of_doc = pc.fill_null(place.indices, len(places) - 1).to_numpy()
    written, code, row_of_item = named("agencies_raw")
    jurisdictions: dict[str, Counter] = {}
    for pair in distinct(code * len(places) + place_of_doc[doc_of_row[row_of_item]]).tolist():
        raw, (where, jurisdiction) = written[pair // len(places)], places[pair % len(places)]
        name = agencies.canonical(raw, where or None, jurisdiction or None)[0]
        jurisdictions.setdefault(name, Counter())[jurisdiction] += 1
        if name in counts and name != raw:
            counts[name]["written"].add(raw)
    doc_ids = docs.dictionary.to_pylist()
    levels = {b.name: b.level for b in agencies.bodies()}
    table_rows = [{
        "agency": name, "level": levels.get(name) or _guess_level(name), "aliases": sorted(row["written"]),
        "renamed_from": [f"{old}（{year}年更名）" for old, year in agencies.renamed_from(name)],
        "n_measures_lead": row["lead"], "n_measures_total": row["total"], "n_measures_actor": row["actor"],
        "doc_ids": sorted(doc_ids[i] for i in row["docs"]),
        "jurisdiction": _agency_jurisdiction(name, levels.get(name), jurisdictions.get(name)),
    } for name, row in sorted(counts.items(), key=lambda kv: (-kv[1]["total"], kv[0]))]
    return pa.Table.from_pylist(table_rows, schema=TABLES["agencies"])


def citation_rows(results: list[DocResult]) -> list[dict]:
    """Citation rows of freshly processed documents (resolved later, against the whole corpus)."""
    return [{"from_doc_id": r.document["doc_id"], "cited_title": c.cited_title, "cited_number": c.cited_number,
             "resolved_doc_id": None, "sentence": c.sentence} for r in results for c in r.citations]


def resolve_citations(table: pa.Table, documents: pa.Table) -> pa.Table:
    """Point every citation at the corpus document it names, by 文号 first, else by title."""
    index = citations.CorpusIndex(documents.select(["doc_id", "doc_number", "title"]).to_pylist())
    resolved = [index.resolve(citations.Citation(t, n, ""))
                for t, n in zip(table["cited_title"].to_pylist(), table["cited_number"].to_pylist())]
    return table.set_column(table.schema.get_field_index("resolved_doc_id"), "resolved_doc_id", pa.array(resolved, pa.string()))


def _agency_jurisdiction(name: str, level: str | None, seen: Counter | None) -> str | None:
    """The bodies of data/agencies.yaml are Tianjin's; another body's place is the one its name begins with
    (武汉市科技局, 科技部 → 全国), else that of the documents that name it."""
    if level is not None:
        return "天津市"
    place = metadata.jurisdiction_of(name, "", None, None).name
    if place != "天津市" or not seen:
        return place
    return seen.most_common(1)[0][0] or "天津市"


def _guess_level(name: str) -> str:
    return "区级" if "区" in name[:4] or name.startswith(("公安", "各镇", "有关镇")) else "其他"


# ---- Fingerprints and keys -------------------------------------------------------------------------------

def pipeline_modules(root: Path = ROOT, start: str = "lib.build") -> list[Path]:
    """The source files of every lib module the build imports, directly or through others (read from the code,
    so a module added to the pipeline is fingerprinted without anyone listing it; pages and charts, which the
    build never imports, are not)."""
    found: dict[str, Path] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        path = _module_file(root, module)
        if module in found or path is None:
            continue
        found[module] = path
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                todo.extend(alias.name for alias in node.names if alias.name.split(".")[0] == "lib")
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lib":
                # `from lib import tagging` names a module; `from lib.build_cache import Run` a name in one
                todo.extend(f"{node.module}.{alias.name}" for alias in node.names
                            if _module_file(root, f"{node.module}.{alias.name}"))
                todo.append(node.module)
    return sorted(found.values())


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def code_fingerprint(snapshot: reference.Snapshot | None = None, root: Path = ROOT) -> str:
    """What every document's result depends on besides its bytes and its curated entry: the code the build
    imports and the reference bytes its stages read (the snapshot's digest; by default the files as they are)."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in pipeline_modules(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update((snapshot or reference.Snapshot.read()).digest.encode())
    return digest.hexdigest()[:16]


def build_key(content_sha256: str, fingerprint: str, overrides: dict | None) -> str:
    """A document's cache key: its content, the pipeline and its curated overrides."""
    extra = json.dumps(overrides, ensure_ascii=False, sort_keys=True, default=str) if overrides else "{}"
    return hashlib.sha256(f"{content_sha256}|{fingerprint}|{extra}".encode()).hexdigest()[:24]


def _input_digest(inputs: list[Input], fingerprint: str, use_manifest: bool, manifest: Path) -> str:
    digest = hashlib.sha256(f"{fingerprint}|{use_manifest}".encode())
    for item in inputs:
        digest.update(f"{item.name}\0{item.sha256}\n".encode())
    if use_manifest and manifest.exists():
        digest.update(manifest.name.encode() + b"\0" + manifest.read_bytes())
    return digest.hexdigest()[:16]


def input_hash(seed_dir: Path, use_manifest: bool = True, manifest: Path = DOCUMENTS_YAML, out_dir: Path | None = None) -> str:
    """Fingerprint of everything a build depends on: inputs, curated overrides, reference data, code (with
    the content hashes remembered in out_dir's cache, when given)."""
    inputs = scan_inputs(seed_dir, cache_state(out_dir).get("inputs"))
    return _input_digest(inputs, code_fingerprint(), use_manifest, manifest)


def is_stale(seed_dir: Path, out_dir: Path, use_manifest: bool = True, manifest: Path = DOCUMENTS_YAML) -> bool:
    """True when the tables are missing, damaged (unreadable, or another size or row count than the build
    recorded) or were built from other inputs, data or code."""
    try:
        report = json.loads((out_dir / "build_report.json").read_text(encoding="utf-8"))
        if not isinstance(report, dict) or damaged_tables(out_dir, report):
            return True
        return report.get("input_hash") != input_hash(seed_dir, use_manifest, manifest, out_dir)
    except (ValueError, OSError):  # a missing or unreadable report (JSONDecodeError is a ValueError)
        return True


# ---- Orchestration --------------------------------------------------------------------------------------

class Job(NamedTuple):
    """A document to process: its file, its curated overrides, and the hash and key it was planned with."""

    path: Path
    name: str
    overrides: dict | None
    sha256: str
    key: str


@dataclass
class Plan:
    """What a build does: the inputs, the last build's rows, and which documents it reuses or processes."""

    inputs: list[Input]
    fingerprint: str
    input_hash: str
    previous: dict[str, list[Run]] | None
    reused: dict[str, dict]  # source_file → the last build's report fields of that document
    jobs: list[Job]  # in doc_id order: their measures and targets come out in the tables' order
    rejected: dict[str, DocResult]
    reference: reference.Snapshot  # the reference files every stage of this build reads

    def reusable_segments(self) -> frozenset[str]:
        """The cache segments the new cache may keep pointing into (see build_cache.reusable_segments)."""
        reused = sum(row["n_measures"] + row["n_targets"] + 1 for row in self.reused.values())
        return reusable_segments(self.previous, reused, len(self.jobs))


def plan_build(seed_dir: Path, use_manifest: bool = True, manifest_path: Path = DOCUMENTS_YAML,
               previous_dir: Path | None = None) -> Plan:
    """Hash the inputs (by the cache when unchanged), read the last build's rows (from the cache, else its
    Parquet files), and sort every input into reused, to process, or rejected."""
    manifest = metadata.load_manifest(manifest_path) if use_manifest else {}
    snapshot = reference.Snapshot.read()
    reference.activate(snapshot)  # this process's stages; worker processes get it as they start (_results)
    fingerprint = code_fingerprint(snapshot)
    state = cache_state(previous_dir)
    inputs = scan_inputs(seed_dir, state.get("inputs"))
    previous = None
    if previous_dir is not None:
        previous = cached_tables(previous_dir, state, fingerprint) or parquet_tables(previous_dir)
    known: dict[str, dict] = {}
    if previous:
        columns = ["build_key", "source_file", "doc_id", "warnings", "missing_parts", "n_measures", "n_targets",
                   "text_sha256", "encoding"]
        for table, _segment, start, length in previous["documents"]:
            known.update((row["build_key"], row) for row in table.slice(start, length).select(columns).to_pylist())
    reused, jobs, rejected, seen = {}, [], {}, {}
    for item in inputs:
        suffix = os.path.splitext(item.name)[1]
        if suffix.lower() not in SUPPORTED:
            rejected[item.name] = DocResult(item.name, "rejected", [f"不支持的文件类型“{suffix}”"])
        elif item.sha256 in seen:  # doc_id is the content hash: a second copy would break its uniqueness
            rejected[item.name] = DocResult(item.name, "rejected", [f"与“{seen[item.sha256]}”内容完全相同，已跳过"])
        else:
            seen[item.sha256] = item.name
            key = build_key(item.sha256, fingerprint, manifest.get(item.name))
            row = known.get(key)
            if row is not None and row["source_file"] == item.name:
                reused[item.name] = row
            else:
                jobs.append(Job(Path(item.path), item.name, manifest.get(item.name), item.sha256, key))
    jobs.sort(key=lambda job: job.sha256)
    return Plan(inputs, fingerprint, _input_digest(inputs, fingerprint, use_manifest, manifest_path), previous,
                reused, jobs, rejected, snapshot)


def _process_job(job: Job) -> DocResult:
    raw = job.path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != job.sha256:  # its place in the tables was planned by the old content
        return DocResult(job.name, "rejected", ["文件在构建过程中被修改，请重新构建"])
    result = process_document(job.name, raw, job.overrides)
    if result.document:
        result.document["build_key"] = job.key
    return result


def _results(jobs: list[Job], workers: int, progress: bool,
             snapshot: reference.Snapshot | None = None) -> _Counted:
    """Process documents in order, in worker processes when there are enough to pay for them. The workers
    start now, before any writer thread: forking a process whose threads hold locks can deadlock."""
    bar = None
    if progress and len(jobs) > 20:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc="构建", unit="篇", file=sys.stderr)
    if workers > 1 and len(jobs) >= 16:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers, initializer=reference.activate,
                                   initargs=(snapshot or reference.current(),))
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
ROW_ORDER = {"documents": [("source_file", "ascending")],
             "measures": [("doc_id", "ascending"), ("ordinal", "ascending")],
             "targets": [("doc_id", "ascending"), ("target_id", "ascending")],
             "citations": [("from_doc_id", "ascending"), ("cited_number", "ascending")]}
AGENCY_COLUMNS = ["measure_id", "doc_id", "agencies", "actors", "lead_agency", "agencies_raw"]


class _Emitter:
    """Hands one table's runs to the sink in order, neighbouring runs joined into one slice."""

    def __init__(self, name: str, sink, taps: list[pa.Table] | None = None) -> None:
        self.name, self.sink, self.taps = name, sink, taps
        self.open: Run | None = None
        self.rows = 0

    def add(self, run: Run | None) -> None:
        if run is None or not run[3]:
            return
        if longer := joined(self.open, run):
            self.open = longer
        else:
            self.flush()
            self.open = run

    def flush(self) -> None:
        if self.open:
            table, _segment, start, length = self.open
            self.sink.put(self.name, self.open)
            if self.taps is not None:  # the columns the agencies table needs, kept as zero-copy slices
                self.taps.append(table.slice(start, length).select(AGENCY_COLUMNS))
            self.rows += length
            self.open = None


def _merged(previous: list[Run] | None, keep: set[str], fresh: pa.Table, key: str) -> list[Run]:
    """The kept keys' previous rows and every fresh row, in key order, as few slices as possible."""
    runs = {k: run for k, run in runs_by_key(previous or [], key).items() if k in keep}
    runs.update(runs_by_key([(fresh, None, 0, fresh.num_rows)], key))
    return coalesce(runs[k] for k in sorted(runs))


def _concat(runs: list[Run], name: str) -> pa.Table:
    parts = [table.slice(start, length) for table, _segment, start, length in runs]
    return pa.concat_tables(parts) if parts else TABLES[name].empty_table()


def run_build(plan: Plan, sink, results: Iterator[DocResult]) -> dict:
    """Every table of the contract into the sink, the new documents' rows processed and the others reused;
    returns the build report."""
    previous = plan.previous or {}
    cached = {row["doc_id"]: (name, row) for name, row in plan.reused.items()}
    kept = set(cached)
    texts: dict[str, tuple[str, str]] = {}  # text_sha256 → (source_file, encoding) of the copy built
    kept_runs = {name: runs_by_key(previous.get(name, []), "doc_id") for name in STREAMED}
    taps: list[pa.Table] = []
    emitters = {name: _Emitter(name, sink, taps if name == "measures" else None) for name in STREAMED}
    fresh: dict[str, list[pa.Table]] = {"documents": [], "citations": []}
    reports: dict[str, dict] = {}
    pending: list[DocResult] = []  # processed, not yet in Arrow
    held: list[tuple[str, DocResult | None]] = []  # documents in doc_id order from the first pending one on

    def convert() -> None:  # pending rows → Arrow; then every held document's rows to the emitters, in order
        built = [r for r in pending if r.document]
        rows = {"documents": [r.document for r in built], "measures": [m for r in built for m in r.measures],
                "targets": [t for r in built for t in r.targets], "citations": citation_rows(built)}
        chunk = {name: pa.Table.from_pylist(table_rows, schema=TABLES[name]) for name, table_rows in rows.items()}
        for name in fresh:
            fresh[name].append(chunk[name])
        offsets = dict.fromkeys(STREAMED, 0)
        for name in STREAMED:
            chunk[name] = chunk[name].sort_by(ROW_ORDER[name])  # each document's rows stay together, in doc_id order
        for doc_id, result in held:
            for name, emitter in emitters.items():
                if result is None:
                    emitter.add(kept_runs[name].get(doc_id))
                else:
                    n = len(result.measures if name == "measures" else result.targets)
                    emitter.add((chunk[name], None, offsets[name], n))
                    offsets[name] += n
        pending.clear()
        held.clear()

    # 1. measures and targets in doc_id order: reused runs at once, new documents as they are processed
    order = sorted([(doc_id, None) for doc_id in kept] + [(job.sha256[:12], job) for job in plan.jobs],
                   key=lambda item: item[0])
    for doc_id, job in order:
        if job is None and (copy := _copy_of(texts, cached[doc_id][1], cached[doc_id][0])):
            reports[cached[doc_id][0]] = _report_entry(cached[doc_id][0], None, copy)
            kept.discard(doc_id)  # a copy of a document met earlier in doc_id order: none of its rows
            continue
        if job is None and not held:
            for name, emitter in emitters.items():
                emitter.add(kept_runs[name].get(doc_id))
            continue
        if job is not None:
            for emitter in emitters.values():
                emitter.flush()  # the writers encode what is known while this document is processed
            result = next(results)
            if result.document and (copy := _copy_of(texts, result.document, result.source_file)):
                result = copy
            reports[result.source_file] = _report_entry(result.source_file, None, result)
            pending.append(result)
            held.append((doc_id, result))
        else:
            held.append((doc_id, None))
        if len(pending) >= CHUNK:
            convert()
    convert()
    for emitter in emitters.values():
        emitter.flush()
    # 2. documents (in source_file order) and citations, reused and new
    new_docs = pa.concat_tables(fresh["documents"]).sort_by(ROW_ORDER["documents"])
    fresh["documents"].clear()  # the sorted copy replaces the chunks (a full build holds every text once)
    doc_runs = _merged(previous.get("documents"), {cached[doc_id][0] for doc_id in kept}, new_docs, "source_file")
    documents = _concat(doc_runs, "documents")
    for run in doc_runs:
        sink.put("documents", run)
    new_citations = pa.concat_tables(fresh["citations"]).sort_by(ROW_ORDER["citations"])
    cited = resolve_citations(_concat(_merged(previous.get("citations"), kept, new_citations, "from_doc_id"),
                                      "citations"), documents)
    sink.put("citations", (cited, None, 0, cited.num_rows))
    # 3. agencies, from every measure
    measures = pa.concat_tables(taps) if taps else TABLES["measures"].empty_table().select(AGENCY_COLUMNS)
    agency_rows = agency_table(measures, documents)
    sink.put("agencies", (agency_rows, None, 0, agency_rows.num_rows))
    counts = {"documents": documents.num_rows, "measures": emitters["measures"].rows,
              "targets": emitters["targets"].rows, "agencies": agency_rows.num_rows, "citations": cited.num_rows}
    return {
        "pipeline_version": PIPELINE_VERSION, "counts": counts, "input_hash": plan.input_hash,
        "reused": len(kept), "processed": len(plan.jobs),
        "inputs": [reports.get(i.name) or _report_entry(i.name, plan.reused.get(i.name), plan.rejected.get(i.name))
                   for i in plan.inputs],
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


def build_tables(seed_dir: Path, use_manifest: bool = True, progress: bool = False,
                 manifest_path: Path = DOCUMENTS_YAML, previous_dir: Path | None = None,
                 workers: int = 1) -> tuple[dict[str, pa.Table], dict]:
    """Run every stage over every input (reusing the previous build's rows of unchanged documents);
    return the tables of the contract and the build report, in memory."""
    plan = plan_build(seed_dir, use_manifest, manifest_path, previous_dir)
    sink = MemorySink()
    report = run_build(plan, sink, _results(plan.jobs, workers, progress, plan.reference))
    return sink.tables(), report


def build(seed_dir: Path, out_dir: Path, use_manifest: bool = True, progress: bool = False,
          manifest_path: Path = DOCUMENTS_YAML, workers: int = 1, full: bool = False) -> dict:
    """Build into out_dir, reusing its last build's rows of unchanged documents (unless full), streaming the
    tables to disk as they are made; returns the build report."""
    plan = plan_build(seed_dir, use_manifest, manifest_path, None if full else out_dir)
    results = _results(plan.jobs, workers, progress, plan.reference)
    try:
        sink = FileSink(out_dir, plan.reusable_segments())
    except BaseException:  # e.g. no permission to write in out_dir
        results.close()
        raise
    try:
        report = run_build(plan, sink, results)
        sink.close(report, plan.inputs, plan.fingerprint)
    except BaseException:
        results.close()  # stops the worker processes now (their queued documents are cancelled)
        sink.abort()
        raise
    results.close()
    return report


def _report_entry(source_file: str, reused: dict | None, result: DocResult | None) -> dict:
    if reused is not None:
        messages = [*reused["warnings"], *reused["missing_parts"]]
        return {"source_file": source_file, "status": "warning" if messages else "ok", "messages": messages,
                "doc_id": reused["doc_id"], "n_measures": reused["n_measures"], "n_targets": reused["n_targets"],
                "cached": True}
    return {"source_file": source_file, "status": result.status, "messages": result.messages,
            "doc_id": result.document["doc_id"] if result.document else None,
            "n_measures": len(result.measures), "n_targets": len(result.targets), "cached": False}


def write_outputs(tables: dict[str, pa.Table], report: dict, out_dir: Path) -> None:
    """Write tables made in memory (build_tables) as a build would, cache included."""
    sink = FileSink(out_dir)
    try:
        for name, table in tables.items():
            sink.put(name, (table, None, 0, table.num_rows))
        sink.close(report, [], code_fingerprint())
    except BaseException:
        sink.abort()
        raise


def add_files(paths: list[Path], seed_dir: Path, out_dir: Path, manifest: Path = DOCUMENTS_YAML) -> int:
    """`--add`: every file is checked like an upload; good ones are stored, then one rebuild."""
    from lib import importer

    previews, rejected = [], 0
    for path in paths:
        try:
            previews.append(importer.preview(path.name, path.read_bytes(), seed_dir, out_dir))
        except (importer.ImportRejected, OSError) as exc:
            rejected += 1
            print(f"[rejected] {exc if isinstance(exc, importer.ImportRejected) else f'{path}：无法读取（{exc.strerror}）'}",
                  file=sys.stderr)
    if previews:
        try:
            with importer.build_lock(out_dir):
                names, report = importer.add([(p, {}) for p in previews], seed_dir, out_dir, manifest)
        except importer.ImportFailed as exc:
            print(f"{exc}；详情：{exc.__cause__}", file=sys.stderr)
            return EXIT_INTERNAL
        for name, item in zip(names, previews):
            print(f"added {name}: {len(item.result.measures)} measures, {len(item.result.targets)} targets")
        print(f"rebuilt: {report['counts']['documents']} documents, {report['counts']['measures']} measures")
    return EXIT_REJECTED if rejected else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.build", description="Build the policy tables from seeds/.")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="folder of input documents (default seeds/)")
    parser.add_argument("--out", type=Path, default=BUILD_DIR, help="output folder (default data/build/)")
    parser.add_argument("--manifest", type=Path, default=DOCUMENTS_YAML, help="curator overrides (default data/documents.yaml)")
    parser.add_argument("--no-manifest", action="store_true", help="ignore the curator overrides")
    parser.add_argument("--if-stale", action="store_true", help="build only when inputs, data or code changed")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per core)")
    parser.add_argument("--full", action="store_true", help="reprocess every document (ignore the previous build)")
    parser.add_argument("--add", nargs="+", type=Path, metavar="FILE", help="check, store under seeds/ and build")
    args = parser.parse_args(argv)
    if args.add:
        return add_files(args.add, args.seeds, args.out, args.manifest)
    started = time.perf_counter()
    use_manifest = not args.no_manifest
    if args.if_stale and not is_stale(args.seeds, args.out, use_manifest, args.manifest):
        print(f"tables in {args.out} are up to date")
        return EXIT_OK
    from lib.importer import build_lock

    try:
        with build_lock(args.out):
            report = build(args.seeds, args.out, use_manifest=use_manifest, progress=sys.stderr.isatty(),
                           manifest_path=args.manifest, workers=args.workers, full=args.full)
    except Exception as exc:  # the one place an unexpected failure becomes exit status 1
        print(f"构建失败：{failure_cause(exc)}；数据表保持上一次构建的状态。详情：{type(exc).__name__}: {exc}",
              file=sys.stderr)
        return EXIT_INTERNAL
    rejected = [i for i in report["inputs"] if i["status"] == "rejected"]
    # What this build found; warnings of unchanged documents were printed when they were processed.
    for item in report["inputs"]:
        if item["status"] == "rejected" or (item["status"] == "warning" and not item.get("cached")):
            print(f"[{item['status']}] {item['source_file']}: {'；'.join(item['messages'])}", file=sys.stderr)
    earlier = sum(1 for i in report["inputs"] if i["status"] == "warning" and i.get("cached"))
    if earlier:
        print(f"{earlier} unchanged documents keep their earlier warnings (build_report.json)", file=sys.stderr)
    counts = report["counts"]
    print(f"built {counts['documents']} documents, {counts['measures']} measures, {counts['targets']} targets, "
          f"{counts['agencies']} agencies into {args.out} in {time.perf_counter() - started:.2f} s"
          + (f"; {len(rejected)} rejected" if rejected else ""))
    return EXIT_REJECTED if rejected else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
