"""Stage 5, targets: quantities in a text block → goals, support parameters, baselines, dated goals.

A block is split into sentences (。！？ and line breaks) and clauses (；). A year phrase ("到2022年",
"至2020年", "2018年启动…", masked "到****年") sets the target year for the rest of its sentence.
Each number with a measure word becomes one row; masked digits stay masked and are never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import cn2an

from lib.pipeline.indicator_phrase import indicator_before
from lib.pipeline.indicator_phrase import named as name_with_verb

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_MAGNITUDES = {"十": 10, "百": 100, "千": 1000, "万": 10000}

# Arabic (3.2, 3500), masked (****, *.*), or Chinese with a magnitude (千, 三百) — plain Chinese
# small numbers are too often ordinals or slogans ("四个面向", "三个着力") to count as quantities.
NUM = r"(?:\d+(?:\.\d+)?|\*+(?:\.\*+)?|[一二两三四五六七八九]?[十百千万](?:[零一二两三四五六七八九十百千万]*))"
# Any measure noun after 亿/万/千 counts too (5亿 标识, 50万平方米, 110万人, 1285万吨).
UNIT = (
    r"(?:万亿元|亿元|万元|元|万人次|万平方米|万吨|万家|万人|万件|万项|万个|万户|万张|个百分点|%|平方米|千瓦时|卡时|小时"
    r"|人次|件|家|个|项|名|场|所|座|条|人|位|倍|次|台|套|户|吨|张|辆|亩|篇|部|[万亿](?=[，。；、\s]|$))"
)
RANGE_SEP = r"(?:—|-|~|～|至|到)"
QUANTITY = re.compile(
    rf"(?P<low>{NUM})(?:(?P<sep>{RANGE_SEP})(?P<high>{NUM}))?(?P<more>余)?(?P<unit>{UNIT})(?P<after>以上|以下|以内|左右)?"
)
# 百分之七十, 百分之三至百分之六: percentages written in words (laws and regulations).
CN_PERCENT = re.compile(
    r"百分之(?P<low>[零〇一二两三四五六七八九十百点]+)(?:(?P<sep>至|到|—|-)百分之(?P<high>[零〇一二两三四五六七八九十百点]+))?(?P<after>以上|以下|以内|左右)?(?P<unit>)"
)
# 千分之五 (0.5 %) and 三成 (30 %): shares written as per mille and as tenths. 成 closes a tenth only when no word
# goes on (建成, 成果, 成为, 一成不变 are not shares).
CN_PERMILLE = re.compile(r"千分之(?P<low>[零〇一二两三四五六七八九十点]+)(?P<after>以上|以下|以内|左右)?(?P<unit>)")
TENTHS = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万\d.])(?P<low>[一二两三四五六七八九]|\d)成(?P<after>以上|以下|以内|左右)?"
    r"(?![本果为立员效熟交长功就都型品绩规不效份])(?P<unit>)"
)
# 三分之一, 三分之二以上, 1/3以上: a share, stored like every percentage (unit "%", 1/3 → 33.33…).
CN_FRACTION = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万])(?P<den>[一二两三四五六七八九十]+)分之(?P<num>[一二两三四五六七八九十]+)"
    r"(?P<after>以上|以下|以内|左右)?(?P<unit>)"
)
# No digit or slash on either side: 2024/1/3 is a date, 10/100 a code, not a share.
SLASH_FRACTION = re.compile(
    r"(?<![\d/.])(?P<num>\d{1,2})/(?P<den>\d{1,3})(?![\d/.])(?P<after>以上|以下|以内|左右)?(?P<unit>)"
)
# What every rank and every quantity contains (NUM's three forms): a digit, a mask or 十百千万;
# 分之 for fractions written in words (三分之一).
NUMERAL = re.compile(r"[\d*十百千万亿]|分之|[一二两三四五六七八九]成")
RANK = re.compile(r"第(?P<low>\d+|\*+)(?P<unit>位)")  # 第56位
# "连续支持3年", "以三年为一个周期", "以三年为建设周期": durations that are part of a support rule.
DURATION = re.compile(
    r"(?:连续支持|连续资助|支持期限?为?|以)(?P<low>\d+|[一二两三四五六七八九十])年(?P<rest>为[^，。；]{0,12})?"
)
# "三年内未实施的", "五年内不得申报": a time limit of a rule, read as a parameter in years.
TIME_LIMIT = re.compile(r"(?<![\d第])(?P<low>\d{1,2}|[一二两三四五六七八九十])年(?:内|以内)")
TABLE_CELL = "｜"
TABLE_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})年?(?:目标|目标值|预期)?")
YEAR_PHRASE = re.compile(r"(?:(?:力争)?(?:到|至|截至|截止到?)\s*)?(?P<year>(?:19|20)\d{2}|\*{4})年(?:前|底|末)?")
GOAL_YEAR = re.compile(r"(?:力争)?(?:到|至)\s*(?P<year>(?:19|20)\d{2}|\*{4})年(?:前|底|末)?")
# A goal opening inside a clause ("新增100家，到2027年达到500家"): the numbers after it are of its year, not
# those before it.
GOAL_SPLIT = re.compile(r"(?<=[，,])(?=(?:力争)?(?:到|至)\s*(?:19|20)\d{2}年)")
# A goal paragraph's opening ("到2023年，", "到2023年，主要目标是：") whose year holds for the
# bullets on the lines after it.
GOAL_OPENING = re.compile(GOAL_YEAR.pattern + r"[，,]?(?:[^。；：:\n]{0,30}[：:])?")

# A review of the past year (a work report's "2023年工作回顾", "过去一年"): its figures are results, baselines.
REVIEW_HEADING = re.compile(r"回顾|过去一年|过去的一年|过去五年|上年工作|工作总结")
PAST_CUE = re.compile(r"过去一年|过去的一年|去年")  # holds for the rest of its paragraph
THIS_YEAR = re.compile(r"今年|本年度")
RESULT_CUE = re.compile(r"比上年|较上年|同比")  # 比上年增长4.3%: a result, for its clause
GOAL_CUE = re.compile(r"力争|预期|目标|确保|今年|明年|左右|(?:到|至)\s*(?:19|20)\d{2}年")

# Longest form first: 不低于 must win over 低于, 不高于 over 高于.
COMPARATOR_WORDS = (
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不大于", "<="),
    ("超过", ">="),
    ("突破", ">="),
    ("至少", ">="),
    ("高于", ">="),
    ("大于", ">="),
    ("最高", "<="),
    ("最多", "<="),
    ("低于", "<="),
    ("控制在", "<="),
    ("上限", "<="),
    ("超", ">="),
)
# A count of what is added rather than a total: 新增1000家, 新建800个, 累计新增…; the verb holds for
# its whole 、-list (新增A 100家、B 50家), a comma ends it.
INCREMENT = re.compile(r"新增|新建(?!商品房)|新培育|新引进|新认定|增加(?!值)")
# 每年/年均 holds for every quantity of its 、-list, and across a comma for a short reach (24 characters).
PERIODIC = re.compile(r"每年|年均")
# What ends such a cue's reach: a total (累计…, 总量), a rate of change, a new goal year, a clause's end.
CUE_BREAK = re.compile(r"累计|总量|总数|总计|共计|增长|提高|下降|(?:到|至)\s*(?:19|20)\d{2}年|[；。]")
PARAMETER_CUES = (
    "补助",
    "资助",
    "奖励",
    "补贴",
    "贴息",
    "给予",
    "资金支持",
    "财政资金",
    "占比",
    "出资",
    "周期",
    "最高",
    "配套",
    "减免",
)
FILLER = re.compile(
    r"(力争|累计|总量|总数|规模|分别|均|一般|原则上|保持|实现|达到|突破|超过|不少于|不低于|不高于|不超过|新增|新建|培育|引进|建设|布局建设|产生|转化|举办|选派|发布|每年|年均|以上|的|约|左右|为|超)$"
)
LEADING_VERBS = re.compile(
    r"^(力争|累计|新增|新建|培育|引进|建设|布局建设|启动建设|产生|举办|选派|发布|每年|年均|推动|实现)+"
)
FRAGMENT_SPLIT = re.compile(r"[，、：,（）“”\s]")
SENTENCE_BREAK = re.compile(r"(?<=[。！？])|\n")
CLAUSE_BREAK = re.compile(r"(?<=；)")
# "A、B、C分别达到280家、30家和25家": the names before 分别 are those of the quantities after it.
RESPECTIVELY = re.compile(r"([^，；：。]*?)分别(?:达到|为|突破|新增|增加到|增长)")
RESPECTIVELY_NAME_SPLIT = re.compile(r"、|和|及")
# Fines and confiscations (处五万元以上十万元以下罚款, 没收违法所得): penalties of a law, not targets;
# every number of the comma-delimited fragment that names one is left out.
PENALTY = re.compile(r"罚款|罚金|没收|滞纳金")
FRAGMENT_BREAK = re.compile(r"[，,；。]")
ARABIC_NUMBER = re.compile(r"\d+(?:\.\d+)?")
ADJECTIVE_LIST = re.compile(r"^[^，。；、,]{1,4}[型类级性式]、")  # 20家行业型、专业型…平台


@dataclass(frozen=True)
class Target:
    """One quantity (or one dated goal without a number) and where it was written."""

    kind: str  # target | parameter | baseline | qualitative_goal
    indicator: str
    comparator: str | None
    value_low: float | None
    value_high: float | None
    unit: str | None
    target_year: int | None
    year_masked: bool
    masked: bool
    mask: str | None
    periodicity: str | None
    raw: str
    increment: bool = False  # 新增/新建: the number counts what is added, not a total


def chinese_number(text: str) -> float | None:
    """'千' → 1000, '三千万' → 30000000, '十万' → 100000, '二〇三五' → 2035, '七十' → 70, '1.5' → 1.5;
    None for masked or unreadable input. Only ever called on one number, never on a text (cn2an's
    whole-text mode would turn 一个周期 into 1个周期)."""
    if "*" in text:
        return None
    if ARABIC_NUMBER.fullmatch(text):
        return float(text)
    if text[:1] in CN_MAGNITUDES:  # 千, 万, 百余: a bare magnitude is one of it
        text = "一" + text
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def mask_magnitude(mask: str) -> str:
    """What a mask's width says about the hidden value: '***' → '3位数（100–999）'."""
    if "." in mask:
        whole, frac = mask.split(".", 1)
        return f"{len(whole)}位整数、{len(frac)}位小数"
    width = len(mask)
    return f"{width}位数（{10 ** (width - 1) if width > 1 else 0}–{10**width - 1}）"


def sentences(block: str) -> list[str]:
    """Sentences of a block: split on 。！？ and line breaks, keeping the text intact otherwise."""
    return [s.strip() for s in SENTENCE_BREAK.split(block) if s.strip()]


def goal_opening(text: str) -> tuple[int | None, bool] | None:
    """The year of the goal opening that ends a text ("…\n到2023年，主要目标是："), for the bullets
    below it; None when its last line is no such opening."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and (goal := GOAL_OPENING.fullmatch(lines[-1])):
        return _year(goal.group("year"))
    return None


def review_opening(headings: tuple[str, ...], doc_year: int | None) -> tuple[int | None, bool] | None:
    """The year a review section reports on ("2023年工作回顾" → 2023, "过去一年…" → the year before the document),
    for the figures under it; None outside a review."""
    review = next((h for h in reversed(headings) if REVIEW_HEADING.search(h)), None)
    if review is None or doc_year is None:
        return None
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}(?=年)", review) if int(y) < doc_year]
    return (years[-1] if years else doc_year - 1), False


def extract(block: str, doc_year: int | None, opening: tuple[int | None, bool] = (None, False)) -> list[Target]:
    """Stage 5 entry point for one text block (a measure's text or a section's own paragraphs);
    opening: the year of a goal opening above the block (goal_opening of its parent's text)."""
    out: list[Target] = []
    header: list[str] | None = None
    for paragraph in block.split("\n"):
        if TABLE_CELL in paragraph:
            cells = [c.strip() for c in paragraph.split(TABLE_CELL)]
            if any(TABLE_YEAR.fullmatch(c) for c in cells):
                header = cells
            elif header:
                out.extend(table_targets(header, cells, doc_year))
            continue
        if goal := GOAL_OPENING.fullmatch(paragraph.strip()):
            opening = _year(goal.group("year"))
            if not NUMERAL.search(paragraph[goal.end("year") :]):
                continue  # an opening is no goal of its own: its bullets are
        out.extend(_paragraph_targets(paragraph, doc_year, opening))
    return out


def table_targets(header: list[str], cells: list[str], doc_year: int | None) -> list[Target]:
    """One indicator row of a plan table ('指标｜单位｜2022年｜2025年目标') → one row per year column:
    years before the document's are baselines, later ones targets."""
    if len(cells) != len(header) or not cells[0]:
        return []
    unit_col = next((i for i, h in enumerate(header) if h in ("单位", "计量单位")), None)
    unit = cells[unit_col] if unit_col is not None else None
    rows = []
    for i, title in enumerate(header):
        if not (m := TABLE_YEAR.fullmatch(title)) or not re.fullmatch(r"[\d.*]+", cells[i] or "-"):
            continue
        year = int(m.group("year"))
        masked = "*" in cells[i]
        value = None if masked else float(cells[i])
        kind = "baseline" if doc_year is not None and year < doc_year else "target"
        raw = f"{cells[0]}：{title} {cells[i]}{unit or ''}"
        rows.append(
            Target(
                kind,
                _short(cells[0]),
                "=",
                value,
                value,
                unit,
                year,
                False,
                masked,
                cells[i] if masked else None,
                None,
                raw,
            )
        )
    return rows


def _paragraph_targets(
    paragraph: str, doc_year: int | None, opening: tuple[int | None, bool] = (None, False)
) -> list[Target]:
    """A year phrase holds until the paragraph ends ("到2022年，…。全区技术合同成交额达到60亿元。");
    the paragraph starts with the year of the goal opening above it, if any."""
    out: list[Target] = []
    year, year_masked = opening
    for sentence in sentences(paragraph):
        found_any = False
        for clause in _clauses(sentence):
            if "年" in clause and (m := YEAR_PHRASE.search(clause)):  # the cheap test spares most clauses a regex scan
                year, year_masked = _year(m.group("year"))
            if THIS_YEAR.search(clause):
                year, year_masked = None, False  # 今年: the plan year again, after a review's 过去一年
            clause_year = year
            # A past or result cue is rare: only then does it matter whether a goal or parameter cue overrides it.
            past = PAST_CUE.search(clause)
            if (
                doc_year
                and (past or RESULT_CUE.search(clause))
                and not GOAL_CUE.search(clause)
                and not any(cue in clause for cue in PARAMETER_CUES)
            ):
                if past:
                    year = clause_year = doc_year - 1
                else:
                    clause_year = year if year is not None and year < doc_year else doc_year - 1
            rows = _quantities(clause, clause_year, year_masked, doc_year)
            found_any = found_any or bool(rows)
            out.extend(rows)
        if not found_any and (goal := GOAL_YEAR.match(sentence.lstrip("，"))):
            goal_year, goal_masked = _year(goal.group("year"))
            raw = sentence.rstrip("。；")
            out.append(
                Target(
                    "qualitative_goal",
                    _short(raw[goal.end() :]),
                    None,
                    None,
                    None,
                    None,
                    goal_year,
                    goal_masked,
                    False,
                    None,
                    None,
                    raw,
                )
            )
    return out


def _clauses(sentence: str) -> list[str]:
    """A sentence's clauses: split after ；, and before a goal opening inside a clause (GOAL_SPLIT needs 到 or 至)."""
    parts = CLAUSE_BREAK.split(sentence) if "；" in sentence else [sentence]
    return [c for whole in parts for c in (GOAL_SPLIT.split(whole) if "到" in whole or "至" in whole else (whole,))]


def _year(text: str) -> tuple[int | None, bool]:
    return (None, True) if "*" in text else (int(text), False)


def _quantities(clause: str, year: int | None, year_masked: bool, doc_year: int | None) -> list[Target]:
    rows: list[tuple[int, Target]] = []
    taken: list[tuple[int, int]] = []
    for m in DURATION.finditer(clause):
        value = chinese_number(m.group("low"))
        indicator = (m.group("rest") or "为支持期限")[1:].removeprefix("一个") or "支持期限"
        rows.append(
            (
                m.start(),
                Target(
                    "parameter", indicator, "=", value, value, "年", None, False, False, None, None, _raw(clause, m)
                ),
            )
        )
        taken.append(m.span())
    for m in TIME_LIMIT.finditer(clause) if "年内" in clause or "年以内" in clause else ():
        if not _overlaps(m.span(), taken):
            value = chinese_number(m.group("low"))
            rows.append(
                (
                    m.start(),
                    Target(
                        "parameter", "期限", "<=", value, value, "年", None, False, False, None, None, _raw(clause, m)
                    ),
                )
            )
            taken.append(m.span())
    if not NUMERAL.search(clause):  # 95 % of clauses: no rank or quantity to look for
        return _not_penalties(clause, rows)
    for m in RANK.finditer(clause):
        rows.append((m.start(), _row(clause, m, year, year_masked, doc_year, "=")))
        taken.append(m.span())
    if "百分之" in clause:
        for m in CN_PERCENT.finditer(clause):
            low = chinese_number(m.group("low"))
            high = chinese_number(m.group("high")) if m.group("high") else low
            rows.append((m.start(), _share(clause, m, low, high, year, year_masked, doc_year)))
            taken.append(m.span())
    for pattern, scale in ((CN_PERMILLE, 0.1), (TENTHS, 10.0)):
        for m in pattern.finditer(clause) if pattern is TENTHS and "成" in clause or "千分之" in clause else ():
            if not _overlaps(m.span(), taken) and (value := chinese_number(m.group("low"))) is not None:
                rows.append((m.start(), _share(clause, m, value * scale, value * scale, year, year_masked, doc_year)))
                taken.append(m.span())
    for m in _fractions(clause):
        if not _overlaps(m.span(), taken):
            num, den = chinese_number(m.group("num")), chinese_number(m.group("den"))
            share = 100 * num / den if num is not None and den else None
            rows.append((m.start(), _share(clause, m, share, share, year, year_masked, doc_year)))
            taken.append(m.span())
    quantities = [m for m in QUANTITY.finditer(clause) if not _overlaps(m.span(), taken) and _is_quantity(clause, m)]
    named = _respectively(clause, quantities)
    previous = ""
    for m in quantities:
        target = _row(clause, m, year, year_masked, doc_year, None)
        noun, verb = indicator_before(clause[: m.start()], m.group("unit"))
        indicator = named.get(m.start()) or target.indicator
        if not indicator and previous:  # "吞吐量达到1500万标准箱、增长4.2%": the list's subject, with its verb
            indicator = name_with_verb(previous, verb, m.group("unit"))
        # the next item of a list inherits this one's noun, without what this one's verb made of it
        previous = noun if noun and indicator == name_with_verb(noun, verb, m.group("unit")) else indicator or previous
        rows.append((m.start(), replace(target, indicator=indicator or "（未命名指标）")))
    return _not_penalties(clause, sorted(rows, key=lambda r: r[0]))


def _not_penalties(clause: str, rows: list[tuple[int, Target]]) -> list[Target]:
    """The rows in clause order, less those inside a fragment that names a fine or a confiscation."""
    if not rows or not PENALTY.search(clause):
        return [t for _, t in rows]
    bounds = [0, *(m.end() for m in FRAGMENT_BREAK.finditer(clause)), len(clause) + 1]
    penal = [(a, b) for a, b in zip(bounds, bounds[1:]) if PENALTY.search(clause[a:b])]
    return [t for start, t in rows if not any(a <= start < b for a, b in penal)]


def _fractions(clause: str) -> list[re.Match[str]]:
    """三分之一 and 1/3 in a clause; the cheap tests spare most clauses both scans."""
    found = list(CN_FRACTION.finditer(clause)) if "分之" in clause else []
    return found + (list(SLASH_FRACTION.finditer(clause)) if "/" in clause else [])


def _share(
    clause: str,
    m: re.Match[str],
    low: float | None,
    high: float | None,
    year: int | None,
    year_masked: bool,
    doc_year: int | None,
) -> Target:
    """A share written in words or as a fraction (百分之七十, 三分之二以上, 1/3) → a row in %."""
    before = FRAGMENT_SPLIT.split(clause[: m.start()])[-1]
    is_range = bool(m.groupdict().get("high"))
    comparator = _comparator(before, m.group("after") or "", is_range, False)
    return Target(
        _kind(clause, year, doc_year, "%"),
        _indicator(clause, m),
        comparator,
        low,
        high,
        "%",
        year,
        year_masked,
        False,
        None,
        None,
        _raw(clause, m),
    )


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _is_quantity(clause: str, m: re.Match[str]) -> bool:
    before = clause[max(0, m.start() - 1) : m.start()]
    low = m.group("low")
    if before in ("第", "每") or before.isdigit():
        # ordinals (第十一次), the base of a rate (每万人口…15件: per 10,000 people, not a count of
        # people) and the tail of longer numbers
        return False
    if low[0] in "一二两三四五六七八九十百千万" and m.group("unit") in ("个", "项", "次", "条", "人", "位", "倍"):
        # Chinese numerals only with a magnitude (千名, 千余个); "一个周期", "三个着力" are not quantities.
        return any(c in low for c in "百千万") and clause[m.end() : m.end() + 1] not in "”"
    return True


def _respectively(clause: str, quantities: list[re.Match[str]]) -> dict[int, str]:
    """'A、B、C分别达到280家、30家和25家' → {start of 280家: A, …} when the counts match."""
    # The lazy group makes the regex slow on long clauses; most clauses have no 分别 at all.
    if "分别" not in clause or not (m := RESPECTIVELY.search(clause)):
        return {}
    names = [
        re.sub(r"^(全区|全市|本市)", "", n).replace("“", "").replace("”", "")
        for n in RESPECTIVELY_NAME_SPLIT.split(m.group(1))
        if n.strip("“” ")
    ]
    after = [q for q in quantities if q.start() >= m.end()][: len(names)]
    return {q.start(): name for q, name in zip(after, names)} if len(after) == len(names) else {}


def _row(
    clause: str, m: re.Match[str], year: int | None, year_masked: bool, doc_year: int | None, comparator: str | None
) -> Target:
    low_text, high_text = m.group("low"), m.groupdict().get("high")
    unit = m.group("unit")
    masked = "*" in low_text or bool(high_text and "*" in high_text)
    mask = None
    if masked:
        mask = f"{low_text}{m.group('sep')}{high_text}" if high_text else low_text
    low = chinese_number(low_text)
    high = chinese_number(high_text) if high_text else low
    before = FRAGMENT_SPLIT.split(clause[: m.start()])[-1]
    after = m.groupdict().get("after") or ""
    if comparator is None:
        comparator = _comparator(before, after, bool(high_text), bool(m.groupdict().get("more")))
    before_all = clause[: m.start()]
    annual = _cue_holds(PERIODIC, before_all[-24:], "") or _cue_holds(PERIODIC, before_all, "，,")
    periodicity = "每年" if annual else None
    kind = _kind(clause, year, doc_year, unit)
    increment = _cue_holds(INCREMENT, clause[: m.start()], "，,")
    return Target(
        kind,
        _indicator(clause, m),
        comparator,
        None if masked else low,
        None if masked else high,
        unit,
        year,
        year_masked,
        masked,
        mask,
        periodicity,
        _raw(clause, m),
        increment,
    )


def _cue_holds(cue: re.Pattern[str], before: str, stops: str) -> bool:
    """Whether the last cue word before a quantity still reaches it: nothing in between ends its
    reach (CUE_BREAK, or one of stops)."""
    last = next(reversed(list(cue.finditer(before))), None)
    if last is None:
        return False
    between = before[last.end() :]
    return not CUE_BREAK.search(between) and not any(c in between for c in stops)


def _comparator(before: str, after: str, is_range: bool, more: bool) -> str:
    if is_range:
        return "range"
    if after in ("以下", "以内"):
        return "<="
    if after == "以上" or more:
        return ">="
    for word, comparator in COMPARATOR_WORDS:
        if word in before:
            return comparator
    return "="


def _kind(clause: str, year: int | None, doc_year: int | None, unit: str) -> str:
    if year is not None and doc_year is not None and year < doc_year:
        return "baseline"
    if (
        unit == "位"
        and re.search(r"位列|位居|排名|列", clause)
        and year is not None
        and (doc_year is None or year <= doc_year)
    ):
        return "baseline"
    if any(cue in clause for cue in PARAMETER_CUES) and year is None:
        return "parameter"
    return "target"


def _indicator(clause: str, m: re.Match[str]) -> str:
    """The thing counted: the noun after the measure word ('3—5家综合性技术创新中心', '20家行业型、专业型平台'),
    else the noun phrase before the number and its verb ('研发投入强度力争达到3.2%', indicator_phrase)."""
    after = clause[m.end() :]
    tail = re.split(r"[，。；、,）与和及到]", after, maxsplit=1)[0]
    if ADJECTIVE_LIST.match(after):  # 行业型、专业型、区域型平台: the list qualifies one noun
        tail = re.split(r"[，。；,）与和及到]", after, maxsplit=1)[0]
    tail = re.sub(r"^(以上|以下|以内|左右)", "", tail).removeprefix("的")
    if tail and not re.match(r"^(位居|保持|以上|左右)", tail) and len(tail) >= 2:
        return _short(tail)
    head = clause[: m.start()]
    if m.group("unit") == "位":
        head = re.sub(r"^.*?(位列|位居|排名|列)", "", head.rstrip("”"))
    return _short(indicator_before(head, m.group("unit"))[0])


def _short(text: str, limit: int = 30) -> str:
    text = text.strip("，。；： —-")  # —— and -- open bullets
    if text.count("“") != text.count("”"):  # a quote cut in half; “专精特新”企业 keeps its pair
        text = text.strip("“”")
    return text if len(text) <= limit else text[:limit] + "…"


def _raw(clause: str, m: re.Match[str]) -> str:
    """The source phrase: the comma-delimited fragment that holds the quantity."""
    start = max(clause.rfind(p, 0, m.start()) for p in "，；：。") + 1
    ends = [i for p in "，；。" if (i := clause.find(p, m.end())) != -1]
    return clause[start : min(ends) if ends else len(clause)].strip()
