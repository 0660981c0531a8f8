"""Convolution (conv2d, conv1d) as one matrix product over strided windows, in PyTorch's NCHW layout.

The forward is a cross-correlation (what deep learning calls convolution):
    y[n, o, i, j] = b[o] + Σ_{c,p,q} xp[n, c, i·s + p·d, j·s + q·d] · w[o, c, p, q]
with xp the zero-padded input, s the stride and d the dilation. numpy's ``sliding_window_view`` gives
the windows without copying; one matrix product per chunk of the batch multiplies them with the kernel.

Both gradients are convolutions again, computed by the same op (so they are differentiable twice):
the input gradient is the output gradient dilated by s, padded by d(k-1), correlated with the kernel
flipped in space and with in/out channels swapped (a transposed convolution); the weight gradient is
the padded input correlated with the output gradient, batch and channels swapped, stride d, dilation s.
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


def correlate(xp: np.ndarray, w: np.ndarray, stride: tuple[int, int], dilation: tuple[int, int],
              groups: int) -> np.ndarray:
    """y[n, o, i, j] = Σ_{c,p,q} xp[n, c, i·s + p·d, j·s + q·d] w[o, c, p, q] within each group, on arrays.

    The windows are gathered channels-last (each window row is then one contiguous run of memory) into
    an im2col matrix of (n·oh·ow, kh·kw·c) per chunk of the batch, and multiplied with the kernel as
    (kh·kw·c, out) in one matmul. The result is computed channels-last and returned as an NCHW view."""
    n, c, hp, wp = xp.shape
    out_ch, cg, kh, kw = w.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = output_size(hp, kh, sh, dh), output_size(wp, kw, sw, dw)
    xl = np.ascontiguousarray(xp.transpose(0, 2, 3, 1))          # (n, hp, wp, c); free for channels-last data
    windows = sliding_window_view(xl, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(1, 2))
    windows = windows[:, ::sh, ::sw, :, ::dh, ::dw][:, :oh, :ow].transpose(0, 1, 2, 4, 5, 3)  # (n, oh, ow, kh, kw, c)
    kernel = w.transpose(2, 3, 1, 0)                                # (kh, kw, cg, out)
    out = np.empty((n, oh, ow, out_ch), dtype=np.result_type(xp, w))
    og = out_ch // groups
    rows = max(1, CHUNK_ELEMENTS // max(1, cg * kh * kw * oh * ow))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        for k in range(groups):
            cols = windows[start:stop, ..., k * cg:(k + 1) * cg].reshape(-1, kh * kw * cg)
            prod = cols @ kernel[..., k * og:(k + 1) * og].reshape(kh * kw * cg, og)
            out[start:stop, ..., k * og:(k + 1) * og] = prod.reshape(stop - start, oh, ow, og)
    return out.transpose(0, 3, 1, 2)


def _conv(x: Any, w: Any, stride: tuple[int, int], dilation: tuple[int, int], groups: int,
          recorded: bool) -> Any:
    """An unpadded correlation on arrays, or the recorded op on Tensors (inside a create_graph backward)."""
    if recorded:
        return Conv2d.apply(x, w, stride=stride, padding=(0, 0, 0, 0), dilation=dilation, groups=groups)
    return correlate(x, w, stride, dilation, groups)


class Conv2d(Function):
    """y = b + x ⋆ w (cross-correlation, stride s, zero padding, dilation d, groups);
    dL/dx = (dilate_s(g) padded by d(k-1)) ⋆ flip(w)ᵀ cropped to x,  dL/dw = xp ⋆ g (batch as channels,
    stride d, dilation s),  dL/db = Σ_{n,i,j} g[n, o, i, j]."""
    name = "conv2d"
    label_shape = True          # graph pictures show the output shape under the name

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1):
        top, bottom, left, right = padding
        xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right))) if any(padding) else x
        y = correlate(xp, w, stride, dilation, groups)
        if b is not None:
            y += b.reshape(-1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding, ctx.dilation, ctx.groups = stride, padding, dilation, groups
        ctx.name = f"conv2d {w.shape[2]}x{w.shape[3]}"
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = _input_grad(ctx, g, x.shape, w) if need[0] else None
        gw = _weight_grad(ctx, g, x, w.shape) if need[1] else None
        if len(need) == 2:
            return gx, gw
        return gx, gw, (g.sum(axis=(0, 2, 3)) if need[2] else None)


def _input_grad(ctx: Function, g: Any, x_shape: tuple, w: Any) -> Any:
    """The transposed convolution: g dilated by the stride and padded by d(k-1) (one scatter into zeros),
    correlated with the kernel flipped in space and with its channel axes swapped, then cropped to x."""
    (sh, sw), (dh, dw), groups = ctx.stride, ctx.dilation, ctx.groups
    top, bottom, left, right = ctx.padding
    n, c, h, wd = x_shape
    out_ch, cg, kh, kw = w.shape
    hp, wp = h + top + bottom, wd + left + right
    oh, ow = g.shape[2], g.shape[3]
    eh, ew = dh * (kh - 1), dw * (kw - 1)
    spread = ctx.F.add_at(g, (n, out_ch, hp + eh, wp + ew),
                               (slice(None), slice(None), slice(eh, eh + (oh - 1) * sh + 1, sh),
                                slice(ew, ew + (ow - 1) * sw + 1, sw)))
    flipped = w[:, :, ::-1, ::-1].reshape((groups, out_ch // groups, cg, kh, kw))
    flipped = flipped.transpose((0, 2, 1, 3, 4)).reshape((groups * cg, out_ch // groups, kh, kw))
    full = _conv(spread, flipped, (1, 1), (dh, dw), groups, ctx.create_graph)     # (n, c, hp, wp)
    return full[:, :, top:top + h, left:left + wd]


def _weight_grad(ctx: Function, g: Any, x: Any, w_shape: tuple) -> Any:
    """dL/dw[o, c, p, q] = Σ_{n,i,j} g[n, o, i, j] xp[n, c, i·s + p·d, j·s + q·d]: a correlation of the
    padded input (channels as batch) with g (batch as channels), stride d and dilation s, per group."""
    (sh, sw), (dh, dw), groups = ctx.stride, ctx.dilation, ctx.groups
    top, bottom, left, right = ctx.padding
    n, c, h, wd = x.shape
    out_ch, cg, kh, kw = w_shape
    xp = ctx.F.add_at(x, (n, c, h + top + bottom, wd + left + right),
                           (slice(None), slice(None), slice(top, top + h), slice(left, left + wd))) \
        if any(ctx.padding) else x
    og = out_ch // groups
    parts = []
    for k in range(groups):
        xs = xp[:, k * cg:(k + 1) * cg].transpose((1, 0, 2, 3))              # (cg, n, hp, wp)
        gs = g[:, k * og:(k + 1) * og].transpose((1, 0, 2, 3))               # (og, n, oh, ow)
        full = _conv(xs, gs, (dh, dw), (sh, sw), 1, ctx.create_graph)        # (cg, og, >= kh, >= kw)
        parts.append(full[:, :, :kh, :kw].transpose((1, 0, 2, 3)))
    return parts[0] if groups == 1 else ctx.F.concatenate(parts, axis=0)


# ------------------------------------------------------------------ public functions and argument checks
def _pair(value: Any, what: str, minimum: int) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in pair):
        raise ValueError(f"conv2d: {what} must be an integer >= {minimum} or a pair of them, got {value!r}.")
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


def _single(value: Any, what: str) -> int:
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"conv1d: {what} must be a positive integer, got {value!r}.")
    return int(value)
