"""Task tables (序号｜重点任务｜牵头单位｜责任单位｜完成时限): each row is a measure, its bodies from the role columns.

The readers render a table row as one line of cells joined by ｜ (.docx and .html tables; normalize turns a
tab-separated text line into one). A text whose cells became lines of their own (序号 / 重点任务 / 牵头单位 …
one a line, then 1 / … per row) is regrouped into such lines here. A header row with a role column (牵头单位,
责任单位, 指导部门, 配合单位 …) opens a task table; each row after it with as many cells is one item: its task
cells, then a phrase built from the header's own labels, "（牵头单位：A；责任单位：B、C；完成时限：…）", which
the agencies stage reads like any phrase the text writes (lead from 牵头, deadline from 完成时限). A table with
year columns (指标｜2022年｜2025年目标) is an indicator table: the targets stage reads it, it stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lib.pipeline.patterns import BODY_LABELS, DEADLINE_LABELS, LEAD_LABELS, PARTNER_LABELS

CELL = "｜"
NUMBER_LABELS = ("序号", "编号", "序")
# Columns that hold the task itself: 重点任务, 改革举措, 主要内容, 具体措施, 工作事项, 任务名称 …
TASK_LABEL = re.compile(r"任务|举措|措施|内容|事项|工作|名称|项目|目标|要求")
YEAR_COLUMN = re.compile(r"(?:19|20)\d{2}年?.{0,4}")  # 2022年, 2025年目标: an indicator table
QUALIFIER = re.compile(r"[（(][^）)]*[）)]|\s")  # 牵头单位（部门） → 牵头单位
ROW_NUMBER = re.compile(r"\d{1,3}")
HEADER_CELL = re.compile(r"[\u4e00-\u9fff（）()]{1,10}")  # a column label as a line of its own
SENTENCE_END = re.compile(r"[。；！？]$")


@dataclass(frozen=True)
class Column:
    """One column of a task table: its label as the header writes it, the label the phrase uses, its role."""

    label: str
    phrase_label: str
    role: str  # number | task | lead | body | deadline | other


def column(label: str) -> Column:
    """The role of a header cell: 牵头单位（部门） → lead, 配合单位 → body, 完成时限 → deadline, 重点任务 → task."""
    clean = QUALIFIER.sub("", label)
    if clean in NUMBER_LABELS:
        return Column(label, clean, "number")
    for labels, role in ((LEAD_LABELS, "lead"), (BODY_LABELS + PARTNER_LABELS, "body"), (DEADLINE_LABELS, "deadline")):
        if found := next((known for known in labels if clean.startswith(known)), None):
            return Column(label, found, role)
    if clean in ("牵头", "责任", "配合"):  # a column headed by the duty alone
        return Column(label, clean + "单位", "lead" if clean == "牵头" else "body")
    return Column(label, clean, "task" if TASK_LABEL.search(clean) else "other")


def is_indicator_header(cells: list[str]) -> bool:
    """A header with year columns (指标｜单位｜2022年｜2025年目标): an indicator table, not a task table."""
    return any(YEAR_COLUMN.fullmatch(c) for c in cells)


def header(cells: list[str]) -> tuple[Column, ...] | None:
    """The columns of a task table's header row, or None when the row heads no task table."""
    if len(cells) < 2 or is_indicator_header(cells):
        return None
    columns = tuple(column(c) for c in cells)
    roles = {c.role for c in columns}
    if roles & {"lead", "body"} and roles & {"task", "other"}:
        return columns
    return None


def row_item(columns: tuple[Column, ...], cells: list[str]) -> tuple[str, str, str] | None:
    """(marker, task, phrase) of one row of a task table: the 序号 cell, the task cells, the phrase of its other
    columns (or ""); None for a row that is not one (another width, the header repeated, no task text)."""
    if len(cells) != len(columns) or [c.label for c in columns] == cells:
        return None
    marker, task, phrase = "", "", []
    for col, cell in zip(columns, cells):
        if not cell:
            continue
        if col.role == "number":
            marker = cell
        elif col.role == "task":
            task += cell if not task or SENTENCE_END.search(task) else "。" + cell
        else:
            phrase.append(f"{col.phrase_label}：{cell}")
    if not task:
        return None
    return marker, task, f"（{'；'.join(phrase)}）" if phrase else ""


def regroup_cell_lines(lines: list[str], is_marker: Callable[[str], bool]) -> list[str]:
    """A table whose cells became lines (序号 / 重点任务 / 牵头单位 / 完成时限, then 1 / 任务 / 单位 / 时限 …) →
    one ｜ line for the header and for each row. A row runs from its number to the next larger number; a cell
    broken over lines is joined (the task columns take the surplus); marker lines between rows stay as they are."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i] not in NUMBER_LABELS:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and HEADER_CELL.fullmatch(lines[j]) and not is_marker(lines[j]):
            j += 1
        columns = header(lines[i:j])
        if columns is None or columns[0].role != "number":
            out.append(lines[i])
            i += 1
            continue
        out.append(CELL.join(lines[i:j]))
        i = _rows(lines, j, columns, is_marker, out)
    return out


def _rows(lines: list[str], i: int, columns: tuple[Column, ...], is_marker, out: list[str]) -> int:
    """Regroup the rows after a header; returns the index of the first line after the table."""
    width, previous = len(columns) - 1, 0
    while i < len(lines):
        if is_marker(lines[i]):  # a group heading between rows (二、科技金融方面)
            out.append(lines[i])
            i += 1
            continue
        if not ROW_NUMBER.fullmatch(lines[i]) or int(lines[i]) <= previous:
            return i
        end = i + 1
        while end < len(lines) and not is_marker(lines[end]) and not _next_row(lines[end], int(lines[i])):
            end += 1
        cells = lines[i + 1 : end]
        if end == len(lines) or not _next_row(lines[end], int(lines[i])):
            cells = cells[:width]  # the table's last row: what follows it is text again
            end = i + 1 + len(cells)
        if len(cells) < width:
            return i
        out.append(CELL.join([lines[i], *_fold(cells, columns[1:])]))
        previous, i = int(lines[i]), end
    return i


def _next_row(line: str, number: int) -> bool:
    return bool(ROW_NUMBER.fullmatch(line)) and int(line) > number


def _fold(cells: list[str], columns: tuple[Column, ...]) -> list[str]:
    """Cells broken over more lines than columns → one value per column: the columns after the last task column
    take one line each from the end, the task columns share the rest (the last one from its first sentence on)."""
    if len(cells) == len(columns):
        return cells
    last_task = max((n for n, c in enumerate(columns) if c.role == "task"), default=0)
    tail = len(columns) - last_task - 1
    lead_lines, tail_cells = cells[: len(cells) - tail], cells[len(cells) - tail :]
    head = lead_lines[:last_task]
    sentence = next((n for n, line in enumerate(lead_lines) if SENTENCE_END.search(line)), None)
    if last_task and sentence is not None and sentence >= last_task:
        head = [*lead_lines[: last_task - 1], "".join(lead_lines[last_task - 1 : sentence])]
        return [*head, "".join(lead_lines[sentence:]), *tail_cells]
    return [*head, "".join(lead_lines[last_task:]), *tail_cells]
