"""Policy lineage: the documents a text cites, by title in 《…》 and by 文号, resolved against the corpus.

"依据《国家技术创新中心建设工作指引》（国科发创〔2017〕353号）" → one citation with title and number.
A number whose bracket was lost ("津政发〔202023号") is repaired by lib.metadata.cited_doc_numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.pipeline.patterns import DAMAGED_DOC_NUMBER, DOC_NUMBER

TITLE = re.compile(r"《(?P<title>[^《》\n]{2,80})》")
# The 文号 that belongs to a title follows it in parentheses: 《…》（国科发基〔2017〕250号）
NUMBER_AFTER_TITLE = re.compile(r"^\s*[（(]\s*(?P<number>[^（）()]{2,30}?号)\s*[）)]")
NON_WORD = re.compile(r"[^\u4e00-\u9fff\d]")


@dataclass(frozen=True)
class Citation:
    """One reference from a document to another policy."""

    cited_title: str | None
    cited_number: str | None
    sentence: str


def normalise_number(text: str) -> str | None:
    """A written 文号 in canonical form (津政发〔2020〕23号), repairing a lost bracket; None if not one."""
    for pattern in (DOC_NUMBER, DAMAGED_DOC_NUMBER):
        if m := pattern.search(text):
            return f"{m['prefix']}〔{m['year']}〕{m['serial']}号"
    return None


def title_key(title: str) -> str:
    """What two spellings of a title share: CJK characters and digits only ('（2020-2022年）' = '(20202022年)')."""
    return NON_WORD.sub("", title)


def extract(text: str, own_title: str, own_number: str | None = None) -> list[Citation]:
    """Every cited policy of a document except itself (the wrapper notice names its own title and 文号)."""
    own = title_key(own_title)
    found: dict[tuple, Citation] = {}
    for m in TITLE.finditer(text):
        title = m.group("title").strip()
        if title_key(title) == own or own.startswith(title_key(title)) and len(title_key(title)) > 0.8 * len(own):
            continue
        after = NUMBER_AFTER_TITLE.match(text[m.end() : m.end() + 40])
        number = normalise_number(after.group("number")) if after else None
        start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        end = text.find("。", m.end())
        sentence = text[start : end + 1 if end != -1 else len(text)].strip()[:200]
        found.setdefault((title_key(title), number), Citation(title, number, sentence))
    titled_numbers = {c.cited_number for c in found.values() if c.cited_number}
    for pattern in (DOC_NUMBER, DAMAGED_DOC_NUMBER):
        for m in pattern.finditer(text):
            number = f"{m['prefix']}〔{m['year']}〕{m['serial']}号"
            if (
                number not in titled_numbers
                and number != own_number
                and "*" not in number
                and (None, number) not in found
            ):
                found[(None, number)] = Citation(None, number, text[max(0, m.start() - 40) : m.end() + 5].strip())
    return list(found.values())


class CorpusIndex:
    """The corpus's documents by 文号 and by title key, for resolving many citations at once."""

    def __init__(self, documents: list[dict]):
        self.by_number: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        for doc in documents:
            if doc.get("doc_number"):
                self.by_number.setdefault(doc["doc_number"], doc["doc_id"])
            if key := title_key(doc.get("title") or ""):
                self.by_title.setdefault(key, doc["doc_id"])

    def resolve(self, citation: Citation) -> str | None:
        """The doc_id of the cited document when the corpus holds it (by 文号, else by title)."""
        if citation.cited_number and citation.cited_number in self.by_number:
            return self.by_number[citation.cited_number]
        return self.by_title.get(title_key(citation.cited_title)) if citation.cited_title else None


def resolve(citation: Citation, documents: list[dict]) -> str | None:
    """The doc_id of the cited document when the corpus holds it (by 文号, else by title)."""
    return CorpusIndex(documents).resolve(citation)
