"""Stage 4: responsibility phrases in every common form → bodies as written, lead, deadline, lead rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lib.build import build_tables
from lib.pipeline import agencies

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.parametrize(
    "text, written, lead",
    [
        ("推进建设。（责任单位：区科技局、区工信局）", ("区科技局", "区工信局"), None),
        ("推进建设。［责任单位：市科技局、市财政局］", ("市科技局", "市财政局"), None),
        ("推进建设。[责任单位:市科技局]", ("市科技局",), None),
        ("推进建设。〔责任单位：市科技局〕", ("市科技局",), None),
        ("推进建设。【责任单位：市科技局】", ("市科技局",), None),
        (
            "推进建设。（牵头单位：市科技局，责任单位：市教委、市财政局）",
            ("市科技局", "市教委", "市财政局"),
            "市科技局",
        ),
        ("推进建设。（牵头单位：市科技局；配合单位：市教委）", ("市科技局", "市教委"), "市科技局"),
        ("推进建设。（市科技局牵头，市教委、市财政局配合）", ("市科技局", "市教委", "市财政局"), "市科技局"),
        ("推进建设。（市科技局负责）", ("市科技局",), "市科技局"),
        ("推进建设。（市科技局牵头负责）", ("市科技局",), "市科技局"),
        ("推进建设。（市科技局、市教委按职责分工负责）", ("市科技局", "市教委"), None),
        ("推进建设。（负责部门：市科技局；适用范围：全市高新技术企业）", ("市科技局",), None),
        (
            "推进建设。（9月底完成，牵头考核单位：市政府办公室、市市场监管局）",
            ("市政府办公室", "市市场监管局"),
            "市政府办公室",
        ),
        ("推进建设。（责任单位：市科技局,市财政局,市教委）", ("市科技局", "市财政局", "市教委"), None),
        ("推进建设。（责任单位：省商务厅按职责分工）", ("省商务厅",), None),
        ("推进建设。（责任单位：市税务局等相关单位）", ("市税务局",), None),
    ],
)
def test_each_common_form_gives_its_bodies_and_lead(text, written, lead):
    found = agencies.find_responsibility(text)
    assert (found.written, found.lead) == (written, lead)


@pytest.mark.parametrize(
    "text, written",
    [
        ("做好。（牵头单位：市委组织部（人才办），责任单位：市人社局）", ("市委组织部（人才办）", "市人社局")),
        ("做好。（责任单位：市科技局、各区〔县、市〕政府）", ("市科技局", "各区〔县、市〕政府")),
        ("做好。（责任单位：各区人民政府〈含开发区、新区管委会，下同〉）", ("各区人民政府",)),
        ("做好。（责任单位：各区人民政府（含开发区），市科技局）", ("各区人民政府", "市科技局")),
    ],
)
def test_brackets_inside_names_stay_whole_and_scope_notes_go(text, written):
    assert agencies.find_responsibility(text).written == written


def test_several_phrases_in_one_item_are_all_read():
    text = "建设平台。（责任单位：市数据局）支持人才。（责任单位：市人社局，团市委）"
    found = agencies.find_responsibility(text)
    assert found.written == ("市数据局", "市人社局", "团市委")
    assert found.phrases == ("（责任单位：市数据局）", "（责任单位：市人社局，团市委）")


@pytest.mark.parametrize(
    "text, deadline",
    [
        ("推进。（6月底完成，牵头考核单位：市科技局）", "6月底完成"),
        ("推进。（持续推进，牵头考核单位：市科技局）", "持续推进"),
        ("推进。（8月底取得阶段性成效并持续推进，牵头考核单位：市科技局）", "8月底取得阶段性成效并持续推进"),
        ("推进。（责任单位：市科技局；完成时限：2024年底前）", "2024年底前"),
        ("推进。（责任单位：市科技局）", None),
    ],
)
def test_deadlines_go_to_their_own_field(text, deadline):
    found = agencies.find_responsibility(text)
    assert found.deadline == deadline and found.written == ("市科技局",)


@pytest.mark.parametrize(
    "first, later, rule, leads",
    [
        (
            "（责任单位：市科技局、市财政局、开发园区管委会。列第一位的为牵头单位，下同）",
            "（责任单位：市教委、市科技局）",
            "first_listed",
            ("市科技局", "市教委"),
        ),
        (
            "（责任单位：市科技局，市财政局、市教委。第一个逗号前为牵头单位）",
            "（责任单位：市工信局、市商务局，市财政局）",
            "first_clause",
            ("市科技局", "市工信局"),
        ),
        (
            "（责任单位：各区人民政府、市科技局，以下均需各区落实，不再列出）",
            "（责任单位：市教委）",
            None,
            (None, None),
        ),
    ],
)
def test_a_note_in_a_phrase_is_a_rule_for_this_item_and_the_next_never_a_body(first, later, rule, leads):
    one = agencies.find_responsibility("推进。" + first)
    two = agencies.find_responsibility("完善。" + later, one.rule)
    assert one.rule == rule and (one.lead, two.lead) == leads
    assert all(not re.search(r"下同|不再列出|牵头单位|。", name) for name in one.written)


@pytest.mark.parametrize(
    "text",
    [
        "成员单位（包括牵头单位自身）要加强协调。",  # 牵头单位 without a colon is no label
        "对符合条件的企业（不含分支机构）给予支持。",
        "由企业自主决策。",
    ],
)
def test_brackets_that_name_no_body_are_not_responsibility(text):
    assert agencies.find_responsibility(text).written == ()


@pytest.mark.parametrize(
    "name, ok",
    [
        ("市委组织部（人才办）", True),
        ("各区〔县、市〕政府", True),
        ("各区〔县", False),
        ("下同〉", False),
    ],
)
def test_balanced_brackets(name, ok):
    assert agencies.balanced(name) is ok


LABEL_WORDS = re.compile(r"责任单位|牵头单位|下同|不再列出|按职责分工")
SENTENCE_PUNCT = re.compile(r"[。；;：:！？!?]")


def _junk(names) -> list[str]:
    return [n for n in names if LABEL_WORDS.search(n) or SENTENCE_PUNCT.search(n) or not agencies.balanced(n)]


FIXTURE = """天津市某区科技工作方案
一、重点任务
1﹒建设平台。（牵头单位：区科技局，责任单位：区委组织部（人才办）、各街〔镇〕，下同）
2．支持人才。（责任单位：区人社局,区财政局）完善服务。［责任单位：区教育局］
3、强化金融。（6月底完成，牵头考核单位：区金融局、区财政局）
4.优化环境。（责任单位：区科技局、区市场监管局、开发区管委会。列第一位的为牵头单位）
5.加强协同。（区发改委牵头，区工信局、区商务局配合）
"""


def test_no_body_of_a_fixture_build_carries_labels_notes_or_half_brackets(tmp_path):
    (tmp_path / "plan.txt").write_text(FIXTURE, encoding="utf-8")
    tables, _ = build_tables(tmp_path, use_manifest=False)
    measures = tables["measures"].to_pylist()
    names = [n for m in measures for n in m["agencies_raw"]] + tables["agencies"].column("agency").to_pylist()
    assert len(measures) == 5 and all(m["agencies_raw"] for m in measures)
    assert _junk(names) == []
    assert [m["deadline"] for m in measures][2] == "6月底完成"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the development corpus (../shared/corpus) is not here")
def test_no_body_of_a_corpus_build_carries_labels_notes_or_half_brackets(tmp_path):
    for path in CORPUS.iterdir():
        if path.is_file() and not path.name.endswith(".json") and path.name != "README.md":
            shutil.copy(path, tmp_path / path.name)
    tables, _ = build_tables(tmp_path, use_manifest=False)
    raw = [n for names in tables["measures"].column("agencies_raw").to_pylist() for n in names]
    assert raw and _junk(raw) == []
