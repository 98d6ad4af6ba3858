"""Stage 7: `python -m lib.build` per the data contract — exit codes, atomic output, report, schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from lib.build.cli import main
from lib.config import ROOT, SEEDS_DIR
from lib.contract import TABLES


def test_seeds_build_with_exit_status_0_and_every_table(tmp_path):
    assert main(["--seeds", str(SEEDS_DIR), "--out", str(tmp_path)]) == 0
    for name, schema in TABLES.items():
        assert pq.read_table(tmp_path / f"{name}.parquet").schema.equals(schema, check_metadata=False)
    report = json.loads((tmp_path / "build_report.json").read_text(encoding="utf-8"))
    assert [i["status"] for i in report["inputs"]] == ["ok", "warning", "warning", "warning", "warning"]


def test_a_bad_input_is_rejected_the_rest_still_build_and_exit_is_3(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "image.png").write_bytes(b"\x89PNG\r\n")
    out = tmp_path / "out"
    assert main(["--seeds", str(seeds), "--out", str(out)]) == 3
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    rejected = {i["source_file"]: i["messages"][0] for i in report["inputs"] if i["status"] == "rejected"}
    assert set(rejected) == {"broken.docx", "empty.txt", "image.png"}
    assert "文件为空" in rejected["empty.txt"] and "不支持" in rejected["image.png"]
    assert pq.read_table(out / "documents.parquet").num_rows == 5


def test_if_stale_skips_an_unchanged_build_and_rebuilds_after_a_change(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    out = tmp_path / "out"
    args = ["--seeds", str(seeds), "--out", str(out), "--if-stale"]
    assert main(args) == 0 and "built 5" in capsys.readouterr().out
    assert main(args) == 0 and "up to date" in capsys.readouterr().out
    (seeds / "005_new.txt").write_text(
        "天津市某工作方案\n一、任务\n（一）推进建设。到2025年达到10家。", encoding="utf-8"
    )
    assert main(args) == 0 and "built 6" in capsys.readouterr().out


def test_a_rebuild_reports_only_what_it_processed(tmp_path, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(SEEDS_DIR, seeds)
    args = ["--seeds", str(seeds), "--out", str(out), "--no-manifest"]
    assert main(args) == 0 and "[warning]" in capsys.readouterr().err  # the seeds have damage to report
    (seeds / "005_new.txt").write_text("天津市某工作方案\n一、任务\n（一）推进建设。", encoding="utf-8")
    assert main(args) == 0
    printed = capsys.readouterr().err
    assert "[warning]" not in printed.replace("[warning] 005_new.txt", "") and "unchanged documents keep" in printed


def test_killing_a_build_midway_leaves_the_previous_tables_readable(tmp_path):
    out = tmp_path / "out"
    assert main(["--seeds", str(SEEDS_DIR), "--out", str(out)]) == 0
    before = pq.read_table(out / "measures.parquet").num_rows
    # A build that dies while renaming its tables into place (after the first was replaced).
    script = (
        "import os\n"
        "from lib import build\n"
        "calls = []\n"
        "real = os.replace\n"
        "def dying(src, dst):\n"
        "    calls.append(dst)\n"
        "    if len(calls) == 2:\n"
        "        os._exit(9)\n"
        "    real(src, dst)\n"
        "os.replace = dying\n"
        f"build.main(['--seeds', {str(SEEDS_DIR)!r}, '--out', {str(out)!r}, '--full'])\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert killed.returncode == 9
    assert pq.read_table(out / "measures.parquet").num_rows == before
    assert json.loads((out / "build_report.json").read_text(encoding="utf-8"))["counts"]["measures"] == before
    assert main(["--seeds", str(SEEDS_DIR), "--out", str(out)]) == 0
    leftovers = [p for p in out.iterdir() if p.name.startswith(".") and p.name not in (".cache", ".tables")]
    assert not leftovers, "the next build clears the killed build's temp files"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_list_columns_are_arrow_lists_of_strings(table, tmp_path):
    schema = TABLES[table]
    for field in schema:
        if field.name in ("path", "agencies", "aliases", "warnings", "themes", "missing_parts"):
            assert str(field.type) == "list<item: string>"


def test_a_rebuild_reuses_unchanged_documents_and_gives_the_same_tables(tmp_path):
    from lib.build.run import build_tables, write_outputs

    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(SEEDS_DIR, seeds)
    full, report = build_tables(seeds)
    write_outputs(full, report, out)
    again, report = build_tables(seeds, previous_dir=out)
    assert (report["reused"], report["processed"]) == (5, 0)
    assert all(again[name].equals(full[name]) for name in TABLES)
    (seeds / "005_new.txt").write_text(
        "天津市某工作方案\n一、任务\n（一）推进建设。到2025年达到10家。", encoding="utf-8"
    )
    grown, report = build_tables(seeds, previous_dir=out)
    assert (report["reused"], report["processed"]) == (5, 1) and grown["documents"].num_rows == 6
    full_again, _ = build_tables(seeds)
    assert all(grown[name].equals(full_again[name]) for name in TABLES), "incremental = full, row for row"
    (seeds / "001_df8e3af4caff0a08.txt").unlink()
    write_outputs(grown, report, out)
    shrunk, report = build_tables(seeds, previous_dir=out)
    assert all(shrunk[name].equals(build_tables(seeds)[0][name]) for name in TABLES)


def test_worker_processes_give_the_same_tables_as_one_process(tmp_path):
    from lib.build.run import build_tables

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(4):  # 20 documents: enough to start the pool
        for path in SEEDS_DIR.iterdir():
            (seeds / f"{n}_{path.name}").write_bytes(path.read_bytes() + f"\n{n}".encode())
    one, _ = build_tables(seeds, workers=1)
    two, _ = build_tables(seeds, workers=2)
    assert all(one[name].equals(two[name]) for name in TABLES)


def test_two_inputs_with_the_same_content_keep_doc_id_unique(tmp_path):
    from lib.build.run import build_tables

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    shutil.copy(seeds / "001_df8e3af4caff0a08.txt", seeds / "copy_of_001.txt")
    tables, report = build_tables(seeds)
    ids = tables["documents"]["doc_id"].to_pylist()
    assert len(ids) == len(set(ids)) == 5
    skipped = [i for i in report["inputs"] if i["source_file"] == "copy_of_001.txt"][0]
    assert skipped["status"] == "rejected" and "内容完全相同" in skipped["messages"][0]
