"""Rearranging elements, PyTorch-spelled: cat, split, chunk, vstack, hstack, flip, roll, pad, tile
(``repeat``), unsqueeze, squeeze, flatten, permute, expand, movedim.

Most are one of the existing moves (indexing, reshape, transpose, concatenate, broadcast) and take
their derivatives from it; roll, pad and tile are ops of their own, each undone by its backward.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift, result_dtype
from ._spelling import one_axis
from .shape import broadcast_to, concatenate, reshape, transpose


def _axis_or_dim(op: str, dim: Any, axis: Any, default: Any = 0) -> Any:
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: give dim= (PyTorch) or axis= (numpy), not both.")
    return default if dim is None and axis is None else (axis if dim is None else dim)


def _int_sequence(op: str, values: tuple) -> tuple[int, ...]:
    """``f(2, 3)`` or ``f((2, 3))`` as (2, 3)."""
    if len(values) == 1 and isinstance(values[0], (tuple, list)):
        values = tuple(values[0])
    try:
        return tuple(int(v) for v in values)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: expected integers, got {values!r}.") from None


def cat(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing axis (torch.cat; also spelled concat and concatenate)."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"cat: expected a list or tuple of tensors, got {type(tensors).__name__}.")
    parts = [lift(t) for t in tensors]
    target = result_dtype(parts)
    parts = [t if t.dtype == target else t.astype(target) for t in parts]
    return concatenate(parts, axis=_axis_or_dim("cat", dim, axis))


concat = cat


def _cut(x: Tensor, axis: int, sizes: Sequence[int]) -> tuple[Tensor, ...]:
    """Consecutive slices of the given sizes along ``axis`` (each a differentiable getitem)."""
    pieces, start = [], 0
    for size in sizes:
        pieces.append(x[(slice(None),) * axis + (slice(start, start + size),)])
        start += size
    return tuple(pieces)


def split(x: Any, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """torch.split: pieces of ``split_size`` along ``dim`` (the last may be smaller), or pieces of the given sizes."""
    x = lift(x)
    axis = one_axis("split", dim, x.ndim)
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: split_size must be positive, got {size}.")
        sizes = [min(size, n - start) for start in range(0, n, size)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ValueError(f"split: sections {sizes} must be non-negative and add up to {n}, the size of dim {dim}.")
    return _cut(x, axis, sizes)


def chunk(x: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """torch.chunk: at most ``chunks`` pieces of ceil(n / chunks) along ``dim`` (the last may be smaller)."""
    x = lift(x)
    if int(chunks) <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}.")
    n = x.shape[one_axis("chunk", dim, x.ndim)]
    return split(x, max(-(-n // int(chunks)), 1), dim)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Stack rows: 1-d tensors become rows, then concatenation along axis 0."""
    parts = [lift(t) for t in tensors]
    return concatenate([reshape(t, (1, -1)) if t.ndim < 2 else t for t in parts], axis=0)


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Stack columns: concatenation along axis 1, or along axis 0 for 1-d tensors."""
    parts = [lift(t) for t in tensors]
    parts = [reshape(t, (1,)) if t.ndim == 0 else t for t in parts]
    return concatenate(parts, axis=0 if parts[0].ndim == 1 else 1)


def flip(x: Any, dims: Any = None, *, axis: Any = None) -> Tensor:
    """x reversed along ``dims`` (all axes when None, as np.flip)."""
    x = lift(x)
    along = _axis_or_dim("flip", dims, axis, default=None)
    axes = range(x.ndim) if along is None else [along] if isinstance(along, (int, np.integer)) else along
    index = [slice(None)] * x.ndim
    for a in axes:
        index[one_axis("flip", a, x.ndim)] = slice(None, None, -1)
    return x[tuple(index)]


class Roll(Function):
    """y = x shifted cyclically by ``shifts`` along ``axes``;  the gradient is shifted back."""

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return np.roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, g):
        back = None if ctx.shifts is None else tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return ctx.F.roll(g, back, ctx.axes)


def roll(x: Any, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically (torch.roll / np.roll); with no dims, over the flattened tensor."""
    x = lift(x)
    if dims is None:
        return reshape(Roll.apply(reshape(x, (-1,)), shifts=int(shifts), axes=0), x.shape)
    if isinstance(dims, (int, np.integer)):
        return Roll.apply(x, shifts=int(shifts), axes=one_axis("roll", dims, x.ndim))
    dims = tuple(one_axis("roll", d, x.ndim) for d in dims)
    shifts = tuple(int(s) for s in shifts)
    if len(shifts) != len(dims):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(dims)} dims; give one shift per dim.")
    return Roll.apply(x, shifts=shifts, axes=dims)


class Pad(Function):
    """y = x surrounded by a constant;  dL/dx = the middle of dL/dy (the region x occupies)."""

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.middle = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, g):
        return g[ctx.middle]


_NUMPY_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(x: Any, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """torch.nn.functional.pad: ``pad`` = (left, right) for the last axis, then (left, right) for the one
    before, ...; mode 'constant' (with ``value``), 'reflect', 'replicate' or 'circular'."""
    x = lift(x)
    pad = [int(p) for p in pad]
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: needs pairs (left, right) for at most {x.ndim} trailing axes, got {tuple(pad)}.")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {tuple(pad)} (cropping) is not supported; slice the tensor instead.")
    widths = [(0, 0)] * (x.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
    if mode == "constant":
        return Pad.apply(x, widths=tuple(widths), value=0 if value is None else value)
    if mode not in _NUMPY_MODES:
        raise ValueError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}.")
    # every other mode copies elements of x: indexing by where each padded element comes from
    source = np.pad(np.arange(x.size).reshape(x.shape), widths, mode=_NUMPY_MODES[mode])
    return reshape(x, (-1,))[source]


class Tile(Function):
    """y = x repeated ``reps`` times along each axis (torch's repeat, numpy's tile);
    dL/dx = Σ of dL/dy over the copies."""

    @staticmethod
    def forward(ctx, x, reps):
        ctx.input_shape, ctx.reps = x.shape, reps
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx, g):
        split = tuple(s for pair in zip(ctx.reps, ctx.input_shape) for s in pair)   # (r0, n0, r1, n1, ...)
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))


def tile(x: Any, dims: Sequence[int]) -> Tensor:
    """x repeated along each axis (np.tile / torch.tile: fewer reps than axes repeat the last axes)."""
    x = lift(x)
    reps = _int_sequence("tile", (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims))
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be non-negative, got {reps}.")
    reps = (1,) * (x.ndim - len(reps)) + reps
    x = reshape(x, (1,) * (len(reps) - x.ndim) + x.shape)
    return Tile.apply(x, reps=reps)


def repeat(x: Any, *sizes: Any) -> Tensor:
    """torch's ``x.repeat(2, 3)``: x tiled, one count per axis (at least as many as x has axes)."""
    x = lift(x)
    reps = _int_sequence("repeat", sizes)
    if len(reps) < x.ndim:
        raise ValueError(f"repeat: {len(reps)} repetition counts for a tensor of {x.ndim} dimensions; give at "
                         f"least one per dimension (torch.repeat's rule).")
    return tile(x, reps)


def repeat_interleave(x: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None) -> Tensor:
    """torch.repeat_interleave: each entry of x repeated ``repeats`` times (an int, or one count per entry)
    along ``dim`` (x flattened when None); a gather, so the gradient sums the copies. With only a tensor of
    counts, ``repeat_interleave(counts)`` gives each index i counts[i] times."""
    if repeats is None:
        counts = np.asarray(x.numpy(force=True) if isinstance(x, Tensor) else x)
        if counts.ndim != 1 or counts.dtype.kind not in "iu":
            raise ValueError(f"repeat_interleave: a lone argument must be a 1-d integer tensor of counts, got "
                             f"shape {counts.shape} of {counts.dtype}.")
        return Tensor._make(np.repeat(np.arange(counts.size), counts), None, False)
    x = lift(x)
    if dim is None:
        x, axis = reshape(x, (-1,)), 0
    else:
        axis = one_axis("repeat_interleave", dim, x.ndim)
    counts = np.asarray(repeats.numpy(force=True) if isinstance(repeats, Tensor) else repeats)
    n = x.shape[axis] if x.ndim else 1
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or counts.ndim == 1 and counts.size not in (1, n):
        raise ValueError(f"repeat_interleave: repeats must be an int or a 1-d integer tensor with one count per "
                         f"entry ({n}) along the dim, got {counts!r}.")
    if (counts < 0).any():
        raise ValueError(f"repeat_interleave: repeats must not be negative, got {counts!r}.")
    index = np.repeat(np.arange(n), counts)
    if output_size is not None and index.size != output_size:
        raise ValueError(f"repeat_interleave: output_size={output_size} but the repeats give {index.size}.")
    return x[(slice(None),) * axis + (index,)]


def unsqueeze(x: Any, dim: int) -> Tensor:
    """x with a new axis of size 1 at ``dim`` (negative counts from the end of the result)."""
    x = lift(x)
    axis = one_axis("unsqueeze", dim, x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def squeeze(x: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """x without axes of size 1 (all of them, or those of ``dim``; a ``dim`` whose size is not 1 is left, as PyTorch)."""
    x = lift(x)
    along = _axis_or_dim("squeeze", dim, axis, default=None)
    if along is None:
        drop = {i for i, s in enumerate(x.shape) if s == 1}
    else:
        along = [along] if isinstance(along, (int, np.integer)) else along
        drop = {a for a in (one_axis("squeeze", d, x.ndim) for d in along) if x.ndim and x.shape[a] == 1}
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in drop))


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """x with axes start_dim..end_dim merged into one (torch.flatten; a 0-d tensor becomes 1-d)."""
    x = lift(x)
    if x.ndim == 0:
        return reshape(x, (1,))
    start, end = one_axis("flatten", start_dim, x.ndim), one_axis("flatten", end_dim, x.ndim)
    if start > end:
        raise ValueError(f"flatten: start_dim ({start_dim}) comes after end_dim ({end_dim}) for shape {x.shape}.")
    return reshape(x, x.shape[:start] + (int(np.prod(x.shape[start:end + 1])),) + x.shape[end + 1:])


def permute(x: Any, *dims: Any) -> Tensor:
    """x with its axes in the order ``dims`` (torch.permute)."""
    x = lift(x)
    order = _int_sequence("permute", dims)
    if len(order) != x.ndim:
        raise ValueError(f"permute: {len(order)} dims {order} for a tensor of {x.ndim} dimensions {x.shape}.")
    return transpose(x, order)


def movedim(x: Any, source: Any, destination: Any) -> Tensor:
    """x with axis ``source`` moved to ``destination`` (the others keep their order); also lists of axes."""
    x = lift(x)
    return transpose(x, _moved_order(x.ndim, source, destination))


def _moved_order(ndim: int, source: Any, destination: Any) -> tuple[int, ...]:
    source = [source] if isinstance(source, (int, np.integer)) else list(source)
    destination = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(source) != len(destination):
        raise ValueError(f"movedim: {len(source)} source axes for {len(destination)} destinations.")
    source = [one_axis("movedim", s, ndim) for s in source]
    destination = [one_axis("movedim", d, ndim) for d in destination]
    rest = [a for a in range(ndim) if a not in source]
    order = [None] * ndim
    for s, d in zip(source, destination):
        order[d] = s
    fill = iter(rest)
    return tuple(a if a is not None else next(fill) for a in order)


def expand(x: Any, *sizes: Any) -> Tensor:
    """x broadcast to ``sizes`` (torch.expand: -1 keeps an axis; new axes go in front)."""
    x = lift(x)
    target = _int_sequence("expand", sizes)
    lead = len(target) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: {len(target)} sizes {target} for a tensor of {x.ndim} dimensions {x.shape}.")
    shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target))
    if any(s < 0 for s in shape):
        raise ValueError(f"expand: -1 is only allowed for existing dimensions, got {target} for shape {x.shape}.")
    return broadcast_to(x, shape)


class Clone(Function):
    """y = a copy of x in memory of its own;  dL/dx = dL/dy."""

    @staticmethod
    def forward(ctx, x):
        return np.array(x, order="C")

    @staticmethod
    def backward(ctx, g):
        return g


def clone(x: Any) -> Tensor:
    """A copy of x with its own (C-contiguous) memory; gradients flow back to x."""
    return Clone.apply(lift(x))
