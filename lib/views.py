"""Named reshaping steps between the filtered tables and the charts (pure pandas, tested)."""
from __future__ import annotations

import pandas as pd

LEVEL_LABELS = {"municipal": "市级", "district": "区级", "provincial": "省级", "national": "国家级"}
DATE_SOURCE_LABELS = {"explicit": "原文载明", "inferred": "推断", "manifest": "人工核定"}


def count_labels(measures: pd.DataFrame, column: str, top: int | None = None) -> pd.DataFrame:
    """How many measures carry each label of a list column: columns label, n (descending)."""
    exploded = measures[["measure_id", column]].explode(column).dropna(subset=[column])
    counts = exploded.groupby(column).measure_id.nunique().sort_values(ascending=False)
    frame = counts.rename("n").reset_index().rename(columns={column: "label"})
    return frame.head(top) if top else frame


def headline(view: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The overview's headline figures for the filtered view."""
    measures, documents = view["measures"], view["documents"]
    bodies = {a for values in measures.agencies for a in values}
    districts = {d for values in measures.districts for d in values}
    years = documents.year.dropna()
    span = f"{int(years.min())}–{int(years.max()) % 100:02d}" if len(years) else "—"
    return {"文件": f"{len(documents)}", "措施": f"{len(measures)}", "目标/参数": f"{len(view['targets'])}",
            "责任机构": f"{len(bodies)}", "涉及区": f"{len(districts)}", "年份": span}


def timeline(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per document for the 2018→2025 timeline, with readable labels and date provenance."""
    frame = documents[["doc_id", "title", "year", "issued_date", "level", "doc_type", "n_measures", "date_source",
                       "date_evidence"]].copy()
    frame["level_label"] = frame.level.map(LEVEL_LABELS).fillna(frame.level)
    frame["date_label"] = frame.date_source.map(DATE_SOURCE_LABELS).fillna("未知")
    frame["short_title"] = frame.title.str.slice(0, 18)
    frame["when"] = frame.issued_date.map(_date_for_axis)
    frame = frame.sort_values("when")
    # Neighbours on the same row alternate their labels above and below, so close dates stay legible.
    frame["label_position"] = frame.groupby("level").cumcount().map(lambda n: "top center" if n % 2 == 0 else "bottom center")
    return frame


def _date_for_axis(issued: str | None) -> pd.Timestamp | None:
    """A partial date on a time axis: a year alone sits mid-year, a month mid-month."""
    if not issued:
        return None
    parts = str(issued).split("-")
    year, month, day = int(parts[0]), int(parts[1]) if len(parts) > 1 else 7, int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1)
    return pd.Timestamp(year=year, month=month, day=day)


def quality(view: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Data-quality facts per document, so nobody is misled: masks, inferred dates, gaps, truncation."""
    documents, targets, measures = view["documents"], view["targets"], view["measures"]
    rows = []
    for doc in documents.itertuples():
        doc_targets = targets[targets.doc_id == doc.doc_id]
        doc_measures = measures[measures.doc_id == doc.doc_id]
        rows.append({
            "文件": doc.title, "年份": doc.year,
            "日期来源": DATE_SOURCE_LABELS.get(doc.date_source, "未知"),
            "遮盖的数值": int(doc_targets.masked.sum()),
            "缺失或略去的部分": len(doc.missing_parts),
            "截断": "是" if doc.truncated else "否",
            "含乱码的措施": int((doc_measures.warnings.map(len) > 0).sum()),
            "提示": "；".join(list(doc.warnings)[:3]),
        })
    return pd.DataFrame(rows)
