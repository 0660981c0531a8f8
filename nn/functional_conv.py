"""PyTorch's functional forms of the convolutional, pooling, embedding and normalization ops
(``F.conv2d`` ...), with PyTorch's arguments; meant to be re-exported from ``nn.functional``."""
from __future__ import annotations

from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor
# the pooling functions and layer_norm have PyTorch's signatures already: re-exported as they are
# (so have the transposed convolutions, whose padding is numbers only in PyTorch too)
from tensorgrad import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d,
                        avg_pool2d, conv_transpose1d, conv_transpose2d, layer_norm, max_pool1d, max_pool1d_with_indices,
                        max_pool2d, max_pool2d_with_indices, max_unpool1d, max_unpool2d)

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d",
           "max_pool1d_with_indices", "max_pool2d_with_indices", "max_unpool1d", "max_unpool2d", "adaptive_max_pool1d",
           "adaptive_max_pool2d", "adaptive_avg_pool1d",
           "embedding", "batch_norm", "layer_norm"]


def _no_strided_same(padding: Any, stride: Any, who: str) -> None:
    strides = (stride,) if isinstance(stride, (int, np.integer)) else tuple(stride)
    if isinstance(padding, str) and padding == "same" and any(s != 1 for s in strides):
        raise ValueError(f"{who}: padding='same' is not supported for strided convolutions (as PyTorch); give the "
                         f"padding as numbers.")


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Tensor:
    """PyTorch's F.conv2d on (N, C, H, W) with weight (out, in/groups, kh, kw)."""
    _no_strided_same(padding, stride, "conv2d")
    return tg.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Tensor:
    """PyTorch's F.conv1d on (N, C, L) with weight (out, in/groups, k)."""
    _no_strided_same(padding, stride, "conv1d")
    return tg.conv1d(input, weight, bias, stride, padding, dilation, groups)


def embedding(input: Any, weight: Any, padding_idx: int | None = None) -> Tensor:
    """PyTorch's F.embedding: rows of ``weight`` at the integer ``input``; no gradient to ``padding_idx``."""
    return tg.embedding(input, weight, padding_idx)


def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None, bias: Any = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """PyTorch's F.batch_norm over axis 1 (running statistics updated in place when training)."""
    return tg.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)

