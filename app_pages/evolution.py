"""政策演进: how the S&T agenda moved over the documents' years — tag mixes, emerging terms, bodies, targets,
two documents or years side by side, and which document implements which."""

import pandas as pd
import streamlit as st

from lib import ui
from lib.charts import evolution as charts
from lib.charts.overview import timeline_note, timeline_title
from lib.query import evolution as ev
from lib.query import lineage, store
from lib.query.steps import evolution as steps
from lib.query.textview import escape_markdown, highlight

MIX_DIMENSION_KEY, MIX_SHARE_KEY, MIX_BY_KEY = "evolution_mix_dimension", "evolution_mix_share", "evolution_mix_by"
PERIOD_KEY, TERM_KEY, INDICATOR_KEY = "evolution_period_{}", "evolution_term", "evolution_indicators"
COMPARE_BY_KEY, COMPARE_KEY, COMPARE_VALUE_KEY = (
    "evolution_compare_by",
    "evolution_compare_{}_{}",
    "evolution_compare_value",
)
INCLUDE_ISSUER_KEY, INCLUDE_ISSUER = "evolution_include_issuer", "计入未写明责任单位、按发文机关计的措施"
SECTION_KEY = "evolution_section"
# One section at a time (tabs that rerun): a page of nine charts took ~0.8 s to run and ~10 s to draw at
# 10,000 documents; a section is two or three charts.
SECTIONS = [
    "主题与工具构成",
    "新兴与淡出的词语",
    "各机构的措施",
    "同一指标的目标",
    "对比两份文件或两个年份",
    "承接关系",
]


def chosen_periods(years: list[int], brief: bool) -> tuple[tuple | None, tuple[str, str]]:
    """The two periods the terms and the bodies compare (default: the latest year against all before it):
    the same two sliders on both tabs, so a choice made on one holds on the other."""
    periods = ev.default_periods(years)
    if periods and not brief:
        span = list(range(years[0], years[-1] + 1))
        left, right = st.columns(2)
        a = left.select_slider(ui.t("前期"), span, value=periods[0], key=ev.widget_key(PERIOD_KEY.format("a"), span))
        b = right.select_slider(ui.t("近期"), span, value=periods[1], key=ev.widget_key(PERIOD_KEY.format("b"), span))
        periods = (tuple(a), tuple(b))
    return periods, tuple(f"{lo}" if lo == hi else f"{lo}–{hi}" for lo, hi in periods) if periods else (
        ui.t("前期"),
        ui.t("近期"),
    )


def include_issuer_switch(brief: bool, where=st) -> bool:
    """The bodies' fallback switch (off: written responsibility only), the same on both tabs that count bodies."""
    return (
        False
        if brief
        else where.toggle(
            ui.t(INCLUDE_ISSUER),
            value=False,
            key=INCLUDE_ISSUER_KEY,
            help=ui.t(
                "原文没有“责任单位”表述时，措施按发文机关计。各文件写法不同（有的文件一条都不写，"
                "有的逐条写明），混在一起比较会把写法的差别当成职责的变化；图中以空心圆标出。"
            ),
        )
    )


def dominance_caption(selections: dict, subject: str, **counting) -> None:
    """Says so when one document carries more than half of a compared year's or period's measures."""
    if notes := ev.dominance_notes(selections, documents.set_index("doc_id").title, **counting):
        st.caption(
            ui.t("注意：")
            + ui.t("；").join(ui.t(escape_markdown(n)) for n in notes)
            + ui.t(f"。{subject}因此主要反映所列文件，而不是同期的全部文件。")
        )


f, view = ui.page_header(
    "政策演进",
    "科技政策议程逐年如何变化、近期有什么新内容：主题与政策工具构成、"
    "新兴与淡出的词语、各机构的任务、同一指标的目标、两份文件（或两个年份）的对比，以及文件之间的承接关系。",
)
measures, documents, targets = view["measures"], view["documents"], view["targets"]
brief = ui.briefing()
years = sorted(int(y) for y in measures.year.dropna().unique())
rows = steps.timeline_rows(f)
ui.chart(
    charts.document_timeline(rows),
    "evolution_timeline",
    title=timeline_title(rows, "政策文件时间线"),
    select="doc_ids",
    height=360,
    empty="当前筛选下没有文件。请放宽年份或文件筛选。",
    filename="政策演进_文件时间线",
)
if (note := timeline_note(rows)) and not brief:
    st.caption(ui.t(note))

tabs = st.tabs([ui.t(section) for section in SECTIONS], key=SECTION_KEY, on_change="rerun")

with tabs[0]:
    if tabs[0].open:
        # 1. Mix of themes, industries and instruments by year or document
        dimension, share, by = steps.MIX_DIMENSION, True, steps.MIX_BY
        if not brief:
            left, middle, right = st.columns([3, 2, 2])
            dimension = (
                left.segmented_control(
                    ui.t("维度"),
                    list(ev.MIX_DIMENSIONS),
                    format_func=lambda v: ui.t(ev.MIX_DIMENSIONS[v]),
                    default=steps.MIX_DIMENSION,
                    required=True,
                    key=MIX_DIMENSION_KEY,
                )
                or dimension
            )
            share = middle.segmented_control(
                ui.t("数值"),
                [True, False],
                format_func=lambda v: ui.t("占比" if v else "措施数"),
                default=True,
                required=True,
                key=MIX_SHARE_KEY,
            )
            by = (
                right.segmented_control(
                    ui.t("分组"),
                    ["year", "document"],
                    format_func=lambda v: ui.t({"year": "按年份", "document": "按文件"}[v]),
                    default=steps.MIX_BY,
                    required=True,
                    key=MIX_BY_KEY,
                )
                or by
            )
        share = share is not False
        label = ev.MIX_DIMENSIONS[dimension]
        ui.chart(
            charts.mix_figure(steps.mix(f, dimension, by), share, by),
            f"evolution_mix_{dimension}_{by}",
            title=f"{label}构成（{'按年份' if by == 'year' else '按文件'}，{'占比' if share else '措施数'}）",
            height=520,
            empty=f"当前筛选下的措施没有{label}标签。",
            filename=f"政策演进_{label}构成",
            select=ev.MIX_FILTER[dimension],
        )
        if by == "year" and not brief:
            dominance_caption({f"{y} 年": measures[measures.year == y] for y in years}, "这些年份的构成")

with tabs[1]:
    if tabs[1].open:
        # 2. Emerging and fading terms
        periods, names = chosen_periods(years, brief)
        if not periods:
            st.info(ui.t("当前筛选下的措施不足两个年份，无法比较两个时期。请放宽年份、文件或检索筛选。"))
        else:
            scores, floor = steps.term_scores(f, periods)
            emerging, fading = ev.emerging_and_fading(scores, top=12)
            ui.chart(
                charts.term_figure(emerging, fading, names),
                "evolution_terms",
                height=200 + 24 * (len(emerging) + len(fading)),
                title=f"{names[1]} 对比 {names[0]}：新兴与淡出的词语",
                filename="政策演进_新兴与淡出词语",
                empty="两个时期的措施太少，没有词能达到可比较的最少措施数；或两个时期相同。请调整时期或放宽筛选。",
            )
            if not brief:
                dominance_caption(
                    {f"{name} 年": ev.in_period(measures, period) for name, period in zip(names, periods)}, "词语的比较"
                )
            if not brief and len(emerging) + len(fading):
                st.caption(
                    ui.t(
                        f"z 值：该词在{names[1]}与{names[0]}措施中出现比例之差的加权对数优势比，以当前筛选下全部措施的词频为先验"
                        "（Monroe、Colaresi、Quinn 2008），少见词不会因偶然出现而排前；|z|>1.96 的差异不太可能出于偶然。"
                        f"只列出两个时期合计至少 {floor} 条措施使用的词：更少的词即使只出现在一个时期，z 值也达不到 1.96"
                        "（门槛随两个时期的措施多少而定）。词按原文的整词计：“常态化”“新时代”中的“常态”“时代”不算。"
                    )
                )
                options = [*emerging.term, *fading.term]
                term = st.selectbox(
                    ui.t("查看含该词的原句"),
                    options,
                    key=TERM_KEY,
                    format_func=lambda w: f"{w}（{ui.t('新兴' if w in set(emerging.term) else '淡出')}）",
                )
                st.caption(ui.t("含该词的原句（最新在前，最多 10 句）"))
                for row in steps.sentences_with(f, term).itertuples():
                    with st.container(border=True):
                        st.caption(
                            f"{row.year if pd.notna(row.year) else ui.t('年份不详')} · {escape_markdown(row.title)} · {escape_markdown(row.heading)}"
                        )
                        st.markdown(highlight(row.sentence, [term]))

with tabs[2]:
    if tabs[2].open:
        # 3. Bodies over time, by written responsibility unless the issuer fallback is switched on
        include_issuer = include_issuer_switch(brief)
        cells = steps.bodies_by_year(f, include_issuer)
        notes = ev.renaming_notes(view["agencies"], set(cells.agency))
        counted = "含按发文机关计" if include_issuer else "原文写明的责任单位"
        ui.chart(
            charts.agency_grid(cells, notes),
            "evolution_agencies",
            title=f"各机构每年承担的措施数（前 15，{counted}，更名机构合并计数）",
            empty="当前筛选下没有写明责任单位的措施。打开上方开关可计入按发文机关计的措施。"
            if not include_issuer
            else "当前筛选下没有可归属到机构的措施。",
            filename="政策演进_机构按年份",
            select="agencies",
            height=220 + 30 * cells.agency.nunique() + 22 * len(notes),
        )
        if not brief:
            left_out = "" if include_issuer else ev.fallback_note(measures)
            st.caption(
                ui.t("机构按规范名称计数：更名前的名称计入现名（")
                + ui.t("；").join(ui.t(n) for n in notes or [ui.t("本视图无更名机构")])
                + ui.t("）。")
                + (ui.t(left_out) + ui.t("打开上方开关可计入（图中以空心圆标出）。") if left_out else "")
                + (ui.t("空心圆：该机构当年的措施全部是原文未写明责任单位、按发文机关计的。") if include_issuer else "")
            )
        periods, names = chosen_periods(years, brief)
        if periods and not brief:
            appeared, vanished = steps.bodies_appeared_and_vanished(f, periods, include_issuer)
            basis = "含按发文机关计" if include_issuer else "按原文写明的责任单位"
            selections = {f"{name} 年": ev.in_period(measures, period) for name, period in zip(names, periods)}
            if not include_issuer:  # read before the lists: a side that writes few bodies makes the other's look new
                st.caption(
                    ui.t(escape_markdown(ev.written_coverage(selections)))
                    + ui.t("。一方写明责任单位的措施少时，另一方的机构多会显得是“新出现”的。")
                )
            for column, frame, title in zip(
                st.columns(2),
                (appeared, vanished),
                (
                    f"新出现的机构（{names[1]}有、{names[0]}无；{basis}）",
                    f"不再出现的机构（{names[0]}有、{names[1]}无；{basis}）",
                ),
            ):
                column.markdown(f"**{ui.t(title)}**")
                column.markdown(
                    "  \n".join(ui.t(escape_markdown(ev.body_line(r))) for r in frame.head(12).itertuples())
                    or ui.t("（无）")
                )
            dominance_caption(
                selections,
                "机构的比较",
                **(
                    {}
                    if include_issuer
                    else {"counted": lambda m: ev.responsibility_rows(m, False), "what": "写明责任单位的措施"}
                ),
            )

with tabs[3]:
    if tabs[3].open:
        # 4. The same indicator across documents
        aligned, order = steps.indicators(f)
        chosen = order[:6]
        if order and not brief:
            chosen = st.multiselect(
                ui.t("指标"),
                order,
                default=chosen,
                key=ev.widget_key(INDICATOR_KEY, order),
                help=ui.t("指标名称的对应关系见 data/indicators.yaml；默认：在最多文件中出现的指标"),
            )
        plotted = ev.busiest_documents(aligned, chosen, charts.INDICATOR_DOCUMENTS)
        ui.chart(
            charts.indicator_figure(plotted, chosen),
            "evolution_indicators",
            title="同一指标在各文件中的目标值（按目标年份）",
            empty="当前筛选下没有可对应到规范指标的量化目标（或未选择指标）。",
            filename="政策演进_指标对照",
            select="doc_ids",
            height=charts.indicator_height(len(chosen)),
        )
        if order and not brief:
            if (n_docs := aligned[aligned.series.isin(chosen)].doc_id.nunique()) > charts.INDICATOR_DOCUMENTS:
                st.caption(
                    ui.t(
                        f"所选指标出现在 {n_docs} 份文件中，图中只画出点数最多的 {charts.INDICATOR_DOCUMENTS} 份"
                        "（颜色超过十余种便无法区分）；按区域、文件或年份筛选可看到其余文件。"
                    )
                )
            st.caption(
                ui.t(
                    "空心圆：原文数值被遮盖，置于纵轴底部，悬停可见遮盖位数，不作推测。未写或遮盖目标年份的，按规划期末（无规划期则按发文年份）放置。"
                    "区级文件的目标（如北辰区）与全市目标口径不同，悬停可见范围。"
                )
            )

with tabs[4]:
    if tabs[4].open:
        # 5. Two documents or two years side by side
        side_by, share, include_issuer = "year", True, False
        if not brief:
            left, middle, right = st.columns([2, 2, 3])
            side_by = (
                left.segmented_control(
                    ui.t("对比"),
                    ["doc_id", "year"],
                    format_func=lambda v: ui.t({"doc_id": "两份文件", "year": "两个年份"}[v]),
                    default="doc_id",
                    required=True,
                    key=COMPARE_BY_KEY,
                )
                or "doc_id"
            )
            share = (
                middle.segmented_control(
                    ui.t("数值"),
                    ["share", "count"],
                    format_func=lambda v: ui.t({"share": "占比", "count": "措施数"}[v]),
                    default="share",
                    required=True,
                    key=COMPARE_VALUE_KEY,
                    help=ui.t("占比：带该标签的措施占该侧全部措施的比例，长文件与短文件可以直接比较"),
                )
                != "count"
            )
            include_issuer = include_issuer_switch(brief, right)
        titles = store.doc_titles()
        options = steps.documents_in_time_order(f) if side_by == "doc_id" else years
        if len(options) < 2:
            st.info(ui.t("当前筛选下不足两份文件（或两个年份），无法对比。请放宽筛选。"))
        else:
            pick = [options[-2], options[-1]]
            if not brief:
                for n, column in enumerate(st.columns(2)):
                    pick[n] = column.selectbox(
                        "AB"[n],
                        options,
                        index=len(options) - 2 + n,
                        key=ev.widget_key(COMPARE_KEY.format(side_by, "ab"[n]), options),
                        format_func=lambda v: titles.get(v, v) if side_by == "doc_id" else str(v),
                    )
            sides = [measures[measures[side_by] == p] for p in pick]
            pair = tuple(
                f"{side}：" + (titles.get(p, p)[:20] if side_by == "doc_id" else str(p)) for side, p in zip("AB", pick)
            )
            dims = {"themes": "主题", "instruments": "政策工具", "agencies": "机构"}
            # Bodies by written responsibility on both sides unless the fallback is switched on (as on 各机构的措施).
            tables = {
                field: ev.compare_counts(
                    *(ev.responsibility_rows(side, include_issuer) if field == "agencies" else side for side in sides),
                    field,
                    top=15,
                    by="share" if share else "count",
                )
                for field in dims
            }
            height = max(
                charts.compare_height(table) for table in tables.values()
            )  # one height, so the legends line up
            for column, (field, dim_label) in zip(st.columns(3), dims.items()):
                with column:
                    ui.chart(
                        charts.compare_figure(tables[field], pair, share),
                        f"evolution_compare_{field}",
                        title=f"{dim_label}：A 与 B（{'占比' if share else '措施数'}）",
                        empty=f"两边的措施都没有{dim_label}标签。"
                        + ("（机构只计原文写明的责任单位）" if field == "agencies" and not include_issuer else ""),
                        filename=f"政策演进_对比_{dim_label}",
                        select=field,
                        height=height,
                    )
            if not brief:
                sizes = ui.t("，").join(
                    ui.t(f"{name.split('：')[0]} {len(side)} 条") for name, side in zip(pair, sides)
                )
                st.caption(
                    ui.t(f"措施数：{sizes}。")
                    + (
                        ui.t("占比 = 带该标签的措施占该侧全部措施的比例（一条措施可带多个标签，合计可超过 100%）。")
                        if share
                        else ""
                    )
                    + (
                        ui.t("机构只计原文写明的责任单位：")
                        + ui.t(escape_markdown(ev.written_coverage(dict(zip("AB", sides)))))
                        + ui.t("。")
                        if not include_issuer
                        else ""
                    )
                )
                if side_by == "year":
                    dominance_caption({f"{p} 年": side for p, side in zip(pick, sides)}, "两年的对比")
            if not brief:
                st.markdown(f"**{ui.t('量化目标')}**")
                compared = ev.compare_targets(
                    *(targets[targets[side_by] == p] for p in pick), ev.indicator_phrases(), names=pair
                )
                if compared.empty:
                    st.info(ui.t("两边都没有量化目标。"))
                else:
                    st.dataframe(ui.table(compared), hide_index=True, width="stretch")
                new, dropped, floor = steps.new_and_dropped_terms(f, side_by, tuple(pick))
                for column, frame, title in zip(
                    st.columns(2),
                    (new, dropped),
                    (
                        "新出现的词（B 有、A 无；括号内为措施数、占 B 的比例）",
                        "不再出现的词（A 有、B 无；括号内为措施数、占 A 的比例）",
                    ),
                ):
                    column.markdown(f"**{ui.t(escape_markdown(title))}**")
                    column.markdown(
                        "、".join(f"{escape_markdown(r.term)}（{r.n}，{r.share:.0%}）" for r in frame.itertuples())
                        or ui.t(f"（无：没有只在一侧出现、且至少 {floor} 条措施使用的词）" if floor else "（无）")
                    )
                st.caption(
                    ui.t(
                        f"只列出至少 {floor} 条措施使用的词（只在一侧出现的词达到 |z|=1.96 所需的最少措施数），按原文的整词计。"
                        if floor
                        else "两边的措施太少：只在一侧出现的词也不能与偶然区分，不列出。"
                    )
                )

with tabs[5]:
    if tabs[5].open:
        # 6. Lineage: which document implements or cites which
        nodes, edges = steps.lineage_of(f)
        ui.chart(
            charts.lineage_figure(nodes, edges),
            "evolution_lineage",
            title="政策承接关系：文件引用或贯彻的文件",
            empty="当前筛选下的文件没有引用其他文件。",
            filename="政策演进_承接关系",
            select="doc_ids",
            height=charts.lineage_height(nodes),
        )
        if len(documents) > lineage.UNLINKED_UP_TO and not brief and not nodes.empty:
            st.caption(
                ui.t(
                    f"当前筛选下有 {len(documents)} 份文件，图中只列出引用或被引用的文件；按区域、年份或文件筛选可看到全部文件。"
                )
            )

ui.page_footer("政策演进")
