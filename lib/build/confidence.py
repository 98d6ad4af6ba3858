"""Where to look first (issue #18): each measure and target gets a confidence from explicit signals of its
extraction, with the signals as reason codes (codes.Reason, labelled in data/codes.yaml). Pure: one document's
rows and its metadata in, the same rows with `confidence` and `confidence_reasons` out. Run on every processed
document (in the worker), so the cache holds them and reused rows cost nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from lib.codes import ISSUER_ANSWERS_FOR, AgencySource, DateSource, Reason, TargetKind
from lib.config import HOME

# What each signal takes off a row's confidence (1.0: nothing to doubt). Chosen so that one strong signal
# (no body at all, an indicator cut in half) leaves 0.6 and two leave at most 0.5: the 审核 page lists rows by
# this number, and a row with two doubts should come before any row with one.
WEIGHTS: Mapping[Reason, float] = {
    Reason.BODY_MISSING: 0.4,
    Reason.INDICATOR_FRAGMENT: 0.4,
    Reason.BODY_UNKNOWN: 0.3,
    Reason.UNIT_UNKNOWN: 0.3,
    Reason.VALUE_MASKED: 0.25,
    Reason.BODY_FROM_ISSUER: 0.2,
    Reason.TAG_GENERIC_WORD: 0.15,
    Reason.DATE_INFERRED: 0.1,
    Reason.JURISDICTION_GUESSED: 0.1,
}
# An indicator that begins or ends with a function word or a list comma was cut out of its phrase
# ("的研发投入", "企业和"); one character is never a whole indicator.
FRAGMENT = re.compile(r"^[的和与及并等、，,或对在将把为]|[的和与及、，,或等为]$")
# A tag whose only evidence is one keyword of at most this many characters (企业, 攻关, 平台) is the kind of tag
# a generic word gives: two-character words are the commonest words of policy text.
GENERIC_WORD_LENGTH = 2
TAG_PREFIXES = ("主题·", "产业·", "工具·")  # tag_evidence items of the themes, industries and instruments


def score(reasons: Iterable[Reason]) -> float:
    """1 minus the weights of the reasons, never below 0."""
    return round(max(0.0, 1.0 - sum(WEIGHTS[r] for r in set(reasons))), 2)


def document_reasons(document: Mapping) -> list[Reason]:
    """What every row of a document shares: an inferred date, a place the document never names."""
    reasons = []
    if document.get("date_source") == DateSource.INFERRED:
        reasons.append(Reason.DATE_INFERRED)
    named = " ".join(str(document.get(k) or "") for k in ("issuer", "title", "notice_title"))
    says_tianjin = "天津" in named or str(document.get("doc_number") or "").startswith("津")
    jurisdiction = document.get("jurisdiction")
    if jurisdiction is None or (jurisdiction == HOME and not says_tianjin):
        reasons.append(Reason.JURISDICTION_GUESSED)
    return reasons


def known_body(name: str, known: frozenset[str], document: Mapping) -> bool:
    """A body of data/agencies.yaml, or one of the document's own place (北辰区科技局 in a Beichen plan)."""
    own = [p for p in (document.get("district"), document.get("jurisdiction")) if p and p != HOME]
    return name in known or any(name.startswith(place) for place in own)


def generic_tags(evidence: Iterable[str]) -> list[str]:
    """The tags (主题·X, 工具·Y·Z) whose only evidence is one short keyword other than the tag's own name."""
    words: dict[str, set[str]] = {}
    for item in evidence:
        tag, arrow, word = item.partition("←")
        if arrow and tag.startswith(TAG_PREFIXES):
            words.setdefault(tag, set()).add(word)
    return [
        tag
        for tag, found in words.items()
        if len(found) == 1
        and len(word := next(iter(found))) <= GENERIC_WORD_LENGTH
        and word != tag.rsplit("·", 1)[-1]  # 主题·人才←人才 names the tag outright
    ]


def measure_reasons(measure: Mapping, document: Mapping, known: frozenset[str]) -> list[Reason]:
    """The signals of one measure (document_reasons included)."""
    reasons = []
    source = measure.get("agency_source")
    if source == AgencySource.ISSUER:
        reasons.append(Reason.BODY_FROM_ISSUER)
    elif not measure.get("agencies") and measure.get("kind") in ISSUER_ANSWERS_FOR:
        reasons.append(Reason.BODY_MISSING)
    if any(not known_body(name, known, document) for name in measure.get("agencies") or ()):
        reasons.append(Reason.BODY_UNKNOWN)
    if generic_tags(measure.get("tag_evidence") or ()):
        reasons.append(Reason.TAG_GENERIC_WORD)
    return reasons + document_reasons(document)


def target_reasons(target: Mapping, document: Mapping) -> list[Reason]:
    """The signals of one target (document_reasons included)."""
    reasons = []
    quantified = target.get("kind") != TargetKind.QUALITATIVE_GOAL
    indicator = (target.get("indicator") or "").strip()
    if quantified and (len(indicator) < 2 or FRAGMENT.search(indicator)):
        reasons.append(Reason.INDICATOR_FRAGMENT)
    if quantified and not target.get("unit"):
        reasons.append(Reason.UNIT_UNKNOWN)
    if target.get("masked"):
        reasons.append(Reason.VALUE_MASKED)
    return reasons + document_reasons(document)


def annotate(document: Mapping, measures: list[dict], targets: list[dict], known: frozenset[str]) -> None:
    """Give one document's rows their confidence, reasons and the review columns' starting values (in place:
    the rows are the build's own, freshly made by process_document)."""
    for rows, reasons_of in (
        (measures, lambda row: measure_reasons(row, document, known)),
        (targets, lambda row: target_reasons(row, document)),
    ):
        for row in rows:
            reasons = reasons_of(row)
            row.update(
                confidence=score(reasons),
                confidence_reasons=[str(r) for r in reasons],
                corrected=False,
                reviewed=False,
                original=None,
            )
