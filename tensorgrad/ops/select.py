"""Selection: where, maximum, minimum, clip; and comparisons, which are data, not differentiable."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import increment_version
from ..function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._convert import lift, lift_pair, lift_float


class Where(Function):
    """y = a where cond else b;  dy/da = cond, dy/db = not cond."""

    @staticmethod
    def forward(ctx, a, b, cond):
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        need_a, need_b = ctx.needs_input_grad
        where = ctx.F.where
        return (where(ctx.cond, g, 0.0) if need_a else None), (where(ctx.cond, 0.0, g) if need_b else None)


class _PairwiseExtreme(Function):
    """Elementwise max/min of two tensors: the gradient goes to the winner; ties split it in half
    (as PyTorch's maximum/minimum)."""
    pick = staticmethod(np.maximum)

    @staticmethod
    def forward(ctx, a, b):
        out = ctx.pick(a, b)
        ctx.share_a = ((a == out).astype(out.dtype) - 0.5 * (a == b)).astype(out.dtype, copy=False)
        return out

    @staticmethod
    def backward(ctx, g):
        need_a, need_b = ctx.needs_input_grad
        return (g * ctx.share_a if need_a else None), (g * (1 - ctx.share_a) if need_b else None)


class Maximum(_PairwiseExtreme):
    """y = max(a, b);  dy/da = 1 where a wins, 1/2 at ties, else 0."""
    pick = staticmethod(np.maximum)


class Minimum(_PairwiseExtreme):
    """y = min(a, b);  dy/da = 1 where a wins, 1/2 at ties, else 0."""
    pick = staticmethod(np.minimum)


class Clip(Function):
    """y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0 (as PyTorch's clamp)."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        ctx.inside = inside
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.inside


def where(cond: Any, a: Any = None, b: Any = None) -> Any:
    """Elementwise choice: a where ``cond`` is true, else b (``cond`` is data, not differentiated). With
    ``cond`` alone, the indices of its true entries, one int64 tensor per axis (torch.where(cond))."""
    cond = np.asarray(cond._data if isinstance(cond, Tensor) else cond, dtype=bool)
    if a is None and b is None:
        return tuple(Tensor._make(i.astype(np.int64), None, False) for i in np.nonzero(cond))
    a, b = lift_pair(a, b)
    return Where.apply(a, b, cond=cond)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of a and b."""
    return Maximum.apply(*lift_pair(a, b))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise smaller of a and b."""
    return Minimum.apply(*lift_pair(a, b))


def clip(x: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - numpy/PyTorch names
    """Limit values to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max.")
    if isinstance(min, Tensor) or isinstance(max, Tensor):   # tensor bounds (torch.clamp): elementwise, each differentiable
        result = x if min is None else maximum(x, min)
        return result if max is None else minimum(result, max)
    if min is not None and max is not None and np.any(np.asarray(min) > np.asarray(max)):
        raise ValueError(f"clip: min ({min}) is larger than max ({max}).")
    x = lift(x)
    if x._data.dtype.kind != "f" and any(isinstance(v, (float, np.floating)) for v in (min, max)):
        x = lift_float(x)                # an integer tensor clamped to a float bound is float, as PyTorch
    return Clip.apply(x, lo=min, hi=max)


def compare(fn: Callable, a: Any, b: Any) -> Tensor:
    """Elementwise comparison ``fn(a, b)`` as a boolean data tensor (no gradient)."""
    a, b = lift_pair(a, b)
    return Tensor._make(np.asarray(fn(a._data, b._data)), None, False)


def inplace_update(x: Tensor, fn: Callable[[Any, Any], Tensor], other: Any) -> Tensor:
    """``x += other`` and friends.

    Outside recording (``no_grad``, or nothing requires grad) the data is updated in place and the
    tensor's version counter bumped. While recording, a leaf that requires grad may not change in
    place (its gradient would be wrong), as in PyTorch; other tensors get the out-of-place result.
    """
    other_t = lift(other, x)
    recording = is_grad_enabled() and (x.requires_grad or other_t.requires_grad)
    if recording:
        if x.is_leaf and x.requires_grad:
            raise RuntimeError(
                f"A leaf tensor that requires grad (shape {x.shape}) cannot be changed in place while "
                f"gradients are recorded. Update parameters inside `with tensorgrad.no_grad():`, or "
                f"write x = x + ... to make a new tensor.")
        return fn(x, other_t)
    result = fn(x.detach(), other_t.detach())._data
    if result.shape != x.shape:
        raise ValueError(f"in-place update: the result has shape {result.shape}, which does not fit the "
                         f"tensor's shape {x.shape}.")
    x._data[...] = result
    increment_version(x)           # shared with every view of the same memory, and with the op that made x
    return x
