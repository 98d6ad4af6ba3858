"""Exports are safe to open: a document's text never runs as a spreadsheet formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from lib.exports.tables import COLUMN_LABELS, SHEET_MEASURES, SHEET_TARGETS, neutralise_formula, to_csv_bom, to_xlsx

PAYLOADS = [
    '=HYPERLINK("https://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
M, T = COLUMN_LABELS["measures"], COLUMN_LABELS["targets"]


@pytest.mark.parametrize(
    "text, shown",
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+86 22 2345", "'+86 22 2345"),
        ("-5%", "'-5%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("加强=协同", "加强=协同"),  # only the first character makes a formula
        ("科技型中小企业", "科技型中小企业"),
        ("", ""),
        (-5.0, -5.0),  # numbers stay numbers, negative ones included
        (3, 3),
        (None, None),
    ],
)
def test_text_that_would_run_as_a_formula_gets_a_leading_quote(text, shown):
    assert neutralise_formula(text) == shown


def _measures(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": [f"m{i}" for i in range(len(texts))],
            "heading": texts,
            "text": texts,
            "agencies": [np.array([t, "市科技局"], dtype=object) for t in texts],
            "ordinal": list(range(1, len(texts) + 1)),
        }
    )


def _targets(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "target_id": [f"t{i}" for i in range(len(texts))],
            "indicator": texts,
            "value_low": [-3.5] * len(texts),
            "value_high": [None] * len(texts),
        }
    ).astype({"value_high": float})


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_text_cell_of_the_measures_csv_is_neutralised():
    rows = _csv_rows(to_csv_bom(_measures(PAYLOADS), "measures"))
    header, body = rows[0], rows[1:]
    assert len(body) == len(PAYLOADS)
    for payload, row in zip(PAYLOADS, body):
        cells = dict(zip(header, row))
        assert cells[M["heading"]] == cells[M["text"]] == "'" + payload
        assert cells[M["agencies"]] == "'" + payload + "、市科技局"  # a joined list starts with the payload
        assert cells[M["ordinal"]].isdigit()  # numbers are written as numbers, no quote


def test_numbers_stay_numbers_in_the_targets_csv():
    back = pd.read_csv(io.BytesIO(to_csv_bom(_targets(["=1+1"]), "targets")), encoding="utf-8-sig")
    assert back[T["value_low"]].tolist() == [-3.5]
    assert back[T["indicator"]].tolist() == ["'=1+1"]


def test_a_formula_like_column_header_is_neutralised_too():
    frame = pd.DataFrame({"=evil()": ["甲"]})
    assert _csv_rows(to_csv_bom(frame, "measures"))[0] == ["'=evil()"]


def test_the_xlsx_writes_formula_like_text_as_text():
    data = to_xlsx(_measures(PAYLOADS), _targets(PAYLOADS), "检索：“=1+1”")
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        cell
        for name in (SHEET_MEASURES, SHEET_TARGETS)
        for row in book[name].iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert len(cells) == 6 * len(PAYLOADS)  # measure id, heading, text, agencies; target id, indicator
    assert {cell.data_type for cell in cells} == {"s"}  # never 'f' (formula)
    # As written, no quote added (xlsx stores a carriage return as _x000D_, which openpyxl leaves encoded).
    assert [cell.value.replace("_x000D_", "\r") for cell in book[SHEET_MEASURES]["B"][1:]] == PAYLOADS
    assert book[SHEET_TARGETS]["C2"].data_type == "n" and book[SHEET_TARGETS]["C2"].value == -3.5
    readme = {row[0].value: row[1] for row in book["说明"].iter_rows(min_row=2)}
    assert readme["筛选条件"].data_type == "s"
