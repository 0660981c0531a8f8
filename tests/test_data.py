"""nn.data.DataLoader: batches, len, drop_last, per-epoch shuffles reproducible by seed, multi-input, errors."""
import numpy as np
import pytest

import tensorgrad as tg
from nn.data import DataLoader


def make_xy(n=10):
    x = np.arange(n * 2, dtype=np.float64).reshape(n, 2)
    y = np.arange(n, dtype=np.int64) % 3
    return x, y


def test_batches_cover_the_data_in_order_and_keep_dtypes():
    x, y = make_xy(10)
    loader = DataLoader(x, y, batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [len(xb.data) for xb, _ in batches] == [4, 4, 2]
    assert all(isinstance(xb, tg.Tensor) and isinstance(yb, tg.Tensor) for xb, yb in batches)
    assert batches[0][0].dtype == np.float64 and batches[0][1].dtype == np.int64   # labels stay integer
    np.testing.assert_array_equal(np.concatenate([xb.data for xb, _ in batches]), x)
    np.testing.assert_array_equal(np.concatenate([yb.data for _, yb in batches]), y)
    assert not batches[0][0].requires_grad


def test_len_is_ceil_or_floor_with_drop_last():
    x, _ = make_xy(10)
    for batch_size, full, dropped in [(1, 10, 10), (3, 4, 3), (5, 2, 2), (10, 1, 1), (32, 1, None)]:
        assert len(DataLoader(x, batch_size=batch_size)) == full
        if dropped is not None:
            loader = DataLoader(x, batch_size=batch_size, drop_last=True)
            assert len(loader) == len(list(loader)) == dropped
            assert all(len(b.data) == batch_size for b in loader)


def test_without_y_batches_are_tensors_of_x():
    x, _ = make_xy(5)
    (batch,) = list(DataLoader(x, batch_size=8))
    assert isinstance(batch, tg.Tensor)
    np.testing.assert_array_equal(batch.data, x)


def test_shuffle_permutes_each_epoch_anew_keeping_pairs_together():
    x, _ = make_xy(20)
    y = np.arange(20)
    loader = DataLoader(x, y, batch_size=6, shuffle=True, seed=0)
    orders = []
    for _ in range(3):
        pairs = [(xb.data, yb.data) for xb, yb in loader]
        for xb, yb in pairs:
            np.testing.assert_array_equal(xb, x[yb])                           # rows stay aligned
        order = np.concatenate([yb for _, yb in pairs])
        assert sorted(order.tolist()) == list(range(20))                       # a permutation
        orders.append(order)
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    assert not np.array_equal(orders[0], np.arange(20))


def test_same_seed_same_epochs_different_seed_different_epochs():
    x, y = make_xy(30)

    def epochs(seed):
        loader = DataLoader(x, y, batch_size=7, shuffle=True, seed=seed)
        return [np.concatenate([xb.data[:, 0] for xb, _ in loader]) for _ in range(3)]

    a, b, c = epochs(123), epochs(123), epochs(7)
    for ea, eb in zip(a, b):
        np.testing.assert_array_equal(ea, eb)
    assert not all(np.array_equal(ea, ec) for ea, ec in zip(a, c))
    assert not np.array_equal(a[0], a[1])                                      # epochs differ


def test_multi_input_yields_lists_of_aligned_tensors():
    left = np.arange(12, dtype=np.float32).reshape(6, 2)
    right = np.arange(6, dtype=np.float32)[:, None] * 10
    y = np.arange(6)
    loader = DataLoader([left, right], y, batch_size=4, shuffle=True, seed=1)
    assert len(loader) == 2
    for xs, yb in loader:
        assert isinstance(xs, list) and len(xs) == 2
        np.testing.assert_array_equal(xs[0].data, left[yb.data])
        np.testing.assert_array_equal(xs[1].data, right[yb.data])


def test_tensors_and_lists_are_accepted():
    x = tg.tensor(np.ones((3, 2)), requires_grad=True)
    (xb, yb), = DataLoader(x, [[0.5], [1.5], [2.5]], batch_size=3)
    assert not xb.requires_grad and xb.dtype == np.float64
    assert yb.dtype == np.float32                                             # Python floats: float32


def test_an_iterable_of_batches_is_converted_and_counted():
    batches = [(np.ones((2, 3)), np.array([0, 1])), (np.zeros((1, 3)), np.array([2]))]
    loader = DataLoader(BatchList(batches))
    assert len(loader) == 2
    for _ in range(2):  # re-iterable: every epoch sees both batches
        seen = list(loader)
        assert [xb.shape for xb, _ in seen] == [(2, 3), (1, 3)]
        assert all(isinstance(yb, tg.Tensor) and yb.dtype.kind == "i" for _, yb in seen)


class BatchList:
    """A user's batch source: re-iterable, with a length."""

    def __init__(self, batches):
        self.batches = batches

    def __iter__(self):
        return iter(self.batches)

    def __len__(self):
        return len(self.batches)


def test_a_used_up_generator_is_reported_not_silently_empty():
    loader = DataLoader((np.ones((2, 2)), np.zeros(2)) for _ in range(3))
    assert len(list(loader)) == 3
    with pytest.raises(RuntimeError, match="generator is used up"):
        list(loader)
    with pytest.raises(TypeError, match="has no len"):
        len(loader)


@pytest.mark.parametrize("kwargs, message", [
    (dict(x=np.ones((5, 2)), y=np.ones(4)), "x has 5 samples but y has 4"),
    (dict(x=np.ones((0, 2))), "no samples"),
    (dict(x=[np.ones((3, 2)), np.ones((4, 2))]), r"different numbers of samples \[3, 4\]"),
    (dict(x=np.ones((5, 2)), batch_size=0), "batch_size must be a positive integer, got 0"),
    (dict(x=np.ones((5, 2)), batch_size=-2), "got -2"),
    (dict(x=np.ones((5, 2)), batch_size=2.5), "got 2.5"),
    (dict(x=np.ones((5, 2)), batch_size=8, drop_last=True), "leaves no batch"),
    (dict(x=np.float32(3.0)), "scalar"),
    (dict(x=iter([np.ones(2)]), shuffle=True), "ready-made batches"),
])
def test_bad_arguments_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(**kwargs)


def test_non_numeric_data_is_a_type_error():
    with pytest.raises(TypeError, match="DataLoader: x must be"):
        DataLoader(np.array(["a", "b"]))
