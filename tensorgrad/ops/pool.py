"""Pooling in PyTorch's NCHW layout: max_pool2d (with indices), avg_pool2d, their 1-d forms, adaptive_avg_pool2d/1d.

Max pooling is a gather (each output picks its window's largest input), so its VJP is a scatter-add;
average pooling is a convolution with a constant kernel, so its VJP is the transposed convolution of
conv2d, with that kernel; adaptive average pooling is two averaging matrices, one per spatial axis.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from .arith import matmul
from .conv import _conv_transposed, output_size, resolve_padding


def _windows(xp: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
             dilation: tuple[int, int]) -> np.ndarray:
    """(n, c, oh, ow, kh, kw) view of the windows of a padded (n, c, hp, wp) array."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = output_size(xp.shape[2], kh, sh, dh), output_size(xp.shape[3], kw, sw, dw)
    view = sliding_window_view(xp, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3))
    return view[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :oh, :ow]


def _window_max(xp: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
                dilation: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The max of each window and the window position k = p·kw + q it came from, as a running max over the
    kh·kw positions (each an (n, c, oh, ow) strided plane of ``xp``): position k takes over where its value is
    larger than every earlier one, or NaN, so ties keep the first and NaN wins (PyTorch's rule). Both keep
    the memory layout of ``xp`` (as PyTorch keeps channels_last), so channels-last layers never transpose."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = output_size(xp.shape[2], kh, sh, dh), output_size(xp.shape[3], kw, sw, dw)
    planes = [xp[:, :, p * dh:p * dh + (oh - 1) * sh + 1:sh, q * dw:q * dw + (ow - 1) * sw + 1:sw]
              for p in range(kh) for q in range(kw)]
    y = np.array(planes[0], order="K")              # in the input's memory layout (channels last stays so)
    arg = np.zeros_like(y, dtype=np.uint8 if kh * kw <= 256 else np.int32)
    for k, plane in enumerate(planes[1:], start=1):
        plane = np.array(plane, order="K")
        takes_over = np.greater(plane, y)
        takes_over |= np.isnan(plane)
        np.maximum(arg, takes_over * arg.dtype.type(k), out=arg)    # the last take-over is the argmax
        np.maximum(y, plane, out=y)
    return y, arg


def _memory_order(x: np.ndarray) -> tuple[int, ...]:
    """x's axes from the outermost in memory to the innermost (0, 1, 2, 3 for NCHW; 0, 2, 3, 1 for channels last)."""
    return tuple(int(axis) for axis in np.argsort([-abs(stride) for stride in x.strides], kind="stable"))


def _lowest(dtype: np.dtype) -> Any:
    """The value below every other of ``dtype`` (what max pooling pads with): -inf, or an integer type's minimum."""
    if dtype.kind == "f":
        return -np.inf
    return False if dtype.kind == "b" else np.iinfo(dtype).min


def _padded(x: np.ndarray, padding: tuple[int, int, int, int], value: float) -> np.ndarray:
    """x with (top, bottom, left, right) rows and columns of ``value`` around it, in x's memory layout."""
    top, bottom, left, right = padding
    n, c, h, w = x.shape
    shape, order = (n, c, h + top + bottom, w + left + right), _memory_order(x)
    xp = np.full(tuple(shape[axis] for axis in order), value, dtype=x.dtype).transpose(tuple(np.argsort(order)))
    xp[:, :, top:top + h, left:left + w] = x
    return xp


def _first_inside(input_shape: tuple, output_shape: tuple, kernel: tuple[int, int], stride: tuple[int, int],
                  padding: tuple[int, int, int, int], dilation: tuple[int, int]) -> np.ndarray:
    """(oh, ow) table of each window's first position k that lies inside the unpadded input."""
    (kh, kw), (sh, sw), (dh, dw), (top, _, left, _) = kernel, stride, dilation, padding
    rows = np.arange(output_shape[2]).reshape(-1, 1, 1) * sh + np.arange(kh).reshape(1, -1, 1) * dh - top
    cols = np.arange(output_shape[3]).reshape(-1, 1, 1) * sw + np.arange(kw).reshape(1, 1, -1) * dw - left
    row_in = (rows >= 0) & (rows < input_shape[2])                         # (oh, kh, 1)
    col_in = (cols >= 0) & (cols < input_shape[3])                         # (ow, 1, kw)
    inside = row_in[:, None] & col_in[None]                                # (oh, ow, kh, kw)
    return inside.reshape(inside.shape[0], inside.shape[1], -1).argmax(axis=-1)


class MaxPool2d(Function):
    """y[n, c, i, j] = max_{p,q} xp[n, c, i·s + p·d, j·s + q·d] (the first maximum; padding is -inf, or an
    integer type's minimum);
    dL/dx = g scattered to each window's argmax (added where windows overlap)."""
    label_shape = True          # graph pictures show the output shape under the name
    name = "max_pool2d"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation):
        top, bottom, left, right = padding
        xp = _padded(x, padding, _lowest(x.dtype)) if any(padding) else x
        y, arg = _window_max(xp, kernel, stride, dilation)
        if any(padding) and np.isneginf(y).any():    # windows whose inputs are all -inf: the first input, not padding
            arg = np.where(np.isneginf(y), _first_inside(x.shape, y.shape, kernel, stride, padding, dilation), arg)
        ctx.arg, ctx.layout = arg, _memory_order(x)
        ctx.input_shape, ctx.kernel, ctx.stride, ctx.padding, ctx.dilation = x.shape, kernel, stride, padding, dilation
        ctx.name = f"max_pool2d {kernel[0]}x{kernel[1]}"
        return y

    @staticmethod
    def backward(ctx, g):
        n, c, h, w = ctx.input_shape
        (sh, sw), (dh, dw), (top, bottom, left, right) = ctx.stride, ctx.dilation, ctx.padding
        padded, order = (n, c, h + top + bottom, w + left + right), ctx.layout
        in_memory = tuple(padded[axis] for axis in order)              # the padded input's axes as laid out
        size = int(np.prod(padded))
        kind = np.int32 if size < 2**31 else np.int64
        step = np.empty(4, dtype=kind)                                 # elements between neighbours along each axis
        step[list(order)] = np.cumprod((1,) + in_memory[:0:-1])[::-1]
        # flat position of each window's argmax: the window's corner plus position k's offset, built in the
        # input's memory order (so every array here is contiguous and the index one run)
        offset = (np.arange(ctx.kernel[0], dtype=kind).reshape(-1, 1) * (dh * step[2])
                  + np.arange(ctx.kernel[1], dtype=kind) * (dw * step[3])).reshape(-1)
        counts, spacing = (n, c) + ctx.arg.shape[2:], (step[0], step[1], sh * step[2], sw * step[3])
        corner = sum(np.arange(counts[axis], dtype=kind).reshape([-1 if at == place else 1 for at in range(4)])
                     * spacing[axis] for place, axis in enumerate(order))
        index = (corner + np.take(offset, ctx.arg.transpose(order))).reshape(-1)
        flat = ctx.F.add_at(g.transpose(order).reshape(-1), (size,), index)
        gp = flat.reshape(in_memory).transpose(tuple(np.argsort(order)))
        return gp[:, :, top:top + h, left:left + w] if any(ctx.padding) else gp


def _flat_indices(arg: np.ndarray, input_shape: tuple, kernel: tuple[int, int], stride: tuple[int, int],
                  padding: tuple[int, int, int, int], dilation: tuple[int, int]) -> np.ndarray:
    """PyTorch's indices of max_pool2d: each window's argmax as row·W + col in its unpadded input plane
    (int64), from the window position k = p·kw + q that :func:`_window_max` keeps."""
    (kw, (sh, sw), (dh, dw), (top, _, left, _)) = kernel[1], stride, dilation, padding
    p, q = np.divmod(arg.astype(np.int64), kw)
    rows = np.arange(arg.shape[2]).reshape(-1, 1) * sh - top + p * dh
    cols = np.arange(arg.shape[3]) * sw - left + q * dw
    return rows * input_shape[3] + cols


class MaxPool2dWithIndices(MaxPool2d):
    """max_pool2d that also hands its argmax positions (as PyTorch's flat indices) to the list ``indices``
    (a Function returns one array); value and gradient are MaxPool2d's."""
    name = "max_pool2d_with_indices"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, indices):
        y = MaxPool2d.forward(ctx, x, kernel, stride, padding, dilation)
        indices.append(_flat_indices(ctx.arg, x.shape, kernel, stride, padding, dilation))
        return y


class AvgPool2d(Function):
    """y[n, c, i, j] = Σ_window x / count[i, j] (count: :func:`_avg_divisor`, PyTorch's rule);
    dL/dx = transposed convolution of g / count with a kernel of ones (as conv2d's input gradient)."""
    label_shape = True          # graph pictures show the output shape under the name
    name = "avg_pool2d"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, divisor):
        top, bottom, left, right = padding
        pads = ((0, 0), (0, 0), (top, bottom), (left, right))
        xp = np.pad(x, pads) if any(padding) else x
        total = _windows(xp, kernel, stride, (1, 1)).sum(axis=(-2, -1))
        count = np.asarray(divisor, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
        ctx.count, ctx.input_shape, ctx.stride, ctx.crop = count, x.shape, stride, (top, left)
        ctx.ones = np.ones((1, 1) + tuple(kernel), dtype=x.dtype)
        ctx.name = f"avg_pool2d {kernel[0]}x{kernel[1]}"
        return total / count

    @staticmethod
    def backward(ctx, g):
        n, c, h, w = ctx.input_shape
        planes = (g / ctx.count).reshape((n * c, 1) + tuple(g.shape[2:]))
        spread = _conv_transposed(planes, ctx.ones, ctx.stride, (1, 1), 1, ctx.crop, (h, w), ctx.create_graph)
        return spread.reshape(ctx.input_shape)


# ------------------------------------------------------------------ public functions
def _pair(value: Any, what: str, who: str, minimum: int = 1) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in pair):
        raise ValueError(f"{who}: {what} must be an integer >= {minimum} or a pair of them, got {value!r}.")
    return int(pair[0]), int(pair[1])


def _pool_args(who: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any,
               dilation: Any = 1) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int, int, int], tuple[int, int]]:
    if x.ndim != 4:
        raise ValueError(f"{who}: input must be (batch, channels, height, width) or (channels, height, width), got "
                         f"shape {x.shape}.")
    kernel = _pair(kernel_size, "kernel_size", who)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _pair(stride, "stride", who)
    dilation = _pair(dilation, "dilation", who)
    pads = resolve_padding(padding, x.shape[2:], kernel, stride, dilation, who)
    if not isinstance(padding, str) and any(p > k // 2 for p, k in zip(pads, (kernel[0],) * 2 + (kernel[1],) * 2)):
        raise ValueError(f"{who}: padding {padding!r} must be at most half the kernel size {kernel} (as PyTorch).")
    for axis, (size, k, d) in enumerate(zip((x.shape[2] + pads[0] + pads[1], x.shape[3] + pads[2] + pads[3]),
                                            kernel, dilation)):
        if size < d * (k - 1) + 1:
            raise ValueError(f"{who}: the window ({d * (k - 1) + 1} along spatial axis {axis}) is larger than the "
                             f"padded input ({size}); input shape {x.shape}.")
    return kernel, stride, pads, dilation


def _ceil_padding(x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], pads: tuple[int, int, int, int],
                  dilation: tuple[int, int]) -> tuple[int, int, int, int]:
    """PyTorch's ceil_mode: extra bottom/right padding for a last partial window that starts inside the input
    or its left padding."""
    extra = []
    for size, k, s, d, before, after in zip(x.shape[2:], kernel, stride, dilation, pads[0::2], pads[1::2]):
        span = size + before + after - d * (k - 1) - 1
        out = -(-span // s) + 1
        if (out - 1) * s >= size + before:
            out -= 1
        extra.append(max(0, (out - 1) * s + d * (k - 1) + 1 - (size + before + after)))
    return pads[0], pads[1] + extra[0], pads[2], pads[3] + extra[1]


def _one_sample(pool: Any, x: Tensor, *args: Any) -> Any:
    """``pool`` of one sample without its batch axis ((C, H, W) or (C, L), as PyTorch takes it): a batch of one."""
    pooled = pool(x.reshape((1,) + x.shape), *args)
    if isinstance(pooled, tuple):
        return tuple(t.reshape(t.shape[1:]) for t in pooled)
    return pooled.reshape(pooled.shape[1:])


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over (kh, kw) windows of an (N, C, H, W) (or (C, H, W)) input, PyTorch's arguments (stride defaults to the
    kernel size; padding counts as -inf; 'same'/'valid' as Keras). ``return_indices=True`` also returns
    each maximum's flat index h·W + w in its input plane (int64), for ``max_unpool2d``."""
    x = lift(input)
    if x.ndim == 3:
        return _one_sample(max_pool2d, x, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    kernel, stride, pads, dilation = _pool_args("max_pool2d", x, kernel_size, stride, padding, dilation)
    if ceil_mode:
        pads = _ceil_padding(x, kernel, stride, pads, dilation)
    if not return_indices:
        return MaxPool2d.apply(x, kernel=kernel, stride=stride, padding=pads, dilation=dilation)
    indices: list[np.ndarray] = []
    y = MaxPool2dWithIndices.apply(x, kernel=kernel, stride=stride, padding=pads, dilation=dilation, indices=indices)
    return y, Tensor(indices[0])


def max_pool2d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """PyTorch's F.max_pool2d_with_indices: ``max_pool2d(..., return_indices=True)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def _avg_divisor(size: tuple[int, int], out: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
                 padding: tuple[int, int, int, int], count_include_pad: bool) -> np.ndarray | int:
    """Each window's divisor, as PyTorch counts it: a window [i·s - before, i·s - before + k) is first cut at
    the padded input's end (size + after: the extra cells ceil_mode adds never count), then, unless
    ``count_include_pad``, to the input itself; (oh, ow) counts, or one int when all windows agree."""
    counts = []
    for n, o, k, s, before, after in zip(size, out, kernel, stride, padding[0::2], padding[1::2]):
        start = np.arange(o) * s - before
        end = np.minimum(start + k, n + after)
        counts.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    table = counts[0].reshape(-1, 1) * counts[1]
    return int(table.flat[0]) if (table == table.flat[0]).all() else table


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over (kh, kw) windows of an (N, C, H, W) (or (C, H, W)) input, PyTorch's arguments (zero padding counted
    unless ``count_include_pad=False``; Keras's 'same' pooling excludes it; ``ceil_mode`` keeps a last
    partial window, counted as PyTorch does; ``divisor_override`` divides every window's sum by it)."""
    x = lift(input)
    if x.ndim == 3:
        return _one_sample(avg_pool2d, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    kernel, stride, pads, _ = _pool_args("avg_pool2d", x, kernel_size, stride, padding)
    if divisor_override is not None and (isinstance(divisor_override, bool) or divisor_override == 0
                                         or not isinstance(divisor_override, (int, np.integer))):
        raise ValueError(f"avg_pool2d: divisor_override must be a non-zero integer (or None for the window's "
                         f"count), got {divisor_override!r}.")
    full = _ceil_padding(x, kernel, stride, pads, (1, 1)) if ceil_mode else pads
    if divisor_override is not None:
        divisor = int(divisor_override)
    elif full == pads and (count_include_pad or not any(pads)):      # every window whole: no table to build
        divisor = kernel[0] * kernel[1]
    else:
        out = tuple(output_size(n + before + after, k, s, 1)
                    for n, k, s, before, after in zip(x.shape[2:], kernel, stride, full[0::2], full[1::2]))
        divisor = _avg_divisor(x.shape[2:], out, kernel, stride, pads, bool(count_include_pad))
    return AvgPool2d.apply(x, kernel=kernel, stride=stride, padding=full, divisor=divisor)


def _as_2d(who: str, x: Tensor) -> Tensor:
    if x.ndim != 3:
        raise ValueError(f"{who}: input must be (batch, channels, length) or (channels, length), got shape {x.shape}.")
    return x.reshape((x.shape[0], x.shape[1], 1, x.shape[2]))


def _single(value: Any, who: str, what: str) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, (int, np.integer)):
        raise ValueError(f"{who}: {what} must be an integer, got {value!r}.")
    return int(value)


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Max over windows of an (N, C, L) (or (C, L)) input (max_pool2d over a height of 1); ``return_indices=True`` also
    returns each maximum's position in its row (int64)."""
    if lift(input).ndim == 2:
        return _one_sample(max_pool1d, lift(input), kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    x = _as_2d("max_pool1d", lift(input))
    k = _single(kernel_size, "max_pool1d", "kernel_size")
    s = k if stride is None else _single(stride, "max_pool1d", "stride")
    p = _single(padding, "max_pool1d", "padding")
    pooled = max_pool2d(x, (1, k), (1, s), p if isinstance(p, str) else (0, p),
                        (1, _single(dilation, "max_pool1d", "dilation")), ceil_mode, return_indices)
    rows = [t.reshape((t.shape[0], t.shape[1], t.shape[3])) for t in (pooled if return_indices else (pooled,))]
    return tuple(rows) if return_indices else rows[0]


def max_pool1d_with_indices(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """PyTorch's F.max_pool1d_with_indices: ``max_pool1d(..., return_indices=True)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over windows of an (N, C, L) (or (C, L)) input (avg_pool2d over a height of 1; ceil_mode as there)."""
    if lift(input).ndim == 2:
        return _one_sample(avg_pool1d, lift(input), kernel_size, stride, padding, ceil_mode, count_include_pad)
    x = _as_2d("avg_pool1d", lift(input))
    k = _single(kernel_size, "avg_pool1d", "kernel_size")
    s = k if stride is None else _single(stride, "avg_pool1d", "stride")
    p = _single(padding, "avg_pool1d", "padding")
    y = avg_pool2d(x, (1, k), (1, s), p if isinstance(p, str) else (0, p), ceil_mode, count_include_pad)
    return y.reshape((y.shape[0], y.shape[1], y.shape[3]))


def _averaging_matrix(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """(out, size): row i averages PyTorch's adaptive window ⌊i·size/out⌋ .. ⌈(i+1)·size/out⌉."""
    m = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        start, end = (i * size) // out, -(-((i + 1) * size) // out)
        m[i, start:end] = 1.0 / (end - start)
    return m


def adaptive_avg_pool2d(input: Any, output_size: Any) -> Tensor:
    """Average pooling of an (N, C, H, W) (or (C, H, W)) input to ``output_size`` (an int, or a pair whose
    None entries keep that axis): y = A_h x A_wᵀ with PyTorch's windows as averaging matrices."""
    x = lift(input)
    if x.ndim not in (3, 4):
        raise ValueError(f"adaptive_avg_pool2d: input must be (N, C, H, W) or (C, H, W), got shape {x.shape}.")
    sizes = (output_size, output_size) if isinstance(output_size, (int, np.integer)) or output_size is None \
        else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}.")
    oh, ow = (x.shape[-2] if sizes[0] is None else sizes[0]), (x.shape[-1] if sizes[1] is None else sizes[1])
    if not all(isinstance(v, (int, np.integer)) and v >= 1 for v in (oh, ow)):
        raise ValueError(f"adaptive_avg_pool2d: output_size must be positive integers, got {output_size!r}.")
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    rows = _averaging_matrix(x.shape[-2], int(oh), dtype)
    cols = _averaging_matrix(x.shape[-1], int(ow), dtype)
    return matmul(matmul(rows, x), cols.T)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Tensor:
    """Average pooling of an (N, C, L) (or (C, L)) input to ``output_size`` steps: y = x Aᵀ with PyTorch's
    windows ⌊i·L/out⌋ .. ⌈(i+1)·L/out⌉ as the averaging matrix A."""
    x = lift(input)
    if x.ndim not in (2, 3):
        raise ValueError(f"adaptive_avg_pool1d: input must be (N, C, L) or (C, L), got shape {x.shape}.")
    size = x.shape[-1] if output_size is None else _single(output_size, "adaptive_avg_pool1d", "output_size")
    if size < 1:
        raise ValueError(f"adaptive_avg_pool1d: output_size must be a positive integer, got {output_size!r}.")
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    return matmul(x, _averaging_matrix(x.shape[-1], size, dtype).T)
