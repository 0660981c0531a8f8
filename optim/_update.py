"""Kernel: ``target += alpha * x`` in one pass, for the optimizers' rules (``add_scaled``).

The rules write ``add_scaled(param, grad, -lr)`` where the maths says θ ← θ - η g; this module is the
kernel behind that line and can be skipped by a reader of the rules. numpy has no fused multiply-add,
so ``y += a * x`` writes ``a * x`` to a temporary and reads it back: five passes over memory where the
axpy routine of BLAS makes three (PyTorch's ``param.add_(grad, alpha=-lr)`` is one kernel too). The
routine is looked up (via ctypes) in the OpenBLAS that numpy's wheels ship and numpy itself loaded;
BLAS thread limits (threadpoolctl) apply to it as to matmul.

The result equals numpy's within one rounding: the kernels use fused multiply-add, so some elements
differ from numpy's multiply-then-add by one unit in the last place.

When numpy was built against another BLAS (no bundled OpenBLAS loaded), on Windows (no way to accept
only the library numpy loaded), or the arrays don't suit (small, not C-contiguous or not aligned, of
different shapes, mixed or non-float dtypes, a target numpy would not write to, overlapping memory),
or alpha is 0 (BLAS would skip the pass and hide a NaN or inf in x), :func:`axpy` does nothing and
returns False, and :func:`add_scaled` uses numpy.
"""
from __future__ import annotations

import ctypes
import glob
import os
from typing import Callable

import numpy as np

# Below this many elements the ctypes call costs about as much as the pass it saves (benchmarks/ measure it).
MIN_SIZE = 16384

_Routine = Callable[[int, float, int, int, int, int], None]


def _bundled_openblas() -> list[str]:
    """Paths of the 64-bit-integer OpenBLAS inside numpy's wheel (``numpy.libs`` on Linux and Windows,
    ``numpy/.dylibs`` on macOS). Builds with 32-bit integers are left out, so no size can overflow."""
    here = os.path.dirname(np.__file__)
    return sorted(glob.glob(os.path.join(here, os.pardir, "numpy.libs", "*openblas64*"))
                  + glob.glob(os.path.join(here, ".dylibs", "*openblas64*")))


def _routines(path: str) -> dict[np.dtype, _Routine]:
    """The float32 and float64 cblas axpy of the library at ``path``, by dtype; empty if it has none.

    Only a library already loaded (by numpy) is accepted (``RTLD_NOLOAD``): a stray copy next to it must
    not start a second thread pool. Its symbols end in ``64_`` and start with ``scipy_`` since numpy 2.0
    (with no prefix before).
    """
    if not hasattr(os, "RTLD_NOLOAD"):
        return {}
    try:
        lib = ctypes.CDLL(os.path.realpath(path), mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    except OSError:
        return {}
    routines: dict[np.dtype, _Routine] = {}
    for dtype, letter, scalar in ((np.dtype(np.float32), "s", ctypes.c_float),
                                  (np.dtype(np.float64), "d", ctypes.c_double)):
        for prefix in ("scipy_cblas_", "cblas_"):
            routine = getattr(lib, f"{prefix}{letter}axpy64_", None)
            if routine is not None:
                routine.restype = None
                routine.argtypes = [ctypes.c_int64, scalar, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                                    ctypes.c_int64]
                routines[dtype] = routine
                break
    return routines


def _verified(routines: dict[np.dtype, _Routine]) -> dict[np.dtype, _Routine]:
    """Only the routines that compute ``y + a·x`` correctly on a test vector (a guard against a wrong ABI)."""
    good = {}
    for dtype, routine in routines.items():
        x, y = np.arange(MIN_SIZE, dtype=dtype), np.ones(MIN_SIZE, dtype=dtype)
        routine(MIN_SIZE, -0.5, x.ctypes.data, 1, y.ctypes.data, 1)
        if np.array_equal(y, 1 - 0.5 * np.arange(MIN_SIZE, dtype=dtype)):
            good[dtype] = routine
    return good


def _find_axpy() -> dict[np.dtype, _Routine]:
    """The verified axpy routines of numpy's bundled OpenBLAS, by dtype; empty when numpy has none."""
    for path in _bundled_openblas():
        routines = _verified(_routines(path))
        if routines:
            return routines
    return {}


_AXPY = _find_axpy()
_BYTE = ctypes.c_char


def axpy_available(dtype: np.dtype | type) -> bool:
    """Whether :func:`axpy` can run for arrays of ``dtype`` on this numpy (the benchmarks report it)."""
    return np.dtype(dtype) in _AXPY


def axpy(target: np.ndarray, x: np.ndarray, alpha: float) -> bool:
    """``target += alpha * x`` in place in one BLAS pass, if the arrays allow it; else do nothing, return False.

    Both must be C-contiguous, aligned, of one float dtype and one shape, at least ``MIN_SIZE`` elements,
    and not overlap; ``target`` must be writeable without a warning; ``alpha`` must not be 0.
    """
    routine = _AXPY.get(target.dtype)
    if (routine is None or x.dtype != target.dtype or x.shape != target.shape or target.size < MIN_SIZE
            or alpha == 0):
        return False
    t_flags, x_flags = target.flags, x.flags
    if not (t_flags.c_contiguous and t_flags.aligned and x_flags.c_contiguous and x_flags.aligned):
        return False
    try:
        t_address = ctypes.addressof(_BYTE.from_buffer(target))
    except TypeError:       # read-only, or numpy warns on writes to it (np.broadcast_arrays output)
        return False
    try:
        x_address = ctypes.addressof(_BYTE.from_buffer(x))   # cheaper than x.ctypes.data
    except TypeError:       # read-only, or warned on write
        x_address = x.ctypes.data
    if abs(t_address - x_address) < target.nbytes:
        return False        # overlapping memory: numpy's ufuncs buffer that case, BLAS does not
    routine(target.size, alpha, x_address, 1, t_address, 1)
    return True


def add_scaled(target: np.ndarray, x: np.ndarray, alpha: float) -> None:
    """``target += alpha * x`` in place: one BLAS axpy pass where it applies, else numpy."""
    if not axpy(target, x, alpha):
        target += alpha * x
