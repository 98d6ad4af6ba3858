"""Exports for officials: the filtered tables to Excel (xlsx) and CSV with BOM (the deck is lib/deck.py).

Pure functions: DataFrames in, bytes out (no streamlit, no files written).
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from lib import codes
from lib.charts.base import SOURCE_LINE
from lib.config import DATA_DIR, JURISDICTIONS_YAML
from lib.contract import INT, TABLES
from lib.reference import ReferenceDataError, load_yaml, require

COLUMNS_YAML = DATA_DIR / "columns.yaml"
SHEET_README, SHEET_DOCUMENTS, SHEET_MEASURES, SHEET_TARGETS = "说明", "文件", "措施", "目标与参数"
LIST_SEPARATOR = "、"
YES, NO = codes.YES, codes.NO
# Made by the export, stored in no table: a row's document by title, a document's level and area, its period.
DOCUMENT_TITLE, LEVEL_AREA, PERIOD = "document_title", "level_area", "period"
# A masked target year is a four-digit year written as "****年" in the source.
YEAR_MASK = "****"
# "***至****": a masked range; each side goes to its own value cell.
MASK_RANGE = re.compile(r"^\s*([*＊.．]+)\s*(?:至|—|–|-|~|～)\s*([*＊.．]+)\s*$")
BEIJING = timezone(timedelta(hours=8), "北京时间")


# Excel limits: a cell holds at most 32,767 characters.
XLSX_CELL_MAX = 32767
# Column widths in Excel character units (a CJK character counts 2); measured on the first rows only.
WIDTH_MIN, WIDTH_MAX, WIDTH_SAMPLE_ROWS = 6, 60, 500


def _load_column_labels() -> dict[str, dict[str, str]]:
    """data/columns.yaml → {table: {column: 中文表头}}, checked for shape and unique headers."""
    raw = load_yaml(COLUMNS_YAML)
    labels: dict[str, dict[str, str]] = {}
    for table in ("measures", "targets", "documents"):
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


def _labelled(values: list, labels: dict[str, str] | None) -> list:
    """Codes → their Chinese labels (data/codes.yaml), in lists too; a code without a label stays as written."""
    if labels is None:
        return values
    return [
        labels.get(v, v)
        if isinstance(v, str)
        else [labels.get(x, x) for x in v]
        if isinstance(v, (list, tuple, np.ndarray))
        else v
        for v in values
    ]


def document_titles(doc_ids: pd.Series, documents: pd.DataFrame) -> list[str | None]:
    """Each row's document by its title (None where the documents given do not hold it)."""
    titles = dict(zip(documents["doc_id"].tolist(), documents["title"].tolist()))
    return [titles.get(doc_id) for doc_id in doc_ids.tolist()]


def _provinces() -> tuple[str, ...]:
    return tuple(require(load_yaml(JURISDICTIONS_YAML), "provinces", JURISDICTIONS_YAML))


def level_area(level: Any, district: Any, issuer: Any, title: Any) -> str | None:
    """层级/区域 from what the documents table has (no jurisdiction column exists): the level's label and the
    district, else 天津市 (a municipal document whose issuer or title names Tianjin) or the province the
    issuer or title names; the level alone when nothing names the area."""
    level_label = codes.LEVELS.get(level, level) if isinstance(level, str) else None
    named = " ".join(v for v in (issuer, title) if isinstance(v, str))
    area = district if isinstance(district, str) and district else None
    if area is None and level == "municipal" and "天津" in named:
        area = "天津市"
    elif area is None and level == "provincial":
        area = next((p for p in _provinces() if p in named), None)
    return " · ".join(part for part in (level_label, area) if part) or None


def document_rows(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents as the 文件 sheet lists them: the columns of data/columns.yaml's documents section, in
    its order, with the level and area in one column and the plan period as 2021—2025."""
    made = {
        LEVEL_AREA: [
            level_area(*row)
            for row in zip(documents["level"], documents["district"], documents["issuer"], documents["title"])
        ],
        PERIOD: [
            f"{int(a)}—{int(b)}" if pd.notna(a) and pd.notna(b) else None
            for a, b in zip(documents["period_start"], documents["period_end"])
        ],
    }
    columns = {
        name: made[name] if name in made else documents[name].tolist()
        for name in COLUMN_LABELS["documents"]
        if name in made or name in documents.columns
    }
    return pd.DataFrame(columns, index=range(len(documents)))


def display_frame(frame: pd.DataFrame, table: str, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """A measures, targets or documents frame as exported: Chinese headers, codes as their Chinese labels,
    lists joined with 、, 是/否, masked values shown as their mask (never a number), a masked target year
    as ****; with `documents`, each row's document title after its doc_id."""
    if table == "documents":
        frame = document_rows(frame)
    labels = COLUMN_LABELS.get(table, {})
    coded = codes.CODED_COLUMNS.get(table, {})
    schema = TABLES.get(table)
    integer_columns = {f.name for f in schema if f.type == INT} if schema is not None else set()
    columns: dict[str, list] = {}
    for name in frame.columns:
        values = _labelled(frame[name].tolist(), coded.get(name))
        columns[name] = [_cell(v, name in integer_columns) for v in values]
        if name == "doc_id" and documents is not None and table != "documents":
            columns[DOCUMENT_TITLE] = document_titles(frame[name], documents)
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


# A text cell starting with one of these is run as a formula by Excel or WPS when the CSV is opened
# (=HYPERLINK(...), =cmd|' /C calc'!A0); OWASP's rule: prefix such text with a single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading ' (numbers and nulls unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv_bom(frame: pd.DataFrame, table: str, documents: pd.DataFrame | None = None) -> bytes:
    """CSV in UTF-8 with a BOM (Excel then reads the Chinese correctly); same display values as the xlsx,
    formula-like text neutralised."""
    shown = display_frame(frame, table, documents)
    safe = shown.map(neutralise_formula).rename(columns=neutralise_formula)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# ---------------------------------------------------------------- xlsx


def _display_width(text: str) -> int:
    """Width in Excel character units: East Asian wide/full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(header: str, values: list[Any]) -> float:
    widest = max(
        [_display_width(header)] + [_display_width(str(v)) for v in values[:WIDTH_SAMPLE_ROWS] if v is not None]
    )
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


def to_xlsx(
    measures: pd.DataFrame,
    targets: pd.DataFrame,
    filters_text: str,
    documents: pd.DataFrame | None = None,
    *,
    now: datetime | None = None,
) -> bytes:
    """Workbook with sheets 说明 (filters, export time, row counts, source), 文件 (the view's documents; only
    when `documents` is given, which also names each measure's and target's document by title), 措施 and
    目标与参数."""
    now = now or datetime.now(UTC)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    book.set_properties({"title": "天津科技政策看板 · 数据导出", "comments": SOURCE_LINE})
    header_fmt = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "valign": "top"})
    wrap_fmt = book.add_format({"text_wrap": True, "valign": "top"})

    readme = book.add_worksheet(SHEET_README)
    rows: list[tuple[str, Any]] = [
        ("标题", "天津科技政策看板 · 数据导出"),
        ("筛选条件", filters_text.strip() or "未筛选（全部数据）"),
        ("导出时间", export_time_text(now)),
        *([(f"{SHEET_DOCUMENTS}（件）", len(documents))] if documents is not None else []),
        (f"{SHEET_MEASURES}（条）", len(measures)),
        (f"{SHEET_TARGETS}（条）", len(targets)),
        ("代码", "类型、来源、层级等列显示中文名称（对照表见 data/codes.yaml），是否类列显示“是/否”。"),
        (
            "遮蔽数字",
            "原文以 * 遮蔽的数字照录遮蔽符号（如 ****），不作推测；"
            f"“{COLUMN_LABELS['targets'].get('mask_magnitude', 'mask_magnitude')}”列给出其数量级。",
        ),
        ("来源", SOURCE_LINE),
    ]
    readme.write_string(0, 0, "项目", header_fmt)
    readme.write_string(0, 1, "内容", header_fmt)
    for row, (key, value) in enumerate(rows, start=1):
        readme.write_string(row, 0, key)
        _write_cell(readme, row, 1, value, wrap_fmt)
    readme.set_column(0, 0, 16)
    readme.set_column(1, 1, 90)

    if documents is not None:
        _write_table(book, SHEET_DOCUMENTS, display_frame(documents, "documents"), header_fmt)
    _write_table(book, SHEET_MEASURES, display_frame(measures, "measures", documents), header_fmt)
    _write_table(book, SHEET_TARGETS, display_frame(targets, "targets", documents), header_fmt)
    book.close()
    return buffer.getvalue()
