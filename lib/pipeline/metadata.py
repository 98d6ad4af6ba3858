"""Stage 3, metadata: title, 文号, issuer, level, district, type, dates and plan period of one document.

Where no date is printed, the year is inferred from what the text cites (data/events.yaml, cited 文号,
renamed bodies in data/agencies.yaml) and recorded as date_source=inferred with the evidence.
data/documents.yaml overrides any field (date_source=manifest).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from lib.pipeline import agencies
from lib.config import DOCUMENTS_YAML, EVENTS_YAML, JURISDICTIONS_YAML, PLACES_YAML
from lib.pipeline.normalize import strip_title_spam
from lib.pipeline.patterns import DAMAGED_DOC_NUMBER, DOC_NUMBER
from lib.reference import load_yaml, require

# 津政发〔2020〕23号, 国科发创〔2017〕353号, masked 津政发〔****〕*号; [(〔] tolerates damaged brackets.
# The prefix is possessive ({1,10}+): no bracket is a CJK character, so giving characters back could
# never let the bracket match, and not trying makes a scan of a whole text 3–4× faster.
NOTICE = re.compile(r"(?P<issuer>[^\n：。，]{0,30}?)关于印发(?P<title>[^\n。]{2,80}?)的通知")
CN_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
DAMAGED_DATE = re.compile(r"^(?P<y>20\d{2})(?P<md>\d{2,4})$")  # "202147": 2021年4月7日 without its 年月日
MASKED_DATE = re.compile(r"^\*{4}年\*{1,2}月\*{1,2}日$")
PERIOD = re.compile(r"[（(](?P<a>(?:19|20)\d{2}|\*{4})\s*[—\-－~～至到]?\s*(?P<b>(?:19|20)\d{2}|\*{4})\s*年?[）)]")
FIVE_YEAR_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
TITLE_END = re.compile(r"(规划|纲要|计划|方案|意见|办法|措施|细则|指引|通知|答复|决定|规定|政策|条例|指南)(（[^）]*）)?$")
ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff]{2,30}(人民政府|办公厅|办公室|委员会|局|委|厅|部)$")
DOC_TYPES = (("提案答复", ("答复", "提案")), ("规划", ("规划", "纲要")), ("工作方案", ("工作方案",)),
             ("实施方案", ("实施方案",)), ("行动计划", ("行动计划", "行动方案")))
BARE_YEAR_ACTION = re.compile(r"(?<![到至\d])(?P<year>20\d{2})年(?:启动|开始|起|内|重点|计划)")


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one document (the documents table minus text and counts)."""

    title: str
    notice_title: str | None
    doc_number: str | None
    issuer: str | None
    issuer_canonical: str | None
    level: str
    district: str | None
    doc_type: str
    issued_date: str | None
    year: int | None
    period_start: int | None
    period_end: int | None
    date_source: str | None
    date_evidence: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


def extract(text: str, preamble: str, source_file: str, overrides: dict | None = None) -> DocMeta:
    """Stage 3 entry point. `preamble` is the text before the first numbered item."""
    warnings: list[str] = []
    header = preamble or text[:1500]
    notice = NOTICE.search(header.replace("\n", "")) if "关于印发" in header else None
    notice_title = _clean_label(notice.group(0)) if notice else None
    title = _policy_title(notice, header, source_file)
    doc_number = _own_doc_number(header)
    issuer = _issuer(notice, header, title)
    if issuer is None and (named := agencies.most_named(text)):
        issuer = named
        warnings.append(f"原文未载明发文机关，按正文中出现最多的机构推断为{named}")
    district = _district(issuer or "", title, doc_number)
    issuer_canonical = agencies.canonical(issuer, district)[0] if issuer else None
    level = _level(issuer or "", doc_number, district, title)
    period = _period(title, notice_title, warnings)
    issued, source, evidence = _explicit_date(header, text, warnings)
    year = int(issued[:4]) if issued else None
    if issued is None:
        year, evidence = infer_year(text)
        issued, source = (str(year), "inferred") if year else (None, None)
    meta = DocMeta(title, notice_title, doc_number, issuer, issuer_canonical, level, district, _doc_type(title),
                   issued, year, *period, source, evidence, tuple(warnings))
    return apply_overrides(meta, overrides or {})


def _clean_label(line: str) -> str:
    return re.sub(r"^.*?(名称|标题)：", "", line).strip()


def _policy_title(notice: re.Match[str] | None, header: str, source_file: str) -> str:
    if notice:
        return notice.group("title").strip("《》")
    for line in header.split("\n"):
        line = strip_title_spam(_clean_label(line.strip()))
        if 4 <= len(line) <= 80 and TITLE_END.search(line) and "。" not in line:
            return line
    first = next((strip_title_spam(l.strip()) for l in header.split("\n") if l.strip()), "")
    return first[:80] or source_file


def _own_doc_number(header: str) -> str | None:
    """The document's own 文号: a header line that starts with one (after a '发文字号：' label)."""
    for line in header.split("\n"):
        line = re.sub(r"^.*?(发文字号|文号)：", "", line.strip()).lstrip("〔[［")
        if m := DOC_NUMBER.match(line):
            return f"{m['prefix']}〔{m['year']}〕{m['serial']}号"
    return None


def cited_doc_numbers(text: str) -> list[tuple[str, int | None]]:
    """Every 文号 in the text, repaired where its bracket was lost, with its year."""
    found = [(f"{m['prefix']}〔{m['year']}〕{m['serial']}号", None if "*" in m["year"] else int(m["year"]))
             for m in DOC_NUMBER.finditer(text)]
    found += [(f"{m['prefix']}〔{m['year']}〕{m['serial']}号", int(m["year"])) for m in DAMAGED_DOC_NUMBER.finditer(text)]
    return found


def _issuer(notice: re.Match[str] | None, header: str, title: str) -> str | None:
    # The notice pattern runs on joined lines; keep only what follows the last date or punctuation.
    if notice and (who := re.sub(r"^.*(\d日|[\d：:，。）)])", "", _clean_label(notice.group("issuer"))).strip()):
        return who
    for line in header.split("\n"):
        if m := re.match(r"^.*?发布机构：(\S+?)(主题|$)", line.strip()):
            return m.group(1)
    lines = [l.strip() for l in header.split("\n") if l.strip()]
    for prev, line in zip(lines, lines[1:]):
        if ISSUER_LINE.match(prev) and (CN_DATE.fullmatch(line) or MASKED_DATE.match(line)):
            return prev
    if m := re.match(r"^(\S{2,20}?)关于", title):
        return m.group(1)
    return None


def _places() -> dict:
    return load_yaml(PLACES_YAML)


def _district(issuer: str, title: str, doc_number: str | None) -> str | None:
    districts = require(_places(), "districts", PLACES_YAML)
    for name in districts:
        if name in issuer or title.startswith(name) or f"天津市{name}" in title:
            return name
    prefixes = require(load_yaml(JURISDICTIONS_YAML), "district_number_prefixes", JURISDICTIONS_YAML)
    if doc_number:
        for prefix, name in prefixes.items():
            if doc_number.startswith(prefix) or doc_number.startswith("津" + prefix[:1] + "政"):
                return name
    return None


def _level(issuer: str, doc_number: str | None, district: str | None, title: str) -> str:
    rules = load_yaml(JURISDICTIONS_YAML)
    if district:
        return "district"
    if any(issuer.startswith(p) for p in rules["national_issuers"]) or (
        doc_number and any(doc_number.startswith(p) for p in rules["national_number_prefixes"])):
        return "national"
    for province, abbreviation in rules["provinces"].items():
        if province in issuer or title.startswith(province) or (doc_number and doc_number.startswith(abbreviation)):
            return "provincial"
    return "municipal"


def _doc_type(title: str) -> str:
    """The doc-type word that ends latest in the title wins: '…行动计划实施方案' is an 实施方案."""
    best, best_end = "其他", -1
    for doc_type, words in DOC_TYPES:
        for word in words:
            end = title.rfind(word)
            if end != -1 and end + len(word) > best_end:
                best, best_end = doc_type, end + len(word)
    return best


def _period(title: str, notice_title: str | None, warnings: list[str]) -> tuple[int | None, int | None]:
    for source in (title, notice_title or ""):
        if m := PERIOD.search(source):
            if "*" in m["a"] + m["b"]:
                warnings.append(f"规划期被遮盖：{m.group(0)}")
                return None, None
            return int(m["a"]), int(m["b"])
        for name, span in FIVE_YEAR_PLANS.items():
            if name in source:
                return span
    return None, None


def _explicit_date(header: str, text: str, warnings: list[str]) -> tuple[str | None, str | None, str]:
    """成文日期 field > signature date > publication date, each with its evidence."""
    lines = [l.strip() for l in header.split("\n") if l.strip()]
    if m := re.search(r"成文日期：\s*" + CN_DATE.pattern, header):
        found = (_iso(m), "explicit", f"成文日期：{m.group(0).split('：', 1)[1]}")
    elif sig := next((CN_DATE.fullmatch(l) for l in lines if CN_DATE.fullmatch(l)), None) or _trailer_date(text):
        found = (_iso(sig), "explicit", f"落款日期：{sig.group(0)}")
    elif m := re.search(r"(发布时间|发文日期|发布日期)：?\s*" + ISO_DATE.pattern, header.replace("\n", "")):
        found = (_iso(m), "explicit", f"网页发布时间：{m.group(0)}")
    elif m := re.search(r"[（(]\s*" + ISO_DATE.pattern + r"\s*[）)]", header):
        found = (_iso(m), "explicit", f"网页标注日期：{m.group(0)}")
    else:
        found = (None, None, "")
    for line in lines:
        if (damaged := DAMAGED_DATE.match(line)) and (read := _read_damaged(damaged)):
            note = f"落款日期标点缺失“{line}”，可读作{read}"
            warnings.append(note + (f"，与{found[2]}不一致，以后者为准" if found[0] and found[0] != read else ""))
            if found[0] is None:
                found = (read, "explicit", note)
        if MASKED_DATE.match(line):
            warnings.append(f"落款日期被遮盖：{line}")
    return found


def _trailer_date(text: str) -> re.Match[str] | None:
    tail = [l.strip() for l in text.split("\n")[-8:] if l.strip()]
    return next((m for l in reversed(tail) if (m := CN_DATE.fullmatch(l))), None)


def _iso(m: re.Match[str]) -> str:
    return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"


def _read_damaged(m: re.Match[str]) -> str | None:
    """'202147' → '2021-04-07'; None when the digits allow more than one valid reading."""
    y, md = int(m["y"]), m["md"]
    readings = set()
    for cut in range(1, len(md)):
        month, day = int(md[:cut]), int(md[cut:])
        if 1 <= month <= 12 and 1 <= day <= 31 and len(md[cut:]) <= 2 and len(md[:cut]) <= 2:
            readings.add(date(y, month, day).isoformat() if day <= 28 or month != 2 else f"{y}-{month:02d}-{day:02d}")
    return readings.pop() if len(readings) == 1 else None


def infer_year(text: str) -> tuple[int | None, str]:
    """Latest year consistent with what the text cites: events and 文号 give a lower bound, old
    names of renamed bodies an upper bound, a bare-year action ("2018年启动建设") the current year."""
    lower: list[tuple[int, str]] = []
    upper: list[tuple[int, str]] = []
    for event in require(load_yaml(EVENTS_YAML), "events", EVENTS_YAML):
        if event["mention"] in text:
            lower.append((int(str(event["date"])[:4]), f"提及“{event['mention']}”（{event['what']}，{event['date']}）"))
    for number, year in cited_doc_numbers(text):
        if year:
            lower.append((year, f"引用{number}"))
    for body in agencies.bodies():
        for old_name, year in body.renamed_from:
            old_forms = [old_name]
            if any(form in text for form in old_forms):
                upper.append((year, f"仍称“{old_name}”（{year}年更名为{body.name}）"))
            elif body.name in text:
                lower.append((year, f"已称“{body.name}”（{year}年由{old_name}更名）"))
    if m := BARE_YEAR_ACTION.search(text):
        upper.append((int(m["year"]), f"正文“{m.group(0)}…”以{m['year']}年为当年"))
    if not lower and not upper:
        return None, "原文未载明日期，正文中也没有可供推断的线索"
    low = max(lower, default=(None, ""))
    high = min(upper, default=(None, ""))
    if low[0] is not None and high[0] is not None and high[0] < low[0]:
        high = (None, "")
    year = high[0] if high[0] is not None else low[0]
    # The three latest lower bounds and every upper bound are enough to check the reasoning.
    clues = "；".join(e for _, e in [*sorted(lower, key=lambda c: -c[0])[:3], *upper])
    bounds = f"不早于{low[0]}年" if low[0] else ""
    bounds += ("，" if bounds and high[0] else "") + (f"不晚于{high[0]}年" if high[0] else "")
    return year, f"原文未载明日期，推断为{year}年（{bounds}）。依据：{clues}"


def apply_overrides(meta: DocMeta, overrides: dict) -> DocMeta:
    """Curated values from data/documents.yaml win; a curated date sets date_source=manifest."""
    if not overrides:
        return meta
    allowed = {f for f in DocMeta.__dataclass_fields__} - {"warnings", "date_source"}
    changes = {k: (str(v) if k == "issued_date" else v) for k, v in overrides.items() if k in allowed}
    if "issued_date" in changes:
        changes["year"] = int(changes["issued_date"][:4])
        changes["date_source"] = "manifest"
        inferred = f"（自动推断：{meta.issued_date or '无'}，{meta.date_evidence}）"
        changes["date_evidence"] = str(overrides.get("date_evidence", "人工核定")) + inferred
    return replace(meta, **changes)


def load_manifest(path: Path = DOCUMENTS_YAML) -> dict[str, dict]:
    """data/documents.yaml: file name → field overrides (an absent file means none)."""
    return (load_yaml(path) or {}) if path.exists() else {}
