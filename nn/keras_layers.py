"""Keras's core, reshaping, preprocessing, noise and merging layers, written on nn.Layer:
Lambda, Reshape, Permute, RepeatVector, Rescaling, Normalization, GaussianNoise,
ActivityRegularization, and Add/Subtract/Multiply/Average/Maximum/Minimum/Dot with their function
forms (``add``, ``average`` ...). Each follows the formula in Keras's documentation, given below."""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor
from tensorgrad import random as tg_random

from . import init, regularizers
from .layer import Layer

EPSILON = 1e-7   # keras.backend.epsilon()


class Lambda(Layer):
    """``function(inputs, **arguments)`` as a layer (any tensorgrad ops; differentiable). Saved
    models store the function's name: loading needs it in ``custom_objects`` (Keras 3 likewise
    refuses to load a lambda's code in safe mode)."""

    def __init__(self, function: Callable[..., Any], output_shape: Any = None, arguments: dict | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: function must be callable, got {function!r}.")
        self.function, self.arguments = function, dict(arguments or {})
        self.declared_output_shape = output_shape

    def call(self, inputs: Any) -> Any:
        return self.function(inputs, **self.arguments)

    def get_config(self) -> dict[str, Any]:
        name = getattr(self.function, "__name__", "<lambda>")
        return {**super().get_config(), "function": name, "arguments": self.arguments,
                "output_shape": self.declared_output_shape}


class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry may be -1 (inferred)."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1 or any(d == 0 or d < -1 for d in self.target_shape):
            raise ValueError(f"Reshape: target_shape {target_shape!r} must be positive sizes with at most one -1.")

    def call(self, inputs: Tensor) -> Tensor:
        size = int(np.prod(inputs.shape[1:]))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if (-1 in self.target_shape and size % known) or (-1 not in self.target_shape and size != known):
            raise ValueError(f"Reshape '{self.name}': cannot reshape a sample of shape {inputs.shape[1:]} ({size} "
                             f"values) to {self.target_shape}.")
        return inputs.reshape((inputs.shape[0], *self.target_shape))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Reorders the non-batch axes: ``dims`` is a permutation of 1..rank (1-based, as Keras)."""

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims {dims!r} must be a permutation of 1..{len(self.dims)} (the batch axis "
                             f"0 is not included).")

    def call(self, inputs: Tensor) -> Tensor:
        if inputs.ndim != len(self.dims) + 1:
            raise ValueError(f"Permute '{self.name}': dims {self.dims} need inputs of rank {len(self.dims) + 1}, "
                             f"got shape {inputs.shape}.")
        return inputs.transpose((0, *self.dims))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): the input repeated n times."""

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"RepeatVector: n must be a positive integer, got {n!r}.")
        self.n = int(n)

    def call(self, inputs: Tensor) -> Tensor:
        if inputs.ndim != 2:
            raise ValueError(f"RepeatVector '{self.name}': expects (batch, features), got shape {inputs.shape}.")
        b, f = inputs.shape
        return tg.broadcast_to(inputs.reshape((b, 1, f)), (b, self.n, f))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}


class Rescaling(Layer):
    """x · scale + offset (e.g. ``Rescaling(1/255)`` for pixels)."""

    def __init__(self, scale: float, offset: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale, self.offset = float(scale), float(offset)

    def call(self, inputs: Tensor) -> Tensor:
        return inputs * self.scale + self.offset

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class Normalization(Layer):
    """(x − mean) / max(√variance, ε) per feature of ``axis`` (Keras's formula, ε = 1e-7); with
    ``invert=True`` the inverse, mean + x · max(√variance, ε). ``adapt(data)`` sets mean and the
    population variance from data; they and the sample ``count`` are non-trainable weights (Keras's three),
so they are saved with the model."""

    def __init__(self, axis: int | Sequence[int] | None = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = (() if axis is None else (int(axis),) if isinstance(axis, (int, np.integer))
                     else tuple(int(a) for a in axis))
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither (then call adapt(data)).")
        self.invert = bool(invert)
        self.init_mean, self.init_variance = mean, variance

    def _kept_axes(self, rank: int) -> tuple[int, ...]:
        axes = tuple(a % rank for a in self.axis)
        if any(a == 0 for a in axes):
            raise ValueError(f"Normalization '{self.name}': axis {self.axis} includes the batch axis 0.")
        return axes

    def build(self, input_shape: Any) -> None:
        rank = len(input_shape)
        kept = self._kept_axes(rank)
        shape = tuple(int(input_shape[a]) for a in kept)
        self.mean = self.add_weight(name="mean", shape=shape, initializer="zeros", trainable=False)
        self.variance = self.add_weight(name="variance", shape=shape, initializer="ones", trainable=False)
        # a float: the optimizers compile binds take only floating weights (Keras keeps an int64)
        self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)
        self.broadcast_shape = tuple(int(input_shape[a]) if a in kept else 1 for a in range(rank))
        if self.init_mean is not None:
            self.mean.load(np.broadcast_to(np.asarray(self.init_mean, dtype=self.dtype), shape))
            self.variance.load(np.broadcast_to(np.asarray(self.init_variance, dtype=self.dtype), shape))
        self.built = True

    def adapt(self, data: Any, batch_size: Any = None, steps: Any = None) -> None:
        """Set mean and variance (1/n Σ (x − mean)², numpy's default) over every axis but ``axis``."""
        array = np.asarray(data, dtype=np.float64)
        if array.ndim == 1:
            array = array[:, None]
        if not self.built:
            self.build((None, *array.shape[1:]))
        kept = self._kept_axes(array.ndim)
        reduce = tuple(a for a in range(array.ndim) if a not in kept)
        self.mean.load(array.mean(axis=reduce).reshape(self.mean.shape))
        self.variance.load(array.var(axis=reduce).reshape(self.variance.shape))
        self.count.load(array.size // max(self.mean.size, 1))

    def call(self, inputs: Tensor) -> Tensor:
        mean = self.mean.reshape(self.broadcast_shape)
        scale = tg.maximum(tg.sqrt(self.variance), EPSILON).reshape(self.broadcast_shape)
        return mean + inputs * scale if self.invert else (inputs - mean) / scale

    def get_config(self) -> dict[str, Any]:
        axis = None if not self.axis else self.axis[0] if len(self.axis) == 1 else list(self.axis)
        return {**super().get_config(), "axis": axis, "invert": self.invert,
                "mean": None if self.init_mean is None else np.asarray(self.init_mean).tolist(),
                "variance": None if self.init_variance is None else np.asarray(self.init_variance).tolist()}


class GaussianNoise(Layer):
    """x + N(0, stddev²) noise in training mode; the identity otherwise (evaluate, predict)."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not float(stddev) >= 0:
            raise ValueError(f"GaussianNoise: stddev must be >= 0, got {stddev!r}.")
        self.stddev, self.seed = float(stddev), seed
        self._rng = None if seed is None else tg_random.spawn(seed)

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.stddev == 0:
            return inputs
        noise = (self._rng or init.default_rng()).normal(0.0, self.stddev, inputs.shape)
        return inputs + noise.astype(inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class ActivityRegularization(Layer):
    """The identity, adding l1·Σ|x| + l2·Σx² of its output (divided by the batch size, as every
    Keras 2 activity penalty) to ``model.losses``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)

    def call(self, inputs: Tensor) -> Tensor:
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


# ------------------------------------------------------------------------------------------ merging
class _Merge(Layer):
    """Element-wise merge of a list of same-shape tensors (numpy broadcasting allowed, as Keras)."""

    minimum_inputs = 2

    def call(self, inputs: Sequence[Tensor]) -> Tensor:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < self.minimum_inputs:
            raise ValueError(f"{type(self).__name__} '{self.name}': takes a list of at least {self.minimum_inputs} "
                             f"tensors, got {type(inputs).__name__}"
                             + (f" of length {len(inputs)}." if isinstance(inputs, (list, tuple)) else "."))
        return self.merge(list(inputs))

    def merge(self, inputs: list[Tensor]) -> Tensor:
        raise NotImplementedError


class Add(_Merge):
    """x₁ + x₂ + ... """

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(lambda a, b: a + b, inputs)


class Subtract(_Merge):
    """x₁ − x₂ (exactly two inputs)."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        if len(inputs) != 2:
            raise ValueError(f"Subtract '{self.name}': takes exactly 2 inputs, got {len(inputs)}.")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """x₁ · x₂ · ... (element-wise)."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(lambda a, b: a * b, inputs)


class Average(_Merge):
    """(x₁ + ... + xₙ) / n."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(lambda a, b: a + b, inputs) / len(inputs)


class Maximum(_Merge):
    """Element-wise max(x₁, x₂, ...)."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(tg.maximum, inputs)


class Minimum(_Merge):
    """Element-wise min(x₁, x₂, ...)."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return functools.reduce(tg.minimum, inputs)


class Dot(_Merge):
    """Per-sample dot product of two tensors along ``axes`` (an int, or one per input; axis 0 is the
    batch, as in Keras); ``normalize=True`` gives the cosine (each input L2-normalised along its axis
    first). Two (batch, n) inputs give (batch, 1)."""

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axes = (int(axes), int(axes)) if isinstance(axes, (int, np.integer)) else tuple(int(a) for a in axes)
        if len(self.axes) != 2:
            raise ValueError(f"Dot: axes must be an int or a pair, got {axes!r}.")
        self.normalize = bool(normalize)

    def merge(self, inputs: list[Tensor]) -> Tensor:
        if len(inputs) != 2:
            raise ValueError(f"Dot '{self.name}': takes exactly 2 inputs, got {len(inputs)}.")
        a, b = inputs
        ax_a, ax_b = self.axes[0] % a.ndim, self.axes[1] % b.ndim
        if 0 in (ax_a, ax_b) or a.shape[ax_a] != b.shape[ax_b]:
            raise ValueError(f"Dot '{self.name}': axes {self.axes} must be non-batch axes of equal size; shapes "
                             f"{a.shape} and {b.shape}.")
        if self.normalize:
            a = a / tg.sqrt(tg.maximum((a * a).sum(axis=ax_a, keepdims=True), 1e-12))
            b = b / tg.sqrt(tg.maximum((b * b).sum(axis=ax_b, keepdims=True), 1e-12))
        rest_a = [d for d in range(1, a.ndim) if d != ax_a]
        rest_b = [d for d in range(1, b.ndim) if d != ax_b]
        batch, n = a.shape[0], a.shape[ax_a]
        left = a.transpose((0, *rest_a, ax_a)).reshape((batch, -1, n))
        right = b.transpose((0, ax_b, *rest_b)).reshape((batch, n, -1))
        out_shape = (batch, *[a.shape[d] for d in rest_a], *[b.shape[d] for d in rest_b])
        out = tg.matmul(left, right).reshape(out_shape)
        return out.reshape((batch, 1)) if out.ndim == 1 else out

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": list(self.axes), "normalize": self.normalize}


def _functional(cls: type) -> Callable[..., Any]:
    def merge(inputs: Sequence[Any], **kwargs: Any) -> Any:
        return cls(**kwargs)(list(inputs))
    merge.__name__ = cls.__name__.lower()
    merge.__doc__ = f"Keras's function form: ``{cls.__name__}(**kwargs)(inputs)``."
    return merge


add, subtract, multiply, average, maximum, minimum = map(_functional, (Add, Subtract, Multiply, Average,
                                                                        Maximum, Minimum))


def dot(inputs: Sequence[Any], axes: int | Sequence[int], normalize: bool = False, **kwargs: Any) -> Any:
    """Keras's function form: ``Dot(axes, normalize)(inputs)``."""
    return Dot(axes, normalize=normalize, **kwargs)(list(inputs))


__all__ = ["Lambda", "Reshape", "Permute", "RepeatVector", "Rescaling", "Normalization", "GaussianNoise",
           "ActivityRegularization", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "dot"]
