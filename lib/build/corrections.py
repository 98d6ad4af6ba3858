"""Stage 8, the build's last: the editors' corrections (data/corrections.yaml) applied to the rows the pipeline
made. Pure: the file's text and the tables' rows in; corrected rows and what matched out.

A correction is anchored by what survives a change of the code: the document's content_sha256 (the hash of
its bytes; text_sha256 is of the normalised text, so a new normalisation rule would change it and orphan
every correction) and the item's own text (a sha1 of its letters and digits, so punctuation or spacing that
a new normaliser writes differently still matches), never a row number or an id the code makes. When the
file itself was edited (new bytes), the document is found by its file name and each item again by its
text: the corrections of the items left as they were still hold. What cannot be found is reported.

The cache (OUT/.cache) keeps the pipeline's rows as they came, and only the tables get the corrections: an
undone correction is gone on the next build, and a correction never applies twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from lib.codes import COMPARATORS, MEASURE_KINDS, TARGET_KINDS, Action, AgencySource

HEADER = """\
# 人工修正 (editors' corrections): written by the dashboard (审核 page and every table of measures or targets),
# applied by every build as its last stage (lib/build/corrections.py). Readable and editable by hand; the
# dashboard rewrites the whole file, atomically, under the build's lock. Schema of each entry:
#   id:       c + 10 hex digits, unique
#   who:      the editor (账号 or e-mail);  when: ISO time (UTC);  why: the editor's reason (may be empty)
#   table:    measures | targets
#   action:   set (change values) | drop (不是措施 / 不是目标) | add (a missed target, anchored on its measure)
#             | review (checked, nothing to change)
#   document: content_sha256 (sha256 of the file's bytes: it survives changes of the code, which text_sha256
#             does not), source_file (used when the file's bytes changed), title (for people)
#   anchor:   text_sha1 (sha1 of the item's letters and digits; for a target: its sentence, "|", its raw
#             phrase), occurrence (0: the first item with that text in the document), text (its start, for people)
#   set:      {column: new value}  (set; for add: the new target's indicator, value_low, value_high, unit,
#             target_year, comparator, kind, increment, sentence)
#   original: {column: value before}  (as the editor saw it)
# A correction whose document or text is no longer found stays here and is reported in build_report.json
# and on the 审核 page; it is never dropped.
"""
TABLES = ("measures", "targets")
MEASURE_FIELDS = ("kind", "agencies", "lead_agency", "themes", "industries", "instruments", "districts")
TARGET_FIELDS = ("indicator", "value_low", "value_high", "unit", "target_year", "comparator", "kind", "increment")
ADDED_TARGET_FIELDS = (*TARGET_FIELDS, "sentence")
LIST_FIELDS = frozenset({"agencies", "themes", "industries", "instruments", "districts"})
MAX_TEXT, MAX_ITEMS, PREFIX = 200, 40, 30  # longest value, most list items, length of the anchor's text for people
NOT_LETTERS = re.compile(r"[\W_]+")


class CorrectionsInvalid(ValueError):
    """The corrections file or an entry cannot be read; the message says where, in Chinese."""


# ---- Anchors ------------------------------------------------------------------------------------------------


def letters(text: str | None) -> str:
    """The letters and digits of a text (NFKC; punctuation, spaces and symbols removed). Punctuation goes first:
    NFKC of the shorter text costs less (a compatibility form that yields punctuation goes in the second pass)."""
    return NOT_LETTERS.sub("", unicodedata.normalize("NFKC", NOT_LETTERS.sub("", text or "")))


def anchor_text(table: str, row: Mapping) -> str:
    """What anchors a row: a measure's text; a target's sentence and raw phrase."""
    if table == "measures":
        return letters(row.get("text"))
    return f"{letters(row.get('sentence'))}|{letters(row.get('raw'))}"


def text_sha1(table: str, row: Mapping) -> str:
    return hashlib.sha1(anchor_text(table, row).encode("utf-8")).hexdigest()


def anchor_of(table: str, row: Mapping, rows_of_document: Iterable[Mapping]) -> dict:
    """The anchor of `row` among its document's rows (in table order): its text's sha1, which occurrence of
    that text it is, and the text's start for people."""
    sha = text_sha1(table, row)
    occurrence = 0
    for other in rows_of_document:
        if other is row or (
            other.get("measure_id" if table == "measures" else "target_id")
            == row.get("measure_id" if table == "measures" else "target_id")
        ):
            break
        occurrence += text_sha1(table, other) == sha
    shown = row.get("text") if table == "measures" else row.get("raw") or row.get("sentence")
    return {"text_sha1": sha, "occurrence": occurrence, "text": (shown or "")[:PREFIX]}


# ---- The file -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """One entry of data/corrections.yaml."""

    id: str
    who: str
    when: str
    table: str
    action: str
    content_sha256: str
    source_file: str
    text_sha1: str
    occurrence: int = 0
    text: str = ""
    title: str = ""
    why: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    original: Mapping[str, Any] = field(default_factory=dict)

    @property
    def anchor(self) -> tuple[str, str, str, str, int]:
        """What identifies the row it corrects (two corrections of one row share it)."""
        return (self.table, self.content_sha256, self.source_file, self.text_sha1, self.occurrence)

    def to_yaml(self) -> dict:
        entry: dict[str, Any] = {
            "id": self.id,
            "who": self.who,
            "when": self.when,
            "why": self.why,
            "table": self.table,
            "action": self.action,
            "document": {"content_sha256": self.content_sha256, "source_file": self.source_file, "title": self.title},
            "anchor": {"text_sha1": self.text_sha1, "occurrence": self.occurrence, "text": self.text},
        }
        if self.values:
            entry["set"] = dict(self.values)
        if self.original:
            entry["original"] = dict(self.original)
        return entry


def validate_values(table: str, action: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a set (or an added target), checked and normalised; CorrectionsInvalid says what is wrong."""
    allowed = MEASURE_FIELDS if table == "measures" else ADDED_TARGET_FIELDS if action == Action.ADD else TARGET_FIELDS
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key not in allowed:
            raise CorrectionsInvalid(f"不能修改“{key}”：可修改的是 {'、'.join(allowed)}")
        clean[key] = _checked(table, key, value)
    if action == Action.SET and not clean:
        raise CorrectionsInvalid("没有要修改的值")
    if action == Action.ADD and not (clean.get("indicator") and clean.get("sentence")):
        raise CorrectionsInvalid("补充目标需要指标名称和原句")
    return clean


def _checked(table: str, key: str, value: Any) -> Any:
    if key in LIST_FIELDS:
        items = [value] if isinstance(value, str) else list(value or [])
        if len(items) > MAX_ITEMS or not all(isinstance(v, str) and 0 < len(v.strip()) <= MAX_TEXT for v in items):
            raise CorrectionsInvalid(f"“{key}”应为不超过 {MAX_ITEMS} 个名称的列表")
        return list(dict.fromkeys(v.strip() for v in items))
    if value is None or value == "":
        return None
    if key == "kind" and value not in (MEASURE_KINDS if table == "measures" else TARGET_KINDS):
        raise CorrectionsInvalid(f"类型“{value}”不存在")
    if key == "comparator" and value not in COMPARATORS:
        raise CorrectionsInvalid(f"比较关系“{value}”不存在")
    if key in ("value_low", "value_high"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CorrectionsInvalid(f"数值“{str(value)[:20]}”不是数字") from None
        if not np.isfinite(number):
            raise CorrectionsInvalid(f"数值“{value}”不是有限的数")
        return number
    if key == "target_year":
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
            raise CorrectionsInvalid(f"目标年份“{str(value)[:20]}”应为四位年份")
        year = int(str(value).strip())
        if not 1949 <= year <= 2100:
            raise CorrectionsInvalid(f"目标年份“{year}”超出范围（1949–2100）")
        return year
    if key == "increment":
        if not isinstance(value, bool):
            raise CorrectionsInvalid("“increment”应为 true 或 false")
        return value
    if not isinstance(value, str) or len(value.strip()) > MAX_TEXT:
        raise CorrectionsInvalid(f"“{key}”应为不超过 {MAX_TEXT} 字的文字")
    return value.strip()


def parse(text: str) -> tuple[list[Correction], list[dict]]:
    """The file's text → its corrections and the entries that cannot be read (each a problem to report, with
    the entry's position and why). CorrectionsInvalid when the file is no YAML list of entries at all."""
    try:
        loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if text.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise CorrectionsInvalid(f"corrections.yaml 无法读取（{where}格式错误）") from exc
    entries = (loaded or {}).get("corrections") if isinstance(loaded, dict) else loaded
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        raise CorrectionsInvalid("corrections.yaml 应为修正条目的列表（corrections: 之下每条以 - 开头）")
    found, problems, ids = [], [], set()
    for number, entry in enumerate(entries, start=1):
        try:
            correction = _entry(entry)
            if correction.id in ids:
                raise CorrectionsInvalid(f"编号“{correction.id}”重复")
            ids.add(correction.id)
            found.append(correction)
        except CorrectionsInvalid as exc:
            problems.append(
                {
                    "id": str(entry.get("id", "")) if isinstance(entry, dict) else "",
                    "entry": number,
                    "message": str(exc),
                }
            )
    return found, problems


def _entry(entry: Any) -> Correction:
    if not isinstance(entry, dict):
        raise CorrectionsInvalid("条目应为键值对")
    document, anchor = entry.get("document") or {}, entry.get("anchor") or {}
    table, action = entry.get("table"), entry.get("action")
    if not str(entry.get("id") or ""):
        raise CorrectionsInvalid("缺少 id")
    if table not in TABLES:
        raise CorrectionsInvalid(f"table 应为 measures 或 targets（现为“{table}”）")
    if action not in set(Action) or (action == Action.ADD and table != "targets"):
        raise CorrectionsInvalid(f"action“{action}”不可用于 {table}")
    if not isinstance(document, dict) or not isinstance(anchor, dict) or not anchor.get("text_sha1"):
        raise CorrectionsInvalid("缺少 document 或 anchor.text_sha1")
    if not (document.get("content_sha256") or document.get("source_file")):
        raise CorrectionsInvalid("document 需要 content_sha256 或 source_file")
    values = entry.get("set") or {}
    if not isinstance(values, dict):
        raise CorrectionsInvalid("set 应为键值对")
    return Correction(
        id=str(entry.get("id") or ""),
        who=str(entry.get("who") or ""),
        when=str(entry.get("when") or ""),
        table=table,
        action=action,
        content_sha256=str(document.get("content_sha256") or ""),
        source_file=str(document.get("source_file") or ""),
        title=str(document.get("title") or ""),
        text_sha1=str(anchor["text_sha1"]),
        occurrence=int(anchor.get("occurrence") or 0),
        text=str(anchor.get("text") or ""),
        why=str(entry.get("why") or ""),
        values=validate_values(table, action, values) if action in (Action.SET, Action.ADD) else {},
        original=dict(entry["original"]) if isinstance(entry.get("original"), dict) else {},
    )


def dump(corrections: Iterable[Correction]) -> str:
    """The file's text: the schema, then every correction (parse(dump(x)) gives x back)."""
    body = yaml.safe_dump(
        {"corrections": [c.to_yaml() for c in corrections]}, allow_unicode=True, sort_keys=False, width=100
    )
    return HEADER + body


def read(path: Path) -> tuple[list[Correction], list[dict]]:
    """parse() of a file; none when it does not exist."""
    return parse(path.read_text(encoding="utf-8")) if path.exists() else ([], [])


def path_next_to(manifest: Path) -> Path:
    """The corrections file next to the curated manifest (tests move both together)."""
    return manifest.with_name("corrections.yaml")


# ---- Applying them ------------------------------------------------------------------------------------------


ORPHAN_DOCUMENT = "找不到该文件（文件已删除，或文件名与内容均已改变）"
ORPHAN_TEXT = "文件中找不到该条目（原文已修改，或条目已不再被识别）"


class Corrector:
    """The corrections of one build, resolved to its documents (content hash first, else file name), applied
    to each slice of rows the build writes, and what matched counted for the report."""

    def __init__(self, corrections: list[Correction], inputs: Iterable[tuple[str, str]], problems=()) -> None:
        """inputs: (source_file, content_sha256) of every document of the build (doc_id = sha256[:12])."""
        by_hash = {sha: sha[:12] for _name, sha in inputs}
        by_name = {name: sha[:12] for name, sha in inputs}
        self.corrections = corrections
        self.problems = list(problems)
        self.doc_of: dict[str, str | None] = {}
        self.moved: set[str] = set()  # matched by file name: the document's bytes changed
        self._by_doc: dict[str, dict[str, list[Correction]]] = {name: {} for name in TABLES}
        for c in corrections:
            doc = by_hash.get(c.content_sha256)
            if doc is None and (doc := by_name.get(c.source_file)) is not None:
                self.moved.add(c.id)
            self.doc_of[c.id] = doc
            if doc is not None:
                table = "measures" if c.action == Action.ADD else c.table  # an added target hangs on its measure
                self._by_doc[table].setdefault(doc, []).append(c)
        self.matched: set[str] = set()
        self.count_change: dict[str, list[int]] = {}  # doc_id → [measures dropped, targets dropped, targets added]
        self.added: list[dict] = []  # target rows added (their measure found), written after the others
        self._lists = {name: pa.array(sorted(docs), pa.string()) for name, docs in self._by_doc.items()}
        self._index: dict[str, dict[tuple[str, str, int], list[Correction]]] = {name: {} for name in TABLES}
        for name, docs in self._by_doc.items():  # (doc_id, text sha1, occurrence) → its corrections, file order
            for doc, found in docs.items():
                for c in found:
                    self._index[name].setdefault((doc, c.text_sha1, c.occurrence), []).append(c)

    def key(self, table: str, doc_id: str) -> str:
        """The corrections a document's rows of `table` are made with ("" when none): a part of the tables is
        written again when they change (output.FileSink)."""
        found = self._by_doc[table].get(doc_id)
        return (
            json.dumps([c.to_yaml() for c in found], ensure_ascii=False, sort_keys=True, default=str) if found else ""
        )

    def apply(self, table: str, rows: pa.Table) -> pa.Table:
        """A slice of measures or targets (each document's rows whole) with its corrections applied."""
        if not self._by_doc[table] or not rows.num_rows:
            return rows
        hit = pc.is_in(rows["doc_id"], value_set=self._lists[table]).to_numpy(zero_copy_only=False)
        if not hit.any():
            return rows
        bounds = [0, *(np.flatnonzero(np.diff(hit.astype(np.int8))) + 1).tolist(), len(hit)]
        pieces = [
            self._correct(table, rows.slice(a, b - a)) if hit[a] else rows.slice(a, b - a)
            for a, b in zip(bounds, bounds[1:])
        ]
        return pa.concat_tables(pieces)

    def _correct(self, table: str, part: pa.Table) -> pa.Table:
        """Rows of documents with corrections: only the anchor columns are read for every row; the rows a
        correction names are the only ones turned into Python, changed, and put back in their places."""
        columns = ["doc_id", "text"] if table == "measures" else ["doc_id", "sentence", "raw"]
        seen: dict[tuple[str, str], int] = {}  # (doc_id, text sha1) → items with that text met so far
        named: dict[int, list[Correction]] = {}  # position in part → its corrections
        for position, row in enumerate(part.select(columns).to_pylist()):
            sha = text_sha1(table, row)
            occurrence = seen.get((row["doc_id"], sha), 0)
            seen[row["doc_id"], sha] = occurrence + 1
            if found := self._index[table].get((row["doc_id"], sha, occurrence)):
                named[position] = found
        if not named:
            return part
        positions = sorted(named)
        rows = part.take(pa.array(positions, pa.int64())).to_pylist()
        kept = {p: row for p, row in zip(positions, rows) if self._apply_row(table, row, named[p])}
        changed = pa.Table.from_pylist(list(kept.values()), schema=part.schema)
        slot = {p: part.num_rows + n for n, p in enumerate(kept)}  # a changed row's place in part + changed
        order = [slot.get(p, p) for p in range(part.num_rows) if p not in named or p in slot]
        return pa.concat_tables([part, changed]).take(pa.array(order, pa.int64()))

    def _apply_row(self, table: str, row: dict, corrections: list[Correction]) -> bool:
        """Apply a row's corrections in the file's order (a later value wins); False when the row is dropped."""
        original = json.loads(row["original"]) if row.get("original") else {}
        for c in corrections:
            self.matched.add(c.id)
            if c.action == Action.ADD:
                self.added.append(_added_target(row, c))
                self._count(row["doc_id"])[2] += 1
                continue
            row["reviewed"], row["confidence"] = True, 1.0
            if c.action == Action.DROP:
                self._count(row["doc_id"])[0 if table == "measures" else 1] += 1
                return False
            for key, value in c.values.items():
                original.setdefault(key, row.get(key))
                row[key] = value
            if c.action == Action.SET:
                row["corrected"] = True
        if table == "measures" and {"agencies", "lead_agency"} & set(original):
            original.setdefault("agencies", row.get("agencies"))
            original.setdefault("agency_source", row.get("agency_source"))
            _consistent_bodies(row)
        if table == "targets" and {"value_low", "value_high"} & set(original):
            _consistent_value(row, original)
        row["original"] = json.dumps(original, ensure_ascii=False, default=str) if original else None
        return True

    def _count(self, doc_id: str) -> list[int]:
        return self.count_change.setdefault(doc_id, [0, 0, 0])

    def added_targets(self, schema: pa.Schema) -> pa.Table:
        """The targets added by editors, as rows of the targets table."""
        return pa.Table.from_pylist(sorted(self.added, key=lambda r: r["target_id"]), schema=schema)

    def documents(self, rows: pa.Table) -> pa.Table:
        """Documents with n_measures and n_targets counting dropped and added rows."""
        if not self.count_change or not rows.num_rows:
            return rows
        ids = rows["doc_id"].to_pylist()
        change = [self.count_change.get(doc, [0, 0, 0]) for doc in ids]
        if not any(any(c) for c in change):
            return rows
        measures = pc.subtract(rows["n_measures"], pa.array([c[0] for c in change], pa.int64()))
        targets = pc.add(rows["n_targets"], pa.array([c[2] - c[1] for c in change], pa.int64()))
        rows = rows.set_column(rows.schema.get_field_index("n_measures"), "n_measures", measures)
        return rows.set_column(rows.schema.get_field_index("n_targets"), "n_targets", targets)

    def report(self) -> dict:
        """For build_report.json: how many corrections there are and applied, and every one that is not."""
        orphans = [
            {
                **_summary(c),
                "reason": "document_missing" if self.doc_of.get(c.id) is None else "text_missing",
                "message": ORPHAN_DOCUMENT if self.doc_of.get(c.id) is None else ORPHAN_TEXT,
            }
            for c in self.corrections
            if c.id not in self.matched
        ]
        invalid = [
            {"id": p["id"], "entry": p["entry"], "reason": "invalid", "message": p["message"]} for p in self.problems
        ]
        return {
            "total": len(self.corrections) + len(self.problems),
            "applied": len(self.matched),
            "moved": sorted(self.moved & self.matched),  # applied, found by file name and text
            "orphans": orphans + invalid,
        }


def _summary(c: Correction) -> dict:
    return {
        "id": c.id,
        "who": c.who,
        "when": c.when,
        "table": c.table,
        "action": c.action,
        "source_file": c.source_file,
        "title": c.title,
        "text": c.text,
        "why": c.why,
    }


def _consistent_bodies(row: dict) -> None:
    """A corrected lead is one of the bodies; the bodies are now named by a person, not the issuer fallback."""
    bodies = list(row.get("agencies") or [])
    if row.get("lead_agency") and row["lead_agency"] not in bodies:
        bodies.insert(0, row["lead_agency"])
    row["agencies"] = bodies
    row["agency_source"] = str(AgencySource.PHRASE if bodies else AgencySource.NONE)


def _consistent_value(row: dict, original: dict) -> None:
    """A value given by a person: one number is both ends; a masked value it replaces is no longer masked."""
    if row.get("value_low") is not None and row.get("value_high") is None:
        row["value_high"] = row["value_low"]
    if row.get("masked"):
        original.setdefault("masked", True)
        row["masked"] = False


def _added_target(measure: dict, c: Correction) -> dict:
    values = dict(c.values)
    low = values.get("value_low")
    return {
        "target_id": f"{measure['doc_id']}-t{c.id}",
        "doc_id": measure["doc_id"],
        "measure_id": measure["measure_id"],
        "kind": values.get("kind") or "target",
        "indicator": values.get("indicator"),
        "comparator": values.get("comparator"),
        "value_low": low,
        "value_high": values.get("value_high", low),
        "unit": values.get("unit"),
        "target_year": values.get("target_year"),
        "scope": None,
        "masked": False,
        "mask": None,
        "raw": values.get("sentence"),
        "sentence": values.get("sentence"),
        "year": measure.get("year"),
        "increment": bool(values.get("increment")),
        "confidence": 1.0,
        "confidence_reasons": [],
        "corrected": True,
        "reviewed": True,
        "original": None,
    }


def load_for_build(path: Path, inputs: Iterable[tuple[str, str]]) -> Corrector:
    """The Corrector of a build: the file read (an unreadable file applies nothing and is reported as such)."""
    try:
        found, problems = read(path)
    except (CorrectionsInvalid, OSError, UnicodeDecodeError) as exc:
        message = str(exc) if isinstance(exc, CorrectionsInvalid) else "corrections.yaml 无法读取"
        found, problems = [], [{"id": "", "entry": 0, "message": message}]
    return Corrector(found, inputs, problems)
