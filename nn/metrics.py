"""Metrics for ``compile(metrics=[...])``: per-sample values on numpy arrays, averaged by ``fit``.

Each metric maps ``(y_true, y_pred)`` to one value per sample, so sample and class weights apply
the Keras way: a metric is Σ wᵢ mᵢ / Σ wᵢ. ``"accuracy"`` is resolved from the loss as Keras does.
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
    """Labels of shape (n,) next to predictions of shape (n, 1) become (n, 1), never (n, n)."""
    return y.reshape(like.shape) if y.ndim == like.ndim - 1 and like.shape[-1] == 1 else y


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """1 where (y_pred > threshold) equals y_true, per sample (Keras's binary_accuracy)."""
    y_true = _column(np.asarray(y_true), y_pred)
    return _per_sample((y_pred > threshold) == (y_true > 0.5))


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where argmax of the one-hot target equals argmax of the prediction."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the integer label equals argmax of the prediction."""
    labels = np.asarray(y_true).reshape(len(y_pred), -1)[:, 0] if np.ndim(y_true) > 1 else np.asarray(y_true)
    return (labels.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """(y - ŷ)² averaged over each sample's outputs."""
    return _per_sample((_column(np.asarray(y_true), y_pred) - y_pred) ** 2)


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """|y - ŷ| averaged over each sample's outputs."""
    return _per_sample(np.abs(_column(np.asarray(y_true), y_pred) - y_pred))


METRICS: dict[str, Metric] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
}


def accuracy_for(loss_name: str | None, output_width: int | None = None) -> Metric:
    """The accuracy Keras would pick for ``loss_name``: binary, categorical or sparse categorical."""
    if loss_name in ("sparse_categorical_crossentropy",):
        return sparse_categorical_accuracy
    if loss_name in ("categorical_crossentropy",):
        return categorical_accuracy
    if loss_name in ("binary_crossentropy",) or output_width == 1:
        return binary_accuracy
    return categorical_accuracy


def get(name: str | Metric, loss_name: str | None = None, output_width: int | None = None) -> tuple[str, Metric]:
    """``(display name, function)`` for a metric string or callable; 'accuracy'/'acc' follow the loss."""
    if callable(name):
        return getattr(name, "__name__", "metric"), name
    if not isinstance(name, str):
        raise TypeError(f"metrics: expected a name or a function, got {name!r}.")
    if name in ("accuracy", "acc"):
        return name, accuracy_for(loss_name, output_width)
    if name not in METRICS:
        raise ValueError(f"metrics: unknown metric {name!r}; valid names are "
                         f"{', '.join(sorted(['accuracy', 'acc', *METRICS]))}, or pass a function "
                         f"f(y_true, y_pred) returning one value per sample.")
    return name, METRICS[name]
