"""Reductions: sum, mean, max, min over an axis (or all), with keepdims."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from ._spelling import axis_of


def _normalize_axis(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (an int or a sequence of them, negative counted from the end) as sorted distinct axes."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):   # a 0-d tensor takes 0 and -1 (as PyTorch)
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimension(s).")
        out.append(int(a) % builtins.max(ndim, 1))
    return tuple(sorted(set(out)))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (the keepdims shape)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _grad_at_input_shape(ctx, g: Any) -> Any:
    """g reshaped to the keepdims shape, then broadcast back over the reduced axes."""
    if ctx.axes is not None and not ctx.keepdims:   # a full reduction broadcasts as it is
        g = g.reshape(kept_shape(ctx.input_shape, ctx.axes))
    return ctx.F.broadcast_to(g, ctx.input_shape)


class Sum(Function):
    """s = Σ x over axes;  ds/dx = 1 (the gradient is broadcast back)."""

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        return np.asarray(np.add.reduce(x, axis=axes, keepdims=keepdims))

    @staticmethod
    def backward(ctx, g):
        return _grad_at_input_shape(ctx, g)


class Mean(Function):
    """m = (1/n) Σ x over axes;  dm/dx = 1/n."""

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        with np.errstate(invalid="ignore", divide="ignore"):   # 0 / 0: NaN where a mean has no element (PyTorch)
            m = np.asarray(np.add.reduce(x, axis=axes, keepdims=keepdims, dtype=_mean_dtype(x)))
            ctx.count = x.size // builtins.max(m.size, 1) if m.size else 0
            return np.asarray(m / ctx.count, dtype=_mean_dtype(x))

    @staticmethod
    def backward(ctx, g):
        return _grad_at_input_shape(ctx, g / builtins.max(ctx.count, 1))


class _ExtremeOverAxes(Function):
    """max/min: the gradient goes to the extreme elements, split evenly among ties
    (as PyTorch's amax/amin; torch.max(dim) instead picks one index)."""
    pick = staticmethod(np.max)

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        if x.size == 0 and (axes is None or any(x.shape[a] == 0 for a in axes)):   # other axes: an empty result
            raise ValueError(f"{ctx.name}: cannot take the {ctx.name} of an empty tensor (shape {x.shape}) over "
                             f"{'all axes' if axes is None else f'axes {axes}'}: a reduced axis has length 0, so "
                             f"there is no element to pick (as in PyTorch).")
        kept = ctx.pick(x, axis=axes, keepdims=True)
        hits = x == kept
        ctx.share = (hits / hits.sum(axis=axes, keepdims=True)).astype(x.dtype, copy=False)
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        return kept if keepdims else kept.reshape(_reduced_shape(x.shape, axes))

    @staticmethod
    def backward(ctx, g):
        return _grad_at_input_shape(ctx, g) * ctx.share


class Max(_ExtremeOverAxes):
    """m = max x over axes;  dm/dx = 1 at the maximum (shared among ties), else 0."""
    pick = staticmethod(np.max)


class Min(_ExtremeOverAxes):
    """m = min x over axes;  dm/dx = 1 at the minimum (shared among ties), else 0."""
    pick = staticmethod(np.min)


def _mean_dtype(x: np.ndarray) -> np.dtype:
    """numpy's dtype for a mean: floats keep theirs, integers and bools give float64."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)


def _reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    return () if axes is None else tuple(s for i, s in enumerate(shape) if i not in axes)


def _reduce(op: type[Function], x: Any, axis: Any, keepdims: bool) -> Tensor:
    x = lift(x)
    axes = None if axis is None else _normalize_axis(axis, x.ndim, op.name)
    return op.apply(x, axes=axes if x.ndim else None, keepdims=bool(keepdims))


def sum(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False,
        dtype: Any = None) -> Tensor:  # noqa: A001
    """Sum over ``dim``/``axis`` (int, tuple, or None for all); ``dtype`` casts first."""
    if axis is not None or keepdims:            # numpy's spelling (the common PyTorch call skips this)
        dim, keepdim = axis_of("sum", axis, keepdims, dim, keepdim)
    return _reduce(Sum, x if dtype is None else lift(x).astype(dtype), dim, keepdim)


def mean(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False,
         dtype: Any = None) -> Tensor:
    """Arithmetic mean over ``dim``/``axis``; ``dtype`` casts first. The mean of an integer or bool tensor is
    an error as in PyTorch (give ``dtype=`` or call ``.float()``), except in numpy's spelling (``axis=``),
    which gives float64 as numpy does."""
    if axis is not None or keepdims:            # numpy's spelling (the common PyTorch call skips this)
        dim, keepdim = axis_of("mean", axis, keepdims, dim, keepdim)
        if dtype is None and lift(x).dtype.kind not in "fc":
            dtype = np.float64
    elif dtype is None and isinstance(x, Tensor) and x._data.dtype.kind not in "fc":
        raise RuntimeError(f"mean(): could not infer output dtype: the input is {x.dtype} (shape {x.shape}), and "
                           f"the mean of integers or bools is a float. Call x.float().mean(), or give dtype= "
                           f"(e.g. dtype=tensorgrad.float32), as in PyTorch.")
    return _reduce(Mean, x if dtype is None else lift(x).astype(dtype), dim, keepdim)


def _extreme(op: type[Function], x: Any, dim: Any, keepdim: bool, axis: Any, keepdims: bool) -> Any:
    """numpy's amax/amin (a tensor), or with ``dim`` PyTorch's max/min: (values, indices), or with a
    tensor second argument PyTorch's elementwise maximum/minimum."""
    from .indexing import extreme_along
    from .select import maximum, minimum
    if isinstance(dim, Tensor):
        return (maximum if op is Max else minimum)(x, dim)
    if dim is not None and axis is None:
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"{op.name}: dim= takes one axis and returns (values, indices), as PyTorch; for several "
                            f"axes use axis={dim!r} (numpy's {op.name}, values only) or tensorgrad.a{op.name}.")
        return extreme_along(op.name, lift(x), dim, keepdim or keepdims)
    axis, keepdims = axis_of(op.name, axis, keepdims, dim, keepdim)
    return _reduce(op, x, axis, keepdims)


def max(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Largest value: of everything (``max(x)``), over ``axis=`` (numpy; ties share the gradient evenly),
    ``(values, indices)`` along ``dim`` (PyTorch), or elementwise with a tensor ``max(x, y)``."""
    return _extreme(Max, x, dim, keepdim, axis, keepdims)


def min(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Smallest value: of everything, over ``axis=`` (numpy), ``(values, indices)`` along ``dim`` (PyTorch),
    or elementwise with a tensor ``min(x, y)``."""
    return _extreme(Min, x, dim, keepdim, axis, keepdims)


def amax(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Largest value over ``dim`` (int or tuple, or all): values only, ties share the gradient (torch.amax)."""
    axis, keepdims = axis_of("amax", axis, keepdims, dim, keepdim)
    return _reduce(Max, x, axis, keepdims)


def amin(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Smallest value over ``dim`` (int or tuple, or all): values only, ties share the gradient (torch.amin)."""
    axis, keepdims = axis_of("amin", axis, keepdims, dim, keepdim)
    return _reduce(Min, x, axis, keepdims)
