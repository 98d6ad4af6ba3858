"""Task tables (序号｜重点任务｜牵头单位｜责任单位｜完成时限) in every format: each row is a measure whose bodies, lead
and deadline come from its columns."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from lib.pipeline import tables
from lib.pipeline.document import process_document
from lib.pipeline.normalize import tab_cells
from lib.pipeline.structure import match_marker, parse

TITLE = "某区科技创新工作方案\n一、重点任务\n"


def _rows(result) -> list[tuple[str, str, list[str], str | None, str | None]]:
    """(marker, heading, bodies as written, lead, deadline) of each measure of a processed document."""
    return [
        (m["marker"], m["heading"], m["agencies_raw"], m["lead_agency"], m["deadline"])
        for m in result.measures
        if m["marker"] and m["marker"][0].isdigit()
    ]


EXPECTED = [
    ("1", "建设创新平台", ["区科技局", "区财政局", "各街道"], "北辰区科技局", "2024年底前"),
    ("2", "引育科技人才", ["区人社局", "区科技局"], "北辰区人社局", "持续推进"),
]


def _docx(merge_lead: bool) -> bytes:
    document = docx.Document()
    document.add_paragraph("北辰区科技创新工作方案")
    document.add_paragraph("一、重点任务")
    rows = [
        ("序号", "重点任务", "牵头单位", "责任单位", "完成时限"),
        ("1", "建设创新平台", "区科技局", "区财政局\n各街道", "2024年底前"),
        ("2", "引育科技人才", "区人社局", "区科技局", "持续推进"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            lines = value.split("\n")
            cell.text = lines[0]
            for more in lines[1:]:
                cell.add_paragraph(more)  # bodies one a line inside the cell
    if merge_lead:  # the second row's 责任单位 cell merged down from the first: Word writes <w:vMerge/>
        table.cell(2, 3).text = ""
        for r, val in ((1, "restart"), (2, None)):
            props = table.cell(r, 3)._tc.get_or_add_tcPr()
            merge = OxmlElement("w:vMerge")
            if val:
                merge.set(qn("w:val"), val)
            props.append(merge)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_table_rows_are_measures_with_their_columns_bodies():
    result = process_document("北辰区方案.docx", _docx(False), None)
    assert _rows(result) == EXPECTED


def test_a_docx_cell_merged_down_gives_its_value_to_every_row_it_spans():
    result = process_document("北辰区方案.docx", _docx(True), None)
    assert [r[2] for r in _rows(result)] == [["区科技局", "区财政局", "各街道"], ["区人社局", "区财政局", "各街道"]]


HTML = """<html><head><meta charset="utf-8"><title>北辰区科技创新工作方案</title></head><body>
<p>北辰区科技创新工作方案</p><p>一、重点任务</p>
<table>
<tr><td>序号</td><td>重点任务</td><td>牵头单位</td><td>责任单位</td><td>完成时限</td></tr>
<tr><td colspan="5">（一）平台建设（共<span>2</span>项）</td></tr>
<tr><td>1</td><td>建设创新<span>平台</span></td><td>区科技局</td><td rowspan="2"><p>区财政局</p><p>各街道</p></td>
    <td>2024年底前</td></tr>
<tr><td>2</td><td>引育科技人才</td><td>区人社局</td><td>持续推进</td></tr>
</table></body></html>"""


def test_html_table_rows_are_measures_under_their_group_row():
    result = process_document("北辰区方案.html", HTML.encode(), None)
    rows = _rows(result)
    assert [r[:2] for r in rows] == [("1", "建设创新平台"), ("2", "引育科技人才")]
    assert rows[1][2] == ["区人社局", "区财政局", "各街道"]  # rowspan: the cell above holds for the row below
    assert [r[3:] for r in rows] == [("北辰区科技局", "2024年底前"), ("北辰区人社局", "持续推进")]
    assert all(m["path"][-1].startswith("平台建设") for m in result.measures if m["marker"] in ("1", "2"))


def test_a_tab_separated_text_table_is_read_like_a_docx_one():
    text = TITLE.replace("某区", "北辰区") + "\n".join(
        [
            "序号\t重点任务\t牵头单位\t责任单位\t完成时限",
            "1\t建设创新平台\t区科技局\t区财政局、各街道\t2024年底前",
            "2\t引育科技人才\t区人社局\t区科技局\t持续推进",
        ]
    )
    assert _rows(process_document("北辰区方案.txt", text.encode(), None)) == EXPECTED


def test_a_table_whose_cells_became_lines_is_regrouped():
    text = TITLE + "\n".join(
        ["序号", "重点任务", "牵头单位", "完成时限", "1", "建设创新", "平台，完善服务。", "区科技局", "2024年底前"]
        + ["2", "引育人才。", "区人社局", "持续推进", "二、保障措施", "加强组织领导。"]
    )
    leaves = parse(text).leaves
    assert [(leaf.marker, leaf.text) for leaf in leaves[:2]] == [
        ("1", "建设创新平台，完善服务。\n（牵头单位：区科技局；完成时限：2024年底前）"),
        ("2", "引育人才。\n（牵头单位：区人社局；完成时限：持续推进）"),
    ]
    assert leaves[2].marker == "二、"


@pytest.mark.parametrize(
    "cells, roles",
    [
        (["序号", "重点任务", "牵头单位", "责任单位", "完成时限"], ["number", "task", "lead", "body", "deadline"]),
        (["序号", "改革举措", "主要内容", "指导部门", "推广范围"], ["number", "task", "task", "body", "other"]),
        (
            ["编号", "工作事项", "牵头单位（部门）", "配合单位", "时间节点"],
            ["number", "task", "lead", "body", "deadline"],
        ),
        (["任务", "牵头", "配合"], ["task", "lead", "body"]),
    ],
)
def test_header_columns_get_their_roles(cells, roles):
    assert [c.role for c in tables.header(cells)] == roles


@pytest.mark.parametrize(
    "cells",
    [
        ["主要指标", "单位", "2022年", "2025年目标", "责任单位"],  # an indicator table: the targets stage reads it
        ["发文机关", "成文日期"],  # a page's metadata table
        ["序号", "重点任务", "完成时限"],  # no column names a body
    ],
)
def test_tables_that_are_not_task_tables(cells):
    assert tables.header(cells) is None


def test_an_indicator_table_with_a_body_column_stays_lines_for_the_targets_stage():
    text = TITLE + "主要指标｜单位｜2022年｜2025年目标｜责任单位\n企业数量｜家｜620｜1000｜区科技局"
    leaves = parse(text).leaves
    assert len(leaves) == 1 and "企业数量｜家｜620｜1000｜区科技局" in leaves[0].text


@pytest.mark.parametrize(
    "line, out",
    [
        ("1\t建设平台\t区科技局\t2024年底", "1｜建设平台｜区科技局｜2024年底"),
        ("\t1\t建设平台\t\t2024年底", "1｜建设平台｜｜2024年底"),  # an empty cell keeps its place
        ("一、\t总体要求", "一、\t总体要求"),  # one tab: no table
        ("\t\t一、总体要求", "\t\t一、总体要求"),  # indentation: one cell
    ],
)
def test_tab_separated_cells_become_table_cells(line, out):
    assert tab_cells(line) == out


def test_a_row_number_is_no_item_marker_outside_a_table():
    assert match_marker("1｜建设平台") is None
