"""The indicator a number measures, read from the words before it: walk back from the number over the verb
(达到, 超过, 突破, 增长 …) to the noun phrase, stopping at clause punctuation and at a 、 list.

"全市技术合同成交额突破2000亿元" → 技术合同成交额; "地区生产总值增长4.5%" → 地区生产总值增速;
"企业数量占全国1/3" → 企业数量占全国比重; "“专精特新”企业500家" → “专精特新”企业 (quotes are part of a name).
Fragments (增长, 最高, 总量达, （达) are never indicators: what is left when the verbs are gone is the noun phrase
or nothing.
"""

from __future__ import annotations

import re

# Where the phrase before a number begins: clause punctuation, brackets, and the 、 of a list.
PHRASE_START = re.compile(r"[，。；：,;:！？（）()、\s]")
# Verbs, comparators and adverbs between the noun phrase and its number, longest first in each group.
VERB = (
    r"(?:比上年|较上年|同比|比(?:19|20)\d{2}年|较(?:19|20)\d{2}年)?"
    r"(?:分别|各|均|总计|共计|合计|累计|年均|每年|力争|预计|稳定|将)?"
    r"(?P<verb>增长到|增长至|增加到|增加至|提高到|提高至|提升到|提升至|下降到|下降至|降低到|降低至|扩大到|扩大至"
    r"|达到|达|超过|超|突破|增长|增加|提高|提升|下降|降低|减少|扩大|实现|保持在|保持|控制在|稳定在|稳居|"
    r"占全国|占全省|占全市|占比达到|占比|占|不低于|不少于|不高于|不超过|最高|最多|至少|为|在|至|到|约|近|超出|以上|左右)"
)
TRAILING_VERB = re.compile(VERB + r"$")
TRAILING_ADVERB = re.compile(
    r"(?:比上年|较上年|同比|一般|原则上|分别|各|均|总计|共计|合计|累计|年均|每年|力争|预计|的|将|已|再|又|新增|新建)$"
)
# What opens a phrase without naming anything: time, place of the whole document, hedges.
LEADING = re.compile(
    r"^(?:其中|力争|预计|全年|当年|今年|明年|去年|上年|过去一年|全市|全区|全省|全县|本市|本区|本省|我市|我省|我区"
    r"|(?:到|至|截至)?(?:19|20)\d{2}年(?:底|末|前)?|年均|累计|新增|新建|培育|引进|建设|实现|推动)+"
)
# A phrase ending in an action whose object follows the number (给予最高500万元补助): it names no indicator.
ACTION = re.compile(r"(?:给予|提供|安排|发放|予以|按照|按)$")
GROWTH = {"增长": "增速", "增加": "增量", "下降": "降幅", "降低": "降幅", "减少": "减少量", "扩大": "增量"}


def indicator_before(before: str, unit: str | None = None) -> tuple[str, str | None]:
    """(noun phrase, verb) before a number: the indicator as the text names it (with 增速 for a growth rate in %,
    占…比重 for a share), and the verb read over; ("", verb) when no noun phrase stands before the verb."""
    phrase = PHRASE_START.split(before)[-1]
    verbs: list[str] = []
    while phrase:
        if m := TRAILING_VERB.search(phrase):
            verbs.append(m.group("verb"))
            phrase = phrase[: m.start()]
        elif m := TRAILING_ADVERB.search(phrase):
            phrase = phrase[: m.start()]
        else:
            break
    # the verb that says what the number is of (占比一般不低于 → 占比) before the comparator nearest the number
    verb = next((v for v in verbs if v in GROWTH or v.startswith("占")), verbs[0] if verbs else None)
    phrase = LEADING.sub("", phrase)
    if len(phrase.strip("“”")) < 2 or ACTION.search(phrase):
        return "", verb
    return named(phrase, verb, unit), verb


def named(noun: str, verb: str | None, unit: str | None) -> str:
    """A noun phrase with what its verb makes of the number: 增长 x% → 增速, 占全国 x → 占全国比重."""
    if verb in GROWTH and unit in ("%", "个百分点"):
        return noun + GROWTH[verb]
    if verb and verb.startswith("占"):
        return noun + ("占比" if verb == "占" or verb.startswith("占比") else verb + "比重")
    return noun
