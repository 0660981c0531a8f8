"""Keras's loss *functions*, called Keras's way ``f(y_true, y_pred)``, each giving one loss per sample
(the mean or sum over the last axis), with the formulas and ε = 1e-7 clipping of Keras 2.15's
``keras.losses`` / ``keras.backend``. Built from tensorgrad ops, so usable inside a custom loss and
differentiable in ``y_pred``. (The loss classes and the strings ``compile`` takes live in nn.keras_losses.)"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

from . import losses

EPS = 1e-7   # keras.backend.epsilon()


def _pair(y_true: Any, y_pred: Any) -> tuple[Tensor, Tensor]:
    """Both as Tensors, y_true in y_pred's dtype (Keras casts y_true to y_pred's dtype)."""
    pred = y_pred if isinstance(y_pred, Tensor) else tg.tensor(np.asarray(y_pred, dtype=np.float32)
                                                                if np.asarray(y_pred).dtype.kind != "f"
                                                                else np.asarray(y_pred))
    true = y_true if isinstance(y_true, Tensor) else tg.tensor(np.asarray(y_true))
    return (true if true.dtype == pred.dtype else tg.cast(true, pred.dtype)), pred


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean((y_pred − y_true)², axis=-1)."""
    t, p = _pair(y_true, y_pred)
    d = p - t
    return (d * d).mean(axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean(|y_pred − y_true|, axis=-1)."""
    t, p = _pair(y_true, y_pred)
    return tg.abs(p - t).mean(axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """100 · mean(|(y_true − y_pred) / max(|y_true|, ε)|, axis=-1)."""
    t, p = _pair(y_true, y_pred)
    return 100.0 * tg.abs((t - p) / tg.maximum(tg.abs(t), EPS)).mean(axis=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))², axis=-1)."""
    t, p = _pair(y_true, y_pred)
    d = tg.log(tg.maximum(p, EPS) + 1.0) - tg.log(tg.maximum(t, EPS) + 1.0)
    return (d * d).mean(axis=-1)


def _classes_last(p: Tensor, t: Any, axis: int) -> tuple[Tensor, Any]:
    """Both with ``axis`` moved last (the engines in nn.losses work on the last axis)."""
    if axis in (-1, p.ndim - 1):
        return p, t
    t = t if isinstance(t, Tensor) else tg.tensor(np.asarray(t))
    return tg.movedim(p, axis, -1), tg.movedim(t, axis, -1)


def _mean_if_vector(values: Tensor, p: Tensor) -> Tensor:
    """Keras reduces the last axis: a 1-D prediction (one sample of features) gives one value."""
    return values.mean() if p.ndim == 1 else values


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """mean(−[y·log p + (1 − y)·log(1 − p)], axis) with p clipped to [ε, 1 − ε] (from a sigmoid's logits
    when it carries them); from logits: max(z, 0) − z·y + log(1 + e^−|z|). Label smoothing: y·(1 − s) + s/2.
    (nn.losses.clipped_binary_cross_entropy)"""
    t, p = _pair(y_true, y_pred)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    p, t = _classes_last(p, t, axis)
    return _mean_if_vector(losses.clipped_binary_cross_entropy(p, t, from_logits), p)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """−Σ y·log(p) over ``axis``, p = y_pred / Σ y_pred clipped to [ε, 1 − ε] (log_softmax from logits).
    Label smoothing: y·(1 − s) + s / classes. (nn.losses.clipped_cross_entropy)"""
    t, p = _pair(y_true, y_pred)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / p.shape[axis]
    p, t = _classes_last(p, t, axis)
    return losses.clipped_cross_entropy(p, t, from_logits)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, axis: int = -1,
                                    ignore_class: int | None = None) -> Tensor:
    """−log of the true class's probability: p normalised, then clipped to [ε, 1 − ε]; ``y_true`` holds
    class indices, shape (n,) or (n, 1). Samples labelled ``ignore_class`` give 0.
    (nn.losses.clipped_sparse_cross_entropy)"""
    p = y_pred if isinstance(y_pred, Tensor) else tg.tensor(np.asarray(y_pred, dtype=np.float32)
                                                             if np.asarray(y_pred).dtype.kind != "f"
                                                             else np.asarray(y_pred))
    if axis not in (-1, p.ndim - 1):
        p = tg.movedim(p, axis, -1)
    labels = np.asarray(y_true)
    if ignore_class is None:
        return losses.clipped_sparse_cross_entropy(p, labels, from_logits)
    ignored = labels == ignore_class
    values = losses.clipped_sparse_cross_entropy(p, np.where(ignored, 0, labels), from_logits)
    return values * (~ignored).reshape(values.shape).astype(values.dtype)


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                              axis: int = -1) -> Tensor:
    """mean((1 − p_t)^γ · bce, axis) with p_t = y·p + (1 − y)·(1 − p) (p = sigmoid(z) from logits), times
    α for y = 1 and 1 − α for y = 0 with ``apply_class_balancing`` (Lin et al. 2018; Keras 2.15)."""
    t, p = _pair(y_true, y_pred)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    p, t = _classes_last(p, t, axis)
    t = losses._target_like(p, t, "binary_focal_crossentropy")
    bce = losses.binary_cross_entropy_with_logits(p, t, reduction="none") if from_logits else \
        -(t * tg.log(tg.clip(p, EPS, 1.0 - EPS) + EPS) + (1.0 - t) * tg.log(1.0 - tg.clip(p, EPS, 1.0 - EPS) + EPS))
    prob = tg.sigmoid(p) if from_logits else p
    p_t = t * prob + (1.0 - t) * (1.0 - prob)
    focal = (1.0 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = (t * alpha + (1.0 - t) * (1.0 - alpha)) * focal
    return focal.mean(axis=-1)


def categorical_focal_crossentropy(y_true: Any, y_pred: Any, alpha: Any = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """Σ α·(1 − p)^γ · (−y·log p) over ``axis``, p = softmax(z) or y_pred / Σ y_pred, clipped to [ε, 1 − ε]
    (Lin et al. 2018; Keras 2.15); ``alpha`` a number or one per class."""
    t, p = _pair(y_true, y_pred)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / p.shape[axis]
    p, t = _classes_last(p, t, axis)
    prob = tg.softmax(p, axis=-1) if from_logits else p / p.sum(axis=-1, keepdims=True)
    prob = tg.clip(prob, EPS, 1.0 - EPS)
    weight = np.asarray(alpha, dtype=prob.dtype)
    return (weight * (1.0 - prob) ** gamma * -(t * tg.log(prob))).sum(axis=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """Σ y·log(y / p) over the last axis, both clipped to [ε, 1]."""
    t, p = _pair(y_true, y_pred)
    t, p = tg.clip(t, EPS, 1.0), tg.clip(p, EPS, 1.0)
    return (t * tg.log(t / p)).sum(axis=-1)


def _signed_labels(t: Tensor) -> Tensor:
    """Keras's hinge losses take labels −1/1; labels that are all 0/1 are mapped to −1/1 first."""
    values = t.numpy(force=True)
    return t * 2.0 - 1.0 if np.all((values == 0) | (values == 1)) else t


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """mean(max(1 − y·p, 0), axis=-1), y in {−1, 1} (0/1 labels converted)."""
    t, p = _pair(y_true, y_pred)
    return tg.relu(1.0 - _signed_labels(t) * p).mean(axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """mean(max(1 − y·p, 0)², axis=-1)."""
    t, p = _pair(y_true, y_pred)
    h = tg.relu(1.0 - _signed_labels(t) * p)
    return (h * h).mean(axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """max(neg − pos + 1, 0) with pos = Σ y·p and neg = max((1 − y)·p) over the last axis."""
    t, p = _pair(y_true, y_pred)
    pos = (t * p).sum(axis=-1)
    neg = ((1.0 - t) * p).max(axis=-1)
    return tg.relu(neg - pos + 1.0)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """mean(log cosh(p − y), axis=-1), computed as x + softplus(−2x) − log 2 (no overflow)."""
    t, p = _pair(y_true, y_pred)
    x = p - t
    return (x + tg.softplus(-2.0 * x) - math.log(2.0)).mean(axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """mean(p − y·log(p + ε), axis=-1)."""
    t, p = _pair(y_true, y_pred)
    return (p - t * tg.log(p + EPS)).mean(axis=-1)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    return x / tg.sqrt(tg.maximum((x * x).sum(axis=axis, keepdims=True), 1e-12))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """−Σ ŷ·p̂ over ``axis`` (both L2-normalised): −1 for the same direction, as Keras's loss."""
    t, p = _pair(y_true, y_pred)
    return -(_l2_normalize(t, axis) * _l2_normalize(p, axis)).sum(axis=axis)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """mean(½e² where |e| ≤ δ, else δ|e| − ½δ², axis=-1), e = p − y."""
    t, p = _pair(y_true, y_pred)
    e = tg.abs(p - t)
    return tg.where(e.numpy(force=True) <= delta, 0.5 * e * e, delta * e - 0.5 * delta * delta).mean(axis=-1)


# Keras's short names and aliases
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
bce = BCE = binary_crossentropy

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy",
           "kl_divergence", "kullback_leibler_divergence", "hinge",
           "squared_hinge", "categorical_hinge", "log_cosh", "logcosh", "poisson", "cosine_similarity", "huber",
           "huber_loss", "bce", "BCE", "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD"]
