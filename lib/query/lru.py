"""A cache bounded in bytes (least recently used out first) and the estimate of an object's size it needs.

The server's per-filter caches (row positions, filtered frames, page steps, figures) hold values whose
size depends on the filters: a count was 32 entries whatever their size, and 32 year ranges took the
server from 1.4 to 3.4 GB at 10,000 documents (issue #20). Here a cache holds at most `budget` bytes, and
memory freed by an eviction is handed back to the system (Arrow's pool and glibc keep it otherwise).
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

T = TypeVar("T")
OBJECT_SAMPLE = 256  # strings measured in an object array before extrapolating
MAX_DEPTH = 12  # an object graph deeper than this is not followed (a figure is ~6 levels)


def nbytes(value: Any) -> int:
    """Roughly how many bytes `value` keeps alive: the whole buffer a numpy view or Arrow slice points
    into (an evicted frame's memory is freed only when no cached slice of it is left), containers and
    objects' attributes followed, each object counted once."""
    return _size(value, set(), 0)


def _size(value: Any, seen: set[int], depth: int) -> int:
    if id(value) in seen or depth > MAX_DEPTH:
        return 0
    seen.add(id(value))
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return sys.getsizeof(value)
    if isinstance(value, pd.DataFrame):
        return _size(value.index, seen, depth + 1) + sum(
            _size(value.iloc[:, i], seen, depth + 1) for i in range(value.shape[1])
        )
    if isinstance(value, pd.RangeIndex):  # start, stop, step: no array behind it
        return 64
    if isinstance(value, (pd.Series, pd.Index)):
        return _size(value.array, seen, depth + 1)
    if isinstance(value, pd.arrays.ArrowExtensionArray):
        return value.__arrow_array__().get_total_buffer_size()
    if isinstance(value, (pa.Array, pa.ChunkedArray, pa.Table, pa.RecordBatch)):
        return value.get_total_buffer_size()
    if isinstance(value, np.ndarray):
        return _ndarray_size(value, seen)
    if isinstance(value, pd.api.extensions.ExtensionArray):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(
            _size(k, seen, depth + 1) + _size(v, seen, depth + 1) for k, v in value.items()
        )
    if isinstance(value, (list, tuple)) and len(value) > OBJECT_SAMPLE:  # a figure's 10,000 points: a sample
        step = len(value) // OBJECT_SAMPLE
        sample = value[::step][:OBJECT_SAMPLE]
        return sys.getsizeof(value) + int(sum(_size(v, seen, depth + 1) for v in sample) * len(value) / len(sample))
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(_size(v, seen, depth + 1) for v in value)
    attributes = getattr(value, "__dict__", None)
    if attributes is None and hasattr(value, "__slots__"):
        attributes = {name: getattr(value, name, None) for name in value.__slots__}
    return sys.getsizeof(value) + (_size(attributes, seen, depth + 1) if attributes else 0)


def _ndarray_size(array: np.ndarray, seen: set[int]) -> int:
    owner = array
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    if id(owner) in seen and owner is not array:
        return 0
    seen.add(id(owner))
    size = int(owner.nbytes)
    if array.dtype == object and len(array):  # the Python objects it points to, from a sample
        flat = array.ravel()
        sample = flat[:: max(1, len(flat) // OBJECT_SAMPLE)][:OBJECT_SAMPLE]
        size += int(sum(sys.getsizeof(v) for v in sample) / len(sample) * len(flat))
    return size


def release_memory() -> None:
    """Hand freed memory back to the system: Python's unreachable cycles first (a plotly figure and its
    traces point at each other, so a figure's arrays wait for the cycle collector), then Arrow's pool
    (jemalloc keeps freed pages for reuse) and glibc's heap (numpy arrays below its adaptive mmap
    threshold stay in the heap after free). ~10 ms at 10,000 documents after freeze_long_lived()."""
    gc.collect()
    release_buffers()


def release_buffers() -> None:
    """release_memory without the cycle collection, for caches whose values hold no reference cycles (row
    positions, frames, step results: freed the moment they are evicted). A full collection walks every
    cached object array, ~65 ms a time once a few pages' steps are held at 10,000 documents, and a new
    filter evicted from three caches."""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to trim
            pass


_frozen_for: list[str] = []  # the build whose tables freeze_long_lived() exempted


def freeze_long_lived(build: str = "") -> None:
    """Exempt what exists now (the tables, indexes, imported modules) from the cycle collector: called once
    the server has warmed up, it makes a full collection ~10 ms instead of ~300 ms at 10,000 documents."""
    gc.collect()
    gc.freeze()
    _frozen_for[:] = [build]


def thaw_unless(build: str) -> None:
    """Once another build is shown, let the collector see the frozen objects again (the old tables may go)."""
    if _frozen_for and _frozen_for[0] != build:
        gc.unfreeze()
        _frozen_for.clear()


@dataclass
class ByteLRU:
    """Values computed once per key, at most `budget` bytes held, least recently used evicted first; a
    value larger than the whole budget is computed and returned but not kept. Thread-safe: sessions are
    threads, and two asking for the same key compute it once."""

    budget: int
    release: Callable[[], None] = release_memory
    size: Callable[[Any], int] = nbytes  # how many bytes a value holds
    _entries: OrderedDict[Hashable, tuple[Any, int]] = field(default_factory=OrderedDict)
    _held: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _computing: dict[Hashable, threading.Lock] = field(default_factory=dict)

    @property
    def held(self) -> int:
        return self._held

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of `key`, computed by `compute()` when not held."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:  # a second session asking for the same key waits for the first one's value
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key][0]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            self.put(key, value)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Hold `value` under `key`, evicting the least recently used values beyond the budget."""
        size = self.size(value)
        evicted = False
        with self._lock:
            if key in self._entries:
                self._held -= self._entries.pop(key)[1]
            if size <= self.budget:
                self._entries[key] = (value, size)
                self._held += size
            while self._held > self.budget:
                _, (_, old_size) = self._entries.popitem(last=False)
                self._held -= old_size
                evicted = True
        if evicted:
            self.release()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0
        self.release()
