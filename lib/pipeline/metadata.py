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

from lib.config import DOCUMENTS_YAML, EVENTS_YAML, HOME, JURISDICTIONS_YAML, PLACES_YAML
from lib.pipeline import agencies
from lib.pipeline.normalize import strip_title_spam
from lib.pipeline.patterns import DAMAGED_DOC_NUMBER, DOC_NUMBER
from lib.reference import load_yaml, per_snapshot, require

NOTICE = re.compile(r"(?P<issuer>[^\n：。，]{0,30}?)关于印发(?P<title>[^\n。]{2,80}?)的通知")
# A notice that forwards another body's document (转发): "X转发Y关于Z的通知", "X关于转发Y的通知的通知". The wrapped
# document runs to the wrapper's own 的通知, the last one (greedy), and may itself be a notice.
FORWARD = re.compile(r"(?P<issuer>[^\n：。，]{0,30}?)(?:关于)?转发(?P<title>[^\n。]{2,80})的通知")
# The body that drafted a forwarded document, before its own title: "市科技局关于…", "市科技局等部门…".
DRAFTER = re.compile(r"^[^《》\s]{2,30}?(?:等(?:部门|单位)(?=[^关])|(?=关于))")
# A salutation (称谓) line ends in a colon: the addressee of a letter, report or notice (各位代表：, 张三委员：,
# 各区人民政府：). GB/T 9704 puts it under the title; it is never the title itself.
SALUTATION = re.compile(r"^[^。；\n]{1,40}[：:]$")
REPLY = re.compile(r"现(?:将有关情况)?答复如下")
# A reply's addressee: a deputy (代表) makes a 建议, a CPPCC member (委员) a 提案.
ADDRESSEE = re.compile(r"^(?P<who>[^。；：:\n]{1,30}?(?P<role>代表|委员|同志|先生|女士|单位))[：:]$")
NAMED_PROPOSAL = re.compile(r"《(?P<name>关于[^《》]{2,60}?(?:建议|提案|意见))》")
CN_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
DAMAGED_DATE = re.compile(r"^(?P<y>20\d{2})(?P<md>\d{2,4})$")  # "202147": 2021年4月7日 without its 年月日
MASKED_DATE = re.compile(r"^\*{4}年\*{1,2}月\*{1,2}日$")
PERIOD = re.compile(r"[（(](?P<a>(?:19|20)\d{2}|\*{4})\s*[—\-－~～至到]?\s*(?P<b>(?:19|20)\d{2}|\*{4})\s*年?[）)]")
FIVE_YEAR_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
TITLE_END = re.compile(
    r"(规划|纲要|计划|方案|意见|办法|措施|细则|指引|通知|答复|决定|规定|政策|条例|指南)(（[^）]*）)?$"
)
ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff]{2,30}(人民政府|办公厅|办公室|委员会|局|委|厅|部)$")
DOC_TYPES = (
    ("政府工作报告", ("政府工作报告",)),
    ("地方性法规", ("条例",)),
    ("提案答复", ("答复", "提案")),
    ("规划", ("规划", "纲要")),
    ("工作方案", ("工作方案",)),
    ("实施方案", ("实施方案",)),
    ("行动计划", ("行动计划", "行动方案")),
)
# GB/T 9704 版头/版记 fields as government sites print them (北大法宝: 发布部门, 公布日期, 施行日期).
PAGE_FIELDS = {
    "发文机关": "发文机关",
    "发布机关": "发文机关",
    "发布部门": "发文机关",
    "制定机关": "发文机关",
    "成文日期": "成文日期",
    "发文字号": "发文字号",
    "文号": "发文字号",
    "发布日期": "发布日期",
    "公布日期": "发布日期",
    "施行日期": "施行日期",
    "实施日期": "施行日期",
    "生效日期": "施行日期",
    "有效期至": "有效期至",
    "失效日期": "有效期至",
    "时效性": "时效性",
}
PAGE_FIELD = re.compile(r"^(?P<label>" + "|".join(PAGE_FIELDS) + r")\s*[:：]\s*(?P<value>.*)$")
CN_NUMERAL_DATE = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
# "2020年10月15日某市第十五届人民代表大会常务委员会第二十六次会议通过", "…批准"
LEGISLATURE = re.compile(
    r"^" + CN_DATE.pattern + r"(?P<place>[\u4e00-\u9fff]{2,12}?)第[一二三四五六七八九十百]+届"
    r"人民代表大会(?P<standing>常务委员会)?第[一二三四五六七八九十百]+次(?:全体)?会议(?P<act>通过|批准)"
)
REPORT_VOICE = re.compile(r"我代表(?P<place>[\u4e00-\u9fff]{0,10}?)人民政府[，,]?\s*向大会报告")
REPORT_DATE = re.compile(r"^[—\-－]*\s*" + CN_DATE.pattern + r"在(?P<congress>[^\n]{4,40}?)会议上")
REVIEWED_YEAR = re.compile(r"^[一二三四五六七八九十]+、\s*(?P<year>(?:19|20)\d{2})年(?:工作)?回顾")
SPEAKER = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,12}?[省市区县])(?:省长|市长|区长|县长|代省长|代市长)")
ANNUAL_TITLE = re.compile(r"^(?:[\u4e00-\u9fff]{0,12}?)(?P<year>(?:19|20)\d{2})年(?:度)?(?![—\-－~～至到]\d)")
EFFECTIVE_FROM = re.compile(r"自" + CN_DATE.pattern + r"起(?:施行|实施|执行|生效)")
EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布|颁布)之日起(?:施行|实施|执行|生效)")
VALID_UNTIL = re.compile(r"有效期至" + CN_DATE.pattern)
VALID_YEARS = re.compile(r"有效期(?:为)?(?P<n>[1-9]|[一二三四五六七八九十])年")
DISTRICT_AFTER_CITY = re.compile(r"^(?!各|有关|相关|全|市|本)([\u4e00-\u9fff]{1,4}?[区县])(?![域级])")
LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")  # "2025年广东省政府工作报告" names its place after the year
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
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
    jurisdiction: str | None = HOME  # the place whose government or legislature issued it: 天津市, 武汉市, 全国 …
    province: str | None = HOME
    effective_from: str | None = None  # 施行日期 (ISO)
    effective_until: str | None = None  # 有效期至 (ISO)
    reviewed_year: int | None = None  # a work report's review part: the year it looks back on


def extract(text: str, preamble: str, source_file: str, overrides: dict | None = None) -> DocMeta:
    """Stage 3 entry point. `preamble` is the text before the first numbered item."""
    warnings: list[str] = []
    header = preamble or text[:1500]
    lines = [_arabic_date(ln.strip()) for ln in header.split("\n") if ln.strip()]
    fields = page_fields(lines)
    notice = _notice(header)
    notice_title = _clean_label(notice.group(0)) if notice else None
    title = _policy_title(notice, header, source_file)
    doc_number = _own_doc_number(fields.get("发文字号", "") + "\n" + header)
    signers, signed = signature(lines)
    legislature = legislature_lines(lines)
    report = work_report(title, lines, text)
    # A reply (and any letter) signs after its body: the 落款 at the end of the text names its issuer too.
    tail_signers = signers or signature([_arabic_date(ln.strip()) for ln in text.split("\n")[-12:] if ln.strip()])[0]
    issuer = (
        fields.get("发文机关")
        or signers
        or _issuer(notice, header, title)
        or (legislature[0] if legislature else None)
        or tail_signers
    )
    place = jurisdiction_of(issuer or "", title, notice_title, doc_number)
    if report and (issuer is None or issuer.startswith(("市", "省", "区"))):
        # "我代表市人民政府…": the government of the report's place (its title or speaker), else of the jurisdiction
        issuer = f"{report.place or place.name}人民政府"
        place = jurisdiction_of(issuer, title, notice_title, doc_number)
    if report:
        title, note = report_title(title, lines, report.place or place.name or "")
        warnings.extend([note] if note else [])
    elif REPLY.search(text[:5000]):
        title, note = reply_title(title, lines, source_file)
        warnings.extend([note] if note else [])
    if issuer is None and (named := agencies.most_named(text)):
        issuer = named
        warnings.append(f"原文未载明发文机关，按正文中出现最多的机构推断为{named}")
    if place.name == HOME and (district := _district(issuer or "", title, doc_number)):
        place = Place(f"{HOME}{district}", HOME, district, "district")  # Tianjin's districts: places.yaml, 文号
    district, level = place.district, place.level
    # Co-issuers (联合发文): the first printed is the lead (主办机关), the one that answers for the document.
    issuer_canonical = agencies.canonical(issuer.split("、")[0], district, place.name)[0] if issuer else None
    period = _period(title, notice_title, warnings)
    issued, source, evidence = _explicit_date(header, text, warnings, fields, signed, legislature, report)
    year = int(issued[:4]) if issued else None
    if issued is None and report and report.year:
        year, evidence = report.year, report.evidence
        issued, source = str(year), "inferred"
    if issued is None:
        year, evidence = infer_year(text)
        issued, source = (str(year), "inferred") if year else (None, None)
    effective_from, effective_until = validity(text, fields, issued if source == "explicit" else None)
    if period == (None, None) and report and year:
        period = (year, year)  # a work report plans the year it is given in
    if period == (None, None) and (annual := ANNUAL_TITLE.search(title)):
        period = (int(annual["year"]), int(annual["year"]))
    if period == (None, None) and effective_from and effective_until:
        period = (int(effective_from[:4]), int(effective_until[:4]))
    if source == "explicit" and year and period[0] and period[1] and not period[0] <= year <= period[1]:
        warnings.append(f"成文日期{issued}与规划期{period[0]}—{period[1]}年不一致，请核对")
    meta = DocMeta(
        title,
        notice_title,
        doc_number,
        issuer,
        issuer_canonical,
        level,
        district,
        _doc_type(title, text),
        issued,
        year,
        *period,
        source,
        evidence,
        tuple(warnings),
        place.name,
        place.province,
        effective_from,
        effective_until,
        report.reviewed_year if report else None,
    )
    return apply_overrides(meta, overrides or {})


@dataclass(frozen=True)
class Place:
    """Where a document comes from: jurisdiction (天津市北辰区, 武汉市, 全国), its province, district, level."""

    name: str | None
    province: str | None
    district: str | None
    level: str


@dataclass(frozen=True)
class Report:
    """What a government work report says of itself (it has no 文号 and often no signature)."""

    place: str
    date: re.Match[str] | None
    year: int | None
    evidence: str
    reviewed_year: int | None = None  # "一、2023年工作回顾": the year its review part looks back on


def _arabic_date(line: str) -> str:
    """'二〇〇五年七月十四日' → '2005年7月14日' (a signature may print its date in Chinese numerals)."""

    def number(chars: str) -> int:
        if "十" not in chars:
            return int("".join(str(CN_DIGITS[c]) for c in chars))
        tens, _, units = chars.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)

    def convert(m: re.Match[str]) -> str:
        return f"{number(m['y'])}年{number(m['m'])}月{number(m['d'])}日"

    return CN_NUMERAL_DATE.sub(convert, line) if "年" in line else line


def page_fields(lines: list[str]) -> dict[str, str]:
    """A government page's metadata table (发文机关, 成文日期, 发文字号 …): the value on the label's line or,
    where the page lays the table out in cells, on the next line. The first occurrence of each field wins."""
    found: dict[str, str] = {}
    for n, line in enumerate(lines[:60]):
        if m := PAGE_FIELD.match(line):
            value = m["value"].strip() or (
                lines[n + 1] if n + 1 < len(lines) and not PAGE_FIELD.match(lines[n + 1]) else ""
            )
            found.setdefault(PAGE_FIELDS[m["label"]], value.strip())
    return {k: v for k, v in found.items() if v}


def _notice(header: str) -> re.Match[str] | None:
    """The 关于印发…的通知 line: looked for line by line first, so that no site chrome above it is taken
    for the issuer, then on joined lines (a title wrapped over two lines)."""
    pattern = NOTICE if "关于印发" in header else FORWARD if "转发" in header else None
    if pattern is None:
        return None
    for line in header.split("\n"):
        if m := pattern.search(line.strip()):
            return m
    return pattern.search(header.replace("\n", ""))


def signature(lines: list[str]) -> tuple[str | None, re.Match[str] | None]:
    """The signature block (落款): one or more issuing bodies, one a line, right above a date line.
    Co-issuers are joined with 、 in their printed order."""
    for n, line in enumerate(lines):
        date = CN_DATE.fullmatch(line)
        if date is None or n == 0:
            continue
        names: list[str] = []
        for prev in reversed(lines[max(0, n - 6) : n]):
            if not ISSUER_LINE.match(prev):
                break
            names.insert(0, prev)
        if names:
            return "、".join(names), date
    return None, None


def legislature_lines(lines: list[str]) -> tuple[str, re.Match[str], str] | None:
    """A regulation's adoption and approval lines: (the adopting legislature, the latest date, its evidence).
    The latest date is that of the version in force (an amendment adopted, then approved by the province)."""
    found = [m for line in lines[:12] if (m := LEGISLATURE.match(line))]
    if not found:
        return None
    adopted = [m for m in found if m["act"] == "通过"] or found
    body = f"{adopted[-1]['place']}人民代表大会" + ("常务委员会" if adopted[-1]["standing"] else "")
    latest = max(found, key=_iso)
    return body, latest, f"{'批准' if latest['act'] == '批准' else '通过'}日期：{latest.group(0)}"


def work_report(title: str, lines: list[str], text: str) -> Report | None:
    """A government work report (政府工作报告): its place, its date line ("——2025年1月15日在…会议上"),
    else the year after the year it reviews ("一、2023年工作回顾")."""
    voice = REPORT_VOICE.search(text[:3000])
    if "政府工作报告" not in title and not voice:
        return None
    place = ""
    if m := re.search(r"(?P<place>[^\d年\s]{2,12}?[省市区县])(?:人民)?政府工作报告", LEADING_YEAR.sub("", title)):
        place = m["place"]
    place = place or next((m["place"] for ln in lines[:8] if (m := SPEAKER.match(ln))), "")
    place = place or (voice["place"] if voice and voice["place"] not in ("市", "省", "区", "县") else "")
    date = next((m for ln in lines[:8] if (m := REPORT_DATE.match(ln))), None)
    reviewed = next((int(m["year"]) for ln in text.split("\n")[:40] if (m := REVIEWED_YEAR.match(ln.strip()))), None)
    if date:
        return Report(place, date, int(date["y"]), f"报告日期：{date.group(0).lstrip('—-－ ')}", reviewed)
    if reviewed:
        return Report(
            place, None, reviewed + 1, f"政府工作报告回顾{reviewed}年工作，推断为{reviewed + 1}年所作", reviewed
        )
    return Report(place, None, None, "")


def report_title(title: str, lines: list[str], place: str) -> tuple[str, str | None]:
    """A work report's title: its own title line ("政府工作报告", "2025年某省政府工作报告"); a report printed
    without one (it opens with "各位代表：") is named as governments publish it, "<place>政府工作报告", and a
    warning says so."""
    if "政府工作报告" in title:
        return title, None
    if own := next((ln for ln in lines[:8] if "政府工作报告" in ln and len(ln) <= 40 and "。" not in ln), None):
        return strip_title_spam(_clean_label(own)), None
    named = f"{place}政府工作报告"
    return named, f"原文没有标题行，标题按政府工作报告的通行写法拟为“{named}”"


def reply_title(title: str, lines: list[str], source_file: str) -> tuple[str, str | None]:
    """A reply's title (提案/建议答复): its own title line; without one, the proposal it answers as the opening
    names it ("您提出的《关于…的建议》收悉" → 对《关于…的建议》的答复), else its addressee (张三代表 → 对张三代表
    所提建议的答复). The addressee line itself is never the title."""
    if title and title != source_file and not SALUTATION.match(title):
        return title, None
    opening = "".join(lines[:12])
    if m := NAMED_PROPOSAL.search(opening):
        named = f"对《{m['name']}》的答复"
    elif who := next((m for ln in lines[:8] if (m := ADDRESSEE.match(ln))), None):
        named = f"对{who['who']}所提{'建议' if who['role'] == '代表' else '提案'}的答复"
    else:
        return title, None
    return named, f"原文没有标题行，标题按答复函的通行写法拟为“{named}”"


@per_snapshot
def _places_outside() -> tuple[dict[str, str], dict[str, str], tuple[str, ...]]:
    """(prefecture → province, county-level city → province, prefectures of the county-level cities)."""
    rules = load_yaml(JURISDICTIONS_YAML)
    prefecture = {
        city: province
        for province, cities in require(rules, "prefectures", JURISDICTIONS_YAML).items()
        for city in cities or ()
    }
    county = {}
    for city, parent in require(rules, "county_level_cities", JURISDICTIONS_YAML).items():
        county[city] = prefecture.get(parent, parent)
    return prefecture, county, tuple(rules.get("municipalities", ()))


def jurisdiction_of(issuer: str, title: str, notice_title: str | None, doc_number: str | None) -> Place:
    """The place whose government or legislature issued a document, from the issuer, then the title and the
    notice title, then the 文号's provincial abbreviation; a document that names no place is Tianjin's."""
    rules = load_yaml(JURISDICTIONS_YAML)
    issuer = issuer.removeprefix("中共")
    if any(issuer.startswith(p) for p in rules["national_issuers"]) or (
        doc_number and any(doc_number.startswith(p) for p in rules["national_number_prefixes"])
    ):
        return Place("全国", None, None, "national")
    for source in (issuer, title, notice_title or ""):
        if place := _place_at_start(LEADING_YEAR.sub("", source.removeprefix("中共"))):
            return place
    for province, abbreviation in rules["provinces"].items():
        if doc_number and doc_number.startswith(abbreviation):
            return _place_at_start(province) or Place(province, province, None, "provincial")
    if issuer.startswith("省"):  # 省科技厅: a province's, but which one is not written
        return Place(None, None, None, "provincial")
    return Place(HOME, HOME, None, "municipal")


def _place_at_start(text: str) -> Place | None:
    """The place a name or title begins with: 安徽省…, 武汉市…, 广州市天河区…, 太仓市…, 北辰区…."""
    prefecture, county, municipalities = _places_outside()
    rules = load_yaml(JURISDICTIONS_YAML)
    for name in require(_places(), "districts", PLACES_YAML):
        if text.startswith((name, HOME + name)):
            return Place(HOME + name, HOME, name, "district")
    for municipality in (*municipalities, HOME):
        if text.startswith(municipality):
            rest = text[len(municipality) :]
            if municipality != HOME and (m := DISTRICT_AFTER_CITY.match(rest)):
                return Place(municipality + m.group(1), municipality, m.group(1), "district")
            return Place(municipality, municipality, None, "municipal")
    for province in rules["provinces"]:
        if text.startswith(province):
            rest = text[len(province) :]
            city = next((c for c in prefecture if rest.startswith(c) and prefecture[c] == province), None)
            return _place_at_start(rest) if city else Place(province, province, None, "provincial")
    for city, province in county.items():
        if text.startswith(city):
            return Place(city, province, city, "district")  # a county-level city ranks with a district
    for city, province in prefecture.items():
        if text.startswith(city):
            rest = text[len(city) :]
            if m := DISTRICT_AFTER_CITY.match(rest):
                return Place(city + m.group(1), province, m.group(1), "district")
            return Place(city, province, None, "municipal")
    return None


def _clean_label(line: str) -> str:
    return re.sub(r"^.*?(名称|标题)：", "", line).strip()


def _policy_title(notice: re.Match[str] | None, header: str, source_file: str) -> str:
    if notice and notice.re is FORWARD:
        # A forwarded document is named by its own title, without the body that drafted it: the wrapper's
        # issuer, 文号 and date are the document's (they give it force); the wrapper is the notice_title.
        wrapped = DRAFTER.sub("", notice.group("title").strip("《》")).strip("《》")
        # its title line, printed above the attached text, may add a 的 the wrapper's line leaves out
        printed = (ln.strip() for ln in header.split("\n") if TITLE_END.search(ln.strip()))
        return next((ln for ln in printed if ln.replace("的", "") == wrapped.replace("的", "")), wrapped)
    if notice:
        return notice.group("title").strip("《》")
    for line in header.split("\n"):
        line = strip_title_spam(_clean_label(line.strip()))
        if 4 <= len(line) <= 80 and TITLE_END.search(line) and "。" not in line and not SALUTATION.match(line):
            return line
    lines = (strip_title_spam(ln.strip()) for ln in header.split("\n") if ln.strip())
    first = next((ln for ln in lines if not SALUTATION.match(ln)), "")  # 各位代表： is whom it addresses
    return first[:80] or source_file


def _own_doc_number(header: str) -> str | None:
    """The document's own 文号: a header line that starts with one (after a '发文字号：' label)."""
    for line in header.split("\n"):
        line = re.sub(r"^.*?(发文字号|文号)：", "", line.strip()).lstrip("〔[［（(")
        if m := DOC_NUMBER.match(line):
            return f"{m['prefix']}〔{m['year']}〕{m['serial']}号"
    return None


def cited_doc_numbers(text: str) -> list[tuple[str, int | None]]:
    """Every 文号 in the text, repaired where its bracket was lost, with its year."""
    found = [
        (f"{m['prefix']}〔{m['year']}〕{m['serial']}号", None if "*" in m["year"] else int(m["year"]))
        for m in DOC_NUMBER.finditer(text)
    ]
    found += [
        (f"{m['prefix']}〔{m['year']}〕{m['serial']}号", int(m["year"])) for m in DAMAGED_DOC_NUMBER.finditer(text)
    ]
    return found


def _issuer(notice: re.Match[str] | None, header: str, title: str) -> str | None:
    # The notice pattern runs on joined lines; keep only what follows the last date or punctuation.
    if notice and (who := re.sub(r"^.*(\d日|[\d：:，。）)])", "", _clean_label(notice.group("issuer"))).strip()):
        return who
    for line in header.split("\n"):
        if m := re.match(r"^.*?发布机构：(\S+?)(主题|$)", line.strip()):
            return m.group(1)
    lines = [ln.strip() for ln in header.split("\n") if ln.strip()]
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
    if issuer.endswith(("管委会", "管理委员会")):  # a zone's management committee ranks with its district
        for place, name in sorted(require(_places(), "places", PLACES_YAML).items(), key=lambda kv: -len(kv[0])):
            if place in issuer:
                return name
    prefixes = require(load_yaml(JURISDICTIONS_YAML), "district_number_prefixes", JURISDICTIONS_YAML)
    if doc_number:
        for prefix, name in prefixes.items():
            if doc_number.startswith(prefix) or doc_number.startswith("津" + prefix[:1] + "政"):
                return name
    return None


def _doc_type(title: str, text: str = "") -> str:
    """The doc-type word that ends latest in the title wins: '…行动计划实施方案' is an 实施方案. Without a
    title line, a work report is known by its opening ("各位代表：…我代表…人民政府向大会报告工作")."""
    best, best_end = "其他", -1
    for doc_type, words in DOC_TYPES:
        for word in words:
            end = title.rfind(word)
            if end != -1 and end + len(word) > best_end:
                best, best_end = doc_type, end + len(word)
    if best == "其他" and REPORT_VOICE.search(text[:3000]):
        return "政府工作报告"
    if best == "其他" and re.search(r"现(?:将有关情况)?答复如下", text[:5000]):
        return "提案答复"
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


def _explicit_date(
    header: str,
    text: str,
    warnings: list[str],
    fields: dict[str, str] | None = None,
    signed: re.Match[str] | None = None,
    legislature: tuple | None = None,
    report: Report | None = None,
) -> tuple[str | None, str | None, str]:
    """成文日期 field > signature date > a legislature's adoption/approval > a report's date line >
    publication date > a date printed under the title, each with its evidence."""
    fields = fields or {}
    lines = [_arabic_date(ln.strip()) for ln in header.split("\n") if ln.strip()]
    written = CN_DATE.search(fields.get("成文日期", "")) or ISO_DATE.search(fields.get("成文日期", ""))
    if written:
        found = (_iso(written), "explicit", f"成文日期：{written.group(0)}")
    elif (
        sig := signed
        or next((CN_DATE.fullmatch(ln) for ln in lines if CN_DATE.fullmatch(ln)), None)
        or _trailer_date(text)
    ):
        found = (_iso(sig), "explicit", f"落款日期：{sig.group(0)}")
    elif legislature:
        found = (_iso(legislature[1]), "explicit", legislature[2])
    elif report and report.date:
        found = (_iso(report.date), "explicit", report.evidence)
    elif m := re.search(
        r"(发布时间|发文日期|发布日期|发表时间|公布日期)：?\s*" + ISO_DATE.pattern, header.replace("\n", "")
    ):
        found = (_iso(m), "explicit", f"网页发布时间：{m.group(0)}")
    elif m := re.search(r"[（(]\s*" + ISO_DATE.pattern + r"\s*[）)]", header):
        found = (_iso(m), "explicit", f"网页标注日期：{m.group(0)}")
    elif m := next((ISO_DATE.fullmatch(ln) for ln in lines[:8] if ISO_DATE.fullmatch(ln)), None):
        found = (_iso(m), "explicit", f"标题下标注日期：{m.group(0)}")
    else:
        found = (None, None, "")  # type: ignore[assignment]  # nothing printed: no date, no source
    for line in lines:
        if (damaged := DAMAGED_DATE.match(line)) and (read := _read_damaged(damaged)):
            note = f"落款日期标点缺失“{line}”，可读作{read}"
            warnings.append(note + (f"，与{found[2]}不一致，以后者为准" if found[0] and found[0] != read else ""))
            if found[0] is None:
                found = (read, "explicit", note)
        if MASKED_DATE.match(line):
            warnings.append(f"落款日期被遮盖：{line}")
    return found


def validity(text: str, fields: dict[str, str], issued: str | None) -> tuple[str | None, str | None]:
    """(effective_from, effective_until) as ISO dates: 施行日期/有效期至 fields of a database page, else the
    document's own clause ("本办法自2023年5月12日起施行，有效期3年", "自印发之日起施行，有效期至…")."""
    start = _first_date(fields.get("施行日期", ""))
    until = _first_date(fields.get("有效期至", ""))
    tail = text[-3000:]
    if start is None and (m := _last(EFFECTIVE_FROM, tail)):
        start = _iso(m)
    if start is None and issued and len(issued) == 10 and EFFECTIVE_ON_ISSUE.search(tail):
        start = issued
    if until is None and (m := _last(VALID_UNTIL, tail)):
        until = _iso(m)
    if until is None and start and (m := _last(VALID_YEARS, tail)):
        years = int(m["n"]) if m["n"].isdigit() else _arabic_number(m["n"])
        end = date.fromisoformat(start)
        end = (
            end.replace(year=end.year + years, day=min(end.day, 28))
            if end.month == 2
            else end.replace(year=end.year + years)
        )
        until = date.fromordinal(end.toordinal() - 1).isoformat()  # three years from 9-8 end on 9-7
    return start, until


def _arabic_number(chars: str) -> int:
    return 10 if chars == "十" else CN_DIGITS[chars]


def _first_date(value: str) -> str | None:
    m = CN_DATE.search(value) or ISO_DATE.search(value)
    return _iso(m) if m else None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 (the loop keeps the last match)
        pass
    return found


def _trailer_date(text: str) -> re.Match[str] | None:
    tail = [ln.strip() for ln in text.split("\n")[-8:] if ln.strip()]
    return next((m for ln in reversed(tail) if (m := CN_DATE.fullmatch(ln))), None)


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
    return replace(meta, **changes)  # type: ignore[arg-type]  # documents.yaml's fields, checked by the importer


def load_manifest(path: Path = DOCUMENTS_YAML) -> dict[str, dict]:
    """data/documents.yaml: file name → field overrides (an absent file means none)."""
    return (load_yaml(path) or {}) if path.exists() else {}
