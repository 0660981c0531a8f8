"""Pooling by argmax positions, in PyTorch's NCHW layout: max_unpool2d/1d and adaptive_max_pool2d/1d.

Both speak PyTorch's flat indices (each position as h·W + w in its (H, W) plane, int64), the indices that
``max_pool2d(..., return_indices=True)`` returns. Unpooling puts each input at its index of a zero plane,
so its VJP is a gather; adaptive max pooling picks each window's largest input, so its VJP is a scatter-add.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from .pool import max_pool2d


class MaxUnpool2d(Function):
    """y[n, c].flat[index[n, c, i, j]] = x[n, c, i, j], zeros elsewhere;  dL/dx[n, c, i, j] = g[n, c].flat[index]."""
    label_shape = True
    name = "max_unpool2d"

    @staticmethod
    def forward(ctx, x, index, size):
        n, c = x.shape[:2]
        planes = np.arange(n * c).reshape(n, c, 1, 1)
        y = np.zeros((n, c, size[0] * size[1]), dtype=x.dtype)
        y.reshape(n * c, -1)[planes, index] = x
        ctx.where, ctx.input_shape = (planes, index), x.shape
        return y.reshape((n, c) + tuple(size))

    @staticmethod
    def backward(ctx, g):
        n, c = ctx.input_shape[:2]
        return g.reshape((n * c, -1))[ctx.where]


class AdaptiveMaxPool2d(Function):
    """y[n, c, i, j] = max of x[n, c] over rows ⌊i·H/oh⌋ .. ⌈(i+1)·H/oh⌉ and columns likewise (PyTorch's
    windows; ties keep the first, NaN wins); dL/dx = g scattered to each window's argmax. The argmax
    positions, as flat indices, go to the list ``indices``."""
    label_shape = True
    name = "adaptive_max_pool2d"

    @staticmethod
    def forward(ctx, x, size, indices):
        (h, w), (oh, ow) = x.shape[2:], size
        (row_start, row_end), (col_start, col_end) = _windows(h, oh), _windows(w, ow)
        y = index = None
        # a running max over the window positions (p, q), each an (n, c, oh, ow) gathered plane; windows shorter
        # than the longest repeat their last position, which changes neither the max nor its index
        for p in range(int((row_end - row_start).max())):
            rows = np.minimum(row_start + p, row_end - 1).reshape(-1, 1)
            for q in range(int((col_end - col_start).max())):
                cols = np.minimum(col_start + q, col_end - 1)
                plane, flat = x[:, :, rows, cols], rows * w + cols
                if y is None:
                    y, index = plane, np.broadcast_to(flat, plane.shape).copy()
                    continue
                takes_over = (plane > y) | np.isnan(plane)
                y = np.where(takes_over, plane, y)
                index = np.where(takes_over, flat, index)
        ctx.index, ctx.input_shape = index, x.shape
        indices.append(index)
        return y

    @staticmethod
    def backward(ctx, g):
        n, c, h, w = ctx.input_shape
        flat = (np.arange(n * c).reshape(n, c, 1, 1) * (h * w) + ctx.index).reshape(-1)
        return ctx.F.add_at(g.reshape(-1), (n * c * h * w,), flat).reshape(ctx.input_shape)


def _windows(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive windows of an axis: start ⌊i·size/out⌋, end ⌈(i+1)·size/out⌉ for i < out."""
    i = np.arange(out)
    return (i * size) // out, -(-((i + 1) * size) // out)


def _batched(who: str, x: Tensor, rank: int) -> tuple[Tensor, bool]:
    """x with a batch axis (PyTorch also takes one sample without it), and whether it had one."""
    axes = "(N, C, H, W) or (C, H, W)" if rank == 2 else "(N, C, L) or (C, L)"
    if x.ndim not in (rank + 1, rank + 2):
        raise ValueError(f"{who}: input must be {axes}, got shape {x.shape}.")
    return (x, True) if x.ndim == rank + 2 else (x.reshape((1,) + x.shape), False)


def _sizes(who: str, what: str, value: Any, rank: int, keep: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """``value`` as ``rank`` positive ints (an int repeated; None entries take ``keep``'s when given)."""
    values = (value,) * rank if value is None or isinstance(value, (int, np.integer)) else tuple(value)
    if keep is not None:
        values = tuple(k if v is None else v for v, k in zip(values, keep)) if len(values) == rank else values
    if len(values) != rank or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
                                      for v in values):
        raise ValueError(f"{who}: {what} must be a positive integer or {rank} of them"
                         f"{' (None keeps that axis)' if keep is not None else ''}, got {value!r}.")
    return tuple(int(v) for v in values)


def _unpool_size(who: str, spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                 padding: tuple[int, ...], output_size: Any) -> tuple[int, ...]:
    """PyTorch's unpooled size: (in - 1)·stride - 2·padding + kernel per axis, or ``output_size`` (its last
    axes) when given, which must lie strictly within a stride of that default."""
    default = tuple((n - 1) * s - 2 * p + k for n, k, s, p in zip(spatial, kernel, stride, padding))
    if output_size is None:
        sizes = default
    else:
        sizes = (int(output_size),) if isinstance(output_size, (int, np.integer)) else \
            tuple(int(v) for v in output_size)
        if len(sizes) == len(default) + 2:
            sizes = sizes[2:]
        if len(sizes) != len(default):
            raise ValueError(f"{who}: output_size must have {len(default)} or {len(default) + 2} entries, got "
                             f"{output_size!r}.")
        for axis, (v, d, s) in enumerate(zip(sizes, default, stride)):
            if not d - s < v < d + s:
                raise ValueError(f"{who}: output_size {output_size!r} does not fit: spatial axis {axis} must be "
                                 f"between {d - s} and {d + s} (exclusive) for an input of {spatial} with kernel "
                                 f"{kernel}, stride {stride}, padding {padding}.")
    if any(v < 1 for v in sizes):
        raise ValueError(f"{who}: the unpooled size {sizes} is empty; check kernel_size, stride and padding "
                         f"({kernel}, {stride}, {padding}) against the input {spatial}.")
    return sizes


def _unpool(who: str, input: Any, indices: Any, kernel_size: Any, stride: Any, padding: Any, output_size: Any,
            rank: int) -> Tensor:
    """max_unpool of rank 1 or 2 as MaxUnpool2d of (N, C, H, W) planes (a 1-d input is a height of 1)."""
    given = lift(input)
    x, batched = _batched(who, given, rank)
    index = np.asarray(indices.detach().numpy() if isinstance(indices, Tensor) else indices)
    if index.shape != given.shape or index.dtype.kind not in "iu":
        raise ValueError(f"{who}: indices must be integers of the input's shape {given.shape} (as "
                         f"max_pool returns them with return_indices=True), got {index.dtype} of shape {index.shape}.")
    kernel = _sizes(who, "kernel_size", kernel_size, rank)
    stride = kernel if stride is None else _sizes(who, "stride", stride, rank)
    pads = (padding,) * rank if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(pads) != rank or not all(isinstance(p, (int, np.integer)) and p >= 0 for p in pads):
        raise ValueError(f"{who}: padding must be a non-negative integer or {rank} of them, got {padding!r}.")
    size = _unpool_size(who, x.shape[2:], kernel, stride, tuple(int(p) for p in pads), output_size)
    area = int(np.prod(size))
    if index.size and (index.min() < 0 or index.max() >= area):
        bad = int(index.min() if index.min() < 0 else index.max())
        raise ValueError(f"{who}: index {bad} is out of range for an output plane of size {size} ({area} positions); "
                         f"indices must come from a max_pool of an input of that size (pass output_size=).")
    planes = x if rank == 2 else x.reshape(x.shape[:2] + (1,) + x.shape[2:])
    y = MaxUnpool2d.apply(planes, index=index.reshape(planes.shape).astype(np.int64),
                          size=size if rank == 2 else (1,) + size)
    y = y if rank == 2 else y.reshape(y.shape[:2] + size)
    return y if batched else y.reshape(y.shape[1:])


def max_unpool2d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    """PyTorch's partial inverse of max_pool2d: each input value of (N, C, H, W) (or (C, H, W)) goes to its
    flat index (from ``max_pool2d(..., return_indices=True)``) of a zero (H', W') plane, H' = (H - 1)·stride -
    2·padding + kernel_size unless ``output_size`` says otherwise (within a stride of it)."""
    return _unpool("max_unpool2d", input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool1d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    """PyTorch's partial inverse of max_pool1d on (N, C, L) (or (C, L)): L' = (L - 1)·stride - 2·padding +
    kernel_size unless ``output_size`` says otherwise."""
    return _unpool("max_unpool1d", input, indices, kernel_size, stride, padding, output_size, 1)


def _adaptive_max(who: str, input: Any, output_size: Any, return_indices: bool,
                  rank: int) -> Tensor | tuple[Tensor, Tensor]:
    x, batched = _batched(who, lift(input), rank)
    size = _sizes(who, "output_size", output_size, rank, keep=x.shape[2:])
    planes = x if rank == 2 else x.reshape(x.shape[:2] + (1,) + x.shape[2:])
    out = size if rank == 2 else (1,) + size
    if all(n % o == 0 for n, o in zip(planes.shape[2:], out)):      # equal windows side by side: max pooling's
        window = tuple(n // o for n, o in zip(planes.shape[2:], out))
        pooled = max_pool2d(planes, window, window, return_indices=return_indices)
        outputs = list(pooled) if return_indices else [pooled]
    else:
        indices: list[np.ndarray] = []
        outputs = [AdaptiveMaxPool2d.apply(planes, size=out, indices=indices)]
        outputs += [Tensor(indices[0])] if return_indices else []
    outputs = [t.reshape(x.shape[:2] + size if batched else (x.shape[1],) + size) for t in outputs]
    return tuple(outputs) if return_indices else outputs[0]


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max pooling of (N, C, H, W) (or (C, H, W)) to ``output_size`` (an int, or a pair whose None entries keep
    that axis) over PyTorch's windows ⌊i·H/oh⌋ .. ⌈(i+1)·H/oh⌉; with ``return_indices`` also the flat
    indices."""
    return _adaptive_max("adaptive_max_pool2d", input, output_size, return_indices, 2)


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max pooling of (N, C, L) (or (C, L)) to ``output_size`` steps over PyTorch's adaptive windows."""
    return _adaptive_max("adaptive_max_pool1d", input, output_size, return_indices, 1)
