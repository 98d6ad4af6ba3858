"""Documents the pipeline has never seen (tests/fixtures/docs/): other districts, a province,
第X条 articles, GB18030 / Big5 / BOM encodings, a .docx and a saved HTML page."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lib.pipeline.document import process_document
from lib.pipeline.normalize import to_simplified, unify_punctuation

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))


def _norm(text: str | None) -> str | None:
    return None if text is None else unify_punctuation(to_simplified(str(text)))


@pytest.fixture(scope="module")
def results():
    return {name: process_document(name, (FIXTURES / "docs" / name).read_bytes(), None) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_document_metadata(name, results):
    expected, document = EXPECTED[name], results[name].document
    assert results[name].status != "rejected", results[name].messages
    for field in ("title", "doc_number", "issuer", "level", "district", "doc_type", "year"):
        if field in expected:
            assert _norm(document[field]) == _norm(expected[field]), field
    if "period" in expected:
        period = [document["period_start"], document["period_end"]]
        assert period == (expected["period"] or [None, None])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_measures_and_their_agencies(name, results):
    expected, measures = EXPECTED[name], results[name].measures
    assert len(measures) >= expected.get("min_measures", 1)
    for item in expected.get("measures_with_agencies_raw", []):
        prefix = _norm(item["heading_startswith"])
        match = [m for m in measures if _norm(m["heading"]).startswith(prefix) or _norm(m["text"]).startswith(prefix)]
        assert match, f"no measure starts with {prefix}"
        assert [_norm(a) for a in match[0]["agencies_raw"]] == [_norm(a) for a in item["agencies_raw"]]
        if item.get("lead"):
            assert match[0]["lead_agency"] and _norm(item["lead"]).lstrip("区") in match[0]["lead_agency"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dated_targets_are_found(name, results):
    found = {(t["value_low"], t["unit"], t["target_year"]) for t in results[name].targets}
    for target in EXPECTED[name].get("targets", []):
        assert (target["value_low"], target["unit"], target["target_year"]) in found, target
