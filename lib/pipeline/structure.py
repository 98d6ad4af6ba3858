"""Stage 2, structure: normalised text → tree of numbered items (条目) → leaf items (措施 measures).

A line that starts with a marker opens an item; an unnumbered line continues the deepest open item.
Markers have fixed ranks (第X章 above 一、 above （一） …): a new item closes every open item of the same
or a lower rank. Text before the first marker is preamble (wrapper notice, web header), text after a
closing line (signature date, "感谢您…") is trailer; neither becomes a measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from lib.pipeline import tables
from lib.pipeline.patterns import RESPONSIBILITY_PHRASE

CN_NUM = "一二三四五六七八九十百零〇"

# (pattern, style, rank). Example lines in the comments; all on normalised text (Chinese parentheses).
MARKERS: tuple[tuple[re.Pattern[str], str, int], ...] = (
    (re.compile(rf"^第[{CN_NUM}\d]+章\s*"), "chapter", 0),  # 第三章 着力提升创新策源能力
    (re.compile(rf"^第[{CN_NUM}\d]+节\s*"), "section", 1),  # 第一节 总体要求
    (re.compile(rf"^[{CN_NUM}]+、\s*"), "cn_item", 2),  # 一、总体要求
    (re.compile(rf"^第[{CN_NUM}\d]+条\s*"), "article", 3),  # 第五条 对首次认定的…
    (re.compile(rf"^（[{CN_NUM}]+）\s*"), "paren_cn", 4),  # （一）指导思想
    (re.compile(r"^(?:\d{1,2}|\*{1,3})[.、．﹒](?![\d*])\s*"), "numbered", 5),  # 1.提高…  1﹒推进…  1．完成…  *.完善…
    (re.compile(r"^(?:（\d{1,2}）|\d{1,2}）)\s*"), "paren_num", 6),  # （1）支持…  1）支持…
    (re.compile(r"^[①-⑳]\s*"), "circled", 7),  # ①建设…
    (re.compile(r"^(?:——|--)(?=\S)"), "dash", 8),  # ——聚焦产业。围绕…  --平台建设长足进步。…
    (re.compile(rf"^[{CN_NUM}]+是(?=[^，。；\s])"), "ordinal_shi", 9),  # 一是坚持科技自立自强…
)
TABLE_ROW_RANK = 10  # a row of a task table sits under whatever heading holds the table
# "…，主要有：一是加强…；二是完善…" → one line per 一是/二是, so they become items.
INLINE_ORDINAL = re.compile(rf"(?<=[：。；，])(?=[{CN_NUM}]是)")
# A caption of a table or box whose content the page lost: "表1 科技创新…主要指标", "专栏2 京津冀…".
CAPTION = re.compile(r"^(?:表|专栏|附表|图)\s*\d+\s*\S")
# A box (专栏) set between a plan's items: "专栏1 工业互联网网络工程", then its own items or paragraphs.
BOX = re.compile(r"^专栏\s*\d+")
OMITTED = re.compile(r"（略）$")
# Lines that end the body: signature dates, thanks of a reply, 特此通知, attachments.
CLOSING = re.compile(r"^(?:感谢您|特此(?:通知|函复|答复|批复)|此复|附件[：:]|\d{4}年\d{1,2}月\d{1,2}日$)")
# The heading of an attachment itself ("附件", "附件2", "附件1 名词解释"; the list line "附件：…" has a colon):
# its numbering restarts, so it opens a new tree after the body has closed.
ATTACHMENT = re.compile(r"^附件\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})?\s*(?P<title>[^：:\s]\S{0,40})?$")
# Attachments that hold no measures: glossaries, rosters of officials, contact lists, forms.
NOT_MEASURES = re.compile(
    r"名词解释|名词释义|术语解释|用语解释|名单|组成人员|联系人|联系方式|通讯录|申请表|申报表|登记表|汇总表|承诺书"
)
# A paragraph opened by a short label ("“一核”：…", "金融支持：…") is a measure of its own when its
# item holds several; labels of rosters and contact lines are not ("组长：", "电话：").
LABELLED = re.compile(r"^(?:“[^”]{1,10}”|[^，。；：:“”（）()\s]{2,12})[：:](?=\S)")
ROSTER_LABEL = re.compile(
    r"^(?:组长|副组长|成员|主任|副主任|秘书长|联系人|联系电话|电话|传真|邮箱|电子邮箱|地址|邮编|网址|责任单位|牵头单位)[：:]"
)


@dataclass
class Item:
    """条目 (item): one numbered provision and everything written under it until the next marker."""

    style: str
    rank: int
    marker: str
    first_line: str
    line_no: int
    paragraphs: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    path: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join([self.first_line, *self.paragraphs]).strip()

    @cached_property  # read for every descendant's path; first_line never changes
    def heading(self) -> str:
        return heading_of(self.first_line)

    @property
    def omitted(self) -> bool:
        return bool(OMITTED.search(self.first_line)) and not self.paragraphs and not self.children


@dataclass(frozen=True)
class Leaf:
    """措施 (measure): a leaf item, in reading order, with the headings of its ancestors."""

    marker: str
    style: str
    heading: str
    text: str
    path: tuple[str, ...]
    outline: str
    omitted: bool
    line_no: int


@dataclass(frozen=True)
class DocTree:
    """The parsed outline of one document."""

    preamble: str
    items: tuple[Item, ...]
    leaves: tuple[Leaf, ...]
    missing_parts: tuple[str, ...]
    headed_blocks: tuple[tuple[str, tuple[str, ...], str], ...]  # (heading, path, own text) of non-leaf items


def heading_of(line: str) -> str:
    """The item's text up to its first 。 (or the whole line), without the trailing （略）/colon."""
    head = line.split("。", 1)[0]
    return OMITTED.sub("", head).rstrip("：: ").strip()


def match_marker(line: str) -> tuple[str, int, str] | None:
    """(style, rank, marker as written) when the line opens an item."""
    for pattern, style, rank in MARKERS:
        if m := pattern.match(line):
            return style, rank, m.group(0).strip()
    return None


def split_lines(text: str) -> list[str]:
    """Non-empty lines, with inline 一是…二是… enumerations broken onto lines of their own."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        parts = (
            INLINE_ORDINAL.split(line) if "是" in line and tables.CELL not in line else [line]
        )  # tests every position
        lines.extend(p.strip() for p in parts if p.strip()) if len(parts) >= 3 else lines.append(line)
    return lines


def parse(text: str) -> DocTree:
    """Stage 2 entry point: build the tree, then flatten its leaves in reading order."""
    roots: list[Item] = []
    stack: list[Item] = []
    preamble: list[str] = []
    missing: list[str] = []
    closed = skipping = title_next = False
    table: tuple[tables.Column, ...] | None = None  # the header of the task table being read
    boxes: list[tuple[Item, list[Item], str]] = []  # (box, the list holding it, its "content missing" note)
    box_next: dict[int, int] = {}  # id of an open box → the number its next own item must carry
    for line_no, line in enumerate(tables.regroup_cell_lines(split_lines(text), _is_marker)):
        if roots and (attachment := ATTACHMENT.match(line)):
            stack, closed = [], False  # an attachment's numbering starts again at 一、 or 1.
            title = attachment.group("title")
            skipping, title_next = bool(title and NOT_MEASURES.search(title)), title is None
            continue
        if title_next:  # the attachment's title line: a glossary or roster holds no measures
            skipping, title_next = bool(NOT_MEASURES.search(line)), False
            continue
        if closed or skipping:
            continue
        if roots and CLOSING.match(line):
            closed = True  # signature, 特此通知, the attachment list: only an attachment reopens the body
            continue
        if box_mark := BOX.match(line):
            # A box sits beside the item it follows; whether its content is missing is known when it closes.
            rank = stack[-1].rank if stack else 2
            _open(stack, roots, Item("box", rank, box_mark.group(0), line[box_mark.end() :].strip(), line_no))
            boxes.append((stack[-1], stack[-2].children if len(stack) > 1 else roots, _missing_note(line)))
            missing.append(boxes[-1][2])
            box_next[id(stack[-1])] = 1
            continue
        if CAPTION.match(line):
            missing.append(_missing_note(line))
            continue
        if tables.CELL in line:
            cells = [c.strip() for c in line.split(tables.CELL)]
            if (columns := tables.header(cells)) is not None:
                table = columns
                continue
            if table and (row := tables.row_item(table, cells)):
                marker, task, phrase = row
                _open(
                    stack, roots, Item("table_row", TABLE_ROW_RANK, marker, task, line_no, [phrase] if phrase else [])
                )
                continue
            if tables.is_indicator_header(cells):
                table = None  # another table begins: its rows are read by the targets stage
        found = match_marker(line)
        if found is None:
            if stack and not stack[-1].first_line and not stack[-1].paragraphs and not stack[-1].children:
                stack[-1].first_line = line  # "（一）" alone on its line: the next line is its heading
            else:
                (stack[-1].paragraphs if stack else preamble).append(line)
            continue
        style, rank, marker = found
        if (box := _box_item(stack, rank, marker, box_next)) is not None:
            _open(stack, roots, Item(style, box.rank + 1, marker, line[len(marker) :].strip(), line_no))
            continue
        _open(
            stack,
            roots,
            Item(style, rank, marker, line[len(marker) :].strip() if style != "dash" else line[2:], line_no),
        )
    _split_paragraphs_with_own_responsibility(roots)
    _split_labelled_paragraphs(roots)
    for box, siblings, note in boxes:
        if box.children or box.paragraphs:
            missing.remove(note)
            _split_box_paragraphs(box)
        else:
            siblings.remove(box)  # a caption whose content the page lost: the warning stays, no empty measure
    leaves = tuple(_leaves(roots))
    missing.extend(f"{leaf.heading}（略）" for leaf in leaves if leaf.omitted)
    return DocTree("\n".join(preamble), tuple(roots), leaves, tuple(missing), tuple(_headed_blocks(roots)))


def _missing_note(caption: str) -> str:
    return f"{caption}（原文缺失此表/专栏内容）"


def _box_item(stack: list[Item], rank: int, marker: str, box_next: dict[int, int]) -> Item | None:
    """The open box a marker of its rank or above numbers an item of, when it continues the box's own sequence
    (1. then 2. …, written alike); None when the marker closes the box (the plan's own numbering resumes).
    The box is left on top of the stack."""
    box = next((item for item in reversed(stack) if item.style == "box"), None)
    if box is None or rank > box.rank:
        return None
    first = box.children[0].marker if box.children else None
    if _ordinal(marker) != box_next[id(box)] or (first and re.sub(r"\d+", "", first) != re.sub(r"\d+", "", marker)):
        return None
    box_next[id(box)] += 1
    while stack[-1] is not box:
        stack.pop()
    return box


def _ordinal(marker: str) -> int | None:
    """The number a marker writes: 3. → 3, （二） → 2, ③ → 3; None beyond ten in words."""
    if digits := re.search(r"\d+", marker):
        return int(digits.group(0))
    if circled := re.search(r"[①-⑳]", marker):
        return ord(circled.group(0)) - ord("①") + 1
    words = re.sub(r"[^一二三四五六七八九十]", "", marker)
    return "一二三四五六七八九十".index(words) + 1 if len(words) == 1 else None


def _split_box_paragraphs(box: Item) -> None:
    """A box of several unnumbered paragraphs holds one measure per paragraph, under the box's title."""
    if box.children or len(box.paragraphs) < 2:
        return
    path = (*box.path, box.heading)
    box.children = [
        Item("box_paragraph", box.rank + 1, "", paragraph, box.line_no + n, [], [], path)
        for n, paragraph in enumerate(box.paragraphs, start=1)
    ]
    box.paragraphs = []


def _is_marker(line: str) -> bool:
    return match_marker(line) is not None


def _open(stack: list[Item], roots: list[Item], item: Item) -> None:
    """Close every open item of the new item's rank or lower, then open it under what remains."""
    while stack and stack[-1].rank >= item.rank:
        stack.pop()
    item.path = tuple(a.heading for a in stack)
    (stack[-1].children if stack else roots).append(item)
    stack.append(item)


def _split_paragraphs_with_own_responsibility(items: list[Item]) -> None:
    """A heading-only item whose paragraphs each end with their own 责任单位 phrase holds several
    unnumbered measures (Beichen's （二）工作目标): make each such paragraph group an item of its own."""
    for item in items:
        _split_paragraphs_with_own_responsibility(item.children)
        if item.children or "。" in item.first_line or len(item.paragraphs) < 2:
            continue
        ends = [i for i, p in enumerate(item.paragraphs) if ends_with_responsibility(p)]
        if len(ends) < 2:
            continue
        groups, start = [], 0
        for end in ends:
            groups.append(item.paragraphs[start : end + 1])
            start = end + 1
        groups[-1].extend(item.paragraphs[start:])
        path = (*item.path, item.heading)
        item.children = [
            Item("paragraph", item.rank + 1, "", group[0], item.line_no + n, group[1:], [], path)
            for n, group in enumerate(groups, start=1)
        ]
        item.paragraphs = []


def _split_labelled_paragraphs(items: list[Item]) -> None:
    """An item whose paragraphs open with short labels ("“一核”：…", "金融支持：…", two or more) holds one
    unnumbered measure per label; its own first line stays its introduction. Roster lines stay text."""
    for item in items:
        _split_labelled_paragraphs(item.children)
        if item.children:
            continue
        starts = [i for i, p in enumerate(item.paragraphs) if LABELLED.match(p) and not ROSTER_LABEL.match(p)]
        if len(starts) < 2:
            continue
        path = (*item.path, item.heading)
        ends = [*starts[1:], len(item.paragraphs)]
        item.children = [
            Item(
                "labelled",
                item.rank + 1,
                LABELLED.match(item.paragraphs[start]).group(0),  # type: ignore[union-attr]  # start: a label's line
                item.paragraphs[start],
                item.line_no + n,
                item.paragraphs[start + 1 : end],
                [],
                path,
            )
            for n, (start, end) in enumerate(zip(starts, ends), start=1)
        ]
        item.paragraphs = item.paragraphs[: starts[0]]


def ends_with_responsibility(paragraph: str) -> bool:
    """True when the paragraph closes with a responsibility phrase such as （责任单位：区科技局）."""
    return any(m.end() >= len(paragraph.rstrip("。 ")) for m in RESPONSIBILITY_PHRASE.finditer(paragraph))


def _leaves(items: list[Item], prefix: str = ""):
    for n, item in enumerate(items, start=1):
        outline = f"{prefix}.{n}" if prefix else str(n)
        if item.children:
            yield from _leaves(item.children, outline)
        else:
            yield Leaf(item.marker, item.style, item.heading, item.text, item.path, outline, item.omitted, item.line_no)


def _headed_blocks(items: list[Item]):
    """Own text of items that have children (chapter intros, goal paragraphs before sub-items)."""
    for item in items:
        if item.children:
            own = "\n".join([item.first_line, *item.paragraphs])
            yield item.heading, item.path, own
            yield from _headed_blocks(item.children)
