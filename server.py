"""The dashboard's server: `streamlit run server.py` serves dashboard.py exactly as `streamlit run dashboard.py`
would, and starts reading the tables as the server starts instead of when the first official connects.

A new server otherwise sits idle for the 1–1.5 s a browser takes to load Streamlit's frontend, and only then
imports the libraries and reads the tables (1.9 s of CPU at 10,000 documents), all before the first chart. st.App's
lifespan starts that work in a thread and returns at once, so the server answers from its first moment; a
session that asks for a table still being read waits for it (st.cache_resource holds one lock per value).
The thread then computes every page's opening view (lib/steps), so no official's first visit of a page
waits for its steps either.
Figures: bench/README.md.
"""

import logging
import threading
from contextlib import asynccontextmanager

import streamlit as st


def _warm() -> None:
    try:
        from lib import charts, ui  # noqa: F401 (the imports are half of the work)
        from lib.query import lru, steps, store

        store.warm()
        steps.warm()  # every page's opening view, the overview's first
        lru.freeze_long_lived(
            store.build_version()
        )  # the tables stay for the process's life: the cycle collector skips them
    except Exception:  # a failed warm-up costs only time: the first page reads (and reports) on its own
        logging.getLogger("dashboard").exception("warm-up failed")


@asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=_warm, name="warm-tables", daemon=True).start()
    yield


app = st.App("dashboard.py", lifespan=lifespan)
