"""nn.functional — PyTorch's stateless functions (``import nn.functional as F``), composed from
tensorgrad's public ops; PyTorch's modules (nn.Linear, nn.ReLU, nn.CrossEntropyLoss...) call these.

PyTorch's conventions throughout: ``dim=`` for the axis, the class axis of a loss's input is 1 for
(N, C, d1, ...) inputs, ``linear``'s weight is (out_features, in_features). The losses live in
``nn.losses`` (beside the Keras-numerics ones) and are re-exported here.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor
from tensorgrad import random as tg_random

from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,
                     l1_loss, mse_loss, nll_loss, smooth_l1_loss)


# --------------------------------------------------------------------------- activations
def relu(input: Any, inplace: bool = False) -> Tensor:
    """max(0, x). (``inplace`` is accepted for PyTorch code; the result is always a new tensor.)"""
    return tg.relu(input)


def relu6(input: Any, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6), PyTorch's hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0)


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, else negative_slope·x."""
    return tg.leaky_relu(input, negative_slope)


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else alpha·(eˣ - 1)."""
    return tg.elu(input, alpha)


def sigmoid(input: Any) -> Tensor:
    """1 / (1 + e⁻ˣ)."""
    return tg.sigmoid(input)


def tanh(input: Any) -> Tensor:
    """tanh x."""
    return tg.tanh(input)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta·x)) / beta, computed stably. (PyTorch switches to x above ``threshold``; the
    stable form already equals x there to float precision, so ``threshold`` changes nothing.)"""
    if beta == 1:
        return tg.softplus(input)
    return tg.softplus(as_tensor(input) * beta) / beta


def logsigmoid(input: Any) -> Tensor:
    """log sigmoid(x) = -softplus(-x), stably."""
    return -tg.softplus(-as_tensor(input))


def softsign(input: Any) -> Tensor:
    """x / (1 + |x|)."""
    x = as_tensor(input)
    return x / (1 + x.abs())


def _softmax_dim(ndim: int, dim: int | None, who: str) -> int:
    """``dim``, or PyTorch's deprecated implicit choice (0 for 0-, 1- and 3-d inputs, else 1) with its warning."""
    if dim is not None:
        return int(dim)
    warnings.warn(f"Implicit dimension choice for {who} has been deprecated. Change the call to include dim=X "
                  f"as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input: Any, dtype: Any) -> Tensor:
    return as_tensor(input) if dtype is None else as_tensor(input).astype(dtype)


def softmax(input: Any, dim: int | None = None, dtype: Any = None) -> Tensor:
    """e^x / Σ e^x along ``dim`` (stable; cast to ``dtype`` first when given)."""
    x = _cast(input, dtype)
    return tg.softmax(x, _softmax_dim(x.ndim, dim, "softmax"))


def softmin(input: Any, dim: int | None = None, dtype: Any = None) -> Tensor:
    """softmax(-x) along ``dim``."""
    x = _cast(input, dtype)
    return tg.softmax(-x, _softmax_dim(x.ndim, dim, "softmin"))


def log_softmax(input: Any, dim: int | None = None, dtype: Any = None) -> Tensor:
    """x - log Σ e^x along ``dim`` (stable)."""
    x = _cast(input, dtype)
    return tg.log_softmax(x, _softmax_dim(x.ndim, dim, "log_softmax"))


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """x·Φ(x) (``approximate='tanh'``: PyTorch's tanh approximation)."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}.")
    return tg.gelu(input, approximate=approximate)


def silu(input: Any, inplace: bool = False) -> Tensor:
    """x·sigmoid(x) (swish)."""
    return tg.silu(input)


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """min(max(x, min_val), max_val), gradient 1 strictly inside."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val}).")
    return tg.hardtanh(input, min_val, max_val)


def pad(input: Any, pad: tuple[int, ...], mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)/2 axes, (left, right) pairs from the last axis backwards."""
    if len(pad) % 2:
        raise ValueError(f"pad: the padding must have an even length (left, right pairs), got {tuple(pad)}.")
    return tg.pad(input, pad, mode=mode, value=value)


# --------------------------------------------------------------------------- layers
def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """x Wᵀ + b with PyTorch's layout: weight (out_features, in_features), bias (out_features,), one fused node."""
    return tg.linear(input, weight, bias, weight_layout="out_in")


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False,
            generator: np.random.Generator | None = None) -> Tensor:
    """In training, zero each entry with probability p and scale the rest by 1 / (1 - p) (the
    expected value is kept); the identity otherwise. Masks come from ``generator``, else from the
    generator ``tensorgrad.manual_seed`` seeds."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}.")
    x = as_tensor(input)
    if not training or p == 0:
        return x
    if p == 1:
        return x * np.zeros((), x.dtype)
    keep = (generator or tg_random.default_rng()).random(x.shape) >= p
    return x * (keep / (1 - p)).astype(x.dtype)


def dropout2d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: np.random.Generator | None = None) -> Tensor:
    """Channel dropout (torch's dropout2d): in training each whole channel of an (N, C, H, W) or (C, H, W)
    input is zeroed with probability p and the rest scaled by 1 / (1 - p); the identity otherwise."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout2d probability has to be between 0 and 1, but got {p}.")
    x = as_tensor(input)
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"dropout2d: expects an (N, C, H, W) or (C, H, W) input, got shape {x.shape}.")
    if x.ndim == 2:   # PyTorch warns, then drops whole rows (it reads (C, L) as one unbatched sample)
        warnings.warn(f"dropout2d: received a 2-D input of shape {x.shape}; as in PyTorch each row is dropped as "
                      f"one channel. Use dropout for entrywise dropout of 2-D inputs.", UserWarning, stacklevel=2)
    if not training or p == 0:
        return x
    channels = x.shape[:-2] + (1, 1) if x.ndim > 2 else (x.shape[0], 1)
    keep = (generator or tg_random.default_rng()).random(channels) >= p
    return x * (keep / (1 - p)).astype(x.dtype) if p < 1 else x * np.zeros((), x.dtype)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1·x2 / max(‖x1‖ ‖x2‖, eps) along ``dim`` (torch's cosine_similarity); differentiable."""
    a, b = as_tensor(x1), as_tensor(x2)
    norms = tg.sqrt((a * a).sum(dim) * (b * b).sum(dim))
    return (a * b).sum(dim) / tg.clip(norms, eps, None)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Integer class indices of shape (*) -> int64 rows of shape (*, num_classes) with a 1 at each index
    (``num_classes=-1``: max index + 1)."""
    labels = np.asarray(tensor)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot: the indices must be an integer tensor, got dtype {labels.dtype}; "
                        f"convert with .astype('int64').")
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {labels.min()}.")
    if num_classes == -1:
        if labels.size == 0:
            raise ValueError("one_hot: cannot infer the number of classes of an empty tensor; pass num_classes.")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot: class value {labels.max()} is too large for num_classes={num_classes}.")
    return Tensor(np.eye(num_classes, dtype=np.int64)[labels.astype(np.int64)])


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x / max(‖x‖_p, eps) along ``dim``. The norm is taken as (max(Σ|x|ᵖ, epsᵖ))^(1/p), equal to
    max(‖x‖_p, eps), so an all-zero vector gets a zero gradient instead of NaN."""
    x = as_tensor(input)
    if p <= 0:
        raise ValueError(f"normalize: p must be positive, got {p}.")
    powered = x * x if p == 2 else x.abs() ** p
    total = tg.maximum(powered.sum(axis=dim, keepdims=True), np.asarray(eps ** p, x.dtype))
    return x / (total.sqrt() if p == 2 else total ** (1.0 / p))


__all__ = ["cosine_similarity", "dropout2d", 
    "relu", "relu6", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "logsigmoid", "softsign", "softmax",
    "softmin", "log_softmax", "gelu", "silu", "hardtanh", "pad", "linear", "dropout", "one_hot", "normalize",
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
]


from .functional_conv import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,  # noqa: E402
                              avg_pool1d, avg_pool2d, batch_norm, conv1d, conv2d, conv_transpose1d, conv_transpose2d,
                              embedding, layer_norm, max_pool1d, max_pool1d_with_indices, max_pool2d,
                              max_pool2d_with_indices, max_unpool1d, max_unpool2d)
from .functional_conv import __all__ as _conv_all  # noqa: E402

__all__ += _conv_all
