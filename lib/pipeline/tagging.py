"""Stage 6, tagging: themes, industries, policy instruments, target groups, districts, keywords.

Tags are multi-label and explainable: every tag records the keyword of data/taxonomy.yaml (or place
of data/places.yaml) that fired, so the dashboard can say why a measure carries it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import ahocorasick_rs

from lib.config import JIEBA_USERDICT, KINDS_YAML, PLACES_YAML, STOPWORDS_TXT, TAXONOMY_YAML
from lib.reference import ReferenceDataError, load_word_list, load_yaml, per_snapshot, reference_text, require

DIMENSIONS = {"themes": "主题", "industries": "产业", "instruments": "工具", "target_groups": "对象"}
HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
LIST_SEPARATOR = re.compile(r"[、和]")


@dataclass(frozen=True)
class Tags:
    """Tags of one measure and the evidence for each."""

    themes: tuple[str, ...]
    industries: tuple[str, ...]
    instruments: tuple[str, ...]
    target_groups: tuple[str, ...]
    districts: tuple[str, ...]
    has_evaluation: bool
    evidence: tuple[str, ...]


@per_snapshot
def vocabularies() -> dict[str, dict[str, tuple[str, ...]]]:
    """Label → keywords per dimension; instruments are flattened to '供给型·人才支持'."""
    taxonomy = load_yaml(TAXONOMY_YAML)
    vocab: dict[str, dict[str, tuple[str, ...]]] = {}
    for dim in DIMENSIONS:
        entries = require(taxonomy, dim, TAXONOMY_YAML)
        if dim == "instruments":
            entries = {f"{top}·{sub}": words for top, subs in entries.items() for sub, words in subs.items()}
        for label, words in entries.items():
            if not words:
                raise ReferenceDataError(f"{TAXONOMY_YAML}: {dim}.{label} has no keywords")
        vocab[dim] = {label: tuple(words) for label, words in entries.items()}
    return vocab


@per_snapshot
def evaluation_keywords() -> tuple[str, ...]:
    return tuple(require(load_yaml(TAXONOMY_YAML), "evaluation_keywords", TAXONOMY_YAML))


@per_snapshot
def _keyword_matcher() -> ahocorasick_rs.AhoCorasick:
    """Every keyword tag() looks for, in one Aho–Corasick automaton (ahocorasick_rs, in Rust): a text is read
    once whatever the number of keywords, and overlapping ones (人工智能, 智能制造) are all found. Five times
    faster than looking for the keywords whose first two characters occur, the set found identical on
    20,000 generated measures (bench/README.md)."""
    words = {w for labels in vocabularies().values() for ws in labels.values() for w in ws} | set(evaluation_keywords())
    for word in words:
        if len(word) < 2:  # one character (光, 网) would tag nearly every measure
            raise ReferenceDataError(f"{TAXONOMY_YAML}: keyword '{word}' needs at least two characters")
    return ahocorasick_rs.AhoCorasick(sorted(words), matchkind=ahocorasick_rs.MatchKind.Standard)


@per_snapshot
def _label_index() -> tuple[tuple[tuple[str, str, tuple[str, ...]], ...], dict[str, tuple[int, ...]]]:
    """((dimension, label, keywords) in taxonomy order, keyword → positions of the labels listing it):
    tag() visits only the labels a present keyword points to, not all ~60."""
    labels = tuple((dim, label, words) for dim, entries in vocabularies().items() for label, words in entries.items())
    by_keyword: dict[str, list[int]] = {}
    for position, (_dim, _label, words) in enumerate(labels):
        for word in words:
            by_keyword.setdefault(word, []).append(position)
    return labels, {word: tuple(positions) for word, positions in by_keyword.items()}


def keywords_present(text: str) -> frozenset[str]:
    """The taxonomy and evaluation keywords that occur in a text."""
    return frozenset(_keyword_matcher().find_matches_as_strings(text, overlapping=True))


@per_snapshot
def place_index() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every district name, safe alias and place (longest first) → district."""
    places = load_yaml(PLACES_YAML)
    to_district: dict[str, str] = {}
    for name, info in require(places, "districts", PLACES_YAML).items():
        to_district[name] = name
        for alias in (info or {}).get("aliases") or ():
            to_district[alias] = name
    for place, district in require(places, "places", PLACES_YAML).items():
        to_district[place] = district
    pattern = re.compile("|".join(re.escape(k) for k in sorted(to_district, key=len, reverse=True)))
    return pattern, to_district


@per_snapshot
def district_enumeration() -> tuple[re.Pattern[str], dict[str, str]]:
    """Short district names in a list that ends in 区 ("东丽、津南、北辰、静海等区"): the only place where
    ambiguous short names such as 津南 or 河北 can be trusted."""
    short: dict[str, str] = {}
    for name, info in require(load_yaml(PLACES_YAML), "districts", PLACES_YAML).items():
        for alias in [*(info or {}).get("aliases", []), *(info or {}).get("ambiguous_aliases", [])]:
            short[alias] = name
    names = "|".join(re.escape(a) for a in sorted(short, key=len, reverse=True))
    return re.compile(rf"(?:(?:{names})[、和])+(?:{names})(?=等?[几各]?区)"), short


def districts_in(text: str) -> tuple[str, ...]:
    """Districts a text concerns, through district names, the places inside them and lists of short names."""
    pattern, to_district = place_index()
    found = [to_district[m.group(0)] for m in pattern.finditer(text)]
    enumeration, short = district_enumeration()
    if "区" in text:  # every enumeration ends in 区; most measures have none and skip the slow scan
        for m in enumeration.finditer(text):
            found.extend(short[name] for name in LIST_SEPARATOR.split(m.group(0)))
    return tuple(dict.fromkeys(found))


def tag(text: str, doc_district: str | None) -> Tags:
    """Stage 6 entry point for one measure's text."""
    present = keywords_present(text)
    labels, by_keyword = _label_index()
    found: dict[str, list[str]] = {dim: [] for dim in DIMENSIONS}
    evidence: list[str] = []
    for position in sorted({p for word in present for p in by_keyword.get(word, ())}):  # taxonomy order
        dim, label, words = labels[position]
        hit = next(w for w in words if w in present)  # the label's first keyword that occurs
        found[dim].append(label)
        evidence.append(f"{DIMENSIONS[dim]}·{label}←{hit}")
    places = districts_in(text)
    evidence.extend(f"区域·{d}←文中地名" for d in places)
    districts = tuple(dict.fromkeys(((doc_district,) if doc_district else ()) + places))
    if doc_district:
        evidence.append(f"区域·{doc_district}←区级文件")
    evaluation = next((w for w in evaluation_keywords() if w in present), None)
    if evaluation:
        evidence.append(f"评估要求←{evaluation}")
    return Tags(
        tuple(found["themes"]),
        tuple(found["industries"]),
        tuple(found["instruments"]),
        tuple(found["target_groups"]),
        districts,
        evaluation is not None,
        tuple(evidence),
    )


# --- measure kinds --------------------------------------------------------------------------------


@per_snapshot
def kind_rules() -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...], tuple[str, ...]]:
    rules = load_yaml(KINDS_YAML)
    sections = tuple((kind, tuple(words)) for kind, words in require(rules, "section_kinds", KINDS_YAML).items())
    actions = tuple(require(rules, "action_words", KINDS_YAML))
    return sections, tuple(require(rules, "procedure_steps", KINDS_YAML)), actions


@per_snapshot(maxsize=4096)  # the same ancestor headings are looked up for every leaf under them
def section_kind(heading: str) -> str | None:
    """The kind a section heading gives its items (保障措施 → safeguard), or None; a goal heading that also
    names a task (2024年主要目标任务) opens tasks."""
    sections, _steps, actions = kind_rules()
    for kind, words in sections:
        if any(w in heading for w in words):
            return "task" if kind == "context" and any(w in heading for w in actions) else kind
    return None


def classify_kinds(leaves) -> list[str]:
    """Kind of each leaf: its own short heading, else the nearest ancestor heading with a kind.
    An 组织实施 section is a procedure when most of its items are procedure steps, else safeguard."""
    steps = kind_rules()[1]
    kinds = []
    for leaf in leaves:
        own = section_kind(leaf.heading) if len(leaf.heading) <= 10 else None
        inherited = next((k for h in reversed(leaf.path) if (k := section_kind(h))), None)
        kinds.append(own or inherited or "task")
    for index, kind in enumerate(kinds):
        if kind == "implementation":
            siblings = [ln for ln in leaves if ln.path == leaves[index].path]
            share = sum(any(s in ln.heading for s in steps) for ln in siblings) / len(siblings)
            kinds[index] = "procedure" if share >= 0.5 else "safeguard"
    return kinds


# --- keywords ---------------------------------------------------------------------------------------


@per_snapshot
def _tokenizer():
    """jieba's segmentation with the policy user dictionary, through rjieba (the Rust port of jieba):
    the same tokens as jieba on every seed measure (tests/test_tagging.py), ~0.1 s to load instead of
    jieba's ~1.7 s first cut, and several times faster per text. rjieba builds its module-level segmenter
    when imported; the user dictionary goes into that one (nothing else in the process segments text)
    rather than into a second one, which would cost another 0.1 s on each build. Derived again per snapshot: an
    edited dictionary's new words are added (rjieba cannot remove one: a deleted word needs a new process)."""
    import rjieba

    for n, line in enumerate(reference_text(JIEBA_USERDICT).splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            rjieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
        except ValueError as exc:
            raise ReferenceDataError(f"{JIEBA_USERDICT}:{n}: expected 'word [freq] [tag]'") from exc
    return rjieba


def cut(text: str) -> list[str]:
    """All jieba tokens of a text (HMM on, as jieba's default)."""
    return _tokenizer().cut(text, True)


@per_snapshot
def stopwords() -> frozenset[str]:
    return frozenset(load_word_list(STOPWORDS_TXT))


def tokens(text: str) -> list[str]:
    """Content words of a text: jieba tokens of two or more CJK characters, without stopwords."""
    stop = stopwords()
    return [t for t in cut(text) if len(t) >= 2 and t not in stop and HAN_WORD.fullmatch(t)]


def keywords(text: str, limit: int = 30) -> list[str]:
    """A measure's most frequent content words (ties in reading order); enough for word clouds and
    term trends over any selection without re-cutting text on every rerun."""
    return [word for word, _ in Counter(tokens(text)).most_common(limit)]
