"""ONNX converters of the normalization layers at inference: batch normalization with its moving (running)
statistics folded into one scale and shift per channel, y = x·γ/√(σ² + ε) + (β - μ·γ/√(σ² + ε)), and
layer normalization as ONNX's LayerNormalization (opset 17)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..normalization import BatchNorm1d, BatchNorm2d, BatchNormalization, LayerNorm, LayerNormalization
from .converters import GraphBuilder, Value, register, require_weights


def _channel_shape(rank: int, axis: int, channels: int) -> tuple[int, ...]:
    """The shape that broadcasts a per-channel vector along ``axis`` of a rank-``rank`` input (batch dropped)."""
    shape = [1] * (rank - 1)
    shape[axis - 1] = channels
    return tuple(shape)


def _folded(g: GraphBuilder, x: str, mean: Any, variance: Any, gamma: Any, beta: Any, eps: float, axis: int,
            rank: int, dtype: np.dtype, out: str) -> str:
    """x·scale + shift with the statistics folded in float64, then stored in the layer's dtype."""
    var = np.asarray(variance.numpy(force=True), np.float64)
    scale = 1 / np.sqrt(var + eps) * (1.0 if gamma is None else np.asarray(gamma.numpy(force=True), np.float64))
    shift = (0.0 if beta is None else np.asarray(beta.numpy(force=True), np.float64)) - np.asarray(mean.numpy(force=True), np.float64) * scale
    shape = _channel_shape(rank, axis, var.size)
    scale_name = g.constant(scale.astype(dtype).reshape(shape), f"{out}/scale")
    shift_name = g.constant(shift.astype(dtype).reshape(shape), f"{out}/shift")
    return g.node("Add", [g.node("Mul", [x, scale_name], f"{out}/scaled"), shift_name], out)


@register(BatchNormalization)
def _keras_batch_norm(layer: BatchNormalization, inputs: list[Value], g: GraphBuilder) -> str:
    """Keras's inference form: the moving mean and variance over ``axis`` (the channels, last by default)."""
    require_weights(layer, layer.moving_mean, layer.gamma, layer.beta)
    x, rank = inputs[0], len(inputs[0].shape)
    xin = g.cast(x, layer.dtype, f"{layer.name}/cast")
    return _folded(g, xin, layer.moving_mean, layer.moving_variance, layer.gamma, layer.beta, layer.epsilon,
                   layer.axis % rank, rank, layer.dtype, layer.name)


@register(BatchNorm1d)
@register(BatchNorm2d)
def _torch_batch_norm(layer: BatchNorm1d, inputs: list[Value], g: GraphBuilder) -> str:
    """PyTorch's eval form on axis 1: the running statistics, or, without them (track_running_stats=False),
    the batch's own mean and biased variance, as the module computes in eval mode too."""
    x, rank, name = inputs[0], len(inputs[0].shape), layer.name
    if layer.running_mean is not None:
        return _folded(g, x.name, layer.running_mean, layer.running_var, layer.weight, layer.bias, layer.eps, 1,
                       rank, x.dtype, name)
    axes = [0] + list(range(2, rank))
    mean = g.node("ReduceMean", [x.name], f"{name}/mean", axes=axes, keepdims=1)
    centered = g.node("Sub", [x.name, mean], f"{name}/centered")
    variance = g.node("ReduceMean", [g.node("Mul", [centered, centered], f"{name}/square")], f"{name}/variance",
                      axes=axes, keepdims=1)
    std = g.node("Sqrt", [g.node("Add", [variance, g.scalar(layer.eps, x.dtype, f"{name}/eps")], f"{name}/var_eps")],
                 f"{name}/std")
    y = g.node("Div", [centered, std], name if layer.weight is None else f"{name}/normalized")
    if layer.weight is None:
        return y
    shape = _channel_shape(rank, 1, layer.num_features)
    scaled = g.node("Mul", [y, g.constant(layer.weight.numpy(force=True).reshape(shape), f"{name}/weight")],
                    name if layer.bias is None else f"{name}/scaled")
    if layer.bias is None:          # BatchNorm(..., bias=False): a scale without a shift
        return scaled
    return g.node("Add", [scaled, g.constant(layer.bias.numpy(force=True).reshape(shape), f"{name}/bias")], name)


def _layer_norm(g: GraphBuilder, x: str, features: tuple[int, ...], gamma: Any, beta: Any, eps: float,
                dtype: np.dtype, out: str) -> str:
    """ONNX LayerNormalization over the trailing ``features`` axes (γ ones when the layer has none)."""
    scale = g.constant(np.ones(features, dtype) if gamma is None else gamma.numpy(force=True), f"{out}/gamma")
    bias = [] if beta is None else [g.constant(beta.numpy(force=True), f"{out}/beta")]
    return g.node("LayerNormalization", [x, scale] + bias, out, axis=-len(features), epsilon=float(eps))


@register(LayerNormalization)
def _keras_layer_norm(layer: LayerNormalization, inputs: list[Value], g: GraphBuilder) -> str:
    require_weights(layer, layer.gamma, layer.beta)
    x = inputs[0]
    xin = g.cast(x, layer.dtype, f"{layer.name}/cast")
    return _layer_norm(g, xin, (int(x.shape[-1]),), layer.gamma, layer.beta, layer.epsilon, layer.dtype, layer.name)


@register(LayerNorm)
def _torch_layer_norm(layer: LayerNorm, inputs: list[Value], g: GraphBuilder) -> str:
    x = inputs[0]
    return _layer_norm(g, x.name, layer.normalized_shape, layer.weight, layer.bias, layer.eps, x.dtype, layer.name)
