"""Convolution (conv2d, conv1d) and its transpose (conv_transpose2d, conv_transpose1d), in PyTorch's NCHW
layout, each one matrix product over strided windows.

The forward is a cross-correlation (what deep learning calls convolution):
    y[n, o, i, j] = b[o] + Σ_{c,p,q} xp[n, c, i·s + p·d, j·s + q·d] · w[o, c, p, q]
with xp the zero-padded input, s the stride and d the dilation. numpy's ``sliding_window_view`` gives
the windows without copying; one matrix product per chunk of the batch multiplies them with the kernel.
The transposed convolution runs the same map backwards: each input pixel's channels times the kernel
give a window's worth of values, added back into the window (col2im):
    x[n, c, i·s + p·d - top, j·s + q·d - left] += Σ_o y[n, o, i, j] · w[o, c, p, q].

The two are each other's adjoint, so each one's gradients are the other: conv2d's input gradient is
the transposed convolution of g, the transposed convolution's input gradient is the convolution of g;
both weight gradients are Σ g ⊗ windows of the padded input: on arrays gᵀ times the im2col matrix, and
under create_graph the same sum as a recorded correlation (batch and channels swapped, stride d,
dilation s). Each is computed by the ops themselves, so all are differentiable again.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from ..tensor import Tensor
from ._convert import lift

# im2col elements per chunk of the batch: bounds a step's peak memory (16 MB of float32) on big batches
CHUNK_ELEMENTS = 1 << 22


def output_size(size: int, kernel: int, stride: int, dilation: int) -> int:
    """Windows along an axis of ``size`` (already padded): ⌊(size - d(k-1) - 1) / s⌋ + 1."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


def _is_channels_last(x: Any) -> bool:
    """Whether an (N, C, H, W) array is laid out channels last (the channel axis steps forward and least
    through memory), as the Keras layers' inputs are. A PyTorch-style contiguous array is not: numpy gives
    even a single channel its natural stride H·W, and where channel and column strides tie (a single column)
    it counts as contiguous."""
    s1, s3 = x.strides[1], abs(x.strides[3])
    return s1 > 0 and (s1 < s3 or (s1 == s3 and x.shape[3] > 1))


def _in_layout_of(x: Any, y: np.ndarray) -> np.ndarray:
    """y (computed channels last) as PyTorch lays out an op's output: channels last for a channels-last
    input, else contiguous NCHW (so ``.view`` works on it as in PyTorch)."""
    return y if _is_channels_last(x) else np.ascontiguousarray(y)


def _chunk_rows(n: int, per_image: int) -> range:
    """Starts of the batch chunks whose im2col matrices hold at most CHUNK_ELEMENTS (one image at least)."""
    return range(0, n, max(1, CHUNK_ELEMENTS // max(1, per_image)))


def _windows(xp: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
             dilation: tuple[int, int]) -> np.ndarray:
    """(n, oh, ow, kh, kw, c) view of the windows of a padded (n, c, hp, wp) array, gathered channels last (each
    window row is then one contiguous run of memory; copying xp channels last is free when it already is)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = output_size(xp.shape[2], kh, sh, dh), output_size(xp.shape[3], kw, sw, dw)
    xl = np.ascontiguousarray(xp.transpose(0, 2, 3, 1))          # (n, hp, wp, c)
    windows = sliding_window_view(xl, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(1, 2))
    return windows[:, ::sh, ::sw, :, ::dh, ::dw][:, :oh, :ow].transpose(0, 1, 2, 4, 5, 3)


def correlate(xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int],
              groups: int) -> np.ndarray:
    """y[n, o, i, j] = Σ_{c,p,q} xp[n, c, i·s + p·d, j·s + q·d] w[o, c, p, q] within each group, on arrays.

    The windows form an im2col matrix of (n·oh·ow, kh·kw·c) per chunk of the batch, multiplied with the
    kernel as (kh·kw·c, out) in one matmul. The result is computed channels-last and returned as an NCHW view."""
    out_ch, cg, kh, kw = w.shape
    windows = _windows(xp, (kh, kw), stride, dilation)
    n, oh, ow = windows.shape[:3]
    kernel = w.transpose(2, 3, 1, 0)                                # (kh, kw, cg, out)
    out = np.empty((n, oh, ow, out_ch), dtype=np.result_type(xp, w))
    og = out_ch // groups
    rows = _chunk_rows(n, cg * kh * kw * oh * ow)
    for start in rows:
        chunk = slice(start, start + rows.step)
        for k in range(groups):
            cols = windows[chunk, ..., k * cg:(k + 1) * cg].reshape(-1, kh * kw * cg)
            prod = cols @ kernel[..., k * og:(k + 1) * og].reshape(kh * kw * cg, og)
            out[chunk, ..., k * og:(k + 1) * og] = prod.reshape(-1, oh, ow, og)
    return out.transpose(0, 3, 1, 2)


def weight_correlate(xp: np.ndarray, g: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int],
                     dilation: tuple[int, int], groups: int) -> np.ndarray:
    """dw[o, c, p, q] = Σ_{n,i,j} g[n, o, i, j] xp[n, c, i·s + p·d, j·s + q·d] within each group, on arrays:
    gᵀ as (out, n·oh·ow) times the forward's im2col matrix (n·oh·ow, kh·kw·c), summed over the batch's chunks."""
    (kh, kw), out_ch = kernel, g.shape[1]
    windows = _windows(xp, kernel, stride, dilation)[:, :g.shape[2], :g.shape[3]]
    n, oh, ow, cg = windows.shape[0], windows.shape[1], windows.shape[2], windows.shape[-1] // groups
    gl = g.transpose(0, 2, 3, 1)                                    # (n, oh, ow, out); free for channels-last data
    og = out_ch // groups
    dw = np.zeros((out_ch, kh * kw * cg), dtype=np.result_type(xp, g))
    rows = _chunk_rows(n, cg * kh * kw * oh * ow)
    for start in rows:
        chunk = slice(start, start + rows.step)
        for k in range(groups):
            cols = windows[chunk, ..., k * cg:(k + 1) * cg].reshape(-1, kh * kw * cg)
            dw[k * og:(k + 1) * og] += gl[chunk, ..., k * og:(k + 1) * og].reshape(-1, og).T @ cols
    return dw.reshape(out_ch, kh, kw, cg).transpose(0, 3, 1, 2)


def transposed_correlate(y: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int],
                         groups: int, crop: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """x[n, c, i·s + p·d - top, j·s + q·d - left] += Σ_o y[n, o, i, j] w[o, c, p, q] within each group, on
    arrays: the adjoint of :func:`correlate`, as col2im. Each chunk's (n·oh·ow, out) pixels times the kernel
    as (out, kh·kw·c) give every window's values in one matmul; they are added back window position by
    window position (kh·kw strided adds) into a channels-last buffer, of which (top, left) + ``size`` is kept."""
    n, out_ch, oh, ow = y.shape
    _, cg, kh, kw = w.shape
    (sh, sw), (dh, dw), (top, left) = stride, dilation, crop
    span_h, span_w = (oh - 1) * sh + dh * (kh - 1) + 1, (ow - 1) * sw + dw * (kw - 1) + 1
    full = np.zeros((n, max(span_h, top + size[0]), max(span_w, left + size[1]), groups * cg),
                    dtype=np.result_type(y, w))
    yl = y.transpose(0, 2, 3, 1)                                    # (n, oh, ow, out); free for channels-last data
    og = out_ch // groups
    rows = _chunk_rows(n, cg * kh * kw * oh * ow)
    for start in rows:
        chunk = slice(start, start + rows.step)
        for k in range(groups):
            kernel = w[k * og:(k + 1) * og].transpose(0, 2, 3, 1).reshape(og, kh * kw * cg)
            cols = (yl[chunk, ..., k * og:(k + 1) * og].reshape(-1, og) @ kernel).reshape(-1, oh, ow, kh, kw, cg)
            for p in range(kh):
                for q in range(kw):
                    full[chunk, p * dh:p * dh + (oh - 1) * sh + 1:sh, q * dw:q * dw + (ow - 1) * sw + 1:sw,
                         k * cg:(k + 1) * cg] += cols[:, :, :, p, q]
    return full[:, top:top + size[0], left:left + size[1]].transpose(0, 3, 1, 2)


def _pad(x: np.ndarray, padding: tuple[int, int, int, int]) -> np.ndarray:
    """x with (top, bottom, left, right) rows and columns of zeros around its spatial axes."""
    top, bottom, left, right = padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right))) if any(padding) else x


def _conv(x: Any, w: Any, stride: tuple[int, int], padding: tuple[int, int, int, int], dilation: tuple[int, int],
          groups: int, recorded: bool) -> Any:
    """The correlation of x with w on arrays, or the recorded op on Tensors (inside a create_graph backward)."""
    if recorded:
        return Conv2d.apply(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    return correlate(_pad(x, padding), w, stride, dilation, groups)


def _conv_transposed(y: Any, w: Any, stride: tuple[int, int], dilation: tuple[int, int], groups: int,
                     crop: tuple[int, int], size: tuple[int, int], recorded: bool) -> Any:
    """The transposed correlation of y with w on arrays, or the recorded op on Tensors."""
    if recorded:
        return ConvTranspose2d.apply(y, w, stride=stride, dilation=dilation, groups=groups, crop=crop, size=size)
    return transposed_correlate(y, w, stride, dilation, groups, crop, size)


def _weight_grad(ctx: Function, g: Any, x: Any, w_shape: tuple) -> Any:
    """dL/dw[o, c, p, q] = Σ_{n,i,j} g[n, o, i, j] xp[n, c, i·s + p·d, j·s + q·d]. On arrays, gᵀ times the
    im2col matrix of the padded input; recorded (create_graph), the same sum as a correlation of the padded
    input (channels as batch) with g (batch as channels), stride d and dilation s, so it is differentiable."""
    if not ctx.create_graph:
        return weight_correlate(_pad(x, ctx.padding), g, w_shape[2:], ctx.stride, ctx.dilation, ctx.groups)
    groups, cg, og = ctx.groups, w_shape[1], w_shape[0] // ctx.groups
    parts = []
    for k in range(groups):
        xs = x[:, k * cg:(k + 1) * cg].transpose((1, 0, 2, 3))                # (cg, n, h, w)
        gs = g[:, k * og:(k + 1) * og].transpose((1, 0, 2, 3))                # (og, n, oh, ow)
        full = _conv(xs, gs, ctx.dilation, ctx.padding, ctx.stride, 1, recorded=True)  # (cg, og, >= kh, >= kw)
        parts.append(full[:, :, :w_shape[2], :w_shape[3]].transpose((1, 0, 2, 3)))
    return parts[0] if groups == 1 else ctx.F.concatenate(parts, axis=0)


def _and_bias_grad(need: tuple, gx: Any, gw: Any, g: Any) -> tuple:
    """(gx, gw), and dL/db = Σ_{n,i,j} g[n, o, i, j] when the op was given a bias."""
    if len(need) == 2:
        return gx, gw
    return gx, gw, (g.sum(axis=(0, 2, 3)) if need[2] else None)


class Conv2d(Function):
    """y = b + x ⋆ w (cross-correlation, stride s, zero padding, dilation d, groups);
    dL/dx = g ⋆ᵀ w (the transposed convolution, cropped to x),  dL/dw = xp ⋆ g (batch as channels,
    stride d, dilation s),  dL/db = Σ_{n,i,j} g[n, o, i, j]."""
    name = "conv2d"
    label_shape = True          # graph pictures show the output shape under the name

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1):
        y = _in_layout_of(x, _conv(x, w, stride, padding, dilation, groups, recorded=False))
        if b is not None:
            y += b.reshape(-1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        ctx.name = f"conv2d {w.shape[2]}x{w.shape[3]}"
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need, recorded = ctx.needs_input_grad, ctx.create_graph
        gx = _conv_transposed(g, w, ctx.stride, ctx.dilation, ctx.groups, (ctx.padding[0], ctx.padding[2]),
                              x.shape[2:], recorded) if need[0] else None
        gw = _weight_grad(ctx, g, x, w.shape) if need[1] else None
        return _and_bias_grad(need, gx, gw, g)


class ConvTranspose2d(Function):
    """y = b + x ⋆ᵀ w (each input pixel times the kernel, added into the window it spreads to, stride s,
    dilation d, the first (top, left) rows and columns cropped to ``size``);
    dL/dx = g ⋆ w (the convolution, padded by the crop),  dL/dw = gp ⋆ x (batch as channels, as conv2d's
    weight gradient with the roles of input and output swapped),  dL/db = Σ_{n,i,j} g[n, o, i, j]."""
    name = "conv_transpose2d"
    label_shape = True          # graph pictures show the output shape under the name

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), dilation=(1, 1), groups=1, crop=(0, 0), size=None):
        y = _in_layout_of(x, transposed_correlate(x, w, stride, dilation, groups, crop, size))
        if b is not None:
            y += b.reshape(-1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.dilation, ctx.groups = stride, dilation, groups
        # the convolution whose adjoint this is: the padding that turns y's size back into x's
        (kh, kw), (oh, ow) = w.shape[2:], x.shape[2:]
        bottom = (oh - 1) * stride[0] + dilation[0] * (kh - 1) + 1 - crop[0] - size[0]
        right = (ow - 1) * stride[1] + dilation[1] * (kw - 1) + 1 - crop[1] - size[1]
        ctx.padding = (crop[0], max(bottom, 0), crop[1], max(right, 0))
        ctx.name = f"conv_transpose2d {kh}x{kw}"
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need, recorded = ctx.needs_input_grad, ctx.create_graph
        n_rows, n_cols = x.shape[2:]
        gx = _conv(g, w, ctx.stride, ctx.padding, ctx.dilation, ctx.groups, recorded)[:, :, :n_rows, :n_cols] \
            if need[0] else None
        gw = _weight_grad(ctx, x, g, w.shape) if need[1] else None      # g plays the input, x the output
        return _and_bias_grad(need, gx, gw, g)


# ------------------------------------------------------------------ public functions and argument checks
def _pair(value: Any, what: str, minimum: int, who: str = "conv2d") -> tuple[int, int]:
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in pair):
        raise ValueError(f"{who}: {what} must be an integer >= {minimum} or a pair of them, got {value!r}.")
    return int(pair[0]), int(pair[1])


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """Keras's (and PyTorch's, at stride 1) 'same': output ⌈size / s⌉, total padding split with the odd
    one after: total = max((⌈size/s⌉ - 1)·s + d(k-1) + 1 - size, 0)."""
    total = max((-(-size // stride) - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def resolve_padding(padding: Any, spatial: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
                    dilation: tuple[int, int], who: str = "conv2d") -> tuple[int, int, int, int]:
    """(top, bottom, left, right) from 'valid', 'same', an int, a pair (each side of an axis alike) or a
    4-tuple."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0, 0, 0
        if mode == "same":
            return (*same_padding(spatial[0], kernel[0], stride[0], dilation[0]),
                    *same_padding(spatial[1], kernel[1], stride[1], dilation[1]))
        raise ValueError(f"{who}: padding must be 'valid', 'same', an integer or a tuple, got {padding!r}.")
    pads = (padding,) * 2 if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(pads) == 2:
        pads = (pads[0], pads[0], pads[1], pads[1])
    if len(pads) != 4 or not all(isinstance(p, (int, np.integer)) and p >= 0 for p in pads):
        raise ValueError(f"{who}: padding must be 'valid', 'same', a non-negative integer, a pair (height, width) "
                         f"or (top, bottom, left, right), got {padding!r}.")
    return tuple(int(p) for p in pads)  # type: ignore[return-value]


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Tensor:
    """2-d convolution (cross-correlation) of ``input`` (N, C, H, W) with ``weight`` (O, C/groups, kh, kw),
    PyTorch's layout; ``padding`` is 'valid', 'same', an int, (ph, pw) or (top, bottom, left, right)."""
    x, w = lift(input), lift(weight)
    if x.ndim != 4:
        raise ValueError(f"conv2d: input must be 4-d (batch, channels, height, width), got shape {x.shape}; "
                         f"add a batch axis with x.reshape((1,) + x.shape) for one image.")
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-d (out_channels, in_channels/groups, kh, kw), got {w.shape}.")
    if not isinstance(groups, (int, np.integer)) or groups < 1 or x.shape[1] % groups or w.shape[0] % groups:
        raise ValueError(f"conv2d: groups={groups!r} must be a positive integer dividing the input channels "
                         f"({x.shape[1]}) and the output channels ({w.shape[0]}).")
    if x.shape[1] != w.shape[1] * groups:
        raise ValueError(f"conv2d: input of shape {x.shape} has {x.shape[1]} channels, but the weight {w.shape} "
                         f"with groups={groups} expects {w.shape[1] * groups}.")
    stride, dilation = _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
    pads = resolve_padding(padding, x.shape[2:], w.shape[2:], stride, dilation)
    for axis, (size, k, d) in enumerate(zip((x.shape[2] + pads[0] + pads[1], x.shape[3] + pads[2] + pads[3]),
                                            w.shape[2:], dilation)):
        if size < d * (k - 1) + 1:
            raise ValueError(f"conv2d: the padded input ({size} along spatial axis {axis}) is smaller than the "
                             f"dilated kernel ({d * (k - 1) + 1}); input {x.shape}, weight {w.shape}. Pad more or "
                             f"use a smaller kernel.")
    args = (x, w) if bias is None else (x, w, lift(bias, w))
    if bias is not None and args[2].shape != (w.shape[0],):
        raise ValueError(f"conv2d: bias must have shape ({w.shape[0]},) for {w.shape[0]} output channels, "
                         f"got {args[2].shape}.")
    return Conv2d.apply(*args, stride=stride, padding=pads, dilation=dilation, groups=int(groups))


def conv1d(input: Any, weight: Any, bias: Any = None, stride: int = 1, padding: Any = 0, dilation: int = 1,
           groups: int = 1) -> Tensor:
    """1-d convolution of ``input`` (N, C, L) with ``weight`` (O, C/groups, k): conv2d over a height of 1."""
    x, w = lift(input), lift(weight)
    if x.ndim != 3 or w.ndim != 3:
        raise ValueError(f"conv1d: input must be (batch, channels, length) and weight (out, in/groups, k); got "
                         f"shapes {x.shape} and {w.shape}.")
    if isinstance(padding, str):
        pad2: Any = padding
    else:
        pads = (padding, padding) if isinstance(padding, (int, np.integer)) else tuple(padding)
        if len(pads) != 2:
            raise ValueError(f"conv1d: padding must be 'valid', 'same', an integer or (left, right), got {padding!r}.")
        pad2 = (0, 0, *pads)
    y = conv2d(x.reshape((x.shape[0], x.shape[1], 1, x.shape[2])), w.reshape((w.shape[0], w.shape[1], 1, w.shape[2])),
               bias, stride=(1, _single(stride, "stride")), padding=pad2, dilation=(1, _single(dilation, "dilation")),
               groups=groups)
    return y.reshape((y.shape[0], y.shape[1], y.shape[3]))


def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The transposed convolution (the input gradient of conv2d) of ``input`` (N, C_in, H, W) with ``weight``
    (C_in, C_out/groups, kh, kw), PyTorch's arguments and layout; the output has
    (H - 1)·s - 2·padding + d·(kh - 1) + output_padding + 1 rows (and the same for columns)."""
    x, w = lift(input), lift(weight)
    if x.ndim != 4:
        raise ValueError(f"conv_transpose2d: input must be 4-d (batch, channels, height, width), got shape {x.shape}.")
    if w.ndim != 4:
        raise ValueError(f"conv_transpose2d: weight must be 4-d (in_channels, out_channels/groups, kh, kw), got "
                         f"{w.shape}.")
    if not isinstance(groups, (int, np.integer)) or groups < 1 or x.shape[1] % groups:
        raise ValueError(f"conv_transpose2d: groups={groups!r} must be a positive integer dividing the input "
                         f"channels ({x.shape[1]}).")
    if min(x.shape[2:]) < 1:
        raise ValueError(f"conv_transpose2d: the input of shape {x.shape} has no pixels; give it at least one row "
                         f"and column.")
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"conv_transpose2d: input of shape {x.shape} has {x.shape[1]} channels, but the weight "
                         f"{w.shape} expects {w.shape[0]} (its first axis is the input channels, PyTorch's layout).")
    stride, dilation = _pair(stride, "stride", 1, "conv_transpose2d"), _pair(dilation, "dilation", 1, "conv_transpose2d")
    pads = _pair(padding, "padding", 0, "conv_transpose2d")
    extra = _pair(output_padding, "output_padding", 0, "conv_transpose2d")
    for e, s_, d in zip(extra, stride, dilation):
        if e >= max(s_, d):
            raise ValueError(f"conv_transpose2d: output_padding {output_padding!r} must be smaller than the stride "
                             f"{stride} or the dilation {dilation} (as PyTorch).")
    size = tuple((n - 1) * s_ - 2 * p + d * (k - 1) + e + 1
                 for n, s_, p, d, k, e in zip(x.shape[2:], stride, pads, dilation, w.shape[2:], extra))
    if min(size) < 1:
        raise ValueError(f"conv_transpose2d: padding {padding!r} leaves an empty output ({size}) for input {x.shape} "
                         f"and weight {w.shape}.")
    out_channels = w.shape[1] * groups
    args = (x, w) if bias is None else (x, w, lift(bias, w))
    if bias is not None and args[2].shape != (out_channels,):
        raise ValueError(f"conv_transpose2d: bias must have shape ({out_channels},) for {out_channels} output "
                         f"channels, got {args[2].shape}.")
    return ConvTranspose2d.apply(*args, stride=stride, dilation=dilation, groups=int(groups), crop=pads, size=size)


def conv_transpose1d(input: Any, weight: Any, bias: Any = None, stride: int = 1, padding: int = 0,
                     output_padding: int = 0, groups: int = 1, dilation: int = 1) -> Tensor:
    """The transposed 1-d convolution of ``input`` (N, C_in, L) with ``weight`` (C_in, C_out/groups, k):
    conv_transpose2d over a height of 1."""
    x, w = lift(input), lift(weight)
    if x.ndim != 3 or w.ndim != 3:
        raise ValueError(f"conv_transpose1d: input must be (batch, channels, length) and weight (in, out/groups, k); "
                         f"got shapes {x.shape} and {w.shape}.")
    y = conv_transpose2d(x.reshape((x.shape[0], x.shape[1], 1, x.shape[2])),
                         w.reshape((w.shape[0], w.shape[1], 1, w.shape[2])), bias,
                         stride=(1, _single(stride, "stride", "conv_transpose1d")),
                         padding=(0, _single(padding, "padding", "conv_transpose1d", 0)),
                         output_padding=(0, _single(output_padding, "output_padding", "conv_transpose1d", 0)),
                         groups=groups, dilation=(1, _single(dilation, "dilation", "conv_transpose1d")))
    return y.reshape((y.shape[0], y.shape[1], y.shape[3]))


def _single(value: Any, what: str, who: str = "conv1d", minimum: int = 1) -> int:
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{who}: {what} must be an integer >= {minimum}, got {value!r}.")
    return int(value)
