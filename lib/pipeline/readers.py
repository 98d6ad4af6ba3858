"""Turning an input file of any accepted format into normalised text (the edge before stage 1).

.txt in any common encoding, .docx (paragraphs and tables), .pdf with a text layer, and .html pages
saved from government sites (scripts, navigation and footers dropped). Every refusal is a
RejectedInput with a message in Chinese for the official who supplied the file; so is any exception a reader
library raises on one file (a decompression bomb, a recursion limit, a parser bug): one document's failure is
that document's refusal, never the build's or a page's.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from lib.pipeline import tables
from lib.pipeline.normalize import NormalizedText, UndecodableError, decode, normalize, normalize_text

SUPPORTED = (".txt", ".docx", ".pdf", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024  # a long plan with tables is < 5 MB as .docx; 20 MB leaves room, stops abuse
MAX_UNZIPPED = 100 * 1024 * 1024  # a .docx inflating beyond this is a zip bomb
# pypdf's own limits (75 MB per stream) stop a single bomb stream; a page of text is a content stream of
# tens of KB, so 16 MB per stream and 2,000 pages bound a hostile PDF's memory and time far more tightly.
PDF_MAX_STREAM = 16 * 1024 * 1024
PDF_MAX_PAGES = 2000
TABLE_CELL_SEPARATOR = tables.CELL  # a table row becomes one line of cells separated by ｜ (tables, targets read it)
HTML_NOISE = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|related|copyright|toolbar|search", re.I)


class RejectedInput(ValueError):
    """An input the build cannot use; the message says why, in Chinese."""


def read_document(name: str, raw: bytes) -> NormalizedText:
    """File name + bytes → NormalizedText, or RejectedInput with a clear reason."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise RejectedInput(f"不支持的文件类型“{suffix or '无扩展名'}”：请提供 .txt、.docx、.pdf 或 .html 文件")
    if not raw:
        raise RejectedInput("文件为空")
    if len(raw) > MAX_BYTES:
        raise RejectedInput(f"文件过大（{len(raw) / 1e6:.1f} MB），上限为 {MAX_BYTES // 2**20} MB")
    try:
        if suffix == ".txt":
            return normalize(raw)
        if suffix == ".docx":
            return normalize_text(_docx_text(raw), "docx")
        if suffix == ".pdf":
            return normalize_text(_pdf_text(raw), "pdf")
        return normalize_text(_html_text(raw), "html")
    except RejectedInput:
        raise
    except UndecodableError as exc:
        raise RejectedInput(str(exc)) from exc
    except Exception as exc:  # any reader library's failure on this file is this file's refusal
        raise RejectedInput(f"无法读取该 {suffix} 文件（文件已损坏或格式异常：{type(exc).__name__}）") from exc


def _docx_text(raw: bytes) -> str:
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise RejectedInput("不是有效的 .docx 文件（文件已损坏或扩展名不符）")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
            raise RejectedInput("该 .docx 解压后体积异常（疑似压缩炸弹），已拒绝")
        if "word/document.xml" not in archive.namelist():
            raise RejectedInput("不是有效的 .docx 文件（缺少 word/document.xml）")
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise RejectedInput(f"无法读取 .docx 文件：{type(exc).__name__}") from exc
    lines: list[str] = []
    # Walk the body in order so tables stay where they were written.
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            rows = []
            for row in block.iter(qn("w:tr")):
                cells = []
                for cell in row.iter(qn("w:tc")):
                    paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p"))]
                    merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    # a vertically merged cell's continuation (<w:vMerge/> without val="restart") repeats the value
                    carried = merge is not None and merge.get(qn("w:val")) in (None, "continue")
                    cells.append((None if carried else _cell_text(paragraphs), 1))
                rows.append(cells)
            lines.extend(_table_lines(rows))
    text = "\n".join(lines)
    if not text.strip():
        raise RejectedInput(".docx 文件中没有文字")
    return text


def _cell_text(paragraphs: list[str]) -> str:
    """One cell's text: its paragraphs joined, a list of short unpunctuated lines (bodies one a line) with 、."""
    parts = [p.strip() for p in paragraphs if p.strip()]
    short_list = len(parts) > 1 and all(len(p) <= 20 and not re.search(r"[。；，：]$", p) for p in parts)
    return ("、" if short_list else "").join(parts)


def _table_lines(rows: list[list[tuple[str | None, int]]]) -> list[str]:
    """Rows of (cell text or None for "the value above", column span) → one line per row, cells joined by ｜;
    a value merged down several rows is repeated in each, a cell spanning columns is followed by empty cells,
    a row of one cell (a group heading spanning the table) is its text alone."""
    lines: list[str] = []
    above: dict[int, str] = {}
    for row in rows:
        cells: list[str] = []
        for text, span in row:
            value = above.get(len(cells), "") if text is None else text
            above[len(cells)] = value
            cells.extend([value] + [""] * (span - 1))
        if any(cells):
            lines.append(
                TABLE_CELL_SEPARATOR.join(cells) if sum(1 for c in cells if c) > 1 else next(c for c in cells if c)
            )
    return lines


def _pdf_text(raw: bytes) -> str:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError

    limits = {f"{codec}_maximum_output_length": PDF_MAX_STREAM for codec in ("zlib", "lzw", "run_length", "brotli")}
    try:
        with apply_configuration(**limits):  # type: ignore[arg-type]  # a context variable: other threads keep pypdf's defaults
            reader = PdfReader(io.BytesIO(raw))
            if len(reader.pages) > PDF_MAX_PAGES:
                raise RejectedInput(f"PDF 页数过多（{len(reader.pages)} 页），上限 {PDF_MAX_PAGES} 页")
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except RejectedInput:
        raise
    except LimitReachedError as exc:
        raise RejectedInput("该 PDF 解压后体积异常（疑似压缩炸弹），已拒绝") from exc
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise RejectedInput(f"无法读取 PDF 文件（文件已损坏）：{type(exc).__name__}") from exc
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < 20:
        raise RejectedInput("PDF 中没有可提取的文字层（可能是扫描件）；本系统不做文字识别（OCR），请提供文字版")
    return text


def _html_rows(table) -> list[list[tuple[str | None, int]]]:
    """A <table>'s rows as (cell text or None, column span), rowspan turned into None ("the value above")."""
    rows: list[list[tuple[str | None, int]]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    for tr in table.find_all("tr"):
        cells: list[tuple[str | None, int]] = []
        column = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while pending.get(column, 0) > 0:
                pending[column] -= 1
                cells.append((None, 1))
                column += 1
            span = _span(td.get("colspan"))
            if (down := _span(td.get("rowspan"))) > 1:
                pending[column] = down - 1
            # Word's HTML splits digits and words into spans ("共<span>5</span>项"): strings join without breaks.
            found = td.find_all("p")
            paragraphs = [p.get_text("", strip=True) for p in found] if found else [td.get_text("", strip=True)]
            cells.append((_cell_text(paragraphs), span))
            column += span
        while pending.get(column, 0) > 0:
            pending[column] -= 1
            cells.append((None, 1))
            column += 1
        rows.append(cells)
    return rows


def _span(value) -> int:
    try:
        return max(1, min(int(str(value)), 50))
    except (TypeError, ValueError):
        return 1


def _html_text(raw: bytes) -> str:
    from bs4 import BeautifulSoup

    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:2048])
    try:
        html = raw.decode(declared.group(1).decode()) if declared else decode(raw)[0]
    except (LookupError, UnicodeDecodeError):
        html = decode(raw)[0]
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:  # inside a tag decomposed a moment ago
            continue
        names = [*(tag.get("class") or []), str(tag.get("id") or "")]
        if HTML_NOISE.search(" ".join(names)):
            tag.decompose()
    for table in reversed(soup.find_all("table")):  # innermost first: a nested table becomes its cell's text
        lines = _table_lines(_html_rows(table))
        # Only a task table becomes ｜ rows; other tables (a page's metadata table) keep one cell a line.
        if any(tables.header(line.split(TABLE_CELL_SEPARATOR)) for line in lines[:3]):
            table.replace_with("\n" + "\n".join(lines) + "\n")
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    body = soup.get_text("\n")
    text = "\n".join(line.strip() for line in body.split("\n") if line.strip())
    if title and title.split("-")[0].split("_")[0].strip() not in text:
        text = title + "\n" + text
    return text
