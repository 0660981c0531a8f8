"""The numpy kernels behind the ops: each must agree with the plain numpy expression it speeds up."""
import numpy as np
import pytest

from tensorgrad.ops import _kernels as kernels


@pytest.mark.parametrize("shape", [(32, 10), (128, 10), (1000, 3), (64, 64), (4, 4), (10, 100), (3, 5, 7), (0, 4), (17,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shifted_exp_agrees_with_numpy_on_every_axis(shape, dtype):
    """Tall (samples, classes) matrices take the transposed-max and BLAS-sum route; the pieces must not change."""
    z = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    for axis in range(-z.ndim, z.ndim):
        if z.shape[axis] == 0:
            continue
        shifted, e, total = kernels.shifted_exp(z, axis)
        np.testing.assert_array_equal(shifted, z - z.max(axis=axis, keepdims=True))
        np.testing.assert_array_equal(e, np.exp(shifted))
        assert total.shape == e.sum(axis=axis, keepdims=True).shape and total.dtype == z.dtype
        np.testing.assert_allclose(total, e.sum(axis=axis, keepdims=True), rtol=1e-5)


def test_shifted_exp_keeps_nan_and_reads_non_contiguous_rows():
    z = np.arange(800.0).reshape(160, 5)[:, ::-1].copy()[::2]    # strided rows, tall
    z[3, 1] = np.nan
    shifted, _, _ = kernels.shifted_exp(z, -1)
    assert np.isnan(shifted[3]).all()
    np.testing.assert_array_equal(np.delete(shifted, 3, axis=0), np.delete(z - z.max(axis=1, keepdims=True), 3, axis=0))


def test_shifted_exp_pieces_rebuild_the_softmax():
    z = np.random.default_rng(1).standard_normal((64, 10)).astype(np.float32) * 50
    shifted, e, total = kernels.shifted_exp(z, -1)
    assert shifted.max(axis=1).tolist() == [0.0] * 64 and e.dtype == np.float32
    reference = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(e / total, reference / reference.sum(axis=1, keepdims=True), rtol=1e-6)


def test_constant_is_read_only_filled_and_reused_for_the_same_request():
    a = kernels.constant(1, (3, 4), np.dtype(np.float32))
    assert a.shape == (3, 4) and a.dtype == np.float32 and (a == 1).all() and not a.flags.writeable
    assert kernels.constant(1, (3, 4), np.dtype(np.float32)) is a          # kept: one lookup next time
    b = kernels.constant(1, (5000,), np.dtype(np.float32))                # outgrows the first buffer
    assert (b == 1).all() and (a == 1).all() and not b.flags.writeable
    big = kernels.constant(0, (1025, 1024), np.dtype(np.float64))         # above the cache limit: made fresh
    assert big.shape == (1025, 1024) and not big.any()
    kernels.constant(3, (600_000,), np.dtype(np.float32))                 # doubling stops at the limit
    kernels.constant(3, (700_000,), np.dtype(np.float32))
    assert kernels._buffers[3, np.dtype(np.float32)].size <= kernels._CONSTANT_CACHE_LIMIT


def test_constant_view_cache_stays_bounded():
    for n in range(kernels._VIEW_CACHE_LIMIT + 10):
        kernels.constant(2.0, (n + 1,), np.dtype(np.float64))
    assert len(kernels._views) <= kernels._VIEW_CACHE_LIMIT
    assert (kernels.constant(2.0, (7,), np.dtype(np.float64)) == 2.0).all()


def test_relu_and_broadcast_kernels():
    z = np.array([[-1.0, 0.0, 2.0], [np.nan, -3.0, 4.0]], dtype=np.float32)
    r = kernels.relu(z)
    assert r.dtype == np.float32 and r[0].tolist() == [0, 0, 2] and np.isnan(r[1, 0]) and r[1, 1:].tolist() == [0, 4]
    out = kernels.broadcast(np.array([1.0, 2.0]), (3, 2))
    assert out.flags.writeable and out.tolist() == [[1, 2]] * 3


def test_row_starts_are_the_flat_offsets_of_each_row_kept_per_width_and_bounded():
    starts = kernels.row_starts(4, 10)
    assert starts.tolist() == [0, 10, 20, 30] and not starts.flags.writeable
    assert kernels.row_starts(4, 10).base is starts.base                     # one kept array per width
    grid = np.arange(40).reshape(4, 10)
    assert grid.take(starts + np.array([1, 0, 9, 3])).tolist() == [1, 10, 29, 33]
    assert kernels.row_starts(1000, 10)[-1] == 9990 and kernels.row_starts(3, 10).tolist() == [0, 10, 20]
    huge = kernels.row_starts(kernels._ROW_STARTS_LIMIT + 1, 3)             # made on demand, not kept
    assert huge[-1] == 3 * kernels._ROW_STARTS_LIMIT and huge.flags.writeable
    for width in range(1, 40):
        kernels.row_starts(kernels._ROW_STARTS_LIMIT, width)
    assert len(kernels._row_starts) <= 16
    assert sum(a.nbytes for a in kernels._row_starts.values()) <= 16 * kernels._ROW_STARTS_LIMIT * 8
