"""Stage 1, normalize: raw bytes → clean simplified Chinese text.

Order matters: decode → NFC → pinyin debris → garbled spots → 繁→简 → boilerplate → punctuation → truncation.
Pinyin debris and garbled spots are found on the raw punctuation (ASCII parentheses, '?'), before
punctuation is unified; boilerplate is matched on lines before CJK spacing is collapsed.

Unicode form, chosen on purpose: NFC, not NFKC. NFKC would fold ，：（） into ASCII; we want the
reverse (Chinese punctuation in Chinese context) and fold only full-width letters and digits.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc
from charset_normalizer import from_bytes

from lib.config import BOILERPLATE_YAML
from lib.pipeline.tables import CELL
from lib.reference import load_yaml, per_snapshot, require

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# "關(guān)" → "關": a parenthesised lowercase run with a tone mark right after a CJK character.
# A tone mark is required so "人工智能(ai)"-like Latin survives; uppercase "(AI)", "(GDP)" never match.
# A Latin letter may stand before it where a mirror mangled the character itself ("规?;l(fā)展").
PINYIN_DEBRIS = re.compile(
    rf"(?<=[{CJK}A-Za-z])\((?=[a-zü{TONE_VOWELS} ]*[{TONE_VOWELS}])[a-zü{TONE_VOWELS}]+(?: [a-zü{TONE_VOWELS}]+)*\)"
)
# "规?;l展", "滨?!嘘P村": a '?' glued to a CJK character, its ;/! debris, and up to one stray
# character plus a Latin letter that the mangled multi-byte sequence left behind. A lone Latin letter
# without the '?' is real text ("创E空间"), so the '?' is required.
GARBLED = re.compile(rf"(?<=[{CJK}])\?[;!]*(?:[{CJK}]?[A-Za-z](?=[{CJK}]))?(?=[{CJK}A-Za-z])")
GETA = "〓"  # the typesetter's mark for a character that cannot be recovered
REPLACEMENT = "\ufffd"

ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff]")  # invisible: they split words and names
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
MARKDOWN_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.M)  # "#北京市…条例", "##第一章总则"
CJK_RUN = re.compile(rf"[{CJK}]+")
TEXT_CHAR = re.compile(rf"[{CJK}\d]")
# Category Cc (fixed by Unicode's stability policy: U+0000–001F, U+007F–009F) minus \t \n \f \r.
CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _width_and_space_table() -> dict[str, str]:
    """The character-for-character part of unify_punctuation: full-width digits, Latin letters and
    ＊％．＋ → ASCII; every other space separator (category Zs, e.g. U+00A0, U+3000) and the tab → " ".
    All Zs characters lie below U+3001 (tests/test_normalize.py checks the whole of Unicode)."""
    full_width = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), *map(ord, "＊％．＋")]
    table = {chr(code): chr(code - 0xFEE0) for code in full_width}
    spaces = (chr(code) for code in range(0x3001) if unicodedata.category(chr(code)) == "Zs")
    table.update({ch: " " for ch in (*spaces, "\t") if ch != " "})
    return table


WIDTH_AND_SPACE = _width_and_space_table()
FOLDABLE = re.compile("[" + "".join(re.escape(ch) for ch in WIDTH_AND_SPACE) + "]")
ASCII_PUNCT = re.compile(r"[,:;?!]")
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
ASCII_PUNCT_IN_CJK = re.compile(rf"(?<=[{CJK}”“》）])\s*([,:;?!])|([,:;?!])\s*(?=[{CJK}“《（])")
PAREN_PAIR = re.compile(r"\(([^()\n]{0,80})\)")
CJK_OR_STAR = re.compile(rf"[{CJK}*]")
SPACE_RUN = re.compile(r" {2,}")
SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}：，、。；）（])[ \t]+|[ \t]+(?=[{CJK}：，、。；（）])")
SENTENCE_END = "。！？；”）」』…"


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept (binary junk, an image, an archive)."""


@dataclass(frozen=True)
class NormalizedText:
    """A document's text after stage 1, with what was done to it."""

    text: str
    encoding: str
    truncated: bool
    warnings: tuple[str, ...]
    removed_lines: tuple[str, ...]


def decode(raw: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). BOMs first, then strict UTF-8, then a detector among CJK codecs."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    if _looks_like_utf16(raw):
        codec = "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"
        return raw.decode(codec, errors="replace"), codec
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # A single bad byte at the very end is a cut-off download, still UTF-8.
        if exc.start >= len(raw) - 3 and raw[: exc.start].decode("utf-8", errors="strict"):
            return raw.decode("utf-8", errors="replace"), "utf-8"
    best = from_bytes(raw, cp_isolation=["gb18030", "big5", "utf_16", "utf_8"]).best()
    if best is None:
        raise UndecodableError("无法识别文件编码（不是 UTF-8、GB18030、Big5 或 UTF-16 文本）")
    encoding = {"gbk": "gb18030", "gb2312": "gb18030", "cp950": "big5"}.get(best.encoding, best.encoding)
    return raw.decode(encoding, errors="replace"), encoding


def _looks_like_utf16(raw: bytes) -> bool:
    sample = raw[:400]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def check_is_text(text: str) -> None:
    """Reject decoded binary: many control characters or replacement characters."""
    if not text.strip():
        raise UndecodableError("文件为空或只有空白")
    sample = text.rstrip().rstrip(REPLACEMENT)[:20000]  # a cut-off last character is truncation, not junk
    controls = len(CONTROL_CHAR.findall(sample))
    bad = sample.count(REPLACEMENT)
    # 2 % was chosen well above what real scraped pages show (0 % in all seeds) and far below junk.
    if (controls + bad) > 0.02 * len(sample):
        raise UndecodableError("文件内容不是文本（含大量控制字符或无法解码的字节）")


def strip_pinyin_debris(text: str) -> str:
    """'關(guān)於' → '關於'; real parentheses such as '(AI)' or '(2020-2022年)' are kept."""
    return PINYIN_DEBRIS.sub("", text)


def mark_garbled(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace unrecoverable garbled runs by 〓 and report each with its context."""
    if "?" not in text:  # the regex tests its lookbehind at every position; most texts have no '?'
        return text, ()
    warnings = tuple(f"乱码（无法还原）：“{text[max(0, m.start() - 3) : m.end() + 3]}”" for m in GARBLED.finditer(text))
    return GARBLED.sub(GETA, text), warnings


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def is_traditional(text: str) -> bool:
    """True when more than 2 % of the CJK characters change under t2s (seeds: 003 ≈ 20 %, others < 0.1 %)."""
    sample = "".join(CJK_RUN.findall(text))[:20000]
    if not sample:
        return False
    converted = _converter("t2s").convert(sample)
    # Simplified text comes back unchanged: one string comparison spares counting character by character.
    changed = 0 if converted == sample else sum(map(operator.ne, sample, converted))
    return changed > 0.02 * len(sample)


def to_simplified(text: str) -> str:
    """Traditional → simplified. tw2s for traditional text (t2s leaves 著 in 随着/着力), but t2s for text
    that is already simplified, because tw2s rewrites a correct 显著 into 显着."""
    return _converter("tw2s" if is_traditional(text) else "t2s").convert(text)


@per_snapshot
def _compiled_boilerplate() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """(drop-line regexes, title-spam regexes). The drop-line patterns are joined into two alternations,
    those anchored at the line start (tried there only) and the rest (each opens with a literal the
    engine scans for): 3–4× faster than one search per pattern, while one alternation of all would lose
    both shortcuts and be slower still. Each pattern keeps its own group, so its ^ and $ still anchor it
    alone (a pattern may not set global flags such as (?i); the scoped (?i:…) works)."""
    rules = load_yaml(BOILERPLATE_YAML)
    patterns = require(rules, "drop_line_patterns", BOILERPLATE_YAML)
    anchored = [p for p in patterns if p.startswith("^")]
    floating = [p for p in patterns if not p.startswith("^")]
    lines = tuple(re.compile("|".join(f"(?:{p})" for p in group)) for group in (anchored, floating) if group)
    titles = tuple(re.compile(p) for p in require(rules, "title_spam_patterns", BOILERPLATE_YAML))
    return lines, titles


def is_boilerplate(line: str) -> bool:
    """A line of web furniture: navigation, widgets, footer, contact lines, or Latin-only site names."""
    stripped = line.strip()
    if not stripped:
        return False
    if not TEXT_CHAR.search(stripped):
        return True
    return any(p.search(stripped) for p in _compiled_boilerplate()[0])


def strip_title_spam(line: str) -> str:
    """'天津市技术创新中心建设实施方案-凯发k8旗舰厅注册登录' → '天津市技术创新中心建设实施方案'."""
    for pattern in _compiled_boilerplate()[1]:
        line = pattern.sub("", line)
    return line


def tab_cells(line: str) -> str:
    """A line of three or more tab-separated cells (a table copied from a spreadsheet or Word) → its cells joined
    by ｜, as the readers render .docx and .html table rows; empty cells keep their place. Other tabs stay spaces."""
    if line.count("\t") < 2:
        return line
    cells = [c.strip(" \u3000") for c in line.strip(" \u3000\t").split("\t")]
    return CELL.join(cells) if sum(1 for c in cells if c) >= 3 else line


def unify_punctuation(line: str) -> str:
    """Full-width letters/digits → ASCII; ASCII punctuation in Chinese context → Chinese; spacing tidied."""
    line = FOLDABLE.sub(lambda m: WIDTH_AND_SPACE[m.group(0)], line)
    line = PAREN_PAIR.sub(_chinese_parens_if_cjk, line)
    # The two context regexes test a lookbehind at every position: skip them when there is nothing to change.
    if ASCII_PUNCT.search(line):
        line = ASCII_PUNCT_IN_CJK.sub(lambda m: HALF_TO_FULL[m.group(1) or m.group(2)], line)
    line = SPACE_RUN.sub(" ", line).strip(" •·")
    return SPACE_BETWEEN_CJK.sub("", line) if " " in line else line


def _chinese_parens_if_cjk(match: re.Match[str]) -> str:
    inner = match.group(1)
    start, end = match.start(), match.end()
    text = match.string
    around = (text[start - 1] if start else "") + (text[end] if end < len(text) else "") + inner[:1] + inner[-1:]
    return f"（{inner}）" if CJK_OR_STAR.search(around) else match.group(0)


def detect_truncation(text: str) -> tuple[str, bool]:
    """A trailing U+FFFD is a download cut mid-character: drop it and report truncation."""
    stripped = text.rstrip()
    if stripped.endswith(REPLACEMENT):
        return stripped.rstrip(REPLACEMENT).rstrip(), True
    return text, False


def normalize(raw: bytes) -> NormalizedText:
    """Stage 1 entry point: bytes → NormalizedText. Raises UndecodableError for non-text input."""
    text, encoding = decode(raw)
    check_is_text(text)
    return normalize_text(text, encoding)


def normalize_text(text: str, encoding: str = "str") -> NormalizedText:
    """The text part of stage 1, for inputs already decoded (e.g. .docx, .html)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = MARKDOWN_HEADING.sub("", HTML_COMMENT.sub("", ZERO_WIDTH.sub("", text)))
    text = strip_pinyin_debris(text)
    text, truncated = detect_truncation(text)
    warnings: list[str] = []
    if REPLACEMENT in text:
        warnings.append(f"文中有 {text.count(REPLACEMENT)} 处无法解码的字符，已标为〓")
        text = text.replace(REPLACEMENT, GETA)
    text, garbled = mark_garbled(text)
    warnings.extend(_converter("tw2s").convert(w) for w in garbled)
    text = to_simplified(text)
    kept: list[str] = []
    removed: list[str] = []
    for line in text.split("\n"):
        (removed if is_boilerplate(line) else kept).append(line)
    lines = [unify_punctuation(strip_title_spam(tab_cells(line))) for line in kept]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if truncated:
        warnings.append("文本在末尾被截断（末尾为无法解码的残字）")
    elif text and text[-1] not in SENTENCE_END and len(text.rsplit("\n", 1)[-1]) > 40:
        warnings.append("文本末尾没有句末标点，可能不完整")
    return NormalizedText(
        text, encoding, truncated, tuple(warnings), tuple(line.strip() for line in removed if line.strip())
    )
