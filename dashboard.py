"""天津科技政策看板 — router and frame. The pages come in their own issue; this one shows the built tables."""
import streamlit as st

st.set_page_config(page_title="天津科技政策看板", page_icon="📊", layout="wide")
navigation = st.navigation([st.Page("pages/tables.py", title="数据表", icon="🗂️", url_path="tables", default=True)])
navigation.run()
