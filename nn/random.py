"""``tf.random`` under ``import nn as tf``: ``normal``, ``uniform`` and ``set_seed`` over tensorgrad's
global generator (the one that also draws weights, dropout masks and shuffles)."""
from __future__ import annotations

from typing import Any

from tensorgrad import Tensor

from .tensor_api import random_normal, random_uniform, set_seed


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: int | None = None,
           name: str | None = None) -> Tensor:
    """``tf.random.normal``: samples of N(mean, stddev²), float32 by default."""
    return random_normal(shape, mean, stddev, dtype, seed)


def uniform(shape: Any, minval: float = 0.0, maxval: float | None = None, dtype: Any = None,
            seed: int | None = None, name: str | None = None) -> Tensor:
    """``tf.random.uniform``: samples of U[minval, maxval), maxval 1 by default for floats."""
    return random_uniform(shape, minval, maxval, dtype, seed)


__all__ = ["normal", "uniform", "set_seed"]
