"""The one lock of a build folder: a build, an import and a removal of the same folder never interleave, across
processes and browser sessions. A file lock (fcntl), so a process that dies, however it dies, releases it."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lib.config import BUILD_DIR


def lock_file(out_dir: Path = BUILD_DIR) -> Path:
    """The lock of one build folder, next to it (data/.build.lock for data/build)."""
    return out_dir.parent / f".{out_dir.name}.lock"


@contextmanager
def build_lock(out_dir: Path = BUILD_DIR) -> Iterator[None]:
    """One import or build of a build folder at a time across processes and sessions (released when the
    process ends, however it ends)."""
    path = lock_file(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
