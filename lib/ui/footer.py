"""The foot of every page: the filtered tables as Excel and CSV, the page's charts as a PPTX deck. The files are
made only when a button is clicked, and the exporters (xlsxwriter, python-pptx) imported only then."""

from __future__ import annotations

import re
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from lib.query import filters as flt
from lib.query import store
from lib.ui.state import FIGURES_KEY, briefing, current_filters, t


def _untitled(figures: list[tuple[str, go.Figure]]) -> list[tuple[str, go.Figure]]:
    """Copies of the page's figures without their title (a slide has its own). Copying a figure validates
    every trace again, seconds for a large treemap, hence only when the deck is asked for."""
    return [(title, go.Figure(fig).update_layout(title=None)) for title, fig in figures]


def _name(label: str) -> str:
    """A label in the interface language as part of a file name ("Data & exports" → "Data_exports")."""
    return re.sub(r"[^\w-]+", "_", t(label)).strip("_")


def page_footer(page: str) -> None:
    """Exports of this page: the filtered tables (Excel, CSV with BOM) and a deck of its charts.
    Files are produced only when a button is clicked (deferred download data)."""
    if briefing():
        return
    f = current_filters()
    view = store.filtered(f)
    text = flt.describe(f, store.doc_titles())
    stamp = date.today().isoformat()

    def full_measures():  # with their texts, taken only when an export is clicked (the view is row positions)
        return store.with_long_columns(view["measures"], "measures")

    def xlsx_file() -> bytes:
        from lib.exports import tables

        return tables.to_xlsx(full_measures(), view["targets"], text, view["documents"])

    def csv_file(table: str) -> bytes:
        from lib.exports import tables

        return tables.to_csv_bom(full_measures() if table == "measures" else view["targets"], table, view["documents"])

    def deck_file() -> bytes:
        from lib.exports import deck

        return deck.deck_pptx(_untitled(figures), text)

    figures = list(st.session_state.get(FIGURES_KEY, []))
    st.divider()
    st.caption(t("导出（按当前筛选）"))
    xlsx, csv_measures, csv_targets, slides = st.columns(4)
    xlsx.download_button(
        t("Excel：措施与目标"),
        data=xlsx_file,
        file_name=f"{_name('天津科技政策')}_{_name(page)}_{stamp}.xlsx",
        key=f"export_xlsx_{page}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    csv_measures.download_button(
        t("CSV：措施"),
        data=lambda: csv_file("measures"),
        file_name=f"{_name('措施')}_{_name(page)}_{stamp}.csv",
        mime="text/csv",
        key=f"export_csv_m_{page}",
        on_click="ignore",
    )
    csv_targets.download_button(
        t("CSV：目标与参数"),
        data=lambda: csv_file("targets"),
        file_name=f"{_name('目标')}_{_name(page)}_{stamp}.csv",
        mime="text/csv",
        key=f"export_csv_t_{page}",
        on_click="ignore",
    )
    slides.download_button(
        t(f"简报 PPTX（本页 {len(figures)} 张图）"),
        data=deck_file,
        file_name=f"{_name('天津科技政策简报')}_{_name(page)}_{stamp}.pptx",
        key=f"export_pptx_{page}",
        disabled=not figures,
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
    )
