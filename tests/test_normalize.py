"""Stage 1: bytes → clean simplified text."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from lib.pipeline.normalize import (
    CONTROL_CHAR,
    WIDTH_AND_SPACE,
    UndecodableError,
    decode,
    is_boilerplate,
    normalize,
    normalize_text,
    strip_pinyin_debris,
    unify_punctuation,
)

EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("關(guān)於", "關於"),
        ("發(fā)展", "發展"),
        ("人工智能(AI)", "人工智能(AI)"),
        ("生产总值(GDP)", "生产总值(GDP)"),
        ("方案(2020-2022年)", "方案(2020-2022年)"),
        ("規(guī)劃 (plan)", "規(guī)劃 (plan)".replace("(guī)", "")),
    ],
)
def test_pinyin_debris_goes_and_real_parentheses_stay(raw, expected):
    assert strip_pinyin_debris(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("隨著經濟發展，著力推進", "随着经济发展，着力推进"),  # tw2s: 著 → 着 in traditional text
        ("创新成效显著，随着发展", "创新成效显著，随着发展"),  # simplified text stays as it is (no 显着)
    ],
)
def test_traditional_becomes_simplified_without_spoiling_simplified(raw, expected):
    assert normalize_text(raw).text == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("(一)加强协同,推进建设:", "（一）加强协同，推进建设："),
        ("达到3.2%以上,1,000家", "达到3.2%以上，1,000家"),
        ("名    称 :天津", "名称：天津"),
        ("１２３ＡＢＣ", "123ABC"),
        ("人工智能(AI)发展", "人工智能（AI）发展"),
        ("名\u3000称\u00a0：天津", "名称：天津"),  # ideographic and no-break spaces
        ("１２\t３", "12 3"),
        ("＊＊％，３．５＋", "**%，3.5+"),
        ("  •加强协同 ", "加强协同"),
    ],
)
def test_punctuation_and_width_are_unified(raw, expected):
    assert unify_punctuation(raw) == expected


def test_every_space_separator_and_the_tab_become_a_space():
    space_separators = {ch for ch in EVERY_CHARACTER if unicodedata.category(ch) == "Zs"}
    assert {ch for ch, folded in WIDTH_AND_SPACE.items() if folded == " "} == space_separators - {" "} | {"\t"}


def test_control_characters_are_category_cc_except_layout_ones():
    controls = {ch for ch in EVERY_CHARACTER if unicodedata.category(ch) == "Cc"} - set("\t\n\f\r")
    assert set(CONTROL_CHAR.findall(EVERY_CHARACTER)) == controls


@pytest.mark.parametrize(
    "line, dropped",
    [
        ("首页>政务信息>通知公告", True),  # anchored pattern at the line start
        ("  [关闭窗口]  ", True),
        ("网站标识码:1201130001 津ICP备12007310号-1", True),  # floating patterns anywhere in the line
        ("Copyright Tianjin", True),  # no CJK character or digit
        ("各区要加强宣传，首页展示政策解读。", False),  # an anchored pattern's words in prose
        ("", False),
    ],
)
def test_boilerplate_lines(line, dropped):
    assert is_boilerplate(line) is dropped


def test_web_boilerplate_and_spam_titles_are_removed():
    page = "您的浏览器不支持JavaScript,请开启后继续\n天津市技术创新中心建设实施方案-凯发k8旗舰厅注册登录\n正文。\n网站标识码:1201130001 津ICP备12007310号-1\n[关闭窗口]"
    result = normalize(page.encode())
    assert result.text == "天津市技术创新中心建设实施方案\n正文。"
    assert len(result.removed_lines) == 3


def test_trailing_replacement_character_marks_truncation():
    result = normalize("第一章 总则\n一、建立公开提名等机制。\ufffd".encode())
    assert result.truncated and not result.text.endswith("\ufffd")


def test_garbled_spots_are_marked_and_reported():
    result = normalize("促進企業集聚協同、產業規?;l(fā)展,建設集群。".encode())
    assert "规〓展" in result.text and any("规?;l展" in w for w in result.warnings)


def test_a_latin_letter_inside_real_names_is_not_garbage():
    assert "〓" not in normalize("河工大“创E空间”等孵化器。".encode()).text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5"])
def test_common_encodings_are_detected(encoding):
    text = "天津市科学技术局关于印发科技创新工作方案的通知。各区人民政府：现将方案印发给你们，请认真贯彻执行。" * 3
    if encoding == "big5":
        text = "天津市科學技術局關於印發科技創新工作方案的通知。各區人民政府：現將方案印發給你們，請認真貫徹執行。" * 3
    decoded, _ = decode(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text


@pytest.mark.parametrize("raw", [b"", b"   \n ", bytes(range(256)) * 8])
def test_empty_or_binary_input_is_refused(raw):
    with pytest.raises(UndecodableError):
        normalize(raw)
