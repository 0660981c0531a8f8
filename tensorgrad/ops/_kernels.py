"""numpy kernels shared by an op's forward and the plain-mode VJPs of other ops (no Tensors here)."""
from __future__ import annotations

import math

import numpy as np

_CONSTANT_CACHE_LIMIT = 1 << 20    # elements: larger constants are filled on demand rather than kept
_VIEW_CACHE_LIMIT = 256            # distinct (value, shape, dtype) views kept before the cache starts over
_buffers: dict[tuple[float, np.dtype], np.ndarray] = {}          # (value, dtype) -> read-only buffer
_views: dict[tuple[float, tuple[int, ...], np.dtype], np.ndarray] = {}   # -> a view of that buffer


def constant(value: float, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A read-only array of ``shape`` filled with ``value``, usually a view of a kept buffer.

    numpy's binary ufuncs run their vectorized loop on two contiguous arrays but not on an array and
    a Python scalar: np.maximum(z, zeros) is about 4x faster than np.maximum(z, 0) at (128, 300), and
    ones @ g sums columns through BLAS at twice the speed of g.sum(axis=0). A training loop asks for
    the same few shapes every step, so each view is kept too: then a call is one dictionary lookup.
    """
    view = _views.get((value, shape, dtype))
    return _new_constant(value, shape, dtype) if view is None else view


def _new_constant(value: float, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    size = math.prod(shape)
    if size > _CONSTANT_CACHE_LIMIT:
        return np.full(shape, value, dtype=dtype)
    key = (value, dtype)
    buf = _buffers.get(key)
    if buf is None or buf.size < size:   # grown geometrically (up to the limit), so views of outgrown buffers
        grown = min(max(1024, 0 if buf is None else 2 * buf.size), _CONSTANT_CACHE_LIMIT)   # cost at most as much
        buf = np.full(max(size, grown), value, dtype=dtype)
        buf.flags.writeable = False
        _buffers[key] = buf
    view = buf[:size].reshape(shape)
    if len(_views) >= _VIEW_CACHE_LIMIT:
        _views.clear()
    _views[(value, shape, dtype)] = view
    return view


_ROW_STARTS_LIMIT = 1 << 16   # rows: longer index arrays are made on demand rather than kept
_row_starts: dict[int, np.ndarray] = {}   # width -> 0, w, 2w, ... (read-only, grown geometrically)


def row_starts(rows: int, width: int) -> np.ndarray:
    """0, w, 2w, ... (``rows`` of them): where each row of a C-order (rows, width) array starts in its
    flat view. A read-only view of a kept array per width, since a training loop asks for the same
    one every step (at most 16 widths of 65,536 rows are kept: 8 MB)."""
    starts = _row_starts.get(width)
    if starts is None or starts.size < rows:
        if rows > _ROW_STARTS_LIMIT:
            return np.arange(0, rows * width, width)
        if len(_row_starts) >= 16:
            _row_starts.clear()
        kept = min(max(rows, 64, 0 if starts is None else 2 * starts.size), _ROW_STARTS_LIMIT)
        starts = _row_starts[width] = np.arange(0, kept * width, width)
        starts.flags.writeable = False
    return starts[:rows]


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """max(z, 0) elementwise (NaN stays NaN), through the vectorized array-array loop."""
    return np.maximum(z, constant(0, z.shape, z.dtype), out=out)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), stably: e^-|z| never overflows, and the dtype of ``z`` is kept."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def broadcast(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` repeated to ``shape`` as a new writeable array: a plain backward's broadcast (a gradient
    is about to be computed with, or handed to a leaf, so a view would be copied anyway; and
    np.broadcast_to's Python wrapper costs several times this on small arrays)."""
    out = np.empty(shape, dtype=x.dtype)
    out[...] = x
    return out


_MANY_ROWS = 64     # below this, the extra code paths cost more than they save once the caches are cold
_FEW_CLASSES = 64   # above this, numpy's own row reductions are as fast (and need no transposed copy)


def shifted_exp(z: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stable pieces of every softmax: s = z - max(z), e^s, and Σ e^s along ``axis`` (kept).

    numpy reduces a short last axis one row at a time (45 µs for the max of (1000, 10) float32). For a
    (samples, classes) matrix of at least 64 samples and at most 64 classes, fewer classes than samples,
    the max runs down the columns of a transposed copy and the sum is e @ ones through BLAS: the three
    steps are 2x faster at (128, 10), 4x at (1000, 10), 1.3x at (128, 64).
    """
    rows = z.shape[0] if z.ndim == 2 and axis in (-1, 1) else 0
    tall = rows >= _MANY_ROWS and z.shape[1] <= _FEW_CLASSES and rows > z.shape[1]
    if tall:
        top = np.maximum.reduce(np.ascontiguousarray(z.T), axis=0).reshape(rows, 1)
    else:
        top = np.maximum.reduce(z, axis=axis, keepdims=True)
    shifted = z - top
    e = np.exp(shifted)
    total = np.dot(e, constant(1, (z.shape[1], 1), e.dtype)) if tall else np.add.reduce(e, axis=axis, keepdims=True)
    return shifted, e, total
