"""The document timeline: one point per document while they can be told apart, counts per quarter beyond."""

import pandas as pd

from lib.charts import overview as charts
from lib.query import views


def documents(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [f"d{i:05d}" for i in range(n)],
            "title": [f"某区实施方案{i}" for i in range(n)],
            "year": [2018 + i % 8 for i in range(n)],
            "issued_date": [f"{2018 + i % 8}-{1 + i % 12:02d}-10" for i in range(n)],
            "level": ["district" if i % 3 else "municipal" for i in range(n)],
            "doc_type": ["实施方案"] * n,
            "n_measures": [5] * n,
            "date_source": ["inferred" if i % 5 == 0 else "explicit" for i in range(n)],
            "date_evidence": [""] * n,
        }
    )


def test_a_few_documents_are_points_that_filter_on_click():
    fig = charts.timeline(views.timeline(documents(40)))
    assert {trace.type for trace in fig.data} == {"scatter"}
    assert sum(x is not None for trace in fig.data for x in trace.x) == 40
    assert charts.timeline_note(views.timeline(documents(40))) == ""


def test_the_legend_names_the_levels_by_colour_and_the_document_types_by_symbol():
    frame = documents(6).assign(doc_type=["规划", "实施方案", "提案答复", None, "规划", "实施方案"])
    fig = charts.timeline(views.timeline(frame))
    legend = {trace.name: trace.marker.symbol for trace in fig.data if trace.showlegend is not False}
    assert legend == {
        "市级": "circle",
        "市级（日期推断）": "circle",
        "区级": "circle",
        "区级（日期推断）": "circle",
        "规划": "diamond",
        "实施方案": "circle",
        "提案答复": "star",
        "其他": "x",
    }
    assert all(x is None for trace in fig.data if trace.showlegend is not False for x in trace.x)  # no points
    assert fig.layout.xaxis.type == "date" and fig.layout.yaxis.type == "category"


def test_many_documents_are_counted_per_quarter_with_inferred_dates_apart():
    rows = views.timeline(documents(charts.TIMELINE_POINTS_UP_TO + 1))
    fig = charts.timeline(rows)
    assert {trace.type for trace in fig.data} == {"bar"}
    assert sum(sum(trace.y) for trace in fig.data) == len(rows)
    inferred = [trace for trace in fig.data if "推断" in trace.name]
    assert inferred and all(trace.marker.pattern.shape == "/" for trace in inferred)
    assert sum(sum(trace.y) for trace in inferred) == (rows.date_source == "inferred").sum()
    assert charts.timeline_title(rows) == "每季度发文数（按层级）" and str(len(rows)) in charts.timeline_note(rows)
