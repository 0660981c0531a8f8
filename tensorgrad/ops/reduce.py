"""Reductions: sum, mean, max, min over an axis (or all), with keepdims."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift
from ._namespace import functions


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


class _Reduce(Op):
    __slots__ = ("axes", "keepdims")

    def _grad_at_input_shape(self, g: Any) -> Any:
        """g reshaped to the keepdims shape, then broadcast back over the reduced axes."""
        shape = self.inputs[0].data.shape
        if self.axes is not None and not self.keepdims:   # a full reduction broadcasts as it is
            g = g.reshape(kept_shape(shape, self.axes))
        return functions().broadcast_to(g, shape)


class Sum(_Reduce):
    """s = Σ x over axes;  ds/dx = 1 (the gradient is broadcast back)."""
    __slots__ = ()
    name = "sum"

    def forward(self, x, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims
        return np.asarray(np.add.reduce(x, axis=axes, keepdims=keepdims))

    def vjp(self, g):
        return (self._grad_at_input_shape(g),)


class Mean(_Reduce):
    """m = (1/n) Σ x over axes;  dm/dx = 1/n."""
    __slots__ = ()
    name = "mean"

    def forward(self, x, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims
        if x.size == 0:     # 0 / 0: NaN where a mean has no element, quietly (as PyTorch)
            with np.errstate(invalid="ignore"):
                return np.asarray(np.add.reduce(x, axis=axes, keepdims=keepdims) / np.float32(0), dtype=_mean_dtype(x))
        if x.dtype.kind != "f":
            return np.asarray(x.mean(axis=axes, keepdims=keepdims))
        total = np.add.reduce(x, axis=axes, keepdims=keepdims)    # what ndarray.mean does, minus its wrappers
        return np.asarray(total / (x.size // builtins.max(total.size, 1)))

    def vjp(self, g):
        x = self.inputs[0]
        n = x.data.size // builtins.max(self.out_data.size, 1) if x.data.size else 1
        return (self._grad_at_input_shape(g / n),)


class _Extreme(_Reduce):
    """max/min: the gradient goes to the extreme elements, split evenly among ties
    (as PyTorch's amax/amin; torch.max(dim) instead picks one index)."""
    __slots__ = ("share",)
    reduce = staticmethod(np.max)

    def forward(self, x, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims
        if x.size == 0 and (axes is None or any(x.shape[a] == 0 for a in axes)):   # other axes: an empty result
            raise ValueError(f"{self.name}: cannot take the {self.name} of an empty tensor (shape {x.shape}) over "
                             f"{'all axes' if axes is None else f'axes {axes}'}: a reduced axis has length 0, so "
                             f"there is no element to pick (as in PyTorch).")
        kept = self.reduce(x, axis=axes, keepdims=True)
        hits = x == kept
        self.share = (hits / hits.sum(axis=axes, keepdims=True)).astype(x.dtype, copy=False)
        return kept if keepdims else kept.reshape(_reduced_shape(x.shape, axes))

    def vjp(self, g):
        return (self._grad_at_input_shape(g) * self.share,)


class Max(_Extreme):
    __slots__ = ()
    name = "max"
    reduce = staticmethod(np.max)


class Min(_Extreme):
    __slots__ = ()
    name = "min"
    reduce = staticmethod(np.min)


def _mean_dtype(x: np.ndarray) -> np.dtype:
    """numpy's dtype for a mean: floats keep theirs, integers and bools give float64."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)


def _reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    return () if axes is None else tuple(s for i, s in enumerate(shape) if i not in axes)


def _reduce(op: type[_Reduce], x: Any, axis: Any, keepdims: bool) -> Tensor:
    x = lift(x)
    axes = None if axis is None else _normalize_axis(axis, x.ndim, op.name)
    return apply(op, x, axes=axes if x.ndim else None, keepdims=bool(keepdims))


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (int, tuple, or None for all)."""
    return _reduce(Sum, x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis``."""
    return _reduce(Mean, x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Largest value over ``axis``; ties share the gradient evenly."""
    return _reduce(Max, x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Smallest value over ``axis``; ties share the gradient evenly."""
    return _reduce(Min, x, axis, keepdims)
