"""Adding documents: every bad input gets a clear Chinese message and changes nothing; good ones are
stored under seeds/ with their corrections and show up in the tables; imports never interleave."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile

import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import importer
from lib.build.cli import main as build_main
from lib.config import ROOT, SEEDS_DIR

FIXTURES = ROOT / "tests" / "fixtures" / "docs"
GOOD = (FIXTURES / "district_plan_xiqing.txt").read_bytes()


@pytest.fixture()
def store(tmp_path):
    """A private copy of seeds/, manifest and build folder."""
    seeds, out, manifest = tmp_path / "seeds", tmp_path / "build", tmp_path / "documents.yaml"
    shutil.copytree(SEEDS_DIR, seeds)
    manifest.write_text(
        "# curated overrides\n003_e4c543bcaf73ff4c.txt:\n  doc_number: 津政发〔2025〕9号\n", encoding="utf-8"
    )
    assert build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest)]) == 0
    return seeds, out, manifest


def _pdf_without_text() -> bytes:
    """A valid PDF whose page has no text layer, as a scan would be."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (101 * 2**20))
    return buffer.getvalue()


BAD_INPUTS = {
    "empty file": ("a.txt", b"", "文件为空"),
    "binary junk": ("b.txt", bytes(range(256)) * 40, "编码|不是文本"),
    "wrong extension": ("c.exe", b"MZ\x90\x00", "不支持的文件类型"),
    "corrupt docx": ("d.docx", b"PK\x03\x04 broken", "不是有效的 .docx"),
    "zip bomb docx": ("e.docx", _zip_bomb(), "压缩炸弹"),
    "over the size limit": ("f.txt", b"a" * (importer.MAX_BYTES + 1), "文件过大"),
    "duplicate of a seed": ("g.txt", (SEEDS_DIR / "001_df8e3af4caff0a08.txt").read_bytes(), "内容完全相同"),
    "no numbered items": ("h.txt", "这是一段没有编号的普通文字。".encode() * 20, "没有识别到编号条目"),
    "scanned pdf without text": ("i.pdf", _pdf_without_text(), "没有可提取的文字层"),
    "corrupt pdf": ("j.pdf", b"%PDF-1.4 garbage", "PDF"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_gets_a_clear_message_and_nothing_changes(case, store):
    seeds, out, manifest = store
    name, raw, message = BAD_INPUTS[case]
    before = sorted(p.name for p in seeds.iterdir()), manifest.read_text(encoding="utf-8")
    with pytest.raises(importer.ImportRejected, match=message):
        importer.preview(name, raw, seeds)
    assert (sorted(p.name for p in seeds.iterdir()), manifest.read_text(encoding="utf-8")) == before


@pytest.mark.parametrize(
    "name, stored",
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\evil.txt", "evil.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("方案 (2023) <final>.TXT", "方案_(2023)_final.txt"),
        (".hidden.txt", "hidden.txt"),
        ("", "document"),
    ],
)
def test_file_names_are_sanitised(name, stored):
    assert importer.sanitize_name(name) == stored


def test_a_path_in_the_name_cannot_leave_seeds(store):
    seeds, out, manifest = store
    item = importer.preview("../../../outside.txt", GOOD, seeds)
    name = importer.confirm(item, {}, seeds, manifest, out)
    assert (seeds / name).exists() and not (seeds.parent.parent / "outside.txt").exists()


def test_confirm_stores_corrections_and_rebuilds_then_remove_undoes_it(store):
    seeds, out, manifest = store
    item = importer.preview("西青方案.txt", GOOD, seeds)
    assert item.result.document["district"] == "西青区" and len(item.result.measures) >= 10
    name = importer.confirm(
        item, {"issued_date": "2023-03-09", "title": "西青区促进科技成果转化三年行动方案"}, seeds, manifest, out
    )
    docs = pq.read_table(out / "documents.parquet").to_pandas().set_index("source_file")
    assert (
        len(docs) == 6 and docs.loc[name, "date_source"] == "manifest" and docs.loc[name, "issued_date"] == "2023-03-09"
    )
    assert "# curated overrides" in manifest.read_text(encoding="utf-8"), "other manifest lines are kept as written"
    assert importer.imported_files(manifest) == [name]
    importer.remove(name, seeds, manifest, out)
    assert not (seeds / name).exists() and pq.read_table(out / "documents.parquet").num_rows == 5
    assert "津政发〔2025〕9号" in manifest.read_text(encoding="utf-8")


def test_only_imported_documents_can_be_removed(store):
    seeds, out, manifest = store
    with pytest.raises(importer.ImportRejected):
        importer.remove("001_df8e3af4caff0a08.txt", seeds, manifest, out)


def test_two_imports_at_once_both_land_and_the_store_stays_consistent(store):
    seeds, out, manifest = store
    script = (
        "import sys; from pathlib import Path; from lib import importer\n"
        "seeds, out, manifest, doc = map(Path, sys.argv[1:5])\n"
        "item = importer.preview(doc.name, doc.read_bytes(), seeds)\n"
        "importer.confirm(item, {}, seeds, manifest, out)\n"
    )
    docs = [FIXTURES / "district_plan_xiqing.txt", FIXTURES / "provincial_plan_hebei.txt"]
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(seeds), str(out), str(manifest), str(d)], cwd=ROOT)
        for d in docs
    ]
    assert [r.wait(timeout=120) for r in runs] == [0, 0]
    assert len(importer.imported_files(manifest)) == 2
    assert pq.read_table(out / "documents.parquet").num_rows == 7
    assert json.loads((out / "build_report.json").read_text(encoding="utf-8"))["counts"]["documents"] == 7


def test_cli_add_reports_rejections_on_stderr_with_exit_3(store, capsys):
    seeds, out, manifest = store
    empty = seeds.parent / "empty.txt"
    empty.write_bytes(b"")
    code = build_main(
        [
            "--seeds",
            str(seeds),
            "--out",
            str(out),
            "--manifest",
            str(manifest),
            "--add",
            str(FIXTURES / "gb18030_notice.txt"),
            str(empty),
        ]
    )
    captured = capsys.readouterr()
    assert code == 3 and "文件为空" in captured.err and "added gb18030_notice.txt" in captured.out
    assert (seeds / "gb18030_notice.txt").exists() and importer.imported_files(manifest) == ["gb18030_notice.txt"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".docx", ".pdf", ".html", ".bin"]))
def test_arbitrary_bytes_are_previewed_or_rejected_never_crash(raw, suffix, tmp_path):
    try:
        item = importer.preview("upload" + suffix, raw, SEEDS_DIR)
    except importer.ImportRejected as exc:
        assert str(exc)
    else:
        assert item.result.measures


# ---------------------------------------------------------------- removal to the trash, and undo


def _digest(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_removal_goes_to_the_trash_and_restore_puts_back_the_file_its_corrections_and_its_rows(store):
    seeds, out, manifest = store
    item = importer.preview("西青方案.txt", GOOD, seeds)
    name = importer.confirm(item, {"issued_date": "2023-03-09"}, seeds, manifest, out)
    entry_before = yaml.safe_load(manifest.read_text(encoding="utf-8"))[name]
    removal = importer.remove(name, seeds, manifest, out)
    assert not (seeds / name).exists() and pq.read_table(out / "documents.parquet").num_rows == 5
    kept = importer.trash_dir(manifest) / removal
    assert (kept / name).read_bytes() == GOOD  # the file itself, kept for undo
    [listed] = importer.trashed(manifest)
    assert (listed.removal_id, listed.source_file) == (removal, name) and listed.title == name  # no title override

    assert importer.restore(removal, seeds, manifest, out) == name
    assert (seeds / name).read_bytes() == GOOD and yaml.safe_load(manifest.read_text(encoding="utf-8"))[
        name
    ] == entry_before
    docs = pq.read_table(out / "documents.parquet").to_pandas().set_index("source_file")
    assert len(docs) == 6 and docs.loc[name, "issued_date"] == "2023-03-09"  # the correction is back too
    assert importer.trashed(manifest) == [] and not kept.exists()


@pytest.mark.parametrize("removal_id", ["20260101T000000Z_00000000", "../seeds", "../../etc", ""])
def test_restoring_what_is_not_in_the_trash_is_refused_and_changes_nothing(removal_id, store):
    seeds, out, manifest = store
    before = _digest(seeds), manifest.read_text(encoding="utf-8")
    with pytest.raises(importer.ImportRejected):
        importer.restore(removal_id, seeds, manifest, out)
    assert (_digest(seeds), manifest.read_text(encoding="utf-8")) == before


def test_restore_refuses_a_document_that_was_imported_again_meanwhile(store):
    seeds, out, manifest = store
    name = importer.confirm(importer.preview("a.txt", GOOD, seeds), {}, seeds, manifest, out)
    removal = importer.remove(name, seeds, manifest, out)
    importer.confirm(importer.preview("b.txt", GOOD, seeds), {}, seeds, manifest, out)
    with pytest.raises(importer.ImportRejected, match="内容完全相同"):
        importer.restore(removal, seeds, manifest, out)
    assert [r.removal_id for r in importer.trashed(manifest)] == [removal]  # still there, nothing lost


@pytest.mark.parametrize("action", ["remove", "restore"])
def test_a_failed_rebuild_leaves_seeds_manifest_and_trash_as_they_were(action, store, monkeypatch):
    seeds, out, manifest = store
    name = importer.confirm(importer.preview("a.txt", GOOD, seeds), {}, seeds, manifest, out)
    removal = importer.remove(name, seeds, manifest, out) if action == "restore" else None
    trash = importer.trash_dir(manifest)
    before = _digest(seeds), manifest.read_text(encoding="utf-8"), sorted(p.name for p in trash.glob("*"))

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importer, "rebuild", disk_full)
    with pytest.raises(importer.ImportFailed, match="磁盘空间已满"):
        importer.remove(name, seeds, manifest, out) if action == "remove" else importer.restore(
            removal, seeds, manifest, out
        )
    assert (_digest(seeds), manifest.read_text(encoding="utf-8"), sorted(p.name for p in trash.glob("*"))) == before


# ---------------------------------------------------------------- what the page lists

TARGET = {
    "kind": "target",
    "indicator": "技术合同成交额",
    "comparator": ">=",
    "value_low": 2000.0,
    "value_high": 2000.0,
    "unit": "亿元",
    "target_year": 2025,
    "masked": False,
    "mask": None,
    "mask_magnitude": None,
    "year_masked": False,
    "sentence": "到2025年，技术合同成交额达到2000亿元。",
}


@pytest.mark.parametrize(
    "target, row",
    [
        (TARGET, ["目标", "技术合同成交额", "≥2000", "亿元", "2025", "到2025年，技术合同成交额达到2000亿元。"]),
        (
            {**TARGET, "masked": True, "mask": "****", "mask_magnitude": "4位数", "year_masked": True},
            ["目标", "技术合同成交额", "≥****（遮盖：4位数）", "亿元", "遮盖", TARGET["sentence"]],
        ),
        (
            {**TARGET, "kind": "qualitative_goal", "target_year": None},
            ["定性目标", "技术合同成交额", "（无数值）", "亿元", "—", TARGET["sentence"]],
        ),
    ],
)
def test_the_preview_lists_each_target_with_indicator_value_unit_year_and_sentence(target, row):
    from lib.query.imports import preview_targets

    assert preview_targets([target]).iloc[0].tolist() == row


def test_the_preview_lists_the_bodies_busiest_first_with_the_measures_they_lead():
    from lib.query.imports import preview_bodies

    measures = [
        {"agencies": ["市科技局", "市教委"], "lead_agency": "市科技局"},
        {"agencies": ["市教委"], "lead_agency": "市教委"},
        {"agencies": ["市教委", "市教委"], "lead_agency": None},
        {"agencies": [], "lead_agency": None},
    ]
    assert preview_bodies(measures).values.tolist() == [["市教委", 1, 3], ["市科技局", 1, 1]]


def test_the_list_of_imports_names_each_document_by_title_number_issuer_and_date(seed_tables):
    from lib.query.imports import imports_table

    documents = seed_tables["documents"]
    seed = documents.iloc[0]
    table = imports_table([seed.source_file, "not_built_yet.txt"], documents)
    assert table.iloc[0][["文件标题", "措施", "源文件名"]].tolist() == [seed.title, seed.n_measures, seed.source_file]
    assert table.iloc[1].tolist() == ["not_built_yet.txt", "", "", "", 0, 0, "not_built_yet.txt"]
