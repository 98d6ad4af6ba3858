"""对标 (benchmarking): Tianjin (the city and its districts) against one other loaded place, side by side.

Each side is the tables narrowed by the same filters (years, kinds, search …) and its own 地区, and every
comparison is a share of that side's own measures (or targets), with the counts beside it, so that a place
of 200 measures and one of 40 can be read against each other. Pure pandas: the page draws, this reshapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from lib.codes import AgencySource
from lib.config import HOME
from lib.query import filters as flt
from lib.query.evolution import compare_counts, compare_targets
from lib.query.views import TARGET_KIND_LABELS

TABLE_COLUMNS = ["label", "a", "b", "a_share", "b_share"]  # compare_counts' shape: every chart of the page reads it
NO_PEER = (
    "加载其他地区的文件后可对标：在“导入文档”页上传其他城市或省份的科技政策文件"
    "（或在服务器上运行 python -m lib.build --add 文件…），本页即可将天津市与该地区并排比较。"
)
WRITTEN, BY_ISSUER, UNASSIGNED = "写明责任单位", "未写明，按发文机关计", "未归属机构"

# 机构类型 (body types), first match wins: the order puts the specific forms (人大, 各区人民政府, 市委组织部)
# before the generic endings (局, 委, 办) that they share. Written as GB/T 9704 and government sites name bodies.
BODY_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("人大", re.compile(r"人民代表大会|人大")),
    (
        "下级政府与基层",
        re.compile(r"^(?:各|有关|相关)\S*?(?:政府|[市区县镇乡]|街道)$|[区县镇乡]人民政府$|街道|乡镇|区镇"),
    ),
    ("党委及群团", re.compile(r"^中共|^团|[省市区县]委(?!员)|党委|工会|妇联|科协|侨联")),
    ("政府及其办公厅", re.compile(r"(?:人民政府|政府办公厅|政府办公室|政府办)(?:（.*）)?$|^国务院")),
    ("金融机构与企业", re.compile(r"银行|人行|分行|证券|保险|集团|公司|企业|交易所")),
    ("高校与科研院所", re.compile(r"大学|学院|科学院|研究院|研究所|实验室")),
    ("政府部门", re.compile(r"(?:局|厅|委|委员会|办|办公室|中心|署|部|处|管委会)(?:（.*）)?$")),
)
OTHER_BODY = "其他"
INSTRUMENT_TYPES = ("供给型", "环境型", "需求型")


def peer_places(documents: pd.DataFrame) -> list[str]:
    """The places Tianjin can be set against: every loaded place outside Tianjin, most documents (then
    measures) first, so the default peer is the one with the most to compare."""
    places = flt.document_places(documents)
    outside = ~places.str.startswith(HOME)
    size = documents.n_measures if "n_measures" in documents else pd.Series(0, index=documents.index)
    per_place = pd.DataFrame({"place": places[outside], "measures": size[outside]}).groupby("place").measures
    docs, measures = per_place.size(), per_place.sum()
    return sorted(docs.index, key=lambda place: (-docs[place], -measures[place], place))


def side_filters(filters: flt.Filters, peer: str) -> tuple[flt.Filters, flt.Filters]:
    """The page's filters for each side: every filter as chosen, the 地区 set to Tianjin and to the peer."""
    return replace(filters, jurisdictions=(HOME,)), replace(filters, jurisdictions=(peer,))


def side_sizes(view: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """文件, 措施, 量化目标 and the measures naming a body of one side."""
    measures, targets = view["measures"], view["targets"]
    return {
        "文件": len(view["documents"]),
        "措施": len(measures),
        "量化目标": int((targets.kind == "target").sum()),
        "写明责任单位": int(measures.agency_source.eq(AgencySource.PHRASE).sum()),
    }


def size_caption(names: Sequence[str], sizes: Sequence[Mapping[str, int]]) -> str:
    """'天津市：3 份文件、120 条措施；武汉市：1 份文件、40 条措施。…': what each share is a share of."""
    sides = "；".join(f"{name}：{s['文件']} 份文件、{s['措施']} 条措施" for name, s in zip(names, sizes))
    return f"{sides}。每条柱是该地措施（或目标）中所占的比例，括号内为条数"


def themes(measures_a: pd.DataFrame, measures_b: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Themes as shares of each side's measures, the `top` with the larger share first."""
    return compare_counts(measures_a, measures_b, "themes", top=top)


def instrument_types(measures_a: pd.DataFrame, measures_b: pd.DataFrame) -> pd.DataFrame:
    """供给型 / 环境型 / 需求型 as shares of each side's measures (a measure counts once per type)."""
    table = compare_counts(_with_types(measures_a), _with_types(measures_b), "instrument_types")
    return _in_order(table, INSTRUMENT_TYPES)


def instruments(measures_a: pd.DataFrame, measures_b: pd.DataFrame) -> pd.DataFrame:
    """The instrument sub-types (供给型·人才支持 …) as shares, grouped by type, larger shares first within it."""
    table = compare_counts(measures_a, measures_b, "instruments")  # larger share first
    rank = {label: n for n, label in enumerate(INSTRUMENT_TYPES)}
    by_type = table.label.map(lambda label: rank.get(label.split("·")[0], len(rank)))
    return table.iloc[by_type.argsort(kind="stable")].reset_index(drop=True)


def _with_types(measures: pd.DataFrame) -> pd.DataFrame:
    types = [sorted({str(i).split("·")[0] for i in (row if row is not None else ())}) for row in measures.instruments]
    return pd.DataFrame({"instrument_types": types}, index=measures.index)


def target_kinds(targets_a: pd.DataFrame, targets_b: pd.DataFrame) -> pd.DataFrame:
    """Targets, parameters, baselines and qualitative goals as shares of each side's target rows."""

    def as_lists(targets: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"kinds": [[TARGET_KIND_LABELS.get(k, k)] for k in targets.kind]}, index=targets.index)

    table = compare_counts(as_lists(targets_a), as_lists(targets_b), "kinds")
    return _in_order(table, tuple(TARGET_KIND_LABELS.values()))


def common_indicators(
    targets_a: pd.DataFrame, targets_b: pd.DataFrame, mapping: Mapping[str, Mapping], names: Sequence[str]
) -> pd.DataFrame:
    """The indicators both sides set a quantified target or baseline for (canonical where data/indicators.yaml
    knows them): 指标, then each side's values with unit and target year ('≥500亿元（2027年）')."""
    table = compare_targets(targets_a, targets_b, mapping, names)
    both = table[(table[names[0]] != "—") & (table[names[1]] != "—")].reset_index(drop=True)
    for name in names:
        both[name] = both[name].map(_first_values)
    return both


def _first_values(cell: str, keep: int = 3) -> str:
    """A side's values of one indicator, the first `keep` of them and how many in all (a cell stays readable)."""
    values = cell.split("；")
    return cell if len(values) <= keep else "；".join(values[:keep]) + f"…（共 {len(values)} 条）"


def indicator_counts(targets: pd.DataFrame, mapping: Mapping[str, Mapping]) -> int:
    """How many distinct indicators a side quantifies."""
    return len(compare_targets(targets, targets.iloc[:0], mapping))


def body_coverage(measures_a: pd.DataFrame, measures_b: pd.DataFrame) -> pd.DataFrame:
    """How each side's measures get their body: 写明责任单位, 按发文机关计 (the fallback), none."""

    def as_lists(measures: pd.DataFrame) -> pd.DataFrame:
        how = {AgencySource.PHRASE: WRITTEN, AgencySource.ISSUER: BY_ISSUER}
        return pd.DataFrame(
            {"coverage": [[how.get(s, UNASSIGNED)] for s in measures.agency_source]}, index=measures.index
        )

    table = compare_counts(as_lists(measures_a), as_lists(measures_b), "coverage")
    return _in_order(table, (WRITTEN, BY_ISSUER, UNASSIGNED))


def body_type(name: str) -> str:
    """The kind of body a canonical name is: 政府部门, 下级政府与基层, 人大, 金融机构与企业 …"""
    return next((label for label, pattern in BODY_TYPES if pattern.search(name)), OTHER_BODY)


def body_types(measures_a: pd.DataFrame, measures_b: pd.DataFrame) -> pd.DataFrame:
    """Body types named in a 责任单位 phrase, as shares of each side's measures (written responsibility only:
    the issuer fallback would make every side look like its issuer)."""

    def as_lists(measures: pd.DataFrame) -> pd.DataFrame:
        written = measures.agency_source.eq(AgencySource.PHRASE).to_numpy()
        types = [
            sorted({body_type(str(b)) for b in bodies}) if ok and bodies is not None else []
            for ok, bodies in zip(written, measures.agencies)
        ]
        return pd.DataFrame({"body_types": types}, index=measures.index)

    return compare_counts(as_lists(measures_a), as_lists(measures_b), "body_types")


def _in_order(table: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """The rows in a fixed reading order (供给/环境/需求; the target kinds), labels outside it last."""
    rank = {label: n for n, label in enumerate(order)}
    return table.sort_values("label", key=lambda c: c.map(lambda v: rank.get(v, len(rank)))).reset_index(drop=True)
