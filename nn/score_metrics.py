"""Keras 2.15's per-class F-scores (``FBetaScore``, ``F1Score``) and the coefficient of determination
(``R2Score``), accumulated over batches like the other stateful metrics (counts and sums, never a mean
of per-batch scores). Both take rank-2 targets and predictions, (samples, classes or outputs)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import tensorgrad as tg

from .metric_base import Metric, accumulate, broadcast_weights, divide_no_nan, to_numpy

_AVERAGES = (None, "micro", "macro", "weighted")
_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


def _rank2(y_true: Any, y_pred: Any, who: str, axis_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions as float arrays of one shape (samples, ``axis_name``), or a clear error."""
    y_true, y_pred = to_numpy(y_true, np.float64), to_numpy(y_pred, np.float64)
    if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
        raise ValueError(f"{who}: y_true and y_pred must both have shape (samples, {axis_name}), got {y_true.shape} "
                         f"and {y_pred.shape}.")
    return y_true, y_pred


def _row_weights(sample_weight: Any, like: np.ndarray, who: str) -> np.ndarray:
    """Per-sample weights as a column (broadcast over the classes), or ones."""
    if sample_weight is None:
        return np.ones_like(like)
    weights = to_numpy(sample_weight, np.float64)
    return np.array(broadcast_weights(weights[:, None] if weights.ndim == 1 else weights, like, who))


class FBetaScore(Metric):
    """Fβ = (1 + β²)·P·R / (β²·P + R) per class from accumulated TP, FP, FN (multi-label or one-hot
    targets). A prediction is positive when > ``threshold``, or, with ``threshold=None``, when it is its
    row's maximum. ``average``: None (one score per class), 'micro' (from the counts summed over
    classes), 'macro' (mean over classes) or 'weighted' (classes weighted by their number of positives)."""

    def __init__(self, average: str | None = None, beta: float = 1.0, threshold: float | None = None,
                 name: str = "fbeta_score", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        who = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{who}: invalid `average` argument value {average!r}; expected one of {list(_AVERAGES)}.")
        if not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{who}: `beta` must be a float > 0, got {beta!r}.")
        if threshold is not None and not (isinstance(threshold, (int, float)) and 0 < threshold <= 1):
            raise ValueError(f"{who}: `threshold` must be a float in (0, 1] or None, got {threshold!r}.")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self._built = False

    def _build(self, classes: int) -> None:
        shape = () if self.average == "micro" else (classes,)
        for name in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, name, self.add_weight(name, shape=shape))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = _rank2(y_true, y_pred, type(self).__name__, "classes")
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:          # the row's maximum, unless it is 0 (an all-zero row predicts nothing)
            positive = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-12)
        else:
            positive = y_pred > self.threshold
        predicted = positive.astype(np.float64)
        weights = _row_weights(sample_weight, y_pred, type(self).__name__)
        axis = None if self.average == "micro" else 0
        for name, values in (("true_positives", predicted * y_true), ("false_positives", predicted * (1 - y_true)),
                             ("false_negatives", (1 - predicted) * y_true), ("intermediate_weights", y_true)):
            accumulate(getattr(self, name), (values * weights).sum(axis=axis))

    def result(self) -> tg.Tensor:
        if not self._built:
            return self._value(0.0)
        tp, fp, fn = (np.asarray(getattr(self, n).numpy(force=True), np.float64)
                      for n in ("true_positives", "false_positives", "false_negatives"))
        precision, recall = divide_no_nan(tp, tp + fp), divide_no_nan(tp, tp + fn)
        beta2 = self.beta ** 2
        score = (1 + beta2) * divide_no_nan(precision * recall, beta2 * precision + recall)
        if self.average == "weighted":
            support = np.asarray(self.intermediate_weights.numpy(force=True), np.float64)
            score = np.sum(score * divide_no_nan(support, support.sum()))
        elif self.average is not None:
            score = np.mean(score)
        return self._value(score)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 = 2·P·R / (P + R) per class (``FBetaScore`` with β = 1)."""

    def __init__(self, average: str | None = None, threshold: float | None = None, name: str = "f1_score",
                 dtype: Any = None) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config


class R2Score(Metric):
    """R² = 1 − Σ w(y − ŷ)² / Σ w(y − ȳ)² per output, from sums accumulated over batches (ȳ the weighted
    mean of all targets seen); ``class_aggregation``: 'uniform_average' (mean over outputs),
    'variance_weighted_average' (weighted by each output's Σ w(y − ȳ)²) or None (one per output);
    ``num_regressors`` p > 0 gives the adjusted R², 1 − (1 − R²)(n − 1)/(n − p − 1)."""

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(f"R2Score: invalid value for `class_aggregation` {class_aggregation!r}; expected one of "
                             f"{list(_AGGREGATIONS)}.")
        if not isinstance(num_regressors, (int, np.integer)) or num_regressors < 0:
            raise ValueError(f"R2Score: `num_regressors` must be an integer >= 0, got {num_regressors!r}.")
        self.class_aggregation, self.num_regressors = class_aggregation, int(num_regressors)
        self.num_samples = self.add_weight("num_samples")
        self._built = False

    def _build(self, outputs: int) -> None:
        for name in ("squared_sum", "sum", "total_mse", "count"):
            setattr(self, name, self.add_weight(name, shape=(outputs,)))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = _rank2(y_true, y_pred, "R2Score", "outputs")
        if not self._built:
            self._build(y_pred.shape[-1])
        weights = _row_weights(sample_weight, y_true, "R2Score")
        accumulate(self.sum, (y_true * weights).sum(axis=0))
        accumulate(self.squared_sum, (y_true * y_true * weights).sum(axis=0))
        accumulate(self.total_mse, ((y_true - y_pred) ** 2 * weights).sum(axis=0))
        accumulate(self.count, weights.sum(axis=0))
        accumulate(self.num_samples, y_true.size)

    def result(self) -> tg.Tensor:
        if not self._built:
            return self._value(0.0)
        total_sum, squares, mse, count = (np.asarray(getattr(self, n).numpy(force=True), np.float64)
                                          for n in ("sum", "squared_sum", "total_mse", "count"))
        mean = divide_no_nan(total_sum, count)
        total = squares - total_sum * mean
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = 1.0 - mse / total
        raw = np.where(np.isfinite(raw), raw, 0.0)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = divide_no_nan((total * raw).sum(), total.sum())
        else:
            score = raw
        n, p = float(self.num_samples.numpy(force=True)), self.num_regressors
        if p:
            if p >= n - 1:
                warnings.warn(f"R2Score: more independent predictors ({p}) than the samples allow ({n:.0f}); the "
                              f"adjusted R² is not defined, the plain R² is returned.", UserWarning, stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1) / (n - p - 1)
        return self._value(score)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


__all__ = ["FBetaScore", "F1Score", "R2Score"]
