"""The 导入文档 page's tables: what a preview found (targets, bodies) and the list of imported documents."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from lib import codes
from lib.query.views import value_text

TARGET_COLUMNS = ["类型", "指标", "数值", "单位", "年份", "原句"]
BODY_COLUMNS = ["责任机构", "牵头措施", "涉及措施"]
IMPORT_COLUMNS = ["文件标题", "文号", "发文机关", "成文日期", "措施", "目标", "源文件名"]


def preview_targets(targets: list[dict]) -> pd.DataFrame:
    """A preview's targets as the official checks them: kind, indicator, value, unit, year and the sentence
    they were read from (masked values as their mask, never a number)."""
    rows = [
        {
            "类型": codes.TARGET_KINDS.get(t["kind"], t["kind"]),
            "指标": t.get("indicator") or "",
            "数值": value_text({**t, "unit": None}),
            "单位": t.get("unit") or "",
            "年份": "遮盖" if t.get("year_masked") else (str(t["target_year"]) if t.get("target_year") else "—"),
            "原句": t.get("sentence") or t.get("raw") or "",
        }
        for t in targets
    ]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def preview_bodies(measures: list[dict]) -> pd.DataFrame:
    """The bodies a preview found, busiest first: measures each leads and measures it takes part in."""
    lead = Counter(m["lead_agency"] for m in measures if m.get("lead_agency"))
    total = Counter(body for m in measures for body in dict.fromkeys(m.get("agencies") or ()))
    rows = [{"责任机构": body, "牵头措施": lead[body], "涉及措施": n} for body, n in total.most_common()]
    return pd.DataFrame(rows, columns=BODY_COLUMNS)


def imports_table(names: list[str], documents: pd.DataFrame) -> pd.DataFrame:
    """The imported files as documents: title, 文号, issuer, date and counts from the tables (a file the tables
    do not hold yet keeps its name as its title)."""
    by_file = documents.set_index("source_file")
    rows = []
    for name in names:
        doc = by_file.loc[name] if name in by_file.index else None
        rows.append(
            {
                "文件标题": doc["title"] if doc is not None else name,
                "文号": (doc["doc_number"] if doc is not None else None) or "",
                "发文机关": (doc["issuer"] if doc is not None else None) or "",
                "成文日期": (doc["issued_date"] if doc is not None else None) or "",
                "措施": int(doc["n_measures"]) if doc is not None else 0,
                "目标": int(doc["n_targets"]) if doc is not None else 0,
                "源文件名": name,
            }
        )
    return pd.DataFrame(rows, columns=IMPORT_COLUMNS)
