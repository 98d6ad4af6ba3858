"""Loading the curated reference files under data/ (YAML and word lists) with errors that name file and line.

The pipeline reads its reference files (config.PIPELINE_REFERENCE) from a Snapshot: their bytes, read once per
build, with one digest. A build takes a new snapshot and activates it (in every worker process too), so what
the stages derive from the files (keyword automata, alias indexes, compiled patterns: `per_snapshot`) is
derived again when a file changed, also inside a long-running dashboard, and the digest that enters the
build's fingerprint is that of the very bytes the stages read.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from lib.config import PIPELINE_REFERENCE

T = TypeVar("T")

# libyaml's parser when the wheel has it: the reference files load in ~0.01 s instead of ~0.07 s, which
# every build process pays; the same safe constructors either way.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferenceDataError(ValueError):
    """A curated file under data/ is malformed; the message names the file and line."""


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The bytes of the pipeline's reference files at one moment, and their digest."""

    files: dict[Path, bytes]
    digest: str

    @classmethod
    def read(cls, paths: Iterable[Path] = PIPELINE_REFERENCE) -> Snapshot:
        files, digest = {}, hashlib.sha256()
        for path in paths:
            try:
                files[path] = path.read_bytes()
            except FileNotFoundError as exc:
                raise ReferenceDataError(f"{path}: file not found") from exc
            digest.update(path.name.encode() + b"\0" + files[path] + b"\0")
        return cls(files, digest.hexdigest()[:16])


_active: Snapshot | None = None


def activate(snapshot: Snapshot) -> None:
    """Make `snapshot` the one every stage reads (a build's first step; a worker process's initializer)."""
    global _active
    _active = snapshot


def current() -> Snapshot:
    """The active snapshot (the files as they are now, when no build has activated one)."""
    if _active is None:
        activate(Snapshot.read())
    assert _active is not None
    return _active


def per_snapshot(derive: Callable[..., T] | None = None, *, maxsize: int | None = None):
    """Cache what a function derives from the reference files, per snapshot: computed again once another
    snapshot is active (lru_cache would keep the first files' result for the life of the process). With
    `maxsize`, the cache starts afresh when it holds that many results."""
    if derive is None:
        return functools.partial(per_snapshot, maxsize=maxsize)
    cache: dict[tuple, Any] = {}
    seen = [""]

    @functools.wraps(derive)
    def cached(*args: Any) -> T:
        digest = current().digest
        if digest != seen[0] or (maxsize is not None and len(cache) >= maxsize):
            cache.clear()
            seen[0] = digest
        try:
            return cache[args]
        except KeyError:
            value = cache[args] = derive(*args)
            return value

    cached.cache_clear = cache.clear  # type: ignore[attr-defined]
    return cached


def reference_text(path: Path) -> str:
    """A reference file's text: from the active snapshot for the pipeline's files, else from disk."""
    snapshot = current()
    raw = snapshot.files.get(path)
    return raw.decode("utf-8") if raw is not None else path.read_text(encoding="utf-8")


def load_yaml(path: Path) -> Any:
    """Parse one YAML file. The pipeline's files come from the active snapshot (parsed once per snapshot); the
    others (documents.yaml, interface labels) are cached per version of the file, so an edit (a curator's
    correction, an import writing documents.yaml) is seen by a running server without a restart."""
    snapshot = current()
    if path in snapshot.files:
        return _parse_snapshot_yaml(snapshot.digest, path)
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{path}: file not found") from exc
    return _parse_yaml(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse_snapshot_yaml(_digest: str, path: Path) -> Any:
    return _parse(path, reference_text(path))


@lru_cache(maxsize=64)
def _parse_yaml(path: Path, _mtime_ns: int, _size: int) -> Any:
    return _parse(path, path.read_text(encoding="utf-8"))


def _parse(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_SafeLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ReferenceDataError(f"{where}: {getattr(exc, 'problem', exc)}") from exc


def require(mapping: Any, key: str, path: Path) -> Any:
    """Fetch a top-level key of a reference file or fail naming the file."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise ReferenceDataError(f"{path}: missing top-level key '{key}'")
    return mapping[key]


@per_snapshot
def load_word_list(path: Path) -> tuple[str, ...]:
    """One entry per line; blank lines and '#' comments ignored."""
    lines = reference_text(path).splitlines()
    return tuple(s for line in lines if (s := line.split("#", 1)[0].strip()))
