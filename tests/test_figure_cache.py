"""A chart given as a function is built and styled once per (build, filters, language, briefing mode) and
shared by every session (issue #20): the districts map's figure was rebuilt on every run."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.build.cli import main as build_main
from lib.charts import overview
from lib.config import ROOT


def test_the_timeline_is_built_once_per_filters_and_language(monkeypatch):
    assert build_main(["--if-stale"]) in (0, 3)
    st.cache_resource.clear()
    built = []
    real = overview.timeline
    monkeypatch.setattr(overview, "timeline", lambda rows: built.append(1) or real(rows))

    def session(**state):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
        for key, value in state.items():
            app.session_state[key] = value
        if state:
            app.run()
        assert not app.exception and len(app.get("plotly_chart")) == 3
        return app

    first = session()
    session()
    assert len(built) == 1  # the second official's overview reuses the figure
    session(filter_districts=["北辰区"])
    assert len(built) == 2
    english = session(language="English")
    assert len(built) == 3
    assert "Overview" == english.title[0].value
    st.cache_resource.clear()
    assert first.get("plotly_chart")[0].proto.spec == session().get("plotly_chart")[0].proto.spec  # the same chart
