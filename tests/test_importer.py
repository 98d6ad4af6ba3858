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
