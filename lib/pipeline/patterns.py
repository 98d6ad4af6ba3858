"""Written forms that more than one stage recognises: a responsibility phrase (structure splits items at it,
agencies reads its bodies) and a 文号 (metadata reads the document's own, citations the ones it cites). Kept here,
below the stages, so that no stage imports a later one for a regex."""

from __future__ import annotations

import re

# Role labels of a responsibility phrase. A phrase may open with any common bracket (（ ［ [ 〔 【) and
# name bodies that carry brackets of their own (市委组织部（人才办）, 各区〔县、市〕政府).
LEAD_LABELS = ("牵头考核单位", "牵头责任单位", "牵头单位", "牵头部门", "主责单位", "主办单位")
PARTNER_LABELS = ("配合单位", "配合部门", "参与单位", "协同单位", "协办单位", "协助单位")
BODY_LABELS = (
    "责任单位",
    "责任部门",
    "负责单位",
    "负责部门",
    "实施单位",
    "责任主体",
    "考核单位",
    "指导部门",
    "主管部门",
    "承办单位",
)
DEADLINE_LABELS = ("完成时限", "完成时间", "时间节点", "时限要求", "进度安排", "时限")
ROLE_LABELS = "|".join(sorted((*LEAD_LABELS, *PARTNER_LABELS, *BODY_LABELS), key=len, reverse=True))
_OPEN, _CLOSE = r"[（(［\[〔【]", r"[）)］\]〕】]"
# One character of a phrase, or a bracketed name part one level deep (（人才办）, 〈含开发区…〉).
_INNER = r"(?:[^（）()［］\[\]〔〕【】〈〉\n]|[（(〔〈\[［][^（）()［］\[\]〔〕【】〈〉\n]{0,80}[）)〕〉\]］])"
_DUTY = r"(?:按职责分工负责|按职责负责|分工负责|牵头负责|负责|牵头|配合|参与)"
# （责任单位：区科技局、区工信局）  （牵头单位：A，责任单位：B）  （6月底完成，牵头考核单位：A）
# （市科技局、市教委按职责分工负责）  （市科技局牵头负责）  （A牵头，B、C配合）  〔责任单位：…〕  [责任单位：…]
RESPONSIBILITY_PHRASE = re.compile(
    rf"{_OPEN}(?:{_INNER}{{0,60}}?(?:{ROLE_LABELS})[：:]{_INNER}{{2,400}}?"
    rf"|(?:(?!。){_INNER}){{2,300}}?{_DUTY}){_CLOSE}"
)
# 津政发〔2020〕23号, 国科发创〔2017〕353号, masked 津政发〔****〕*号; [(〔] tolerates damaged brackets.
# The prefix is possessive ({1,10}+): no bracket is a CJK character, so giving characters back could
# never let the bracket match, and not trying makes a scan of a whole text 3–4× faster.
DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10}+)[〔\[［【（(](?P<year>\d{4}|\*{4})[〕\]］】）)]\s*(?P<serial>\d{1,4}|\*{1,4})\s*号"
)
# Damaged form with the closing bracket lost: 津政发〔202023号 → 津政发〔2020〕23号.
DAMAGED_DOC_NUMBER = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,10}+)〔(?P<year>(?:19|20)\d{2})(?P<serial>\d{1,4})号")
