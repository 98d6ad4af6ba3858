"""Stage 6: tags with their evidence, districts, kinds and keywords."""

from __future__ import annotations

import pytest

from lib.pipeline.structure import parse
from lib.pipeline.tagging import (
    DIMENSIONS,
    classify_kinds,
    districts_in,
    keywords,
    tag,
)


@pytest.mark.parametrize(
    "text, districts",
    [
        ("依托天开高教科创园建设创新平台", ("南开区",)),
        ("推进滨海—中关村科技园建设", ("滨海新区",)),
        ("支持东丽、津南、北辰、静海等区建设", ("东丽区", "津南区", "北辰区", "静海区")),
        ("河北工业大学、南开大学和和平发展", ()),
        ("加强与河北、山西等省合作", ()),
    ],
)
def test_districts_through_names_places_and_lists(text, districts):
    assert set(districts_in(text)) == set(districts)


def test_every_tag_records_the_keyword_that_fired():
    tags = tag("加强知识产权质押融资，支持科技型中小企业开展研发，对通过评估的给予奖励。", "北辰区")
    assert tags.districts == ("北辰区",) and tags.has_evaluation
    assert any(e.startswith("对象·中小企业←") for e in tags.evidence)
    assert all("←" in e for e in tags.evidence)


def _seed_measure_texts(seed_tables) -> list[str]:
    return (seed_tables["measures"].heading + "\n" + seed_tables["measures"].text).tolist()


def test_every_tag_keeps_the_clause_that_gave_it_and_the_word_stands_in_that_clause(seed_tables):
    for text in _seed_measure_texts(seed_tables):
        tags = tag(text, None)
        tagged = [f"{DIMENSIONS[d]}·{label}" for d in DIMENSIONS for label in getattr(tags, d)]
        words = [e.split("←", 1) for e in tags.evidence if e.split("·")[0] in DIMENSIONS.values()]
        clauses = [c.split("←", 1) for c in tags.clauses]
        assert [label for label, _ in clauses] == [label for label, _ in words]
        assert sorted(label for label, _ in clauses) == sorted(tagged)
        for (_, word), (_, clause) in zip(words, clauses):
            assert clause in text and word in clause


def test_the_seed_build_stores_one_clause_per_tag(seed_tables):
    m = seed_tables["measures"]
    n_tags = m.themes.map(len) + m.industries.map(len) + m.instruments.map(len) + m.target_groups.map(len)
    research = m[m.kind == "rd_direction"]
    assert (m.tag_clauses.map(len) == n_tags).all()
    assert research.themes.map(len).gt(0).mean() > 0.9  # a research direction has the theme of its field


def test_kinds_follow_the_section_headings():
    tree = parse(
        "一、总体要求\n（一）指导思想\n坚持。\n二、重点任务\n（一）推进建设。做事。\n"
        "三、组织实施\n（一）提出意向。申报。\n（二）方案论证。评审。\n四、保障措施\n（一）加强领导。统筹。"
    )
    assert classify_kinds(tree.leaves) == ["context", "task", "procedure", "procedure", "safeguard"]


def test_keywords_keep_policy_terms_whole_and_drop_boilerplate():
    words = keywords("积极推进揭榜挂帅，加快培育专精特新中小企业，加强海河实验室建设。")
    assert {"揭榜挂帅", "专精特新中小企业", "海河实验室"} <= set(words)
    assert not {"积极", "推进", "加快", "加强"} & set(words)


def test_rjieba_cuts_exactly_like_jieba_with_the_same_user_dictionary(seed_tables):
    import jieba

    from lib.config import JIEBA_USERDICT
    from lib.pipeline.tagging import cut

    reference = jieba.Tokenizer()
    reference.load_userdict(str(JIEBA_USERDICT))
    texts = (seed_tables["measures"].heading + "\n" + seed_tables["measures"].text).tolist()
    assert [cut(t) for t in texts] == [reference.lcut(t) for t in texts]


def _keywords_by_counter(text: str, limit: int = 30) -> list[str]:
    """The definition `keywords` must keep: content words (two or more CJK characters, not a stopword) counted
    with Counter, most frequent first, ties in reading order."""
    import re
    from collections import Counter

    from lib.pipeline.tagging import cut, stopwords

    words = [t for t in cut(text) if len(t) >= 2 and t not in stopwords() and re.fullmatch(r"[\u4e00-\u9fff]+", t)]
    return [word for word, _ in Counter(words).most_common(limit)]


KEYWORD_PIECES = (
    "人才", "加强", "揭榜挂帅", "海河实验室", "专精特新中小企业", "的", "和", "积极推进", "2025年", "AI",
    "数字经济", "，", "。", "、", "\n", " ", "5G", "人工智能", "科技成果转化", "（一）", "企业", "平台",
)  # fmt: skip


@pytest.mark.parametrize(
    "text, limit",
    [
        ("人才人才平台平台企业", 2),  # a tie at the limit: the word read first wins
        ("平台企业人才，人才企业平台。", 30),
        ("的和与及", 30),  # only stopwords
        ("", 30),
        ("AI 5G 2025年", 30),  # no CJK words of two characters
        ("加强人工智能人工智能，推进数字经济", 1),
    ],
)
def test_keywords_are_the_most_frequent_content_words_with_ties_in_reading_order(text, limit):
    assert keywords(text, limit) == _keywords_by_counter(text, limit)


def test_keywords_equal_the_counter_definition_on_many_generated_snippets():
    import random

    rng = random.Random(20)
    snippets = ["".join(rng.choices(KEYWORD_PIECES, k=rng.randint(1, 60))) for _ in range(2000)]
    for limit in (1, 5, 30):
        assert [keywords(s, limit) for s in snippets] == [_keywords_by_counter(s, limit) for s in snippets]


def test_keywords_equal_the_counter_definition_on_every_seed_measure(seed_tables):
    texts = _seed_measure_texts(seed_tables)
    assert [keywords(t) for t in texts] == [_keywords_by_counter(t) for t in texts]


def test_the_memo_of_judged_tokens_is_bounded_and_judges_again_after_clearing(monkeypatch):
    from lib.pipeline import tagging

    monkeypatch.setattr(tagging._ContentWords, "MAX_TOKENS", 3)
    content = tagging._ContentWords(frozenset({"加强"}))
    judged = [content[t] for t in ("人才", "加强", "AI", "平台", "人")]
    assert judged == [True, False, False, True, False] and len(content) <= 3
