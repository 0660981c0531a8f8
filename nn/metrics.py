"""Keras's metrics: the metric *functions* on numpy arrays, and (imported at the end) the stateful
metric *classes* (``nn.metrics.Precision``, ``AUC``, ``Mean`` ..., defined in nn.metric_base,
nn.metric_classes and nn.confusion_metrics) that ``compile(metrics=[...])`` uses.

Each function maps ``(y_true, y_pred)`` to Keras's values: the mean over the last axis, so one value
per sample for (n, k) outputs (a scalar for 1-D inputs, as Keras), which ``weighted_metrics`` weigh the
Keras way, Σ wᵢ mᵢ / Σ wᵢ. Targets one axis short of the predictions get a trailing axis first
(Keras's rank matching), so (n,) targets beside (n, k) outputs compare each sample with its own
outputs at every batch size. ``"accuracy"`` is resolved as Keras (tf.keras 2 and Keras 3) does, from
the shapes of the targets and predictions alone.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import loss_functions

MetricFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _per_sample(values: np.ndarray) -> np.ndarray:
    """Average over the last axis, as Keras's metric functions (a scalar for 1-D values)."""
    return np.asarray(values, dtype=np.float64).mean(axis=-1)


def _column(y: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Targets one axis short of the predictions get a trailing axis (Keras's rank matching): (n,) beside
    (n, k) becomes (n, 1), compared with each of the k outputs, never broadcast to (n, n) or (k, n)."""
    return y.reshape(y.shape + (1,)) if y.ndim == np.ndim(like) - 1 else y


def _labels(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Integer labels shaped as the predictions without their class axis: (n,) from (n,) or (n, 1)
    targets beside (n, k) predictions, (n, t) from (n, t) or (n, t, 1) beside (n, t, k)."""
    labels = np.asarray(y_true)
    if labels.ndim == np.ndim(y_pred) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    return labels.astype(np.int64, copy=False)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the prediction equals the target, elementwise (Keras's ``accuracy``, for class labels)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"accuracy: y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} must have the "
                         f"same shape (it compares values; for class scores use categorical or sparse "
                         f"categorical accuracy).")
    return (y_true == y_pred).astype(np.float64)


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """1 where (y_pred > threshold) equals y_true, averaged over each sample's outputs (Keras's)."""
    y_true = _column(np.asarray(y_true), y_pred)
    return _per_sample(y_true == (y_pred > threshold))


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where argmax of the one-hot target equals argmax of the prediction."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the integer label equals argmax of the prediction."""
    return (_labels(y_true, y_pred) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def top_k_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray, k: int = 5) -> np.ndarray:
    """1 where the one-hot target's class is among the k highest predictions."""
    return sparse_top_k_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray, k: int = 5) -> np.ndarray:
    """1 where the integer label is among the k highest predictions (ties in its favour, as tf.math.in_top_k)."""
    y_pred = np.asarray(y_pred)
    labels = _labels(y_true, y_pred)
    target_score = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    return (np.sum(y_pred > target_score, axis=-1) < k).astype(np.float64)


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """(y - ŷ)² averaged over each sample's outputs."""
    return _per_sample((_column(np.asarray(y_true), y_pred) - y_pred) ** 2)


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """|y - ŷ| averaged over each sample's outputs."""
    return _per_sample(np.abs(_column(np.asarray(y_true), y_pred) - y_pred))


def mean_absolute_percentage_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """100 · |y - ŷ| / max(|y|, 1e-7), averaged over each sample's outputs (Keras's mape)."""
    y_true = _column(np.asarray(y_true, dtype=np.float64), y_pred)
    return _per_sample(100.0 * np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), 1e-7))


def cosine_similarity(y_true: np.ndarray, y_pred: np.ndarray, axis: int = -1) -> np.ndarray:
    """Σ ŷ·p̂ over ``axis``, both L2-normalised: Keras's metric, +1 for the same direction (its loss
    ``keras.losses.cosine_similarity`` is the negative)."""
    return -np.asarray(loss_functions.cosine_similarity(y_true, y_pred, axis).numpy(force=True))


METRICS: dict[str, MetricFunction] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "MSE": mean_squared_error, "MAE": mean_absolute_error, "MAPE": mean_absolute_percentage_error,
    "cosine_similarity": cosine_similarity,
    # Keras's loss functions are metric functions too (one value per sample, Keras 2.15's formulas)
    **{name: getattr(loss_functions, name) for name in (
        "mean_squared_logarithmic_error", "msle", "MSLE", "binary_crossentropy", "categorical_crossentropy",
        "sparse_categorical_crossentropy", "kl_divergence", "kld", "KLD", "kullback_leibler_divergence", "hinge",
        "squared_hinge", "categorical_hinge", "poisson", "log_cosh", "logcosh")},
}
ACCURACY_NAMES = ("accuracy", "acc")
CROSSENTROPY_NAMES = ("crossentropy", "ce")


def _target_kind(y_true: np.ndarray | None, y_pred: np.ndarray | None) -> str:
    """'binary', 'sparse' or 'categorical' from the shapes alone, as Keras resolves 'accuracy' and
    'crossentropy': binary when the predictions have one column (or are 1-D), sparse for integer labels
    (targets of lower rank, or a last axis of 1 beside several columns), else categorical."""
    if y_pred is None or y_true is None:
        return "categorical"
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if (y_pred.shape[-1] if y_pred.ndim > 1 else 1) == 1:
        return "binary"
    if y_true.ndim < y_pred.ndim or (y_true.shape[-1] if y_true.ndim > 1 else 1) == 1:
        return "sparse"
    return "categorical"


def accuracy_for(y_true: np.ndarray | None = None, y_pred: np.ndarray | None = None) -> MetricFunction:
    """The accuracy Keras picks for 'accuracy' from the shapes alone (whatever the loss), so
    binary_crossentropy on a 3-unit sigmoid output with (n, 3) targets gets categorical_accuracy, as in Keras."""
    return {"binary": binary_accuracy, "sparse": sparse_categorical_accuracy,
            "categorical": categorical_accuracy}[_target_kind(y_true, y_pred)]


def crossentropy_for(y_true: np.ndarray | None = None, y_pred: np.ndarray | None = None) -> MetricFunction:
    """The cross-entropy Keras picks for the metric 'crossentropy' (or 'ce') from the shapes alone."""
    return {"binary": loss_functions.binary_crossentropy, "sparse": loss_functions.sparse_categorical_crossentropy,
            "categorical": loss_functions.categorical_crossentropy}[_target_kind(y_true, y_pred)]


def get(name: str | MetricFunction, y_true: np.ndarray | None = None,
        y_pred: np.ndarray | None = None) -> tuple[str, MetricFunction]:
    """``(display name, function)`` for a metric function's name or a callable ``f(y_true, y_pred)``;
    'accuracy'/'acc' and 'crossentropy'/'ce' follow the shapes of a batch of targets and predictions,
    when given. (Metric class names such as 'AUC' give objects: see :func:`get_metric`.)"""
    if callable(name):
        return getattr(name, "__name__", type(name).__name__), name
    if not isinstance(name, str):
        raise TypeError(f"metrics: expected a name or a function, got {name!r}.")
    if name in ACCURACY_NAMES:
        return name, accuracy_for(y_true, y_pred)
    if name in CROSSENTROPY_NAMES:
        return name, crossentropy_for(y_true, y_pred)
    if name not in METRICS:
        names = sorted([*ACCURACY_NAMES, *CROSSENTROPY_NAMES, *METRICS], key=str.lower)
        raise ValueError(f"metrics: unknown metric {name!r}; valid names are {', '.join(names)}, a metric class "
                         f"name such as 'AUC' or 'Precision', a metric object (keras.metrics.AUC()), or a "
                         f"function f(y_true, y_pred) returning one value per sample.")
    return name, METRICS[name]


# the stateful metric classes (after the functions above, which they wrap)
from .metric_base import Mean, MeanMetricWrapper, Metric, Sum  # noqa: E402
from .metric_classes import (Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy,  # noqa: E402
                             CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence,
                             LogCoshError, LossMetric, MeanAbsoluteError, MeanAbsolutePercentageError,
                             MeanSquaredError, MeanSquaredLogarithmicError, Poisson, RootMeanSquaredError,
                             SparseCategoricalAccuracy, SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy,
                             SquaredHinge, TopKCategoricalAccuracy, get_metric)
from .score_metrics import F1Score, FBetaScore, R2Score  # noqa: E402
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives,  # noqa: E402
                                TruePositives)
