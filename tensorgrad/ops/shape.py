"""Shape ops: reshape, transpose, broadcast_to, indexing, concatenate, stack.

They move numbers without changing them, so each VJP moves the gradient back the same way.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..function import Function
from ..functions import ARRAY_FUNCTIONS
from ..tensor import Tensor
from ._convert import lift


class Reshape(Function):
    """y = x viewed with another shape;  the gradient is reshaped back."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into shape {tuple(shape)}.") from None

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.input_shape)


class Transpose(Function):
    """y = x with axes permuted;  the gradient is permuted back by the inverse permutation."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(None if ctx.axes is None else tuple(np.argsort(ctx.axes)))


class BroadcastTo(Function):
    """y = x repeated along broadcast axes;  the tape sums the gradient back to x's shape."""
    name = "broadcast_to"

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g


def _plain_index(index: Any) -> Any:
    """Index with Tensors replaced by their arrays."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    return index


class GetItem(Function):
    """y = x[index];  the gradient is scattered back into zeros of x's shape (summed where an
    integer-array index picks an element twice)."""
    name = "getitem"

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.input_shape = index, x.shape
        try:
            return np.asarray(x[index])
        except IndexError as e:
            raise IndexError(f"getitem: index {index!r} is invalid for a tensor of shape {x.shape}: {e}") from None

    @staticmethod
    def backward(ctx, g):
        return ctx.F.add_at(g, ctx.input_shape, ctx.index)


class ScatterAdd(Function):
    """y = zeros(shape) with g added at ``index`` (the gradient of indexing);  dL/dg = (dL/dy)[index]."""
    name = "scatter_add"

    @staticmethod
    def forward(ctx, g, shape, index):
        ctx.index = index
        return ARRAY_FUNCTIONS.scatter_add(g, shape, index)

    @staticmethod
    def backward(ctx, g):
        return g[ctx.index]


class Concatenate(Function):
    """y = [x1, x2, ...] joined along ``axis``;  each input gets its slice of the gradient."""

    @staticmethod
    def forward(ctx, *xs, axis):
        ctx.axis, ctx.sizes = axis, [x.shape[axis] for x in xs]
        try:
            return np.concatenate(xs, axis=axis)
        except ValueError as e:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"concatenate: cannot join shapes {shapes} along axis {axis}: {e}") from None

    @staticmethod
    def backward(ctx, g):
        axis = ctx.axis % g.ndim
        ends = np.cumsum(ctx.sizes)
        return tuple(g[(slice(None),) * axis + (slice(end - size, end),)] for size, end in zip(ctx.sizes, ends))


class Stack(Function):
    """y = [x1, x2, ...] stacked along a new ``axis``;  input i gets g taken at position i."""

    @staticmethod
    def forward(ctx, *xs, axis):
        ctx.axis, ctx.count = axis, len(xs)
        try:
            return np.stack(xs, axis=axis)
        except ValueError as e:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"stack: cannot stack shapes {shapes}: {e}") from None

    @staticmethod
    def backward(ctx, g):
        axis = ctx.axis % g.ndim
        return tuple(g[(slice(None),) * axis + (i,)] for i in range(ctx.count))


def reshape(x: Any, shape: Sequence[int] | int) -> Tensor:
    """x with a new shape of the same number of elements (one axis may be -1)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    x = lift(x)
    if x.shape == shape:
        return x
    return Reshape.apply(x, shape=shape)


def transpose(x: Any, axes: Sequence[int] | int | None = None, dim1: int | None = None) -> Tensor:
    """``transpose(x, axes)`` permutes axes (reverses them when None), as numpy.transpose;
    ``transpose(x, dim0, dim1)`` swaps two axes, as torch.transpose."""
    x = lift(x)
    if dim1 is not None:
        axes = swapped_axes(x.shape, axes, dim1)
    if axes is not None:
        given = tuple(int(a) for a in axes)
        axes = tuple(a % max(x.ndim, 1) for a in given)     # negative axes counted from the end
        if sorted(axes) != list(range(x.ndim)) or any(not -x.ndim <= a < x.ndim for a in given):
            raise ValueError(f"transpose: axes {given} are not a permutation of the {x.ndim} axes of shape {x.shape}; "
                             f"give two axes to swap them (x.transpose(0, 1)) or all {x.ndim} in a new order.")
    return Transpose.apply(x, axes=axes)


def swapped_axes(shape: tuple[int, ...], dim0: Any, dim1: Any) -> tuple[int, ...]:
    """The permutation of ``len(shape)`` axes that swaps ``dim0`` and ``dim1`` (negative ones from the end)."""
    ndim = len(shape)
    for d in (dim0, dim1):
        if not isinstance(d, (int, np.integer)) or not -max(ndim, 1) <= d < max(ndim, 1):
            raise ValueError(f"transpose: dim {d!r} is out of range for shape {shape} (give two axes in "
                             f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}]).")
    order = list(range(ndim))
    if ndim:
        order[dim0], order[dim1] = order[dim1], order[dim0]
    return tuple(order)


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """x repeated to ``shape`` by numpy's broadcasting rules (a read-only view)."""
    x = lift(x)
    shape = tuple(shape)
    if x.shape == shape:
        return x
    try:
        one_way = np.broadcast_shapes(x.shape, shape) == shape   # the target must not grow either
    except ValueError:
        one_way = False
    if not one_way:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}: aligned from the right, "
                         f"each axis of the tensor must be 1 or equal to the target's, and the target needs at "
                         f"least as many axes ({len(x.shape)}).")
    return BroadcastTo.apply(x, shape=shape)


def getitem(x: Any, index: Any) -> Tensor:
    """x[index] with numpy's basic and integer-array indexing."""
    return GetItem.apply(lift(x), index=_plain_index(index))


def concatenate(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    if len(xs) == 0:
        raise ValueError("concatenate: needs at least one tensor.")
    return Concatenate.apply(*[lift(x) for x in xs], axis=int(axis))


def stack(xs: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Stack same-shaped tensors along a new axis (``dim=`` as PyTorch spells it)."""
    if len(xs) == 0:
        raise ValueError("stack: needs at least one tensor.")
    return Stack.apply(*[lift(x) for x in xs], axis=int(axis if dim is None else dim))


def add_at(g: Any, shape: Sequence[int], index: Any) -> Tensor:
    """zeros(shape) with ``g`` added at ``index`` (summed where an index repeats, as ``np.add.at``): the
    gradient of x[index]. (PyTorch's ``scatter_add(input, dim, index, src)`` is :func:`tensorgrad.scatter_add`.)"""
    return ScatterAdd.apply(lift(g), shape=tuple(shape), index=_plain_index(index))
