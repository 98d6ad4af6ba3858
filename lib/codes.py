"""The codes the tables store, typed (StrEnum: a member is its code, so it compares and serialises as the
string the data contract names), and their Chinese labels (data/codes.yaml): one place per vocabulary, read by
the pipeline, the exports, the filters, the charts and the pages alike."""

from __future__ import annotations

from enum import StrEnum
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
CONFIDENCE_REASONS: dict[str, str] = VOCABULARIES["confidence_reason"]
CORRECTION_ACTIONS: dict[str, str] = VOCABULARIES["correction_action"]
YES, NO = VOCABULARIES["boolean"][True], VOCABULARIES["boolean"][False]
# table → {column: {code: label}}: the columns an export shows by label instead of code
CODED_COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    table: {column: VOCABULARIES[vocabulary] for column, vocabulary in mapping.items()}
    for table, mapping in _COLUMN_VOCABULARIES.items()
}


class Kind(StrEnum):
    """措施类型: measures.kind."""

    TASK = "task"
    RD_DIRECTION = "rd_direction"
    MECHANISM = "mechanism"
    PROCEDURE = "procedure"
    SAFEGUARD = "safeguard"
    PRINCIPLE = "principle"
    CONTEXT = "context"

    @property
    def label(self) -> str:
        return MEASURE_KINDS[self.value]


# What the pages show by default: items that ask someone to act (principles and background paragraphs do not).
ACTIONABLE_KINDS: tuple[Kind, ...] = (Kind.TASK, Kind.RD_DIRECTION, Kind.MECHANISM, Kind.PROCEDURE, Kind.SAFEGUARD)
# Items the issuing body answers for when they name no 责任单位: actions of its own administration. A research
# direction (研发方向) lists a field to fund, not a task of the issuer, so it gets no fallback body.
ISSUER_ANSWERS_FOR: frozenset[Kind] = frozenset({Kind.TASK, Kind.MECHANISM, Kind.PROCEDURE, Kind.SAFEGUARD})


class AgencySource(StrEnum):
    """How a measure's bodies are known: measures.agency_source."""

    PHRASE = "phrase"  # a 责任单位 phrase names them
    CARRIED = "carried"  # an earlier item's phrase gives them to the items after it (下同, 以下…不再列出)
    ISSUER = "issuer"  # none is written: the issuing body is counted (the fallback)
    NONE = "none"

    @property
    def label(self) -> str:
        return AGENCY_SOURCES[self.value]


# Bodies the document writes: its own phrase, or an earlier one that says it holds for the items after it. A
# carried body is written once for a stated group of items, so it counts as written (tables mark it as carried).
WRITTEN_SOURCES: tuple[AgencySource, ...] = (AgencySource.PHRASE, AgencySource.CARRIED)


class TargetKind(StrEnum):
    """targets.kind."""

    TARGET = "target"
    PARAMETER = "parameter"
    BASELINE = "baseline"
    QUALITATIVE_GOAL = "qualitative_goal"

    @property
    def label(self) -> str:
        return TARGET_KINDS[self.value]


class Level(StrEnum):
    """documents.level."""

    MUNICIPAL = "municipal"
    DISTRICT = "district"
    PROVINCIAL = "provincial"
    NATIONAL = "national"

    @property
    def label(self) -> str:
        return LEVELS[self.value]


class DateSource(StrEnum):
    """documents.date_source."""

    EXPLICIT = "explicit"
    INFERRED = "inferred"
    MANIFEST = "manifest"

    @property
    def label(self) -> str:
        return DATE_SOURCES[self.value]


class Reason(StrEnum):
    """Why a row's extraction is uncertain: measures/targets.confidence_reasons (lib/build/confidence.py)."""

    BODY_MISSING = "body_missing"
    BODY_UNKNOWN = "body_unknown"
    BODY_FROM_ISSUER = "body_from_issuer"
    INDICATOR_FRAGMENT = "indicator_fragment"
    UNIT_UNKNOWN = "unit_unknown"
    VALUE_MASKED = "value_masked"
    TAG_GENERIC_WORD = "tag_generic_word"
    DATE_INFERRED = "date_inferred"
    JURISDICTION_GUESSED = "jurisdiction_guessed"

    @property
    def label(self) -> str:
        return CONFIDENCE_REASONS[self.value]


class Action(StrEnum):
    """What an editor did to a row (data/corrections.yaml)."""

    SET = "set"
    DROP = "drop"
    ADD = "add"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return CORRECTION_ACTIONS[self.value]


TYPED = {
    "measure_kind": Kind,
    "agency_source": AgencySource,
    "target_kind": TargetKind,
    "level": Level,
    "date_source": DateSource,
    "confidence_reason": Reason,
    "correction_action": Action,
}  # vocabulary of data/codes.yaml → its enum
