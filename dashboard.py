"""天津科技政策看板 — router and frame: page config, the app map, the shared filters, then the page."""
import streamlit as st

from lib import store, ui

st.set_page_config(page_title="天津科技政策看板", page_icon=":material/insights:", layout="wide")

PAGES = [
    st.Page("pages/content/overview.py", title="总览", icon=":material/home:", url_path="overview", default=True),
    st.Page("pages/content/themes.py", title="主题", icon=":material/category:", url_path="themes"),
    st.Page("pages/content/agencies.py", title="部门任务", icon=":material/account_balance:", url_path="agencies"),
    st.Page("pages/content/districts.py", title="区域", icon=":material/map:", url_path="districts"),
    st.Page("pages/content/targets.py", title="目标", icon=":material/flag:", url_path="targets"),
    st.Page("pages/content/reader.py", title="原文", icon=":material/article:", url_path="reader"),
    st.Page("pages/content/tables.py", title="数据与导出", icon=":material/table_view:", url_path="tables"),
]

ui.init_state()
navigation = st.navigation(PAGES, position="top")
try:
    tables = store.load_tables()
except store.TablesMissing as exc:
    st.error(str(exc))
    st.stop()
if not ui.briefing():
    ui.sidebar(tables)
else:
    ui.briefing_style()
ui.sync_url()
navigation.run()
