"""Normalization: batch_norm (per channel, over the batch) and layer_norm (per sample, over features).

Both standardize over some axes and then scale and shift; the standardization is one fused op with its
closed-form gradient, the affine part is ordinary ops.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import increment_version
from ..function import Function
from ..tensor import Tensor
from ._convert import lift


class Normalize(Function):
    """x̂ = (x - μ) / √(σ² + ε), with μ and σ² (biased) the mean and variance over ``axes``;
    dL/dx = (g - mean(g) - x̂ · mean(g ⊙ x̂)) / √(σ² + ε), the means over the same axes."""
    name = "normalize"
    label_shape = True          # graph pictures show the output shape under the name

    @staticmethod
    def forward(ctx, x, axes, eps):
        centred = x - x.mean(axis=axes, keepdims=True)
        xhat = centred / np.sqrt((centred * centred).mean(axis=axes, keepdims=True) + x.dtype.type(eps))
        ctx.save_for_backward(x, xhat)
        ctx.axes, ctx.eps = axes, eps
        return xhat

    @staticmethod
    def backward(ctx, g):
        x, xhat = ctx.saved_tensors
        axes = ctx.axes
        centred = x - x.mean(axis=axes, keepdims=True)
        inv_std = 1 / ctx.F.sqrt((centred * centred).mean(axis=axes, keepdims=True) + ctx.eps)
        return inv_std * (g - g.mean(axis=axes, keepdims=True) - xhat * (g * xhat).mean(axis=axes, keepdims=True))


def normalize(x: Any, axes: Sequence[int], eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) over ``axes`` (biased variance), as one op."""
    x = lift(x)
    axes = tuple(sorted(int(a) % x.ndim for a in axes))
    return Normalize.apply(x, axes=axes, eps=float(eps))


def _channel_shape(x: Tensor, axis: int) -> tuple[int, ...]:
    """Shape that broadcasts a per-channel vector along ``axis`` of x."""
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return tuple(shape)


def _update_running(stat: Any, value: np.ndarray, momentum: float) -> None:
    """stat ← (1 - momentum)·stat + momentum·value, in place (a Tensor's version counter is bumped)."""
    array = stat._data if isinstance(stat, Tensor) else stat
    array *= 1 - momentum
    array += momentum * value.astype(array.dtype, copy=False)
    if isinstance(stat, Tensor):
        increment_version(stat)


def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None, bias: Any = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5, axis: int = 1,
               unbiased_running_var: bool = True) -> Tensor:
    """Batch normalization over every axis but the channel ``axis`` (1: PyTorch's NCHW; Keras passes -1).

    Training: y = γ x̂ + β with the batch's mean and variance, and the running averages (arrays or
    Tensors, updated in place when given) move by ``momentum``: r ← (1 - m) r + m·stat (the variance
    unbiased, n/(n-1), as PyTorch; Keras keeps the biased one). Inference: the running statistics
    normalize, y = γ (x - r_μ) / √(r_σ² + ε) + β.
    """
    x = lift(input)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must have a batch and a channel axis, got shape {x.shape}.")
    axis = int(axis) % x.ndim
    channels = x.shape[axis]
    for name, value in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                        ("bias", bias)):
        if value is not None and tuple(np.shape(value._data if isinstance(value, Tensor) else value)) != (channels,):
            raise ValueError(f"batch_norm: {name} must have shape ({channels},) for input {x.shape} with channels "
                             f"on axis {axis}, got {np.shape(value._data if isinstance(value, Tensor) else value)}.")
    shape = _channel_shape(x, axis)
    reduce_axes = tuple(a for a in range(x.ndim) if a != axis)
    if training:
        count = x.size // max(channels, 1)
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, got input of shape "
                             f"{x.shape}; use a batch of at least 2 (or eval mode).")
        out = normalize(x, reduce_axes, eps)
        if running_mean is not None or running_var is not None:
            mean = x._data.mean(axis=reduce_axes)
            var = x._data.var(axis=reduce_axes) * (count / (count - 1) if unbiased_running_var else 1.0)
            if running_mean is not None:
                _update_running(running_mean, mean, momentum)
            if running_var is not None:
                _update_running(running_var, var, momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: inference (training=False) needs running_mean and running_var; pass "
                             "training=True to normalize with the batch's own statistics.")
        rm = lift(running_mean, x).reshape(shape)
        rv = lift(running_var, x).reshape(shape)
        out = (x - rm.detach()) * (1 / (rv.detach() + eps).sqrt())
    if weight is not None:
        out = out * lift(weight, x).reshape(shape)
    if bias is not None:
        out = out + lift(bias, x).reshape(shape)
    return out


def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5) -> Tensor:
    """Layer normalization over the last ``len(normalized_shape)`` axes: y = γ x̂ + β (γ, β of that shape)."""
    x = lift(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    if len(shape) == 0 or len(shape) > x.ndim or tuple(x.shape[x.ndim - len(shape):]) != tuple(shape):
        raise ValueError(f"layer_norm: normalized_shape {tuple(shape)} must equal the last axes of the input's shape "
                         f"{x.shape}.")
    out = normalize(x, tuple(range(x.ndim - len(shape), x.ndim)), eps)
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and lift(value).shape != tuple(shape):
            raise ValueError(f"layer_norm: {name} must have shape {tuple(shape)}, got {lift(value).shape}.")
    if weight is not None:
        out = out * lift(weight, x)
    if bias is not None:
        out = out + lift(bias, x)
    return out
