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


# ---- 地区: the place a document is for; by default Tianjin, the city and its districts ----------------
PLACES_KNOWN = {"jurisdictions": {"天津市", "天津市北辰区", "武汉市"}}


@pytest.mark.parametrize(
    "j, places, noted",
    [
        (None, ("天津市",), False),  # no key: the default, Tianjin
        ("武汉市", ("武汉市",), False),
        ("天津市北辰区,武汉市", ("天津市北辰区", "武汉市"), False),
        ("全部地区", ("全部地区",), False),
        ("武汉市,全部地区", ("全部地区",), False),  # every place holds the others
        ("火星市", ("天津市",), True),  # unknown: dropped, back to the default
        ("火星市,武汉市", ("武汉市",), True),
        (",,", ("天津市",), False),
    ],
)
def test_url_places_are_checked_against_the_documents(j, places, noted):
    filters, notes = flt.parse_query({} if j is None else {"j": j}, SPAN, PLACES_KNOWN)
    assert filters.jurisdictions == places and bool(notes) == noted


def test_the_default_place_leaves_the_url_and_the_description_as_they_were():
    assert flt.Filters().jurisdictions == ("天津市",) and flt.to_query(flt.Filters()) == {}
    assert flt.describe(flt.Filters()) == "全部文件（默认：可执行类措施）"
    wuhan = flt.Filters(jurisdictions=("武汉市", "全国"))
    assert flt.to_query(wuhan) == {"j": "武汉市,全国"} and flt.describe(wuhan) == "地区：武汉市 或 全国"
    assert flt.parse_query(flt.to_query(wuhan), SPAN, {"jurisdictions": {"武汉市", "全国"}})[0] == wuhan


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ([], ("天津市",)),
        (["武汉市"], ("武汉市",)),
        (["天津市", "全部地区"], ("全部地区",)),
        (["全国", "全国"], ("全国",)),
    ],
)
def test_an_empty_place_choice_is_the_default(chosen, expected):
    assert flt.places_filter(chosen) == expected


PLACE_DOCS = pd.DataFrame(
    {
        "doc_id": ["tj", "bc", "old", "wh", "ah", "cn"],
        "year": pd.array([2024] * 6, dtype="Int64"),
        "jurisdiction": ["天津市", "天津市北辰区", None, "武汉市", "安徽省", "全国"],
        "province": ["天津市", "天津市", None, "湖北省", "安徽省", None],
    }
)


@pytest.mark.parametrize(
    "places, passing",
    [
        (("天津市",), ["tj", "bc", "old"]),  # the city, its districts, and a document naming no place
        (("天津市北辰区",), ["bc"]),
        (("武汉市",), ["wh"]),
        (("湖北省",), ["wh"]),  # a province holds its cities' documents
        (("武汉市", "全国"), ["wh", "cn"]),
        (("全部地区",), ["tj", "bc", "old", "wh", "ah", "cn"]),
    ],
)
def test_a_place_holds_the_places_inside_it(places, passing):
    assert list(PLACE_DOCS.doc_id[flt.in_places(PLACE_DOCS, places)]) == passing


def test_a_build_without_places_is_tianjins():
    assert flt.in_places(PLACE_DOCS[["doc_id", "year"]], ("天津市",)).all()
    assert not flt.in_places(PLACE_DOCS[["doc_id", "year"]], ("武汉市",)).any()


def place_tables() -> dict[str, pd.DataFrame]:
    """Two measures and a target per document of PLACE_DOCS."""
    ids = list(PLACE_DOCS.doc_id)
    measures = pd.DataFrame(
        {
            "measure_id": [f"{d}-{n}" for d in ids for n in (1, 2)],
            "doc_id": [d for d in ids for _ in (1, 2)],
            "year": pd.array([2024] * 2 * len(ids), dtype="Int64"),
            "kind": ["task"] * 2 * len(ids),
        }
    )
    targets = pd.DataFrame({"target_id": [f"{d}-t" for d in ids], "doc_id": ids, "measure_id": [f"{d}-1" for d in ids]})
    return {"documents": PLACE_DOCS, "measures": measures, "targets": targets}


@pytest.mark.parametrize(
    "places, documents",
    [
        (("天津市",), {"tj", "bc", "old"}),
        (("武汉市",), {"wh"}),
        (("全部地区",), set(PLACE_DOCS.doc_id)),
    ],
)
def test_measures_and_targets_follow_their_documents_place(places, documents):
    view = flt.apply(place_tables(), flt.Filters(jurisdictions=places))
    assert set(view["documents"].doc_id) == documents
    assert set(view["measures"].doc_id) == documents and len(view["measures"]) == 2 * len(documents)
    assert set(view["targets"].doc_id) == documents


@pytest.mark.parametrize(
    "places, left_out",
    [
        (("天津市",), {"武汉市": 1, "安徽省": 1, "全国": 1}),
        (("武汉市",), {"天津市": 2, "天津市北辰区": 1, "安徽省": 1, "全国": 1}),
        (("全部地区",), {}),
    ],
)
def test_documents_of_other_places_are_counted_for_the_caption(places, left_out):
    assert flt.places_left_out(PLACE_DOCS, flt.Filters(jurisdictions=places)) == left_out


def test_the_caption_says_how_many_are_left_out_and_how_to_include_them():
    note = flt.places_left_out_note({"武汉市": 2, "全国": 1})
    assert note.startswith("另有 3 份其他地区的文件（武汉市 2 份、全国 1 份）未计入本页")
    assert "“全部地区”" in note and "“地区”" in note
    assert flt.places_left_out_note({}) == ""


def test_the_place_choices_are_the_documents_places():
    assert flt.place_options(PLACE_DOCS) == ["全部地区", "天津市", "全国", "天津市北辰区", "安徽省", "武汉市"]
    known = flt.known_values({}, [], flt.place_options(PLACE_DOCS))
    assert known["jurisdictions"] >= {"武汉市", "全部地区", "天津市"}
