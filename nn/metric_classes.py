"""Keras's mean metrics as classes: each is the running weighted mean of a metric function
(nn.metrics or nn.loss_functions) over the batches, with Keras 2.15's names and defaults; plus
``get_metric``, which turns what ``compile(metrics=[...])`` is given into metric objects."""
from __future__ import annotations

import inspect
from typing import Any

import numpy as np

import tensorgrad as tg

from . import loss_functions
from . import metrics as metric_functions
from .metric_base import Mean, MeanMetricWrapper, Metric, squeeze_or_expand, to_numpy, to_snake_case


class Accuracy(MeanMetricWrapper):
    """How often predictions equal the targets exactly (elementwise): for class *labels*, not scores."""

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(metric_functions.accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals the 0/1 target."""

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(metric_functions.binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax of the prediction equals argmax of the one-hot target."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(metric_functions.categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax of the prediction equals the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(metric_functions.sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the k highest predictions."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(metric_functions.top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(metric_functions.sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class MeanSquaredError(MeanMetricWrapper):
    """mean((y − ŷ)²): per sample over the last axis, then over the samples."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(metric_functions.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """mean(|y − ŷ|)."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(metric_functions.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """mean(100 · |y − ŷ| / max(|y|, 1e-7))."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(metric_functions.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """mean((log(max(ŷ, ε) + 1) − log(max(y, ε) + 1))²)."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(loss_functions.mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """√(mean of the squared errors): the errors are averaged elementwise (weights broadcast to them),
    the square root taken of the running mean — not a mean of per-batch roots."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred, y_true, _ = squeeze_or_expand(to_numpy(y_pred, np.float64), to_numpy(y_true, np.float64))
        super().update_state((y_pred - y_true) ** 2, sample_weight)

    def result(self) -> tg.Tensor:
        return self._value(np.sqrt(np.asarray(super().result().numpy(force=True), np.float64)))


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy (Keras 2.15's formula, ε = 1e-7)."""

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0.0) -> None:
        super().__init__(loss_functions.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy of one-hot targets."""

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1) -> None:
        super().__init__(loss_functions.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy of integer labels."""

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 axis: int = -1) -> None:
        super().__init__(loss_functions.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, axis=axis)


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence Σ y·log(y / ŷ) (both clipped to [ε, 1])."""

    def __init__(self, name: str = "kullback_leibler_divergence", dtype: Any = None) -> None:
        super().__init__(loss_functions.kl_divergence, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine of the angle between target and prediction along ``axis`` (+1: same direction)."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(metric_functions.cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """mean(log cosh(ŷ − y))."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(loss_functions.log_cosh, name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    """mean(max(1 − y·ŷ, 0)), 0/1 labels taken as −1/1."""

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(loss_functions.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """mean(max(1 − y·ŷ, 0)²)."""

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(loss_functions.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """mean(max(max((1 − y)·ŷ) − Σ y·ŷ + 1, 0))."""

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(loss_functions.categorical_hinge, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """mean(ŷ − y·log(ŷ + ε))."""

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(loss_functions.poisson, name=name, dtype=dtype)


class ShapeResolvedMetric(MeanMetricWrapper):
    """The strings 'accuracy'/'acc' and 'crossentropy'/'ce' in ``compile``: the function is chosen from
    the shapes of the first batch, as Keras does (binary, sparse or categorical), then kept."""

    def __init__(self, spec: str, dtype: Any = None) -> None:
        super().__init__(_unresolved, name=spec, dtype=dtype)
        self._spec = spec

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self._fn is _unresolved:
            self._fn = metric_functions.get(self._spec, to_numpy(y_true), to_numpy(y_pred))[1]
        super().update_state(y_true, y_pred, sample_weight)


def _unresolved(y_true: Any, y_pred: Any) -> Any:
    raise RuntimeError("a shape-resolved metric is called before its first batch")


def is_loss_object(obj: Any) -> bool:
    """True for a loss object: one of nn's loss modules, or a Keras-style ``Loss`` (``call(y_true, y_pred)``
    giving one loss per sample, and a ``reduction``)."""
    from . import losses as losses_module
    return isinstance(obj, losses_module._Loss) or (
        not isinstance(obj, type) and hasattr(obj, "reduction") and callable(getattr(obj, "call", None)))


class LossMetric(Mean):
    """A loss object given as a metric (``metrics=[keras.losses.Huber()]``), named as Keras names it: the
    mean of its batch losses, each batch counting once (as Keras's wrapper of a loss object), or with
    sample weights Σ wᵢ lᵢ / Σ wᵢ over the per-sample losses."""

    def __init__(self, loss: Any, name: str | None = None, dtype: Any = None) -> None:
        from . import losses as losses_module
        if isinstance(loss, losses_module._Loss):     # nn's module names are numbered per model: Keras's name
            default = {"Huber": "huber_loss"}.get(type(loss).__name__, to_snake_case(type(loss).__name__))
        else:
            default = getattr(loss, "name", None) or to_snake_case(type(loss).__name__)
        super().__init__(name=name or default, dtype=dtype)
        self.loss = loss

    def per_sample(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """One loss per sample: a Keras-style loss's ``call``, or an nn loss module unreduced (PyTorch's order)."""
        from . import losses as losses_module
        target, prediction = to_numpy(y_true), tg.tensor(to_numpy(y_pred))
        if isinstance(self.loss, losses_module._Loss):
            from .training import CompiledLoss        # calls nn's loss modules in their order
            return to_numpy(CompiledLoss(self.loss).per_sample(target, prediction), np.float64)
        float_target = tg.as_tensor(target, prediction.dtype if target.dtype.kind in "biuf" else None)
        values = to_numpy(self.loss.call(float_target, prediction), np.float64)
        return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = self.per_sample(y_true, y_pred)
        super().update_state(values.mean() if sample_weight is None else values, sample_weight)


def _class_names() -> dict[str, type]:
    """Metric classes by their class name (for strings such as 'AUC' in compile)."""
    return {name: obj for name, obj in vars(metric_functions).items()
            if inspect.isclass(obj) and issubclass(obj, Metric) and obj not in (Metric, ShapeResolvedMetric)}


def get_metric(spec: Any, dtype: Any = None) -> Metric:
    """The metric object for one entry of ``compile(metrics=[...])``: a Metric object as given; a Metric
    class instantiated; a class name string ('AUC') instantiated; a function's name ('mse', 'accuracy':
    the name kept as spelled, 'acc' stays 'acc') or a function (named by ``__name__``) wrapped in a
    running mean in ``dtype``; a loss object as the mean of its batch losses."""
    if isinstance(spec, Metric):
        return spec
    if inspect.isclass(spec) and issubclass(spec, Metric):
        return spec()
    if isinstance(spec, str) and spec in _class_names():
        return _class_names()[spec]()
    if isinstance(spec, str) and spec in (*metric_functions.ACCURACY_NAMES, *metric_functions.CROSSENTROPY_NAMES):
        return ShapeResolvedMetric(spec, dtype=dtype)
    if is_loss_object(spec):
        return LossMetric(spec, dtype=dtype)
    name, fn = metric_functions.get(spec)
    return MeanMetricWrapper(fn, name=name, dtype=dtype)


__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "RootMeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "KLDivergence", "CosineSimilarity", "LogCoshError", "Hinge",
           "SquaredHinge", "CategoricalHinge", "Poisson", "LossMetric", "get_metric"]
