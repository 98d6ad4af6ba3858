"""The district map: every district drawn twice over (whole city, and the centre enlarged), labels readable on
their fill, and the districts chosen in the filter outlined."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.charts import districts as charts
from lib.query.geo import CENTRAL_DISTRICTS, bounds, district_names


def counts(values: dict[str, int]) -> pd.DataFrame:
    names = district_names()
    total = [values.get(n, 0) for n in names]
    return pd.DataFrame({"district": names, "total": total, "区级文件": total, "市级等文件提及": [0] * len(names)})


@pytest.mark.parametrize(
    "fill, text",
    [
        ("rgb(247, 251, 255)", charts.DARK_TEXT),  # the scale's palest blue
        ("rgb(8, 48, 107)", charts.LIGHT_TEXT),  # its darkest
        ("#FFFFFF", charts.DARK_TEXT),
        ("#000000", charts.LIGHT_TEXT),
        ("rgb(33, 113, 181)", charts.LIGHT_TEXT),  # a deep middle blue: white contrasts more
        ("rgb(66, 146, 198)", charts.DARK_TEXT),  # a lighter one: dark text contrasts more
    ],
)
def test_a_label_is_dark_on_light_fills_and_white_on_dark_ones(fill, text):
    assert charts.label_color(fill) == text


def _text_traces(fig, subplot):
    return [t for t in fig.data if t.type == "scattermap" and t.mode == "text" and t.subplot == subplot]


def test_every_district_is_on_the_map_and_the_centre_is_enlarged_beside_it():
    fig = charts.district_map(counts({"北辰区": 20, "南开区": 3}))
    fills = [t for t in fig.data if t.type == "choroplethmap" and t.name != "已筛选"]
    assert [t.subplot for t in fills] == ["map", "map2"]
    assert all(sorted(t.locations) == sorted(district_names()) for t in fills)  # clickable on either map
    (west, south), (east, north) = bounds(CENTRAL_DISTRICTS)
    assert fig.layout.map2.center.lon == pytest.approx((west + east) / 2) and fig.layout.map2.zoom > fig.layout.map.zoom
    inset = {name for t in _text_traces(fig, "map2") for name in t.text}
    whole = {name for t in _text_traces(fig, "map") for name in t.text}
    assert inset == set(CENTRAL_DISTRICTS) and whole == set(district_names()) - set(CENTRAL_DISTRICTS)


def test_labels_follow_their_fill():
    fig = charts.district_map(counts({"北辰区": 20, "南开区": 20, "宝坻区": 1}))
    color_of = {name: t.textfont.color for sub in ("map", "map2") for t in _text_traces(fig, sub) for name in t.text}
    assert color_of["北辰区"] == color_of["南开区"] == charts.LIGHT_TEXT  # the darkest fill
    assert color_of["宝坻区"] == color_of["和平区"] == charts.DARK_TEXT


@pytest.mark.parametrize("chosen", [(), ("河西区",), ("北辰区", "和平区")])
def test_the_districts_chosen_in_the_filter_are_outlined_on_both_maps(chosen):
    fig = charts.district_map(counts({"北辰区": 5}), chosen)
    outlined = [t for t in fig.data if t.name == "已筛选"]
    assert [(t.subplot, sorted(t.locations)) for t in outlined] == [
        (s, sorted(chosen)) for s in ("map", "map2") if chosen
    ]
    assert all(t.marker.line.color == charts.HIGHLIGHT and t.marker.line.width >= 3 for t in outlined)
    assert all(list(t.customdata[:, 0]) == list(t.locations) for t in outlined)  # a click on one still filters


def test_no_measure_in_any_district_draws_no_map():
    assert charts.district_map(counts({})) is None
