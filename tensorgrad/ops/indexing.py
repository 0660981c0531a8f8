"""Picking elements by index, PyTorch-spelled: gather, scatter, index_select, masked_fill, and the
index-returning ops (argmax, argmin, sort, argsort, topk, and max/min along a dim).

Values picked by an index are a differentiable gather (an integer-array getitem, whose gradient is
scattered back and summed where an index repeats); indices themselves are int64 data.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from ._spelling import axis_of, one_axis

ValuesIndices = {name: namedtuple(name, ["values", "indices"]) for name in ("max", "min", "sort", "topk")}


def _index_array(op: str, index: Any) -> np.ndarray:
    index = np.asarray(index._data if isinstance(index, Tensor) else index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an integer tensor, got dtype {index.dtype}.")
    return index.astype(np.int64, copy=False)


def _positions(op: str, x: Tensor, axis: int, index: np.ndarray) -> tuple[np.ndarray, ...]:
    """The full integer-array index that picks ``x[..., index[...], ...]`` along ``axis`` (torch.gather's rule:
    index has x's rank and may be smaller than x in the other axes)."""
    if index.ndim == 0 and x.ndim == 1:   # PyTorch takes a 0-d index of a 1-d tensor as one position
        n = x.shape[0]
        if not -n <= int(index) < n:
            raise IndexError(f"{op}: index {int(index)} out of range for dim 0 of size {n}.")
        return (index,)
    if index.ndim != x.ndim:
        raise ValueError(f"{op}: index must have as many dimensions as the input ({x.ndim}), got shape {index.shape}.")
    for d in range(x.ndim):
        if d != axis and index.shape[d] > x.shape[d]:
            raise ValueError(f"{op}: index shape {index.shape} is larger than the input {x.shape} in dim {d}.")
    n = x.shape[axis]
    if index.size and (index.min() < -n or index.max() >= n):
        raise IndexError(f"{op}: index out of range for dim {axis} of size {n} (got {index.min()} .. {index.max()}).")
    grids = np.ogrid[tuple(slice(0, s) for s in index.shape)] if index.ndim else []
    return tuple(index if d == axis else grids[d] for d in range(x.ndim))


def gather(x: Any, dim: int, index: Any) -> Tensor:
    """out[i][j] = x[index[i][j]][j] for dim 0 (and so on): torch.gather, differentiable in x."""
    x = lift(x)
    axis = one_axis("gather", dim, x.ndim)
    index = _index_array("gather", index)
    if x.ndim == 0:
        return x[()] if index.size else x
    return x[_positions("gather", x, axis, index)]


class Scatter(Function):
    """out = x with out[positions] = src (torch.scatter, and ``x[index] = value``);  dL/dx = g with the
    written positions zeroed, dL/dsrc = g at the written positions."""

    @staticmethod
    def forward(ctx, x, src, positions):
        ctx.positions = positions
        out = x.copy()
        out[positions] = src
        written = np.zeros(x.shape, dtype=bool)
        written[positions] = True
        ctx.kept = ~written
        return out

    @staticmethod
    def backward(ctx, g):
        need_x, need_src = ctx.needs_input_grad
        return (g * ctx.kept if need_x else None), (g[ctx.positions] if need_src else None)


def scatter(x: Any, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:
    """torch.scatter: a copy of x with src[i][j] written at x[index[i][j]][j] for dim 0 (and so on);
    ``value=`` writes one number. Differentiable in x and src."""
    if (src is None) == (value is None):
        raise TypeError("scatter: give src (a tensor) or value= (a number), one of them.")
    x = lift(x)
    axis = one_axis("scatter", dim, x.ndim)
    index = _index_array("scatter", index)
    positions = _positions("scatter", x, axis, index)
    if src is None or not isinstance(src, Tensor) and np.ndim(src) == 0:
        src_t = lift(value if src is None else src, x)
        src_t = src_t.astype(x.dtype) if src_t.dtype != x.dtype else src_t
        from .shape import broadcast_to
        src_t = broadcast_to(src_t, index.shape)
    else:
        src_t = lift(src, x)
        if src_t.ndim != index.ndim or any(s < i for s, i in zip(src_t.shape, index.shape)):
            raise ValueError(f"scatter: src of shape {src_t.shape} must cover the index's shape {index.shape}.")
        src_t = src_t[tuple(slice(0, s) for s in index.shape)]
        if src_t.dtype != x.dtype:
            src_t = src_t.astype(x.dtype)
    return Scatter.apply(x, src_t, positions=positions)


def scatter_add(x: Any, dim: int, index: Any, src: Any) -> Tensor:
    """torch.scatter_add: a copy of x with src[i][j] added at x[index[i][j]][j] for dim 0 (and so on), repeated
    indices summing;  dL/dx = g, dL/dsrc = g gathered at index. Differentiable in x and src."""
    from .shape import add_at
    x = lift(x)
    axis = one_axis("scatter_add", dim, x.ndim)
    index = _index_array("scatter_add", index)
    positions = _positions("scatter_add", x, axis, index)
    src_t = lift(src, x)
    if src_t.ndim != index.ndim or any(s < i for s, i in zip(src_t.shape, index.shape)):
        raise ValueError(f"scatter_add: src of shape {src_t.shape} must cover the index's shape {index.shape}.")
    src_t = src_t[tuple(slice(0, s) for s in index.shape)]
    return x + add_at(src_t.astype(x.dtype) if src_t.dtype != x.dtype else src_t, x.shape, positions)


def index_add(x: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """torch.index_add: a copy of x with ``alpha * source`` added at ``index`` (1-d) along ``dim``, repeated
    indices summing;  dL/dx = g, dL/dsource = alpha · g at index."""
    from .shape import add_at
    x = lift(x)
    axis = one_axis("index_add", dim, x.ndim)
    index = _index_array("index_add", index).reshape(-1)
    source = lift(source, x)
    if source.ndim != x.ndim or source.shape[axis] != index.size:
        raise ValueError(f"index_add: source of shape {source.shape} must have the input's rank ({x.ndim}) and "
                         f"{index.size} entries (the index's length) along dim {dim}.")
    added = source if alpha == 1 else source * alpha
    return x + add_at(added.astype(x.dtype) if added.dtype != x.dtype else added, x.shape,
                      (slice(None),) * axis + (index,))


def index_fill(x: Any, dim: int, index: Any, value: Any) -> Tensor:
    """torch.index_fill: a copy of x with the entries at ``index`` (1-d) along ``dim`` set to ``value``; no
    gradient reaches the filled entries."""
    x = lift(x)
    axis = one_axis("index_fill", dim, x.ndim)
    mask = np.zeros(x.shape[axis] if x.ndim else 1, dtype=bool)
    mask[_index_array("index_fill", index).reshape(-1)] = True
    return masked_fill(x, mask.reshape((-1,) + (1,) * (x.ndim - axis - 1)) if x.ndim else mask[0], value)


def index_select(x: Any, dim: int, index: Any) -> Tensor:
    """The entries of x at ``index`` (1-d) along ``dim`` (torch.index_select)."""
    x = lift(x)
    axis = one_axis("index_select", dim, x.ndim)
    index = _index_array("index_select", index)
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 0-d or 1-d, got shape {index.shape}.")
    return x[(slice(None),) * axis + (index.reshape(-1),)] if x.ndim else x


def masked_fill(x: Any, mask: Any, value: Any) -> Tensor:
    """x with ``value`` where ``mask`` (bool, broadcastable) is True; differentiable in x (and a tensor value)."""
    from .select import where
    x = lift(x)
    mask = np.asarray(mask._data if isinstance(mask, Tensor) else mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_fill: mask must be a bool tensor, got dtype {mask.dtype}; compare first (x > 0).")
    if np.broadcast_shapes(mask.shape, x.shape) != x.shape:
        raise ValueError(f"masked_fill: mask of shape {mask.shape} does not broadcast to the tensor's {x.shape}.")
    value = lift(value, x)
    if value.ndim:
        raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}.")
    return where(mask, value.astype(x.dtype) if value.dtype != x.dtype else value, x)


def _arg(fn: Any, op: str, x: Any, dim: Any, keepdim: bool, axis: Any, keepdims: bool) -> Tensor:
    x = lift(x)
    along, keep = axis_of(op, axis, keepdims, dim, keepdim)
    if x.size == 0 and (along is None or x.shape[one_axis(op, along, x.ndim)] == 0):
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape {x.shape}) over "
                         f"{'all axes' if along is None else f'axes ({one_axis(op, along, x.ndim)},)'}: "
                         f"there is no {op[3:]}imum.")
    if along is None:
        out = np.asarray(fn(x._data, axis=None))
        if keep:
            out = out.reshape((1,) * x.ndim)
    else:
        out = fn(x._data, axis=one_axis(op, along, x.ndim), keepdims=keep) if x.ndim else np.asarray(0)
    return Tensor._make(np.asarray(out, dtype=np.int64), None, False)


def argmax(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the largest value (of the flattened tensor when no dim is given), int64; first one on ties."""
    return _arg(np.argmax, "argmax", x, dim, keepdim, axis, keepdims)


def argmin(x: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest value (of the flattened tensor when no dim is given), int64; first one on ties."""
    return _arg(np.argmin, "argmin", x, dim, keepdim, axis, keepdims)


def extreme_along(op: str, x: Tensor, dim: Any, keepdim: bool) -> tuple:
    """PyTorch's ``max(x, dim)``/``min(x, dim)``: (values, indices); the gradient goes to the picked index."""
    axis = one_axis(op, dim, x.ndim)
    if x.ndim and x.shape[axis] == 0:
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape {x.shape}) over axes ({axis},): "
                         f"that dim has no elements (PyTorch refuses too).")
    indices = _arg(np.argmax if op == "max" else np.argmin, "arg" + op, x, axis, True, None, False)
    values = gather(x, axis, indices._data) if x.ndim else x
    if not keepdim and x.ndim:
        from .shape import reshape
        shape = x.shape[:axis] + x.shape[axis + 1:]
        values, indices = reshape(values, shape), Tensor._make(indices._data.reshape(shape), None, False)
    return ValuesIndices[op](values, indices)


def argsort(x: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """Indices that sort x along ``dim`` (int64). Always stable: equal values keep their order."""
    x = lift(x)
    if x.ndim == 0:
        return Tensor._make(np.zeros((), dtype=np.int64), None, False)
    axis = one_axis("argsort", dim, x.ndim)
    data = x._data
    if descending:
        # reversing a stable ascending sort of the reversed data keeps equal values in their original order
        flipped = np.flip(data, axis)
        order = np.flip(np.argsort(flipped, axis=axis, kind="stable"), axis)
        order = data.shape[axis] - 1 - order
    else:
        order = np.argsort(data, axis=axis, kind="stable")
    return Tensor._make(order.astype(np.int64, copy=False), None, False)


def sort(x: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> tuple:
    """(values, indices) of x sorted along ``dim``; the values are differentiable (a gather)."""
    x = lift(x)
    indices = argsort(x, dim, descending)
    values = gather(x, dim, indices._data) if x.ndim else x
    return ValuesIndices["sort"](values, indices)


def topk(x: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> tuple:  # noqa: A002
    """(values, indices) of the k largest (or smallest) entries along ``dim``, in order; values differentiable."""
    x = lift(x)
    axis = one_axis("topk", dim, x.ndim)
    n = x.shape[axis] if x.ndim else 1
    if not 0 <= int(k) <= n:
        raise ValueError(f"topk: k={k} is out of range for dim {dim} of size {n}.")
    order = argsort(x, axis, descending=largest)._data
    indices = order[(slice(None),) * axis + (slice(0, int(k)),)] if x.ndim else order
    values = gather(x, axis, indices) if x.ndim else x
    return ValuesIndices["topk"](values, Tensor._make(np.ascontiguousarray(indices), None, False))


def index_put(x: Any, index: Any, value: Any) -> Tensor:
    """A copy of x with ``value`` (broadcast) written at ``x[index]``: what ``x[index] = value`` stores;
    differentiable in x and value."""
    from .shape import _plain_index
    x = lift(x)
    v = lift(value, x)
    if v.dtype != x.dtype:
        v = v.astype(x.dtype)
    positions = _plain_index(index)
    try:
        np.broadcast_to(np.empty(v.shape, dtype=bool), np.empty(x.shape, dtype=bool)[positions].shape)
    except (ValueError, IndexError) as e:
        raise ValueError(f"setitem: cannot write a value of shape {v.shape} at index {index!r} of a tensor of "
                         f"shape {x.shape}: {e}") from None
    return Scatter.apply(x, v, positions=positions)
