"""Exports for officials: tables to Excel (xlsx) and CSV, charts to a PowerPoint briefing deck.

Pure functions: DataFrames and figures in, bytes out (no streamlit, no files written). The one piece of
process state is the kaleido render server: one headless Chromium started lazily on the first chart
image and reused for every later one (~4 s for the first PNG, a fraction of a second after).
"""
from __future__ import annotations

import io
import re
import threading
import time
import unicodedata
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xlsxwriter
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from lib.config import DATA_DIR
from lib.contract import INT, TABLES
from lib.reference import ReferenceDataError, load_yaml, require

COLUMNS_YAML = DATA_DIR / "columns.yaml"
SOURCE_LINE = "数据来源：天津科技政策看板，据政策原文自动抽取"
SHEET_README, SHEET_MEASURES, SHEET_TARGETS = "说明", "措施", "目标与参数"
LIST_SEPARATOR = "、"
YES, NO = "是", "否"
# A masked target year is a four-digit year written as "****年" in the source.
YEAR_MASK = "****"
# "***至****": a masked range; each side goes to its own value cell.
MASK_RANGE = re.compile(r"^\s*([*＊.．]+)\s*(?:至|—|–|-|~|～)\s*([*＊.．]+)\s*$")
BEIJING = timezone(timedelta(hours=8), "北京时间")

CJK_FONT = "WenQuanYi Micro Hei"
# Set on a copy of a figure that names no font, so headless Chromium picks a CJK face (no boxes).
CHART_FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1600, 900, 2  # 16:9 like the slide, 3200×1800 px
# kaleido's own per-image timeout is 90 s; past this the render server is considered lost.
RENDER_TIMEOUT_S = 120.0

# Excel limits: a cell holds at most 32,767 characters.
XLSX_CELL_MAX = 32767
# Column widths in Excel character units (a CJK character counts 2); measured on the first rows only.
WIDTH_MIN, WIDTH_MAX, WIDTH_SAMPLE_ROWS = 6, 60, 500


def _load_column_labels() -> dict[str, dict[str, str]]:
    """data/columns.yaml → {table: {column: 中文表头}}, checked for shape and unique headers."""
    raw = load_yaml(COLUMNS_YAML)
    labels: dict[str, dict[str, str]] = {}
    for table in ("measures", "targets"):
        mapping = require(raw, table, COLUMNS_YAML)
        if not isinstance(mapping, dict) or not all(isinstance(v, str) and v for v in mapping.values()):
            raise ReferenceDataError(f"{COLUMNS_YAML}: '{table}' must map each column to a non-empty header")
        headers = list(mapping.values())
        if dupes := sorted({h for h in headers if headers.count(h) > 1}):
            raise ReferenceDataError(f"{COLUMNS_YAML}: duplicate headers in '{table}': {', '.join(dupes)}")
        labels[table] = {str(k): v for k, v in mapping.items()}
    return labels


COLUMN_LABELS: dict[str, dict[str, str]] = _load_column_labels()


# ---------------------------------------------------------------- tables → display values

def _cell(value: Any, integer: bool) -> Any:
    """One stored value → what a spreadsheet shows: lists joined, booleans 是/否, nulls None."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return YES if value else NO
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return int(value) if integer and float(value).is_integer() else float(value)
    return value


def _mask_cells(mask: str) -> tuple[str, str]:
    """A mask → (low cell, high cell): "***至****" splits, a single mask fills both like a single value."""
    if m := MASK_RANGE.match(mask):
        return m.group(1), m.group(2)
    return mask, mask


def display_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A measures or targets frame as exported: Chinese headers, lists joined with 、, 是/否,
    masked values shown as their mask (never a number), a masked target year as ****."""
    labels = COLUMN_LABELS.get(table, {})
    schema = TABLES.get(table)
    integer_columns = {f.name for f in schema if f.type == INT} if schema is not None else set()
    columns = {
        name: [_cell(v, name in integer_columns) for v in frame[name].tolist()] for name in frame.columns
    }
    if table == "targets" and {"masked", "mask"} <= set(frame.columns):
        for i, (masked, mask) in enumerate(zip(frame["masked"].tolist(), frame["mask"].tolist())):
            if masked is True or (isinstance(masked, np.bool_) and masked):
                if isinstance(mask, str) and mask:
                    low, high = _mask_cells(mask)
                    for name, cell in (("value_low", low), ("value_high", high)):
                        if name in columns and columns[name][i] is None:
                            columns[name][i] = cell
    if table == "targets" and {"year_masked", "target_year"} <= set(frame.columns):
        for i, year_masked in enumerate(frame["year_masked"].tolist()):
            if bool(year_masked) and columns["target_year"][i] is None:
                columns["target_year"][i] = YEAR_MASK
    out = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})
    out.index = range(len(frame))
    return out.rename(columns=lambda c: labels.get(c, c))


def to_csv_bom(frame: pd.DataFrame, table: str) -> bytes:
    """CSV in UTF-8 with a BOM (Excel then reads the Chinese correctly); same display values as the xlsx."""
    return display_frame(frame, table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# ---------------------------------------------------------------- xlsx

def _display_width(text: str) -> int:
    """Width in Excel character units: East Asian wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(header: str, values: list[Any]) -> float:
    widest = max([_display_width(header)] + [_display_width(str(v)) for v in values[:WIDTH_SAMPLE_ROWS]
                                             if v is not None])
    return float(min(max(widest + 2, WIDTH_MIN), WIDTH_MAX))


def _write_cell(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Numbers as numbers, text always as text (never a formula or a link), nulls left blank."""
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt)
        return
    text = str(value)
    if len(text) > XLSX_CELL_MAX:
        text = text[: XLSX_CELL_MAX - 1] + "…"
    sheet.write_string(row, col, text, fmt)


def _write_table(book: Any, name: str, table: pd.DataFrame, header_fmt: Any) -> None:
    sheet = book.add_worksheet(name)
    for col, header in enumerate(table.columns):
        values = table.iloc[:, col].tolist()
        sheet.write_string(0, col, str(header), header_fmt)
        for row, value in enumerate(values, start=1):
            _write_cell(sheet, row, col, value)
        sheet.set_column(col, col, _column_width(str(header), values))
    sheet.freeze_panes(1, 0)
    if len(table.columns):
        sheet.autofilter(0, 0, max(len(table), 1), len(table.columns) - 1)


def export_time_text(now: datetime) -> str:
    """'2025-05-16 14:03（北京时间）' whatever the machine's time zone."""
    return now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def to_xlsx(measures: pd.DataFrame, targets: pd.DataFrame, filters_text: str, *,
            now: datetime | None = None) -> bytes:
    """Workbook with sheets 说明 (filters, export time, row counts, source), 措施 and 目标与参数."""
    now = now or datetime.now(timezone.utc)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": "天津科技政策看板 · 数据导出", "comments": SOURCE_LINE})
    header_fmt = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "valign": "top"})
    wrap_fmt = book.add_format({"text_wrap": True, "valign": "top"})

    readme = book.add_worksheet(SHEET_README)
    rows: list[tuple[str, Any]] = [
        ("标题", "天津科技政策看板 · 数据导出"),
        ("筛选条件", filters_text.strip() or "未筛选（全部数据）"),
        ("导出时间", export_time_text(now)),
        (f"{SHEET_MEASURES}（条）", len(measures)),
        (f"{SHEET_TARGETS}（条）", len(targets)),
        ("遮蔽数字", "原文以 * 遮蔽的数字照录遮蔽符号（如 ****），不作推测；"
                     f"“{COLUMN_LABELS['targets'].get('mask_magnitude', 'mask_magnitude')}”列给出其数量级。"),
        ("来源", SOURCE_LINE),
    ]
    readme.write_string(0, 0, "项目", header_fmt)
    readme.write_string(0, 1, "内容", header_fmt)
    for row, (key, value) in enumerate(rows, start=1):
        readme.write_string(row, 0, key)
        _write_cell(readme, row, 1, value, wrap_fmt)
    readme.set_column(0, 0, 16)
    readme.set_column(1, 1, 90)

    _write_table(book, SHEET_MEASURES, display_frame(measures, "measures"), header_fmt)
    _write_table(book, SHEET_TARGETS, display_frame(targets, "targets"), header_fmt)
    book.close()
    return buffer.getvalue()


# ---------------------------------------------------------------- chart images (kaleido)

# plotly always passes kopts (its default headers) and kaleido's server warns it ignores them, per image.
warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server",
                        category=UserWarning)

_RENDER_LOCK = threading.Lock()  # the server has one request and one reply queue: one caller at a time
_server_started = False


def _server_thread_alive() -> bool | None:
    """Whether kaleido's server thread (which owns the browser) still runs; None when unknowable."""
    try:
        from kaleido._sync_server import GlobalKaleidoServer
        thread = getattr(GlobalKaleidoServer(), "_thread", None)
    except Exception:  # noqa: BLE001 - private API of kaleido 1.x; absent elsewhere
        return None
    return None if thread is None else thread.is_alive()


def _ensure_render_server() -> None:
    """Start kaleido's sync server once per process; without that API, fig.to_image launches per image."""
    global _server_started
    if _server_started:
        return
    try:
        import kaleido
        start = kaleido.start_sync_server
    except (ImportError, AttributeError):
        _server_started = True  # fall back to fig.to_image's own browser per call
        return
    # mathjax=False: no LaTeX in our charts, and no CDN fetch from a machine that may be offline.
    start(mathjax=False, silence_warnings=True)
    _server_started = True


def _stop_render_server() -> None:
    global _server_started
    _server_started = False
    try:
        import kaleido
        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # noqa: BLE001 - best effort; the next call starts a fresh server
        pass


def with_cjk_font(fig: go.Figure) -> go.Figure:
    """A copy of fig with a CJK font family unless the figure or its template already names one."""
    copy = go.Figure(fig)
    template_font = copy.layout.template.layout.font.family if copy.layout.template else None
    if not copy.layout.font.family and not template_font:
        copy.update_layout(font_family=CHART_FONT_FAMILY)
    return copy


def figure_png(fig: go.Figure, *, width: int = PNG_WIDTH, height: int = PNG_HEIGHT,
               scale: float = PNG_SCALE) -> bytes:
    """PNG bytes of a figure through one long-lived headless Chromium (kaleido's sync server).

    kaleido's server never reports a browser that failed to start or died: a request would wait forever.
    The request therefore runs in a helper thread and fails fast when the server thread is gone.
    """
    fig = with_cjk_font(fig)
    result: dict[str, Any] = {}

    def render() -> None:
        try:
            result["png"] = fig.to_image(format="png", scale=scale, width=width, height=height)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            result["error"] = exc

    with _RENDER_LOCK:
        _ensure_render_server()
        worker = threading.Thread(target=render, name="figure_png", daemon=True)
        worker.start()
        deadline = time.monotonic() + RENDER_TIMEOUT_S
        while worker.is_alive():
            worker.join(0.1)
            if worker.is_alive() and (_server_thread_alive() is False or time.monotonic() > deadline):
                _stop_render_server()
                raise RuntimeError("chart image export failed: kaleido's headless Chromium is not running "
                                   "(not installed, or it exited); see the log for the browser error")
    if "error" in result:
        raise result["error"]
    return result["png"]


# ---------------------------------------------------------------- pptx

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in, PowerPoint's 宽屏 16:9
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_H = Inches(0.3), Inches(0.8)
SUBTITLE_TOP, SUBTITLE_H = Inches(1.05), Inches(0.4)
PICTURE_TOP, PICTURE_BOTTOM = Inches(1.5), Inches(6.85)
FOOTER_TOP, FOOTER_H = Inches(6.95), Inches(0.35)
INK, GREY = RGBColor(0x1F, 0x2D, 0x3D), RGBColor(0x6B, 0x72, 0x80)
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # the default template's 标题幻灯片 and 仅标题


def _style_run(run: Any, size: int, *, bold: bool = False, color: RGBColor = INK) -> None:
    """Font on a run for Latin, East Asian and complex scripts alike (python-pptx sets only Latin)."""
    font = run.font
    font.size, font.bold, font.name = Pt(size), bold, CJK_FONT
    font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:cs", "a:ea"):  # schema order: latin, ea, cs; inserted right after latin in reverse
        node = rpr.find(qn(tag))
        if node is None:
            node = rpr.makeelement(qn(tag), {})
            latin.addnext(node)
        node.set("typeface", CJK_FONT)


def _fill(text_frame: Any, lines: list[str], size: int, *, bold: bool = False, color: RGBColor = INK,
          align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    text_frame.clear()
    text_frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        _style_run(run, size, bold=bold, color=color)


def _place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _textbox(slide: Any, top: int, height: int, lines: list[str], size: int, *, color: RGBColor = GREY,
             align: PP_ALIGN = PP_ALIGN.LEFT, left: int = MARGIN, width: int | None = None) -> Any:
    box = slide.shapes.add_textbox(left, top, width or SLIDE_W - 2 * MARGIN, height)
    _fill(box.text_frame, lines, size, color=color, align=align)
    return box


def _footer(slide: Any, source_line: str, page: int, pages: int) -> None:
    number_w = Inches(1.2)
    _textbox(slide, FOOTER_TOP, FOOTER_H, [source_line], 10, width=SLIDE_W - 2 * MARGIN - number_w)
    _textbox(slide, FOOTER_TOP, FOOTER_H, [f"{page} / {pages}"], 10, align=PP_ALIGN.RIGHT,
             left=SLIDE_W - MARGIN - number_w, width=number_w)


def briefing_date_text(now: datetime) -> str:
    day = now.astimezone(BEIJING)
    return f"{day.year}年{day.month}月{day.day}日"


def deck_pptx(slides: list[tuple[str, go.Figure]], filters_text: str, source_line: str = SOURCE_LINE, *,
              now: datetime | None = None) -> bytes:
    """16:9 briefing deck: a title slide, then one slide per (title, figure) with the chart as a 2× PNG."""
    now = now or datetime.now(timezone.utc)
    filters_line = f"筛选条件：{filters_text.strip() or '未筛选（全部数据）'}"
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.part._element.sldSz.attrib.pop("type", None)  # the template says "screen4x3"; absent means custom
    pages = 1 + len(slides)

    cover = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title, subtitle = cover.shapes.title, cover.placeholders[1]
    _place(title, MARGIN, Inches(2.2), SLIDE_W - 2 * MARGIN, Inches(1.4))
    _fill(title.text_frame, ["天津科技政策简报"], 44, bold=True, align=PP_ALIGN.CENTER)
    _place(subtitle, MARGIN, Inches(3.8), SLIDE_W - 2 * MARGIN, Inches(1.4))
    _fill(subtitle.text_frame, [briefing_date_text(now), filters_line], 20, color=GREY, align=PP_ALIGN.CENTER)
    _footer(cover, source_line, 1, pages)

    for page, (slide_title, fig) in enumerate(slides, start=2):
        png = figure_png(fig)
        slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        title = slide.shapes.title
        _place(title, MARGIN, TITLE_TOP, SLIDE_W - 2 * MARGIN, TITLE_H)
        title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _fill(title.text_frame, [slide_title], 28, bold=True)
        _textbox(slide, SUBTITLE_TOP, SUBTITLE_H, [filters_line], 14)
        picture = slide.shapes.add_picture(io.BytesIO(png), 0, PICTURE_TOP, height=PICTURE_BOTTOM - PICTURE_TOP)
        if picture.width > SLIDE_W - 2 * MARGIN:  # a wide figure: fit the width instead
            ratio = (SLIDE_W - 2 * MARGIN) / picture.width
            picture.width, picture.height = int(picture.width * ratio), int(picture.height * ratio)
        picture.left = int((SLIDE_W - picture.width) // 2)
        picture.name = f"图表：{slide_title}"
        picture._element.nvPicPr.cNvPr.set("descr", slide_title)  # alt text instead of "image.png"
        _footer(slide, source_line, page, pages)

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
