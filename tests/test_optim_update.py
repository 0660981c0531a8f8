"""The optimizers' update kernel, the one-pass BLAS ``y += a·x``: it must equal numpy's ``y + a * x`` within
one rounding, and leave every case it can't take to numpy."""
import os
import shutil
import warnings

import numpy as np
import pytest

from optim import _update as kernel
from optim._update import add_scaled

N = 5 * 4999          # above MIN_SIZE, odd (no SIMD width divides it), and five columns wide


def numpy_blas_is_bundled_openblas() -> bool:
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return blas.get("name") == "scipy-openblas"


needs_axpy = pytest.mark.skipif(not kernel.axpy_available(np.float32), reason="numpy has no bundled OpenBLAS here")


def pair(dtype=np.float32, n=N, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)


def test_numpy_wheels_bundled_openblas_is_found():
    """This project installs numpy from its wheels, whose BLAS is scipy-openblas: axpy must be found there."""
    if not numpy_blas_is_bundled_openblas():
        pytest.skip("numpy here was built against another BLAS")
    assert kernel.axpy_available(np.float32) and kernel.axpy_available(np.float64)
    assert not kernel.axpy_available(np.float16) and not kernel.axpy_available(np.int64)


@needs_axpy
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(N,), (N // 5, 5), (784, 300)])
def test_axpy_equals_numpy_within_one_rounding(dtype, shape):
    y, x = (a.reshape(shape) for a in pair(dtype, n=int(np.prod(shape))))
    y, expected, x_before = y.copy(), y + dtype(-0.37) * x, x.copy()
    assert kernel.axpy(y, x, -0.37)
    np.testing.assert_array_equal(x, x_before)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(y, expected, rtol=2 * eps, atol=2 * eps * np.abs(x).max())


@needs_axpy
def test_axpy_reads_a_read_only_x():
    y, x = pair()
    y, expected = y.copy(), y + np.float32(2.0) * x
    x.flags.writeable = False
    assert kernel.axpy(y, x, 2.0)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)


def refused_cases():
    y, x = pair()
    read_only = y.copy()
    read_only.flags.writeable = False
    yield "too small", y[:kernel.MIN_SIZE - 1].copy(), x[:kernel.MIN_SIZE - 1]
    yield "strided target", np.repeat(y, 2)[::2], x
    yield "strided x", y.copy(), np.repeat(x, 2)[::2]
    yield "Fortran order", np.asfortranarray(y.reshape(-1, 5)[:, :4]), x.reshape(-1, 5)[:, :4].copy(order="F")
    yield "mixed dtypes", y.copy(), x.astype(np.float64)
    yield "integer", np.arange(N), np.arange(N)
    yield "float16", y.astype(np.float16), x.astype(np.float16)
    yield "broadcast x", y.reshape(-1, 5).copy(), x[:5]
    yield "read-only target", read_only, x
    yield "same array", y, y
    shared = np.concatenate([y, x])
    yield "x overlaps the target's start", shared[1:N + 1], shared[:N]
    yield "x overlaps the target's end", shared[:N], shared[1:N + 1]
    buffer = np.zeros(N * 4 + 1, np.uint8)
    yield "unaligned target", buffer[1:].view(np.float32), x
    yield "unaligned x", y.copy(), buffer[1:].view(np.float32)
    yield "same size, another shape", y.copy(), x.reshape(-1, 5)
    yield "target numpy warns on write", np.broadcast_arrays(y.copy(), x[None])[0], x[None]


@pytest.mark.parametrize("case", list(refused_cases()), ids=[c[0] for c in refused_cases()])
def test_axpy_refuses_what_blas_cannot_do_and_leaves_the_target_alone(case):
    _, target, x = case
    before = target.copy()
    assert not kernel.axpy(target, x, 0.5)
    np.testing.assert_array_equal(target, before)


NUMPY_CAN_ADD = [c for c in refused_cases() if c[0] not in ("read-only target", "integer", "same size, another shape")]


@pytest.mark.parametrize("case", NUMPY_CAN_ADD, ids=[c[0] for c in NUMPY_CAN_ADD])
def test_add_scaled_gives_numpys_answer_whichever_path_it_takes(case):
    _, target, x = case
    expected = target + np.asarray(0.5, target.dtype) * x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # numpy's own warning on writing to a broadcast_arrays target
        add_scaled(target, x, 0.5)
    np.testing.assert_allclose(target, expected, rtol=1e-6, atol=1e-7)


def test_add_scaled_takes_the_blas_path_for_a_big_contiguous_float_weight():
    y, x = pair()
    expected = y + np.float32(-0.01) * x
    add_scaled(y, x, -0.01)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)


def test_alpha_zero_is_left_to_numpy_so_an_inf_gradient_still_shows():
    """BLAS skips the pass when alpha is 0; numpy gives 0·inf = NaN, which must reach the weight (as in PyTorch)."""
    y, x = pair()
    x[7] = np.inf
    assert not kernel.axpy(y, x, 0.0)
    with np.errstate(invalid="ignore"):
        add_scaled(y, x, 0.0)
    assert np.isnan(y[7]) and np.isfinite(np.delete(y, 7)).all()


@needs_axpy
def test_axpy_reads_an_x_numpy_warns_on_writing():
    y, x = pair()
    x_view = np.broadcast_arrays(x, y[None])[0]        # (1, N), writeable, but numpy warns on write
    expected = y + np.float32(0.25) * x
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kernel.axpy(y[None], x_view, 0.25)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)


def test_a_library_numpy_did_not_load_is_never_opened(tmp_path):
    """Only an OpenBLAS already in the process counts: a copy beside it would start a second thread pool."""
    libraries = kernel._bundled_openblas()
    if not libraries:
        pytest.skip("numpy has no bundled OpenBLAS here")
    copy = tmp_path / os.path.basename(libraries[0])
    shutil.copy(libraries[0], copy)
    assert kernel._routines(str(copy)) == {}
    assert kernel._routines(str(tmp_path / "libopenblas64_missing.so")) == {}


def test_a_routine_that_computes_wrong_is_not_used():
    def ignores_its_arguments(n, alpha, x, incx, y, incy):
        return None
    assert kernel._verified({np.dtype(np.float32): ignores_its_arguments}) == {}
