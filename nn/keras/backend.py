"""``keras.backend`` (``K``): tensor functions by Keras's names over tensorgrad ops (differentiable),
``epsilon()`` (1e-7), ``floatx()``, shapes, random tensors, and ``clear_session()`` (restarts the
default layer names)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import tensorgrad as tg
from nn import tensor_api as _t
from nn.module import clear_session
from nn.tensor_api import (abs, cast, epsilon, exp, expand_dims, floatx, int_shape, log, maximum, minimum,  # noqa: A004
                           ndim, ones, ones_like, pow, random_normal, random_uniform, reshape, set_epsilon, shape,
                           sqrt, square, stack, zeros, zeros_like)
from tensorgrad import Tensor, relu, sigmoid, softmax, softplus, tanh


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - Keras's name
    return _t.reduce_sum(x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t.reduce_mean(x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - Keras's name
    return _t.reduce_max(x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - Keras's name
    return _t.reduce_min(x, axis, keepdims)


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t.reduce_variance(x, axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t.reduce_std(x, axis, keepdims)


def dot(x: Any, y: Any) -> Tensor:
    return _t.matmul(x, y)


def transpose(x: Any) -> Tensor:
    return _t.transpose(x)


def concatenate(tensors: Sequence[Any], axis: int = -1) -> Tensor:
    return _t.concat(tensors, axis)


def clip(x: Any, min_value: Any, max_value: Any) -> Tensor:
    return _t.clip_by_value(x, min_value, max_value)


def argmax(x: Any, axis: int = -1) -> np.ndarray:
    return np.argmax(np.asarray(x), axis=axis)


def one_hot(indices: Any, num_classes: int) -> Tensor:
    return _t.one_hot(indices, num_classes)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Tensor:
    return _t.constant(value, dtype, shape)


def variable(value: Any, dtype: Any = None, name: str | None = None) -> Any:
    """A trainable weight holding ``value``: a Keras variable (``numpy()``, ``assign``), as ``tf.Variable``."""
    return _t.Variable(value, name=name, dtype=dtype)


def get_value(x: Any) -> np.ndarray:
    """The value of a tensor as a numpy array (a copy)."""
    return np.array(x)


eval = get_value  # noqa: A001 - Keras's name


def set_value(x: Any, value: Any) -> None:
    """Write ``value`` into the weight ``x`` in place (e.g. an optimizer's learning rate Parameter)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"set_value: x must be a Tensor/weight, got {type(x).__name__}; to change a learning rate "
                        f"set optimizer.learning_rate = value.")
    x.numpy(force=True)[...] = np.asarray(value, dtype=x.dtype)
    tg.increment_version(x)


__all__ = ["clear_session", "sum", "mean", "max", "min", "var", "std", "square", "sqrt", "exp", "log", "abs",
           "pow", "maximum", "minimum", "dot", "transpose", "reshape", "concatenate", "stack", "expand_dims",
           "clip", "argmax", "one_hot", "cast", "constant", "variable", "zeros", "ones", "zeros_like",
           "ones_like", "get_value", "eval", "set_value", "shape", "int_shape", "ndim", "epsilon", "set_epsilon",
           "floatx", "random_normal", "random_uniform", "relu", "sigmoid", "softmax", "softplus", "tanh"]


from nn.symbolic_ops import wrap_namespace as _wrap_namespace  # noqa: E402 - after the definitions it wraps

_wrap_namespace(globals(), __all__)   # on keras.Input-derived tensors each function records a layer
