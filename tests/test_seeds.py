"""Golden facts on the five real seed documents (DESIGN.md §5 and the pipeline issue)."""

from __future__ import annotations

import re

from tests.conftest import doc_by_prefix, rows_of

TRADITIONAL_OR_DEBRIS = re.compile(r"[關於發創產業與為會區國術開際資]|\([a-zāáǎàēéěèīíǐìōóǒòūúǔù]+\)")


def test_five_documents_with_their_years(seed_tables):
    years = dict(zip(seed_tables["documents"].source_file.str[:3], seed_tables["documents"].year))
    assert years == {"000": 2018, "001": 2021, "002": 2018, "003": 2025, "004": 2021}


def test_every_text_column_is_simplified_without_pinyin_debris(seed_tables):
    for name in ("documents", "measures", "targets"):
        frame = seed_tables[name]
        for column in frame.select_dtypes(include=[object, "string"]).columns:
            text = " ".join(str(v) for v in frame[column].dropna())
            assert not TRADITIONAL_OR_DEBRIS.search(text), f"{name}.{column}: {TRADITIONAL_OR_DEBRIS.search(text)}"


def test_document_003_has_24_numbered_measures_and_3_implementation_items_each_with_agencies(seed_tables):
    measures = rows_of(seed_tables, "measures", "003")
    numbered = measures[measures.marker.isin(["*.", "**."])]
    implementation = measures[measures.path.map(lambda p: "组织实施" in list(p))]
    assert len(numbered) == 24 and len(implementation) == 3
    assert all(len(a) > 0 for a in numbered.agencies) and all(len(a) > 0 for a in implementation.agencies)
    assert set(numbered.agency_source) == {"phrase"} and set(implementation.agency_source) == {"issuer"}


def test_every_beichen_task_carries_its_responsibility_phrase(seed_tables):
    measures = rows_of(seed_tables, "measures", "001")
    tasks = measures[measures.kind == "task"]
    assert len(tasks) == 16 and tasks.responsibility_phrase.notna().all()
    assert "北辰区科技局" in tasks.iloc[0].agencies and "区科技局" in tasks.iloc[0].agencies_raw


def test_beichen_goals_are_targets_for_2022(seed_tables):
    targets = rows_of(seed_tables, "targets", "001")
    found = {(t.unit, t.value_low) for t in targets.itertuples() if t.target_year == 2022}
    expected = {("%", 3.2), ("件", 3500), ("个", 30), ("家", 530), ("家", 280), ("家", 25), ("亿元", 60), ("家", 1)}
    assert expected <= found
    assert set(targets[targets.unit == "家"].indicator) >= {"雏鹰企业", "瞪羚企业", "科技领军（培育）企业"}


def test_innovation_centre_plan_support_parameters(seed_tables):
    params = rows_of(seed_tables, "targets", "002").query("kind == 'parameter'")
    found = {(p.unit, p.value_low, p.comparator) for p in params.itertuples()}
    assert {("%", 30, "<="), ("万元", 500, "<="), ("年", 3, "="), ("万元", 30, "=")} <= found
    assert params[params.unit == "万元"].periodicity.tolist().count("每年") == 1


def test_masked_targets_of_003_stay_masked(seed_tables):
    targets = rows_of(seed_tables, "targets", "003")
    contract = targets[targets.raw.str.contains("技术合同成交额")].iloc[0]
    assert contract.masked and contract["mask"] == "****" and contract.value_low != contract.value_low  # NaN
    assert contract.unit == "亿元" and contract.comparator == ">=" and contract.year_masked
    assert targets.masked.sum() >= 20 and targets[targets.masked].value_low.isna().all()


def test_document_003_date_is_inferred_as_2025_without_the_manifest(seed_tables_without_manifest):
    doc = doc_by_prefix(seed_tables_without_manifest, "003")
    assert doc.year == 2025 and doc.date_source == "inferred"
    assert "科技板" in doc.date_evidence and "二十届三中全会" in doc.date_evidence


def test_the_manifest_supplies_what_003_masks(seed_tables):
    doc = doc_by_prefix(seed_tables, "003")
    assert (doc.doc_number, doc.issued_date, doc.period_start, doc.period_end, doc.date_source) == (
        "津政发〔2025〕9号",
        "2025-05-16",
        2025,
        2027,
        "manifest",
    )


def test_innovation_centre_plan_year_is_inferred_with_evidence(seed_tables):
    doc = doc_by_prefix(seed_tables, "002")
    assert doc.issued_date == "2018" and doc.date_source == "inferred"
    assert "市科委" in doc.date_evidence and "国科发创〔2017〕353号" in doc.date_evidence


def test_beichen_metadata_survives_its_damaged_header(seed_tables):
    doc = doc_by_prefix(seed_tables, "001")
    assert doc.doc_number == "北辰政发〔2021〕5号" and doc.issued_date == "2021-04-19"
    assert (doc.level, doc.district, doc.period_start, doc.period_end) == ("district", "北辰区", 2020, 2022)
    assert doc.title == "北辰区科技创新三年行动计划实施方案（2020-2022年）"
    assert any("202147" in w for w in doc.warnings)


def test_titles_are_the_policies_own_without_site_junk(seed_tables):
    titles = dict(zip(seed_tables["documents"].source_file.str[:3], seed_tables["documents"].title))
    assert titles["002"] == "天津市技术创新中心建设实施方案"
    assert titles["004"] == "天津市科技创新“十四五”规划"
    assert doc_by_prefix(seed_tables, "004").notice_title == "关于印发天津市科技创新“十四五”规划的通知"


def test_fourteenth_plan_is_truncated_with_its_missing_parts(seed_tables):
    doc = doc_by_prefix(seed_tables, "004")
    assert doc.truncated and (doc.period_start, doc.period_end) == (2021, 2025)
    missing = " ".join(doc.missing_parts)
    assert "表1" in missing and "专栏3" in missing and "生物技术与现代医药（略）" in missing and "截断" in missing
    omitted = rows_of(seed_tables, "measures", "004").query("omitted")
    assert len(omitted) == 6


def test_renamed_body_counts_once_across_2018_and_2025(seed_tables):
    agencies = seed_tables["agencies"].set_index("agency")
    assert "市科委" not in agencies.index
    assert "市科委（2018年更名）" in agencies.loc["市科技局"].renamed_from
    measures = seed_tables["measures"]
    years = set(measures[measures.agencies.map(lambda a: "市科技局" in a)].year)
    assert {2018, 2025} <= years


def test_garbled_spots_of_003_are_flagged_on_their_measures(seed_tables):
    measures = rows_of(seed_tables, "measures", "003")
    flagged = measures[measures.warnings.map(len) > 0]
    assert set(flagged.heading) == {"加快推进产业焕新", "建强京津冀协同创新重点载体"}


def test_districts_come_from_places_and_district_documents(seed_tables):
    measures = seed_tables["measures"]
    assert all("北辰区" in d for d in rows_of(seed_tables, "measures", "001").districts)
    tiankai = measures[measures.text.str.contains("天开高教科创园")]
    assert all("南开区" in d for d in tiankai.districts)
