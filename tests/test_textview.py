"""Document text is rendered as text; search terms are highlighted without opening a hole for markup."""
import pytest

from lib.textview import escape_markdown, highlight


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "**加粗**", "[链接](http://x)", ":red[警告]", "# 标题", "$x$"])
def test_markup_in_documents_is_escaped(raw):
    escaped = escape_markdown(raw)
    assert all(f"\\{ch}" in escaped for ch in set(raw) if ch in "<>*[]():#$")


def test_highlight_wraps_escaped_matches():
    assert highlight("建设概念验证中心*", ["概念验证中心"]) == "建设:orange-background[概念验证中心]\\*"
