"""Selection: where, maximum, minimum, clip; and comparisons, which are data, not differentiable."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import Op, apply, is_grad_enabled
from ..tensor import Tensor
from ._convert import lift, lift_pair
from ._namespace import functions


class Where(Op):
    """y = a where cond else b;  dy/da = cond, dy/db = not cond."""
    __slots__ = ("cond",)
    name = "where"

    def forward(self, a, b, cond):
        self.cond = cond
        return np.where(cond, a, b)

    def vjp(self, g):
        need_a, need_b = self.needs_input_grad
        where_ = functions().where
        return (where_(self.cond, g, 0.0) if need_a else None), (where_(self.cond, 0.0, g) if need_b else None)


class _Extremum(Op):
    """Elementwise max/min of two tensors: the gradient goes to the winner; ties split it in half
    (as PyTorch's maximum/minimum)."""
    __slots__ = ("share_a",)
    pick = staticmethod(np.maximum)

    def forward(self, a, b):
        out = self.pick(a, b)
        a_wins = (a == out).astype(out.dtype) - 0.5 * (a == b)
        self.share_a = a_wins.astype(out.dtype, copy=False)
        return out

    def vjp(self, g):
        need_a, need_b = self.needs_input_grad
        return (g * self.share_a if need_a else None), (g * (1 - self.share_a) if need_b else None)


class Maximum(_Extremum):
    __slots__ = ()
    name = "maximum"
    pick = staticmethod(np.maximum)


class Minimum(_Extremum):
    __slots__ = ()
    name = "minimum"
    pick = staticmethod(np.minimum)


class Clip(Op):
    """y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0 (as PyTorch's clamp)."""
    __slots__ = ("inside",)
    name = "clip"

    def forward(self, x, lo, hi):
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        self.inside = inside
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    def vjp(self, g):
        return (g * self.inside,)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Elementwise choice: a where ``cond`` is true, else b (``cond`` is data, not differentiated)."""
    cond = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    a, b = lift_pair(a, b)
    return apply(Where, a, b, cond=cond)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of a and b."""
    return apply(Maximum, *lift_pair(a, b))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise smaller of a and b."""
    return apply(Minimum, *lift_pair(a, b))


def clip(x: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - numpy/PyTorch names
    """Limit values to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max.")
    if min is not None and max is not None and np.any(np.asarray(min) > np.asarray(max)):
        raise ValueError(f"clip: min ({min}) is larger than max ({max}).")
    return apply(Clip, lift(x), lo=min, hi=max)


def compare(fn: Callable, a: Any, b: Any) -> Tensor:
    """Elementwise comparison ``fn(a, b)`` as a boolean data tensor (no gradient)."""
    a, b = lift_pair(a, b)
    return Tensor._make(np.asarray(fn(a.data, b.data)), None, False)


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
    result = fn(x.detach(), other_t.detach()).data
    if result.shape != x.shape:
        raise ValueError(f"in-place update: the result has shape {result.shape}, which does not fit the "
                         f"tensor's shape {x.shape}.")
    x.data[...] = result
    x._version_counter[0] += 1                # shared with every view of the same memory, and with the op that made x
    return x
