"""政策演进 (policy evolution): how the agenda moved between years and documents (pure pandas).

Tag mixes per year or document, emerging and fading terms between two periods (weighted log-odds
with an informative Dirichlet prior), bodies over time with renamings merged, the same indicator
aligned across documents, and two documents or years side by side (the lineage is lib/lineage.py).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from lib.codes import WRITTEN_SOURCES, AgencySource
from lib.config import DATA_DIR, JIEBA_USERDICT
from lib.contract import parse_renamed_from, renaming_label
from lib.query.labels import LabelIndex, index_labels, label_counts, positions, relabel
from lib.query.textstats import keyword_frequencies
from lib.query.views import VALUE_TEXT_COLUMNS, decimal_year, value_text, year_text
from lib.reference import ReferenceDataError, load_yaml, require

INDICATORS_YAML = DATA_DIR / "indicators.yaml"
MIX_DIMENSIONS = {
    "themes": "主题",
    "industries": "产业",
    "instrument_types": "政策工具（三类）",
    "instruments": "政策工具（细类）",
}
# Mix dimension → the sidebar filter a click adds to (a top type such as 供给型 filters by prefix).
MIX_FILTER = {
    "themes": "themes",
    "industries": "industries",
    "instrument_types": "instruments",
    "instruments": "instruments",
}
Period = tuple[int, int]
Z_95 = 1.96  # |z| above this: the difference is unlikely to be chance (two-sided 5 %)


# --- 1. mixes ---------------------------------------------------------------------------------------


def labels_of(measures: pd.DataFrame, dimension: str, index: LabelIndex | None = None) -> LabelIndex:
    """The measures' labels on a mix dimension; instrument_types keeps only 供给型/环境型/需求型. `index`: the
    column's LabelIndex of the table `measures` was filtered from, if at hand (cut, not exploded again)."""
    column = "instruments" if dimension == "instrument_types" else dimension
    labels = index.within(positions(measures)) if index is not None else index_labels(measures[column])
    if dimension == "instrument_types":
        return relabel(labels, lambda label: label.split("·")[0])
    return labels


def document_labels(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents in reading order of time: doc_id, year, label ("2021·天津市科技创新“十四五”规划").
    Undated documents come first ("年份不详·…"), so the latest dated ones close the list."""
    docs = documents.assign(_when=[decimal_year(d, y) for d, y in zip(documents.issued_date, documents.year)])
    docs = docs.sort_values(["_when", "doc_id"], na_position="first")
    years = year_text(docs.year)
    return pd.DataFrame(
        {"doc_id": docs.doc_id, "year": docs.year, "label": [f"{y}·{t[:14]}" for y, t in zip(years, docs.title)]}
    ).reset_index(drop=True)


def mix_table(
    measures: pd.DataFrame, documents: pd.DataFrame, dimension: str, by: str = "year", index: LabelIndex | None = None
) -> pd.DataFrame:
    """Label counts per year or document: group, group_label, label, n (measures carrying the label),
    share (of all labels in the group, so a group's shares sum to 1), n_measures (in the group). `index` as
    for labels_of."""
    columns = ["group", "group_label", "label", "n", "share", "n_measures"]
    if measures.empty:
        return pd.DataFrame(columns=columns)
    key = "year" if by == "year" else "doc_id"
    groups = measures[key].to_numpy()
    sizes = pd.Series(groups).groupby(groups).size()
    pairs = labels_of(measures, dimension, index).pairs()
    tagged = pd.DataFrame({"group": groups[pairs.row.to_numpy()], "label": pairs.label.to_numpy()}).dropna(
        subset=["group"]
    )
    if tagged.empty:
        return pd.DataFrame(columns=columns)
    counts = tagged.groupby(["group", "label"]).size().rename("n").reset_index()
    counts["share"] = counts.n / counts.groupby("group").n.transform("sum")
    counts["n_measures"] = counts.group.map(sizes).astype(int)
    if by == "year":
        counts["group_label"] = counts.group.astype(int).astype(str)
        order = {g: g for g in counts.group}
    else:
        docs = document_labels(documents)
        counts["group_label"] = counts.group.map(docs.set_index("doc_id").label).fillna(counts.group)
        order = {d: n for n, d in enumerate(docs.doc_id)}
    counts["_order"] = counts.group.map(order)
    return counts.sort_values(["_order", "n", "label"], ascending=[True, False, True])[columns].reset_index(drop=True)


# --- 2. emerging and fading terms -------------------------------------------------------------------


def keyword_counts(measures: pd.DataFrame, index: LabelIndex | None = None) -> Counter:
    """How many measures carry each keyword (a measure counts a word once); `index` as for label_counts."""
    return keyword_frequencies(measures, index=index)


# A keyword is a jieba token of the measure (lib/tagging.keywords). jieba cuts a word its dictionary lacks
# into pieces, and a piece then passes for a word of its own: 常态化 → 常态 + 化, 新时代 → 新 + 时代,
# 有关部门 → 有关 + 部门. 22 of the stop list's words are cut so, which is why the stop list never removed
# them and 常态 was 2025's top emerging term. A term therefore counts in a measure only where the text
# uses it outside every listed word (stop list, user dictionary) it is a piece of.


def split_word_pieces(
    words: Iterable[str], cut: Callable[[str], list[str]] | None = None
) -> dict[str, tuple[str, ...]]:
    """Piece → the listed words it is cut out of, for the words the segmentation does not keep whole
    (pieces of two or more characters: shorter tokens are never keywords)."""
    if cut is None:
        from lib.pipeline.tagging import cut as cut_text  # the build's segmenter, read-only here

        cut = cut_text
    found: dict[str, set[str]] = defaultdict(set)
    for word in words:
        if len(word) < 2:
            continue
        tokens = cut(word)
        if tokens != [word]:
            for token in tokens:
                if len(token) >= 2:
                    found[token].add(word)
    return {piece: tuple(sorted(longer)) for piece, longer in found.items()}


@lru_cache(maxsize=1)
def listed_word_pieces() -> dict[str, tuple[str, ...]]:
    """split_word_pieces of the project's own word lists: data/stopwords.txt and data/jieba_userdict.txt."""
    from lib.pipeline.tagging import stopwords

    userdict = [line.split()[0] for line in JIEBA_USERDICT.read_text(encoding="utf-8").splitlines() if line.split()]
    return split_word_pieces(sorted(set(stopwords()) | set(userdict)))


def whole_word(text: str, term: str, longer: Iterable[str]) -> bool:
    """Whether `term` occurs in `text` at least once outside every occurrence of the `longer` words."""
    covered = [(m.start(), m.start() + len(word)) for word in longer for m in re.finditer(re.escape(word), text)]
    start = text.find(term)
    while start >= 0:
        if not any(lo <= start and start + len(term) <= hi for lo, hi in covered):
            return True
        start = text.find(term, start + 1)
    return False


def drop_bound_pieces(
    index: LabelIndex, headings: pd.Series, texts: pd.Series, pieces: Mapping[str, tuple[str, ...]]
) -> LabelIndex:
    """The keywords' index without the (measure, term) pairs where the measure's heading and text use the
    term only inside a longer listed word; headings and texts by row position of the indexed table."""
    keep = np.ones(len(index.rows), dtype=bool)
    for code in np.flatnonzero(np.isin(index.names, list(pieces))):  # only the few terms that are pieces
        term = str(index.names[code])
        for at in np.flatnonzero(index.codes == code):
            row = index.rows[at]
            keep[at] = whole_word(f"{headings.iat[row]}\n{texts.iat[row]}", term, pieces[term])
    return LabelIndex(rows=index.rows[keep], codes=index.codes[keep], names=index.names, n_rows=index.n_rows)


def _one_period_z(k: int, n_without: int, n_with: int, alpha0: float) -> float:
    """z of a term carried k times in one period, never in the other, its prior count k (log_odds' formula)."""
    if n_with + alpha0 - 2 * k <= 0 or n_without + alpha0 - k <= 0:
        return -math.inf
    delta = math.log(2 * k / (n_with + alpha0 - 2 * k)) - math.log(k / (n_without + alpha0 - k))
    return delta / math.sqrt(1 / k + 1 / (2 * k))


def significance_floor(n_a: int, n_b: int, alpha0: float, z: float = Z_95) -> int | None:
    """The least count at which a term can reach |z| ≥ `z` between two periods of n_a and n_b keywords:
    a term found in one period only, and nowhere else in the prior, is the most extreme case, so a term
    carried by fewer measures cannot be told from chance and is not listed. None: no count can."""
    for k in range(1, max(n_a, n_b) + 1):
        if max(_one_period_z(k, n_a, n_b, alpha0), _one_period_z(k, n_b, n_a, alpha0)) >= z:
            return k
    return None


def term_scores(
    measures: pd.DataFrame, periods: tuple[Period, Period], index: LabelIndex | None = None
) -> tuple[pd.DataFrame, int | None]:
    """log_odds of the two periods' keywords with all of `measures` as the prior, only terms reaching the
    significance_floor, with each period's share of measures: (scores, floor)."""
    dated = measures[["year"]]  # the keywords come from the index, by position
    a, b = (keyword_counts(in_period(dated, period), index) for period in periods)
    prior = keyword_counts(measures, index)
    floor = significance_floor(sum(a.values()), sum(b.values()), sum(prior.values()))
    scores = log_odds(a, b, prior=prior, min_count=floor or math.inf)  # type: ignore[arg-type]  # inf: none passes
    first, second = (len(in_period(dated, period)) for period in periods)
    return with_shares(scores, (first, second)), floor


def with_shares(scores: pd.DataFrame, n_measures: tuple[int, int]) -> pd.DataFrame:
    """Scores with share_a, share_b: the share of each period's measures that carry the term."""
    return scores.assign(share_a=scores.n_a / max(n_measures[0], 1), share_b=scores.n_b / max(n_measures[1], 1))


def widget_key(prefix: str, options: Iterable) -> str:
    """A widget key that changes with its options, so a choice that left the filtered view falls back
    to the default instead of lingering (or clashing with the other side of a comparison)."""
    return f"{prefix}_{zlib.crc32('|'.join(map(str, options)).encode()):08x}"


def in_period(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[frame.year.between(*period)]


def default_periods(years: Iterable[int]) -> tuple[Period, Period] | None:
    """The latest year against everything before it; None when fewer than two years are present."""
    present = sorted({int(y) for y in years if pd.notna(y)})
    if len(present) < 2:
        return None
    return (present[0], present[-2]), (present[-1], present[-1])


def log_odds(
    counts_a: Mapping[str, int],
    counts_b: Mapping[str, int],
    prior: Mapping[str, float] | None = None,
    min_count: int = 1,
) -> pd.DataFrame:
    """Weighted log-odds ratio of each term in B against A with an informative Dirichlet prior
    (Monroe, Colaresi & Quinn 2008, eq. 16–22): term, n_a, n_b, delta, z (positive = more in B).

    The prior is a background corpus of counts (default: A and B pooled); a term missing from it gets
    its pooled count, so every term has a positive pseudo-count."""
    pooled = Counter(counts_a) + Counter(counts_b)
    prior = Counter(prior) if prior is not None else pooled
    alpha = {w: prior.get(w) or pooled[w] for w in pooled}
    alpha0 = sum(prior.values()) + sum(a for w, a in alpha.items() if not prior.get(w))
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    rows: list[tuple[str, int, int, float, float]] = []
    for word, total in pooled.items():
        if total < min_count:
            continue
        y_a, y_b, a = counts_a.get(word, 0), counts_b.get(word, 0), alpha[word]
        delta = math.log((y_b + a) / (n_b + alpha0 - y_b - a)) - math.log((y_a + a) / (n_a + alpha0 - y_a - a))
        rows.append((word, y_a, y_b, delta, delta / math.sqrt(1 / (y_a + a) + 1 / (y_b + a))))
    frame = pd.DataFrame(rows, columns=["term", "n_a", "n_b", "delta", "z"]).astype(
        {"term": str, "n_a": int, "n_b": int, "delta": float, "z": float}
    )  # typed even when empty
    return frame.sort_values(["z", "term"], ascending=[False, True], ignore_index=True)


def emerging_and_fading(scores: pd.DataFrame, top: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `top` terms with the highest positive z (emerging) and the lowest negative z (fading)."""
    emerging = scores[scores.z > 0].nlargest(top, "z")
    fading = scores[scores.z < 0].nsmallest(top, "z")
    return emerging.reset_index(drop=True), fading.reset_index(drop=True)


SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")  # "……；二是……。" → two sentences


def term_sentences(
    measures: pd.DataFrame,
    documents: pd.DataFrame,
    term: str,
    limit: int = 20,
    pieces: Mapping[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """The sentences carrying a term as a whole word (see whole_word; `pieces` as listed_word_pieces),
    newest first: doc_id, title, year, measure_id, heading, sentence."""
    columns = ["doc_id", "title", "year", "measure_id", "heading", "sentence"]
    if not term or measures.empty:
        return pd.DataFrame(columns=columns)
    # A keyword comes from the measure's own words, so the text search finds every carrier.
    carriers = measures[
        measures.text.str.contains(term, regex=False) | measures.heading.str.contains(term, regex=False)
    ]
    titles = documents.set_index("doc_id").title
    longer = (pieces or {}).get(term, ())
    rows: list[tuple] = []
    for m in carriers.sort_values(["year", "doc_id", "ordinal"], ascending=[False, True, True]).itertuples():
        found = [s.strip() for s in SENTENCE_END.split(m.text) if whole_word(s, term, longer)]
        found = found or ([m.heading] if whole_word(m.heading, term, longer) else [])
        year = None if pd.isna(m.year) else int(m.year)  # undated documents come last
        rows.extend((m.doc_id, titles.get(m.doc_id, m.doc_id), year, m.measure_id, m.heading, s) for s in found)
        if len(rows) >= limit:
            break
    return pd.DataFrame(rows[:limit], columns=columns).astype({"year": "Int64"})


def dominant_document(
    measures: pd.DataFrame, counted: Callable[[pd.DataFrame], pd.DataFrame] | None = None
) -> tuple[str, int, int] | None:
    """(doc_id, its measures, all measures) when one document carries more than half of a selection's
    measures (or of the rows `counted` keeps of them, such as those with written bodies): what is said of
    the selection then mostly describes that one document. A selection of one document is no warning."""
    rows = measures if counted is None else counted(measures)
    counts = rows.doc_id.value_counts()
    if measures.doc_id.nunique() < 2 or counts.empty or counts.iloc[0] * 2 <= len(rows):
        return None
    return str(counts.index[0]), int(counts.iloc[0]), len(rows)


def dominance_notes(
    selections: Mapping[str, pd.DataFrame],
    titles: Mapping[str, str],
    counted: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    what: str = "措施",
) -> list[str]:
    """ "2018–2021 年的 147 条措施中有 88 条（60%）出自《…》" for each named selection a document dominates."""
    notes: list[str] = []
    for name, measures in selections.items():
        if found := dominant_document(measures, counted):
            doc_id, n, total = found
            share = "全部" if n == total else f"中有 {n} 条（{n / total:.0%}）"
            notes.append(f"{name}的 {total} 条{what}{share}出自《{titles.get(doc_id, doc_id)}》")
    return notes


# --- 3. bodies over time ----------------------------------------------------------------------------

# A measure whose text names no 责任单位 counts for its issuing body (agency_source "issuer"). That is a
# convention, not what the document says, and documents differ in it (the 2018 ones write none, the 2025
# scheme almost always): bodies are compared by written responsibility unless the fallback is asked for.


def responsibility_rows(measures: pd.DataFrame, include_issuer: bool) -> pd.DataFrame:
    """The measures whose bodies are written (agency_source "phrase", or "carried" from an earlier item's 下同),
    with the issuer fallback if asked."""
    return measures if include_issuer else measures[measures.agency_source.isin(WRITTEN_SOURCES)]


def fallback_note(measures: pd.DataFrame) -> str:
    """What leaving the fallback out leaves out, per year ("" when nothing)."""
    fallback = measures[measures.agency_source.eq(AgencySource.ISSUER)]
    if fallback.empty:
        return ""
    per_year = fallback.year.value_counts(dropna=False).sort_index()
    parts = [f"{'年份不详' if pd.isna(year) else f'{int(year)} 年'} {n} 条" for year, n in per_year.items()]
    return "未计入原文未写明责任单位、按发文机关计的措施：" + "，".join(parts) + "。"


def agency_year_counts(measures: pd.DataFrame, top: int = 15, include_issuer: bool = False) -> pd.DataFrame:
    """Measures per canonical body and year for the `top` bodies: agency, year, n, n_issuer (of n, by the
    issuer fallback), total (busiest first). Written responsibility only unless `include_issuer`.
    Renamed bodies are already one canonical name in `measures.agencies` (市科委 → 市科技局)."""
    measures = responsibility_rows(measures, include_issuer)
    pairs = index_labels(measures["agencies"]).pairs().rename(columns={"label": "agency"})  # a body once per measure
    if pairs.empty:
        return pd.DataFrame(columns=["agency", "year", "n", "n_issuer", "total"])
    totals = pairs.groupby("agency", observed=True).size()
    totals = totals[totals > 0]  # undated measures count here, though no year cell shows them
    rows = pairs.row.to_numpy()
    pairs["year"] = measures.year.to_numpy(dtype=float, na_value=np.nan)[rows]
    pairs["issuer"] = measures.agency_source.eq(AgencySource.ISSUER).to_numpy()[rows]
    cells = (
        pairs.dropna(subset=["year"])
        .astype({"year": int})
        .groupby(["agency", "year"], observed=True)
        .agg(n=("issuer", "size"), n_issuer=("issuer", "sum"))
        .reset_index()
    )
    cells = cells[cells.n > 0].astype({"agency": object, "n_issuer": int})
    keep = sorted(totals.index, key=lambda a: (-totals[a], a))[:top]
    order = {a: n for n, a in enumerate(keep)}
    cells = cells[cells.agency.isin(keep)].assign(
        total=lambda c: c.agency.map(totals).astype(int), _order=lambda c: c.agency.map(order)
    )
    return cells.sort_values(["_order", "year"]).drop(columns="_order").reset_index(drop=True)


def renaming_notes(agencies: pd.DataFrame, bodies: Iterable[str] | None = None) -> list[str]:
    """ "市科委（2018）→市科技局" for every renamed body (only those in `bodies` when given)."""
    wanted = set(bodies) if bodies is not None else None
    notes: list[str] = []
    for row in agencies.sort_values("agency").itertuples():
        if wanted is not None and row.agency not in wanted:
            continue
        notes.extend(f"{renaming_label(parse_renamed_from(earlier))}→{row.agency}" for earlier in row.renamed_from)
    return notes


def appear_vanish(
    measures: pd.DataFrame, column: str, period_a: Period, period_b: Period
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labels of a list column present in B but not A (appeared: label, n in B) and in A but not B
    (vanished: label, n in A), most measures first."""
    dated = measures[["year", column]]  # filtering copies every column it holds
    a, b = (label_counts(in_period(dated, period), column) for period in (period_a, period_b))

    def frame(source: Counter, other: Counter) -> pd.DataFrame:
        rows = sorted(((label, n) for label, n in source.items() if label not in other), key=lambda r: (-r[1], r[0]))
        return pd.DataFrame(rows, columns=["label", "n"])

    return frame(b, a), frame(a, b)


def bodies_appear_vanish(
    measures: pd.DataFrame, period_a: Period, period_b: Period, include_issuer: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """appear_vanish of the bodies by written responsibility (with the fallback if asked), each row with
    n_issuer: how many of its n measures count for it only as the issuer."""
    kept = responsibility_rows(measures[["year", "agencies", "agency_source"]], include_issuer)
    fallback = kept[kept.agency_source.eq(AgencySource.ISSUER)]
    by_issuer = [label_counts(in_period(fallback, period), "agencies") for period in (period_b, period_a)]
    return tuple(
        frame.assign(n_issuer=[issued[label] for label in frame.label]).astype({"n_issuer": int})
        for frame, issued in zip(appear_vanish(kept, "agencies", period_a, period_b), by_issuer)
    )


def written_coverage(selections: Mapping[str, pd.DataFrame]) -> str:
    """ "2018–2021 年 147 条措施中 16 条写明责任单位（11%）；…": how far written responsibility reaches."""
    return "；".join(
        f"{name} {len(m)} 条措施中 {int(m.agency_source.isin(WRITTEN_SOURCES).sum())} 条写明责任单位"
        f"（{m.agency_source.isin(WRITTEN_SOURCES).mean():.0%}）"
        for name, m in selections.items()
        if len(m)
    )


def body_line(row) -> str:
    """ "市政府办公厅：36 条（均按发文机关计）": a body of an appear/vanish list with its fallback share."""
    if row.n_issuer == row.n:
        how = "（均按发文机关计）"
    else:
        how = f"（其中 {row.n_issuer} 条按发文机关计）" if row.n_issuer else ""
    return f"{row.label}：{row.n} 条{how}"


# --- 4. indicators across documents -----------------------------------------------------------------


def indicator_phrases(path=INDICATORS_YAML) -> dict[str, dict]:
    """data/indicators.yaml: canonical → {phrases, units}; an entry without phrases names file and entry."""
    entries = require(load_yaml(path), "indicators", path)
    out = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not entry.get("phrases"):
            raise ReferenceDataError(f"{path}: indicator '{name}' has no phrases")
        out[str(name)] = {
            "phrases": [str(p) for p in entry["phrases"]],
            "units": [str(u) for u in entry.get("units") or []],
        }
    return out


def canonical_indicator(indicator: str, unit: str | None, mapping: Mapping[str, Mapping]) -> str | None:
    """The canonical indicator a target names: the longest phrase found in its text, unit permitting."""
    best, best_len = None, 0
    for name, entry in mapping.items():
        units = entry.get("units") or []
        if units and unit not in units:
            continue
        for phrase in entry["phrases"]:
            if phrase in (indicator or "") and len(phrase) > best_len:
                best, best_len = name, len(phrase)
    return best


ALIGNED_KINDS = ("target", "baseline")


def align_indicators(targets: pd.DataFrame, documents: pd.DataFrame, mapping: Mapping[str, Mapping]) -> pd.DataFrame:
    """Targets and baselines of known indicators on one timeline: series ("技术合同成交额（亿元）"),
    canonical, unit, doc_id, doc_label, x (target year; a masked or missing year sits at the plan's end,
    else the document's year, and x_note says so), value / value_high (NaN when masked, never guessed),
    masked, value_label (as the targets page writes it), short_label (for the mark), scope, raw, kind."""
    columns = [
        "series",
        "canonical",
        "unit",
        "doc_id",
        "doc_label",
        "x",
        "x_note",
        "value",
        "value_high",
        "masked",
        "value_label",
        "short_label",
        "scope",
        "raw",
        "kind",
    ]
    candidates = targets[targets.kind.isin(ALIGNED_KINDS) & targets.doc_id.isin(documents.doc_id.unique())]
    keys = list(zip(candidates.indicator, candidates.unit))
    canonical_of = {key: canonical_indicator(*key, mapping) for key in dict.fromkeys(keys)}  # indicators repeat
    canonical = pd.Series([canonical_of[key] for key in keys], index=candidates.index, dtype=object)
    docs = documents.set_index("doc_id")
    found = candidates.assign(
        canonical=canonical,
        period_end=candidates.doc_id.map(docs.period_end),
        doc_year=candidates.doc_id.map(docs.year),
    ).dropna(subset=["canonical"])
    # itertuples over the few columns read: a tuple of every target column cost ~1 s at 48,000 targets
    placing = found[[c for c in ("target_year", "year_masked", "period_end", "doc_year") if c in found]]
    placed = [_target_x(t, t.period_end, t.doc_year) for t in placing.itertuples()]
    found = found.assign(x=[x for x, _ in placed], x_note=[note for _, note in placed]).dropna(
        subset=["x"]
    )  # no year anywhere: off the axis
    shown = [value_text(t) for t in found[list(VALUE_TEXT_COLUMNS)].itertuples()]
    masked = found.masked.astype(bool)
    frame = pd.DataFrame(
        {
            "series": (found.canonical + "（" + found.unit + "）").fillna(found.canonical),
            "canonical": found.canonical,
            "unit": found.unit,
            "doc_id": found.doc_id,
            "doc_label": found.doc_id.map(document_labels(documents).set_index("doc_id").label),
            "x": found.x,
            "x_note": found.x_note,
            "value": found.value_low.where(~masked),
            "value_high": found.value_high.where(~masked),
            "masked": masked,
            "value_label": shown,
            "short_label": (found["mask"].fillna("") + found.unit.fillna("")).where(masked, shown),
            "scope": found.scope,
            "raw": found.raw,
            "kind": found.kind,
        },
        columns=columns,
    )
    return frame.sort_values(["series", "x", "doc_label"], ignore_index=True)


def _target_x(target, period_end, doc_year) -> tuple[float, str]:
    if pd.notna(target.target_year):
        return float(target.target_year), ""
    why = "目标年份遮盖" if getattr(target, "year_masked", False) else "未写目标年份"
    if pd.notna(period_end):
        return float(period_end), f"{why}，按规划期末 {int(period_end)} 年放置"
    if pd.notna(doc_year):
        return float(doc_year), f"{why}，按发文年份 {int(doc_year)} 年放置"
    return math.nan, f"{why}，文件年份不详"


def busiest_documents(aligned: pd.DataFrame, series: Sequence[str], limit: int) -> pd.DataFrame:
    """The points of the `limit` documents with the most points on the chosen series (ties: latest first):
    beyond a dozen documents the colours and the legend can no longer be told apart."""
    chosen = aligned[aligned.series.isin(series)]
    points = chosen.groupby("doc_id").size().rename("n").reset_index()
    points["x"] = points.doc_id.map(chosen.groupby("doc_id").x.max())
    keep = points.sort_values(["n", "x", "doc_id"], ascending=[False, False, True]).doc_id.head(limit)
    return chosen[chosen.doc_id.isin(keep)]


def series_order(aligned: pd.DataFrame) -> list[str]:
    """Series most worth comparing first: in more documents, with more points, with visible values."""
    if aligned.empty:
        return []
    stats = aligned.groupby("series").agg(
        docs=("doc_id", "nunique"), points=("x", "size"), visible=("masked", lambda m: (~m).sum())
    )
    return sorted(stats.index, key=lambda s: (-stats.docs[s], -stats.points[s], -int(stats.visible[s] > 0), s))


# --- 5. two documents or years side by side ---------------------------------------------------------


def compare_counts(
    measures_a: pd.DataFrame, measures_b: pd.DataFrame, column: str, top: int | None = None, by: str = "share"
) -> pd.DataFrame:
    """Measures per label of a list column in A and B: label, a, b, a_share, b_share (of the side's own
    measures, so a long document does not outweigh a short one). The `top` labels by the larger share
    (by="share") or by most measures in A+B (by="count")."""
    a, b = label_counts(measures_a, column), label_counts(measures_b, column)
    size_a, size_b = max(len(measures_a), 1), max(len(measures_b), 1)
    rows = [(label, a[label], b[label], a[label] / size_a, b[label] / size_b) for label in set(a) | set(b)]
    order = (
        (lambda r: (-max(r[3], r[4]), -(r[3] + r[4]), r[0])) if by == "share" else (lambda r: (-(r[1] + r[2]), r[0]))
    )
    rows.sort(key=order)
    return pd.DataFrame(rows[:top] if top else rows, columns=["label", "a", "b", "a_share", "b_share"])


def new_and_dropped_terms(
    measures_a: pd.DataFrame,
    measures_b: pd.DataFrame,
    top: int = 20,
    index: LabelIndex | None = None,
    min_count: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keywords of B absent from A (new) and of A absent from B (dropped), carried by at least `min_count`
    measures: term, n (measures), share (of the side's measures), most first. `index` as for label_counts."""
    a, b = keyword_counts(measures_a, index), keyword_counts(measures_b, index)

    def only(source: Counter, other: Counter, size: int) -> pd.DataFrame:
        rows = sorted(
            ((w, n, n / max(size, 1)) for w, n in source.items() if w not in other and n >= min_count),
            key=lambda r: (-r[1], r[0]),
        )[:top]
        return pd.DataFrame(rows, columns=["term", "n", "share"])

    return only(b, a, len(measures_b)), only(a, b, len(measures_a))


def compare_targets(
    targets_a: pd.DataFrame, targets_b: pd.DataFrame, mapping: Mapping[str, Mapping], names: Sequence[str] = ("A", "B")
) -> pd.DataFrame:
    """Quantified targets of A and B on one row per indicator (canonical when known): 指标, A, B."""

    def side(targets: pd.DataFrame) -> dict[str, str]:
        out: dict[str, list[str]] = {}
        for t in targets[targets.kind != "qualitative_goal"].itertuples():
            name = canonical_indicator(t.indicator, t.unit, mapping) or t.indicator
            year = f"（{int(t.target_year)}年）" if pd.notna(t.target_year) else ""
            out.setdefault(name, []).append(value_text(t) + year)
        return {k: "；".join(v) for k, v in out.items()}

    a, b = side(targets_a), side(targets_b)
    rows = [
        (k, a.get(k, "—"), b.get(k, "—")) for k in sorted(set(a) | set(b), key=lambda k: (not (k in a and k in b), k))
    ]
    return pd.DataFrame(rows, columns=["指标", *names])
