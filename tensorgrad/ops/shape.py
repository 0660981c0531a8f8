"""Shape ops: reshape, transpose, broadcast_to, indexing, concatenate, stack.

They move numbers without changing them, so each VJP moves the gradient back the same way.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift


class Reshape(Op):
    """y = x viewed with another shape;  the gradient is reshaped back."""
    __slots__ = ()
    name = "reshape"
    may_alias = True

    def forward(self, x, shape):
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"into shape {tuple(shape)}.") from None

    def vjp(self, g):
        return (g.reshape(self.inputs[0].shape),)


class Transpose(Op):
    """y = x with axes permuted;  the gradient is permuted back by the inverse permutation."""
    __slots__ = ("axes",)
    name = "transpose"
    may_alias = True

    def forward(self, x, axes):
        self.axes = axes
        return np.transpose(x, axes)

    def vjp(self, g):
        inverse = None if self.axes is None else tuple(np.argsort(self.axes))
        return (g.transpose(inverse),)


class BroadcastTo(Op):
    """y = x repeated along broadcast axes;  the tape sums the gradient back to x's shape."""
    __slots__ = ()
    name = "broadcast_to"
    may_alias = True

    def forward(self, x, shape):
        return np.broadcast_to(x, shape)

    def vjp(self, g):
        return (g,)


def _plain_index(index: Any) -> Any:
    """Index with Tensors replaced by their arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def _is_basic(index: Any) -> bool:
    """True for ints, slices, None and Ellipsis only (no element can be picked twice)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


class GetItem(Op):
    """y = x[index];  the gradient is scattered back into zeros of x's shape (summed where an
    integer-array index picks an element twice)."""
    __slots__ = ("index",)
    name = "getitem"
    may_alias = True

    def forward(self, x, index):
        self.index = index
        try:
            return np.asarray(x[index])
        except IndexError as e:
            raise IndexError(f"getitem: index {index!r} is invalid for a tensor of shape {x.shape}: {e}") from None

    def vjp(self, g):
        shape = self.inputs[0].shape
        if isinstance(g, Tensor):   # recorded: scattering is itself an op (its VJP is indexing again)
            return (apply(ScatterAdd, g, shape=shape, index=self.index),)
        return (scatter_add(g, shape, self.index),)


def scatter_add(g: np.ndarray, shape: tuple[int, ...], index: Any) -> np.ndarray:
    """zeros(shape) with ``g`` added at ``index`` (np.add.at where an array index may repeat)."""
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


class ScatterAdd(Op):
    """y = zeros(shape) with g added at ``index`` (the VJP of indexing);  its own VJP is g[index]."""
    __slots__ = ("index",)
    name = "scatter_add"

    def forward(self, g, shape, index):
        self.index = index
        return scatter_add(g, shape, index)

    def vjp(self, g):
        return (g[self.index],)


class Concatenate(Op):
    """y = [x1, x2, ...] joined along ``axis``;  each input gets its slice of the gradient."""
    __slots__ = ("axis",)
    name = "concatenate"

    def forward(self, *xs, axis):
        self.axis = axis
        try:
            return np.concatenate(xs, axis=axis)
        except ValueError as e:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"concatenate: cannot join shapes {shapes} along axis {axis}: {e}") from None

    def vjp(self, g):
        axis = self.axis % g.ndim
        grads, start = [], 0
        for x in self.inputs:
            stop = start + x.shape[axis]
            grads.append(g[(slice(None),) * axis + (slice(start, stop),)])
            start = stop
        return tuple(grads)


class Stack(Op):
    """y = [x1, x2, ...] stacked along a new ``axis``;  input i gets g taken at position i."""
    __slots__ = ("axis",)
    name = "stack"

    def forward(self, *xs, axis):
        self.axis = axis
        try:
            return np.stack(xs, axis=axis)
        except ValueError as e:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"stack: cannot stack shapes {shapes}: {e}") from None

    def vjp(self, g):
        axis = self.axis % g.ndim
        return tuple(g[(slice(None),) * axis + (i,)] for i in range(len(self.inputs)))


def reshape(x: Any, shape: Sequence[int] | int) -> Tensor:
    """x with a new shape of the same number of elements (one axis may be -1)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    x = lift(x)
    if x.shape == shape:
        return x
    return apply(Reshape, x, shape=shape)


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
    return apply(Transpose, x, axes=axes)


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
    return apply(BroadcastTo, x, shape=shape)


def getitem(x: Any, index: Any) -> Tensor:
    """x[index] with numpy's basic and integer-array indexing."""
    return apply(GetItem, lift(x), index=_plain_index(index))


def concatenate(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis."""
    if len(xs) == 0:
        raise ValueError("concatenate: needs at least one tensor.")
    return apply(Concatenate, *[lift(x) for x in xs], axis=int(axis))


def stack(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Stack same-shaped tensors along a new axis."""
    if len(xs) == 0:
        raise ValueError("stack: needs at least one tensor.")
    return apply(Stack, *[lift(x) for x in xs], axis=int(axis))
