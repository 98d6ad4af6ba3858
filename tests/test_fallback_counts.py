"""A body the text never names (no 责任单位: the measure is counted for the issuing body) is marked apart in
every count that shows it: the overview's bars and their slide, the headline, tables."""

import pandas as pd

from lib.charts import overview as charts
from lib.query import views

MEASURES = pd.DataFrame(
    {
        "agencies": [["市科技局"], ["市科技局", "市教委"], ["市政府办公厅"], ["市政府办公厅"], []],
        "agency_source": ["phrase", "phrase", "issuer", "issuer", "none"],
    }
)


def test_bodies_are_counted_written_apart_from_the_fallback():
    counts = views.count_bodies(MEASURES)
    assert counts.to_dict("records") == [
        {"label": "市政府办公厅", "n_written": 0, "n_issuer": 2, "n": 2},  # ties by name
        {"label": "市科技局", "n_written": 2, "n_issuer": 0, "n": 2},
        {"label": "市教委", "n_written": 1, "n_issuer": 0, "n": 1},
    ]


def test_the_overview_bars_hatch_the_fallback_and_name_it_in_the_legend():
    fig = charts.body_bars(views.count_bodies(MEASURES), "措施数")
    bars = {trace.name: trace for trace in fig.data if trace.type == "bar"}
    fallback = bars["未写明责任单位，按发文机关计"]
    assert fallback.marker.pattern.shape == "/" and list(fallback.x)[list(fallback.y).index("市政府办公厅")] == 2
    assert bars[charts.WRITTEN_LABEL].marker.pattern.shape == "" and fig.layout.showlegend


def test_the_headline_counts_only_bodies_the_text_names():
    view = {
        "measures": MEASURES.assign(districts=[[]] * 5),
        "documents": pd.DataFrame({"year": [2021]}),
        "targets": pd.DataFrame(),
    }
    assert views.headline(view)["写明的责任机构"] == "2"


def test_a_table_marks_a_fallback_body():
    assert list(views.bodies_shown(MEASURES)) == [
        "市科技局",
        "市科技局、市教委",
        "市政府办公厅（未写明责任单位，按发文机关计）",
        "市政府办公厅（未写明责任单位，按发文机关计）",
        "未写明",
    ]


def test_the_seed_overview_no_longer_counts_the_fallback_as_written(seed_tables):
    counts = views.count_bodies(seed_tables["measures"]).set_index("label")
    assert counts.loc["市政府办公厅", "n_written"] == 0 and counts.loc["市政府办公厅", "n_issuer"] > 0
