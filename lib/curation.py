"""The editors' corrections (issue #18), written: a correction, an undo or a review mark goes into
data/corrections.yaml and the tables are rebuilt, all or nothing, under the build's lock (the one imports use).

Two officials correcting at once: the file is read again under the lock, and a correction lands unless the
row it corrects was corrected by someone else since the editor's form was drawn (the ids of that row's
corrections are the row's version, its etag); then StaleEdit asks the editor to reload. Corrections of other
rows both land. The file is replaced atomically (temp file, fsync, os.replace), so a killed process leaves
the old file or the new one; a failed rebuild puts the old file back.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lib import auth, importer
from lib.build.corrections import (
    Correction,
    CorrectionsInvalid,
    anchor_of,
    dump,
    path_next_to,
    read,
    validate_values,
)
from lib.build.lock import build_lock
from lib.build.output import failure_cause, write_atomically
from lib.config import BUILD_DIR, DOCUMENTS_YAML, SEEDS_DIR

__all__ = ["CorrectionsInvalid", "StaleEdit", "CorrectionFailed", "anchor_of", "validate_values"]


class StaleEdit(RuntimeError):
    """Someone changed the same row since the form was drawn; the message asks to reload, in Chinese."""


class CorrectionFailed(RuntimeError):
    """Saving or rebuilding failed and the file was put back; the message names the cause, in Chinese."""


STALE = "另一位编辑刚刚修正了这一行（或撤销了它的修正）：请刷新页面，查看最新的值后再修正。"


def corrections_file(manifest: Path = DOCUMENTS_YAML) -> Path:
    return path_next_to(manifest)


def load(manifest: Path = DOCUMENTS_YAML) -> list[Correction]:
    """Every correction of the file (entries that cannot be read are reported by the build, not here)."""
    return read(corrections_file(manifest))[0]


def row_version(corrections: Iterable[Correction], anchor: tuple) -> tuple[str, ...]:
    """The ids of a row's corrections: what the editor saw, compared again when the edit is saved."""
    return tuple(c.id for c in corrections if c.anchor == anchor)


def new_correction(
    editor: str,
    table: str,
    action: str,
    document: Mapping[str, Any],
    anchor: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    original: Mapping[str, Any] | None = None,
    why: str = "",
) -> Correction:
    """A correction by `editor` now (values validated: CorrectionsInvalid says what is wrong)."""
    return Correction(
        id=f"c{secrets.token_hex(5)}",
        who=editor,
        when=datetime.now(UTC).isoformat(timespec="seconds"),
        table=table,
        action=action,
        content_sha256=str(document["content_sha256"]),
        source_file=str(document["source_file"]),
        title=str(document.get("title") or "")[:80],
        text_sha1=str(anchor["text_sha1"]),
        occurrence=int(anchor.get("occurrence") or 0),
        text=str(anchor.get("text") or ""),
        why=why.strip()[:500],
        values=validate_values(table, action, values or {}),
        original=dict(original or {}),
    )


def for_row(
    editor: str,
    table: str,
    action: str,
    row: Mapping[str, Any],
    rows_of_document: list[Mapping[str, Any]],
    document: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    why: str = "",
) -> Correction:
    """A correction of one row as the editor sees it (for add: a target on the measure `row`), its anchor taken
    among its document's rows (in table order) and the values it replaces kept as `original`."""
    anchor = anchor_of(table if action != "add" else "measures", row, rows_of_document)
    original = {k: plain(row.get(k)) for k in (values or {})} if action == "set" else {}
    return new_correction(editor, table, action, document, anchor, values, original, why)


def anchor_key(correction_table: str, action: str, document: Mapping[str, Any], anchor: Mapping[str, Any]) -> tuple:
    """The anchor tuple of Correction.anchor for a row not yet corrected (to find its version)."""
    return (
        correction_table,
        str(document["content_sha256"]),
        str(document["source_file"]),
        str(anchor["text_sha1"]),
        int(anchor.get("occurrence") or 0),
    )


def plain(value: Any) -> Any:
    """A table value as YAML can hold it: lists (Arrow or NumPy) as lists, NaN and NA as None, numbers as numbers."""
    if value is None:
        return None
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):  # pandas.NA
        return None
    return value


def save(
    correction: Correction,
    seen: tuple[str, ...],
    *,
    seeds_dir: Path = SEEDS_DIR,
    out_dir: Path = BUILD_DIR,
    manifest: Path = DOCUMENTS_YAML,
) -> dict:
    """Add a correction (its row had the corrections `seen` when the form was drawn) and rebuild; returns the
    build report. StaleEdit when the row changed meanwhile; CorrectionFailed when nothing could be saved."""
    with build_lock(out_dir):
        current = load(manifest)
        # an added target changes no existing value: two officials adding targets to one measure both land
        if correction.action != "add" and row_version(current, correction.anchor) != tuple(seen):
            raise StaleEdit(STALE)
        report = _write_and_rebuild([*current, correction], seeds_dir, out_dir, manifest)
    auth.audit(
        correction.who,
        f"correct_{correction.action}",
        correction.table,
        log=_audit_log(manifest),
        **_details(correction),
    )
    return report


def undo(
    correction_id: str,
    editor: str,
    *,
    seeds_dir: Path = SEEDS_DIR,
    out_dir: Path = BUILD_DIR,
    manifest: Path = DOCUMENTS_YAML,
) -> dict:
    """Remove one correction and rebuild (the audit log keeps what it was); StaleEdit when it is already gone."""
    with build_lock(out_dir):
        current = load(manifest)
        gone = [c for c in current if c.id == correction_id]
        if not gone:
            raise StaleEdit(STALE)
        report = _write_and_rebuild([c for c in current if c.id != correction_id], seeds_dir, out_dir, manifest)
    auth.audit(editor, "undo_correction", gone[0].table, log=_audit_log(manifest), **_details(gone[0]))
    return report


def _audit_log(manifest: Path) -> Path:
    # The audit log sits next to the manifest (auth.AUDIT_LOG), so a test's private manifest keeps its own.
    return auth.AUDIT_LOG if manifest == DOCUMENTS_YAML else manifest.with_name("audit.jsonl")


def _details(c: Correction) -> dict:
    return {"id": c.id, "source_file": c.source_file, "text": c.text, "set": dict(c.values), "why": c.why}


def _write_and_rebuild(corrections: list[Correction], seeds_dir: Path, out_dir: Path, manifest: Path) -> dict:
    path = corrections_file(manifest)
    before = path.read_bytes() if path.exists() else None
    try:
        _write(path, dump(corrections))
        return importer.rebuild(seeds_dir, out_dir, manifest)
    except Exception as exc:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            _write(path, before.decode("utf-8"))
        raise CorrectionFailed(f"修正未保存，已恢复原状：{failure_cause(exc)}") from exc


def _write(path: Path, text: str) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before it replaces the old file: a crash leaves one or the other

    write_atomically(path, write)


EXPORT_COLUMNS = ("id", "who", "when", "table", "action", "source_file", "title", "text", "why", "set", "original")


def export_csv(corrections: Iterable[Correction]) -> bytes:
    """Every correction as CSV (UTF-8 with BOM, for Excel); cells that a spreadsheet would run are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for c in corrections:
        entry = {**c.to_yaml(), "source_file": c.source_file, "title": c.title, "text": c.text}
        writer.writerow([_cell(entry.get(column, "")) for column in EXPORT_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_yaml(corrections: Iterable[Correction]) -> bytes:
    return dump(corrections).encode("utf-8")
