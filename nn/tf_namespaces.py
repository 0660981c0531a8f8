"""``tf.nn`` and ``tf.math`` under ``import nn as tf``: TensorFlow's activation and loss helpers and its
math names, over tensorgrad ops (so differentiable), for programs such as TensorFlow's beginner
tutorial (``tf.nn.softmax(predictions)``)."""
from __future__ import annotations

import types
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

from . import tensor_api as _t
from .symbolic_ops import wrap_namespace


def _softmax(logits: Any, axis: int = -1) -> Tensor:
    return tg.softmax(_t.convert_to_tensor(logits), axis=axis)


def _log_softmax(logits: Any, axis: int = -1) -> Tensor:
    return tg.log_softmax(_t.convert_to_tensor(logits), axis=axis)


def _leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """max(alpha·x, x) with TensorFlow's default alpha 0.2."""
    return tg.leaky_relu(_t.convert_to_tensor(features), alpha)


def _l2_loss(t: Any) -> Tensor:
    """Σ t² / 2 (TensorFlow's l2_loss, with the ½)."""
    t = _t.convert_to_tensor(t)
    return (t * t).sum() / 2


def _sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None) -> Tensor:
    """Elementwise max(z, 0) − z·y + log(1 + e^−|z|)."""
    z = _t.convert_to_tensor(logits)
    y = _t.cast(labels, z.dtype)
    return tg.relu(z) - z * y + tg.softplus(-tg.abs(z))


def _softmax_cross_entropy_with_logits(labels: Any = None, logits: Any = None, axis: int = -1) -> Tensor:
    """−Σ y · log_softmax(z) over ``axis``, one value per row."""
    z = _t.convert_to_tensor(logits)
    return -(_t.cast(labels, z.dtype) * tg.log_softmax(z, axis=axis)).sum(axis=axis)


def _sparse_softmax_cross_entropy_with_logits(labels: Any = None, logits: Any = None) -> Tensor:
    """−log_softmax(z)[label] per row."""
    z = _t.convert_to_tensor(logits)
    labels = np.asarray(labels).astype(np.int64)
    one_hot = (labels[..., None] == np.arange(z.shape[-1])).astype(z.dtype)
    return -(tg.log_softmax(z, axis=-1) * one_hot).sum(axis=-1)


def function(func: Any = None, input_signature: Any = None, autograph: bool = True, jit_compile: Any = None,
             reduce_retracing: bool = False, experimental_implements: Any = None,
             experimental_autograph_options: Any = None, experimental_attributes: Any = None,
             experimental_relax_shapes: Any = None, experimental_compile: Any = None,
             experimental_follow_type_hints: Any = None) -> Any:
    """``tf.function``: the function itself, run eagerly (tensorgrad traces no graphs; TensorFlow computes the
    same values under ``tf.config.run_functions_eagerly(True)``). Works bare (``@tf.function``) or called
    (``@tf.function(jit_compile=True)``)."""
    if func is None:
        return lambda f: f
    if not callable(func):
        raise TypeError(f"tf.function: expects a function to wrap, got {type(func).__name__}.")
    return func


nn = types.ModuleType("nn.nn", "tf.nn under `import nn as tf`: activations and cross-entropies on logits.")
nn.__dict__.update(
    relu=tg.relu, sigmoid=tg.sigmoid, tanh=tg.tanh, softplus=tg.softplus, elu=tg.elu, leaky_relu=_leaky_relu,
    softmax=_softmax, log_softmax=_log_softmax, l2_loss=_l2_loss,
    sigmoid_cross_entropy_with_logits=_sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits=_softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits=_sparse_softmax_cross_entropy_with_logits)

math = types.ModuleType("nn.math", "tf.math under `import nn as tf`: the tensor functions by TensorFlow's names.")
math.__dict__.update(
    reduce_sum=_t.reduce_sum, reduce_mean=_t.reduce_mean, reduce_max=_t.reduce_max, reduce_min=_t.reduce_min,
    reduce_variance=_t.reduce_variance, reduce_std=_t.reduce_std, square=_t.square, sqrt=_t.sqrt, exp=_t.exp,
    log=_t.log, abs=_t.abs, pow=_t.pow, maximum=_t.maximum, minimum=_t.minimum, argmax=_t.argmax,
    argmin=_t.argmin, sigmoid=tg.sigmoid, tanh=tg.tanh, softplus=tg.softplus)

for _namespace in (nn, math):     # on keras.Input-derived tensors each function records a layer
    wrap_namespace(vars(_namespace), list(vars(_namespace)))

__all__ = ["nn", "math", "function"]
