"""审核 (review) as tables: which rows to look at first (lowest confidence, most charts fed), how much of each
document editors have reviewed, and the corrections a build could not apply. Pure pandas."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from lib.codes import ACTIONABLE_KINDS, CONFIDENCE_REASONS
from lib.query.filters import reviewed_rows

# The charts a measure feeds: one per list it fills (部门任务, 主题, 产业, 政策工具, 区域) and the counts every page
# shows (总览's headline and timeline) when it is an actionable kind.
MEASURE_CHART_COLUMNS = ("agencies", "themes", "industries", "instruments", "districts")


def reason_text(reasons: Iterable[str] | None) -> str:
    """Reason codes as their Chinese labels, joined."""
    return "、".join(CONFIDENCE_REASONS.get(r, r) for r in (list(reasons) if reasons is not None else ()))


def charts_fed(rows: pd.DataFrame, table: str) -> pd.Series:
    """How many charts each row is counted in (a measure: its non-empty lists, plus the headline counts when it
    is actionable; a target: 目标's tables, and its year and unit charts when it has those)."""
    if table == "measures":
        count = sum(_filled(rows[c]) for c in MEASURE_CHART_COLUMNS) + rows.kind.isin(ACTIONABLE_KINDS).to_numpy(int)
        return pd.Series(count, index=rows.index, dtype=int)
    return pd.Series(1 + rows.target_year.notna().to_numpy(int) + rows.unit.notna().to_numpy(int), index=rows.index)


def _filled(column: pd.Series) -> np.ndarray:
    """1 where a list column holds an item (Arrow lists counted without leaving Arrow)."""
    if isinstance(column.dtype, pd.ArrowDtype):
        return (column.list.len().fillna(0) > 0).to_numpy(dtype=int)
    return np.fromiter((v is not None and len(v) > 0 for v in column), dtype=int, count=len(column))


def queue(measures: pd.DataFrame, targets: pd.DataFrame, titles: Mapping[str, str], limit: int = 200) -> pd.DataFrame:
    """The rows to look at first: not yet reviewed, lowest confidence, then most charts fed."""
    parts = []
    for table, rows, label, text in (
        ("measures", measures, "措施", "heading"),
        ("targets", targets, "目标", "indicator"),
    ):
        if rows.empty or "confidence" not in rows:
            continue
        # Rank every row on three arrays, then describe only the first `limit` of each table: a row of the
        # overall first `limit` is among its own table's, and a stable sort keeps their order (at 100,000
        # documents, describing all 4.6 million rows took 11 s a visit).
        reviewed = reviewed_rows(rows).to_numpy(dtype=bool)
        confidence = rows.confidence.fillna(1.0).to_numpy(dtype=float)
        fed = charts_fed(rows, table).to_numpy()
        first = np.lexsort((-fed, confidence, reviewed))[:limit]
        chosen = rows.iloc[first]
        parts.append(
            pd.DataFrame(
                {
                    "table": table,
                    "row_id": chosen["measure_id" if table == "measures" else "target_id"].to_numpy(),
                    "类别": label,
                    "文件": chosen.doc_id.map(titles).to_numpy(),
                    "内容": chosen[text].fillna("").to_numpy(),
                    "可信度": confidence[first],
                    "原因": chosen.confidence_reasons.map(reason_text).to_numpy(),
                    "影响图表数": fed[first],
                    "已审核": reviewed[first],
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            columns=["table", "row_id", "类别", "文件", "内容", "可信度", "原因", "影响图表数", "已审核"]
        )
    found = pd.concat(parts, ignore_index=True)
    order = found.sort_values(["已审核", "可信度", "影响图表数"], ascending=[True, True, False], kind="stable")
    return order.head(limit).reset_index(drop=True)


def reviewed_share(measures: pd.DataFrame, targets: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per document: its rows, how many are reviewed, and the share ("已审核 x%")."""
    rows = pd.concat(
        [
            pd.DataFrame({"doc_id": measures.doc_id, "reviewed": reviewed_rows(measures)}),
            pd.DataFrame({"doc_id": targets.doc_id, "reviewed": reviewed_rows(targets)}),
        ]
    )
    counts = rows.groupby("doc_id").reviewed.agg(["size", "sum"])
    share = documents[["doc_id", "title"]].merge(counts, left_on="doc_id", right_index=True, how="left").fillna(0)
    share["已审核"] = (100 * share["sum"] / share["size"].where(share["size"] > 0)).fillna(0).round().astype(int)
    return share.rename(columns={"title": "文件", "size": "条目数", "sum": "已审核条目"}).sort_values(
        "已审核", kind="stable"
    )


def reviewed_text(share: float) -> str:
    return f"已审核 {share:.0f}%"


def orphans(report: Mapping) -> pd.DataFrame:
    """The corrections the last build could not apply, with why (from build_report.json)."""
    found = (report.get("corrections") or {}).get("orphans") or []
    columns = {"id": "编号", "who": "修正人", "when": "时间", "title": "文件", "text": "条目", "message": "原因"}
    frame = pd.DataFrame(found)
    return frame.reindex(columns=list(columns)).astype(object).rename(columns=columns).fillna("")


def original_text(original: str | None) -> str:
    """A corrected row's values before the correction, in one line ("kind：task；agencies：市科技局")."""
    if not original:
        return ""
    try:
        values = json.loads(original)
    except ValueError:
        return ""
    return "；".join(
        f"{key}：{'、'.join(map(str, value)) if isinstance(value, list) else '（空）' if value is None else value}"
        for key, value in values.items()
    )
