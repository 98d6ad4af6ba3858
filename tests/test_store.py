"""The shared, cached tables are read-only: rendering every page leaves them exactly as loaded."""
import pandas as pd
from streamlit.testing.v1 import AppTest

from lib import store
from lib.build import main as build_main
from lib.config import ROOT


def test_rendering_every_page_leaves_the_cached_tables_unchanged():
    assert build_main(["--if-stale"]) in (0, 3)
    before = {name: frame.copy(deep=True) for name, frame in store.load_tables().items()}
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    for page in ("themes", "agencies", "districts", "targets", "evolution", "reader", "tables"):
        app.switch_page(f"pages/content/{page}.py").run()
        assert not app.exception, (page, app.exception)
    after = store.load_tables()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame)
