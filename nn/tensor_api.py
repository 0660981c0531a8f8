"""TensorFlow's and Keras's tensor functions by name, over tensorgrad ops (so differentiable): the
functions behind ``import nn as tf`` (``tf.reduce_sum``, ``tf.one_hot`` ...), ``keras.backend``
(``K.sum``, ``K.epsilon`` ...) and ``keras.ops``. New tensors are built from numpy with ``tg.tensor``;
float32 is the default dtype, as in TensorFlow."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

from . import init
from .keras_variable import PYTHON_DEFAULTS, KerasVariable, VariableSpelling, new_variable, python_number_array

float16, float32, float64 = np.float16, np.float32, np.float64
int8, int16, int32, int64, uint8 = np.int8, np.int16, np.int32, np.int64, np.uint8
bool_ = np.bool_
_EPSILON = [1e-7]


def _dtype(dtype: Any, default: Any = np.float32) -> np.dtype:
    if dtype is None:
        return np.dtype(default)
    return np.dtype(getattr(dtype, "name", dtype) if not isinstance(dtype, type) else dtype)


def _data(x: Any) -> np.ndarray:
    return np.asarray(x)


def _shape(shape: Any) -> tuple[int, ...]:
    values = _data(shape) if isinstance(shape, Tensor) else shape
    return (int(values),) if np.ndim(values) == 0 else tuple(int(d) for d in values)


# ------------------------------------------------------------------------------------ making tensors
def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Tensor:
    """A new tensor holding ``value`` (Python floats become float32 and ints int32, as TensorFlow); with ``shape``,
    a scalar is filled in and a list of the right size reshaped."""
    array = np.asarray(_data(value))
    if dtype is None and not isinstance(value, (np.ndarray, Tensor)):
        dtype = PYTHON_DEFAULTS.get(array.dtype, array.dtype)
    array = array.astype(_dtype(dtype, array.dtype))
    if shape is not None:
        shape = _shape(shape)
        array = np.full(shape, array, dtype=array.dtype) if array.size == 1 else array.reshape(shape)
    return tg.tensor(array)


def convert_to_tensor(value: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
    """``value`` as a Tensor (a Tensor of that dtype is returned as is, keeping its graph)."""
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == _dtype(dtype) else tg.cast(value, _dtype(dtype))
    return constant(value, dtype)


def zeros(shape: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    return tg.tensor(np.zeros(_shape(shape), dtype=_dtype(dtype)))


def ones(shape: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    return tg.tensor(np.ones(_shape(shape), dtype=_dtype(dtype)))


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """A tensor of shape ``dims`` filled with ``value`` (its dtype: float32 for a Python float)."""
    return constant(value, shape=dims)


def zeros_like(x: Any, dtype: Any = None) -> Tensor:
    return tg.tensor(np.zeros_like(_data(x), dtype=None if dtype is None else _dtype(dtype)))


def ones_like(x: Any, dtype: Any = None) -> Tensor:
    return tg.tensor(np.ones_like(_data(x), dtype=None if dtype is None else _dtype(dtype)))


def one_hot(indices: Any, depth: int, on_value: float = 1.0, off_value: float = 0.0, axis: int = -1,
            dtype: Any = None) -> Tensor:
    """out[..., c] = on_value where indices == c else off_value; an index outside 0..depth-1 gives a row
    of off_value, as TensorFlow."""
    labels = np.asarray(_data(indices)).astype(np.int64)
    hot = labels[..., None] == np.arange(int(depth))
    out = np.where(hot, on_value, off_value).astype(_dtype(dtype))
    return tg.tensor(np.moveaxis(out, -1, axis) if axis != -1 else out)


def cast(x: Any, dtype: Any) -> Tensor:
    """``x`` in ``dtype`` (differentiable between float types)."""
    return tg.cast(convert_to_tensor(x), _dtype(dtype))


class Variable(metaclass=VariableSpelling):
    """``tf.Variable(initial_value, trainable=True, name=None, dtype=None)``: a Keras variable (nn.keras_variable;
    an nn.Parameter that requires grad when trainable) whose ``.numpy()`` gives its values, as TensorFlow's does
    (PyTorch refuses that on a tensor that requires grad); ``isinstance(layer.kernel, tf.Variable)`` holds."""

    def __new__(cls, initial_value: Any, trainable: bool = True, name: str | None = None,  # type: ignore[misc]
                dtype: Any = None) -> KerasVariable:
        values = python_number_array(initial_value.numpy(force=True) if isinstance(initial_value, Tensor)
                                     else initial_value, None if dtype is None else _dtype(dtype))
        return new_variable(values, name=name or "Variable", trainable=bool(trainable))


# ------------------------------------------------------------------------------------------- maths
def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False) -> Tensor:
    """a @ b, optionally with either matrix transposed (its last two axes)."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    return tg.matmul(a, b)


def _axis(axis: Any) -> Any:
    return tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else axis


def reduce_sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return tg.sum(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims)


def reduce_mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return tg.mean(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims)


def reduce_max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return tg.max(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims)


def reduce_min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return tg.min(convert_to_tensor(x), axis=_axis(axis), keepdims=keepdims)


def reduce_variance(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """mean((x − mean(x))²), the population variance (as TensorFlow and Keras)."""
    x = convert_to_tensor(x)
    centred = x - tg.mean(x, axis=_axis(axis), keepdims=True)
    return tg.mean(centred * centred, axis=_axis(axis), keepdims=keepdims)


def reduce_std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return tg.sqrt(reduce_variance(x, axis, keepdims))


def square(x: Any) -> Tensor:
    x = convert_to_tensor(x)
    return x * x


def sqrt(x: Any) -> Tensor:
    return tg.sqrt(convert_to_tensor(x))


def exp(x: Any) -> Tensor:
    return tg.exp(convert_to_tensor(x))


def log(x: Any) -> Tensor:
    return tg.log(convert_to_tensor(x))


def abs(x: Any) -> Tensor:  # noqa: A001 - TensorFlow's name
    return tg.abs(convert_to_tensor(x))


def pow(x: Any, p: Any) -> Tensor:  # noqa: A001 - TensorFlow's name
    return tg.pow(convert_to_tensor(x), p)


def maximum(a: Any, b: Any) -> Tensor:
    return tg.maximum(convert_to_tensor(a), b)


def minimum(a: Any, b: Any) -> Tensor:
    return tg.minimum(convert_to_tensor(a), b)


def clip_by_value(x: Any, clip_value_min: Any, clip_value_max: Any) -> Tensor:
    return tg.clip(convert_to_tensor(x), clip_value_min, clip_value_max)


def reshape(x: Any, shape: Any) -> Tensor:
    return tg.reshape(convert_to_tensor(x), _shape(shape))


def transpose(x: Any, perm: Sequence[int] | None = None) -> Tensor:
    """TensorFlow's transpose: every axis reversed, or the permutation ``perm``."""
    x = convert_to_tensor(x)
    return tg.transpose(x, tuple(perm) if perm is not None else tuple(reversed(range(x.ndim))))


def concat(values: Sequence[Any], axis: int) -> Tensor:
    return tg.concatenate([convert_to_tensor(v) for v in values], axis=axis)


def stack(values: Sequence[Any], axis: int = 0) -> Tensor:
    return tg.stack([convert_to_tensor(v) for v in values], axis=axis)


def expand_dims(x: Any, axis: int) -> Tensor:
    x = convert_to_tensor(x)
    shape = list(x.shape)
    shape.insert(axis if axis >= 0 else len(shape) + 1 + axis, 1)
    return x.reshape(tuple(shape))


def squeeze(x: Any, axis: Any = None) -> Tensor:
    x = convert_to_tensor(x)
    axes = {a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)} if axis is not None else \
        {i for i, d in enumerate(x.shape) if d == 1}
    wrong = [a for a in axes if x.shape[a] != 1]
    if wrong:
        raise ValueError(f"squeeze: axis {wrong} of shape {x.shape} is not of size 1.")
    return x.reshape(tuple(d for i, d in enumerate(x.shape) if i not in axes))


def argmax(x: Any, axis: int = 0) -> np.ndarray:
    """Indices of the largest values along ``axis`` (TensorFlow's default: axis 0); not differentiable."""
    return np.argmax(_data(x), axis=axis)


def argmin(x: Any, axis: int = 0) -> np.ndarray:
    return np.argmin(_data(x), axis=axis)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    return tg.where(_data(condition), x, y)


def shape(x: Any) -> np.ndarray:
    """The shape as an int32 array (TensorFlow's ``tf.shape``, so ``tf.shape(x)[0]`` is the batch size)."""
    return np.asarray(getattr(x, "shape", np.shape(x)), dtype=np.int32)


def int_shape(x: Any) -> tuple:
    """The shape as a tuple (None for the batch axis of a symbolic input)."""
    return tuple(getattr(x, "shape", np.shape(x)))


def ndim(x: Any) -> int:
    return len(int_shape(x))


def epsilon() -> float:
    """The fuzz factor (Keras's default 1e-7)."""
    return _EPSILON[0]


def set_epsilon(value: float) -> None:
    _EPSILON[0] = float(value)


def floatx() -> str:
    return "float32"


# ------------------------------------------------------------------------------------------ random
def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: int | None = None
                  ) -> Tensor:
    """Samples of N(mean, stddev²), from tensorgrad's global generator (or ``seed``'s own)."""
    rng = np.random.default_rng(seed) if seed is not None else init.default_rng()
    return tg.tensor(rng.normal(mean, stddev, _shape(shape)).astype(_dtype(dtype)))


def random_uniform(shape: Any, minval: float = 0.0, maxval: float | None = None, dtype: Any = None,
                   seed: int | None = None) -> Tensor:
    """Samples of U[minval, maxval) (maxval defaults to 1 for floats, as TensorFlow)."""
    rng = np.random.default_rng(seed) if seed is not None else init.default_rng()
    dt = _dtype(dtype)
    if dt.kind in "iu":
        if maxval is None:
            raise ValueError("random_uniform: an integer dtype needs maxval.")
        return tg.tensor(rng.integers(int(minval), int(maxval), _shape(shape)).astype(dt))
    return tg.tensor(rng.uniform(minval, 1.0 if maxval is None else maxval, _shape(shape)).astype(dt))


def set_seed(seed: int) -> None:
    """One seed for every random choice: weights, dropout, shuffling, ``tf.random`` (tg.manual_seed)."""
    tg.manual_seed(int(seed))


class GradientTape:
    """``tf.GradientTape``: tensorgrad records every op already, so the tape only remembers whether
    ``gradient`` may be called more than once (``persistent``). ``tape.gradient(loss, variables)`` is
    ``tg.grad``; a variable the target does not depend on gets None, as TensorFlow. The graph is kept
    after ``gradient`` (freed with the tensors): tapes open together (a GAN's ``gen_tape`` and
    ``disc_tape``) differentiate one shared forward, which the first would otherwise free."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self.persistent = bool(persistent)
        self._used = False

    def __enter__(self) -> "GradientTape":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def watch(self, tensor: Any) -> None:
        """Record gradients for ``tensor`` (a Tensor that does not require grad yet)."""
        if isinstance(tensor, Tensor) and not tensor.requires_grad:
            tensor.requires_grad_(True)

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        """d target / d sources, as TensorFlow: a non-scalar target (or a list of targets) counts as the sum
        of its elements, Σ output_gradients · target when those are given; a source the target does not
        reach, or that is not watched (a non-trainable variable), gets None (zeros with
        ``unconnected_gradients='zero'``)."""
        if self._used and not self.persistent:
            raise RuntimeError("GradientTape.gradient can only be called once on a non-persistent tape; use "
                               "tf.GradientTape(persistent=True) to call it more than once.")
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"GradientTape.gradient: unconnected_gradients must be 'none' or 'zero', got "
                             f"{unconnected_gradients!r}.")
        self._used = True
        many = isinstance(sources, (list, tuple))
        items = list(sources) if many else [sources]
        # a source the tape does not watch (a non-trainable variable, a constant) gets None, as in TensorFlow
        watched = [s for s in items if isinstance(s, Tensor) and s.requires_grad]
        found = iter(tg.grad(_summed_target(target, output_gradients), watched, retain_graph=True, allow_unused=True)
                     if watched else ())
        grads = [next(found) if isinstance(s, Tensor) and s.requires_grad else None for s in items]
        if unconnected_gradients == "zero":
            grads = [tg.zeros_like(s) if g is None else g for g, s in zip(grads, items)]
        return list(grads) if many else grads[0]


def _summed_target(target: Any, output_gradients: Any) -> Tensor:
    """The scalar TensorFlow differentiates: Σ target (Σ output_gradients · target), summed over a list."""
    targets = list(target) if isinstance(target, (list, tuple)) else [target]
    weights = list(output_gradients) if isinstance(output_gradients, (list, tuple)) else \
        [output_gradients] * len(targets)
    if len(weights) != len(targets):
        raise ValueError(f"GradientTape.gradient: {len(weights)} output_gradients for {len(targets)} targets; give "
                         f"one per target.")
    terms = []
    for t, w in zip(targets, weights):
        if not isinstance(t, Tensor):
            raise TypeError(f"GradientTape.gradient: the target must be a Tensor computed under the tape, got "
                            f"{type(t).__name__}.")
        weighted = t if w is None else t * tg.as_tensor(np.asarray(w.numpy(force=True) if isinstance(w, Tensor) else w, t.dtype))
        terms.append(weighted.sum() if weighted.ndim else weighted)
    return sum(terms[1:], terms[0])


__all__ = [
    "constant", "convert_to_tensor", "zeros", "ones", "fill", "zeros_like", "ones_like", "one_hot", "cast",
    "Variable", "matmul", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_variance",
    "reduce_std", "square", "sqrt", "exp", "log", "abs", "pow", "maximum", "minimum", "clip_by_value",
    "reshape", "transpose", "concat", "stack", "expand_dims", "squeeze", "argmax", "argmin", "where", "shape",
    "int_shape", "ndim", "epsilon", "set_epsilon", "floatx", "random_normal", "random_uniform", "set_seed",
    "GradientTape", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool_",
]


from .symbolic_ops import wrap_namespace as _wrap_namespace  # noqa: E402 - after the definitions it wraps

_wrap_namespace(globals(), __all__)   # on keras.Input-derived tensors each function records a layer
