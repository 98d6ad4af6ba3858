"""Document text is rendered as text; search terms are highlighted without opening a hole for markup."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lib.query.textview import escape_chart_text, escape_figure, escape_markdown, highlight, unescape_chart_value


@pytest.mark.parametrize(
    "raw", ["<script>alert(1)</script>", "**加粗**", "[链接](http://x)", ":red[警告]", "# 标题", "$x$"]
)
def test_markup_in_documents_is_escaped(raw):
    escaped = escape_markdown(raw)
    assert all(f"\\{ch}" in escaped for ch in set(raw) if ch in "<>*[]():#$")


def test_highlight_wraps_escaped_matches():
    assert highlight("建设概念验证中心*", ["概念验证中心"]) == "建设:orange-background[概念验证中心]\\*"


# ---------------------------------------------------------------- escaping for Markdown and for charts

WJ = "\u2060"  # the invisible word joiner that breaks what Streamlit would auto-link or turn into an icon


@pytest.mark.parametrize(
    "raw, escaped",
    [
        ("[点我](https://evil.example)", f"\\[点我\\]\\(https\\:{WJ}//evil\\.example\\)"),
        ("![x](https://e.x/x.png)", f"\\!\\[x\\]\\(https\\:{WJ}//e\\.x/x\\.png\\)"),
        ("<https://evil.example>", f"\\<https\\:{WJ}//evil\\.example\\>"),  # an autolink
        ("见 https://evil.example", f"见 https\\:{WJ}//evil\\.example"),  # a bare URL, auto-linked by GFM
        ("见 www.evil.example", f"见 www{WJ}\\.evil\\.example"),
        ("写信 a@evil.example", f"写信 a@{WJ}evil\\.example"),  # an e-mail address
        (":material/home: :red[红]", f"\\:{WJ}material/home\\:{WJ} \\:{WJ}red\\[红\\]"),
        ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
        ("$x$ **粗**", "\\$x\\$ \\*\\*粗\\*\\*"),
        ("第一行\r\n第二行", "第一行  \n第二行"),
        ("科技创新（2025年）", "科技创新（2025年）"),  # Chinese text is left as it is
    ],
)
def test_escape_markdown_neutralises_links_images_autolinks_html_latex_and_directives(raw, escaped):
    assert escape_markdown(raw) == escaped


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("<a href='https://evil.example'>点我</a>", "&lt;a href='https://evil.example'>点我&lt;/a>"),
        ("<span style='font-size:99px'>大</span>", "&lt;span style='font-size:99px'>大&lt;/span>"),
        ("<IMG src=x>", "&lt;IMG src=x>"),
        ("标题<br><sup>检索：x</sup>", "标题<br><sup>检索：x</sup>"),  # our own formatting stays
        ("%{y}<extra>点击筛选</extra>", "%{y}<extra>点击筛选</extra>"),
        ("a < b", "a &lt; b"),
    ],
)
def test_chart_text_keeps_only_our_formatting_tags(raw, shown):
    assert escape_chart_text(raw) == shown


def test_escape_figure_covers_trace_data_titles_ticks_and_annotations_and_is_idempotent():
    link = "<a href='https://evil.example'>点我</a>"
    fig = go.Figure(
        go.Bar(
            y=np.array([link, "甲"]),
            x=[1, 2],
            orientation="h",
            customdata=[[link, 3], ["甲", 4]],
            hovertemplate="%{customdata[0]}<extra></extra>",
            text=[link, "乙"],
        )
    )
    fig.update_layout(title=f"标题<br><sup>检索：{link}</sup>", yaxis={"ticktext": [link], "tickvals": [0]})
    fig.add_annotation(text=link)
    escape_figure(escape_figure(fig))
    spec = fig.to_json()
    assert "<a " not in spec and "&lt;a href" in spec and "&amp;lt;" not in spec  # escaped once
    assert fig.layout.title.text.startswith("标题<br><sup>")
    assert fig.data[0].hovertemplate == "%{customdata[0]}<extra></extra>"
    assert fig.data[0].x == (1, 2)  # numbers untouched


def test_a_clicked_value_comes_back_as_it_was_before_escaping():
    for value in ["<a href=x>甲</a>", "市科技局", "a < b"]:
        assert unescape_chart_value(escape_chart_text(value)) == value
