"""Integer keys: distinct values and runs of equal keys, as the agencies table and the label indexes use them."""

import numpy as np

from lib.intkeys import distinct, groups


def test_distinct_is_the_sorted_set_of_values():
    keys = np.array([5, 3, 5, 0, 3, 9], dtype=np.int64)
    assert distinct(keys).tolist() == [0, 3, 5, 9]
    assert distinct(np.array([], dtype=np.int64)).tolist() == []


def test_distinct_agrees_with_numpy_on_packed_pairs():
    rng = np.random.default_rng(0)
    rows, codes = rng.integers(0, 1000, 5000), rng.integers(0, 40, 5000)
    packed = rows * 40 + codes
    assert np.array_equal(distinct(packed), np.unique(packed))


def test_groups_pairs_each_key_with_its_values():
    keys = np.array([1, 1, 4, 7, 7, 7])
    values = np.array([10, 11, 40, 70, 71, 72])
    assert [(k, v.tolist()) for k, v in groups(keys, values)] == [(1, [10, 11]), (4, [40]), (7, [70, 71, 72])]
    assert groups(np.array([], dtype=np.int64), np.array([])) == []
