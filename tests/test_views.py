"""Reshaping steps behind the pages."""

import pandas as pd
import pytest

from lib.query import views


def test_headline_year_span_reads_naturally():
    docs = pd.DataFrame({"year": [2021, 2021]})
    empty = pd.DataFrame({"agencies": [], "districts": [], "agency_source": []})
    view = {"documents": docs, "measures": empty, "targets": pd.DataFrame()}
    assert views.headline(view)["年份"] == "2021"
    view["documents"] = pd.DataFrame({"year": [2018, 2025]})
    assert views.headline(view)["年份"] == "2018–25"


def test_masked_values_read_as_masks_never_numbers():
    row = pd.DataFrame(
        [
            {
                "kind": "target",
                "unit": "亿元",
                "masked": True,
                "mask": "****",
                "comparator": ">=",
                "mask_magnitude": "4位数（1000–9999）",
                "value_low": None,
                "value_high": None,
            }
        ]
    ).iloc[0]
    assert views.value_text(row) == "≥****亿元（遮盖：4位数（1000–9999））"


def test_district_counts_split_own_documents_from_municipal_mentions():
    measures = pd.DataFrame(
        {"measure_id": ["a", "b"], "doc_id": ["d1", "d2"], "districts": [["北辰区"], ["北辰区", "南开区"]]}
    )
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "district": ["北辰区", None]})
    counts = views.district_counts(measures, documents, ["北辰区", "南开区", "和平区"]).set_index("district")
    assert counts.loc["北辰区", "区级文件"] == 1 and counts.loc["北辰区", "市级等文件提及"] == 1
    assert counts.loc["和平区", "total"] == 0


def test_documents_without_any_date_stay_off_the_time_axis():
    documents = pd.DataFrame(
        {
            "doc_id": ["a"],
            "title": ["某方案"],
            "year": [None],
            "issued_date": [None],
            "level": ["municipal"],
            "doc_type": ["其他"],
            "n_measures": [3],
            "date_source": [None],
            "date_evidence": [""],
        }
    )
    assert views.timeline(documents).when.isna().all()
    assert pd.isna(views.decimal_year(None, float("nan")))


@pytest.mark.parametrize(
    "title, label",
    [
        ("天津市科技创新“十四五”规划（2021—2025年）", "天津市科技创新“十四五”规划"),  # the period is on the axis
        ("天津市推动科技创新和产业创新深度融合", "天津市推动科技创新和产业创新深度融合"),  # 18 characters: whole
        ("天津市推动科技创新和产业创新深度融合实施方案", "天津市推动科技创新和产业创新深度融…"),
        ("市科委关于对市政协十四届一次会议第0123号提案的答复", "市科委关于对市政协十四届一次会议第…"),
        ("关于市政协十四届一次会议第2018**号提案的答复", "关于市政协十四届一次会议第…"),  # digits and masks
    ],
)
def test_a_point_label_is_short_says_it_was_cut_and_never_cuts_a_number(title, label):
    assert views.point_label(title) == label


def test_quality_counts_masks_and_garbled_measures_per_document(seed_tables):
    table = views.quality(seed_tables).set_index("年份")
    row_2025 = table.loc[2025]
    assert row_2025["遮盖的数值"] == seed_tables["targets"].masked.sum() and row_2025["含乱码的措施"] == 2


def test_a_cut_table_says_how_many_rows_it_shows_and_where_the_rest_is():
    from lib import ui

    assert ui.rows_shown_note(views.TABLE_MAX_ROWS) == ""
    note = ui.rows_shown_note(views.TABLE_MAX_ROWS + 1)
    assert f"前 {views.TABLE_MAX_ROWS} 条（共 {views.TABLE_MAX_ROWS + 1} 条）" in note and "导出" in note
    assert "导出" not in ui.rows_shown_note(10**6, exported=False)


def test_short_titles_say_when_a_document_is_undated():
    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "year": [2021.0, float("nan")],
            "title": ["天津市科技创新“十四五”规划（2021—2025年）的很长的标题部分", "某区实施方案"],
        }
    )
    assert views.short_titles(documents) == {
        "a": "2021·天津市科技创新“十四五”规划（2021—2025",
        "b": "年份不详·某区实施方案",
    }


def test_document_facts_say_what_is_missing_in_words_and_years_as_integers(seed_tables):
    documents = seed_tables["documents"]
    plan_row = documents[documents.doc_number == "津政办发〔2021〕32号"].iloc[0]
    plan = views.document_facts(plan_row)
    assert plan["文号"] == "津政办发〔2021〕32号" and plan["规划期"] == "2021–2025"
    unnumbered = views.document_facts(documents[documents.doc_number.isna() & documents.period_start.isna()].iloc[0])
    assert unnumbered["文号"] == "未载明" and unnumbered["规划期"] == "—"
    assert not any("nan" in value for value in (*plan.values(), *unnumbered.values()))
    open_ended = plan_row.copy()
    open_ended["period_end"] = None
    assert views.document_facts(open_ended)["规划期"] == "2021–"


@pytest.mark.parametrize(
    "dates, sides",
    [
        (["2018-03-01", "2021-06-01", "2025-05-01"], ["center", "center", "left"]),  # the last year's label runs left
        (["2018-03-01", "2025-12-01"], ["center", "left"]),
        (["2024-01-01"], ["center"]),  # one year: nothing near an end of a longer axis
        ([None, "2020-01-01", "2025-01-01"], ["center", "center", "left"]),  # undated: centred
        ([], []),
    ],
)
def test_timeline_labels_near_the_axis_end_run_inwards(dates, sides):
    assert list(views.label_sides(pd.Series(pd.to_datetime(dates), dtype="datetime64[ns]"))) == sides


def test_bodies_shown_of_no_measures_is_empty():
    """A district chosen with filters that leave none of its measures: an empty column, not an error."""
    from lib.query.views import bodies_shown

    empty = pd.DataFrame({"agencies": pd.Series([], dtype=object), "agency_source": pd.Series([], dtype=object)})
    assert bodies_shown(empty).tolist() == []
