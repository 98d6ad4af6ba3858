"""Exports: the Excel workbook, the CSV for Excel, and the briefing deck (charts rendered by kaleido)."""

from __future__ import annotations

import io
import math

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from lib import codes
from lib.contract import MEASURES, TARGETS
from lib.exports.deck import CJK_FONT, IMAGE_DPI, MIN_PT, deck_pptx, slide_figure, with_cjk_font
from lib.exports.tables import (
    COLUMN_LABELS,
    LIST_SEPARATOR,
    SOURCE_LINE,
    display_frame,
    level_area,
    to_csv_bom,
    to_xlsx,
)

# lib.deck silences this per-image kaleido warning at import; pytest resets warning filters per test.
pytestmark = pytest.mark.filterwarnings("ignore:The kopts argument is ignored if using a server")

FILTERS = "区：北辰区；年份：2018—2025"
UTF8_BOM = b"\xef\xbb\xbf"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def measures(seed_tables) -> pd.DataFrame:
    return seed_tables["measures"]


@pytest.fixture(scope="module")
def targets(seed_tables) -> pd.DataFrame:
    return seed_tables["targets"]


@pytest.fixture(scope="module")
def documents(seed_tables) -> pd.DataFrame:
    return seed_tables["documents"]


@pytest.fixture(scope="module")
def workbook(measures, targets, documents) -> bytes:
    return to_xlsx(measures, targets, FILTERS, documents)


@pytest.fixture(scope="module")
def sheets(workbook) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(workbook), sheet_name=None)


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("table, schema", [("measures", MEASURES), ("targets", TARGETS)])
def test_every_contract_column_has_a_unique_chinese_header(table, schema):
    labels = COLUMN_LABELS[table]
    assert set(schema.names) <= set(labels)
    headers = [labels[name] for name in schema.names]
    assert all(_has_cjk(h) for h in headers)
    assert len(set(headers)) == len(headers)


# ---------------------------------------------------------------- display values


def _target_rows(**overrides) -> pd.DataFrame:
    row = {
        "target_id": "t1",
        "indicator": "科技型中小企业",
        "value_low": None,
        "value_high": None,
        "unit": "家",
        "target_year": None,
        "masked": False,
        "mask": None,
        "mask_magnitude": None,
        "year_masked": False,
    }
    row.update(overrides)
    return pd.DataFrame([row]).astype({"value_low": float, "value_high": float, "target_year": float})


@pytest.mark.parametrize(
    "overrides, low, high, year",
    [
        ({"value_low": 3.2, "value_high": 3.2, "target_year": 2022.0}, 3.2, 3.2, 2022),
        ({"value_low": 1.0, "value_high": 2.0}, 1, 2, None),
        ({"masked": True, "mask": "****", "mask_magnitude": "4位数（1000–9999）"}, "****", "****", None),
        ({"masked": True, "mask": "*.*"}, "*.*", "*.*", None),
        ({"masked": True, "mask": "***至****"}, "***", "****", None),
        ({"masked": True, "mask": "**", "year_masked": True}, "**", "**", "****"),
        ({"year_masked": True, "value_low": 30.0, "value_high": 30.0}, 30, 30, "****"),
    ],
)
def test_masked_values_are_shown_as_their_mask_never_a_number(overrides, low, high, year):
    shown = display_frame(_target_rows(**overrides), "targets").iloc[0]
    assert (shown["数值下限"], shown["数值上限"], shown["目标年份"]) == (low, high, year)


def test_lists_are_joined_and_booleans_read_yes_no():
    frame = pd.DataFrame(
        {
            "themes": [np.array(["人才", "成果转化"]), np.array([], dtype=object)],
            "has_evaluation": [True, False],
            "ordinal": [1, 2],
        }
    )
    shown = display_frame(frame, "measures")
    assert list(shown.columns) == ["政策主题", "含评估要求", "文中顺序"]
    assert shown["政策主题"].tolist() == ["人才、成果转化", ""]
    assert shown["含评估要求"].tolist() == ["是", "否"]
    assert shown["文中顺序"].tolist() == [1, 2]


def test_display_frame_does_not_modify_its_argument(targets):
    before = targets.copy()
    display_frame(targets, "targets")
    pd.testing.assert_frame_equal(targets, before)


# ---------------------------------------------------------------- xlsx


def _headers(table: str, columns) -> list[str]:
    """The exported headers: the table's columns, the document's title right after doc_id."""
    names = [n for c in columns for n in ((c, "document_title") if c == "doc_id" else (c,))]
    return [COLUMN_LABELS[table][n] for n in names]


def test_xlsx_has_readme_documents_measures_and_targets_sheets_with_chinese_headers(sheets, measures, targets):
    assert list(sheets) == ["说明", "文件", "措施", "目标与参数"]
    assert list(sheets["措施"].columns) == _headers("measures", measures.columns)
    assert list(sheets["目标与参数"].columns) == _headers("targets", targets.columns)
    assert len(sheets["措施"]) == len(measures)
    assert len(sheets["目标与参数"]) == len(targets)


def test_xlsx_readme_gives_filters_time_counts_and_source(sheets, measures, targets):
    readme = dict(zip(sheets["说明"]["项目"], sheets["说明"]["内容"]))
    assert readme["筛选条件"] == FILTERS
    assert "北京时间" in readme["导出时间"]
    assert (readme["措施（条）"], readme["目标与参数（条）"]) == (len(measures), len(targets))
    assert readme["文件（件）"] == 5 and "codes.yaml" in readme["代码"]
    assert SOURCE_LINE in readme.values()


def test_xlsx_freezes_the_header_row_and_sizes_columns(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    for name in ("文件", "措施", "目标与参数"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        widths = [d.width for d in sheet.column_dimensions.values() if d.width]
        assert widths and max(widths) <= 62


def test_xlsx_joins_lists_and_writes_yes_no(sheets, measures):
    shown = sheets["措施"]
    row = next(i for i, themes in enumerate(measures.themes) if len(themes) >= 2)
    assert shown["政策主题"].iloc[row] == "、".join(measures.themes.iloc[row])
    assert set(shown["含评估要求"]) <= {"是", "否"}


def test_xlsx_shows_masked_values_as_masks(sheets, targets):
    shown = sheets["目标与参数"]
    masked = targets.index[targets.masked & targets["mask"].notna()]
    assert len(masked) > 0  # document 003 masks every digit
    for i in masked:
        low = shown["数值下限"].iloc[i]
        assert isinstance(low, str) and "*" in low, (i, low)
        assert shown["遮蔽数值量级"].iloc[i] == targets.mask_magnitude.iloc[i]
    plain = targets.index[~targets.masked & targets.value_low.notna()]
    assert all(isinstance(shown["数值下限"].iloc[i], (int, float)) for i in plain)


def test_xlsx_of_an_empty_selection_keeps_headers(measures, targets, documents):
    sheets = pd.read_excel(
        io.BytesIO(to_xlsx(measures.iloc[:0], targets.iloc[:0], "", documents.iloc[:0])), sheet_name=None
    )
    assert len(sheets["措施"]) == 0 and "措施标题" in sheets["措施"].columns and "所属文件" in sheets["措施"].columns
    assert len(sheets["文件"]) == 0 and "层级/区域" in sheets["文件"].columns
    assert dict(zip(sheets["说明"]["项目"], sheets["说明"]["内容"]))["筛选条件"] == "未筛选（全部数据）"


# ---------------------------------------------------------------- csv


@pytest.mark.parametrize("table", ["measures", "targets"])
def test_csv_has_a_bom_and_round_trips(seed_tables, table):
    frame = seed_tables[table]
    data = to_csv_bom(frame, table)
    assert data.startswith(UTF8_BOM)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == [COLUMN_LABELS[table][c] for c in frame.columns]  # no documents: no titles
    assert len(back) == len(frame)
    id_column = "measure_id" if table == "measures" else "target_id"
    assert back[COLUMN_LABELS[table][id_column]].tolist() == frame[id_column].tolist()


def test_csv_shows_masks_and_joined_lists(measures, targets):
    back = pd.read_csv(io.BytesIO(to_csv_bom(targets, "targets")), encoding="utf-8-sig", dtype=str)
    masked = targets.masked & targets["mask"].notna() & ~targets["mask"].str.contains("至", na=False)
    assert (back.loc[masked, "数值下限"] == targets.loc[masked, "mask"]).all()
    assert back.loc[masked, "数值下限"].str.fullmatch(r"[*.]+").all()
    themes = pd.read_csv(io.BytesIO(to_csv_bom(measures, "measures")), encoding="utf-8-sig", keep_default_na=False)[
        "政策主题"
    ]
    assert themes.tolist() == ["、".join(t) for t in measures.themes]


# ---------------------------------------------------------------- readable alone: documents and codes


def _openpyxl_rows(workbook: bytes, sheet: str) -> list[dict]:
    """A sheet's rows as {header: value}, read back with openpyxl (what Excel stores, not what pandas guesses)."""
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_xlsx_documents_sheet_lists_each_document_with_title_number_issuer_date_and_area(workbook, documents):
    rows = {row["文件编号"]: row for row in _openpyxl_rows(workbook, "文件")}
    assert set(rows) == set(documents.doc_id)
    for doc in documents.itertuples():
        row = rows[doc.doc_id]
        assert (row["文件标题"], row["文号"], row["发文机关"], row["成文日期"], row["源文件名"]) == (
            doc.title,
            doc.doc_number if isinstance(doc.doc_number, str) else None,
            doc.issuer,
            doc.issued_date,
            doc.source_file,
        )
        assert row["日期来源"] == codes.DATE_SOURCES[doc.date_source]
        assert row["层级/区域"].startswith(codes.LEVELS[doc.level])
    beichen = next(row for row in rows.values() if row["文号"] == "北辰政发〔2021〕5号")
    assert (beichen["层级/区域"], beichen["规划期"], beichen["措施数"]) == ("区级 · 北辰区", "2020—2022", 22)


@pytest.mark.parametrize("sheet, table", [("措施", "measures"), ("目标与参数", "targets")])
def test_xlsx_rows_name_their_document_by_title(workbook, documents, sheet, table):
    titles = dict(zip(documents.doc_id, documents.title))
    rows = _openpyxl_rows(workbook, sheet)
    assert rows and all(row["所属文件"] == titles[row["文件编号"]] for row in rows)


def _coded_headers(table: str) -> dict[str, dict[str, str]]:
    """中文表头 → {code: label} of the columns that hold codes, and of every boolean column."""
    coded = {
        COLUMN_LABELS[table][column]: labels
        for column, labels in codes.CODED_COLUMNS[table].items()
        if column in COLUMN_LABELS[table]
    }
    schema = {"measures": MEASURES, "targets": TARGETS}.get(table)
    booleans = [f.name for f in schema if str(f.type) == "bool"] if schema is not None else []
    return coded | {COLUMN_LABELS[table][name]: {"True": codes.YES, "False": codes.NO} for name in booleans}


@pytest.mark.parametrize("sheet, table", [("文件", "documents"), ("措施", "measures"), ("目标与参数", "targets")])
def test_xlsx_shows_every_code_by_its_chinese_label(workbook, sheet, table):
    rows = _openpyxl_rows(workbook, sheet)
    coded = _coded_headers(table)
    assert coded and all(header in rows[0] for header in coded)
    for header, labels in coded.items():
        values = _codes_shown(table, header, [row[header] for row in rows])
        assert values and values <= set(labels.values()), (header, values - set(labels.values()))


def _codes_shown(table: str, header: str, cells: list) -> set:
    """The labels a column's cells show (a list column's cells split into their items)."""
    schema = {"measures": MEASURES, "targets": TARGETS}.get(table)
    lists = {COLUMN_LABELS[table][f.name] for f in schema or [] if pa.types.is_list(f.type)}
    cells = [cell for cell in cells if cell]
    return {v for cell in cells for v in cell.split(LIST_SEPARATOR)} if header in lists else set(cells)


@pytest.mark.parametrize("table", ["documents", "measures", "targets"])
def test_csv_shows_every_code_by_its_chinese_label_and_rows_their_document(seed_tables, table):
    documents = seed_tables["documents"]
    back = pd.read_csv(
        io.BytesIO(to_csv_bom(seed_tables[table], table, documents)),
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    for header, labels in _coded_headers(table).items():
        assert _codes_shown(table, header, list(back[header])) <= set(labels.values()), header
    if table != "documents":
        titles = dict(zip(documents.doc_id, documents.title))
        assert back["所属文件"].tolist() == [titles[d] for d in back["文件编号"]]


@pytest.mark.parametrize(
    "column, code, label",
    [
        ("kind", "rd_direction", "研发方向"),
        ("agency_source", "issuer", "未写明责任单位，按发文机关计"),
        ("kind", "mystery", "mystery"),  # a code without a label is shown as written, never dropped
    ],
)
def test_measure_codes_are_shown_by_label(column, code, label):
    assert display_frame(pd.DataFrame({column: [code]}), "measures").iloc[0, 0] == label


@pytest.mark.parametrize("code, label", [(">=", "不低于（≥）"), ("<=", "不高于（≤）"), ("range", "区间"), (None, None)])
def test_comparators_are_shown_in_words(code, label):
    assert display_frame(pd.DataFrame({"comparator": [code]}), "targets").iloc[0, 0] == label


def test_a_row_whose_document_is_not_given_has_an_empty_title():
    documents = pd.DataFrame({"doc_id": ["a1"], "title": ["天津市某方案"]})
    shown = display_frame(pd.DataFrame({"doc_id": ["a1", "b2"]}), "measures", documents)
    assert shown["所属文件"].tolist() == ["天津市某方案", None]


@pytest.mark.parametrize(
    "level, district, issuer, title, expected",
    [
        ("district", "北辰区", "天津市北辰区人民政府", "北辰区科技创新三年行动计划", "区级 · 北辰区"),
        ("municipal", None, "天津市人民政府", "天津市科技创新“十四五”规划", "市级 · 天津市"),
        ("municipal", None, "市科委", "关于市政协提案的答复", "市级"),  # nothing names the city: the level alone
        ("provincial", None, "河北省人民政府", "河北省科技创新“十四五”规划", "省级 · 河北省"),
        ("provincial", None, "省科技厅", "科技创新规划", "省级"),
        ("national", None, "科技部", "关于推进新型研发机构发展的指导意见", "国家级"),
        (None, None, None, None, None),
    ],
)
def test_level_area_says_only_what_the_documents_table_names(level, district, issuer, title, expected):
    assert level_area(level, district, issuer, title) == expected


def test_xlsx_without_documents_has_no_documents_sheet(measures, targets):
    sheets = pd.read_excel(io.BytesIO(to_xlsx(measures.iloc[:3], targets.iloc[:3], "")), sheet_name=None)
    assert list(sheets) == ["说明", "措施", "目标与参数"] and "所属文件" not in sheets["措施"].columns


# ---------------------------------------------------------------- deck


def test_with_cjk_font_sets_a_font_only_when_none_is_set():
    plain = go.Figure(go.Bar(x=["人才"], y=[1]))
    assert with_cjk_font(plain).layout.font.family.startswith("Microsoft YaHei, PingFang SC, Noto Sans CJK SC")
    assert plain.layout.font.family is None  # the argument is untouched
    chosen = go.Figure(layout={"font": {"family": "Noto Sans CJK SC"}})
    assert with_cjk_font(chosen).layout.font.family == "Noto Sans CJK SC"


CHARTS = [
    ("各政策主题的措施条数", go.Figure(go.Bar(x=[62, 54], y=["创新平台与载体", "人才"], orientation="h"))),
    ("措施数量的年度变化", go.Figure(go.Scatter(x=["2018", "2021", "2025"], y=[40, 90, 70]))),
]


@pytest.fixture(scope="module")
def deck() -> Presentation:
    return Presentation(io.BytesIO(deck_pptx(CHARTS, FILTERS, SOURCE_LINE)))


def _texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_deck_is_16_9_with_a_title_slide_then_one_slide_per_chart(deck):
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)
    assert len(deck.slides) == 1 + len(CHARTS)
    cover = _texts(deck.slides[0])
    assert "天津科技政策简报" in cover and FILTERS in cover and "年" in cover


@pytest.mark.parametrize("index", range(len(CHARTS)))
def test_each_chart_slide_has_title_picture_filters_and_source(deck, index):
    title, _ = CHARTS[index]
    slide = deck.slides[index + 1]
    assert slide.shapes.title.text_frame.text == title
    pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    picture = pictures[0]
    # Rendered at the size it is placed at: the same shape, and at least 150 dpi on the slide.
    px_w, px_h = picture.image.size
    assert abs(px_w / px_h - picture.width / picture.height) < 0.01
    assert px_w / (picture.width / 914400) >= 150 and px_h / (picture.height / 914400) >= 150
    texts = _texts(slide)
    assert FILTERS in texts and SOURCE_LINE in texts


def _runs(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield from (run for paragraph in shape.text_frame.paragraphs for run in paragraph.runs)


def test_every_text_on_every_slide_is_at_least_12_pt(deck):
    sizes = [run.font.size for run in _runs(deck)]
    assert sizes and all(size is not None and size.pt >= 12 for size in sizes)


def test_deck_runs_name_a_common_cjk_font_for_east_asian_text_with_a_chinese_fallback(deck):
    for run in _runs(deck):
        east_asian = run._r.rPr.find(qn("a:ea"))
        assert east_asian.get("typeface") == "Microsoft YaHei" and east_asian.get("charset") == "-122"
        assert run._r.rPr.find(qn("a:latin")).get("typeface") == "Microsoft YaHei"


def test_the_theme_names_the_cjk_font_for_east_asian_text(deck):
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = deck.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert theme.count(f'<a:ea typeface="{CJK_FONT}"/>') == 2  # headings and body
    assert f'<a:font script="Hans" typeface="{CJK_FONT}"/>' in theme and "宋体" not in theme


SMALL_TEXT = go.Figure(
    [
        go.Bar(x=["人才"], y=[3], text=["3"], textfont={"size": 8}),
        go.Scattermap(lon=[117.2], lat=[39.1], mode="text", text=["和平区"], textfont={"size": 11}),
    ],
    layout={
        "font": {"size": 9},
        "legend": {"font": {"size": 10}},
        "annotations": [{"text": "注", "font": {"size": 7}}],
        "xaxis": {"tickfont": {"size": 6}},
        "map": {"zoom": 7.4},
        "height": 650,
        "title": {"text": "标题<br><sup>筛选</sup>"},
    },
)


def test_a_slide_figure_is_laid_out_at_its_placed_size_with_every_font_at_least_12_pt():
    fig = slide_figure(SMALL_TEXT, 888, 385)
    spec = fig.to_dict()
    assert (fig.layout.width, fig.layout.height) == (888, 385)  # 1 px = 1 pt on the slide
    assert fig.layout.font.size >= MIN_PT and fig.layout.legend.font.size >= MIN_PT
    assert spec["data"][0]["textfont"]["size"] == spec["data"][1]["textfont"]["size"] == MIN_PT
    assert fig.layout.annotations[0].font.size == MIN_PT and fig.layout.xaxis.tickfont.size == MIN_PT
    assert fig.layout.uniformtext.minsize == MIN_PT  # text inside bars hides rather than shrinks
    assert not fig.layout.title.text  # the slide has its own title: no <sup> subtitle at 70 % size
    assert fig.layout.map.zoom == pytest.approx(7.4 + math.log2(385 / 650))  # the whole map still fits
    assert SMALL_TEXT.layout.font.size == 9  # the page's figure is untouched


def test_chart_images_are_rendered_at_the_deck_resolution(deck):
    picture = next(s for s in deck.slides[1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert picture.image.size[0] == round(picture.width / 12700 * IMAGE_DPI / 72)


CENTRE = [[117.1, 39.03], [117.31, 39.19]]  # 市内六区's bounds


@pytest.mark.parametrize(
    "size, zoom_change",
    [((300, 300), 0), ((600, 600), 1), ((150, 150), -1), ((300, 600), 0), ((300, 1200), 0)],
)
def test_a_map_zoom_fits_its_bounds_and_doubles_the_scale_at_double_size(size, zoom_change):
    from lib.exports.deck import fit_zoom

    assert fit_zoom(CENTRE, *size) == pytest.approx(fit_zoom(CENTRE, 300, 300) + zoom_change)


def test_a_slide_map_that_names_its_bounds_is_zoomed_to_show_them_at_the_placed_size():
    from lib.exports.deck import fit_zoom

    fig = go.Figure(
        layout={
            "map": {"zoom": 7.4, "domain": {"x": [0.5, 1], "y": [0, 1]}},
            "meta": {"map_bounds": {"map": CENTRE}},
            "height": 650,
        }
    )
    zoom = slide_figure(fig, 888, 385).layout.map.zoom
    assert zoom == pytest.approx(fit_zoom(CENTRE, 0.5 * (888 - 20), 385 - 20))
