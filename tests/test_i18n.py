"""The English switch translates interface labels and leaves everything else as written."""

from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.ui.i18n import translate


def test_labels_translate_and_unknown_labels_stay():
    assert translate("总览", "English") == "Overview"
    assert translate("总览", "中文") == "总览"
    assert translate("北辰区科技局", "English") == "北辰区科技局"


def test_the_switch_changes_the_interface_not_the_data():
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    app.session_state["language"] = "English"
    app.run()
    assert app.title[0].value == "Overview"
    assert {m.label for m in app.metric} >= {"Documents", "Measures"}
