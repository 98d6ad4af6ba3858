"""Tag quality against the blind hand annotation (tests/annotations/tags.yaml): per-label precision and
recall and micro-F1 of themes and instrument sub-types, with pinned floors (#15).

The annotation covers measures of the seeds and of ../shared/corpus; the corpus is read from there (its
text is never copied into the repository) and its items are skipped when it is absent. Run with -s to see
the table: `.venv/bin/python -m pytest -q -s tests/test_tag_quality.py`.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from dataclasses import dataclass

import pytest
import yaml

from lib.build.run import build_tables
from lib.config import ROOT, SEEDS_DIR
from lib.contract import to_frame

ANNOTATION = ROOT / "tests" / "annotations" / "tags.yaml"
CORPUS = ROOT.parent / "shared" / "corpus"
READABLE = (".txt", ".docx", ".pdf", ".html", ".htm")

# Floors: what the rules reach on this annotation (themes 0.82, instrument sub-types 0.75, lowest precision
# 0.50: 知识产权, 3 of 6), minus a small margin, never above what is reached. The goal (0.90, 0.85, 0.75) is
# not reached yet; the README's table says where the rules fall short.
THEME_MICRO_F1 = 0.80
INSTRUMENT_MICRO_F1 = 0.73
MIN_PRECISION = 0.40  # of any label the rules give at least MIN_SUPPORT times
MIN_SUPPORT = 5  # below this a label's precision says little
MIN_MATCHED = 0.95  # of the annotated items that can be built: a measure whose text changed no longer matches


def sha1_12(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Score:
    """Counts of one label: tagged and right, tagged and wrong, annotated and missed."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: list[tuple[set[str], set[str]]]) -> tuple[dict[str, Score], Score]:
    """(predicted, gold) label sets of each item → per-label scores and the micro total."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for predicted, gold in pairs:
        for label in predicted & gold:
            tp[label] += 1
        for label in predicted - gold:
            fp[label] += 1
        for label in gold - predicted:
            fn[label] += 1
    labels = sorted(set(tp) | set(fp) | set(fn))
    per_label = {label: Score(tp[label], fp[label], fn[label]) for label in labels}
    return per_label, Score(sum(tp.values()), sum(fp.values()), sum(fn.values()))


def table(name: str, per_label: dict[str, Score], micro: Score) -> str:
    """A Markdown table of the scores (what the README shows)."""
    lines = [f"| {name} | tagged | annotated | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|"]
    for label, s in sorted(per_label.items(), key=lambda kv: -(kv[1].tp + kv[1].fn)):
        lines.append(f"| {label} | {s.tp + s.fp} | {s.tp + s.fn} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |")
    lines.append(
        f"| **micro** | {micro.tp + micro.fp} | {micro.tp + micro.fn} | {micro.precision:.2f} | "
        f"{micro.recall:.2f} | **{micro.f1:.2f}** |"
    )
    return "\n".join(lines)


def match(measures: list[dict], gold: list[dict]) -> list[tuple[dict, dict]]:
    """(measure, annotation) pairs: by the text's sha1, else the same file and a text starting with prefix."""
    by_sha = {m["sha1"]: m for m in measures}
    pairs = []
    for entry in gold:
        found = by_sha.get(entry["text_sha1"]) or next(
            (m for m in measures if m["file"] == entry["file"] and m["text"].startswith(entry["prefix"])), None
        )
        if found is not None:
            pairs.append((found, entry))
    return pairs


def gold_pairs(pairs: list[tuple[dict, dict]], field: str) -> list[tuple[set[str], set[str]]]:
    """Predicted and annotated labels of one field; instruments compared by sub-type (供给型·人才支持 → 人才支持)."""
    return [({label.split("·")[-1] for label in m[field]}, set(g[field] or [])) for m, g in pairs]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[list[dict], set[str]]:
    """The measures of a build of the seeds and the corpus (when present), and the names of the files built."""
    folder = tmp_path_factory.mktemp("seeds_and_corpus")
    sources = [SEEDS_DIR, *([CORPUS] if CORPUS.is_dir() else [])]
    for source in sources:
        for path in source.iterdir():
            if path.suffix.lower() in READABLE:
                shutil.copy(path, folder / path.name)
    tables, _ = build_tables(folder, use_manifest=True)
    measures_frame, documents = to_frame(tables["measures"]), to_frame(tables["documents"])
    files = documents.set_index("doc_id").source_file
    measures = [
        {
            "file": files[row.doc_id],
            "text": row.text,
            "sha1": sha1_12(row.text),
            "themes": list(row.themes),
            "instruments": list(row.instruments),
        }
        for row in measures_frame.itertuples()
    ]
    return measures, {p.name for s in sources for p in s.iterdir()}


def matched_annotation(path, built) -> tuple[list[tuple[dict, dict]], int, int]:
    """(matched pairs, annotated items whose file is here, all annotated items) of one annotation file."""
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    measures, present = built
    expected = [g for g in gold if g["file"] in present]
    return match(measures, expected), len(expected), len(gold)


@pytest.fixture(scope="module")
def annotated(built) -> tuple[list[tuple[dict, dict]], int, int]:
    """The annotated measures matched to the build."""
    return matched_annotation(ANNOTATION, built)


def test_the_annotated_items_that_can_be_built_are_matched(annotated):
    pairs, expected, total = annotated
    print(f"\nannotated {total}, buildable here {expected}, matched {len(pairs)}")
    assert len(pairs) >= MIN_MATCHED * expected


@pytest.mark.parametrize("field, floor", [("themes", THEME_MICRO_F1), ("instruments", INSTRUMENT_MICRO_F1)])
def test_micro_f1_and_per_label_precision_stay_above_their_floors(annotated, field, floor):
    pairs, _, _ = annotated
    if not CORPUS.is_dir():
        pytest.skip("the floors were measured with ../shared/corpus; the seeds alone are a different sample")
    per_label, micro = score(gold_pairs(pairs, field))
    print(f"\n{table(field, per_label, micro)}")
    assert micro.f1 >= floor
    weak = {label: round(s.precision, 2) for label, s in per_label.items() if s.tp + s.fp >= MIN_SUPPORT}
    assert all(p >= MIN_PRECISION for p in weak.values()), weak


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([({"a"}, {"a"})], (1.0, 1.0)),
        ([({"a", "b"}, {"a"})], (0.5, 1.0)),
        ([({"a"}, {"a", "b"}), (set(), {"b"})], (1.0, 1 / 3)),
        ([(set(), set())], (1.0, 1.0)),
    ],
)
def test_micro_scores_count_every_label_of_every_item(pairs, expected):
    _, micro = score(pairs)
    assert (micro.precision, micro.recall) == pytest.approx(expected)


def test_items_match_by_hash_then_by_file_and_prefix():
    measures = [{"file": "a.txt", "text": "加强人才引进。", "sha1": sha1_12("加强人才引进。")}]
    by_hash = {"file": "other.txt", "prefix": "x", "text_sha1": sha1_12("加强人才引进。")}
    by_prefix = {"file": "a.txt", "prefix": "加强人才", "text_sha1": "000000000000"}
    elsewhere = {"file": "b.txt", "prefix": "加强人才", "text_sha1": "000000000000"}
    assert [g for _, g in match(measures, [by_hash, by_prefix, elsewhere])] == [by_hash, by_prefix]


# The seeds' share of the annotation (110 items), measured on every machine, the corpus or not: themes 0.84,
# instrument sub-types 0.77 reached, floors a small margin below.
SEED_THEME_MICRO_F1 = 0.82
SEED_INSTRUMENT_MICRO_F1 = 0.75


@pytest.mark.parametrize("field, floor", [("themes", SEED_THEME_MICRO_F1), ("instruments", SEED_INSTRUMENT_MICRO_F1)])
def test_on_the_seeds_alone_micro_f1_stays_above_its_floor(annotated, field, floor):
    pairs, _, _ = annotated
    seeds = {path.name for path in SEEDS_DIR.iterdir()}
    on_seeds = [(m, g) for m, g in pairs if g["file"] in seeds]
    assert len(on_seeds) >= 100  # the seeds' items of the annotation, matched
    per_label, micro = score(gold_pairs(on_seeds, field))
    print(f"\nseeds only\n{table(field, per_label, micro)}")
    assert micro.f1 >= floor


# The held-out annotation (tags_holdout.yaml, 122 measures by a third annotator, made after the rules of session 7
# and never read while the rules of session 8 were written): what the rules do on measures they were not written
# for. Reached when it was committed, with session 7's rules: themes 0.75, instruments 0.65; with session 8's
# (written against tags.yaml only): themes 0.75, instruments 0.65 — the gains on tags.yaml did not carry over.
HOLDOUT = ROOT / "tests" / "annotations" / "tags_holdout.yaml"
HOLDOUT_THEME_MICRO_F1 = 0.73
HOLDOUT_INSTRUMENT_MICRO_F1 = 0.63


@pytest.mark.parametrize(
    "field, floor", [("themes", HOLDOUT_THEME_MICRO_F1), ("instruments", HOLDOUT_INSTRUMENT_MICRO_F1)]
)
def test_on_the_held_out_annotation_micro_f1_stays_above_its_floor(built, field, floor):
    if not CORPUS.is_dir():
        pytest.skip("the held-out items are mostly corpus measures; their floors were measured with ../shared/corpus")
    pairs, expected, total = matched_annotation(HOLDOUT, built)
    assert len(pairs) >= MIN_MATCHED * expected
    per_label, micro = score(gold_pairs(pairs, field))
    print(f"\nheld out ({len(pairs)} of {total})\n{table(field, per_label, micro)}")
    assert micro.f1 >= floor
