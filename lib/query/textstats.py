"""Keyword statistics of a selection of measures and their word cloud (pure: values in, values out).

The build stores each measure's top jieba keywords (stopwords removed) in `measures.keywords`, so a
selection's vocabulary is a count over lists — no text is cut again on a rerun.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from lib.query.labels import LabelIndex, label_counts

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype"),
)
# A word carried by at least a third of all measures (创新 50 %, 技术 42 %, 科技 34 % of the 200 measures
# of the first build; the next, 产业, is at 25 %) is in every selection and hides what sets it apart.
UBIQUITY_SHARE = 1 / 3
# Same hues as lib/charts/base.PALETTE, minus the lightest ones, which are unreadable on white.
CLOUD_COLORS = (
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#B07AA1",
    "#9C755F",
    "#D37295",
    "#B6992D",
    "#499894",
)


def keyword_frequencies(
    measures: pd.DataFrame, exclude: Iterable[str] = (), index: LabelIndex | None = None
) -> Counter:
    """How many of the measures carry each keyword (a measure counts a word once). `index`: the
    keywords' LabelIndex of the table `measures` was filtered from (store.label_index("keywords"))."""
    counts = label_counts(measures, "keywords", index)
    for word in exclude:
        counts.pop(word, None)
    return counts


def ubiquitous_keywords(
    measures: pd.DataFrame, share: float = UBIQUITY_SHARE, index: LabelIndex | None = None
) -> tuple[str, ...]:
    """Keywords carried by at least `share` of the measures, most frequent first (ties by name)."""
    if measures.empty:
        return ()
    counts = keyword_frequencies(measures, index=index)
    return tuple(
        word for word, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n >= share * len(measures)
    )


def top_keywords(freqs: Counter, top: int = 20) -> pd.DataFrame:
    """The most frequent keywords: columns label, n (descending; ties in alphabetical order)."""
    rows = sorted(freqs.items(), key=lambda item: (-item[1], item[0]))[:top]
    return pd.DataFrame(rows, columns=["label", "n"]).astype({"label": str, "n": int})


def cjk_font_path(preferred: Path = FONT_PATH, search: Iterable[Path] = FONT_DIRS) -> Path | None:
    """A font with Chinese glyphs: WenQuanYi Micro Hei, else the first .ttc/.ttf found under `search`."""
    if preferred.exists():
        return preferred
    for folder in search:
        if folder.is_dir():
            found = sorted([*folder.rglob("*.ttc"), *folder.rglob("*.ttf")])
            if found:
                return found[0]
    return None


def _word_color(word: str, *_, **__) -> str:
    """A word keeps its colour across selections (stable hash, not random)."""
    return CLOUD_COLORS[int(hashlib.md5(word.encode()).hexdigest(), 16) % len(CLOUD_COLORS)]


def wordcloud_png(
    freqs: Mapping[str, int], width: int = 900, height: int = 520, font_path: Path | None = None, max_words: int = 120
) -> bytes | None:
    """The frequencies as a PNG word cloud (None when there is no word or no CJK font).
    Words stay horizontal: rotated Chinese is hard to read. The layout is seeded, so reproducible."""
    words = {w: int(n) for w, n in freqs.items() if n > 0}
    font = font_path or cjk_font_path()
    if not words or font is None:
        return None
    from wordcloud import WordCloud  # imported here: the page loads quickly when no cloud is drawn

    cloud = WordCloud(
        font_path=str(font),
        width=width,
        height=height,
        background_color="white",
        prefer_horizontal=1.0,
        max_words=max_words,
        relative_scaling=0.5,
        min_font_size=10,
        margin=3,
        random_state=7,
        color_func=_word_color,
    )
    image = cloud.generate_from_frequencies(words).to_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
