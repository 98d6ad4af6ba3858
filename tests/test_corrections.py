"""Corrections (issue #18): anchored by the document's content hash and the item's text, applied as the build's
last stage on full, incremental and --if-stale builds, reported when their anchor is gone, kept as readable
YAML, written safely by two processes at once."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib import curation
from lib.build import corrections as corr
from lib.build.cli import main as build_main
from lib.build.fingerprint import is_stale
from lib.build.lock import lock_file
from lib.config import ROOT
from lib.contract import TABLES

BEICHEN = "001_df8e3af4caff0a08.txt"


# ---- anchors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("加强组织领导。", "加强组织领导", True),  # punctuation a new normaliser writes differently
        ("建设 概念验证中心，", "建设概念验证中心,", True),  # spaces, full- and half-width commas
        ("到２０２５年达到10家", "到2025年达到10家", True),  # full-width digits (NFKC)
        ("到2025年达到10家", "到2025年达到12家", False),  # another number is another item
        ("支持企业研发", "支持高校研发", False),
    ],
)
def test_an_anchor_is_the_items_letters_and_digits(a, b, same):
    assert (corr.letters(a) == corr.letters(b)) is same


def test_the_same_text_twice_in_a_document_is_told_apart_by_its_occurrence():
    rows = [{"measure_id": f"m{i}", "text": text} for i, text in enumerate(["加强领导。", "其他。", "加强领导"])]
    first, second = (corr.anchor_of("measures", rows[i], rows) for i in (0, 2))
    assert first["text_sha1"] == second["text_sha1"] and (first["occurrence"], second["occurrence"]) == (0, 1)


# ---- the YAML file -------------------------------------------------------------------------------------------

NASTY = ["<script>alert(1)</script>", "yes", "no", "null", "- 列表", "a: b", "#注释", "'引号\"", "换\n行", "=1+1"]


def _correction(**changes) -> corr.Correction:
    base = dict(
        id="c0123456789",
        who="王丽",
        when="2026-12-07T20:00:00+00:00",
        table="measures",
        action="set",
        content_sha256="a" * 64,
        source_file=BEICHEN,
        text_sha1="b" * 40,
        occurrence=1,
        text="发挥领军企业",
        title="北辰区方案",
        why="原文写明牵头单位",
        values={"lead_agency": "市教委", "agencies": ["市教委", "市科技局"]},
        original={"lead_agency": None, "agencies": ["市科技局"]},
    )
    return corr.Correction(**{**base, **changes})


@pytest.mark.parametrize("text", NASTY)
def test_the_file_round_trips_whatever_an_editor_writes(text):
    entries = [
        _correction(why=text, who=text, text=text),
        _correction(id="c2", table="targets", values={"indicator": text, "value_low": 3.5, "target_year": 2025}),
        _correction(id="c3", action="drop", values={}, original={}),
        _correction(id="c4", table="targets", action="add", values={"indicator": "孵化器", "sentence": text}),
    ]
    found, problems = corr.parse(corr.dump(entries))
    assert found == entries and problems == []
    assert corr.dump(found) == corr.dump(entries)


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"table": "measures", "action": "set"}, "缺少 id"),
        ({"id": "c1", "table": "documents", "action": "set"}, "table 应为"),
        ({"id": "c1", "table": "measures", "action": "add"}, "action“add”不可用于 measures"),
        ({"id": "c1", "table": "measures", "action": "set", "document": {"source_file": "a.txt"}}, "anchor"),
        ({"id": "c1", "table": "measures", "action": "set", **{"anchor": {"text_sha1": "x"}}}, "content_sha256"),
    ],
)
def test_an_entry_that_cannot_be_read_is_reported_not_dropped(entry, message):
    good = _correction().to_yaml()
    found, problems = corr.parse(
        corr.dump([]).replace("corrections: []", "") + json.dumps({"corrections": [good, entry]})
    )
    assert [c.id for c in found] == ["c0123456789"]
    assert problems[0]["entry"] == 2 and message in problems[0]["message"]


@pytest.mark.parametrize(
    "table, values, message",
    [
        ("measures", {"kind": "target"}, "类型“target”不存在"),
        ("targets", {"value_low": "三"}, "不是数字"),
        ("targets", {"target_year": 3025}, "超出范围"),
        ("targets", {"comparator": "≈"}, "比较关系"),
        ("measures", {"agencies": ["x" * 201]}, "列表"),
        ("measures", {"text": "改原文"}, "不能修改“text”"),
    ],
)
def test_a_value_an_editor_cannot_set_gets_a_chinese_message(table, values, message):
    with pytest.raises(corr.CorrectionsInvalid, match=message):
        corr.validate_values(table, "set", values)


def test_a_file_that_is_not_yaml_says_which_line():
    with pytest.raises(corr.CorrectionsInvalid, match="第 2 行"):
        corr.parse("corrections:\n  - id: a: b\n")


# ---- applying them to rows -----------------------------------------------------------------------------------


def _measures(*texts: str, doc: str = "d" * 12) -> pa.Table:
    rows = [
        {
            "measure_id": f"{doc}-m{i:03d}",
            "doc_id": doc,
            "ordinal": i,
            "text": text,
            "kind": "task",
            "agencies": ["市科技局"],
            "agency_source": "issuer",
            "confidence": 0.6,
            "confidence_reasons": ["body_from_issuer"],
            "corrected": False,
            "reviewed": False,
        }
        for i, text in enumerate(texts, start=1)
    ]
    return pa.Table.from_pylist(rows, schema=TABLES["measures"])


def _on(text: str, action="set", values=None, occurrence=0, sha="d" * 64, name="a.txt", table="measures", id_="c1"):
    anchor = corr.anchor_of("measures", {"measure_id": "x", "text": text}, [])
    return _correction(
        id=id_, table=table, action=action, content_sha256=sha, source_file=name, text_sha1=anchor["text_sha1"],
        occurrence=occurrence, values=values or {}, original={},
    )  # fmt: skip


INPUTS = [("a.txt", "d" * 64)]


@pytest.mark.parametrize(
    "correction, column, expected",
    [
        (_on("建设中试平台。", values={"lead_agency": "市教委"}), "agencies", [["市科技局"], ["市教委", "市科技局"]]),
        (_on("建设中试平台。", values={"lead_agency": "市教委"}), "agency_source", ["issuer", "phrase"]),
        (_on("建设中试平台。", values={"agencies": []}), "agency_source", ["issuer", "none"]),
        (_on("建设中试平台", values={"kind": "context"}), "kind", ["task", "context"]),
        (_on("建设中试平台。", action="review"), "reviewed", [False, True]),
        (_on("建设中试平台。", action="review"), "corrected", [False, False]),
        (_on("建设中试平台。", action="review"), "confidence", [0.6, 1.0]),
        (_on("建设中试平台。", action="drop"), "text", ["加强领导。"]),
    ],
)
def test_a_correction_changes_its_row_only(correction, column, expected):
    corrector = corr.Corrector([correction], INPUTS)
    shown = corrector.apply("measures", _measures("加强领导。", "建设中试平台。"))
    assert shown.column(column).to_pylist() == expected
    assert corrector.report()["applied"] == 1 and corrector.report()["orphans"] == []


def test_the_original_value_stays_visible():
    corrector = corr.Corrector([_on("建设中试平台。", values={"lead_agency": "市教委"})], INPUTS)
    row = corrector.apply("measures", _measures("建设中试平台。")).to_pylist()[0]
    assert row["corrected"] and json.loads(row["original"]) == {
        "lead_agency": None,
        "agencies": ["市科技局"],
        "agency_source": "issuer",
    }


def test_the_second_of_two_identical_items_is_corrected_alone():
    corrector = corr.Corrector([_on("加强领导。", values={"kind": "safeguard"}, occurrence=1)], INPUTS)
    shown = corrector.apply("measures", _measures("加强领导。", "其他。", "加强领导。"))
    assert shown.column("kind").to_pylist() == ["task", "task", "safeguard"]


def test_a_document_whose_bytes_changed_is_found_by_its_file_name():
    corrector = corr.Corrector([_on("建设中试平台。", action="review", sha="0" * 64)], INPUTS)
    assert corrector.apply("measures", _measures("建设中试平台。")).column("reviewed").to_pylist() == [True]
    assert corrector.report()["moved"] == ["c1"]


@pytest.mark.parametrize(
    "correction, reason",
    [
        (_on("这一条已被改写。", action="review"), "text_missing"),
        (_on("建设中试平台。", action="review", sha="0" * 64, name="gone.txt"), "document_missing"),
    ],
)
def test_a_correction_whose_anchor_is_gone_is_reported(correction, reason):
    corrector = corr.Corrector([correction], INPUTS)
    corrector.apply("measures", _measures("建设中试平台。"))
    orphans = corrector.report()["orphans"]
    assert [(o["id"], o["reason"]) for o in orphans] == [("c1", reason)] and orphans[0]["message"]


def test_a_missed_target_is_added_on_its_measure_and_counted_in_its_document():
    add = _on("到2025年建成孵化器10家。", action="add", table="targets",
              values={"indicator": "孵化器", "value_low": 10.0, "unit": "家", "sentence": "建成孵化器10家"})  # fmt: skip
    corrector = corr.Corrector([add], INPUTS)
    corrector.apply("measures", _measures("到2025年建成孵化器10家。"))
    added = corrector.added_targets(TABLES["targets"]).to_pylist()
    assert [(t["measure_id"], t["indicator"], t["value_high"], t["corrected"]) for t in added] == [
        ("dddddddddddd-m001", "孵化器", 10.0, True)
    ]
    docs = pa.Table.from_pylist([{"doc_id": "d" * 12, "n_measures": 1, "n_targets": 0}], schema=TABLES["documents"])
    assert corrector.documents(docs).column("n_targets").to_pylist() == [1]


# ---- through the build ---------------------------------------------------------------------------------------


def _beichen_measure(out, ordinal: int = 3) -> tuple[dict, list[dict], dict]:
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    document = next(d for d in docs if d["source_file"] == BEICHEN)
    rows = [m for m in pq.read_table(out / "measures.parquet").to_pylist() if m["doc_id"] == document["doc_id"]]
    return next(m for m in rows if m["ordinal"] == ordinal), rows, document


def _measure_row(out, measure_id: str) -> dict:
    return next(m for m in pq.read_table(out / "measures.parquet").to_pylist() if m["measure_id"] == measure_id)


def _save(store, editor="王丽", action="set", values=None, ordinal=3, seen=()):
    seeds, out, manifest = store
    row, rows, document = _beichen_measure(out, ordinal)
    correction = curation.for_row(editor, "measures", action, row, rows, document, values, why="核对原文")
    curation.save(correction, seen, seeds_dir=seeds, out_dir=out, manifest=manifest)
    return row["measure_id"], correction


def test_a_correction_holds_on_full_incremental_and_if_stale_builds(store):
    seeds, out, manifest = store
    measure_id, correction = _save(store, values={"agencies": ["市教委"], "lead_agency": "市教委"})
    assert _measure_row(out, measure_id)["lead_agency"] == "市教委"  # the save rebuilt the tables
    args = ["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]
    for extra in (["--full"], [], ["--if-stale"]):
        assert build_main([*args, *extra]) == 0
        row = _measure_row(out, measure_id)
        assert (row["agencies"], row["lead_agency"], row["corrected"]) == (["市教委"], "市教委", True)
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))["corrections"]
    assert (report["total"], report["applied"], report["orphans"]) == (1, 1, [])
    agencies = {a["agency"]: a for a in pq.read_table(out / "agencies.parquet").to_pylist()}
    assert agencies["市教委"]["n_measures_lead"] >= 1  # the corpus-wide table counts the corrected body


def test_an_edited_corrections_file_makes_the_tables_stale(store):
    seeds, out, manifest = store
    assert not is_stale(seeds, out, manifest=manifest)
    text = curation.corrections_file(manifest)
    text.write_text(corr.dump([_correction()]), encoding="utf-8")
    assert is_stale(seeds, out, manifest=manifest)


def test_undo_gives_the_pipelines_value_back_and_drop_removes_the_row(store):
    seeds, out, manifest = store
    pipelines = _beichen_measure(out, 3)[0]["kind"]
    measure_id, correction = _save(store, values={"kind": "procedure"})
    assert pipelines != "procedure" and _measure_row(out, measure_id)["kind"] == "procedure"
    curation.undo(correction.id, "王丽", seeds_dir=seeds, out_dir=out, manifest=manifest)
    assert _measure_row(out, measure_id)["kind"] == pipelines and not _measure_row(out, measure_id)["corrected"]
    before = pq.read_table(out / "measures.parquet").num_rows
    _save(store, action="drop", ordinal=4)
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert pq.read_table(out / "measures.parquet").num_rows == report["counts"]["measures"] == before - 1
    audit = [json.loads(line) for line in manifest.with_name("audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["action"] for a in audit] == ["correct_set", "undo_correction", "correct_drop"]


def test_a_correction_whose_text_was_edited_away_is_reported_in_the_build_report(store):
    seeds, out, manifest = store
    row, _rows, _document = _beichen_measure(out, 3)
    _save(store, action="review", ordinal=3)
    _save(store, action="review", ordinal=5)
    path = seeds / BEICHEN
    text = path.read_text(encoding="utf-8")
    first = row["text"][:12]
    assert first in text
    path.write_text(text.replace(first, "改写后的内容" + first[6:]), encoding="utf-8")
    build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)])
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))["corrections"]
    assert [o["reason"] for o in report["orphans"]] == ["text_missing"]
    assert report["applied"] == 1 and len(report["moved"]) == 1  # the other item of the edited file still holds
    assert len(corr.read(curation.corrections_file(manifest))[0]) == 2  # nothing was dropped from the file


def test_two_officials_on_the_same_row_one_is_told_to_reload(store):
    seeds, out, manifest = store
    row, rows, document = _beichen_measure(out, 3)
    seen = ()  # both drew the form before either saved
    first = curation.for_row("王丽", "measures", "set", row, rows, document, {"kind": "context"})
    second = curation.for_row("李明", "measures", "set", row, rows, document, {"kind": "safeguard"})
    curation.save(first, seen, seeds_dir=seeds, out_dir=out, manifest=manifest)
    with pytest.raises(curation.StaleEdit, match="请刷新页面"):
        curation.save(second, seen, seeds_dir=seeds, out_dir=out, manifest=manifest)
    assert [c.who for c in curation.load(manifest)] == ["王丽"]


def test_two_processes_correcting_different_rows_both_land(store):
    seeds, out, manifest = store
    script = (
        "import sys; from pathlib import Path; import pyarrow.parquet as pq; from lib import curation\n"
        "seeds, out, manifest = map(Path, sys.argv[1:4]); ordinal = int(sys.argv[4])\n"
        "docs = pq.read_table(out / 'documents.parquet').to_pylist()\n"
        f"doc = next(d for d in docs if d['source_file'] == '{BEICHEN}')\n"
        "rows = [m for m in pq.read_table(out / 'measures.parquet').to_pylist() if m['doc_id'] == doc['doc_id']]\n"
        "row = next(m for m in rows if m['ordinal'] == ordinal)\n"
        "c = curation.for_row(f'editor{ordinal}', 'measures', 'set', row, rows, doc, {'kind': 'safeguard'})\n"
        "curation.save(c, (), seeds_dir=seeds, out_dir=out, manifest=manifest)\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(seeds), str(out), str(manifest), str(n)], cwd=ROOT)
        for n in (3, 4)
    ]
    assert [r.wait(timeout=120) for r in runs] == [0, 0]
    assert sorted(c.who for c in curation.load(manifest)) == ["editor3", "editor4"]
    kinds = {m["ordinal"]: m["kind"] for m in pq.read_table(out / "measures.parquet").to_pylist() if m["corrected"]}
    assert kinds == {3: "safeguard", 4: "safeguard"}


def test_a_failed_rebuild_puts_the_file_back(store, monkeypatch):
    seeds, out, manifest = store
    monkeypatch.setattr(curation.importer, "rebuild", lambda *a: (_ for _ in ()).throw(OSError(28, "full")))
    with pytest.raises(curation.CorrectionFailed, match="磁盘空间已满"):
        _save(store, values={"kind": "context"})
    assert curation.load(manifest) == []


def test_the_export_neutralises_spreadsheet_formulas():
    data = curation.export_csv([_correction(why='=HYPERLINK("x")')]).decode("utf-8-sig")
    assert "'=HYPERLINK" in data and data.splitlines()[0].startswith("id,who,when")


def test_a_process_killed_after_saving_loses_nothing(store):
    """Killed (SIGKILL) between writing the file and finishing the rebuild: the file holds the correction
    whole, the lock is free, the tables are stale and the next build applies it."""
    seeds, out, manifest = store
    script = (
        "import os, signal, sys; from pathlib import Path; import pyarrow.parquet as pq\n"
        "from lib import curation, importer\n"
        "seeds, out, manifest = map(Path, sys.argv[1:4])\n"
        "importer.rebuild = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "docs = pq.read_table(out / 'documents.parquet').to_pylist()\n"
        f"doc = next(d for d in docs if d['source_file'] == '{BEICHEN}')\n"
        "rows = [m for m in pq.read_table(out / 'measures.parquet').to_pylist() if m['doc_id'] == doc['doc_id']]\n"
        "c = curation.for_row('王丽', 'measures', 'set', rows[2], rows, doc, {'kind': 'procedure'})\n"
        "curation.save(c, (), seeds_dir=seeds, out_dir=out, manifest=manifest)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(seeds), str(out), str(manifest)], cwd=ROOT, timeout=120)
    assert done.returncode == -9
    assert [c.values for c in curation.load(manifest)] == [{"kind": "procedure"}]
    with open(lock_file(out), "w") as handle:  # free: a killed process holds no lock
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert is_stale(seeds, out, manifest=manifest)
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest), "--if-stale"]) == 0
    assert [m["kind"] for m in pq.read_table(out / "measures.parquet").to_pylist() if m["corrected"]] == ["procedure"]
