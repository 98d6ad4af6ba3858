"""Adding and removing documents safely: preview → confirm → store under seeds/ → rebuild.

Nothing changes until a preview passes every check. Stored files never leave seeds/, names are
sanitised, writes are atomic and one lock serialises imports and builds (two browser sessions or a
CLI import at the same time cannot interleave their writes). An import or a removal is all or nothing:
if storing or the rebuild fails (disk full, file too large, permission), the document, its manifest entry
and the tables are left as they were, and ImportFailed names the cause.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from lib import reference
from lib.build.lock import build_lock, lock_file  # noqa: F401 (lock_file: callers know it here)
from lib.build.output import failure_cause, write_atomically
from lib.build.run import build
from lib.config import BUILD_DIR, DOCUMENTS_YAML, SEEDS_DIR
from lib.pipeline.document import DocResult, process_document
from lib.pipeline.readers import MAX_BYTES, SUPPORTED

EDITABLE_FIELDS = (
    "title",
    "doc_number",
    "issuer",
    "level",
    "district",
    "doc_type",
    "issued_date",
    "period_start",
    "period_end",
)
SAFE_CHARS = re.compile(r"[^\w\u4e00-\u9fff.\-（）()]+")


class ImportRejected(ValueError):
    """The file cannot be added; the message says why, in Chinese."""


class ImportFailed(RuntimeError):
    """Storing or rebuilding failed and everything was put back; the message names the cause, in Chinese."""


@dataclass(frozen=True)
class Preview:
    """What the pipeline extracts from an upload, before anything is saved."""

    source_file: str  # the sanitised name it will be stored under
    raw: bytes
    result: DocResult


def sanitize_name(name: str) -> str:
    """'../../x.txt' → 'x.txt'; odd characters → '_'; never hidden, never empty, extension kept."""
    base = PureWindowsPath(PurePosixPath(unicodedata.normalize("NFC", name or "")).name).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = SAFE_CHARS.sub("_", stem).strip("._ ")[:80] or "document"
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())[:5]
    return f"{stem}.{suffix}" if suffix else stem


def existing_hashes(seeds_dir: Path) -> dict[str, str]:
    """sha256 → file name of every stored document."""
    return {
        hashlib.sha256(p.read_bytes()).hexdigest(): p.name
        for p in seeds_dir.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }


def existing_texts(seeds_dir: Path, out_dir: Path) -> dict[str, str]:
    """text_sha256 (of the normalised text) → file name of every built document still in seeds_dir; none
    when the tables cannot be read (the build then keeps one copy and warns, see lib.build._copy_of)."""
    try:
        table = pq.read_table(out_dir / "documents.parquet", columns=["source_file", "text_sha256"])
    except (OSError, pa.ArrowException):
        return {}
    return {
        text: name
        for name, text in zip(table["source_file"].to_pylist(), table["text_sha256"].to_pylist())
        if text and (seeds_dir / name).is_file()
    }


def preview(name: str, raw: bytes, seeds_dir: Path = SEEDS_DIR, out_dir: Path = BUILD_DIR) -> Preview:
    """Run the pipeline on an upload without saving anything; ImportRejected says what is wrong."""
    safe = sanitize_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportRejected(f"“{name}”：不支持的文件类型（{suffix or '无扩展名'}），请上传 .txt、.docx、.pdf 或 .html")
    if len(raw) > MAX_BYTES:
        raise ImportRejected(f"“{name}”：文件过大（{len(raw) / 2**20:.1f} MB），上限 {MAX_BYTES // 2**20} MB")
    duplicate = existing_hashes(seeds_dir).get(hashlib.sha256(raw).hexdigest())
    if duplicate:
        raise ImportRejected(f"“{name}”：与已有文件“{duplicate}”内容完全相同，未重复导入")
    reference.activate(reference.Snapshot.read())  # the reference files as they are now, as a build would read them
    result = process_document(safe, raw, None)
    if result.status == "rejected":
        raise ImportRejected(f"“{name}”：{'；'.join(result.messages)}")
    assert result.document is not None  # a result that is not rejected has its document
    if same_text := existing_texts(seeds_dir, out_dir).get(result.document["text_sha256"]):
        raise ImportRejected(f"“{name}”：与已有文件“{same_text}”正文相同（仅编码或格式不同），未重复导入")
    if not result.measures:
        raise ImportRejected(f"“{name}”：没有识别到编号条目（如“一、”“（一）”“1.”），不像一份政策文件，未导入")
    return Preview(safe, raw, result)


def _inside(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if path.parent != folder.resolve():
        raise ImportRejected(f"文件名“{name}”不合法")
    return path


def _free_name(seeds_dir: Path, name: str) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 2
    while (seeds_dir / candidate).exists():
        candidate, n = f"{stem}_{n}{suffix}", n + 1
    return candidate


def confirm(
    item: Preview,
    corrections: dict,
    seeds_dir: Path = SEEDS_DIR,
    manifest: Path = DOCUMENTS_YAML,
    out_dir: Path = BUILD_DIR,
) -> str:
    """Store the file, record the curator's corrections, rebuild, all or nothing. Returns the stored file name."""
    with build_lock(out_dir):
        names, _report = add([(item, corrections)], seeds_dir, out_dir, manifest)
    return names[0]


def add(
    items: list[tuple[Preview, dict]],
    seeds_dir: Path = SEEDS_DIR,
    out_dir: Path = BUILD_DIR,
    manifest: Path = DOCUMENTS_YAML,
) -> tuple[list[str], dict]:
    """Store each file with its corrections, then rebuild once (call under build_lock): all of it, or on any
    failure none of it (ImportFailed). Returns the stored names and the build report."""
    names: list[str] = []
    try:
        with _restored_on_failure(manifest) as created:
            for item, corrections in items:
                names.append(store(item, corrections, seeds_dir, manifest, created))
            report = rebuild(seeds_dir, out_dir, manifest)
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportFailed(f"导入失败，已恢复原状（文件、元数据与数据表均未改变）：{failure_cause(exc)}") from exc
    return names, report


def store(
    item: Preview,
    corrections: dict,
    seeds_dir: Path = SEEDS_DIR,
    manifest: Path = DOCUMENTS_YAML,
    created: list[Path] | None = None,
) -> str:
    """Write the file into seeds/ and its manifest entry (call under build_lock); the new file is added to
    `created` before it is written, so a failure can remove it."""
    name = _free_name(seeds_dir, item.source_file)
    target = _inside(seeds_dir, name)
    entry = {k: v for k, v in corrections.items() if k in EDITABLE_FIELDS and v not in (None, "")}
    entry["imported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if created is not None:
        created.append(target)
    write_atomically(target, lambda tmp: Path(tmp).write_bytes(item.raw))
    _set_manifest_entry(manifest, name, entry)
    return name


TRASH_FOLDER = "trash"  # beside the manifest (data/trash/): removed imports, kept for undo
TRASH_ENTRY = "entry.yaml"  # in a removal's folder: {file name: its manifest entry, removed_at}


def trash_dir(manifest: Path = DOCUMENTS_YAML) -> Path:
    """Where removed imports are kept until restored (data/trash/, never an input of the build)."""
    return manifest.parent / TRASH_FOLDER


@dataclass(frozen=True)
class Removed:
    """One removed import kept in the trash."""

    removal_id: str  # its folder's name under trash_dir
    source_file: str
    title: str
    removed_at: str  # UTC, ISO


def remove(
    source_file: str, seeds_dir: Path = SEEDS_DIR, manifest: Path = DOCUMENTS_YAML, out_dir: Path = BUILD_DIR
) -> str:
    """Delete an imported document (only files recorded as imported) and rebuild, all or nothing. The file and
    its manifest entry go to the trash, so restore(removal_id) undoes it; returns the removal id."""
    with build_lock(out_dir):
        entries = _manifest_entries(manifest)
        if source_file not in imported_files(manifest):
            raise ImportRejected(f"“{source_file}”不是导入的文件，不能在此删除")
        path = _inside(seeds_dir, source_file)
        now = datetime.now(UTC)
        removal_id = f"{now:%Y%m%dT%H%M%SZ}_{secrets.token_hex(4)}"
        trash = trash_dir(manifest)
        staged, kept = trash / f".staging_{removal_id}", trash / removal_id
        try:
            with _restored_on_failure(manifest, path):
                staged.mkdir(parents=True)
                shutil.copy2(path, staged / source_file)
                record = {"entry": entries[source_file], "removed_at": now.isoformat(timespec="seconds")}
                text = yaml.safe_dump({source_file: record}, allow_unicode=True, sort_keys=False)
                write_atomically(staged / TRASH_ENTRY, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
                os.replace(staged, kept)  # the trash entry appears whole, or not at all
                path.unlink(missing_ok=True)
                _set_manifest_entry(manifest, source_file, None)
                rebuild(seeds_dir, out_dir, manifest)
        except Exception as exc:
            shutil.rmtree(staged, ignore_errors=True)
            shutil.rmtree(kept, ignore_errors=True)
            raise ImportFailed(f"删除失败，已恢复原状（文件、元数据与数据表均未改变）：{failure_cause(exc)}") from exc
    return removal_id


def _trash_record(folder: Path) -> tuple[str, dict] | None:
    """(file name, {entry, removed_at}) of a removal's folder; None when it is incomplete or unreadable."""
    try:
        record = yaml.safe_load((folder / TRASH_ENTRY).read_text(encoding="utf-8"))
        (name, details), *rest = record.items()
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return None
    if rest or not isinstance(details, dict) or not (folder / str(name)).is_file():
        return None
    return str(name), details


def trashed(manifest: Path = DOCUMENTS_YAML) -> list[Removed]:
    """The removed imports that can be restored, newest first."""
    trash = trash_dir(manifest)
    found = []
    for folder in sorted(trash.iterdir(), reverse=True) if trash.is_dir() else []:
        record = _trash_record(folder) if folder.is_dir() and not folder.name.startswith(".") else None
        if record:
            name, details = record
            entry = details.get("entry") or {}
            found.append(Removed(folder.name, name, str(entry.get("title") or name), str(details.get("removed_at"))))
    return found


def restore(
    removal_id: str, seeds_dir: Path = SEEDS_DIR, manifest: Path = DOCUMENTS_YAML, out_dir: Path = BUILD_DIR
) -> str:
    """Undo a removal: the file back into seeds/ with its manifest entry, rebuilt, all or nothing; the trash
    entry goes once it is back. Returns the name it is stored under (another if its old name was taken)."""
    with build_lock(out_dir):
        folder = _inside(trash_dir(manifest), removal_id)
        record = _trash_record(folder) if folder.is_dir() else None
        if record is None:
            raise ImportRejected("该删除记录不存在或已恢复")
        name, details = record
        raw = (folder / name).read_bytes()
        if duplicate := existing_hashes(seeds_dir).get(hashlib.sha256(raw).hexdigest()):
            raise ImportRejected(f"“{name}”：与已有文件“{duplicate}”内容完全相同（已重新导入？），无需恢复")
        stored = _free_name(seeds_dir, sanitize_name(name))
        target = _inside(seeds_dir, stored)
        try:
            with _restored_on_failure(manifest) as created:
                created.append(target)
                write_atomically(target, lambda tmp: Path(tmp).write_bytes(raw))
                _set_manifest_entry(manifest, stored, details.get("entry") or {})
                rebuild(seeds_dir, out_dir, manifest)
        except Exception as exc:
            raise ImportFailed(f"恢复失败，已恢复原状（文件、元数据与数据表均未改变）：{failure_cause(exc)}") from exc
        shutil.rmtree(folder, ignore_errors=True)
    return stored


def _kept_copy(path: Path) -> Path:
    """A hidden hard link to the file (never an input of the build), or a copy where links are impossible."""
    keep = path.with_name(f".{path.name}.{secrets.token_hex(4)}.keep")
    try:
        os.link(path, keep)
    except OSError:
        shutil.copy2(path, keep)
    return keep


@contextmanager
def _restored_on_failure(*paths: Path):
    """If the block fails, `paths` are put back as they were (or removed, if they did not exist) and the
    files the block adds to the yielded list are removed. The old files are kept as hard links, so putting
    them back is a rename and needs no free space; the tables need nothing: a failed build replaces none."""
    kept: dict[Path, Path | None] = {}
    try:
        for path in paths:
            kept[path] = _kept_copy(path) if path.exists() else None
    except BaseException:  # nothing was changed yet: only the copies made so far go
        for keep in kept.values():
            if keep is not None:
                keep.unlink(missing_ok=True)
        raise
    created: list[Path] = []
    try:
        yield created
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        for path, keep in kept.items():
            if keep is not None:
                os.replace(keep, path)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for keep in kept.values():
            if keep is not None:
                keep.unlink(missing_ok=True)


def _manifest_entries(manifest: Path) -> dict:
    entries = yaml.safe_load(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    return entries or {}


def imported_files(manifest: Path = DOCUMENTS_YAML) -> list[str]:
    """Files added through the importer (their manifest entry carries imported_at)."""
    entries = _manifest_entries(manifest)
    return sorted(name for name, entry in entries.items() if isinstance(entry, dict) and "imported_at" in entry)


def rebuild(seeds_dir: Path = SEEDS_DIR, out_dir: Path = BUILD_DIR, manifest: Path = DOCUMENTS_YAML) -> dict:
    """Build the tables again from seeds/, reusing the unchanged documents' rows (call under build_lock);
    returns the report."""
    return build(seeds_dir, out_dir, manifest_path=manifest)


def _set_manifest_entry(manifest: Path, name: str, entry: dict | None) -> None:
    """Replace one top-level block of documents.yaml, keeping every other line (and comment) as written."""
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True) if manifest.exists() else []
    kept, skipping = [], False
    for line in lines:
        if line.strip() and not line[0].isspace() and not line.startswith("#"):  # a top-level key opens a block
            skipping = line.split(":", 1)[0].strip().strip("'\"") == name
        if not skipping:
            kept.append(line)
    text = "".join(kept)
    if entry is not None:
        text = text.rstrip("\n") + "\n" + yaml.safe_dump({name: entry}, allow_unicode=True, sort_keys=False)
    yaml.safe_load(text)  # never write a manifest that does not parse
    write_atomically(manifest, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


ISSUED_DATE = re.compile(r"^(19|20)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
PERIOD = re.compile(r"^\s*((?:19|20)\d{2})\s*[-—–~至]\s*((?:19|20)\d{2})\s*$")


def corrections_from_form(extracted: dict, form: dict) -> dict | str:
    """The fields the curator changed, validated; a Chinese message instead when a value is malformed."""
    changes: dict = {}
    for key in ("title", "doc_number", "issuer", "level", "district", "doc_type"):
        value = form.get(key)
        value = value.strip() if isinstance(value, str) else value
        if (value or None) != (extracted.get(key) or None):
            changes[key] = value or None
    issued = (form.get("issued_date") or "").strip()
    if issued and not ISSUED_DATE.match(issued):
        return f"成文日期“{issued}”格式不对：请写 2023、2023-03 或 2023-03-08"
    if issued != (extracted.get("issued_date") or ""):
        changes["issued_date"] = issued or None
    period = (form.get("period") or "").strip()
    extracted_period = f"{extracted['period_start']}-{extracted['period_end']}" if extracted.get("period_start") else ""
    if period != extracted_period:
        m = PERIOD.match(period)
        if period and not m:
            return f"规划期“{period}”格式不对：请写 2023-2025"
        changes["period_start"], changes["period_end"] = (int(m[1]), int(m[2])) if m else (None, None)
    return changes
