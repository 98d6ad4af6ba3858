"""The per-filter caches are bounded in bytes (issue #20): least recently used out first, memory handed back."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lib.query.lru import ByteLRU, nbytes

MB = 1 << 20


def block(megabytes: float) -> np.ndarray:
    return np.zeros(int(megabytes * MB), dtype=np.uint8)


def test_inserting_beyond_the_budget_keeps_the_held_bytes_under_it():
    released = []
    cache = ByteLRU(10 * MB, release=lambda: released.append(1))
    for key in range(30):
        cache.get(key, lambda: block(1.5))
        assert cache.held <= 10 * MB
    assert len(cache) == 6 and list(range(24, 30)) == [k for k in range(30) if k in cache]
    assert released, "evictions hand memory back"


def test_the_least_recently_used_value_goes_first():
    cache = ByteLRU(3 * MB, release=lambda: None)
    for key in "abc":
        cache.get(key, lambda: block(1))
    cache.get("a", lambda: pytest.fail("held: not computed again"))
    cache.get("d", lambda: block(1))
    assert [k for k in "abcd" if k in cache] == ["a", "c", "d"]


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    cache = ByteLRU(1 * MB, release=lambda: None)
    cache.get("small", lambda: block(0.5))
    big = cache.get("big", lambda: block(2))
    assert len(big) == 2 * MB and "big" not in cache and "small" in cache


def test_two_sessions_asking_for_the_same_key_compute_it_once():
    cache, calls, gate = ByteLRU(10 * MB, release=lambda: None), [], threading.Event()

    def compute():
        calls.append(1)
        gate.wait(5)
        return block(1)

    threads = [threading.Thread(target=cache.get, args=("k", compute)) for _ in range(4)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert calls == [1]


@pytest.mark.parametrize(
    "value, at_least",
    [
        (block(2)[:10], 2 * MB),  # a numpy view keeps its whole base alive
        (pa.array(np.arange(MB // 8 * 4, dtype=np.int64)).slice(0, 3), 4 * MB),  # an Arrow slice, its buffer
        (
            pd.DataFrame({"a": np.arange(MB // 8, dtype=np.int64), "b": ["天津"] * (MB // 8)}),
            MB + MB // 8 * 10,
        ),  # 6 bytes and an offset a string
        ({"x": [block(1), block(1)], "y": (block(1),)}, 3 * MB),
    ],
)
def test_a_values_size_counts_what_it_keeps_alive(value, at_least):
    assert at_least <= nbytes(value) < at_least * 1.5 + 4096


def test_a_shared_buffer_is_counted_once():
    base = block(4)
    assert nbytes([base[:10], base[10:20], base]) < 5 * MB


def test_the_warm_servers_objects_are_exempt_from_the_collector_until_another_build_is_shown():
    import gc

    from lib.query import lru

    try:
        lru.freeze_long_lived("build-a")
        assert gc.get_freeze_count() > 0
        lru.thaw_unless("build-a")
        assert gc.get_freeze_count() > 0
        lru.thaw_unless("build-b")
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_a_long_list_is_sized_from_a_sample():
    values = [f"第{i}条" for i in range(100_000)]
    exact = sys.getsizeof(values) + sum(sys.getsizeof(v) for v in values)
    assert 0.9 * exact < nbytes(values) < 1.1 * exact


def test_a_figure_is_sized_by_its_points():
    import plotly.graph_objects as go

    from lib.ui.chart import _figure_bytes

    small = go.Figure(go.Scatter(x=np.arange(10), y=np.arange(10)))
    large = go.Figure(go.Scatter(x=np.arange(1_000_000), y=np.arange(1_000_000)))
    assert _figure_bytes(large) >= 16_000_000 > 100 * _figure_bytes(small)  # two arrays of 1,000,000 int64


def test_a_frame_or_step_result_evicted_from_a_cache_without_cycle_collection_is_freed_at_once():
    """The store's caches release without gc.collect (release_buffers): what they hold must hold no cycles."""
    import gc
    import weakref

    from lib.query.lru import release_buffers

    table = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(2_000)],
            "themes": pd.Series([["人才", "金融"]] * 2_000, dtype=pd.ArrowDtype(pa.list_(pa.string()))),
        }
    )
    cache = ByteLRU(1 * MB, release=release_buffers)
    gc.disable()
    try:
        taken = cache.get("view", lambda: table.iloc[np.arange(0, 2_000, 2)])
        counted = cache.get("step", lambda: table.iloc[:500].groupby("doc_id").size().rename("n").reset_index())
        alive = [weakref.ref(taken), weakref.ref(counted)]
        del taken, counted
        cache.put("another", block(1))  # the whole budget: evicts both
        assert len(cache) == 1
        assert [ref() is None for ref in alive] == [True, True]
    finally:
        gc.enable()
