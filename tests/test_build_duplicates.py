"""Stage 7, duplicates: a document and its copy in another encoding (same text, other bytes, so another
doc_id) are built once, the copy reported as a warning that names the kept file; in a full build, in an
incremental build and in the importer's preview alike."""

from __future__ import annotations

import hashlib
import json
import pathlib

import pyarrow.parquet as pq
import pytest

from lib import build, importer
from lib.contract import TABLES

POLICY = (
    "天津市某区促进科技成果转化工作方案\n"
    "一、主要任务\n"
    "（一）建设概念验证平台。到2025年建成5家概念验证中心。责任单位：区科技局\n"
    "（二）完善成果转化机制，区发展改革委牵头，区财政局配合。\n"
    "二、保障措施\n"
    "（一）加强组织领导，定期开展评估。\n"
)
ORIGINAL = POLICY.encode("utf-8")
COPIES = {  # the copy's encoding → its bytes and what the warning says differs
    "gb18030": (POLICY.encode("gb18030"), "编码不同"),
    "utf-16": (POLICY.encode("utf-16"), "编码不同"),
    "utf-8 with CRLF line ends": (POLICY.replace("\n", "\r\n").encode("utf-8"), "文件字节不同"),
}


def doc_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:12]


def first_in_doc_id_order(files: dict[str, bytes]) -> str:
    """The name of the copy the build keeps: the one whose doc_id sorts first."""
    return min(files, key=lambda name: doc_id(files[name]))


def seed_folder(folder: pathlib.Path, files: dict[str, bytes]) -> pathlib.Path:
    folder.mkdir(exist_ok=True)
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return folder


def entries(report: dict) -> dict[str, dict]:
    return {entry["source_file"]: entry for entry in report["inputs"]}


def assert_built_once(tables: dict, report: dict, files: dict[str, bytes], why: str) -> None:
    """One document (the kept copy's), no row of another copy, a warning on every other copy naming it."""
    kept = first_in_doc_id_order(files)
    assert tables["documents"]["source_file"].to_pylist() == [kept]
    for name in ("measures", "targets"):
        assert set(tables[name]["doc_id"].to_pylist()) == {doc_id(files[kept])}
    assert set(tables["citations"]["from_doc_id"].to_pylist()) <= {doc_id(files[kept])}
    assert report["counts"]["documents"] == 1
    for name in set(files) - {kept}:
        entry = entries(report)[name]
        assert entry["status"] == "warning" and entry["doc_id"] is None
        assert entry["messages"] == [f"与“{kept}”正文相同（{why}），未重复计入"]
    assert entries(report)[kept]["doc_id"] == doc_id(files[kept])


@pytest.mark.parametrize("encoding", list(COPIES))
def test_a_copy_in_another_encoding_is_built_once_with_a_warning(tmp_path, encoding):
    copy, why = COPIES[encoding]
    files = {"方案.txt": ORIGINAL, "方案_副本.txt": copy}
    tables, report = build.build_tables(seed_folder(tmp_path / "seeds", files))
    assert_built_once(tables, report, files, why)


def test_three_encodings_of_one_text_are_one_document(tmp_path):
    files = {"a.txt": ORIGINAL, "b.txt": COPIES["gb18030"][0], "c.txt": COPIES["utf-16"][0]}
    tables, report = build.build_tables(seed_folder(tmp_path / "seeds", files))
    assert_built_once(tables, report, files, "编码不同")


def test_the_kept_copy_does_not_depend_on_the_file_names(tmp_path):
    """Named either way round, the same bytes are kept: the choice follows doc_id, not names or arrival."""
    gb18030 = COPIES["gb18030"][0]
    kept_bytes = set()
    for n, files in enumerate(({"a.txt": ORIGINAL, "b.txt": gb18030}, {"a.txt": gb18030, "b.txt": ORIGINAL})):
        tables, _ = build.build_tables(seed_folder(tmp_path / f"seeds{n}", files))
        kept_bytes.add(tables["documents"]["content_sha256"].to_pylist()[0])
    assert kept_bytes == {hashlib.sha256(min(ORIGINAL, gb18030, key=doc_id)).hexdigest()}


def test_documents_with_different_texts_are_all_built(tmp_path):
    files = {"a.txt": ORIGINAL, "b.txt": POLICY.replace("5家", "6家").encode("gb18030")}
    tables, report = build.build_tables(seed_folder(tmp_path / "seeds", files))
    assert sorted(tables["documents"]["source_file"].to_pylist()) == ["a.txt", "b.txt"]
    assert {e["status"] for e in report["inputs"]} == {"ok"}


@pytest.mark.parametrize("added_copy", ["after the cached original", "before the cached original"])
def test_a_copy_added_to_an_existing_build_is_not_counted_twice(tmp_path, added_copy):
    """Incremental: the original's rows come from the cache; the copy, processed alone, is set aside when it
    comes later in doc_id order, or replaces the cached original when it comes first. Either way the tables
    equal a full build's."""
    ordered = sorted([ORIGINAL, COPIES["gb18030"][0]], key=doc_id)
    original, copy = ordered if added_copy == "after the cached original" else ordered[::-1]
    seeds, out = seed_folder(tmp_path / "seeds", {"原件.txt": original}), tmp_path / "build"
    build.build(seeds, out)
    (seeds / "副本.txt").write_bytes(copy)
    report = build.build(seeds, out)
    assert report["processed"] == 1  # the original was not processed again
    tables = {name: pq.read_table(out / f"{name}.parquet") for name in TABLES}
    assert_built_once(tables, report, {"原件.txt": original, "副本.txt": copy}, "编码不同")
    full, full_report = build.build_tables(seeds)
    for name in TABLES:
        assert tables[name].equals(full[name]), name
    assert json.loads((out / "build_report.json").read_text(encoding="utf-8"))["inputs"] == report["inputs"]
    assert [{k: v for k, v in e.items() if k != "cached"} for e in report["inputs"]] == [
        {k: v for k, v in e.items() if k != "cached"} for e in full_report["inputs"]
    ]


def test_the_text_hash_is_of_the_normalised_text(tmp_path):
    tables, _ = build.build_tables(seed_folder(tmp_path / "seeds", {"a.txt": COPIES["utf-16"][0]}))
    text = tables["documents"]["text"][0].as_py()
    assert tables["documents"]["text_sha256"][0].as_py() == hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the importer's preview


@pytest.fixture()
def built(tmp_path):
    seeds, out = seed_folder(tmp_path / "seeds", {"原件.txt": ORIGINAL}), tmp_path / "build"
    build.build(seeds, out)
    return seeds, out


@pytest.mark.parametrize("encoding", list(COPIES))
def test_the_preview_refuses_a_copy_of_a_stored_text(built, encoding):
    seeds, out = built
    with pytest.raises(
        importer.ImportRejected, match="^“副本.txt”：与已有文件“原件.txt”正文相同（仅编码或格式不同），未重复导入$"
    ):
        importer.preview("副本.txt", COPIES[encoding][0], seeds, out)
    assert sorted(p.name for p in seeds.iterdir()) == ["原件.txt"]


def test_the_preview_accepts_the_text_once_its_original_is_gone(built):
    seeds, out = built
    (seeds / "原件.txt").unlink()
    assert importer.preview("副本.txt", COPIES["gb18030"][0], seeds, out).result.document["encoding"]


def test_the_preview_without_readable_tables_leaves_duplicates_to_the_build(tmp_path):
    seeds = seed_folder(tmp_path / "seeds", {"原件.txt": ORIGINAL})
    item = importer.preview("副本.txt", COPIES["gb18030"][0], seeds, tmp_path / "never_built")
    assert item.source_file == "副本.txt"


def test_the_cli_add_refuses_a_copy_of_a_stored_text_with_exit_3(built, tmp_path, capsys):
    seeds, out = built
    copy = tmp_path / "副本.txt"
    copy.write_bytes(COPIES["utf-16"][0])
    code = build.main(
        ["--seeds", str(seeds), "--out", str(out), "--manifest", str(tmp_path / "documents.yaml"), "--add", str(copy)]
    )
    assert code == build.EXIT_REJECTED and "与已有文件“原件.txt”正文相同" in capsys.readouterr().err
    assert sorted(p.name for p in seeds.iterdir()) == ["原件.txt"]
