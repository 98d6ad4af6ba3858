"""The session's state: the filters (from the URL on a session's first run, back into it on every run), chart
clicks waiting to be applied, the language and briefing mode. Session-state keys are the constants below and are
written only in lib/ui."""

from __future__ import annotations

import streamlit as st

from lib.query import filters as flt
from lib.query import store
from lib.ui.i18n import translate

KEY = {dim: f"filter_{dim}" for dim in flt.DIMENSIONS} | {
    "years": "filter_years",
    "kinds": "filter_kinds",
    "search": "filter_search",
    "jurisdictions": "filter_jurisdictions",
    "reviewed": "filter_reviewed",
}


BRIEFING_KEY = "briefing_mode"


LANG_KEY = "language"


PENDING_KEY = "pending_selections"  # chart clicks waiting to be applied before the widgets are drawn


APPLIED_PREFIX = "applied_selection_"


INITIALISED_KEY = "filters_initialised"


TREEMAP_ROOT = "全部"  # the root label of our treemaps (lib/charts/themes.py)


FIGURES_KEY = "figures_this_run"  # (title, figure) of the charts drawn in this run, for the briefing deck


SPAN_KEY = "year_span_seen"  # the tables' years when the slider was last drawn: "every year" follows new data


URL_NOTES_KEY = "url_adjustments"  # what the URL asked for that could not be shown as asked


def _state_from_filters(f: flt.Filters) -> dict:
    state: dict[str, object] = {KEY[dim]: list(getattr(f, dim)) for dim in flt.DIMENSIONS}
    state.update({KEY["years"]: f.years, KEY["kinds"]: list(f.kinds), KEY["search"]: f.search})
    state[KEY["jurisdictions"]] = list(f.jurisdictions)
    state[KEY["reviewed"]] = f.reviewed
    return state


def init_state() -> bool:
    """First run of a session: language and briefing mode from the URL. Every run: apply chart clicks of the
    last run. Returns whether this is the session's first run (the filters are read by restore_filters)."""
    st.session_state[FIGURES_KEY] = []
    new_session = not st.session_state.get(INITIALISED_KEY)
    if new_session:
        params = st.query_params.to_dict()
        st.session_state[BRIEFING_KEY] = params.get("brief") == "1"
        st.session_state[LANG_KEY] = "English" if params.get("lang") == "en" else "中文"
    # Re-assigning detaches the values from their widgets, so filters survive runs where the sidebar
    # is not drawn (briefing mode) instead of being dropped with the unrendered widgets.
    for key in (*KEY.values(), BRIEFING_KEY, LANG_KEY):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    for dimension, value in st.session_state.pop(PENDING_KEY, []):
        current = list(st.session_state.get(KEY[dimension], []))
        if value not in current:
            st.session_state[KEY[dimension]] = [*current, value]
    return new_session


def restore_filters(tables: dict) -> None:
    """A session's first run, once the tables are read: the filters from the URL, checked against the data
    (unknown values dropped, years clamped, long values cut); what was adjusted is said under the title."""
    if st.session_state.get(INITIALISED_KEY):
        return
    f, notes = flt.parse_query(
        st.query_params.to_dict(),
        store.year_span(),
        flt.known_values(store.filter_options(), tables["documents"].doc_id, store.place_options()),
    )
    for key, value in _state_from_filters(f).items():
        st.session_state[key] = value
    st.session_state[URL_NOTES_KEY] = notes
    st.session_state[INITIALISED_KEY] = True


def current_filters() -> flt.Filters:
    """The filters of this run (defaults when a page runs alone, e.g. under AppTest.from_file)."""
    s = st.session_state
    if not s.get(INITIALISED_KEY):
        return flt.from_query(st.query_params.to_dict(), store.year_span())
    years = s.get(KEY["years"])
    return flt.Filters(
        **{dim: tuple(s.get(KEY[dim], ())) for dim in flt.DIMENSIONS},
        years=flt.years_filter(years, store.year_span()) if years is not None else None,
        kinds=tuple(s.get(KEY["kinds"]) or flt.ACTIONABLE_KINDS),
        search=str(s.get(KEY["search"], "")).strip(),
        jurisdictions=flt.places_filter(s.get(KEY["jurisdictions"]) or ()),
        reviewed=bool(s.get(KEY["reviewed"], False)),
    )


def clear_filters() -> None:
    """Callback of 清除筛选."""
    for key, value in _state_from_filters(flt.Filters()).items():
        st.session_state[key] = value


MANAGED_QUERY_KEYS = {key for key, _, _ in flt.DIMENSIONS.values()} | {
    "y",
    "k",
    "q",
    flt.JURISDICTION_KEY,
    flt.REVIEWED_KEY,
    "brief",
    "lang",
}


def sync_url() -> None:
    """Keep the address bar equal to the filters, so a copied URL reproduces the view. Keys the
    filters do not manage (the reader's m=<measure>) are kept."""
    current = st.query_params.to_dict()
    query = {k: v for k, v in current.items() if k not in MANAGED_QUERY_KEYS}
    query |= flt.to_query(current_filters())
    if st.session_state.get(BRIEFING_KEY):
        query["brief"] = "1"
    if st.session_state.get(LANG_KEY) == "English":
        query["lang"] = "en"
    if current != query:
        st.query_params.from_dict(query)


def language() -> str:
    """The interface language chosen in the sidebar ("中文" or "English")."""
    return str(st.session_state.get(LANG_KEY, "中文"))


def t(label: str) -> str:
    """An interface label (or a text made from a template of data/i18n.yaml) in the chosen language."""
    return translate(label, language())


def briefing() -> bool:
    return bool(st.session_state.get(BRIEFING_KEY))


def search_from(key: str) -> None:
    """Callback of a page's own search box: it sets the one search every page applies."""
    st.session_state[KEY["search"]] = str(st.session_state.get(key, "")).strip()


def _remove_value(dimension: str, value: str) -> None:
    st.session_state[KEY[dimension]] = [v for v in st.session_state.get(KEY[dimension], []) if v != value]


def include_all_places() -> None:
    """Callback of 纳入全部地区 under a page's title."""
    st.session_state[KEY["jurisdictions"]] = [flt.ALL_PLACES]


def _reset(field: str) -> None:
    st.session_state[KEY[field]] = _state_from_filters(flt.Filters())[KEY[field]]
