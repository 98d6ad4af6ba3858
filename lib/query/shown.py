"""The tables as an official reads them on 数据与导出: Chinese headers (data/columns.yaml), codes as their
labels, a document by its title, a measure by its outline number (2.2.5), and no internal ids (measure_id,
doc_id, path arrays, build keys). The Excel/CSV exports keep every column (lib/exports/tables.py)."""

from __future__ import annotations

import pandas as pd

from lib import codes
from lib.config import DATA_DIR
from lib.query.views import targets_table
from lib.reference import load_yaml

COLUMNS_YAML = DATA_DIR / "columns.yaml"
LIST_SEPARATOR = "、"
# What each table shows, in order (column of the table or made here → its header in data/columns.yaml).
MEASURE_COLUMNS = [
    "document_title", "outline", "heading", "text", "kind", "agencies", "lead_agency", "agency_source",
    "deadline", "districts", "themes", "industries", "instruments", "target_groups", "has_evaluation", "year",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "title", "doc_number", "issuer", "level", "district", "doc_type", "issued_date", "date_source", "period",
    "n_measures", "n_targets", "missing_parts", "warnings", "source_file",
]  # fmt: skip
AGENCY_HEADERS = {
    "agency": "机构",
    "level": "层级",
    "aliases": "其他写法",
    "renamed_from": "曾用名",
    "n_measures_lead": "牵头的措施数",
    "n_measures_total": "承担的措施数",
    "jurisdiction": "所属地区",
}
# Headers of columns this module makes or that columns.yaml names for the export only.
EXTRA_HEADERS = {"level": "层级", "district": "区", "period": "规划期"}
REPORT_HEADERS = {
    "source_file": "文件",
    "status": "状态",
    "n_measures": "措施数",
    "n_targets": "目标数",
    "messages": "提示",
}
REPORT_STATUS = {"ok": "正常", "warning": "有提示", "rejected": "未导入"}


def _headers(table: str) -> dict[str, str]:
    return {**load_yaml(COLUMNS_YAML).get(table, {}), **EXTRA_HEADERS}


def _joined(values) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values) if values is not None and len(values) else ""


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: codes.YES, False: codes.NO})


def measures_shown(measures: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The measures: document by title, position by outline number, codes as labels, lists joined."""
    titles = documents.set_index("doc_id").title
    frame = measures.assign(
        document_title=measures.doc_id.map(titles),
        kind=measures.kind.map(codes.MEASURE_KINDS).fillna(measures.kind),
        agency_source=measures.agency_source.map(codes.AGENCY_SOURCES).fillna(measures.agency_source),
        has_evaluation=_yes_no(measures.has_evaluation),
        **{c: measures[c].map(_joined) for c in ("agencies", "districts", "themes", "industries", "instruments")},
        target_groups=measures.target_groups.map(_joined),
    )
    columns = [c for c in MEASURE_COLUMNS if c in frame.columns]
    return frame[columns].rename(columns=_headers("measures")).reset_index(drop=True)


def targets_shown(targets: pd.DataFrame, measures: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The targets as on 目标 (value as read, masks as masks), with the outline number of their measure
    instead of the reader link."""
    outline = measures.set_index("measure_id").outline
    frame = targets_table(targets, documents).drop(columns="原文")
    position = targets.measure_id.map(outline).fillna("").to_numpy()
    frame.insert(frame.columns.get_loc("文件") + 1, _headers("measures")["outline"], position)
    return frame.reset_index(drop=True)


def documents_shown(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents: 文号, issuer, level and type as labels, the plan period as 2021—2025."""
    frame = documents.assign(
        level=documents.level.map(codes.LEVELS).fillna(documents.level),
        date_source=documents.date_source.map(codes.DATE_SOURCES).fillna(documents.date_source),
        period=[
            f"{int(a)}—{int(b)}" if pd.notna(a) and pd.notna(b) else ""
            for a, b in zip(documents.period_start, documents.period_end)
        ],
        missing_parts=documents.missing_parts.map(_joined),
        warnings=documents.warnings.map(_joined),
    )
    columns = [c for c in DOCUMENT_COLUMNS if c in frame.columns]
    return frame[columns].rename(columns=_headers("documents")).reset_index(drop=True)


def agencies_shown(agencies: pd.DataFrame) -> pd.DataFrame:
    """The bodies: canonical name, level, other written forms, former names, counts (no document ids)."""
    frame = agencies.assign(aliases=agencies.aliases.map(_joined), renamed_from=agencies.renamed_from.map(_joined))
    columns = [c for c in AGENCY_HEADERS if c in frame.columns]
    return frame[columns].rename(columns=AGENCY_HEADERS).reset_index(drop=True)


def report_shown(inputs: list[dict]) -> pd.DataFrame:
    """The build report's inputs: file, status in words, counts and messages (no ids or cache flags)."""
    frame = pd.DataFrame(inputs, columns=list(REPORT_HEADERS))
    frame["status"] = frame.status.map(REPORT_STATUS).fillna(frame.status)
    frame["messages"] = frame.messages.map(lambda m: "；".join(m) if isinstance(m, list) else "")
    return frame.rename(columns=REPORT_HEADERS)
