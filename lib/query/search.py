"""全文检索 (full-text search): the one rule every page uses. A query is cut into words, first at the
official's own spaces and punctuation, then by jieba with the policy dictionary; a measure matches when it
contains every word (so 概念验证中心建设 finds "建设概念验证中心", where the exact phrase found nothing). The 原文
page highlights the same words."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from lib.pipeline import tagging

# What an official types between words: spaces, Chinese and ASCII commas, 、；。 and slashes.
SEPARATORS = re.compile(r"[\s,，、;；。/|｜]+")
MAX_QUERY = 100  # characters: a search box, not a document


@lru_cache(maxsize=512)
def query_words(query: str) -> tuple[str, ...]:
    """The words a measure must all contain: each part of the query cut by jieba, a single character joined to
    the word after it (大模型 stays 大模型, not 大 + 模型, which would find every 模型), and one left over at the end
    dropped (建设中心的: a trailing particle would only miss measures)."""
    words: list[str] = []
    for part in SEPARATORS.split(query.strip()[:MAX_QUERY]):
        pieces = [p for p in tagging.cut(part) if p.strip()] if part else []
        merged: list[str] = []
        pending = ""
        for piece in pieces:
            if len(piece) == 1 and len(pieces) > 1:
                pending += piece
                continue
            merged.append(pending + piece)
            pending = ""
        if pending and not merged:
            merged.append(pending)  # the query is one character, or only single characters
        words.extend(merged)
    return tuple(dict.fromkeys(words))


def matching(measures: pd.DataFrame, words: tuple[str, ...]) -> np.ndarray:
    """Which measures contain every word in their heading or text (all True when there is no word)."""
    mask = np.ones(len(measures), dtype=bool)
    for word in words:
        found = measures.heading.str.contains(word, regex=False) | measures.text.str.contains(word, regex=False)
        mask &= found.to_numpy(dtype=bool, na_value=False)
    return mask


def hit_counts(measures: pd.DataFrame, words: tuple[str, ...]) -> pd.Series:
    """How often the words occur in each measure (for ranking search results)."""
    text = measures.heading + "\n" + measures.text
    return text.map(lambda t: sum(t.count(word) for word in words)).astype(int)
