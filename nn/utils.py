"""Label helpers with Keras's semantics: ``to_categorical`` one-hot encodes; ``argmax(axis=-1)`` undoes it."""
from __future__ import annotations

from typing import Any

import numpy as np

from tensorgrad import Tensor


def _integer_labels(y: Any) -> np.ndarray:
    """``y`` as int64, refusing fractional or negative values (a sign of passing scores, not labels)."""
    arr = np.asarray(y.data if isinstance(y, Tensor) else y)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"to_categorical: y must hold integer class labels, got dtype {arr.dtype}.")
    if arr.dtype.kind == "f":
        fractional = arr[~(np.isfinite(arr) & (arr == np.round(arr)))]
        if fractional.size:
            raise ValueError(f"to_categorical: y must hold integer class labels, got non-integer values "
                             f"such as {fractional[:3].tolist()}; if these are probabilities, "
                             f"use y.argmax(axis=-1) to get labels.")
    labels = arr.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, got {labels.min()}; "
                         f"map the classes to 0 .. num_classes-1 first.")
    return labels


def to_categorical(y: Any, num_classes: int | None = None, dtype: Any = "float32") -> np.ndarray:
    """One-hot rows: out[..., c] = 1 where y == c (Keras's ``to_categorical``).

    ``num_classes`` defaults to max(y) + 1. A trailing axis of length 1 is dropped first, so labels of
    shape (n,) or (n, 1) both give (n, num_classes).
    """
    labels = _integer_labels(y)
    shape = labels.shape[:-1] if labels.ndim > 1 and labels.shape[-1] == 1 else labels.shape
    labels = labels.reshape(-1)
    if num_classes is None:
        if labels.size == 0:
            raise ValueError("to_categorical: y is empty, so num_classes cannot be inferred; pass num_classes.")
        num_classes = int(labels.max()) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes <= 0:
        raise ValueError(f"to_categorical: num_classes must be a positive integer, got {num_classes!r}.")
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"to_categorical: label {labels.max()} is out of range for num_classes={num_classes} "
                         f"(labels must be 0 .. {num_classes - 1}); raise num_classes or omit it.")
    one_hot = np.zeros((labels.size, int(num_classes)), dtype=np.dtype(dtype))
    one_hot[np.arange(labels.size), labels] = 1
    return one_hot.reshape(*shape, int(num_classes))


__all__ = ["to_categorical"]
