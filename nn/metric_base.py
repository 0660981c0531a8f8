"""Keras's stateful metrics: the ``Metric`` base class, ``Mean``, ``Sum`` and ``MeanMetricWrapper``.

A metric keeps state variables (``add_weight``), adds each batch to them (``update_state``), reads them
(``result()``) and starts afresh (``reset_state()``); ``fit`` resets the model's metrics at the start of
each epoch and of ``evaluate``, so the value it shows after each batch is the running one over the
epoch, as in Keras 2.15. Sample weights as Keras: a weighted mean is Σ wᵢ vᵢ / Σ wᵢ, with the weights
broadcast to the values (an (n,) weight beside (n, k) values weighs each of the k).
"""
from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

import tensorgrad as tg

from .keras_variable import KerasVariable, initial_values, new_variable
from .parameter import Parameter
from .tensor_api import floatx

_METRIC_KWARGS = {"autocast", "trainable", "input_dim", "input_shape", "batch_input_shape", "batch_size"}


def to_snake_case(name: str) -> str:
    """Keras's default metric name from its class name: 'SparseCategoricalAccuracy' -> 'sparse_categorical_accuracy'."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


def to_numpy(x: Any, dtype: Any = None) -> np.ndarray:
    """A batch (array, list, Tensor) as a numpy array, in ``dtype`` when given."""
    array = np.asarray(x.numpy(force=True) if isinstance(x, tg.Tensor) else x)
    return array if dtype is None else array.astype(dtype, copy=False)


def squeeze_or_expand(y_pred: np.ndarray, y_true: np.ndarray | None = None,
                      sample_weight: np.ndarray | None = None) -> tuple[Any, Any, Any]:
    """Keras's rank matching inside a metric: a trailing axis of 1 that only one of y_true/y_pred has is
    dropped; weights one axis short of y_pred get a trailing axis, weights one axis longer (of size 1) lose it."""
    if y_true is not None:
        if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1:] == (1,):
            y_pred = y_pred[..., 0]
        elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1:] == (1,):
            y_true = y_true[..., 0]
    if sample_weight is not None and sample_weight.ndim:
        if sample_weight.ndim == y_pred.ndim + 1 and sample_weight.shape[-1] == 1:
            sample_weight = sample_weight[..., 0]
        elif sample_weight.ndim == y_pred.ndim - 1:
            sample_weight = sample_weight[..., None]
    return y_pred, y_true, sample_weight


def broadcast_weights(sample_weight: np.ndarray, values: np.ndarray, who: str) -> np.ndarray:
    """The weights broadcast to the values' shape, or a clear error naming both shapes."""
    try:
        return np.broadcast_to(sample_weight, values.shape)
    except ValueError:
        raise ValueError(f"{who}: sample_weight of shape {sample_weight.shape} cannot weigh values of shape "
                         f"{values.shape}; give one weight per sample, shape ({len(values) if values.ndim else 1},), "
                         f"or one per value.") from None


def weighted_sum_and_count(values: Any, sample_weight: Any, who: str) -> tuple[float, float]:
    """(Σ wᵢ vᵢ, Σ wᵢ) with the weights broadcast to the values (Keras's Reduce); (Σ vᵢ, number of
    values) without weights. Values of higher rank than the weights are first averaged over their extra
    trailing axes when the weights cannot be broadcast to them (Keras's fallback)."""
    if isinstance(values, (int, float)) and isinstance(sample_weight, (int, float, type(None))):
        weight = 1.0 if sample_weight is None else float(sample_weight)     # one value (fit's batch loss)
        return float(values) * weight, weight
    values = to_numpy(values, np.float64)
    if sample_weight is None:
        return float(values.sum()), float(values.size)
    weights = to_numpy(sample_weight, np.float64)
    values, _, weights = squeeze_or_expand(values, None, weights)
    try:
        weights = np.broadcast_to(weights, values.shape)
    except ValueError:
        if weights.ndim < values.ndim:
            values = values.mean(axis=tuple(range(weights.ndim, values.ndim)))
        weights = broadcast_weights(weights, values, who)
    return float((values * weights).sum()), float(weights.sum())


def divide_no_nan(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, 0 where the denominator is 0 (TensorFlow's divide_no_nan)."""
    if np.ndim(numerator) == 0 and np.ndim(denominator) == 0:     # the common case, without array temporaries
        denominator = float(denominator)
        return 0.0 if denominator == 0 else float(numerator) / denominator
    numerator, denominator = np.asarray(numerator, np.float64), np.asarray(denominator, np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def accumulate(variable: Parameter, delta: Any) -> None:
    """variable += delta in place (a built-in metric's update; state variables never enter a graph)."""
    array = variable.numpy(force=True)
    np.add(array, delta, out=array, casting="unsafe")      # (in the state's dtype, as Keras's assign_add)


class Metric:
    """Base class of Keras's stateful metrics; subclass it the Keras way::

        class TruePositiveCount(keras.metrics.Metric):
            def __init__(self, name="tp_count", **kwargs):
                super().__init__(name=name, **kwargs)
                self.count = self.add_weight(name="count", initializer="zeros")
            def update_state(self, y_true, y_pred, sample_weight=None):
                self.count.assign_add(tf.reduce_sum(tf.cast((y_true == 1) & (y_pred > 0.5), "float32")))
            def result(self):
                return self.count

    ``add_weight`` gives a Keras variable (nn.keras_variable: no gradient, ``numpy()``, ``assign``/``assign_add``);
    ``reset_state()`` sets every state variable to zero; ``m(y_true, y_pred)`` updates and returns the
    result. In ``fit`` and ``evaluate``, ``update_state`` gets Tensors (no graph).
    """

    def __init__(self, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        unknown = set(kwargs) - _METRIC_KWARGS
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}.")
        self._name = name or to_snake_case(type(self).__name__)
        self._dtype = np.dtype(getattr(dtype, "name", dtype) or floatx())
        self._variables: list[Parameter] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> str:
        """The dtype of the state and of ``result()`` ('float32' by default, as Keras's floatx)."""
        return self._dtype.name

    @property
    def variables(self) -> list[Parameter]:
        """The state variables, in the order ``add_weight`` made them."""
        return list(self._variables)

    weights = variables
    non_trainable_weights = variables

    @property
    def trainable_weights(self) -> list[Parameter]:
        return []

    def add_weight(self, name: Any = None, shape: Any = (), aggregation: Any = "sum", synchronization: Any = None,
                   initializer: Any = "zeros", dtype: Any = None) -> KerasVariable:
        """A state variable of ``shape`` filled by ``initializer`` (zeros by default). Keras 2's
        ``add_weight(name, shape, ...)`` and Keras 3's ``add_weight(shape, initializer, ...)`` both work."""
        if name is not None and not isinstance(name, str):      # Keras 3: add_weight(shape, initializer, dtype, name)
            name, shape, initializer = None, name, (shape if shape != () else initializer)
        shape = () if shape is None else ((int(shape),) if isinstance(shape, (int, np.integer)) else
                                          tuple(int(d) for d in shape))
        dtype = np.dtype(getattr(dtype, "name", dtype) or self._dtype)
        values = initial_values(initializer or "zeros", shape, dtype)
        variable = new_variable(values, dtype=dtype, name=name or f"variable_{len(self._variables)}", layer=self,
                                trainable=False)
        self._variables.append(variable)
        return variable

    def add_variable(self, shape: Any = (), initializer: Any = "zeros", dtype: Any = None, aggregation: Any = "sum",
                     name: str | None = None) -> KerasVariable:
        """Keras 3's spelling of :meth:`add_weight`."""
        return self.add_weight(name=name, shape=shape, initializer=initializer, dtype=dtype)

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Add a batch to the state."""
        raise NotImplementedError(f"{type(self).__name__} must define update_state(y_true, y_pred, "
                                  f"sample_weight=None).")

    def result(self) -> Any:
        """The metric's value from the state."""
        raise NotImplementedError(f"{type(self).__name__} must define result().")

    def reset_state(self) -> None:
        """Start afresh: every state variable set to zero (Keras's default); an old-style subclass that
        overrides ``reset_states`` instead is called through it."""
        if type(self).reset_states is not Metric.reset_states:
            type(self).reset_states(self)
            return
        for variable in self._variables:
            variable.assign(np.zeros_like(variable.numpy(force=True)))

    def reset_states(self) -> None:
        """Keras's older name of :meth:`reset_state`."""
        for variable in self._variables:
            variable.assign(np.zeros_like(variable.numpy(force=True)))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``update_state(*args, **kwargs)``, then ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Metric":
        return cls(**config)

    def _value(self, value: Any) -> tg.Tensor:
        """A result as a Tensor in the metric's dtype (``.numpy()``, ``float()`` work as on Keras's)."""
        return tg.from_numpy(np.array(value, dtype=self._dtype))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class Mean(Metric):
    """The weighted mean of the values given to ``update_state(values, sample_weight=None)``:
    Σ wᵢ vᵢ / Σ wᵢ over everything since the last reset (0 before any value)."""

    def __init__(self, name: str = "mean", dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.total = self.add_weight("total")
        self.count = self.add_weight("count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        total, count = weighted_sum_and_count(values, sample_weight, self.name)
        accumulate(self.total, total)
        accumulate(self.count, count)

    def result(self) -> tg.Tensor:
        return self._value(divide_no_nan(self.total.numpy(force=True), self.count.numpy(force=True)))


class Sum(Metric):
    """The (weighted) sum Σ wᵢ vᵢ of the values given to ``update_state(values, sample_weight=None)``."""

    def __init__(self, name: str = "sum", dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.total = self.add_weight("total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        accumulate(self.total, weighted_sum_and_count(values, sample_weight, self.name)[0])

    def result(self) -> tg.Tensor:
        return self._value(self.total.numpy(force=True))


class MeanMetricWrapper(Mean):
    """The weighted mean of ``fn(y_true, y_pred, **kwargs)`` over the batches: Keras's wrapper of a
    metric function (a custom one too); ``fn`` returns one value per sample (or per element), or the
    batch's mean (then each batch counts once, as in Keras)."""

    def __init__(self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", to_snake_case(type(fn).__name__)), dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def values(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """The function's values on a batch, after Keras's rank matching (both cast to floats)."""
        y_pred = to_numpy(y_pred, np.float64)
        y_true = to_numpy(y_true)
        y_true = y_true.astype(np.float64) if y_true.dtype.kind in "biuf" else y_true
        y_pred, y_true, _ = squeeze_or_expand(y_pred, y_true)
        return to_numpy(self._fn(y_true, y_pred, **self._fn_kwargs), np.float64)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        super().update_state(self.values(y_true, y_pred), sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = self._fn
        return config
