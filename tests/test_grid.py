"""Tables on a laptop: column widths from their content, cut to fit, link columns first and pinned."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.ui import grid


@pytest.mark.parametrize(
    "text, px",
    [("", 0), ("2025", 32), ("人才", 28), ("≥3.2%", 8 * 5), ("天津市科技局", 84), ("“雏鹰”企业", 14 * 4 + 8 * 2)],
)
def test_text_width_counts_cjk_characters_twice_as_wide_as_digits(text, px):
    assert grid.text_px(text) == px


@pytest.mark.parametrize(
    "widths, budget, fitted",
    [
        ({"a": 100, "b": 200}, 400, {"a": 100, "b": 200}),  # fits: unchanged
        ({"a": 100, "b": 400, "c": 400}, 600, {"a": 100, "b": 250, "c": 250}),  # the wide ones share what is left
        ({"a": 60, "b": 300, "c": 500}, 500, {"a": 60, "b": 220, "c": 220}),
        ({"a": 300, "b": 300, "c": 300}, 120, {"a": 56, "b": 56, "c": 56}),  # never below the minimum
    ],
)
def test_columns_are_cut_to_fit_the_budget_widest_first(widths, budget, fitted):
    assert grid.fit(widths, budget) == fitted


def test_a_table_fits_the_laptop_column_with_its_link_first_and_pinned():
    frame = pd.DataFrame(
        {
            "类型": ["目标"] * 3,
            "指标": ["全社会研发投入强度"] * 3,
            "原句": ["到2025年，全社会研发投入强度力争达到3.2%以上，高新技术企业数量稳步增长。"] * 3,
            "文件": ["天津市科技创新“十四五”规划（节选）"] * 3,
            "原文": ["/reader?m=1"] * 3,
        }
    )
    kwargs = grid.fitted(frame, {"原文": {"label": "原文", "type_config": {"type": "link"}}}, links=("原文",))
    config = kwargs["column_config"]
    assert kwargs["column_order"][0] == "原文" and config["原文"]["pinned"] is True
    assert config["原文"]["type_config"] == {"type": "link"}  # the page's own settings are kept
    assert sum(c["width"] for c in config.values()) <= grid.LAPTOP_TABLE_PX
    assert config["类型"]["width"] < config["原句"]["width"] or config["原句"]["width"] == config["文件"]["width"]
    assert config["原句"].get("help") == grid.CUT_HELP and config["类型"].get("help") is None  # cut columns say so
