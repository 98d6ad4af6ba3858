"""Loading the curated reference files under data/ (YAML and word lists) with errors that name file and line."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when the wheel has it: the reference files load in ~0.01 s instead of ~0.07 s, which
# every build process pays; the same safe constructors either way.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferenceDataError(ValueError):
    """A curated file under data/ is malformed; the message names the file and line."""


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; cached per version of the file, so an edit (a curator's correction, an
    import writing documents.yaml) is seen by a running server without a restart."""
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{path}: file not found") from exc
    return _parse_yaml(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse_yaml(path: Path, _mtime_ns: int, _size: int) -> Any:
    text = path.read_text(encoding="utf-8")
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


@lru_cache(maxsize=None)
def load_word_list(path: Path) -> tuple[str, ...]:
    """One entry per line; blank lines and '#' comments ignored."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(s for line in lines if (s := line.split("#", 1)[0].strip()))
