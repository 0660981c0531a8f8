"""Keras's confusion-matrix metrics: ``TruePositives``/``FalsePositives``/``TrueNegatives``/
``FalseNegatives``, ``Precision``, ``Recall`` and ``AUC``. They accumulate (weighted) counts at one or
more thresholds over the batches, so their running value is the one over everything seen since the
last reset — never a mean of per-batch precisions or AUCs.

As Keras 2.15: predictions must be probabilities in [0, 1]; a prediction is positive at threshold t
when it is > t (strictly); a target is positive when it is non-zero. Evenly spaced thresholds (AUC's
default ``num_thresholds``, or e.g. [0, 0.5, 1]) use Keras's bucketing, bucket = ⌈p·(T − 1)⌉ − 1 (the
first bucket also takes p = 0 when the thresholds start below 0), counting soft targets y as y
positive and 1 − y negative.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import tensorgrad as tg

from .metric_base import Metric, accumulate, broadcast_weights, divide_no_nan, squeeze_or_expand, to_numpy
from .tensor_api import epsilon

NEG_INF = -1e10          # Keras's score for predictions outside the top k
COUNT_NAMES = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}


def parse_thresholds(thresholds: Any, default: float, who: str) -> list[float]:
    """The thresholds as a list of floats (``default`` when None), each checked to lie in [0, 1]."""
    if thresholds is None:
        return [default]
    values = [float(t) for t in np.ravel(np.asarray(thresholds, dtype=np.float64))]
    if not values:
        raise ValueError(f"{who}: thresholds is empty; give at least one value in [0, 1] (or None for 0.5).")
    invalid = [t for t in values if not 0.0 <= t <= 1.0]
    if invalid:
        raise ValueError(f"{who}: threshold values must be in [0, 1], got {invalid}.")
    return values


def evenly_distributed(thresholds: Sequence[float]) -> bool:
    """True for at least 3 thresholds spaced evenly from 0 to 1 (within ε): Keras then buckets."""
    count = len(thresholds)
    return count >= 3 and bool(np.allclose(thresholds, np.arange(count, dtype=np.float32) / (count - 1),
                                           atol=epsilon()))


def filter_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """y_pred with every score outside the k largest of its last axis set to −1e10 (ties: lower index first)."""
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, y_pred, np.asarray(NEG_INF, y_pred.dtype))


def prepare(y_true: Any, y_pred: Any, sample_weight: Any, who: str, dtype: np.dtype, top_k: int | None = None,
            class_id: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(targets, predictions in ``dtype``, weights broadcast to the predictions) after Keras's checks,
    rank matching, top-k filtering and class selection."""
    y_pred = to_numpy(y_pred, dtype)
    y_true = to_numpy(y_true, np.float64)
    if y_pred.size and not np.all((y_pred >= 0) & (y_pred <= 1)):
        raise ValueError(f"{who}: predictions must be probabilities in [0, 1], got values from {np.nanmin(y_pred)} "
                         f"to {np.nanmax(y_pred)}{' (or NaN)' if np.isnan(y_pred).any() else ''}; apply a sigmoid "
                         f"(or softmax) first, or use AUC(from_logits=True).")
    y_pred, y_true, _ = squeeze_or_expand(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{who}: y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} must have the same "
                         f"shape (one target per prediction).")
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        classes = y_pred.shape[-1] if y_pred.ndim else 0
        if not 0 <= class_id < classes:
            raise ValueError(f"{who}: class_id={class_id} is out of range for predictions with {classes} classes "
                             f"(shape {y_pred.shape}).")
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
    if sample_weight is None:
        return y_true, y_pred, np.ones(y_pred.shape)
    weights = to_numpy(sample_weight, np.float64)
    _, _, weights = squeeze_or_expand(y_pred, None, weights)
    return y_true, y_pred, np.array(broadcast_weights(weights, y_pred, who))


def _weight_above(predictions: np.ndarray, weights: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Σ weights of the predictions > t, for each threshold t (sorted once, then binary search)."""
    order = np.argsort(predictions, kind="stable")
    cumulative = np.concatenate([[0.0], np.cumsum(weights[order])])
    return cumulative[-1] - cumulative[np.searchsorted(predictions[order], thresholds, side="right")]


def _bucketed_above(predictions: np.ndarray, weights: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """The same sums for evenly spaced thresholds by Keras's bucketing: bucket ⌈p·(T − 1)⌉ − 1, each
    prediction counting at the thresholds up to its bucket."""
    count = len(thresholds)
    buckets = np.ceil(predictions * predictions.dtype.type(count - 1)) - 1
    if thresholds[0] < 0 or thresholds[-1] > 1:          # endpoints beyond [0, 1]: p = 0 is above the first
        buckets = np.maximum(buckets, 0)
    buckets = buckets.astype(np.int64)
    valid = buckets >= 0
    per_bucket = np.bincount(buckets[valid], weights=weights[valid], minlength=count)[:count]
    return np.cumsum(per_bucket[::-1])[::-1]


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray, thresholds: Sequence[float],
                     evenly: bool, multi_label: bool = False) -> dict[str, np.ndarray]:
    """Weighted true/false positive/negative counts at each threshold: shape (T,), or (T, labels) with
    ``multi_label`` (the last axis holds the labels)."""
    labels = y_pred.shape[-1] if multi_label else 1
    y_true, y_pred, weights = (a.reshape(-1, labels) for a in (y_true, y_pred, weights))
    limits = np.asarray(thresholds, dtype=y_pred.dtype)
    if evenly:        # Keras's bucketing counts soft targets fractionally
        positive, negative, above = y_true * weights, (1.0 - y_true) * weights, _bucketed_above
    else:             # a target is positive when non-zero
        truth = y_true != 0
        positive, negative, above = truth * weights, ~truth * weights, _weight_above
    tp = np.stack([above(y_pred[:, j], positive[:, j], limits) for j in range(labels)], axis=-1)
    fp = np.stack([above(y_pred[:, j], negative[:, j], limits) for j in range(labels)], axis=-1)
    counts = {"tp": tp, "fp": fp, "fn": positive.sum(axis=0) - tp, "tn": negative.sum(axis=0) - fp}
    return counts if multi_label else {k: v[:, 0] for k, v in counts.items()}


class _ConfusionMatrixConditionCount(Metric):
    """One count of the confusion matrix at each threshold (a scalar result for one threshold)."""

    count: str = ""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5, type(self).__name__)
        self._evenly = evenly_distributed(self.thresholds)
        self.accumulator = self.add_weight("accumulator", shape=(len(self.thresholds),))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred, weights = prepare(y_true, y_pred, sample_weight, type(self).__name__, self._dtype)
        counts = confusion_counts(y_true, y_pred, weights, self.thresholds, self._evenly)
        accumulate(self.accumulator, counts[self.count])

    def result(self) -> tg.Tensor:
        values = self.accumulator.numpy(force=True)
        return self._value(values[0] if len(self.thresholds) == 1 else values)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive targets predicted positive (prediction > threshold)."""
    count = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative targets predicted positive."""
    count = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative targets predicted negative."""
    count = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive targets predicted negative."""
    count = "fn"


class _PrecisionRecall(Metric):
    """TP and the other count at each threshold; with ``top_k`` only the k highest scores of each sample
    are positive, with ``class_id`` only that class (last axis) counts."""

    other: str = ""

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF, type(self).__name__)
        self._evenly = evenly_distributed(self.thresholds)
        self.true_positives = self.add_weight("true_positives", shape=(len(self.thresholds),))
        setattr(self, self.other_name, self.add_weight(self.other_name, shape=(len(self.thresholds),)))

    @property
    def other_name(self) -> str:
        return COUNT_NAMES[self.other]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred, weights = prepare(y_true, y_pred, sample_weight, type(self).__name__, self._dtype,
                                          self.top_k, self.class_id)
        counts = confusion_counts(y_true, y_pred, weights, self.thresholds, self._evenly)
        accumulate(self.true_positives, counts["tp"])
        accumulate(getattr(self, self.other_name), counts[self.other])

    def result(self) -> tg.Tensor:
        tp = self.true_positives.numpy(force=True)
        values = divide_no_nan(tp, tp + getattr(self, self.other_name).numpy(force=True))
        return self._value(values[0] if len(self.thresholds) == 1 else values)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """TP / (TP + FP): of the samples predicted positive, the fraction that are (0 when none is)."""
    other = "fp"


class Recall(_PrecisionRecall):
    """TP / (TP + FN): of the positive samples, the fraction predicted positive (0 when none is)."""
    other = "fn"


_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC (default) or precision-recall curve by a Riemann sum over thresholds.

    ``num_thresholds`` thresholds spaced evenly in [0, 1] (the first and last moved ε beyond, so that
    0 and 1 predictions are counted), or the given ``thresholds`` plus those two ends. The counts
    accumulate over batches. ROC: Σ (FPRᵢ − FPRᵢ₊₁)·(TPRᵢ + TPRᵢ₊₁)/2 ('interpolation'; 'minoring'/
    'majoring' take the min/max height). PR with 'interpolation': Davis & Goadrich (2006), as Keras —
    between two thresholds TP is interpolated linearly in P = TP + FP, so precision follows
    TP/P = slope + intercept/P and each interval adds (slope·ΔTP + intercept·slope·ln(Pᵢ/Pᵢ₊₁)) / (TP + FN).
    ``multi_label=True`` computes one AUC per label (last axis of a rank-2 y_pred) and averages them
    (weighted by ``label_weights``); otherwise every value counts as one binary prediction, weighted by
    ``label_weights`` of its label. ``from_logits=True`` applies a sigmoid first.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None, from_logits: bool = False) -> None:
        super().__init__(name=name, dtype=dtype)
        if str(curve).lower() not in _CURVES:
            raise ValueError(f'AUC: Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC"].')
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f'AUC: Invalid AUC summation method value: "{summation_method}". Expected values are '
                             f'["interpolation", "majoring", "minoring"].')
        self.curve, self.summation_method = _CURVES[str(curve).lower()], str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, 0.5, "AUC"))
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_distributed([0.0, *inner, 1.0])
        else:
            if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 1:
                raise ValueError(f"AUC: Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}.")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([-epsilon(), *inner, 1.0 + epsilon()])
        self.multi_label, self.num_labels = bool(multi_label), num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=np.float64)
        if self.label_weights is not None and np.any(self.label_weights < 0):
            raise ValueError(f"AUC: all values of label_weights must be non-negative, got {label_weights}.")
        self._from_logits = bool(from_logits)
        self._built = False
        if not self.multi_label or num_labels is not None:
            self._build(num_labels)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds in use, with the two ends just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, num_labels: int | None) -> None:
        shape = (self.num_thresholds, num_labels) if self.multi_label else (self.num_thresholds,)
        self.num_labels = num_labels
        for name in COUNT_NAMES.values():
            setattr(self, name, self.add_weight(name, shape=shape))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = to_numpy(y_pred, np.float64)
        if self._from_logits:
            y_pred = 0.5 * (1.0 + np.tanh(0.5 * y_pred))          # the sigmoid, without overflow
        if self.multi_label and y_pred.ndim != 2:
            raise ValueError(f"AUC(multi_label=True): y_pred must have rank 2 (samples, labels), got shape "
                             f"{y_pred.shape}.")
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.multi_label and y_pred.shape[-1] != self.num_labels:
            raise ValueError(f"AUC(multi_label=True): y_pred has {y_pred.shape[-1]} labels, the metric was built for "
                             f"{self.num_labels}.")
        y_true, y_pred, weights = prepare(y_true, y_pred, sample_weight, "AUC", self._dtype)
        if self.label_weights is not None and not self.multi_label:
            weights = weights * broadcast_weights(self.label_weights, y_pred, "AUC(label_weights)")
        counts = confusion_counts(y_true, y_pred, weights, self._thresholds, self._evenly, self.multi_label)
        for key, name in COUNT_NAMES.items():
            accumulate(getattr(self, name), counts[key])

    def _counts(self) -> tuple[np.ndarray, ...]:
        if not self._built:
            return tuple(np.zeros(self.num_thresholds) for _ in COUNT_NAMES)
        return tuple(np.asarray(getattr(self, name).numpy(force=True), np.float64) for name in COUNT_NAMES.values())

    def _interpolated_pr(self, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
        """Davis & Goadrich's PR area of each interval (see the class docstring)."""
        predicted = tp + fp
        d_tp, d_predicted = tp[:-1] - tp[1:], predicted[:-1] - predicted[1:]
        slope = divide_no_nan(d_tp, np.maximum(d_predicted, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.where(both, divide_no_nan(predicted[:-1], np.maximum(predicted[1:], 0)), 1.0)
        return divide_no_nan(slope * (d_tp + intercept * np.log(np.where(ratio > 0, ratio, 1.0))),
                             np.maximum(tp[1:] + fn[1:], 0))

    def result(self) -> tg.Tensor:
        tp, fp, tn, fn = self._counts()
        if self.curve == "PR" and self.summation_method == "interpolation":
            areas = self._interpolated_pr(tp, fp, fn)
        else:
            recall = divide_no_nan(tp, tp + fn)
            if self.curve == "ROC":
                x, y = divide_no_nan(fp, fp + tn), recall
            else:
                x, y = recall, divide_no_nan(tp, tp + fp)
            heights = {"interpolation": (y[:-1] + y[1:]) / 2.0, "minoring": np.minimum(y[:-1], y[1:]),
                       "majoring": np.maximum(y[:-1], y[1:])}[self.summation_method]
            areas = (x[:-1] - x[1:]) * heights
        by_label = areas.sum(axis=0)
        if not self.multi_label:
            return self._value(by_label)
        if self.label_weights is None:
            return self._value(by_label.mean())
        return self._value(divide_no_nan((by_label * self.label_weights).sum(), self.label_weights.sum()))

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "Precision", "Recall", "AUC"]
