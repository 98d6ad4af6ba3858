"""Chinese labels of the codes the tables store (data/codes.yaml): one place per vocabulary, read by the
exports, the filters, the charts and the pages alike."""

from __future__ import annotations

from typing import Any

from lib.config import DATA_DIR
from lib.reference import ReferenceDataError, load_yaml

CODES_YAML = DATA_DIR / "codes.yaml"


def _load() -> tuple[dict[str, dict[Any, str]], dict[str, dict[str, str]]]:
    """data/codes.yaml → ({vocabulary: {code: label}}, {table: {column: vocabulary}}), checked for shape."""
    raw = dict(load_yaml(CODES_YAML))
    columns = raw.pop("columns", None)
    vocabularies: dict[str, dict[Any, str]] = {}
    for name, mapping in raw.items():
        if not isinstance(mapping, dict) or not mapping or not all(isinstance(v, str) and v for v in mapping.values()):
            raise ReferenceDataError(f"{CODES_YAML}: '{name}' must map each code to a non-empty Chinese label")
        labels = list(mapping.values())
        if dupes := sorted({label for label in labels if labels.count(label) > 1}):
            raise ReferenceDataError(f"{CODES_YAML}: '{name}' gives two codes the label {', '.join(dupes)}")
        vocabularies[name] = dict(mapping)
    if not isinstance(columns, dict) or not all(isinstance(c, dict) for c in columns.values()):
        raise ReferenceDataError(f"{CODES_YAML}: 'columns' must map each table to {{column: vocabulary}}")
    for table, mapping in columns.items():
        for column, vocabulary in mapping.items():
            if vocabulary not in vocabularies:
                raise ReferenceDataError(f"{CODES_YAML}: columns.{table}.{column} names no vocabulary ('{vocabulary}')")
    return vocabularies, columns


VOCABULARIES, _COLUMN_VOCABULARIES = _load()
MEASURE_KINDS: dict[str, str] = VOCABULARIES["measure_kind"]
TARGET_KINDS: dict[str, str] = VOCABULARIES["target_kind"]
COMPARATORS: dict[str, str] = VOCABULARIES["comparator"]
AGENCY_SOURCES: dict[str, str] = VOCABULARIES["agency_source"]
BODY_ROLES: dict[str, str] = VOCABULARIES["body_role"]
LEVELS: dict[str, str] = VOCABULARIES["level"]
DATE_SOURCES: dict[str, str] = VOCABULARIES["date_source"]
YES, NO = VOCABULARIES["boolean"][True], VOCABULARIES["boolean"][False]
# table → {column: {code: label}}: the columns an export shows by label instead of code
CODED_COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    table: {column: VOCABULARIES[vocabulary] for column, vocabulary in mapping.items()}
    for table, mapping in _COLUMN_VOCABULARIES.items()
}
