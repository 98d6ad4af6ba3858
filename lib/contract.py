"""The data contract of the build output (DESIGN.md §3), as Arrow schemas: one place, checked by tests.

Contract columns come first in the order of DESIGN.md; columns after them are additions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

STR = pa.string()
INT = pa.int64()
FLOAT = pa.float64()
BOOL = pa.bool_()
LIST = pa.list_(pa.string())

DOCUMENTS = pa.schema(
    [
        ("doc_id", STR),
        ("source_file", STR),
        ("title", STR),
        ("notice_title", STR),
        ("doc_number", STR),
        ("issuer", STR),
        ("level", STR),
        ("district", STR),
        ("doc_type", STR),
        ("issued_date", STR),
        ("year", INT),
        ("period_start", INT),
        ("period_end", INT),
        ("date_source", STR),
        ("date_evidence", STR),
        ("missing_parts", LIST),
        ("text", STR),
        ("n_measures", INT),
        ("n_targets", INT),
        ("warnings", LIST),
        # additions
        ("issuer_canonical", STR),
        ("truncated", BOOL),
        ("encoding", STR),
        ("content_sha256", STR),
        ("build_key", STR),
        ("text_sha256", STR),  # of the normalised text: a copy in another encoding has the same (lib.build)
        ("jurisdiction", STR),
        ("province", STR),  # the issuing place (天津市北辰区, 武汉市, 全国) and its province
        ("effective_from", STR),
        ("effective_until", STR),  # 施行日期 and 有效期至 (ISO dates)
        ("reviewed_year", INT),  # a government work report's review part (一、2023年工作回顾); year is the plan's
    ]
)

# Added to measures and targets by the build's last stages (issue #18): where to look first, and what editors did.
REVIEW_COLUMNS = [
    ("confidence", FLOAT),  # 0–1 from explicit signals (lib/build/confidence.py); 1 once reviewed
    ("confidence_reasons", LIST),  # codes of data/codes.yaml confidence_reason
    ("corrected", BOOL),  # an editor changed a value (data/corrections.yaml)
    ("reviewed", BOOL),  # an editor checked the row (corrected rows are reviewed)
    ("original", STR),  # JSON {column: value before the correction}, or null
]

MEASURES = pa.schema(
    [
        ("measure_id", STR),
        ("doc_id", STR),
        ("ordinal", INT),
        ("path", LIST),
        ("heading", STR),
        ("text", STR),
        ("kind", STR),
        ("agencies_raw", LIST),
        ("agencies", LIST),
        ("lead_agency", STR),
        ("responsibility_phrase", STR),
        ("actors", LIST),
        ("districts", LIST),
        ("themes", LIST),
        ("industries", LIST),
        ("instruments", LIST),
        ("target_groups", LIST),
        ("tag_evidence", LIST),
        ("has_evaluation", BOOL),
        ("omitted", BOOL),
        ("warnings", LIST),
        ("year", INT),
        # additions
        ("marker", STR),
        ("outline", STR),
        ("agency_source", STR),
        ("keywords", LIST),
        ("deadline", STR),  # as written in the responsibility phrase: "6月底完成", "持续推进"
        ("tag_clauses", LIST),  # "主题·人才←<the clause that gave it>", one per theme, industry, instrument, group
        *REVIEW_COLUMNS,
    ]
)

TARGETS = pa.schema(
    [
        ("target_id", STR),
        ("doc_id", STR),
        ("measure_id", STR),
        ("kind", STR),
        ("indicator", STR),
        ("comparator", STR),
        ("value_low", FLOAT),
        ("value_high", FLOAT),
        ("unit", STR),
        ("target_year", INT),
        ("scope", STR),
        ("masked", BOOL),
        ("mask", STR),
        ("raw", STR),
        # additions
        ("mask_magnitude", STR),
        ("year_masked", BOOL),
        ("periodicity", STR),
        ("sentence", STR),
        ("year", INT),
        ("increment", BOOL),  # 新增/新建: the value counts what is added, not a total
        *REVIEW_COLUMNS,
    ]
)

AGENCIES = pa.schema(
    [
        ("agency", STR),
        ("level", STR),
        ("aliases", LIST),
        ("renamed_from", LIST),
        ("n_measures_lead", INT),
        ("n_measures_total", INT),
        # additions
        ("n_measures_actor", INT),
        ("doc_ids", LIST),
        ("jurisdiction", STR),  # the place whose body it is (全国 for central bodies)
    ]
)

CITATIONS = pa.schema(
    [
        ("from_doc_id", STR),
        ("cited_title", STR),
        ("cited_number", STR),
        ("resolved_doc_id", STR),
        # additions
        ("sentence", STR),
    ]
)

# agencies.renamed_from holds each earlier name with the year of the change, written "市科委（2018年更名）";
# these two functions are the one place that writes and reads that form.
RENAMED_FROM = re.compile(r"^(?P<old>.+?)（(?P<year>\d{4})年?更名）$")


class Renaming(NamedTuple):
    """An earlier name of a body and the year it changed (市科委, 2018)."""

    old: str
    year: int | None


def renamed_from_text(old: str, year: int) -> str:
    return f"{old}（{year}年更名）"


def parse_renamed_from(text: str) -> Renaming:
    """ "市科委（2018年更名）" → Renaming("市科委", 2018); a value in another form is the name, year unknown."""
    match = RENAMED_FROM.match(text)
    return Renaming(match["old"], int(match["year"])) if match else Renaming(text, None)


def renaming_label(renaming: Renaming) -> str:
    """ "市科委（2018）", the short form charts and notes show."""
    return f"{renaming.old}（{renaming.year}）" if renaming.year else renaming.old


TABLES = {
    "documents": DOCUMENTS,
    "measures": MEASURES,
    "targets": TARGETS,
    "agencies": AGENCIES,
    "citations": CITATIONS,
}


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A table of the contract as the dashboard holds it: list columns stay Arrow lists (pd.ArrowDtype)
    instead of becoming a NumPy array per row. At 10,000 documents that reads measures in ~0.7 s
    instead of ~2.4 s and holds them in ~575 MB instead of ~795 MB; a row's value is still a list."""
    import pandas as pd  # the build itself works in Arrow and never needs pandas

    # One chunk per column rather than one per Parquet row group: every filter takes rows, and a take
    # across chunks cost several times more.
    table = pa.table({name: one_chunk(table[name]) for name in table.column_names}, metadata=table.schema.metadata)
    return table.to_pandas(
        types_mapper=lambda arrow_type: pd.ArrowDtype(arrow_type) if pa.types.is_list(arrow_type) else None
    )


def one_chunk(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column as one chunk. Arrow's strings address their bytes with 32-bit offsets, so one chunk holds at
    most 2 GiB of text: past that (the measures' texts or keywords near 100,000 documents) the strings become
    large strings, the same values with 64-bit offsets."""
    try:
        return pa.chunked_array([column.combine_chunks()], type=column.type)
    except pa.ArrowInvalid:  # offset overflow
        return pa.chunked_array([column.cast(_large_strings(column.type)).combine_chunks()])


def _large_strings(arrow_type: pa.DataType) -> pa.DataType:
    """The type with its strings (also inside lists) as large strings."""
    if pa.types.is_string(arrow_type):
        return pa.large_string()
    if pa.types.is_list(arrow_type):
        return pa.list_(_large_strings(arrow_type.value_type))
    return arrow_type
