"""The tag rules of data/taxonomy.yaml as typed structures, and the clause reading that applies them (#15).

A label fires when a clause that acts names its subject: the text is cut into clauses (，；。：), the spans
that name who acts or why (department lists, actor lists, purpose and 以…为… frames, areas experts are
consulted on; for themes also cited titles and review clauses) are blanked, and a keyword counts only where it
survives them, outside the label's `not_when` spans and, for keywords with an `only_when` condition, in a
clause that meets it. Every tag keeps the clause that gave it. The file's own header documents the schema for
the officials who edit it.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from lib.config import TAXONOMY_YAML
from lib.reference import ReferenceDataError, load_yaml, per_snapshot, require

DIMENSIONS = {"themes": "主题", "industries": "产业", "instruments": "工具", "target_groups": "对象"}
# A clause ends at these marks; 、 and 和 join the items of one list, so they do not end it.
CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n]")
KIND_NAMES = {"rd_direction": "研发方向条目"}  # how an evidence clause names a kind
BLANK = "□"  # what an ignored span becomes: same length, so positions in the text still hold
RULE_KEYS = {"keywords", "patterns", "only_when", "not_when", "for_kinds"}


@dataclass(frozen=True)
class Condition:
    """only_when: these keywords count only in a clause the pattern matches (or another condition's)."""

    keywords: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class LabelRule:
    """One label of one dimension and what makes it fire."""

    dimension: str
    label: str
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]  # action + object forms, matched on the clause
    only_when: tuple[Condition, ...]
    not_when: tuple[re.Pattern[str], ...]  # a keyword or pattern match overlapping one of these does not count
    for_kinds: tuple[str, ...] = ()  # every measure of these kinds carries the label (rd_direction → 技术支持)

    def allows(self, word: str, clause: str) -> bool:
        """Whether a keyword counts in a clause: it has no only_when condition, or one of them holds."""
        conditions = [c.pattern for c in self.only_when if word in c.keywords]
        return not conditions or any(p.search(clause) for p in conditions)


@dataclass(frozen=True)
class Taxonomy:
    """Every label rule in file order, the spans never read, and the evaluation keywords."""

    labels: tuple[LabelRule, ...]
    ignore: tuple[re.Pattern[str], ...]  # for themes, industries and instruments
    ignore_except_industries: tuple[re.Pattern[str], ...]  # for themes and instruments only
    evaluation_keywords: tuple[str, ...]
    ignore_themes_only: tuple[re.Pattern[str], ...] = ()  # for themes only (review sentences, names of documents)


@dataclass(frozen=True)
class Hit:
    """A label that fired: the words that gave it and the clause they stand in."""

    dimension: str
    label: str
    word: str
    clause: str


def _regex(source: Any, where: str) -> re.Pattern[str]:
    if not isinstance(source, str) or not source:
        raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}: expected a pattern (text), got {source!r}")
    try:
        return re.compile(source)
    except re.error as exc:
        raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}: invalid pattern {source!r}: {exc}") from exc


def _words(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}: expected a list of words")
    for word in values:
        if len(word) < 2:  # one character (光, 网) would tag nearly every measure
            raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}: keyword '{word}' needs at least two characters")
    return tuple(values)


def _label_rule(dimension: str, label: str, entry: Any) -> LabelRule:
    where = f"{dimension}.{label}"
    if isinstance(entry, list):  # the plain form: a list of keywords
        entry = {"keywords": entry}
    if not isinstance(entry, dict) or not set(entry) <= RULE_KEYS:
        raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}: expected a keyword list or {sorted(RULE_KEYS)}")
    keywords = _words(entry.get("keywords") or [], where)
    patterns = tuple(_regex(p, f"{where}.patterns") for p in entry.get("patterns") or [])
    for_kinds = _words(entry.get("for_kinds") or [], f"{where}.for_kinds")
    if not keywords and not patterns and not for_kinds:
        raise ReferenceDataError(f"{TAXONOMY_YAML}: {where} has no keywords")
    conditions = []
    for n, item in enumerate(entry.get("only_when") or [], start=1):
        if not isinstance(item, dict) or set(item) != {"keywords", "pattern"}:
            raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}.only_when #{n}: expected keywords and pattern")
        words = _words(item["keywords"], f"{where}.only_when #{n}")
        if unknown := [w for w in words if w not in keywords]:
            raise ReferenceDataError(f"{TAXONOMY_YAML}: {where}.only_when #{n}: {unknown} are not keywords of {label}")
        conditions.append(Condition(words, _regex(item["pattern"], f"{where}.only_when #{n}")))
    not_when = tuple(_regex(p, f"{where}.not_when") for p in entry.get("not_when") or [])
    return LabelRule(dimension, label, keywords, patterns, tuple(conditions), not_when, for_kinds)


def parse_taxonomy(data: Any) -> Taxonomy:
    """data/taxonomy.yaml as loaded → Taxonomy; a ReferenceDataError names the label at fault."""
    labels: list[LabelRule] = []
    for dim in DIMENSIONS:
        entries = require(data, dim, TAXONOMY_YAML)
        if dim == "instruments":  # top type → sub-type, flattened to '供给型·人才支持'
            entries = {f"{top}·{sub}": rule for top, subs in entries.items() for sub, rule in subs.items()}
        labels.extend(_label_rule(dim, label, entry) for label, entry in entries.items())
    return Taxonomy(
        tuple(labels),
        tuple(_regex(p, "ignore") for p in data.get("ignore") or []),
        tuple(_regex(p, "ignore_except_industries") for p in data.get("ignore_except_industries") or []),
        _words(require(data, "evaluation_keywords", TAXONOMY_YAML), "evaluation_keywords"),
        tuple(_regex(p, "ignore_themes_only") for p in data.get("ignore_themes_only") or []),
    )


@per_snapshot
def taxonomy() -> Taxonomy:
    return parse_taxonomy(load_yaml(TAXONOMY_YAML))


@per_snapshot
def _index() -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...], dict[str, tuple[int, ...]]]:
    """One Aho–Corasick automaton over every keyword (a text is read once whatever their number), the words
    in automaton order, and keyword → positions of the labels listing it."""
    rules = taxonomy()
    by_word: dict[str, list[int]] = {}
    for position, rule in enumerate(rules.labels):
        for word in rule.keywords:
            by_word.setdefault(word, []).append(position)
    words = tuple(sorted(by_word))
    automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)
    return automaton, words, {w: tuple(p) for w, p in by_word.items()}


Gate = tuple[frozenset[str], ...]  # every set holds a string that must occur in a text the pattern matches


def _gate(items: Any) -> list[frozenset[str]]:
    """What a match of a parsed pattern (re's own parse tree) needs: for each set, one of its strings."""
    needed: list[frozenset[str]] = []
    run = ""  # consecutive literal characters: one string
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            run += chr(arg)
            continue
        if run:
            needed.append(frozenset([run]))
            run = ""
        if name == "SUBPATTERN":
            needed += _gate(arg[-1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and arg[0] >= 1:
            needed += _gate(arg[2])
        elif name == "ASSERT":  # a lookahead or lookbehind still reads the text
            needed += _gate(arg[1])
        elif name == "BRANCH":
            firsts = [_gate(branch) for branch in arg[1]]
            if firsts and all(firsts):  # one alternative matched: one of their first needs occurs
                needed.append(frozenset().union(*(f[0] for f in firsts)))
    if run:
        needed.append(frozenset([run]))
    return needed


@functools.lru_cache(maxsize=4096)
def gate(pattern: re.Pattern[str]) -> Gate:
    """The strings a pattern needs (a text without them skips it: most texts have no list with 等, no 贡献
    …), which makes reading a measure several times faster. Empty, so nothing skipped, when the pattern
    cannot be read."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return tuple(_gate(_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 (an optimisation only: any doubt means the pattern is always tried)
        return ()


@per_snapshot
def _gate_strings() -> ahocorasick_rs.AhoCorasick:
    """One automaton over every string a pattern of the taxonomy needs: a text is read once for all."""
    rules = taxonomy()
    patterns = (
        rules.ignore
        + rules.ignore_except_industries
        + rules.ignore_themes_only
        + tuple(p for r in rules.labels for p in r.patterns)
    )
    strings = sorted({s for p in patterns for strings in gate(p) for s in strings})
    return ahocorasick_rs.AhoCorasick(strings or ["\x00"], matchkind=ahocorasick_rs.MatchKind.Standard)


def present_strings(text: str) -> frozenset[str]:
    """The strings the taxonomy's patterns need that occur in a text."""
    return frozenset(_gate_strings().find_matches_as_strings(text, overlapping=True))


def may_match(pattern: re.Pattern[str], present: frozenset[str]) -> bool:
    """False only when the pattern cannot match a text holding these of the needed strings."""
    return not any(map(present.isdisjoint, gate(pattern)))  # every need has one of its strings present


def blank(text: str, patterns: tuple[re.Pattern[str], ...], present: frozenset[str] | None = None) -> str:
    """The text with every match of the patterns replaced by BLANK, keeping its length; `present` (the
    needed strings in the text, or in a text it was blanked from) skips the patterns that cannot match."""
    present = present_strings(text) if present is None else present
    for pattern in patterns:
        if may_match(pattern, present):
            text = pattern.sub(lambda m: BLANK * len(m.group(0)), text)
    return text


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a text."""
    spans, start = [], 0
    for m in CLAUSE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def read_clauses(text: str, fields: tuple[str, ...] = (), kind: str | None = None) -> list[Hit]:
    """Every label that fires on a text, in file order, with the first word and clause that gave it.
    `fields` are headings the text stands under (a research direction's field): read for themes and
    industries as clauses of their own. `kind` is the measure's kind, for the labels every measure of a
    kind carries."""
    rules = taxonomy()
    automaton, words, by_word = _index()
    present = present_strings(text)
    industries = blank(text, rules.ignore, present)
    instruments = blank(industries, rules.ignore_except_industries, present)
    views = {  # the text each dimension reads
        "themes": blank(instruments, rules.ignore_themes_only, present),
        "industries": industries,
        "instruments": instruments,
        "target_groups": text,  # the kinds of beneficiary are exactly what target groups record
    }
    spans = clause_spans(text)
    starts = [s for s, _ in spans]
    first: dict[int, tuple[int, Hit]] = {}  # label position → (where in the text, hit)
    not_when_cache: dict[tuple[int, int], list[tuple[int, int]]] = {}
    # One pass of the automaton over the text; a word counts for a dimension only where that dimension's
    # view of the text still holds it (not blanked).
    for index, start, end in automaton.find_matches_as_indexes(text, overlapping=True):
        word = words[index]
        for position in by_word[word]:
            if position in first and first[position][0] <= start:
                continue
            rule = rules.labels[position]
            view = views[rule.dimension]
            if view is not text and view[start:end] != word:
                continue
            c_start, c_end = spans[bisect.bisect_right(starts, start) - 1]
            if rule.only_when and not rule.allows(word, view[c_start:c_end]):
                continue
            if rule.not_when:
                key = (position, c_start)
                if key not in not_when_cache:
                    not_when_cache[key] = [m.span() for p in rule.not_when for m in p.finditer(text[c_start:c_end])]
                if _overlaps(not_when_cache[key], start - c_start, end - c_start):
                    continue
            first[position] = (start, Hit(rule.dimension, rule.label, word, text[c_start:c_end].strip()))
    for position, rule in enumerate(rules.labels):
        if not rule.patterns:
            continue
        view = views[rule.dimension]
        if not any(may_match(p, present) and p.search(view) for p in rule.patterns):
            continue  # no match in the whole text, so none in any of its clauses
        for c_start, c_end in spans:  # within a clause: an action and its object are never split by ，
            if position in first and first[position][0] < c_start:
                break
            clause = text[c_start:c_end]
            excluded = [m.span() for p in rule.not_when for m in p.finditer(clause)]
            found = [
                m
                for p in rule.patterns
                for m in p.finditer(view[c_start:c_end])
                if not _overlaps(excluded, m.start(), m.end())
            ]
            if found:
                m = min(found, key=lambda m: m.start())
                if position not in first or c_start + m.start() < first[position][0]:
                    first[position] = (c_start + m.start(), Hit(rule.dimension, rule.label, m.group(0), clause.strip()))
                break
    for position, rule in enumerate(rules.labels):
        if kind is not None and kind in rule.for_kinds and position not in first:
            first[position] = (len(text), Hit(rule.dimension, rule.label, kind, f"（{KIND_NAMES.get(kind, kind)}）"))
    for heading in fields:
        for hit in read_clauses(heading):
            position = next(
                p for p, r in enumerate(rules.labels) if (r.dimension, r.label) == (hit.dimension, hit.label)
            )
            if hit.dimension in ("themes", "industries") and position not in first:
                first[position] = (len(text), Hit(hit.dimension, hit.label, hit.word, f"{heading}（所属领域）"))
    return [first[p][1] for p in sorted(first)]
