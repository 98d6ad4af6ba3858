"""区域's step: measures per district."""

import numpy as np
import pandas as pd
import streamlit as st

from lib.query import store, views
from lib.query.geo import district_names


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def district_counts(f):
    # Over the view's positions: exploding the view's district lists again and mapping each measure's doc_id
    # to its district took ~0.4 s for a wide year range at 10,000 documents.
    return views.district_counts_at(
        store.label_index("districts"),
        store.filtered(f).rows.measures,
        _own_district(store.build_version()),
        district_names(),
    )


@st.cache_resource(show_spinner=False, max_entries=2)
def _own_district(version: str) -> np.ndarray:
    """Each measure's document's district as a position in the districts index's names (-1: none), per build."""
    tables = store.load_tables()
    own = tables["measures"].doc_id.map(tables["documents"].set_index("doc_id").district)
    return pd.Index(store.label_index("districts").names).get_indexer(own.astype(object)).astype(np.int64)


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    district_counts(f)
