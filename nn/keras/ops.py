"""``keras.ops`` (Keras 3's numpy-like namespace) over tensorgrad ops, differentiable. numpy's names
and arguments (``axis=``, ``keepdims=``); ``shape`` is a tuple; ``convert_to_numpy`` copies out."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import tensorgrad as tg
from nn import tensor_api as _t
from nn.tensor_api import (abs, cast, convert_to_tensor, exp, expand_dims, log, maximum, minimum, one_hot,  # noqa: A004
                           ones_like, sqrt, square, squeeze, stack, where, zeros_like)
from tensorgrad import Tensor, log_softmax, relu, sigmoid, softmax, softplus, tanh


def _t_(x: Any) -> Tensor:
    return convert_to_tensor(x)


def add(a: Any, b: Any) -> Tensor:
    return _t_(a) + b


def subtract(a: Any, b: Any) -> Tensor:
    return _t_(a) - b


def multiply(a: Any, b: Any) -> Tensor:
    return _t_(a) * b


def divide(a: Any, b: Any) -> Tensor:
    return _t_(a) / b


def negative(x: Any) -> Tensor:
    return -_t_(x)


def power(x: Any, p: Any) -> Tensor:
    return tg.pow(_t_(x), p)


def matmul(a: Any, b: Any) -> Tensor:
    return tg.matmul(_t_(a), _t_(b))


dot = matmul


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - numpy's name
    return _t.reduce_sum(x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t.reduce_mean(x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - numpy's name
    return _t.reduce_max(x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - numpy's name
    return _t.reduce_min(x, axis, keepdims)


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t.reduce_variance(x, axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t.reduce_std(x, axis, keepdims)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log Σ exp(x), computed stably as m + log Σ exp(x − m) with m the (constant) maximum."""
    x = _t_(x)
    m = np.max(x.numpy(force=True), axis=axis, keepdims=True)
    out = tg.log(tg.sum(tg.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else _t.squeeze(out, axis) if axis is not None else out.reshape(())


def reshape(x: Any, newshape: Any) -> Tensor:
    return _t.reshape(x, newshape)


def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    return _t.transpose(x, axes)


def concatenate(xs: Sequence[Any], axis: int = 0) -> Tensor:
    return _t.concat(xs, axis)


def clip(x: Any, x_min: Any, x_max: Any) -> Tensor:
    return _t.clip_by_value(x, x_min, x_max)


def argmax(x: Any, axis: int | None = None) -> np.ndarray:
    return np.argmax(np.asarray(x), axis=axis)


def argmin(x: Any, axis: int | None = None) -> np.ndarray:
    return np.argmin(np.asarray(x), axis=axis)


def zeros(shape: Any, dtype: Any = None) -> Tensor:
    return _t.zeros(shape, dtype)


def ones(shape: Any, dtype: Any = None) -> Tensor:
    return _t.ones(shape, dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    return _t.constant(fill_value, dtype, shape)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    return tg.tensor(values.astype(dtype) if dtype is not None else values)


def shape(x: Any) -> tuple:
    return _t.int_shape(x)


def ndim(x: Any) -> int:
    return _t.ndim(x)


def convert_to_numpy(x: Any) -> np.ndarray:
    return np.array(x)


__all__ = ["add", "subtract", "multiply", "divide", "negative", "power", "matmul", "dot", "sum", "mean", "max",
           "min", "var", "std", "logsumexp", "abs", "square", "sqrt", "exp", "log", "maximum", "minimum", "where",
           "reshape", "transpose", "concatenate", "stack", "expand_dims", "squeeze", "clip", "argmax", "argmin",
           "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "one_hot", "cast", "shape", "ndim",
           "convert_to_tensor", "convert_to_numpy", "relu", "sigmoid", "softmax", "log_softmax", "softplus",
           "tanh"]


from nn.symbolic_ops import wrap_namespace as _wrap_namespace  # noqa: E402 - after the definitions it wraps

_wrap_namespace(globals(), __all__)   # on keras.Input-derived tensors each function records a layer
