"""Placeholder until the page lands."""
import streamlit as st

st.title("建设中")
st.info("该页面正在建设中。")
