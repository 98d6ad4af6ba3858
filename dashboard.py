"""天津科技政策看板 — router and frame: page config, the app map, the shared filters, then the page."""

import logging

import streamlit as st

from lib import ui
from lib.query import store

# The app map: (script, Chinese title, icon, URL path). Titles follow the language switch.
APP_MAP = [
    ("app_pages/overview.py", "总览", ":material/home:", "overview"),
    ("app_pages/themes.py", "主题", ":material/category:", "themes"),
    ("app_pages/agencies.py", "部门任务", ":material/account_balance:", "agencies"),
    ("app_pages/districts.py", "区域", ":material/map:", "districts"),
    ("app_pages/targets.py", "目标", ":material/flag:", "targets"),
    ("app_pages/evolution.py", "政策演进", ":material/timeline:", "evolution"),
    ("app_pages/benchmark.py", "对标", ":material/compare_arrows:", "benchmark"),
    ("app_pages/catalogue.py", "文件", ":material/folder_open:", "catalogue"),
    ("app_pages/reader.py", "原文", ":material/article:", "reader"),
    ("app_pages/tables.py", "数据与导出", ":material/table_view:", "tables"),
    ("app_pages/review.py", "审核", ":material/fact_check:", "review"),
    ("app_pages/importer.py", "导入文档", ":material/upload_file:", "import"),
]
# The top navigation holds the analysis pages; the document and data pages, and the editors' pages, are two
# menus beside them, so that every page is reachable at a laptop's width (twelve pages overflow into a
# "N more" menu that Streamlit labels in English).
NAV_MENUS = {"文件与数据": ("文件", "原文", "数据与导出"), "审核与导入": ("审核", "导入文档")}

# Shown instead of a traceback (client.showErrorDetails = "none" hides Streamlit's own); the log keeps it.
PAGE_FAILED = "抱歉，本页在当前筛选下出错，已记录。请调整或清除筛选后重试；其他页面不受影响。"

new_session = ui.init_state()
st.set_page_config(page_title=ui.t("天津科技政策看板"), page_icon=":material/insights:", layout="wide")
ui.streamlit_in_chinese()
MENU_OF = {title: menu for menu, titles in NAV_MENUS.items() for title in titles}
PAGES: dict[str, list] = {}
for script, title, icon, url in APP_MAP:
    page = st.Page(script, title=ui.t(title), icon=icon, url_path=url, default=url == "overview")
    PAGES.setdefault(ui.t(MENU_OF.get(title, "")), []).append(page)
navigation = st.navigation(PAGES, position="top")
# Later runs hold an empty slot in its place, so the page's elements keep their positions.
loading = ui.loading_placeholder() if new_session else st.empty()
try:
    tables = store.load_tables()
    ui.restore_filters(tables)
    if not ui.briefing():
        ui.sidebar(tables)
    else:
        ui.briefing_style()
    ui.sync_url()
    loading.empty()
    navigation.run()
except store.TablesUnavailable as exc:  # missing or damaged tables: the command that (re)builds them
    loading.empty()
    st.error(ui.t(str(exc)))
except (
    Exception
):  # a bug must not show a traceback or a server path to an official (st.stop/st.rerun are not Exceptions)
    loading.empty()
    logging.getLogger("dashboard").exception("page %s failed", navigation.url_path)
    st.error(ui.t(PAGE_FAILED))
