"""Stage 7, incremental builds: the private cache in OUT/.cache/ (remembered input hashes, the last build's
rows as memory-mapped Arrow segments) may make a build faster, never different from a full build."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from lib import build
from lib.build import cache as build_cache
from lib.build import output as build_output
from lib.build import plan as build_plan
from lib.build import run as build_run
from lib.build.output import TABLES_DIR, current_version
from lib.config import ROOT, SEEDS_DIR
from lib.contract import TABLES

NEW_DOCUMENT = "天津市某工作方案\n一、任务\n（一）推进建设。到2025年达到10家。\n（二）市科委牵头，完善机制。"


def make_seeds(folder: pathlib.Path, copies: int = 4) -> pathlib.Path:
    """copies × the five seeds, each copy made distinct by a trailing line (20 documents by default)."""
    folder.mkdir()
    for n in range(copies):
        for path in sorted(SEEDS_DIR.iterdir()):
            (folder / f"{n}_{path.name}").write_bytes(path.read_bytes() + f"\n{n}".encode())
    return folder


def written(out: pathlib.Path) -> dict:
    return {name: pq.read_table(out / f"{name}.parquet") for name in TABLES}


def report_of(out: pathlib.Path) -> dict:
    return json.loads((out / "build_report.json").read_text(encoding="utf-8"))


def assert_same_as_a_full_build(out: pathlib.Path, seeds: pathlib.Path) -> None:
    full, _ = build.build_tables(seeds)
    tables = written(out)
    for name in TABLES:
        assert tables[name].equals(full[name]), f"{name}: incremental build ≠ full build"


def cache_files(out: pathlib.Path) -> set[str]:
    return {p.name for p in (out / build.CACHE_DIR).iterdir()}


def referenced_files(out: pathlib.Path) -> set[str]:
    state = json.loads((out / build.CACHE_DIR / "state.json").read_text(encoding="utf-8"))
    return {"state.json"} | {
        f"{segment}.{name}.arrow" for name, pieces in state["tables"].items() for segment, _, _ in pieces
    }


@pytest.fixture
def no_parquet_reads(monkeypatch):
    """Fail the test if a build falls back to decoding the last build's Parquet files."""

    def refuse(out_dir):
        assert not (out_dir / "documents.parquet").exists(), "the cache was not used"

    monkeypatch.setattr(build_plan, "parquet_tables", refuse)


@pytest.mark.parametrize("chunk, row_group_rows", [(200, build_output.ROW_GROUP_ROWS), (1, 7), (3, 50)])
def test_a_rebuild_from_the_cache_equals_a_full_build(tmp_path, monkeypatch, chunk, row_group_rows):
    # Small chunks and row groups put reused and new documents in every order the writers can meet.
    monkeypatch.setattr(build_run, "CHUNK", chunk)
    monkeypatch.setattr(build_output, "ROW_GROUP_ROWS", row_group_rows)
    seeds, out = make_seeds(tmp_path / "seeds"), tmp_path / "out"
    report = build.build(seeds, out)
    assert (report["reused"], report["processed"]) == (0, 20)
    assert_same_as_a_full_build(out, seeds)
    (seeds / "new_a.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    (seeds / "new_b.txt").write_text(NEW_DOCUMENT + "\n（三）加强保障。", encoding="utf-8")
    (seeds / "2_001_df8e3af4caff0a08.txt").unlink()
    with (seeds / "3_002_f7c68ec768dbda37.txt").open("ab") as changed:
        changed.write("\n（九）新增一条。".encode())
    with monkeypatch.context() as patched:
        patched.setattr(build_plan, "parquet_tables", lambda out_dir: pytest.fail("the cache was not used"))
        report = build.build(seeds, out)
    assert (report["reused"], report["processed"]) == (18, 3)
    assert_same_as_a_full_build(out, seeds)
    assert cache_files(out) == referenced_files(out), "segments no longer used are deleted"


def test_nothing_changed_reuses_every_document_and_writes_the_same_tables(tmp_path, no_parquet_reads):
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)
    before = written(out)
    report = build.build(seeds, out)
    assert (report["reused"], report["processed"]) == (5, 0)
    assert all(written(out)[name].equals(before[name]) for name in TABLES)


def test_the_main_tables_are_named_parquet_and_the_cache_is_hidden(tmp_path):
    out = tmp_path / "out"
    assert build.main(["--seeds", str(SEEDS_DIR), "--out", str(out)]) == 0
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted([*(f"{name}.parquet" for name in TABLES), "build_report.json"])
    assert (out / build.CACHE_DIR / "state.json").exists()


def test_full_ignores_the_cache_and_replaces_it(tmp_path):
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)
    old = cache_files(out)
    report = build.build(seeds, out, full=True)
    assert (report["reused"], report["processed"]) == (0, 5)
    assert cache_files(out).isdisjoint(old - {"state.json"})
    assert_same_as_a_full_build(out, seeds)


def corrupt_a_segment(cache):
    segment = next(p for p in cache.iterdir() if p.name.endswith(".measures.arrow"))
    segment.write_bytes(segment.read_bytes()[:100])


def garble_the_state(cache):
    (cache / "state.json").write_text("{not json", encoding="utf-8")


def point_past_the_rows(cache):
    state = json.loads((cache / "state.json").read_text(encoding="utf-8"))
    state["tables"]["measures"][0][2] += 1000
    (cache / "state.json").write_text(json.dumps(state), encoding="utf-8")


def delete_a_segment(cache):
    next(p for p in cache.iterdir() if p.name.endswith(".documents.arrow")).unlink()


def written_by_other_code(cache):
    state = json.loads((cache / "state.json").read_text(encoding="utf-8"))
    state["fingerprint"] = "0" * 16
    (cache / "state.json").write_text(json.dumps(state), encoding="utf-8")


def remove_the_cache(cache):
    shutil.rmtree(cache)


@pytest.mark.parametrize(
    "damage",
    [
        corrupt_a_segment,
        garble_the_state,
        point_past_the_rows,
        delete_a_segment,
        written_by_other_code,
        remove_the_cache,
    ],
)
def test_a_damaged_stale_or_missing_cache_counts_as_no_cache(tmp_path, damage):
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)
    damage(out / build.CACHE_DIR)
    (seeds / "new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    report = build.build(seeds, out)
    assert (report["reused"], report["processed"]) == (5, 1), "the Parquet files still serve"
    assert_same_as_a_full_build(out, seeds)
    assert cache_files(out) == referenced_files(out)
    assert build.build_tables(seeds, previous_dir=out)[1]["reused"] == 6, "and the cache is whole again"


def test_an_unchanged_input_is_not_read_again(tmp_path, monkeypatch, no_parquet_reads):
    monkeypatch.setattr(build_cache, "SETTLE_NS", 0)  # the files of this test are only milliseconds old
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)
    (seeds / "new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    reads = []
    real = pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: reads.append(self) or real(self))
    report = build.build(seeds, out)
    assert (report["reused"], report["processed"]) == (5, 1)
    assert [p.name for p in reads if p.parent == seeds] == ["new.txt", "new.txt"]  # hashed, then processed


def test_a_file_rewritten_with_the_same_size_and_mtime_is_hashed_again(tmp_path, monkeypatch, no_parquet_reads):
    monkeypatch.setattr(build_cache, "SETTLE_NS", 0)
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)
    path = sorted(seeds.iterdir())[-1]
    stat = path.stat()
    raw = path.read_bytes()
    path.write_bytes(raw[:-1] + (b"9" if raw[-1:] != b"9" else b"8"))  # same size, other content
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old mtime (the ctime cannot be set back)
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    report = build.build(seeds, out)
    assert (report["reused"], report["processed"]) == (4, 1)
    assert_same_as_a_full_build(out, seeds)


def test_the_hash_of_a_file_changed_just_before_the_build_is_not_remembered(tmp_path):
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)  # SETTLE_NS = 2 s: these files were written milliseconds ago
    state = json.loads((out / build.CACHE_DIR / "state.json").read_text(encoding="utf-8"))
    assert state["inputs"] == {}


def test_too_many_pieces_or_unused_rows_compact_the_cache_into_one_segment(tmp_path, monkeypatch, no_parquet_reads):
    monkeypatch.setattr(build_cache, "MAX_PIECES", 6)
    seeds, out = make_seeds(tmp_path / "seeds"), tmp_path / "out"
    build.build(seeds, out)
    for n in range(4):
        (seeds / f"new_{n}.txt").write_text(NEW_DOCUMENT + f"\n{n}", encoding="utf-8")
        build.build(seeds, out)
        state = json.loads((out / build.CACHE_DIR / "state.json").read_text(encoding="utf-8"))
        assert all(len(pieces) <= 6 for pieces in state["tables"].values())
    assert_same_as_a_full_build(out, seeds)
    for path in sorted(seeds.iterdir())[:15]:  # most documents gone: the rows left move to one new segment
        path.unlink()
    build.build(seeds, out)
    assert len({name.split(".")[0] for name in cache_files(out) - {"state.json"}}) == 1
    assert_same_as_a_full_build(out, seeds)


@pytest.mark.parametrize("dies_at", ["os.replace", "staging the state"])
def test_a_killed_build_leaves_the_previous_build_and_a_usable_cache(tmp_path, dies_at):
    seeds, out = make_seeds(tmp_path / "seeds", copies=1), tmp_path / "out"
    build.build(seeds, out)
    before = written(out)
    (seeds / "new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    # Dies renaming the second table into place, or writing the cache state (before anything is renamed).
    kill = (
        (
            "real = os.replace\n"
            "def dying(src, dst):\n"
            "    if str(dst).endswith('measures.parquet'): os._exit(9)\n"
            "    real(src, dst)\n"
            "os.replace = dying\n"
        )
        if dies_at == "os.replace"
        else (
            "real = build_output._staged\n"
            "def dying(path, write):\n"
            "    if path.name == 'state.json': os._exit(9)\n"
            "    return real(path, write)\n"
            "build_output._staged = dying\n"
        )
    )
    script = f"import os\nfrom pathlib import Path\nfrom lib import build\nfrom lib.build import output as build_output\n{kill}build.build(Path({str(seeds)!r}), Path({str(out)!r}))\n"
    assert subprocess.run([sys.executable, "-c", script], cwd=ROOT).returncode == 9
    assert written(out)["measures"].equals(before["measures"])
    assert report_of(out)["counts"]["documents"] == 5
    report = build.build(seeds, out)
    assert report["processed"] <= 1 and report["reused"] + report["processed"] == 6
    assert_same_as_a_full_build(out, seeds)
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name not in (build.CACHE_DIR, TABLES_DIR)]
    versions = {p.name for p in (out / TABLES_DIR).iterdir()}
    assert current_version(out).name in versions and len(versions) == 2, "the current and the last version only"
    assert cache_files(out) == referenced_files(out), "the killed build's segment is deleted"


def test_a_file_changed_during_the_build_is_rejected_not_misplaced(tmp_path, monkeypatch):
    seeds = make_seeds(tmp_path / "seeds", copies=1)
    plan = build.plan_build(seeds)
    victim = plan.jobs[0].path
    victim.write_bytes(victim.read_bytes() + "\n（十）后来加的。".encode())
    sink = build.MemorySink()
    report = build.run_build(plan, sink, build_run._results(plan.jobs, 1, False))
    entry = next(i for i in report["inputs"] if i["source_file"] == victim.name)
    assert entry["status"] == "rejected" and "构建过程中被修改" in entry["messages"][0]
    assert sink.tables()["documents"].num_rows == 4


def test_the_report_stays_json_with_one_line_per_input(tmp_path):
    out = tmp_path / "out"
    build.main(["--seeds", str(SEEDS_DIR), "--out", str(out)])
    text = (out / "build_report.json").read_text(encoding="utf-8")
    report = json.loads(text)
    assert len(report["inputs"]) == 5 and report["input_hash"]
    assert sum(line.lstrip().startswith('{"source_file"') for line in text.splitlines()) == 5
