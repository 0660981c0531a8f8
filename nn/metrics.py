"""Metrics for ``compile(metrics=[...])``: per-sample values on numpy arrays, averaged by ``fit``.

Each metric maps ``(y_true, y_pred)`` to one value per sample, so that ``weighted_metrics`` can
weigh them the Keras way, Σ wᵢ mᵢ / Σ wᵢ (``metrics`` are plain means). Targets one axis short of
the predictions get a trailing axis first (Keras's rank matching), so (n,) targets beside (n, k)
outputs compare each sample with its own outputs at every batch size. ``"accuracy"`` is resolved as
Keras (tf.keras 2 and Keras 3) does, from the shapes of the targets and predictions alone.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Metric = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _per_sample(values: np.ndarray) -> np.ndarray:
    """Average over every axis but the first (the samples)."""
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values


def _column(y: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Targets one axis short of the predictions get a trailing axis (Keras's rank matching): (n,) beside
    (n, k) becomes (n, 1), compared with each of the k outputs, never broadcast to (n, n) or (k, n)."""
    return y.reshape(y.shape + (1,)) if y.ndim == np.ndim(like) - 1 else y


def _labels(y_true: np.ndarray, n: int) -> np.ndarray:
    """Integer labels of shape (n,) from (n,) or (n, 1) targets."""
    labels = np.asarray(y_true)
    return (labels.reshape(n, -1)[:, 0] if labels.ndim > 1 else labels).astype(np.int64, copy=False)


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """1 where (y_pred > threshold) equals y_true, averaged over each sample's outputs (Keras's)."""
    y_true = _column(np.asarray(y_true), y_pred)
    return _per_sample(y_true == (y_pred > threshold))


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where argmax of the one-hot target equals argmax of the prediction."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the integer label equals argmax of the prediction."""
    return (_labels(y_true, len(y_pred)) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def top_k_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray, k: int = 5) -> np.ndarray:
    """1 where the one-hot target's class is among the k highest predictions."""
    return sparse_top_k_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray, k: int = 5) -> np.ndarray:
    """1 where the integer label is among the k highest predictions (ties in its favour, as tf.math.in_top_k)."""
    labels = _labels(y_true, len(y_pred))
    target_score = np.take_along_axis(y_pred, labels[:, None], axis=-1)
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


METRICS: dict[str, Metric] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
}
ACCURACY_NAMES = ("accuracy", "acc")


def accuracy_for(y_true: np.ndarray | None = None, y_pred: np.ndarray | None = None) -> Metric:
    """The accuracy Keras picks for 'accuracy' from the shapes alone (whatever the loss): binary when the
    predictions have one column (or are 1-D), sparse for integer labels (targets of lower rank, or a
    last axis of 1 beside several columns), else categorical — so binary_crossentropy on a 3-unit
    sigmoid output with (n, 3) targets gets categorical_accuracy, as in Keras."""
    if y_pred is None or y_true is None:
        return categorical_accuracy
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    pred_last = y_pred.shape[-1] if y_pred.ndim > 1 else 1
    if pred_last == 1:
        return binary_accuracy
    true_last = y_true.shape[-1] if y_true.ndim > 1 else 1
    if y_true.ndim < y_pred.ndim or true_last == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(name: str | Metric, y_true: np.ndarray | None = None, y_pred: np.ndarray | None = None) -> tuple[str, Metric]:
    """``(display name, function)`` for a metric string or callable ``f(y_true, y_pred)``; 'accuracy'/'acc'
    follow the shapes of a batch of targets and predictions, when given."""
    if callable(name):
        return getattr(name, "__name__", type(name).__name__), name
    if not isinstance(name, str):
        raise TypeError(f"metrics: expected a name or a function, got {name!r}.")
    if name in ACCURACY_NAMES:
        return name, accuracy_for(y_true, y_pred)
    if name not in METRICS:
        raise ValueError(f"metrics: unknown metric {name!r}; valid names are "
                         f"{', '.join(sorted([*ACCURACY_NAMES, *METRICS]))}, or pass a function "
                         f"f(y_true, y_pred) returning one value per sample.")
    return name, METRICS[name]
