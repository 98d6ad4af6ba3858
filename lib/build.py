"""Stage 7, build: every document in seeds/ → data/build/*.parquet + build_report.json.

    python -m lib.build [--seeds DIR] [--out DIR] [--no-manifest]

Exit status: 0 all built, 3 some inputs rejected (the rest built), 1 internal failure.
One bad input never stops the others; tables are written atomically (temp file + rename).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lib import agencies, citations, metadata, structure, tagging, targets
from lib.config import BUILD_DIR, DATA_DIR, DOCUMENTS_YAML, PIPELINE_VERSION, ROOT, SEEDS_DIR
from lib.contract import TABLES
from lib.readers import SUPPORTED, RejectedInput, read_document

ACTIONABLE_WITHOUT_PHRASE = ("task", "safeguard", "procedure", "mechanism")
# The modules whose code shapes the tables; an edit to a page or chart must not invalidate the build.
PIPELINE_MODULES = ("agencies", "build", "citations", "config", "contract", "metadata", "normalize", "readers",
                    "reference", "structure", "tagging", "targets")
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
        "encoding": normalized.encoding, "content_sha256": hashlib.sha256(raw).hexdigest(),
    }
    status = "warning" if warnings or missing else "ok"
    cited = citations.extract(normalized.text, meta.title, meta.doc_number)  # lineage, resolved across documents later
    return DocResult(source_file, status, warnings + missing, document, measures, target_rows, cited)


def _measure_row(doc_id: str, measure_id: str, ordinal: int, leaf, kind: str, meta) -> dict:
    responsibility = agencies.find_responsibility(leaf.text)
    body_text = leaf.text.replace(responsibility.phrase or "\0", "")
    canonical = list(dict.fromkeys(agencies.canonical(w, meta.district)[0] for w in responsibility.written))
    source = "phrase" if canonical else "none"
    if not canonical and kind in ACTIONABLE_WITHOUT_PHRASE and meta.issuer_canonical:
        # No 责任单位 written: the issuing body answers for its own document's actions.
        canonical, source = [meta.issuer_canonical], "issuer"
    tags = tagging.tag(leaf.heading + "\n" + body_text, meta.district)
    garbled = [f"含无法还原的乱码：“{leaf.text[max(0, i - 4): i + 5]}”" for i, ch in enumerate(leaf.text) if ch == "〓"]
    return {
        "measure_id": measure_id, "doc_id": doc_id, "ordinal": ordinal, "path": list(leaf.path),
        "heading": leaf.heading, "text": leaf.text, "kind": kind,
        "agencies_raw": list(responsibility.written), "agencies": canonical,
        "lead_agency": agencies.canonical(responsibility.lead, meta.district)[0] if responsibility.lead else None,
        "responsibility_phrase": responsibility.phrase, "actors": list(agencies.actors_in(body_text, meta.district)),
        "districts": list(tags.districts), "themes": list(tags.themes), "industries": list(tags.industries),
        "instruments": list(tags.instruments), "target_groups": list(tags.target_groups),
        "tag_evidence": list(tags.evidence), "has_evaluation": tags.has_evaluation, "omitted": leaf.omitted,
        "warnings": garbled, "year": meta.year, "marker": leaf.marker, "outline": leaf.outline,
        "agency_source": source, "keywords": tagging.keywords(leaf.heading + "\n" + body_text),
    }


def _target_rows(text: str, doc_id: str, measure_id: str | None, meta) -> list[dict]:
    scope = meta.district or ("天津市" if meta.level == "municipal" else meta.issuer)
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
    """The agencies table from the measures, with Arrow compute (fast at 10,000 documents): one row per
    canonical body named as responsible or acting."""
    counts: dict[str, dict] = {}

    def tally(column: str, field_name: str) -> None:
        flat = pc.list_flatten(measures[column])
        parents = pc.list_parent_indices(measures[column])
        pairs = pa.table({"agency": flat, "measure_id": pc.take(measures["measure_id"], parents),
                          "doc_id": pc.take(measures["doc_id"], parents)})
        grouped = pairs.group_by("agency").aggregate([("measure_id", "count_distinct"), ("doc_id", "distinct")])
        for agency, n, docs in zip(*(grouped[c].to_pylist() for c in ("agency", "measure_id_count_distinct", "doc_id_distinct"))):
            row = counts.setdefault(agency, {"total": 0, "actor": 0, "lead": 0, "docs": set(), "written": set()})
            row[field_name] = n
            row["docs"].update(docs)

    tally("agencies", "total")
    tally("actors", "actor")
    leads = measures.group_by("lead_agency").aggregate([("measure_id", "count")]).to_pylist()
    for row in leads:
        if row["lead_agency"] in counts:
            counts[row["lead_agency"]]["lead"] = row["measure_id_count"]
    district_of = dict(zip(documents["doc_id"].to_pylist(), documents["district"].to_pylist()))
    written = pa.table({"written": pc.list_flatten(measures["agencies_raw"]),
                        "doc_id": pc.take(measures["doc_id"], pc.list_parent_indices(measures["agencies_raw"]))})
    for pair in written.group_by(["written", "doc_id"]).aggregate([]).to_pylist():
        name = agencies.canonical(pair["written"], district_of.get(pair["doc_id"]))[0]
        if name in counts and name != pair["written"]:
            counts[name]["written"].add(pair["written"])
    levels = {b.name: b.level for b in agencies.bodies()}
    rows = [{
        "agency": name, "level": levels.get(name) or _guess_level(name), "aliases": sorted(row["written"]),
        "renamed_from": [f"{old}（{year}年更名）" for old, year in agencies.renamed_from(name)],
        "n_measures_lead": row["lead"], "n_measures_total": row["total"], "n_measures_actor": row["actor"],
        "doc_ids": sorted(row["docs"]),
    } for name, row in sorted(counts.items(), key=lambda kv: (-kv[1]["total"], kv[0]))]
    return pa.Table.from_pylist(rows, schema=TABLES["agencies"])


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


def _guess_level(name: str) -> str:
    return "区级" if "区" in name[:4] or name.startswith(("公安", "各镇", "有关镇")) else "其他"


def collect_inputs(seed_dir: Path) -> list[Path]:
    """Every regular file of the seed folder, sorted by name (hidden files skipped)."""
    return sorted(p for p in seed_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def _pipeline_sources() -> list[Path]:
    return [*(ROOT / "lib" / f"{name}.py" for name in PIPELINE_MODULES), *sorted(DATA_DIR.glob("*.yaml")),
            *sorted(DATA_DIR.glob("*.txt"))]


def code_fingerprint() -> str:
    """What every document's result depends on besides its bytes: the pipeline code and the reference
    data (documents.yaml excepted: each document's own entry enters its key)."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in _pipeline_sources():
        if path.name != "documents.yaml":
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_key(raw: bytes, fingerprint: str, overrides: dict | None) -> str:
    """A document's cache key: its content, the pipeline and its curated overrides."""
    extra = json.dumps(overrides or {}, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw + fingerprint.encode() + extra.encode()).hexdigest()[:24]


def _process_job(job: tuple[str, str, dict | None]) -> DocResult:
    path, name, overrides = job
    return process_document(name, Path(path).read_bytes(), overrides)


def _results(jobs: list[tuple[str, str, dict | None]], workers: int, progress: bool):
    """Process documents in order, in worker processes when there are enough to pay for them."""
    bar = None
    if progress and len(jobs) > 20:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc="构建", unit="篇", file=sys.stderr)
    if workers > 1 and len(jobs) >= 16:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_process_job, jobs, chunksize=8):
                bar and bar.update()
                yield result
    else:
        for job in jobs:
            bar and bar.update()
            yield _process_job(job)
    if bar:
        bar.close()


# Rows are turned into Arrow tables every CHUNK documents, so a 10,000-document build never holds
# its measures as Python dicts (4.9 GB measured before this; Arrow holds the same in a fraction).
CHUNK = 200
ROW_ORDER = {"measures": ("doc_id", [("doc_id", "ascending"), ("ordinal", "ascending")]),
             "targets": ("doc_id", [("doc_id", "ascending"), ("target_id", "ascending")]),
             "citations": ("from_doc_id", [("from_doc_id", "ascending"), ("cited_number", "ascending")])}


def _fresh_tables(jobs, keys: dict[str, str], workers: int, progress: bool) -> tuple[dict[str, pa.Table], dict]:
    """The new documents' rows as Arrow tables, and their report entries by file name."""
    parts: dict[str, list[pa.Table]] = {name: [] for name in ("documents", "measures", "targets", "citations")}
    pending: list[DocResult] = []
    reports: dict[str, dict] = {}

    def flush() -> None:
        built = [r for r in pending if r.document]
        rows = {"documents": [r.document for r in built], "measures": [m for r in built for m in r.measures],
                "targets": [t for r in built for t in r.targets], "citations": citation_rows(built)}
        for name, table_rows in rows.items():
            parts[name].append(pa.Table.from_pylist(table_rows, schema=TABLES[name]))
        pending.clear()

    for result in _results(jobs, workers, progress):
        if result.document:
            result.document["build_key"] = keys[result.source_file]
        reports[result.source_file] = _report_entry(result.source_file, None, result)
        pending.append(result)
        if len(pending) >= CHUNK:
            flush()
    flush()
    return {name: pa.concat_tables(tables) for name, tables in parts.items()}, reports


def _merge_by_document(previous: pa.Table, keep: set[str], new: pa.Table, doc_column: str, order) -> pa.Table:
    """The previous rows of the kept documents and the new rows, in (doc_id, …) order. The previous table
    is already in that order, so its kept documents are zero-copy slices and only new rows are sorted."""
    new = new.sort_by(order)
    previous_ids = previous[doc_column].to_numpy(zero_copy_only=False)
    new_ids = new[doc_column].to_numpy(zero_copy_only=False)
    segments: list[tuple[str, object, int, int]] = []  # (doc_id, source table, start, length)
    for ids, table in ((previous_ids, previous), (new_ids, new)):
        if not len(ids):
            continue
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        ends = np.r_[starts[1:], len(ids)]
        for start, end in zip(starts, ends):
            doc = ids[start]
            if table is new or doc in keep:
                segments.append((doc, table, int(start), int(end - start)))
    segments.sort(key=lambda seg: seg[0])
    pieces, run = [], None
    for doc, table, start, length in segments:  # join neighbouring slices of the same table
        if run and run[0] is table and run[1] + run[2] == start:
            run[2] += length
        else:
            if run:
                pieces.append(run[0].slice(run[1], run[2]))
            run = [table, start, length]
    if run:
        pieces.append(run[0].slice(run[1], run[2]))
    return pa.concat_tables(pieces) if pieces else new


def _previous_tables(previous_dir: Path | None) -> dict[str, pa.Table] | None:
    """The last build's tables, whose rows are reused for documents that did not change."""
    if previous_dir is None:
        return None
    try:
        tables = {name: pq.read_table(previous_dir / f"{name}.parquet") for name in TABLES}
    except (OSError, pa.ArrowInvalid):
        return None
    if any(not tables[name].schema.equals(schema, check_metadata=False) for name, schema in TABLES.items()):
        return None  # another pipeline version wrote them
    return tables


def build_tables(seed_dir: Path, use_manifest: bool = True, progress: bool = False,
                 manifest_path: Path = DOCUMENTS_YAML, previous_dir: Path | None = None,
                 workers: int = 1) -> tuple[dict[str, pa.Table], dict]:
    """Run every stage over every input (reusing the previous build's rows of unchanged documents);
    return the tables of the contract and the build report."""
    manifest = metadata.load_manifest(manifest_path) if use_manifest else {}
    fingerprint = code_fingerprint()
    previous = _previous_tables(previous_dir)
    known: dict[str, dict] = {}
    if previous is not None:
        columns = ["build_key", "source_file", "doc_id", "warnings", "missing_parts", "n_measures", "n_targets"]
        known = {row["build_key"]: row for row in previous["documents"].select(columns).to_pylist()}
    entries: list[tuple[str, dict | None]] = []  # (source_file, reused document row or None) in input order
    jobs, keys, rejected, seen = [], {}, {}, {}
    for path in collect_inputs(seed_dir):
        if path.suffix.lower() not in SUPPORTED:
            rejected[path.name] = DocResult(path.name, "rejected", [f"不支持的文件类型“{path.suffix}”"])
            entries.append((path.name, None))
            continue
        raw = path.read_bytes()
        content = hashlib.sha256(raw).hexdigest()
        if content in seen:  # doc_id is the content hash: a second copy would break its uniqueness
            rejected[path.name] = DocResult(path.name, "rejected", [f"与“{seen[content]}”内容完全相同，已跳过"])
            entries.append((path.name, None))
            continue
        seen[content] = path.name
        key = build_key(raw, fingerprint, manifest.get(path.name))
        row = known.get(key)
        if row is not None and row["source_file"] == path.name:
            entries.append((path.name, row))
        else:
            jobs.append((str(path), path.name, manifest.get(path.name)))
            keys[path.name] = key
            entries.append((path.name, None))
    fresh, fresh_reports = _fresh_tables(jobs, keys, workers, progress)
    keep = {row["doc_id"] for _, row in entries if row is not None}
    tables: dict[str, pa.Table] = {}
    if previous is not None and not jobs and len(keep) == previous["documents"].num_rows:
        tables = dict(previous)  # nothing changed: the previous tables are the answer
    else:
        documents = fresh["documents"]
        if previous is not None and keep:
            kept_docs = previous["documents"].filter(pc.is_in(previous["documents"]["doc_id"], value_set=pa.array(sorted(keep))))
            documents = pa.concat_tables([kept_docs, documents])
        tables["documents"] = documents.sort_by([("source_file", "ascending")])
        for name, (doc_column, order) in ROW_ORDER.items():
            base = previous[name] if previous is not None else fresh[name].slice(0, 0)
            tables[name] = _merge_by_document(base, keep, fresh[name], doc_column, order)
        tables["citations"] = resolve_citations(tables["citations"], tables["documents"])
        tables["agencies"] = agency_table(tables["measures"], tables["documents"])
    tables = {name: tables[name] for name in TABLES}
    report = {
        "pipeline_version": PIPELINE_VERSION,
        "counts": {name: table.num_rows for name, table in tables.items()},
        "reused": len(keep), "processed": len(jobs),
        "inputs": [fresh_reports.get(name) or _report_entry(name, row, rejected.get(name)) for name, row in entries],
    }
    return tables, report


def _report_entry(source_file: str, reused: dict | None, result: DocResult | None) -> dict:
    if reused is not None:
        messages = [*reused["warnings"], *reused["missing_parts"]]
        return {"source_file": source_file, "status": "warning" if messages else "ok", "messages": messages,
                "doc_id": reused["doc_id"], "n_measures": reused["n_measures"], "n_targets": reused["n_targets"],
                "cached": True}
    return {"source_file": source_file, "status": result.status, "messages": result.messages,
            "doc_id": result.document["doc_id"] if result.document else None,
            "n_measures": len(result.measures), "n_targets": len(result.targets), "cached": False}


def input_hash(seed_dir: Path, use_manifest: bool = True, manifest: Path = DOCUMENTS_YAML) -> str:
    """Fingerprint of everything a build depends on: inputs, curated overrides, reference data, code."""
    digest = hashlib.sha256(f"{code_fingerprint()}|{use_manifest}".encode())
    for path in [*collect_inputs(seed_dir), *([manifest] if use_manifest and manifest.exists() else [])]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def is_stale(seed_dir: Path, out_dir: Path, use_manifest: bool = True, manifest: Path = DOCUMENTS_YAML) -> bool:
    """True when the tables are missing or were built from other inputs, data or code."""
    report = out_dir / "build_report.json"
    if not report.exists() or not all((out_dir / f"{name}.parquet").exists() for name in TABLES):
        return True
    try:
        return json.loads(report.read_text(encoding="utf-8")).get("input_hash") != input_hash(seed_dir, use_manifest, manifest)
    except (json.JSONDecodeError, OSError):
        return True


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


def write_outputs(tables: dict[str, pa.Table], report: dict, out_dir: Path) -> None:
    """Tables first, report last: a report on disk means its tables are complete."""
    for leftover in out_dir.glob(".*.parquet.*"):  # temp files of a build that was killed
        leftover.unlink(missing_ok=True)
    for name, table in tables.items():
        # zstd: on this corpus 6× smaller than snappy and faster to read back (bench/README.md).
        write_atomically(out_dir / f"{name}.parquet", lambda tmp, t=table: pq.write_table(t, tmp, compression="zstd"))
    text = json.dumps(report, ensure_ascii=False, indent=2)
    write_atomically(out_dir / "build_report.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def add_files(paths: list[Path], seed_dir: Path, out_dir: Path, manifest: Path = DOCUMENTS_YAML) -> int:
    """`--add`: every file is checked like an upload; good ones are stored, then one rebuild."""
    from lib import importer

    previews, rejected = [], 0
    for path in paths:
        try:
            previews.append(importer.preview(path.name, path.read_bytes(), seed_dir))
        except (importer.ImportRejected, OSError) as exc:
            rejected += 1
            print(f"[rejected] {exc if isinstance(exc, importer.ImportRejected) else f'{path}：无法读取（{exc.strerror}）'}",
                  file=sys.stderr)
    if previews:
        with importer.build_lock():
            names = [importer.store(p, {}, seed_dir, manifest) for p in previews]
            report = importer.rebuild(seed_dir, out_dir, manifest)
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
        with build_lock():
            tables, report = build_tables(args.seeds, use_manifest=use_manifest, progress=sys.stderr.isatty(),
                                          manifest_path=args.manifest, previous_dir=None if args.full else args.out,
                                          workers=args.workers)
            report["input_hash"] = input_hash(args.seeds, use_manifest, args.manifest)
            write_outputs(tables, report, args.out)
    except Exception as exc:  # the one place an unexpected failure becomes exit status 1
        print(f"构建失败（内部错误）：{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    rejected = [i for i in report["inputs"] if i["status"] == "rejected"]
    for item in report["inputs"]:
        if item["status"] != "ok":
            print(f"[{item['status']}] {item['source_file']}: {'；'.join(item['messages'])}", file=sys.stderr)
    counts = report["counts"]
    print(f"built {counts['documents']} documents, {counts['measures']} measures, {counts['targets']} targets, "
          f"{counts['agencies']} agencies into {args.out} in {time.perf_counter() - started:.2f} s"
          + (f"; {len(rejected)} rejected" if rejected else ""))
    return EXIT_REJECTED if rejected else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
