"""What a build does: hash the inputs, read the last build's rows, and sort every input into reused, to process
or rejected."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from lib import reference
from lib.build.cache import Input, Run, cache_state, cached_tables, parquet_tables, reusable_segments, scan_inputs
from lib.build.corrections import path_next_to
from lib.build.fingerprint import build_key, code_fingerprint, input_digest
from lib.config import DOCUMENTS_YAML
from lib.pipeline import metadata
from lib.pipeline.document import DocResult
from lib.pipeline.readers import SUPPORTED

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
    corrections: Path | None = None  # the editors' corrections this build applies last (None: ignored)

    def reusable_segments(self) -> frozenset[str]:
        """The cache segments the new cache may keep pointing into (see build_cache.reusable_segments)."""
        reused = sum(row["n_measures"] + row["n_targets"] + 1 for row in self.reused.values())
        return reusable_segments(self.previous, reused, len(self.jobs))


def plan_build(
    seed_dir: Path, use_manifest: bool = True, manifest_path: Path = DOCUMENTS_YAML, previous_dir: Path | None = None
) -> Plan:
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
        previous = cached_tables(previous_dir, state, fingerprint) or (
            None if corrected(previous_dir) else parquet_tables(previous_dir)
        )
    known: dict[str, dict] = {}
    if previous:
        columns = [
            "build_key",
            "source_file",
            "doc_id",
            "warnings",
            "missing_parts",
            "n_measures",
            "n_targets",
            "text_sha256",
            "encoding",
        ]
        for table, _segment, start, length in previous["documents"]:
            known.update((row["build_key"], row) for row in table.slice(start, length).select(columns).to_pylist())
    reused: dict[str, dict] = {}
    jobs: list[Job] = []
    rejected: dict[str, DocResult] = {}
    seen: dict[str, str] = {}
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
    return Plan(
        inputs,
        fingerprint,
        input_digest(inputs, fingerprint, use_manifest, manifest_path),
        previous,
        reused,
        jobs,
        rejected,
        snapshot,
        path_next_to(manifest_path) if use_manifest else None,
    )


def corrected(out_dir: Path) -> bool:
    """Whether the tables in out_dir may hold corrected rows (never the pipeline's own, so never reused): their
    report says corrections were applied, or there is no readable report to say they were not."""
    try:
        report = json.loads((out_dir / "build_report.json").read_text(encoding="utf-8"))
        return bool(report.get("corrections", {}).get("applied", 0))
    except (OSError, ValueError, AttributeError):
        return True
