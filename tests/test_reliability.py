"""Reliability (issue #23): a hostile document is that document's refusal, a write error fails fast and
changes nothing, damaged tables are rebuilt or explained, and no visitor ever sees a traceback.

Every bomb and payload is generated here; every build, seed folder and manifest lives in tmp_path."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tomllib
import zipfile
import zlib
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import importer
from lib.build.cli import main as build_main
from lib.build.fingerprint import is_stale
from lib.build.output import damaged_tables, failure_cause, table_files
from lib.config import ROOT, SEEDS_DIR
from lib.pipeline import readers
from lib.pipeline.document import process_document
from lib.pipeline.readers import RejectedInput, read_document

FIXTURES = ROOT / "tests" / "fixtures" / "docs"
NEW_DOC = FIXTURES / "gb18030_notice.txt"
HANG_LIMIT = 120  # seconds: a run that takes longer is hanging (the failures below exit in about a second)


# ---- generated payloads -----------------------------------------------------------------------------------


def pdf(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """A one-page PDF whose content stream is `content` (deflated unless filters says otherwise)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font"
        b" /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bomb(inflated_mb: int) -> bytes:
    """A PDF of ~inflated_mb KB whose text stream inflates to inflated_mb MB."""
    deflate, block = zlib.compressobj(9), b" " * 2**20
    stream = b"".join(deflate.compress(block) for _ in range(inflated_mb)) + deflate.flush()
    return pdf(stream)


def docx(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip with word/document.xml as given (and other members): what python-docx is handed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tree_digest(*paths: Path) -> dict[str, str]:
    """name → sha256 of every file under the given folders and files (hidden files included)."""
    found = {}
    for root in paths:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def twenty_seeds(folder: Path) -> Path:
    """Four distinct copies of each seed: enough documents for the build to start worker processes."""
    folder.mkdir()
    for n in range(4):
        for path in SEEDS_DIR.iterdir():
            (folder / f"{n}_{path.name}").write_bytes(path.read_bytes() + f"\n{n}".encode())
    return folder


def lock_is_free(out: Path) -> bool:
    with importer.lock_file(out).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


# ---- 1. a reader library's exception is that document's refusal ---------------------------------------


def test_a_pdf_decompression_bomb_is_refused_with_a_message():
    with pytest.raises(RejectedInput, match="压缩炸弹"):
        read_document("炸弹.pdf", pdf_bomb(100))


def test_a_pdf_bomb_in_the_seeds_is_skipped_the_rest_build_and_exit_is_3(tmp_path, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "bomb.pdf").write_bytes(pdf_bomb(100))
    assert build_main(["--seeds", str(seeds), "--out", str(out)]) == 3
    assert "[rejected] bomb.pdf: 该 PDF 解压后体积异常（疑似压缩炸弹），已拒绝" in capsys.readouterr().err
    assert pq.read_table(out / "documents.parquet").num_rows == 5


def test_cli_add_of_a_pdf_bomb_refuses_it_without_a_traceback(store):
    seeds, out, manifest = store
    bomb = seeds.parent / "bomb.pdf"
    bomb.write_bytes(pdf_bomb(100))
    before = tree_digest(seeds, manifest)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "lib.build",
            "--seeds",
            str(seeds),
            "--out",
            str(out),
            "--manifest",
            str(manifest),
            "--add",
            str(bomb),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT,
    )
    assert run.returncode == 3 and "压缩炸弹" in run.stderr and "Traceback" not in run.stderr
    assert tree_digest(seeds, manifest) == before


def test_the_import_preview_refuses_a_pdf_bomb(store):
    seeds, _out, _manifest = store
    with pytest.raises(importer.ImportRejected, match="“报告.pdf”：该 PDF 解压后体积异常"):
        importer.preview("报告.pdf", pdf_bomb(100), seeds)


@pytest.mark.parametrize(
    "reader, suffix", [("_pdf_text", ".pdf"), ("_docx_text", ".docx"), ("_html_text", ".html"), ("normalize", ".txt")]
)
@pytest.mark.parametrize(
    "error",
    [
        MemoryError(),
        RecursionError("maximum recursion depth exceeded"),
        KeyError("/Root"),
        RuntimeError("解析器内部错误"),
        AssertionError(),
        OSError(errno.EIO, "I/O error"),
    ],
)
def test_any_exception_of_a_reader_is_that_documents_refusal(monkeypatch, reader, suffix, error):
    def failing(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(readers, reader, failing)
    result = process_document(f"文件{suffix}", "一、任务\n（一）推进建设。".encode(), None)
    assert result.status == "rejected"
    assert result.messages == [f"无法读取该 {suffix} 文件（文件已损坏或格式异常：{type(error).__name__}）"]


# Arbitrary input for every supported extension, shaped so that it reaches the reader library behind the
# magic-number checks: zips with random document.xml, PDFs with random streams and filters or random bytes
# spliced into a valid PDF, HTML with random declared charsets. Each gives text or a message, never another
# exception, and never hangs (the deadline is a limit, not a speed claim).
XML_ISH = st.lists(
    st.sampled_from(
        [
            "<w:p>",
            "</w:p>",
            "<w:t>",
            "</w:t>",
            "<w:tbl>",
            "<w:tr>",
            "<w:tc>",
            "一、任务",
            "（一）",
            "&amp;",
            "&#0;",
            "<!DOCTYPE x [<!ENTITY a 'aa'>]>",
            "&a;",
            "<?xml version='1.0'?>",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">',
            "</w:document>",
            "<w:body>",
            "\x00",
            "\ufffd",
        ]
    ),
    max_size=40,
).map("".join)
CHARSETS = st.sampled_from(
    [
        "utf-8",
        "gb18030",
        "big5",
        "utf-16",
        "utf-7",
        "punycode",
        "idna",
        "rot13",
        "hex",
        "unicode_escape",
        "bogus",
        "",
        "utf_32",
        "cp1252",
        "zlib_codec",
    ]
)
FILTERS = st.sampled_from(
    [
        b"/FlateDecode",
        b"/LZWDecode",
        b"/ASCII85Decode",
        b"/ASCIIHexDecode",
        b"/RunLengthDecode",
        b"/DCTDecode",
        b"/JBIG2Decode",
        b"/CCITTFaxDecode",
        b"[/FlateDecode /FlateDecode]",
        b"/Nope",
    ]
)
VALID_PDF = pdf(zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"))


@st.composite
def any_upload(draw) -> tuple[str, bytes]:
    """A file name with a supported extension and bytes that get past the cheap checks of its reader."""
    suffix = draw(st.sampled_from(readers.SUPPORTED))
    raw = draw(st.binary(max_size=2000))
    if suffix == ".docx" and draw(st.booleans()):
        raw = docx(
            draw(XML_ISH).encode("utf-8", "surrogatepass"), {"[Content_Types].xml": draw(st.binary(max_size=200))}
        )
    elif suffix == ".pdf" and draw(st.booleans()):
        if draw(st.booleans()):
            raw = pdf(draw(st.binary(max_size=500)), draw(FILTERS))
        else:
            at = draw(st.integers(0, len(VALID_PDF)))
            raw = VALID_PDF[:at] + draw(st.binary(max_size=50)) + VALID_PDF[at + draw(st.integers(0, 50)) :]
    elif suffix in (".html", ".htm") and draw(st.booleans()):
        raw = (
            f'<html><head><meta charset="{draw(CHARSETS)}"><title>{draw(st.text(max_size=20))}</title></head>'
            f"<body><nav>x</nav><p>{draw(st.text(max_size=200))}</p></body></html>".encode("utf-8", "surrogatepass")
        )
    return f"upload{suffix}", raw


@settings(max_examples=150, deadline=timedelta(seconds=30), suppress_health_check=[HealthCheck.too_slow])
@given(any_upload())
def test_any_bytes_under_any_supported_extension_give_text_or_a_refusal(upload):
    name, raw = upload
    try:
        text = read_document(name, raw)
    except RejectedInput as exc:
        assert str(exc)
    else:
        assert isinstance(text.text, str)
    result = process_document(name, raw, None)  # what the build and the import preview call
    assert result.status in ("ok", "warning") or (result.status == "rejected" and result.messages)


# ---- 2. a write error fails fast, names its cause, changes nothing and frees the lock -----------------


def run_limited(args: list[str], max_file_bytes: int, code: str | None = None) -> subprocess.CompletedProcess:
    """`python -m lib.build ARGS` (or `python -c CODE ARGS`) unable to write files over max_file_bytes, as
    under `ulimit -f`; SIGXFSZ is ignored so that writes fail with EFBIG instead of killing the process."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, resource.RLIM_INFINITY))

    command = [sys.executable, *(["-c", code] if code else ["-m", "lib.build"]), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=HANG_LIMIT, preexec_fn=limit)


def test_cli_add_under_a_file_size_limit_exits_1_naming_the_cause_and_changes_nothing(store):
    seeds, out, manifest = store
    before = tree_digest(seeds, manifest, out)
    run = run_limited(
        ["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest), "--add", str(NEW_DOC)], 40 * 1024
    )
    assert run.returncode == 1, run.stderr
    assert "导入失败，已恢复原状" in run.stderr and "文件大小超过系统限制（EFBIG）" in run.stderr
    assert tree_digest(seeds, manifest, out) == before, "seeds/, the manifest and the tables are as they were"
    assert lock_is_free(out)
    added = build_main(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest), "--add", str(NEW_DOC)])
    assert added == 0 and pq.read_table(out / "documents.parquet").num_rows == 6, "the next import works"


def test_a_build_under_a_file_size_limit_exits_1_and_keeps_the_previous_tables(store):
    seeds, out, manifest = store
    before = tree_digest(out)
    run = run_limited(["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest), "--full"], 40 * 1024)
    assert run.returncode == 1 and "构建失败：文件大小超过系统限制（EFBIG）；数据表保持上一次构建的状态" in run.stderr
    assert tree_digest(out) == before and lock_is_free(out)


def test_a_write_error_while_worker_processes_run_ends_the_build(tmp_path):
    seeds, out = twenty_seeds(tmp_path / "seeds"), tmp_path / "out"
    run = run_limited(["--seeds", str(seeds), "--out", str(out), "--workers", "2"], 64 * 1024)
    assert run.returncode == 1 and "EFBIG" in run.stderr
    assert not (out / "build_report.json").exists() and not [p for p in out.iterdir() if p.name != ".cache"]


@pytest.mark.parametrize(
    "failure, message",
    [
        ("raise OSError(errno.ENOSPC, 'No space left on device')", "构建失败：磁盘空间已满（ENOSPC）"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "构建失败：构建的工作进程意外退出（可能是内存不足）"),
    ],
)
def test_a_failure_inside_a_worker_process_reaches_the_parent(tmp_path, failure, message):
    seeds, out = twenty_seeds(tmp_path / "seeds"), tmp_path / "out"
    # The workers are forked after the patch, so one document's job fails inside a worker process.
    code = (
        "import errno, os, signal, sys\nfrom lib import build\nfrom lib.build import run\nreal = run._process_job\n"
        "def failing(job):\n"
        f"    if job.name.startswith('2_'): {failure}\n"
        "    return real(job)\n"
        "run._process_job = failing\nsys.exit(build.main(sys.argv[1:]))\n"
    )
    run = run_limited(["--seeds", str(seeds), "--out", str(out), "--workers", "2"], resource.RLIM_INFINITY, code)
    assert run.returncode == 1 and message in run.stderr
    assert not (out / "build_report.json").exists()


@pytest.mark.parametrize(
    "error, cause",
    [
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间已满（ENOSPC）"),
        (OSError(errno.EFBIG, "File too large"), "文件大小超过系统限制（EFBIG）"),
        (PermissionError(errno.EACCES, "Permission denied"), "没有写入权限（EACCES）"),
        (OSError(errno.EROFS, "Read-only file system"), "文件系统为只读（EROFS）"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "磁盘配额已用完（EDQUOT）"),
        (OSError(errno.EIO, "Input/output error"), "读写文件出错（Input/output error）"),
        (
            BrokenProcessPool("A process in the process pool was terminated abruptly"),
            "构建的工作进程意外退出（可能是内存不足）",
        ),
        (MemoryError(), "内存不足"),
        (KeyError("/home/server/secret"), "内部错误（KeyError）"),
    ],
)
def test_a_failure_is_named_by_its_cause_without_server_paths(error, cause):
    assert failure_cause(error) == cause


IMPORT_SCRIPT = """
import sys
from pathlib import Path
from lib import importer
seeds, out, manifest, doc = map(Path, sys.argv[1:5])
try:
    if sys.argv[5] == "confirm":
        importer.confirm(importer.preview(doc.name, doc.read_bytes(), seeds), {}, seeds, manifest, out)
    else:
        importer.remove(doc.name, seeds, manifest, out)
except importer.ImportFailed as exc:
    print(exc)
    sys.exit(1)
"""


@pytest.mark.parametrize("action", ["confirm", "remove"])
def test_the_import_page_calls_fail_whole_with_the_cause_and_the_next_import_works(store, action):
    seeds, out, manifest = store
    if action == "remove":  # an imported document to remove
        importer.confirm(importer.preview(NEW_DOC.name, NEW_DOC.read_bytes(), seeds), {}, seeds, manifest, out)
    before = tree_digest(seeds, manifest, out)
    run = run_limited([str(seeds), str(out), str(manifest), str(NEW_DOC), action], 40 * 1024, IMPORT_SCRIPT)
    assert run.returncode == 1, run.stderr
    verb = "导入" if action == "confirm" else "删除"
    assert (
        run.stdout.strip() == f"{verb}失败，已恢复原状（文件、元数据与数据表均未改变）：文件大小超过系统限制（EFBIG）"
    )
    assert tree_digest(seeds, manifest, out) == before and lock_is_free(out)
    if action == "confirm":
        importer.confirm(importer.preview(NEW_DOC.name, NEW_DOC.read_bytes(), seeds), {}, seeds, manifest, out)
    else:
        importer.remove(NEW_DOC.name, seeds, manifest, out)
    assert pq.read_table(out / "documents.parquet").num_rows == (6 if action == "confirm" else 5)


def test_a_failed_rebuild_puts_back_a_removed_document_and_its_entry(store, monkeypatch):
    seeds, out, manifest = store
    name = importer.confirm(
        importer.preview(NEW_DOC.name, NEW_DOC.read_bytes(), seeds), {"title": "某通知"}, seeds, manifest, out
    )
    before = tree_digest(seeds, manifest, out)

    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(importer, "rebuild", disk_full)
    with pytest.raises(importer.ImportFailed, match="磁盘空间已满"):
        importer.remove(name, seeds, manifest, out)
    assert tree_digest(seeds, manifest, out) == before
    assert not [p for p in [*seeds.iterdir(), *manifest.parent.iterdir()] if p.name.endswith(".keep")]


# ---- 3. damaged tables are rebuilt by --if-stale and explained by the app -----------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _file_of(out: Path, name: str) -> Path:
    """The file a damage hits: the table's file, or the largest of its parts (a folder of parts)."""
    return max(table_files(out / f"{name}.parquet"), key=lambda p: p.stat().st_size)


DAMAGE = {
    "measures truncated": lambda out: _truncate(_file_of(out, "measures")),
    "measures emptied": lambda out: _file_of(out, "measures").write_bytes(b""),
    "measures replaced by another table": lambda out: shutil.copy(_file_of(out, "targets"), _file_of(out, "measures")),
    "measures overwritten with junk": lambda out: _file_of(out, "measures").write_bytes(os.urandom(4096)),
    "a part of measures deleted": lambda out: _file_of(out, "measures").unlink(),
    "a stray part in measures": lambda out: shutil.copy(
        _file_of(out, "measures"), out / "measures.parquet" / "x.parquet"
    ),
    "documents deleted": lambda out: (out / "documents.parquet").unlink(),
    "report truncated": lambda out: _truncate(out / "build_report.json"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_if_stale_rebuilds_damaged_tables(store, damage, capsys):
    seeds, out, manifest = store
    args = ["--seeds", str(seeds), "--out", str(out), "--manifest", str(manifest), "--if-stale"]
    assert not is_stale(seeds, out, manifest=manifest)
    DAMAGE[damage](out)
    assert is_stale(seeds, out, manifest=manifest)
    capsys.readouterr()
    assert build_main(args) == 0 and "built 5 documents" in capsys.readouterr().out
    assert build_main(args) == 0 and "up to date" in capsys.readouterr().out
    assert pq.read_table(out / "measures.parquet").num_rows == 200


def test_a_report_of_an_older_build_without_sizes_still_catches_a_truncated_table(store):
    seeds, out, manifest = store
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    del report["table_bytes"]
    (out / "build_report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert damaged_tables(out, report) == []
    _truncate(_file_of(out, "targets"))
    assert damaged_tables(out, report) == ["targets.parquet"]


APP_SCRIPT = """
import json, sys
from streamlit.testing.v1 import AppTest
from lib.config import ROOT
failure, language = sys.argv[1:3]
if failure:  # a bug in a page's step, with a server path in its message
    from lib.query.steps import overview
    def broken(*args, **kwargs):
        raise RuntimeError(failure)
    overview.headline = broken
app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
if language:  # the language switch, as a shared link carries it (?lang=en)
    app.query_params["lang"] = language
app.run()
kinds = ("error", "exception", "markdown", "caption", "info", "warning", "code", "text", "title", "metric")
shown = {kind: [str(getattr(e, "value", e)) for e in getattr(app, kind)] for kind in kinds}
shown["stack"] = [line for e in app.exception for line in e.stack_trace]
print(json.dumps(shown, ensure_ascii=False))
"""


def run_dashboard(out: Path, seeds: Path, manifest: Path, failure: str = "", language: str = "") -> tuple[dict, str]:
    """The dashboard under AppTest in a fresh process whose store reads `out`: what it shows, and its log."""
    env = {
        **os.environ,
        "DASHBOARD_BUILD_DIR": str(out),
        "DASHBOARD_SEEDS_DIR": str(seeds),
        "DASHBOARD_MANIFEST": str(manifest),
    }
    run = subprocess.run(
        [sys.executable, "-c", APP_SCRIPT, failure, language],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stderr


@pytest.mark.parametrize("damage", ["measures truncated", "measures replaced by another table", "report truncated"])
def test_the_dashboard_on_damaged_tables_says_so_and_names_the_command(store, damage):
    seeds, out, manifest = store
    DAMAGE[damage](out)
    shown, log = run_dashboard(out, seeds, manifest)
    assert shown["error"] == [
        "数据表已损坏，无法显示：请在服务器上运行 `python -m lib.build` 重建数据表，然后刷新本页。"
    ]
    assert not shown["exception"] and str(out) not in json.dumps(shown, ensure_ascii=False)
    assert "damaged build output" in log, "the server log says which file"


def test_the_damage_message_follows_the_interface_language(store):
    seeds, out, manifest = store
    _truncate(_file_of(out, "measures"))
    shown, _log = run_dashboard(out, seeds, manifest, language="en")
    assert shown["error"] == [
        "The tables are damaged and cannot be shown: run `python -m lib.build` on the "
        "server to rebuild them, then reload this page."
    ]


# ---- 7. no traceback, exception text or server path for visitors ---------------------------------------


def test_the_config_hides_error_details_with_a_value_streamlit_accepts():
    from streamlit.config import ShowErrorDetailsConfigOptions

    client = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]
    assert client["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value == "none"


def test_an_uncaught_error_under_that_setting_shows_no_message_type_or_stack(tmp_path):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    secret = f"{tmp_path}/secret.py"
    setting = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"][
        "showErrorDetails"
    ]
    previous = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", setting)
    try:
        app = AppTest.from_string(f"raise ValueError({secret!r})").run()
    finally:
        config.set_option("client.showErrorDetails", previous)
    assert app.exception and not app.exception[0].stack_trace
    assert secret not in app.exception[0].message and "ValueError" not in app.exception[0].message


@pytest.mark.parametrize(
    "language, message",
    [
        ("", "抱歉，本页在当前筛选下出错，已记录。请调整或清除筛选后重试；其他页面不受影响。"),
        (
            "en",
            "Sorry, this page failed with the current filters; the error was logged. Change or clear the "
            "filters and try again; other pages are not affected.",
        ),
    ],
)
def test_a_failing_page_shows_a_message_in_the_interface_language_and_logs_the_traceback(store, language, message):
    seeds, out, manifest = store
    secret = f"{out}/lib/secret_module.py line 7"
    shown, log = run_dashboard(out, seeds, manifest, failure=secret, language=language)
    assert shown["error"] == [message]
    assert not shown["exception"] and not shown["stack"]
    assert secret not in json.dumps(shown, ensure_ascii=False) and str(ROOT) not in json.dumps(
        shown, ensure_ascii=False
    )
    assert "Traceback (most recent call last)" in log and secret in log, "the server log keeps the full traceback"
