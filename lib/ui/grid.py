"""Tables that fit a laptop: column widths from their content, shrunk to the main column of a 1366×768 screen
with the filter panel open; link columns first and pinned, so they are never scrolled off."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.ui.i18n import translate_frame
from lib.ui.state import language, t

# The main column at 1366 px with the filter panel open is ~905 px (measured in Chromium); less the grid's
# border and a vertical scrollbar.
LAPTOP_TABLE_PX = 880
WIDE_CHAR_PX, NARROW_CHAR_PX = 14, 8  # a CJK character, and a digit or Latin letter, in the grid's 14 px font
CELL_PADDING_PX = 18
MIN_COLUMN_PX, MAX_COLUMN_PX = 56, 420
SAMPLE_ROWS = 200
CUT_HELP = "较长的内容在此列中截断显示：点击单元格可查看全文"  # widths are read from the first rows: enough to see a column's usual length


def text_px(text: str) -> int:
    """The width a text takes in the grid (CJK characters are about twice as wide as digits)."""
    return sum(WIDE_CHAR_PX if ord(c) >= 0x2E80 else NARROW_CHAR_PX for c in text)


def natural_widths(frame: pd.DataFrame, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Each column's width for its header and the 90th percentile of its first rows' texts, within bounds."""
    widths = {}
    sample = frame.head(SAMPLE_ROWS)
    for column in frame.columns:
        if column in skip:
            continue
        lengths = sample[column].map(lambda v: text_px("" if v is None or v is pd.NA else str(v)))
        content = int(lengths.quantile(0.9)) if len(lengths) else 0
        wanted = max(text_px(str(column)) + 24, content) + CELL_PADDING_PX  # the header's sort arrow: 24 px
        widths[str(column)] = min(max(wanted, MIN_COLUMN_PX), MAX_COLUMN_PX)
    return widths


def fit(widths: dict[str, int], budget: int) -> dict[str, int]:
    """Widths that sum to at most `budget`: the widest columns are cut to one common width (narrow ones keep
    theirs), never below MIN_COLUMN_PX; when even that does not fit, every column gets the minimum."""
    if sum(widths.values()) <= budget:
        return dict(widths)
    ordered = sorted(widths.values())
    spent, cap = 0, MIN_COLUMN_PX
    for n, width in enumerate(ordered):
        left = len(ordered) - n  # this column and the wider ones share what is left at one width
        if spent + width * left > budget:
            cap = max((budget - spent) // left, MIN_COLUMN_PX)
            break
        spent += width
    return {column: min(width, cap) for column, width in widths.items()}


def fitted(
    frame: pd.DataFrame, config: dict | None = None, links: tuple[str, ...] = (), budget: int = LAPTOP_TABLE_PX
) -> dict:
    """st.dataframe's column_config and column_order for `frame`: widths that fit `budget`, long texts cut
    (a click on a cell shows it whole), the `links` columns first and pinned. `config` entries are kept."""
    config = dict(config or {})
    link_px = {link: max(text_px(str(link)) + 24, 72) + CELL_PADDING_PX for link in links if link in frame.columns}
    natural = natural_widths(frame, skip=tuple(link_px))
    widths = fit(natural, budget - sum(link_px.values()))
    for column, width in {**link_px, **widths}.items():
        base = config.get(column) or st.column_config.Column()
        config[column] = {**base, "width": width} | ({"pinned": True} if column in link_px else {})
        if width < natural.get(column, 0) and not base.get("help"):
            config[column]["help"] = t(CUT_HELP)
    order = [*link_px, *(c for c in frame.columns if c not in link_px)]
    return {"column_config": config, "column_order": order}


def fitted_table(frame: pd.DataFrame, config: dict | None = None, links: tuple[str, ...] = ()) -> dict:
    """st.dataframe's data and column settings: `frame` in the interface language, fitted to a laptop. `config`
    and `links` name columns as the code writes them (Chinese); they follow the headers' translation."""
    shown = translate_frame(frame, language())
    translated = {t(column): setting for column, setting in (config or {}).items()}
    return {"data": shown, **fitted(shown, translated, tuple(t(column) for column in links))}
