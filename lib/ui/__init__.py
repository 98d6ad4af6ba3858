"""The Streamlit side, which pages call: state (filters, URL, language), sidebar, page (title and chips), chart
(drawing and click-to-filter) and footer (exports). lib/query reads and reshapes the data; this package draws."""

from lib.ui.chart import chart
from lib.ui.correct import correct_rows
from lib.ui.footer import page_footer
from lib.ui.grid import fitted, fitted_table
from lib.ui.page import loading_placeholder, page_header, rows_shown_note, streamlit_in_chinese, table
from lib.ui.permalink import link_columns
from lib.ui.sidebar import briefing_style, sidebar
from lib.ui.state import briefing, init_state, restore_filters, search_from, sync_url, t

__all__ = [
    "briefing",
    "briefing_style",
    "chart",
    "correct_rows",
    "fitted",
    "fitted_table",
    "init_state",
    "link_columns",
    "loading_placeholder",
    "page_footer",
    "page_header",
    "restore_filters",
    "rows_shown_note",
    "search_from",
    "sidebar",
    "streamlit_in_chinese",
    "sync_url",
    "t",
    "table",
]
