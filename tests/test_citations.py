"""Policy lineage: cited titles and 文号, repaired and resolved against the corpus."""

import re

import pytest

from lib.pipeline.citations import Citation, extract, normalise_number, resolve, title_key
from lib.pipeline.metadata import DAMAGED_DOC_NUMBER, DOC_NUMBER
from tests.conftest import doc_by_prefix


def test_a_title_takes_the_number_written_after_it():
    cited = extract("依据《国家技术创新中心建设工作指引》（国科发创〔2017〕353号）等文件精神。", "某方案")
    assert [(c.cited_title, c.cited_number) for c in cited] == [
        ("国家技术创新中心建设工作指引", "国科发创〔2017〕353号")
    ]


def test_a_lost_bracket_is_repaired():
    assert normalise_number("津政发〔202023号") == "津政发〔2020〕23号"


def test_a_document_does_not_cite_itself():
    text = "关于印发《北辰区实施方案》的通知\n北辰政发〔2021〕5号\n《北辰区实施方案》已经同意。"
    assert extract(text, "北辰区实施方案", "北辰政发〔2021〕5号") == []


def test_titles_match_across_damaged_punctuation():
    assert title_key("天津市科技创新三年行动计划（2020—2022年）") == title_key("天津市科技创新三年行动计划(20202022年)")
    docs = [{"doc_id": "x", "doc_number": None, "title": "天津市科技创新三年行动计划（2020-2022年）"}]
    assert resolve(Citation("天津市科技创新三年行动计划（20202022年）", None, ""), docs) == "x"


def test_the_beichen_scheme_cites_the_municipal_three_year_plan(seed_tables):
    beichen = doc_by_prefix(seed_tables, "001").doc_id  # noqa: F841 (read by the query below)
    cited = seed_tables["citations"].query("from_doc_id == @beichen")
    assert "津政发〔2020〕23号" in set(cited.cited_number)
    assert cited.resolved_doc_id.isna().all(), "the municipal plan is not in the corpus: an outside node"


@pytest.mark.parametrize(
    "text",
    [
        "依据天津市人民政府办公厅关于转发津政办发〔2020〕3号文件的通知",  # a prefix run longer than 10 characters
        "津政发〔2020〕23号津政发〔2021〕5号",
        "北辰政发（2021）5号和北辰政发〔202145号",
        "国科发创〔2017〕353 号",
        "津政发〔****〕*号",
        "〔2020〕3号",
        "科技创新（2020—2022年）行动计划",
    ],
)
def test_possessive_doc_number_prefix_finds_what_backtracking_would(text):
    for pattern in (DOC_NUMBER, DAMAGED_DOC_NUMBER):
        backtracking = re.compile(pattern.pattern.replace("{1,10}+", "{1,10}"))
        assert backtracking.pattern != pattern.pattern
        assert [m.groupdict() for m in pattern.finditer(text)] == [m.groupdict() for m in backtracking.finditer(text)]
