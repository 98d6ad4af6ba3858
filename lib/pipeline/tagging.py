"""Stage 6, tagging: themes, industries, policy instruments, target groups, districts, keywords.

Tags are multi-label and explainable: every tag records the keyword of data/taxonomy.yaml (or place
of data/places.yaml) that fired and the clause it stands in, so the dashboard can say why a measure carries
it. Themes, industries and instruments come from the clause that acts (lib/pipeline/tag_rules.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lib.config import JIEBA_USERDICT, KINDS_YAML, PLACES_YAML, STOPWORDS_TXT
from lib.pipeline import tag_rules
from lib.pipeline.tag_rules import DIMENSIONS
from lib.reference import ReferenceDataError, load_word_list, load_yaml, per_snapshot, reference_text, require

HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
LIST_SEPARATOR = re.compile(r"[、和]")


@dataclass(frozen=True)
class Tags:
    """Tags of one measure and the evidence for each: the word, and the clause it stands in."""

    themes: tuple[str, ...]
    industries: tuple[str, ...]
    instruments: tuple[str, ...]
    target_groups: tuple[str, ...]
    districts: tuple[str, ...]
    has_evaluation: bool
    evidence: tuple[str, ...]
    clauses: tuple[str, ...] = ()  # "主题·人才←加大引进海内外高层次人才力度", one per tag of the four dimensions


@per_snapshot
def vocabularies() -> dict[str, dict[str, tuple[str, ...]]]:
    """Label → keywords per dimension; instruments are flattened to '供给型·人才支持'."""
    vocab: dict[str, dict[str, tuple[str, ...]]] = {dim: {} for dim in DIMENSIONS}
    for rule in tag_rules.taxonomy().labels:
        vocab[rule.dimension][rule.label] = rule.keywords
    return vocab


def evaluation_keywords() -> tuple[str, ...]:
    return tag_rules.taxonomy().evaluation_keywords


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


def tag(text: str, doc_district: str | None, fields: tuple[str, ...] = (), kind: str | None = None) -> Tags:
    """Stage 6 entry point for one measure's text; `fields` are the headings a research direction stands
    under (its field gives it a theme and an industry), `kind` the measure's kind."""
    found: dict[str, list[str]] = {dim: [] for dim in DIMENSIONS}
    evidence: list[str] = []
    clauses: list[str] = []
    for hit in tag_rules.read_clauses(text, fields, kind):
        found[hit.dimension].append(hit.label)
        evidence.append(f"{DIMENSIONS[hit.dimension]}·{hit.label}←{hit.word}")
        clauses.append(f"{DIMENSIONS[hit.dimension]}·{hit.label}←{hit.clause}")
    places = districts_in(text)
    evidence.extend(f"区域·{d}←文中地名" for d in places)
    districts = tuple(dict.fromkeys(((doc_district,) if doc_district else ()) + places))
    if doc_district:
        evidence.append(f"区域·{doc_district}←区级文件")
    evaluation = next((w for w in evaluation_keywords() if w in text), None)
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
        tuple(clauses),
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


class _ContentWords(dict[str, bool]):
    """Token → whether it is a content word: two or more CJK characters, not a stopword. A token is judged
    in Python the first time it is seen; after that `filter(content.__getitem__, tokens)` runs in C."""

    MAX_TOKENS = 200_000  # a worker's distinct tokens over 1,000 generated documents: ~3,000

    def __init__(self, stop: frozenset[str]) -> None:
        super().__init__()
        self.stop = stop

    def __missing__(self, token: str) -> bool:
        if len(self) >= self.MAX_TOKENS:  # bounded on a corpus of endless new tokens
            self.clear()
        judged = self[token] = len(token) >= 2 and token not in self.stop and HAN_WORD.fullmatch(token) is not None
        return judged


@per_snapshot
def _content_words() -> _ContentWords:
    return _ContentWords(stopwords())


def tokens(text: str) -> list[str]:
    """Content words of a text in reading order: jieba tokens of two or more CJK characters, without stopwords."""
    return list(filter(_content_words().__getitem__, cut(text)))


def keywords(text: str, limit: int = 30) -> list[str]:
    """A measure's most frequent content words (ties in reading order); enough for word clouds and
    term trends over any selection without re-cutting text on every rerun. Filtered, counted and sorted in C
    (a stable sort of the Counter's keys, which are in reading order), not in a Python loop over tokens."""
    counts = Counter(filter(_content_words().__getitem__, cut(text)))
    return sorted(counts, key=counts.__getitem__, reverse=True)[:limit]
