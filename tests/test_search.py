"""全文检索: one rule on every page. A query is cut into words and a measure must contain every one of them."""

import pandas as pd
import pytest

from lib.query import filters as flt
from lib.query import search


@pytest.mark.parametrize(
    "query, words",
    [
        ("概念验证中心建设", ("概念验证中心", "建设")),  # jieba with the policy dictionary
        ("揭榜挂帅", ("揭榜挂帅",)),  # a dictionary word stays whole
        ("大模型", ("大模型",)),  # a single character joins the next word
        ("建设概念验证中心的", ("建设", "概念验证中心")),  # a trailing particle is dropped
        ("5G基站  建设", ("5G", "基站", "建设")),  # the official's own spaces; Latin words kept
        ("AI，大模型、人才", ("AI", "大模型", "人才")),  # Chinese and ASCII separators
        ("的", ("的",)),  # a one-character query is searched as typed
        ("   ", ()),
    ],
)
def test_a_query_is_cut_into_the_words_a_measure_must_contain(query, words):
    assert search.query_words(query) == words


MEASURES = pd.DataFrame(
    {
        "heading": ["一、概念验证", "二、中心", "三、平台"],
        "text": ["建设一批概念验证中心。", "推进概念验证中心运营。", "建设中试平台。"],
    }
)


@pytest.mark.parametrize(
    "query, kept",
    [
        ("概念验证中心建设", [True, False, False]),  # the exact phrase occurs nowhere; both words only in the first
        ("建设", [True, False, True]),
        ("概念验证中心", [True, True, False]),
        ("建设 不存在的词", [False, False, False]),  # every word is required
    ],
)
def test_a_measure_passes_when_it_contains_every_word(query, kept):
    assert list(search.matching(MEASURES, search.query_words(query))) == kept


def test_the_sidebar_filter_uses_the_same_rule(seed_tables):
    measures = seed_tables["measures"]
    exact = measures.text.str.contains("概念验证中心建设", regex=False)
    passed = flt.measure_mask(measures, flt.Filters(search="概念验证中心建设", kinds=flt.ALL_KINDS))
    assert not exact.any() and passed.any()  # the phrase emptied every page before
    assert list(passed) == list(search.matching(measures, ("概念验证中心", "建设")))


def test_an_active_search_reads_as_its_words():
    assert flt.search_text("概念验证中心建设") == "检索：概念验证中心、建设（须同时包含）"
    assert flt.search_text("揭榜挂帅") == "检索：“揭榜挂帅”"
