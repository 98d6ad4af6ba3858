"""Document text is rendered as text; search terms are highlighted without opening a hole for markup."""
import pandas as pd
import pytest

from lib.textview import escape_markdown, highlight, match_measures, search_terms


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "**加粗**", "[链接](http://x)", ":red[警告]", "# 标题", "$x$"])
def test_markup_in_documents_is_escaped(raw):
    escaped = escape_markdown(raw)
    assert all(f"\\{ch}" in escaped for ch in set(raw) if ch in "<>*[]():#$")


def test_highlight_wraps_escaped_matches():
    assert highlight("建设概念验证中心*", ["概念验证中心"]) == "建设:orange-background[概念验证中心]\\*"


def test_search_uses_the_whole_query_then_its_tokens():
    measures = pd.DataFrame({"heading": ["甲", "乙"], "text": ["建设概念验证中心", "推进中心建设"]})
    terms = search_terms("概念验证中心建设", lambda q: ["概念验证中心", "建设"])
    assert list(match_measures(measures, terms).heading) == ["甲"]
