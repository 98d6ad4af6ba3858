"""对标: Tianjin (the city and its districts) against one other loaded place, side by side, on themes, instruments,
targets and bodies; every bar a share of its own side's measures, with the count beside it."""

import streamlit as st

from lib import ui
from lib.charts import benchmark as charts
from lib.config import HOME
from lib.query import benchmark as bm
from lib.query import store
from lib.query.evolution import indicator_phrases
from lib.query.textview import escape_markdown

PEER_KEY = "benchmark_peer"

f, _ = ui.page_header(
    "对标",
    "天津市（含各区）与另一地区的科技政策并排比较：主题、政策工具、量化目标与责任机构。"
    "比例按各自的措施数计算，篇幅不同的两地也可直接比较。",
    count_places=False,
)
peers = bm.peer_places(store.load_tables()["documents"])
if not peers:
    st.info(ui.t(bm.NO_PEER), icon=":material/compare_arrows:")
    st.stop()

chosen = next((p for p in f.jurisdictions if p in peers), peers[0])  # a place chosen in the sidebar leads
peer = chosen if ui.briefing() else st.selectbox(ui.t("对标地区"), peers, index=peers.index(chosen), key=PEER_KEY)
names = (HOME, peer)
home_view, peer_view = (store.filtered(side) for side in bm.side_filters(f, peer))
sizes = [bm.side_sizes(home_view), bm.side_sizes(peer_view)]
st.caption(
    escape_markdown(
        f"{bm.size_caption(names, sizes)}。其余筛选（年份、措施类型、检索等）两侧相同；本页的“地区”由上方选择决定。"
    )
)
for column, name, size in zip(st.columns(2), names, sizes):
    with column:
        st.markdown(f"**{escape_markdown(name)}**")
        for cell, (label, value) in zip(st.columns(len(size)), size.items()):
            cell.metric(ui.t(label), value)

measures = home_view["measures"], peer_view["measures"]
targets = home_view["targets"], peer_view["targets"]


def draw(table, key: str, title: str, unit: str = "条措施") -> None:
    ui.chart(
        charts.side_by_side(table, names, unit),
        f"benchmark_{key}",
        title=title,
        empty="当前筛选下两地都没有可比较的内容。",
        filename=f"对标_{title}",
        height=charts.height(table),
    )


st.subheader(ui.t("主题"))
draw(bm.themes(*measures), "themes", "各主题措施所占比例")
st.subheader(ui.t("政策工具"))
left, right = st.columns([2, 3])
with left:
    draw(bm.instrument_types(*measures), "instrument_types", "供给型、环境型、需求型工具")
with right:
    draw(bm.instruments(*measures), "instruments", "政策工具细类")
st.subheader(ui.t("量化目标"))
mapping = indicator_phrases()
left, right = st.columns([2, 3])
with left:
    draw(bm.target_kinds(*targets), "target_kinds", "目标、参数与基线", unit="条")
with right:
    common = bm.common_indicators(*targets, mapping, names)
    counts = [bm.indicator_counts(t, mapping) for t in targets]
    st.markdown(f"**{ui.t('两地共有的指标')}**")
    st.caption(
        escape_markdown(
            f"{HOME}量化 {counts[0]} 个指标，{peer}量化 {counts[1]} 个，两地共有 {len(common)} 个（同一指标的数值、单位与目标年份）。"
        )
    )
    if common.empty:
        st.info(ui.t("当前筛选下两地没有共同的量化指标。"))
    else:
        st.dataframe(common, hide_index=True, width="stretch")
st.subheader(ui.t("责任机构"))
left, right = st.columns(2)
with left:
    draw(bm.body_coverage(*measures), "body_coverage", "措施是否写明责任单位")
with right:
    draw(bm.body_types(*measures), "body_types", "写明的责任单位类型")
st.caption(ui.t("机构类型只计原文“责任单位”写明的机构；未写明而按发文机关计的措施见左图。"))

ui.page_footer("对标")
