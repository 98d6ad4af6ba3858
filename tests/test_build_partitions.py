"""Measures and targets as folders of parts by doc_id bucket: read as one table, rewritten one bucket at a time,
all or nothing (lib/build/output.py)."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib import curation
from lib.build import output
from lib.build.output import (
    BUCKETS,
    EXTRA_BUCKET,
    PARTITIONED,
    TABLES_DIR,
    bucket_of,
    current_version,
    damaged_tables,
    part_file,
)
from lib.build.run import build, build_tables, write_outputs
from lib.config import ROOT, SEEDS_DIR
from lib.contract import TABLES

FIXTURE = ROOT / "tests" / "fixtures" / "docs" / "district_plan_xiqing.txt"
BEICHEN = next(p.name for p in SEEDS_DIR.iterdir() if p.name.startswith("001_"))


def rebuild(store) -> dict:
    seeds, out, manifest = store
    return build(seeds, out, manifest_path=manifest)


def inodes(out: Path, name: str) -> dict[str, int]:
    """bucket → inode of its part in the current version."""
    folder = current_version(out) / name
    return {bucket: (folder / part_file(bucket)).stat().st_ino for bucket in BUCKETS}


def in_memory(store) -> dict[str, pa.Table]:
    """The same inputs built in memory, nothing reused: what the files must hold."""
    seeds, _out, manifest = store
    return build_tables(seeds, manifest_path=manifest)[0]


def assert_same_tables(out: Path, expected: dict[str, pa.Table]) -> None:
    for name, table in expected.items():
        written = pq.read_table(out / f"{name}.parquet")
        columns = [c for c in table.column_names if c != "build_key"]  # carries the code, the same in one run
        assert written.select(columns).equals(table.select(columns)), name


def test_a_build_writes_parts_that_pandas_and_pyarrow_read_as_one_table(store):
    _seeds, out, _manifest = store
    for name in PARTITIONED:
        path = out / f"{name}.parquet"
        assert path.is_symlink() and path.is_dir()
        assert sorted(p.name for p in path.iterdir()) == [part_file(b) for b in BUCKETS]
        table = pq.read_table(path)
        assert table.schema.equals(TABLES[name], check_metadata=False)
        doc_ids = table["doc_id"].to_pylist()
        assert doc_ids == sorted(doc_ids) and len(set(map(bucket_of, doc_ids))) > 1, "rows of several parts, in order"
        pd.testing.assert_frame_equal(pd.read_parquet(path), table.to_pandas())
    assert_same_tables(out, in_memory(store))
    assert damaged_tables(out, json.loads((out / "build_report.json").read_text(encoding="utf-8"))) == []


def test_adding_a_document_rewrites_only_its_bucket(store):
    seeds, out, _manifest = store
    before = {name: inodes(out, name) for name in PARTITIONED}
    shutil.copy(FIXTURE, seeds / FIXTURE.name)
    report = rebuild(store)
    assert report["processed"] == 1 and report["reused"] == 5
    added = next(i["doc_id"] for i in report["inputs"] if i["source_file"] == FIXTURE.name)
    for name in PARTITIONED:
        after = inodes(out, name)
        assert {b for b in BUCKETS if after[b] != before[name][b]} == {bucket_of(added)}, name
    assert_same_tables(out, in_memory(store))


def test_a_rebuild_with_nothing_changed_writes_no_part(store):
    _seeds, out, _manifest = store
    before = {name: inodes(out, name) for name in PARTITIONED}
    rebuild(store)
    assert {name: inodes(out, name) for name in PARTITIONED} == before


def test_a_correction_to_one_measure_rewrites_only_its_bucket(store):
    seeds, out, manifest = store
    before = {name: inodes(out, name) for name in PARTITIONED}
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    document = next(d for d in docs if d["source_file"] == BEICHEN)
    rows = [m for m in pq.read_table(out / "measures.parquet").to_pylist() if m["doc_id"] == document["doc_id"]]
    correction = curation.for_row("王丽", "measures", "set", rows[2], rows, document, {"kind": "procedure"}, "核对原文")
    curation.save(correction, (), seeds_dir=seeds, out_dir=out, manifest=manifest)
    after = inodes(out, "measures")
    assert {b for b in BUCKETS if after[b] != before["measures"][b]} == {bucket_of(document["doc_id"])}
    assert inodes(out, "targets") == before["targets"], "no target was corrected"
    measure = next(
        m for m in pq.read_table(out / "measures.parquet").to_pylist() if m["measure_id"] == rows[2]["measure_id"]
    )
    assert (measure["kind"], measure["corrected"]) == ("procedure", True)
    curation.undo(correction.id, "王丽", seeds_dir=seeds, out_dir=out, manifest=manifest)
    assert inodes(out, "measures")[bucket_of(document["doc_id"])] != after[bucket_of(document["doc_id"])]
    assert_same_tables(out, in_memory(store))


def test_an_exception_while_a_part_is_written_leaves_the_previous_tables_whole(store, monkeypatch):
    seeds, out, _manifest = store
    before = {name: pq.read_table(out / f"{name}.parquet") for name in TABLES}
    version = current_version(out)
    real = output._RowGroups.close

    def failing(self):
        real(self)
        if self.path.parent.name == "targets":  # measures are written, a part of targets is half done
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output._RowGroups, "close", failing)
    shutil.copy(FIXTURE, seeds / FIXTURE.name)
    with pytest.raises(OSError):
        rebuild(store)
    assert current_version(out) == version
    assert [p.name for p in (out / TABLES_DIR).iterdir()] == [version.name], "the failed version is removed"
    assert all(pq.read_table(out / f"{name}.parquet").equals(before[name]) for name in TABLES)
    assert damaged_tables(out, json.loads((out / "build_report.json").read_text(encoding="utf-8"))) == []
    monkeypatch.setattr(output._RowGroups, "close", real)
    assert rebuild(store)["processed"] == 1
    assert_same_tables(out, in_memory(store))


def _as_single_files(out: Path, plain_folders: bool) -> None:
    """Turn a build folder into an older one: each table one Parquet file (or a plain folder of parts, as a
    copy that followed the links leaves), no versions, a report without parts."""
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    for name in PARTITIONED:
        path = out / f"{name}.parquet"
        table = pq.read_table(path)
        source = path.resolve()
        path.unlink()
        if plain_folders:
            shutil.copytree(source, path)
        else:
            pq.write_table(table, path)
            report["table_bytes"][name] = path.stat().st_size
    shutil.rmtree(out / TABLES_DIR)
    if not plain_folders:
        del report["table_parts"]
    (out / "build_report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("plain_folders", [False, True], ids=["single files", "plain folders"])
def test_an_older_build_folder_is_replaced_cleanly(store, plain_folders):
    seeds, out, _manifest = store
    _as_single_files(out, plain_folders)
    shutil.copy(FIXTURE, seeds / FIXTURE.name)
    assert rebuild(store)["processed"] == 1
    for name in PARTITIONED:
        assert (out / f"{name}.parquet").is_symlink()
    assert [p.name for p in (out / TABLES_DIR).iterdir()] == [current_version(out).name]
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name not in (".cache", TABLES_DIR)]
    assert_same_tables(out, in_memory(store))
    assert damaged_tables(out, json.loads((out / "build_report.json").read_text(encoding="utf-8"))) == []


def test_a_reader_that_resolved_the_last_version_can_still_read_it(store):
    seeds, out, _manifest = store
    resolved = (out / "measures.parquet").resolve()
    rows = pq.read_table(resolved).num_rows
    shutil.copy(FIXTURE, seeds / FIXTURE.name)
    rebuild(store)
    assert (out / "measures.parquet").resolve() != resolved
    assert pq.read_table(resolved).num_rows == rows, "the last version stays until the next build"
    (seeds / FIXTURE.name).unlink()  # the build after that removes it
    rebuild(store)
    assert not resolved.exists()


def test_a_table_made_in_memory_keeps_rows_after_the_doc_id_order_last(tmp_path):
    tables, report = build_tables(SEEDS_DIR)
    added = tables["targets"].slice(0, 1)  # an editor's target on the first document: after every other row
    added = added.set_column(added.schema.get_field_index("target_id"), "target_id", pa.array(["t-added"]))
    tables["targets"] = pa.concat_tables([tables["targets"], added])
    report["counts"]["targets"] += 1
    write_outputs(tables, report, tmp_path)
    assert pq.read_table(tmp_path / "targets.parquet").equals(tables["targets"])
    assert (tmp_path / "targets.parquet" / part_file(EXTRA_BUCKET)).exists()
