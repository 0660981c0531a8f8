"""Reductions beyond sum/mean/max/min (var, std, prod, logsumexp, p-norms) and running totals
(cumsum, cumprod), each with its closed-form derivative.

Axis arguments follow the spelling principle: ``dim=``/``keepdim=`` PyTorch's, ``axis=``/``keepdims=``
numpy's. The one place the two disagree here is the variance: numpy divides by n (``ddof=0``), PyTorch
by n - 1 (``correction=1``); a call with ``axis=``, ``keepdims=`` or ``ddof=`` gets numpy's default,
any other call PyTorch's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from ._spelling import axis_of, one_axis
from .reduce import _grad_at_input_shape, _normalize_axis, kept_shape


def _axes(x: Tensor, axis: Any, op: str) -> tuple[int, ...] | None:
    return None if axis is None else _normalize_axis(axis, x.ndim, op)


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many elements each reduced group has."""
    return int(np.prod(shape if axes is None else [shape[a] for a in axes], dtype=np.int64))


class Var(Function):
    """v = Σ (x - m)² / (n - c), m the mean over the axes, c the correction (1: unbiased);
    dv/dx = 2 (x - m) / (n - c)."""

    @staticmethod
    def forward(ctx, x, axes, keepdims, correction):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        ctx.divisor = _count(x.shape, axes) - correction
        ctx.save_for_backward(x)
        return np.asarray(x.var(axis=axes, ddof=correction, keepdims=keepdims))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        return _grad_at_input_shape(ctx, g) * centered * (2.0 / ctx.divisor)


class Std(Function):
    """s = √(Σ (x - m)² / (n - c));  ds/dx = (x - m) / ((n - c) s)."""

    @staticmethod
    def forward(ctx, x, axes, keepdims, correction):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        ctx.divisor = _count(x.shape, axes) - correction
        s = np.asarray(x.std(axis=axes, ddof=correction, keepdims=keepdims))
        ctx.save_for_backward(x, s)
        return s

    @staticmethod
    def backward(ctx, g):
        x, s = ctx.saved_tensors
        centered = x - x.mean(axis=ctx.axes, keepdims=True)
        return _grad_at_input_shape(ctx, g / s) * centered * (1.0 / ctx.divisor)


class Prod(Function):
    """p = Π x over the axes;  dp/dx_i = Π_{j≠i} x_j: p / x_i in a plain backward when p is a normal
    number; otherwise (p 0 or subnormal, or under create_graph, where differentiating p / x_i again
    cancels catastrophically for tiny x_i) the products of the others, from cumulative products from
    both ends."""

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        p = np.asarray(x.prod(axis=axes, keepdims=keepdims))
        # p / x_i loses its digits when p underflows (0 or subnormal): then the products of the others
        ctx.divide = x.dtype.kind == "f" and not (np.abs(p) < np.finfo(x.dtype).tiny).any()
        ctx.save_for_backward(x, p)
        return p

    @staticmethod
    def backward(ctx, g):
        x, p = ctx.saved_tensors
        if ctx.divide and not ctx.create_graph:   # (differentiated again, p / x cancels catastrophically for tiny x)
            return _grad_at_input_shape(ctx, g * p) / x
        return _grad_at_input_shape(ctx, g) * _product_of_others(ctx.F, x, ctx.axes)


def _product_of_others(F: Any, x: Any, axes: tuple[int, ...] | None) -> Any:
    """Π_{j≠i} x_j within each reduced group, for every i: exclusive cumulative products from the
    left times those from the right, along the reduced axes moved last and flattened."""
    axes = tuple(range(x.ndim)) if axes is None else axes
    kept = [a for a in range(x.ndim) if a not in axes]
    order = kept + list(axes)
    moved = F.transpose(x, order)
    flat = moved.reshape(tuple(moved.shape[:len(kept)]) + (-1,))
    one = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = F.cumprod(F.concatenate([one, flat[..., :-1]], axis=-1), -1)
    backwards = flat[..., ::-1]
    right = F.cumprod(F.concatenate([one, backwards[..., :-1]], axis=-1), -1)[..., ::-1]
    others = (left * right).reshape(moved.shape)
    return F.transpose(others, tuple(np.argsort(order)))


class LogSumExp(Function):
    """l = log Σ e^x over the axes (max subtracted first: no overflow);  dl/dx = e^(x - l) = softmax(x)."""

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape = axes, keepdims, x.shape
        m = x.max(axis=axes, keepdims=True) if x.size else np.zeros(kept_shape(x.shape, axes), x.dtype)
        m = np.where(np.isfinite(m), m, 0)                  # all -inf (or an inf): no shift
        with np.errstate(divide="ignore"):
            kept = m + np.log(np.exp(x - m).sum(axis=axes, keepdims=True))
        out = kept if keepdims else kept.reshape(_reduced(x.shape, axes))
        out = np.asarray(out, dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        kept = out.reshape(kept_shape(ctx.input_shape, ctx.axes))
        return _grad_at_input_shape(ctx, g) * ctx.F.exp(x - kept)


def _reduced(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    return () if axes is None else tuple(s for i, s in enumerate(shape) if i not in axes)


class PNorm(Function):
    """n = (Σ |x|^p)^(1/p) over the axes (p ≥ 1);  dn/dx = sign(x) |x|^(p-1) / n^(p-1) (x / n for p = 2),
    taken as 0 where n = 0 (PyTorch's subgradient at the zero vector)."""
    name = "norm"

    @staticmethod
    def forward(ctx, x, p, axes, keepdims):
        ctx.axes, ctx.keepdims, ctx.input_shape, ctx.p = axes, keepdims, x.shape, p
        if p == 2:
            n = np.sqrt((x * x).sum(axis=axes, keepdims=keepdims))
        else:
            n = (np.abs(x) ** p).sum(axis=axes, keepdims=keepdims) ** (1.0 / p)
        n = np.asarray(n, dtype=x.dtype)
        ctx.save_for_backward(x, n)
        return n

    @staticmethod
    def backward(ctx, g):
        x, n = ctx.saved_tensors
        F, p = ctx.F, ctx.p
        zero = n == 0
        safe = F.where(zero, 1.0, n)
        scale = F.where(zero, 0.0, g / (safe if p == 2 else safe ** (p - 1)))
        slope = x if p == 2 else F.sign(x) * F.abs(x) ** (p - 1)
        return _grad_at_input_shape(ctx, scale) * slope


class CumSum(Function):
    """y_i = Σ_{j≤i} x_j along an axis;  dL/dx_i = Σ_{k≥i} g_k (a cumulative sum from the other end)."""
    name = "cumsum"

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, g):
        F = ctx.F
        return F.flip(F.cumsum(F.flip(g, ctx.axis), ctx.axis), ctx.axis)


class CumProd(Function):
    """y_i = Π_{j≤i} x_j along an axis;  dL/dx_i = Σ_{k≥i} g_k Π_{j≤k, j≠i} x_j
    (= Σ_{k≥i} g_k y_k / x_i in a plain backward when no running product is 0 or subnormal)."""
    name = "cumprod"

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        y = np.cumprod(x, axis=axis)
        # Σ g y / x_i loses its digits where a running product underflows (0 or subnormal)
        ctx.divide = x.dtype.kind == "f" and not (np.abs(y) < np.finfo(x.dtype).tiny).any()
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        F, axis = ctx.F, ctx.axis
        if ctx.divide and not ctx.create_graph:
            return F.flip(F.cumsum(F.flip(g * y, axis), axis), axis) / x
        n = x.shape[axis]
        position = np.arange(n).reshape((n,) + (1,) * (x.ndim - 1 - axis))
        columns = []
        for i in range(n):               # x_i set to 1: the running products without it, from i on
            without_i = F.cumprod(F.where(position == i, 1.0, x), axis)
            picked = (g * without_i) * (position >= i)
            columns.append(picked.sum(axis=axis, keepdims=True))
        return F.concatenate(columns, axis=axis)


def _correction(op: str, axis: Any, keepdims: bool, ddof: Any, correction: Any, unbiased: Any) -> int:
    """numpy's ddof (default 0 when axis=/keepdims=/ddof= is used) or PyTorch's correction (default 1)."""
    given = [name for name, v in (("ddof", ddof), ("correction", correction), ("unbiased", unbiased)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: give one of {' / '.join(given)}, not several.")
    if ddof is not None:
        return int(ddof)
    if correction is not None:
        return int(correction)
    if unbiased is not None:
        return int(bool(unbiased))
    return 0 if axis is not _NOT_GIVEN or keepdims else 1


_NOT_GIVEN = object()        # tells var(x, axis=None) (numpy's call: ddof 0) from var(x) (PyTorch's: correction 1)


def _moment(fn: type[Function], op: str, x: Any, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
            axis: Any, ddof: Any, keepdims: bool) -> Tensor:
    if isinstance(dim, bool):                  # torch.var(x, True): the old unbiased argument
        dim, unbiased = None, dim
    c = _correction(op, axis, keepdims, ddof, correction, unbiased)
    axis = None if axis is _NOT_GIVEN else axis
    x = _floating(lift(x), op)
    axis, keep = axis_of(op, axis, keepdims, dim, keepdim)
    return fn.apply(x, axes=_axes(x, axis, op), keepdims=keep, correction=c)


def var(x: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *, correction: int | None = None,
        axis: Any = _NOT_GIVEN, ddof: int | None = None, keepdims: bool = False) -> Tensor:
    """Variance Σ (x - mean)² / (n - correction): PyTorch's unbiased default (correction=1), or numpy's
    ddof (default 0) when called with axis=/keepdims=/ddof=."""
    return _moment(Var, "var", x, dim, unbiased, keepdim, correction, axis, ddof, keepdims)


def std(x: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *, correction: int | None = None,
        axis: Any = _NOT_GIVEN, ddof: int | None = None, keepdims: bool = False) -> Tensor:
    """Standard deviation √var (same defaults as :func:`var`)."""
    return _moment(Std, "std", x, dim, unbiased, keepdim, correction, axis, ddof, keepdims)


def _floating(x: Tensor, op: str) -> Tensor:
    if x.dtype.kind not in "f":
        raise TypeError(f"{op}: needs a floating-point tensor, got dtype {x.dtype}; convert with .float() first.")
    return x


def prod(x: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None, axis: Any = None,
         keepdims: bool = False) -> Tensor:
    """Product over ``dim`` (or all elements); exact gradients also where some elements are 0."""
    x = lift(x)
    if dtype is not None:
        x = x.astype(dtype)
    axis, keep = axis_of("prod", axis, keepdims, dim, keepdim)
    return Prod.apply(x, axes=_axes(x, axis, "prod"), keepdims=keep)


def logsumexp(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log Σ e^x over ``dim`` (all elements when None), stable for large x; gradient softmax(x)."""
    x = _floating(lift(x), "logsumexp")
    axis, keep = axis_of("logsumexp", axis, keepdims, dim, keepdim)
    return LogSumExp.apply(x, axes=_axes(x, axis, "logsumexp"), keepdims=keep)


def norm(x: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None, *, axis: Any = None,
         keepdims: bool = False) -> Tensor:
    """Vector p-norm (Σ |x|^p)^(1/p) over ``dim`` (all elements when None), as torch.norm: p = 'fro' or 2
    (Euclidean), any p ≥ 1, inf (max |x|), -inf (min |x|), 0 (count of non-zeros, no gradient)."""
    from . import max as amax, min as amin, abs as absolute, cast
    x = lift(x)
    if dtype is not None:
        x = x.astype(dtype)
    x = _floating(x, "norm")
    axis, keep = axis_of("norm", axis, keepdims, dim, keepdim)
    axes = _axes(x, axis, "norm")
    if p == "fro":
        p = 2
    if p == "nuc" or not isinstance(p, (int, float, np.number)) or isinstance(p, bool):
        raise ValueError(f"norm: p must be a number or 'fro', got {p!r} (nuclear and spectral norms need singular "
                         f"values, which tensorgrad does not compute).")
    if p == np.inf:
        return amax(absolute(x), axis=axes, keepdims=keep)
    if p == -np.inf:
        return amin(absolute(x), axis=axes, keepdims=keep)
    if p == 0:
        return cast(Tensor._make(np.asarray((x._data != 0).sum(axis=axes, keepdims=keep)), None, False), x.dtype)
    if p < 1:
        raise ValueError(f"norm: p must be >= 1 (or 0, inf, -inf), got {p}; (Σ|x|^p)^(1/p) is not a norm below 1.")
    return PNorm.apply(x, p=float(p), axes=axes, keepdims=keep)


def _scan(fn: type[Function], op: str, x: Any, dim: Any, axis: Any, dtype: Any) -> Tensor:
    x = lift(x)
    if dtype is not None:
        x = x.astype(dtype)
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: give dim= (PyTorch) or axis= (numpy), not both.")
    along = axis if dim is None else dim
    if x.ndim == 0:                              # a 0-d tensor is its own running total
        return fn.apply(x.reshape(1), axis=one_axis(op, 0 if along is None else along, 0)).reshape(())
    if along is None:                            # numpy's default: over the flattened tensor
        x, along = x.reshape(-1), 0
    return fn.apply(x, axis=one_axis(op, along, x.ndim))


def cumsum(x: Any, dim: Any = None, *, dtype: Any = None, axis: Any = None) -> Tensor:
    """Running sums along ``dim`` (numpy: over the flattened tensor when no axis is given)."""
    return _scan(CumSum, "cumsum", x, dim, axis, dtype)


def cumprod(x: Any, dim: Any = None, *, dtype: Any = None, axis: Any = None) -> Tensor:
    """Running products along ``dim``; exact gradients also where some elements are 0."""
    return _scan(CumProd, "cumprod", x, dim, axis, dtype)
