"""Stage 4, agencies: responsibility phrases (责任单位) → bodies as written → canonical bodies.

Canonical names, levels and renamings come from data/agencies.yaml, so 市科委 (2018) and 市科技局
(2025) count as one body. District bodies written without their district ("区科技局") are qualified
with the document's district ("北辰区科技局"), because every district has one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lib.config import AGENCIES_YAML
from lib.reference import ReferenceDataError, load_yaml, per_snapshot, require

HOME = "天津市"  # data/agencies.yaml describes Tianjin's bodies (and the central ones)
# （责任单位：区科技局、区工信局）  （牵头单位：区科技局；配合单位：区工信局）
# （市科技局、市教委按职责分工负责）  （市科技局牵头负责）  （区科技局负责）
RESPONSIBILITY_PHRASE = re.compile(
    r"[（(](?:(?:责任单位|责任部门|牵头单位|负责单位|实施单位)[：:][^（）()]{2,300}"
    r"|[^（）()。]{2,300}?(?:按职责分工负责|按职责负责|分工负责|牵头负责|负责))[）)]"
)
LABELLED_PART = re.compile(r"(责任单位|责任部门|牵头单位|负责单位|实施单位|配合单位|参与单位)[：:]([^；;）)]*)")
# "由市科技局牵头，市财政局、市教委配合" written in the sentence itself.
INLINE_LEAD = re.compile(r"由?(?P<lead>[^，。；、（）]{2,20}?)牵头[，、]?(?P<rest>[^。；（）]{2,120}?)配合")
SEPARATORS = re.compile(r"[、，,；;]|(?<=[局委办厅府会部行])和|(?<=[局委办厅府会部行])及")
TRAILING_DUTY = re.compile(r"(按职责分工负责|按职责负责|分工负责|牵头负责|负责|牵头|等)$")


@dataclass(frozen=True)
class Responsibility:
    """Who must deliver one measure, as the text writes it."""

    phrase: str | None
    written: tuple[str, ...]
    lead: str | None


@dataclass(frozen=True)
class Body:
    """A canonical body of data/agencies.yaml."""

    name: str
    level: str
    aliases: tuple[str, ...]
    renamed_from: tuple[tuple[str, int], ...]


def find_responsibility(text: str) -> Responsibility:
    """The last responsibility phrase of a measure (it closes the item), split into bodies as written."""
    phrases = list(RESPONSIBILITY_PHRASE.finditer(text))
    if phrases:
        phrase = phrases[-1].group(0)
        return Responsibility(phrase, *_split_phrase(phrase[1:-1]))
    # The lazy groups make INLINE_LEAD slow to scan; it cannot match without 牵头 and 配合.
    if "牵头" in text and "配合" in text and (m := INLINE_LEAD.search(text)):
        lead = _clean(m.group("lead"))
        partners = tuple(_clean(p) for p in SEPARATORS.split(m.group("rest")) if _clean(p))
        return Responsibility(m.group(0), (lead, *partners), lead)
    return Responsibility(None, (), None)


def _split_phrase(inner: str) -> tuple[tuple[str, ...], str | None]:
    labelled = LABELLED_PART.findall(inner)
    if labelled:
        written, lead = [], None
        for label, names in labelled:
            parts = [_clean(p) for p in SEPARATORS.split(names) if _clean(p)]
            written.extend(parts)
            if label == "牵头单位" and parts:
                lead = parts[0]
        return tuple(written), lead
    lead = None
    if m := re.search(r"([^、，,；;]+?)牵头", inner):
        lead = _clean(m.group(1))
    return tuple(p for part in SEPARATORS.split(inner) if (p := _clean(part))), lead


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
    if district and written.startswith("天津市" + district):
        written = written.removeprefix("天津市")
    if body := _alias_index().get(written):
        return body.name, body.level
    base = _district_bodies().get(written)
    if base is None and district and written.startswith(district):
        base = _district_bodies().get("区" + written[len(district):])
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
    for prefix, place, level in (("省", province, "省级"), ("市", city, "市级"), ("区", area, "区级"), ("县", area, "区级")):
        if place and written.startswith(prefix) and not written.startswith(place):
            return place + written[1:], level
    return written, "其他"


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
    return max(counts, key=counts.get) if counts else None
