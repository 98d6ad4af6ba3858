"""data/codes.yaml: every code the build writes has one Chinese label, kept in one place for every reader."""

from __future__ import annotations

import pytest

from lib import codes
from lib.pipeline.targets import COMPARATOR_WORDS
from lib.query import bodies, filters, views
from lib.reference import ReferenceDataError

# The codes of the data contract (DESIGN.md §3 and the README's added columns).
CONTRACT_CODES = {
    "measure_kind": set(filters.ALL_KINDS),
    "target_kind": {"target", "parameter", "baseline", "qualitative_goal"},
    "comparator": {">=", "<=", "=", "range"} | {code for _word, code in COMPARATOR_WORDS},
    "agency_source": {"phrase", "carried", "issuer", "none"},
    "level": {"national", "provincial", "municipal", "district"},
    "date_source": {"explicit", "inferred", "manifest"},
    "boolean": {True, False},
}


@pytest.mark.parametrize("vocabulary", list(CONTRACT_CODES))
def test_every_code_of_the_contract_has_a_chinese_label(vocabulary):
    labels = codes.VOCABULARIES[vocabulary]
    assert set(labels) == CONTRACT_CODES[vocabulary]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels.values())


@pytest.mark.parametrize(
    "table, column",
    [
        ("measures", "kind"),
        ("measures", "agency_source"),
        ("targets", "kind"),
        ("targets", "comparator"),
        ("documents", "level"),
        ("documents", "date_source"),
    ],
)
def test_every_code_in_the_seed_tables_has_a_label(seed_tables, table, column):
    written = set(seed_tables[table][column].dropna())
    assert written and written <= set(codes.CODED_COLUMNS[table][column])


def test_each_vocabulary_has_one_place_that_every_reader_imports():
    assert filters.KIND_LABELS is codes.MEASURE_KINDS
    assert views.TARGET_KIND_LABELS is codes.TARGET_KINDS
    assert views.LEVEL_LABELS is codes.LEVELS and views.DATE_SOURCE_LABELS is codes.DATE_SOURCES
    assert bodies.ROLE_LABELS is codes.BODY_ROLES
    # the bodies chart's "by issuer" bars and the exports' agency_source say the same thing
    assert codes.BODY_ROLES["issuer"] == codes.AGENCY_SOURCES["issuer"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("level: {municipal: 市级, district: 市级}\ncolumns: {}\n", "two codes the label 市级"),
        ("level: {municipal: ''}\ncolumns: {}\n", "'level' must map each code"),
        ("level: [市级]\ncolumns: {}\n", "'level' must map each code"),
        (
            "level: {municipal: 市级}\ncolumns: {documents: {level: levels}}\n",
            "columns.documents.level names no vocabulary",
        ),
        ("level: {municipal: 市级}\n", "'columns' must map"),
        ("level: {municipal: 市级\n", "codes.yaml:"),
    ],
)
def test_a_malformed_codes_file_is_refused_naming_file_and_fault(tmp_path, monkeypatch, text, message):
    path = tmp_path / "codes.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(codes, "CODES_YAML", path)
    with pytest.raises(ReferenceDataError, match=message):
        codes._load()


@pytest.mark.parametrize("vocabulary", sorted(codes.TYPED))
def test_each_typed_vocabulary_has_exactly_the_codes_of_its_labels(vocabulary):
    enum = codes.TYPED[vocabulary]
    assert {member.value for member in enum} == set(codes.VOCABULARIES[vocabulary])
    assert all(member.label == codes.VOCABULARIES[vocabulary][member.value] for member in enum)


def test_a_member_is_its_code():
    assert codes.Kind.TASK == "task" and f"{codes.AgencySource.ISSUER}" == "issuer"
    assert codes.ISSUER_ANSWERS_FOR < set(codes.ACTIONABLE_KINDS)  # research directions get no fallback body
