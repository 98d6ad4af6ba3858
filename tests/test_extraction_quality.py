"""Extraction quality against hand annotations (tests/annotations/NNN.yaml, one per seed): precision and recall of
measures, agencies as written and targets must each stay at or above 0.95 per document."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lib.pipeline.normalize import to_simplified, unify_punctuation
from tests.conftest import rows_of

# One file per seed, named by the seed's number; tags.yaml beside them is the blind tag annotation (test_tag_quality).
ANNOTATIONS = sorted((Path(__file__).parent / "annotations").glob("[0-9][0-9][0-9].yaml"))
FLOOR = 0.95  # pinned by the issue; the seeds currently score 1.00 (see README)


def _norm(text: str) -> str:
    return unify_punctuation(to_simplified(text)).replace("“", "").replace("”", "")


def _precision_recall(found: Counter, gold: Counter) -> tuple[float, float]:
    hits = sum((found & gold).values())
    precision = hits / sum(found.values()) if found else 1.0
    recall = hits / sum(gold.values()) if gold else 1.0
    return precision, recall


def _target_key(unit, low, high, mask) -> tuple:
    """What identifies a quantity: unit, bounds and mask (missing values as None, never NaN)."""
    return tuple(None if pd.isna(v) else v for v in (unit, low, high, mask))


def scores(annotation: dict, tables: dict) -> dict[str, tuple[float, float]]:
    prefix = annotation["source_file"][:3]
    measures = rows_of(tables, "measures", prefix)
    targets = rows_of(tables, "targets", prefix)
    gold_measures = Counter(_norm(m["heading"]) for m in annotation["measures"])
    found_measures = Counter(_norm(h) for h in measures.heading)
    gold_agencies = Counter((_norm(m["heading"]), a) for m in annotation["measures"] for a in m["agencies_raw"])
    found_agencies = Counter((_norm(h), a) for h, raw in zip(measures.heading, measures.agencies_raw) for a in raw)
    gold_targets = Counter(
        _target_key(t["unit"], t["value_low"], t["value_high"], t["mask"])
        for t in annotation["targets"]
        if t["kind"] != "qualitative_goal"
    )
    quantities = targets[targets.kind != "qualitative_goal"]
    found_targets = Counter(
        _target_key(*row)
        for row in zip(quantities.unit, quantities.value_low, quantities.value_high, quantities["mask"])
    )
    return {
        "measures": _precision_recall(found_measures, gold_measures),
        "agencies": _precision_recall(found_agencies, gold_agencies),
        "targets": _precision_recall(found_targets, gold_targets),
    }


@pytest.mark.parametrize("path", ANNOTATIONS, ids=lambda p: p.stem)
def test_precision_and_recall_stay_above_the_floor(path: Path, seed_tables):
    annotation = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = scores(annotation, seed_tables)
    low = {what: pr for what, pr in result.items() if min(pr) < FLOOR}
    assert not low, f"{path.name}: precision/recall below {FLOOR}: {low}"


@pytest.mark.parametrize("path", ANNOTATIONS, ids=lambda p: p.stem)
def test_measure_kinds_agree_with_the_annotation(path: Path, seed_tables):
    annotation = yaml.safe_load(path.read_text(encoding="utf-8"))
    measures = rows_of(seed_tables, "measures", annotation["source_file"][:3])
    found = dict(zip(map(_norm, measures.heading), measures.kind))
    wrong = [
        (m["heading"], m["kind"], found.get(_norm(m["heading"])))
        for m in annotation["measures"]
        if found.get(_norm(m["heading"])) != m["kind"]
    ]
    assert not wrong, f"kinds that differ (heading, gold, found): {wrong}"


@pytest.mark.parametrize("path", ANNOTATIONS, ids=lambda p: p.stem)
def test_target_kinds_and_years_agree_with_the_annotation(path: Path, seed_tables):
    annotation = yaml.safe_load(path.read_text(encoding="utf-8"))
    targets = rows_of(seed_tables, "targets", annotation["source_file"][:3])
    found = Counter((k, None if y != y else int(y)) for k, y in zip(targets.kind, targets.target_year))
    gold = Counter((t["kind"], t["target_year"]) for t in annotation["targets"])
    precision, recall = _precision_recall(found, gold)
    assert min(precision, recall) >= FLOOR, (
        f"kind/year P={precision:.2f} R={recall:.2f}: missing {gold - found}, extra {found - gold}"
    )
