"""The shared filters: years come from the data, and a URL is checked against it before it becomes a view."""

import pandas as pd
import pytest

from lib.query import filters as flt

SPAN = (2018, 2026)
KNOWN = {"districts": {"北辰区", "滨海新区"}, "themes": {"人才"}, "doc_ids": {"abc123"}}


@pytest.mark.parametrize(
    "y, years, noted",
    [
        ("2020-2022", (2020, 2022), False),
        ("2022-2020", (2020, 2022), True),  # reversed ends swapped
        ("0-999999999", None, True),  # clamped to the data: every year
        ("2030-1800", None, True),  # both at once
        ("2015-2021", (2018, 2021), True),
        ("2026", (2026, 2026), False),  # one year
        ("2018-2026", None, False),  # the whole span is no filter
        ("abc", None, True),
        ("2020-x", None, True),
    ],
)
def test_url_years_are_clamped_to_the_data_and_never_raise(y, years, noted):
    filters, notes = flt.parse_query({"y": y}, SPAN)
    assert filters.years == years
    assert bool(notes) == noted


def test_url_values_the_data_does_not_hold_are_dropped_with_a_note():
    filters, notes = flt.parse_query({"d": "北辰区,火星区", "th": "人才", "doc": "zzz", "k": "task,bogus"}, SPAN, KNOWN)
    assert filters.districts == ("北辰区",) and filters.themes == ("人才",) and filters.doc_ids == ()
    assert filters.kinds == ("task",)
    assert any("火星区" in n for n in notes) and any("bogus" in n for n in notes)


def test_over_long_url_values_are_cut():
    filters, notes = flt.parse_query({"th": ",".join(f"主题{i}" for i in range(500)), "q": "词" * 1000}, SPAN)
    assert len(filters.themes) == flt.MAX_VALUES and len(filters.search) == 100 and len(notes) == 2


@pytest.mark.parametrize("params", [{"y": ["2020-2021", "x"]}, {"q": ["a", "b"]}, {"d": ""}, {"k": ",,,"}, {}])
def test_odd_url_shapes_give_filters(params):
    assert isinstance(flt.parse_query(params, SPAN, KNOWN)[0], flt.Filters)


@pytest.mark.parametrize(
    "chosen, old_span, expected",
    [
        (None, None, (2018, 2026)),  # first draw: every year
        ((2018, 2025), (2018, 2025), (2018, 2026)),  # "every year" follows a document of a new year
        ((2020, 2022), (2018, 2025), (2020, 2022)),  # a narrower choice is kept
        ((2010, 2030), (2010, 2030), (2018, 2026)),
        ((2016, 2017), (2010, 2030), (2018, 2018)),  # clamped inside the new ends
    ],
)
def test_the_year_slider_follows_the_data(chosen, old_span, expected):
    assert flt.follow_span(chosen, old_span, SPAN) == expected


def test_a_slider_over_every_year_is_no_filter():
    assert flt.years_filter((2018, 2026), SPAN) is None
    assert flt.years_filter((2019, 2026), SPAN) == (2019, 2026)


def test_no_year_filter_keeps_a_document_of_any_year():
    measures = pd.DataFrame({"year": pd.array([2017, 2026, 2031, None], dtype="Int64")})
    assert flt._in_years(measures.year, None).all()
    assert list(flt._in_years(measures.year, (2018, 2026))) == [False, True, False, True]  # unknown years stay


def test_values_of_one_dimension_read_as_alternatives():
    text = flt.describe(flt.Filters(themes=("人才", "创新平台与载体"), districts=("北辰区",), years=(2021, 2025)))
    assert text == "区域：北辰区；主题：人才 或 创新平台与载体；年份：2021–2025"


def test_the_default_filters_have_no_years_and_leave_the_url_empty():
    assert flt.Filters().years is None and flt.Filters().is_default
    assert flt.to_query(flt.Filters()) == {}
    assert flt.to_query(flt.Filters(years=(2020, 2021))) == {"y": "2020-2021"}


def test_the_values_a_url_may_name_are_those_the_tables_hold():
    known = flt.known_values({"themes": ["人才"], "instruments": ["供给型·人才支持"]}, ["abc"])
    assert known["themes"] == {"人才"} and known["doc_ids"] == {"abc"}
    assert known["instruments"] == {"供给型·人才支持", "供给型"}  # a whole type is a value of the filter too
