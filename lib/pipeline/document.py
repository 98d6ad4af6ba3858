"""One document through every stage: bytes in, rows out (pure). The build runs it for each input, in worker
processes; the importer runs it for a preview."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lib.codes import ACTIONABLE_KINDS, ISSUER_ANSWERS_FOR, AgencySource
from lib.config import HOME
from lib.pipeline import agencies, citations, metadata, structure, tables, tagging, targets
from lib.pipeline.readers import RejectedInput, read_document


@dataclass
class DocResult:
    """Rows produced from one input file, or the reason it was rejected."""

    source_file: str
    status: str  # ok | warning | rejected
    messages: list[str] = field(default_factory=list)
    document: dict | None = None
    measures: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    citations: list[citations.Citation] = field(default_factory=list)


def process_document(source_file: str, raw: bytes, overrides: dict | None) -> DocResult:
    """All stages for one document: pure, bytes in, rows out."""
    try:
        normalized = read_document(source_file, raw)  # 1. normalize
    except RejectedInput as exc:
        return DocResult(source_file, "rejected", [str(exc)])
    doc_id = hashlib.sha256(raw).hexdigest()[:12]
    tree = structure.parse(normalized.text)  # 2. structure
    meta = metadata.extract(normalized.text, tree.preamble, source_file, overrides)  # 3. metadata
    kinds = tagging.classify_kinds(tree.leaves)
    measures, target_rows, keyword_texts = [], [], []
    rule = agencies.lead_rule(tree.preamble)  # "列第一位的为牵头单位" holds for the items after it
    carry: agencies.Carry | None = None  # bodies a phrase's 下同 / 以下…不再列出 gives the items after it
    # A heading's own phrase with 下同 ("（一）建设平台（牵头单位：A，下同）") carries to the items under it and after it.
    heading_carries = {
        (*path, heading): found
        for heading, path, own in tree.headed_blocks
        if "同" in own or "列出" in own or "以下" in own  # most headings have no note: spare them the phrase scan
        if (found := agencies.find_responsibility(own)).carries
    }
    # A parent whose own text ends "到2023年，主要目标是：" gives that year to its bullets.
    openings = {(*path, heading): targets.goal_opening(own) for heading, path, own in tree.headed_blocks}
    for ordinal, (leaf, kind) in enumerate(zip(tree.leaves, kinds), start=1):
        measure_id = f"{doc_id}-m{ordinal:03d}"
        carry = agencies.heading_carry(carry, heading_carries, leaf.path, leaf.outline)
        row, rule, carry = _measure_row(doc_id, measure_id, ordinal, leaf, kind, meta, rule, carry)  # 4., 6. tags
        measures.append(row)
        keyword_texts.append(row["keywords"])
        opening = (
            openings.get(leaf.path) or targets.review_opening((*leaf.path, leaf.heading), meta.year) or (None, False)
        )
        # A task table row's built phrase (推广范围：8个区域, 完成时限) holds no targets of the task.
        text = tables.without_row_phrase(leaf.text) if leaf.style == tables.ROW_STYLE else leaf.text
        target_rows.extend(_target_rows(text, doc_id, measure_id, meta, opening))  # 5. targets
    for heading, path, own_text in tree.headed_blocks:
        review = targets.review_opening((*path, heading), meta.year) or (None, False)
        target_rows.extend(_target_rows(own_text, doc_id, None, meta, review))
    # Goals stated in the preamble ("为…，力争到2025年…达到75%以上，制定以下措施"); only dated
    # sentences, so numbers of the web header and the wrapper notice stay out.
    dated = "\n".join(s for s in targets.sentences(tree.preamble) if targets.GOAL_YEAR.search(s))
    target_rows.extend(_target_rows(dated, doc_id, None, meta))
    for n, row in enumerate(target_rows, start=1):
        row["target_id"] = f"{doc_id}-t{n:03d}"
    # Keywords last, every measure's in a row: jieba's tables and the tag rules' each stay in the CPU's cache
    # over their own run instead of evicting each other at every measure (~15 % less CPU a document).
    for row, text in zip(measures, keyword_texts):
        row["keywords"] = tagging.keywords(text)
    missing = list(tree.missing_parts)
    if "（节选）" in normalized.text[:3000]:
        missing.append("原文为节选本（标题注明“节选”），其余章节未收录")
    if normalized.truncated:
        last = tree.leaves[-1].heading if tree.leaves else "正文开头"
        missing.append(f"正文在“{last}”处截断，之后的内容缺失")
    warnings = [*normalized.warnings, *meta.warnings]
    if not tree.leaves:
        warnings.append("未识别到编号条目（一、/（一）/1. 等），该文件没有生成措施")
    document = {
        "doc_id": doc_id,
        "source_file": source_file,
        "title": meta.title,
        "notice_title": meta.notice_title,
        "doc_number": meta.doc_number,
        "issuer": meta.issuer,
        "level": meta.level,
        "district": meta.district,
        "doc_type": meta.doc_type,
        "issued_date": meta.issued_date,
        "year": meta.year,
        "period_start": meta.period_start,
        "period_end": meta.period_end,
        "date_source": meta.date_source,
        "date_evidence": meta.date_evidence,
        "missing_parts": missing,
        "text": normalized.text,
        "n_measures": len(measures),
        "n_targets": len(target_rows),
        "warnings": warnings,
        "issuer_canonical": meta.issuer_canonical,
        "truncated": normalized.truncated,
        "jurisdiction": meta.jurisdiction,
        "province": meta.province,
        "effective_from": meta.effective_from,
        "effective_until": meta.effective_until,
        "reviewed_year": meta.reviewed_year,
        "encoding": normalized.encoding,
        "content_sha256": hashlib.sha256(raw).hexdigest(),
        "text_sha256": hashlib.sha256(normalized.text.encode("utf-8")).hexdigest(),
    }
    status = "warning" if warnings or missing else "ok"
    cited = citations.extract(normalized.text, meta.title, meta.doc_number)  # lineage, resolved across documents later
    return DocResult(source_file, status, warnings + missing, document, measures, target_rows, cited)


def _measure_row(
    doc_id: str,
    measure_id: str,
    ordinal: int,
    leaf,
    kind: str,
    meta,
    rule: str | None = None,
    carry: agencies.Carry | None = None,
) -> tuple[dict, str | None, agencies.Carry | None]:
    """One measure's row, the lead rule and the carried bodies in force after it (a phrase's note holds for
    later items)."""
    own = agencies.find_responsibility(leaf.text, agencies.lead_rule("".join(leaf.path)) or rule)
    responsibility, carry, carried = (
        agencies.carry_forward(carry, own, leaf.outline)
        if own.phrases or kind in ACTIONABLE_KINDS
        else (own, carry, False)
    )
    body_text = leaf.text
    for phrase in responsibility.phrases:
        body_text = body_text.replace(phrase, "")
    canonical = list(
        dict.fromkeys(agencies.canonical(w, meta.district, meta.jurisdiction)[0] for w in responsibility.written)
    )
    source = (AgencySource.CARRIED if carried else AgencySource.PHRASE) if canonical else AgencySource.NONE
    answering = agencies.answering_body(meta.issuer_canonical, meta.jurisdiction)
    if not canonical and kind in ISSUER_ANSWERS_FOR and answering:
        # No 责任单位 written: the issuing body answers for its own document's actions (a legislature's
        # regulation: the government that executes it, see agencies.answering_body).
        canonical, source = [answering], AgencySource.ISSUER
    fields = tuple(leaf.path) if kind == "rd_direction" else ()  # a research direction is read with its field
    tags = tagging.tag(leaf.heading + "\n" + body_text, meta.district, fields, kind)
    garbled = []
    if "〓" in leaf.text:  # rare: one C-speed test spares every other measure the per-character scan
        garbled = [
            f"含无法还原的乱码：“{leaf.text[max(0, i - 4) : i + 5]}”" for i, ch in enumerate(leaf.text) if ch == "〓"
        ]
    return (
        {
            "measure_id": measure_id,
            "doc_id": doc_id,
            "ordinal": ordinal,
            "path": list(leaf.path),
            "heading": leaf.heading,
            "text": leaf.text,
            "kind": kind,
            "agencies_raw": list(responsibility.written),
            "agencies": canonical,
            "lead_agency": agencies.canonical(responsibility.lead, meta.district, meta.jurisdiction)[0]
            if responsibility.lead
            else None,
            "responsibility_phrase": responsibility.phrase,
            "actors": list(agencies.actors_in(body_text, meta.district, meta.jurisdiction)),
            "districts": list(tags.districts),
            "themes": list(tags.themes),
            "industries": list(tags.industries),
            "instruments": list(tags.instruments),
            "target_groups": list(tags.target_groups),
            "tag_evidence": list(tags.evidence),
            "tag_clauses": list(tags.clauses),
            "has_evaluation": tags.has_evaluation,
            "omitted": leaf.omitted,
            "warnings": garbled,
            "year": meta.year,
            "marker": leaf.marker,
            "outline": leaf.outline,
            "agency_source": source,
            "keywords": leaf.heading + "\n" + body_text,  # its text: process_document cuts every measure's in a row
            "deadline": responsibility.deadline,
        },
        responsibility.rule,
        carry,
    )


def _target_rows(
    text: str, doc_id: str, measure_id: str | None, meta, opening: tuple[int | None, bool] = (None, False)
) -> list[dict]:
    scope = meta.district or (HOME if meta.level == "municipal" else meta.issuer)
    if meta.jurisdiction and meta.jurisdiction != "全国" and not meta.jurisdiction.startswith(HOME):
        scope = meta.jurisdiction  # another place's target is that place's: 武汉市, 广州市天河区
    rows = []
    for t in targets.extract(text, meta.year, opening):
        rows.append(
            {
                "target_id": None,
                "doc_id": doc_id,
                "measure_id": measure_id,
                "kind": t.kind,
                "indicator": t.indicator,
                "comparator": t.comparator,
                "value_low": t.value_low,
                "value_high": t.value_high,
                "unit": t.unit,
                "target_year": t.target_year,
                "scope": scope,
                "masked": t.masked,
                "mask": t.mask,
                "raw": t.raw,
                "mask_magnitude": targets.mask_magnitude(t.mask.split("至")[0]) if t.mask else None,
                "year_masked": t.year_masked,
                "periodicity": t.periodicity,
                "sentence": t.raw,
                "year": meta.year,
                "increment": t.increment,
            }
        )
    return rows
