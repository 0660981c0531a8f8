"""ONNX converters of the convolution, transposed-convolution, pooling, padding and upsampling layers.

ONNX's Conv and pooling operators are channels-first, as PyTorch's layers: Keras's channels-last layers
are wrapped in a Transpose to (N, C, ...) and back, and their (k..., in, out) kernels are stored as
ONNX's (out, in, k...). 'same' padding becomes explicit pads (the odd one after, as Keras and
tensorgrad pad), worked out by tensorgrad's own padding rule from the static spatial sizes; the
transposed layers become ConvTranspose, Keras's crops (the odd row at the end) explicit pads too.
onnxruntime's CPU Conv and AveragePool run float32 only; a float64 model's file is valid ONNX that
other runtimes run.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad.ops.conv import resolve_padding

from ..conv import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AveragePooling1D,
                    AveragePooling2D, AvgPool1d, AvgPool2d, Conv1D, Conv1d, Conv2D, Conv2d, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
                    GlobalMaxPooling2D, MaxPool1d, MaxPool2d, MaxPooling1D, MaxPooling2D, UpSampling2D, ZeroPadding2D)
from ..conv_transpose import (Conv1DTranspose, Conv2DTranspose, ConvTranspose1d, ConvTranspose2d,
                              keras_transpose_crops)
from .converters import GraphBuilder, UnsupportedLayerError, Value, apply_activation, register, require_weights
from .shape_converters import reshape

_TO_FIRST = {3: [0, 2, 1], 4: [0, 3, 1, 2]}          # channels last -> first, for (N, L, C) and (N, H, W, C)
_TO_LAST = {3: [0, 2, 1], 4: [0, 2, 3, 1]}


def _ints(value: Any, n: int) -> tuple[int, ...]:
    """An int or a sequence as n ints (a PyTorch module keeps its arguments as given)."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    return tuple(int(v) for v in (values * n if len(values) == 1 else values))


def _onnx_pads(padding: Any, spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
               dilation: tuple[int, ...]) -> list[int]:
    """ONNX's pads [begin..., end...] for 1 or 2 spatial axes, by tensorgrad's rule ('same', 'valid', ints)."""
    if len(spatial) == 2:
        top, bottom, left, right = resolve_padding(padding, spatial, kernel, stride, dilation)
        return [top, left, bottom, right]
    if isinstance(padding, str):
        _, _, left, right = resolve_padding(padding, (1,) + spatial, (1,) + kernel, (1,) + stride, (1,) + dilation)
        return [left, right]
    left, right = _ints(padding, 2)
    return [left, right]


def _channels_first(g: GraphBuilder, x: str, rank: int, out: str) -> str:
    return g.node("Transpose", [x], f"{out}/channels_first", perm=_TO_FIRST[rank])


def _channels_last(g: GraphBuilder, x: str, rank: int, out: str) -> str:
    return g.node("Transpose", [x], out, perm=_TO_LAST[rank])


def _conv(g: GraphBuilder, x: str, weight: np.ndarray, bias: Any, stride: tuple, dilation: tuple, pads: list[int],
          groups: int, out: str) -> str:
    """ONNX Conv of channels-first ``x`` with an (out, in/groups, k...) weight."""
    w = g.constant(np.ascontiguousarray(weight), f"{out}/kernel")
    b = [] if bias is None else [g.constant(bias.numpy(force=True), f"{out}/bias")]
    return g.node("Conv", [x, w] + b, out, kernel_shape=list(weight.shape[2:]), strides=list(stride),
                  dilations=list(dilation), pads=pads, group=int(groups))


@register(Conv2D)
@register(Conv1D)
def _keras_conv(layer: Conv2D | Conv1D, inputs: list[Value], g: GraphBuilder) -> str:
    """Transpose to channels first, Conv with the kernel as (out, in, k...), Transpose back, activation."""
    require_weights(layer, layer.kernel, layer.bias)
    x, name, rank = inputs[0], layer.name, layer.rank + 2
    xin = _channels_first(g, g.cast(x, layer.dtype, f"{name}/cast"), rank, name)
    weight = layer.kernel.numpy(force=True).transpose((rank - 1, rank - 2, *range(rank - 2)))
    pads = _onnx_pads(layer.padding, tuple(x.shape[1:-1]), layer.kernel_size, layer.strides, layer.dilation_rate)
    y = _conv(g, xin, weight, layer.bias, layer.strides, layer.dilation_rate, pads, layer.groups, f"{name}/conv")
    return _channels_last_activated(g, layer, y, rank)


def _channels_last_activated(g: GraphBuilder, layer: Any, y: str, rank: int) -> str:
    """A Keras convolution's channels-first result transposed back to channels last, then its activation."""
    if layer.activation is None:
        return _channels_last(g, y, rank, layer.name)
    z = _channels_last(g, y, rank, f"{layer.name}/linear")
    return apply_activation(g, layer, layer.activation, z, layer.dtype, layer.name)


@register(Conv2d)
@register(Conv1d)
def _torch_conv(layer: Conv2d | Conv1d, inputs: list[Value], g: GraphBuilder) -> str:
    x, n = inputs[0], layer.rank
    xin = g.cast(x, layer.weight.dtype, f"{layer.name}/cast")
    pads = _onnx_pads(layer.padding, tuple(x.shape[2:]), layer.kernel_size, layer.stride, layer.dilation)
    return _conv(g, xin, layer.weight.numpy(force=True), layer.bias, _ints(layer.stride, n), _ints(layer.dilation, n), pads,
                 layer.groups, layer.name)


def _conv_transpose(g: GraphBuilder, x: str, weight: np.ndarray, bias: Any, stride: tuple, dilation: tuple,
                    pads: list[int], output_padding: tuple, groups: int, out: str) -> str:
    """ONNX ConvTranspose of channels-first ``x`` with an (in, out/groups, k...) weight: output
    (n-1)·s + d·(k-1) + 1 + output_padding - pads[begin] - pads[end] per axis."""
    w = g.constant(np.ascontiguousarray(weight), f"{out}/kernel")
    b = [] if bias is None else [g.constant(bias.numpy(force=True), f"{out}/bias")]
    return g.node("ConvTranspose", [x, w] + b, out, kernel_shape=list(weight.shape[2:]), strides=list(stride),
                  dilations=list(dilation), pads=pads, output_padding=list(output_padding), group=int(groups))


@register(Conv2DTranspose)
@register(Conv1DTranspose)
def _keras_conv_transpose(layer: Conv2DTranspose | Conv1DTranspose, inputs: list[Value], g: GraphBuilder) -> str:
    """Transpose to channels first, ConvTranspose with the (k..., filters, in) kernel as (in, filters, k...)
    and Keras's crops as explicit pads (the odd one at the end), Transpose back, activation."""
    require_weights(layer, layer.kernel, layer.bias)
    x, name, rank = inputs[0], layer.name, layer.rank + 2
    xin = _channels_first(g, g.cast(x, layer.dtype, f"{name}/cast"), rank, name)
    weight = layer.kernel.numpy(force=True).transpose((rank - 1, rank - 2, *range(rank - 2)))
    crops = [keras_transpose_crops(int(n), k, s, d, layer.padding, p) for n, k, s, d, p in
             zip(x.shape[1:-1], layer.kernel_size, layer.strides, layer.dilation_rate,
                 layer.output_padding or (None,) * layer.rank)]
    pads = [c[1] for c in crops] + [c[2] for c in crops]
    y = _conv_transpose(g, xin, weight, layer.bias, layer.strides, layer.dilation_rate, pads,
                        tuple(c[3] for c in crops), 1, f"{name}/conv_transpose")
    return _channels_last_activated(g, layer, y, rank)


@register(ConvTranspose2d)
@register(ConvTranspose1d)
def _torch_conv_transpose(layer: ConvTranspose2d | ConvTranspose1d, inputs: list[Value], g: GraphBuilder) -> str:
    """ConvTranspose with PyTorch's padding on both ends of each axis and its output_padding at the end."""
    xin = g.cast(inputs[0], layer.weight.dtype, f"{layer.name}/cast")
    return _conv_transpose(g, xin, layer.weight.numpy(force=True), layer.bias, layer.stride, layer.dilation,
                           list(layer.padding) * 2, layer.output_padding, layer.groups, layer.name)


def _pool(g: GraphBuilder, kind: str, x: str, kernel: tuple, stride: tuple, pads: list[int], out: str,
          **attrs: Any) -> str:
    op = "MaxPool" if kind == "max" else "AveragePool"
    return g.node(op, [x], out, kernel_shape=list(kernel), strides=list(stride), pads=pads, **attrs)


@register(MaxPooling2D)
@register(MaxPooling1D)
@register(AveragePooling2D)
@register(AveragePooling1D)
def _keras_pool(layer: Any, inputs: list[Value], g: GraphBuilder) -> str:
    """Keras's pooling between Transposes; a 'same' average excludes the padding from each count."""
    x, name, rank = inputs[0], layer.name, layer.rank + 2
    pads = _onnx_pads(layer.padding, tuple(x.shape[1:-1]), layer.pool_size, layer.strides, (1,) * layer.rank)
    attrs = {} if layer.kind == "max" else {"count_include_pad": 0}
    y = _pool(g, layer.kind, _channels_first(g, x.name, rank, name), layer.pool_size, layer.strides, pads,
              f"{name}/pool", **attrs)
    return _channels_last(g, y, rank, name)


@register(MaxPool2d)
@register(MaxPool1d)
def _torch_max_pool(layer: MaxPool2d, inputs: list[Value], g: GraphBuilder) -> str:
    x = inputs[0]
    n = len(x.shape) - 2
    kernel = _ints(layer.kernel_size, n)
    stride = kernel if layer.stride is None or layer.stride == () else _ints(layer.stride, n)
    dilation = _ints(layer.dilation, n)
    pads = _onnx_pads(_ints(layer.padding, n) if n == 2 else _ints(layer.padding, 1) * 2, tuple(x.shape[2:]),
                      kernel, stride, dilation)
    return _pool(g, "max", x.name, kernel, stride, pads, layer.name, dilations=list(dilation),
                 ceil_mode=int(bool(layer.ceil_mode)))


@register(AvgPool2d)
@register(AvgPool1d)
def _torch_avg_pool(layer: AvgPool2d, inputs: list[Value], g: GraphBuilder) -> str:
    x = inputs[0]
    n = len(x.shape) - 2
    if layer.ceil_mode or getattr(layer, "divisor_override", None) is not None:
        raise UnsupportedLayerError(f"layer '{layer.name}' ({type(layer).__name__}) uses ceil_mode=True or "
                                    f"divisor_override: ONNX's AveragePool has no divisor_override, and ONNX's shape "
                                    f"rule for ceil_mode keeps a last window PyTorch drops (one that starts in the "
                                    f"padding); export a model without them.")
    kernel = _ints(layer.kernel_size, n)
    stride = kernel if layer.stride is None or layer.stride == () else _ints(layer.stride, n)
    pads = _onnx_pads(_ints(layer.padding, n) if n == 2 else _ints(layer.padding, 1) * 2, tuple(x.shape[2:]),
                      kernel, stride, (1,) * n)
    return _pool(g, "avg", x.name, kernel, stride, pads, layer.name,
                 count_include_pad=int(bool(layer.count_include_pad)))


@register(GlobalAveragePooling2D)
@register(GlobalAveragePooling1D)
@register(GlobalMaxPooling2D)
@register(GlobalMaxPooling1D)
def _global_pool(layer: Any, inputs: list[Value], g: GraphBuilder) -> str:
    """Mean or max over the steps (1-d) or height and width (2-d)."""
    op = "ReduceMean" if layer.kind == "mean" else "ReduceMax"
    return g.node(op, [inputs[0].name], layer.name, axes=list(range(1, layer.rank + 1)), keepdims=int(layer.keepdims))


@register(ZeroPadding2D)
def _zero_padding(layer: ZeroPadding2D, inputs: list[Value], g: GraphBuilder) -> str:
    (top, bottom), (left, right) = layer.padding
    pads = g.ints([0, top, left, 0, 0, bottom, right, 0], f"{layer.name}/pads")
    return g.node("Pad", [inputs[0].name, pads], layer.name, mode="constant")


@register(UpSampling2D)
def _upsampling(layer: UpSampling2D, inputs: list[Value], g: GraphBuilder) -> str:
    """Nearest neighbour: (n, h, 1, w, 1, c) broadcast to (n, h, sh, w, sw, c), then merged."""
    x, name = inputs[0], layer.name
    _, h, w, c = x.shape
    sh, sw = layer.size
    grid = reshape(g, x.name, [-1, h, 1, w, 1, c], f"{name}/grid")
    repeated = g.node("Expand", [grid, g.ints([1, 1, sh, 1, sw, 1], f"{name}/repeats")], f"{name}/repeated")
    return reshape(g, repeated, [-1, h * sh, w * sw, c], name)


def _averaging_matrix(size: int, out: int, dtype: np.dtype) -> np.ndarray:
    """The (out, size) matrix A with A·v = adaptive_avg_pool of a column v, read off tensorgrad's op
    applied to the identity (each basis vector a sample), so the windows are exactly its windows."""
    basis = np.eye(size, dtype=dtype).reshape(size, 1, size, 1)
    return tg.adaptive_avg_pool2d(basis, (out, 1)).numpy().reshape(size, out).T


@register(AdaptiveAvgPool2d)
def _adaptive_avg_pool(layer: AdaptiveAvgPool2d, inputs: list[Value], g: GraphBuilder) -> str:
    """A_h · x · A_wᵀ with PyTorch's windows as averaging matrices (any sizes, divisible or not)."""
    x, name = inputs[0], layer.name
    h, w = int(x.shape[-2]), int(x.shape[-1])
    sizes = (layer.output_size,) * 2 if layer.output_size is None or isinstance(layer.output_size, (int, np.integer)) \
        else tuple(layer.output_size)
    oh, ow = (h if sizes[0] is None else int(sizes[0])), (w if sizes[1] is None else int(sizes[1]))
    dtype = x.dtype if np.dtype(x.dtype).kind == "f" else np.dtype(np.float32)
    rows = g.constant(_averaging_matrix(h, oh, dtype), f"{name}/rows")
    cols = g.constant(np.ascontiguousarray(_averaging_matrix(w, ow, dtype).T), f"{name}/cols")
    return g.node("MatMul", [g.node("MatMul", [rows, g.cast(x, dtype, f"{name}/cast")], f"{name}/pool_rows"), cols],
                  name)


@register(AdaptiveAvgPool1d)
def _adaptive_avg_pool1d(layer: AdaptiveAvgPool1d, inputs: list[Value], g: GraphBuilder) -> str:
    """x · Aᵀ over the steps, A PyTorch's averaging windows."""
    x, name = inputs[0], layer.name
    length = int(x.shape[-1])
    out = length if layer.output_size is None else _ints(layer.output_size, 1)[0]
    dtype = x.dtype if np.dtype(x.dtype).kind == "f" else np.dtype(np.float32)
    matrix = g.constant(np.ascontiguousarray(_averaging_matrix(length, out, dtype).T), f"{name}/windows")
    return g.node("MatMul", [g.cast(x, dtype, f"{name}/cast"), matrix], name)


@register(AdaptiveMaxPool2d)
@register(AdaptiveMaxPool1d)
def _adaptive_max_pool(layer: AdaptiveMaxPool2d, inputs: list[Value], g: GraphBuilder) -> str:
    """The elementwise Max of Gathers: along each spatial axis, the k-th position of every PyTorch window
    (⌊i·n/out⌋ .. ⌈(i+1)·n/out⌉; a short window repeats its last position), for every k of the longest."""
    x, name = inputs[0], layer.name
    if layer.return_indices:
        raise UnsupportedLayerError(f"layer '{name}' ({type(layer).__name__}) returns indices too, which a "
                                    f"Sequential's next layer cannot take; export it with return_indices=False.")
    spatial = tuple(int(n) for n in x.shape[2:])
    given = (layer.output_size,) * len(spatial) if layer.output_size is None or \
        isinstance(layer.output_size, (int, np.integer)) else tuple(layer.output_size)
    planes = [x.name]
    for axis, (n, out) in enumerate(zip(spatial, given)):
        i = np.arange(n if out is None else int(out))
        starts, ends = (i * n) // len(i), -(-((i + 1) * n) // len(i))
        planes = [g.node("Gather", [plane, g.ints(np.minimum(starts + k, ends - 1), f"{name}/rows{axis}_{k}")],
                         f"{name}/window{axis}_{k}", axis=2 + axis)
                  for plane in planes for k in range(int((ends - starts).max()))]
    return g.node("Max", planes, name)
