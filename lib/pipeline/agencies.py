"""Stage 4, agencies: responsibility phrases (责任单位) → bodies as written → canonical bodies.

Canonical names, levels and renamings come from data/agencies.yaml, so 市科委 (2018) and 市科技局
(2025) count as one body. District bodies written without their district ("区科技局") are qualified
with the document's district ("北辰区科技局"), because every district has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.config import AGENCIES_YAML, HOME
from lib.pipeline.patterns import (
    BODY_LABELS,
    DEADLINE_LABELS,
    LEAD_LABELS,
    PARTNER_LABELS,
    RESPONSIBILITY_PHRASE,
    ROLE_LABELS,
)
from lib.reference import ReferenceDataError, load_yaml, per_snapshot, require

# "由市科技局牵头，市财政局、市教委配合" written in the sentence itself.
INLINE_LEAD = re.compile(r"由?(?P<lead>[^，。；、（）]{2,20}?)牵头[，、]?(?P<rest>[^。；（）]{2,120}?)配合")
SEPARATORS = re.compile(r"[、，,；;]|(?<=[局委办厅府会部行])和|(?<=[局委办厅府会部行])及")
TRAILING_DUTY = re.compile(r"(按职责分工负责|按职责负责|分工负责|牵头负责|负责|牵头|等)$")
_PART_SEPARATORS = "、，,；;。"
_PAIRS = {"（": "）", "(": ")", "［": "］", "[": "]", "〔": "〕", "【": "】", "〈": "〉", "<": ">"}
_PART_LABEL = re.compile(rf"^(?P<label>{ROLE_LABELS}|{'|'.join(DEADLINE_LABELS)}|[^：:，,、]{{2,8}})[：:]")
# "6月底完成", "2024年底前完成", "持续推进", "5月底取得阶段性成效并持续推进", "长期坚持", "年底前"
DEADLINE = re.compile(
    r"(?:(?:19|20)\d{2}年)?(?:\d{1,2}月|[一二三四五六七八九十]{1,3}月|年)?(?:份|底|末|初|中旬|上旬|下旬)?(?:前|内)?"
    r"(?:完成|启动|建成|见效|取得.{0,8}成效|持续推进|持续优化|持续实施|长期坚持|长期推进)?"
    r"(?:并(?:持续推进|持续优化|长期坚持))?"
)
# Rules written inside a phrase say who of the listed bodies leads, for this item and the ones after it:
# "列第一位的为牵头单位，下同", "第一个逗号前为牵头单位". Other notes ("下同", "不再列出") are no bodies either.
FIRST_LISTED_RULE = re.compile(r"(?:第一位|第一个|首位|第一)(?:的|单位)*为牵头")
FIRST_CLAUSE_RULE = re.compile(r"(?:逗号|分号)前(?:的|单位)*为牵头")
NOTE = re.compile(r"下同|不再列出|不再一一列出|为牵头|为责任|以下均|均需|均由|按此|详见|同上")
SCOPE_NOTE = re.compile(r"^(?:含|包括|不含|包含|以下|其中)|下同")
DUTY_SUFFIX = re.compile(
    r"(?:(?:按职责分工|按职责|分工)?(?P<duty>牵头负责|牵头|负责|配合|参与|协同|协助)|按职责分工|等(?:相关|有关)?(?:单位|部门)?)$"
)
NOT_A_BODY = re.compile(r"[。；;：:！？!?，,]|责任单位|牵头单位|下同|不再列出|按职责|^(?:由|对|在|将|要|请|各自)")


def balanced(name: str) -> bool:
    """True when every bracket in the name closes (市委组织部（人才办）), none half-split (各区〔县)."""
    depth: list[str] = []
    for ch in name:
        if ch in _PAIRS:
            depth.append(_PAIRS[ch])
        elif ch in _PAIRS.values():
            if not depth or depth.pop() != ch:
                return False
    return not depth


@dataclass(frozen=True)
class Responsibility:
    """Who must deliver one measure, as the text writes it, with the deadline and lead rule it states."""

    phrase: str | None
    written: tuple[str, ...]
    lead: str | None
    phrases: tuple[str, ...] = ()
    deadline: str | None = None
    rule: str | None = None  # "first_listed" | "first_clause": the lead rule in force after this item


@dataclass(frozen=True)
class Body:
    """A canonical body of data/agencies.yaml."""

    name: str
    level: str
    aliases: tuple[str, ...]
    renamed_from: tuple[tuple[str, int], ...]


def find_responsibility(text: str, rule: str | None = None) -> Responsibility:
    """Every responsibility phrase of a measure (an item may carry one per sentence), split into bodies as
    written, with its lead, its deadline and the lead rule in force after it (`rule` is the one before)."""
    written: dict[str, None] = {}
    phrases, lead, deadline = [], None, None
    for m in RESPONSIBILITY_PHRASE.finditer(text):
        parsed = _parse_phrase(m.group(0)[1:-1], rule)
        if parsed is None:
            continue
        names, phrase_lead, phrase_deadline, rule = parsed
        phrases.append(m.group(0))
        written.update(dict.fromkeys(names))
        lead = lead or phrase_lead
        deadline = deadline or phrase_deadline
    if phrases:
        return Responsibility("".join(phrases), tuple(written), lead, tuple(phrases), deadline, rule)
    # The lazy groups make INLINE_LEAD slow to scan; it cannot match without 牵头 and 配合.
    if "牵头" in text and "配合" in text and (inline := INLINE_LEAD.search(text)):
        lead = _clean(inline.group("lead"))
        partners = tuple(_clean(p) for p in SEPARATORS.split(inline.group("rest")) if _clean(p))
        return Responsibility(inline.group(0), (lead, *partners), lead, (inline.group(0),), None, rule)
    return Responsibility(None, (), None, (), None, rule)


def lead_rule(text: str) -> str | None:
    """The lead rule a heading or preamble states (（列第一位的为牵头单位）), for the items under it."""
    if "牵头" not in text:
        return None
    return (
        "first_listed" if FIRST_LISTED_RULE.search(text) else "first_clause" if FIRST_CLAUSE_RULE.search(text) else None
    )


def _top_level_parts(inner: str) -> list[tuple[str, str]]:
    """(part, separator before it) of a phrase, split on 、，；。 outside nested brackets."""
    parts: list[tuple[str, str]] = []
    current: list[str] = []
    depth, separator = 0, ""
    for ch in inner:
        if ch in _PAIRS:
            depth += 1
        elif ch in _PAIRS.values():
            depth = max(0, depth - 1)
        if depth == 0 and ch in _PART_SEPARATORS:
            parts.append(("".join(current).strip(), separator))
            current, separator = [], ch
        else:
            current.append(ch)
    parts.append(("".join(current).strip(), separator))
    return [(p, sep) for p, sep in parts if p]


def _parse_phrase(inner: str, rule: str | None):
    """(bodies, lead, deadline, rule after it) of a phrase's inside, or None when it names no body."""
    names: list[str] = []
    leads: list[str] = []
    first_clause: list[str] = []
    deadline = None
    role = "body"
    clause_closed = sole_duty = False
    for part, separator in _top_level_parts(inner):
        clause_closed = clause_closed or (separator in "，,；;。" and bool(names))
        if m := _PART_LABEL.match(part):
            label, part = m.group("label"), part[m.end() :].strip()
            role = (
                "lead"
                if label in LEAD_LABELS
                else "partner"
                if label in PARTNER_LABELS
                else "body"
                if label in BODY_LABELS
                else "deadline"
                if label in DEADLINE_LABELS
                else "other"
            )
        part = _drop_scope_notes(part)
        if FIRST_LISTED_RULE.search(part):
            rule = "first_listed"
        elif FIRST_CLAUSE_RULE.search(part):
            rule = "first_clause"
        if not part or NOTE.search(part) or role == "other":
            continue
        if role == "deadline" or DEADLINE.fullmatch(part) and not part.endswith("年"):
            deadline = deadline or part
            continue
        name, duty = _body_name(part)
        if not name:
            continue
        names.append(name)
        if role == "lead" or duty in ("牵头", "牵头负责"):
            leads.append(name)
        sole_duty = duty == "负责" and role == "body"
        if not clause_closed:
            first_clause.append(name)
    if not names:
        return None
    lead = leads[0] if leads else (names[0] if len(names) == 1 and sole_duty else None)  # （A负责）
    if lead is None and rule in ("first_listed", "first_clause"):
        lead = (first_clause or names)[0]
    return tuple(dict.fromkeys(names)), lead, deadline, rule


def _body_name(part: str) -> tuple[str, str | None]:
    """A body as written and its duty word: "市科技局牵头" → (市科技局, 牵头); scope notes inside are dropped
    (各区人民政府〈含开发区…，下同〉 → 各区人民政府); labels, notes and sentences give ("", None)."""
    name = part.strip(" 　“”\"'")
    duty = None
    while name and (m := DUTY_SUFFIX.search(name)):
        duty = duty or m.group("duty")
        name = name[: m.start()].strip()
    if not 2 <= len(name) <= 30 or NOT_A_BODY.search(name) or not balanced(name):
        return "", None
    return name, duty


def _drop_scope_notes(name: str) -> str:
    """Remove the nested brackets that qualify rather than name: 〈含开发区、长江新区〉, （下同）."""
    out, i = [], 0
    while i < len(name):
        close = _PAIRS.get(name[i])
        end = name.find(close, i + 1) if close else -1
        if end != -1 and SCOPE_NOTE.search(name[i + 1 : end]):
            i = end + 1
            continue
        out.append(name[i])
        i += 1
    return "".join(out)


def _clean(name: str) -> str:
    name = name.strip(" ：:。")
    name = TRAILING_DUTY.sub("", name).strip()
    return name if 2 <= len(name) <= 30 else ""


@per_snapshot
def bodies() -> tuple[Body, ...]:
    """Municipal and central bodies with every alias, including their former names."""
    out = []
    for n, entry in enumerate(require(load_yaml(AGENCIES_YAML), "bodies", AGENCIES_YAML), start=1):
        if "name" not in entry or "level" not in entry:
            raise ReferenceDataError(f"{AGENCIES_YAML}: body #{n} needs 'name' and 'level'")
        former = tuple((r["name"], int(r["year"])) for r in entry.get("renamed_from") or ())
        former_aliases = tuple(a for r in entry.get("renamed_from") or () for a in (r["name"], *r.get("aliases", ())))
        out.append(Body(entry["name"], entry["level"], (*entry.get("aliases", ()), *former_aliases), former))
    return tuple(out)


@per_snapshot
def _district_bodies() -> dict[str, str]:
    table = {}
    for entry in require(load_yaml(AGENCIES_YAML), "district_bodies", AGENCIES_YAML):
        for form in (entry["name"], *entry.get("aliases", ())):
            table[form] = entry["name"]
    return table


@per_snapshot
def _alias_index() -> dict[str, Body]:
    return {form: body for body in bodies() for form in (body.name, *body.aliases)}


def canonical(written: str, district: str | None, jurisdiction: str | None = None) -> tuple[str, str]:
    """(canonical name, level) of one body as written; unknown bodies keep their written form, level 其他.
    Bodies are canonical within the document's jurisdiction: data/agencies.yaml is Tianjin's (and the
    centre's), so in a Wuhan document a bare 市科技局 is 武汉市科技局, never Tianjin's."""
    if jurisdiction and not jurisdiction.startswith(HOME) and jurisdiction != "全国":
        return _elsewhere(written, district, jurisdiction)
    if district and written.startswith(HOME + district):
        written = written.removeprefix(HOME)
    if body := _alias_index().get(written):
        return body.name, body.level
    base = _district_bodies().get(written)
    if base is None and district and written.startswith(district):
        base = _district_bodies().get("区" + written[len(district) :])
    if base is not None and district:
        return district + base.removeprefix("区"), "区级"
    if re.match(r"^(公安)?\S{1,4}(区|分局)", written) and district:
        return written, "区级"
    return written, "其他"


def _elsewhere(written: str, district: str | None, jurisdiction: str) -> tuple[str, str]:
    """A body of a document issued outside Tianjin: central bodies stay themselves; a bare 省/市/区 body is
    qualified with the document's province, city or district; Tianjin's full names stay Tianjin's."""
    body = _alias_index().get(written)
    if body is not None and body.level == "中央在津" or written.startswith(HOME):
        return body.name if body else written, body.level if body else "其他"
    if body is not None and body.level not in ("市级", "区级"):
        return body.name, body.level  # central bodies (科技部, 国家发展改革委 …)
    province, city, area = _parts(jurisdiction)
    written = BARE_GOVERNMENT.sub(r"\1人民政府", written)  # 市政府 is everywhere short for 市人民政府
    if m := PLURAL_BODY.match(written):  # 各区人民政府 in a Wuhan document: Wuhan's districts, not Tianjin's
        return jurisdiction + written, "市级" if m["tier"] == "市" else "区级"
    if province and not city and written.startswith("市"):  # a province's bare 市人民政府: its cities' governments
        return f"{province}各{written}", "市级"
    for prefix, place, level in (
        ("省", province, "省级"),
        ("市", city, "市级"),
        ("区", area, "区级"),
        ("县", area, "区级"),
    ):
        if place and written.startswith(prefix) and not written.startswith(place):
            return place + written[1:], level
    return written, "其他"


LEGISLATURE = re.compile(r"人民代表大会|人大常委会|^人大")
BARE_GOVERNMENT = re.compile(r"^(各?[省市区县])政府$")
PLURAL_BODY = re.compile(r"^各(?P<tier>[市区县])")  # 各市人民政府, 各区科技局: the lower governments of a place


def answering_body(issuer: str | None, jurisdiction: str | None) -> str | None:
    """Who answers for an actionable measure that names no 责任单位: the issuing body, except a legislature's.
    A people's congress (人大常委会) adopts a regulation (地方性法规) but does not carry it out: under the
    Legislation Law and the Organic Law of local congresses and governments the people's government of the same
    place executes it and the congress supervises, so its unassigned measures are that government's (北京市人民政府
    for a 北京市人大常委会 regulation, 国务院 for a 全国人大 law), never the legislature's."""
    if issuer is None or not LEGISLATURE.search(issuer):
        return issuer
    if not jurisdiction or jurisdiction == "全国":
        return "国务院"
    return canonical(f"{jurisdiction}人民政府", None, jurisdiction)[0]


def _parts(jurisdiction: str) -> tuple[str | None, str | None, str | None]:
    """(province, city, district) named in a jurisdiction: 湖北省 / 武汉市 / 广州市天河区 / 太仓市."""
    m = re.match(r"^(?P<province>.+?(?:省|自治区))?(?P<city>.+?市)?(?P<area>.+?[区县])?$", jurisdiction)
    if m is None:
        return None, None, None
    return m["province"], m["city"], (m["city"] or "") + m["area"] if m["area"] else None


@per_snapshot
def _actor_pattern(district: str | None) -> re.Pattern[str]:
    forms = set(_alias_index())
    if district:
        forms |= set(_district_bodies()) - {"开发区", "有关镇", "各镇街"}
    forms -= {"各区"}  # too common as plain prose ("各区要加强协调")
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def actors_in(text: str, district: str | None, jurisdiction: str | None = None) -> tuple[str, ...]:
    """Canonical bodies the text names (in order of first mention), e.g. "市科委提出…" → 市科技局."""
    seen: dict[str, None] = {}
    for m in _actor_pattern(district).finditer(text):
        seen.setdefault(canonical(m.group(0), district, jurisdiction)[0], None)
    return tuple(seen)


def renamed_from(name: str) -> tuple[tuple[str, int], ...]:
    """Earlier names of a canonical body with the year of change."""
    body = next((b for b in bodies() if b.name == name), None)
    return body.renamed_from if body else ()


def most_named(text: str) -> str | None:
    """The body the text names most often, as written (used when a document states no issuer)."""
    counts: dict[str, int] = {}
    for m in _actor_pattern(None).finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None
