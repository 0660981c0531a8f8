"""Keras's loss *functions*, called Keras's way ``f(y_true, y_pred)``, each giving one loss per sample
(the mean or sum over the last axis), with the formulas and ε = 1e-7 clipping of Keras 2.15's
``keras.losses`` / ``keras.backend``. Built from tensorgrad ops, so usable inside a custom loss and
differentiable in ``y_pred``. (The loss classes and the strings ``compile`` takes live in nn.losses.)"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

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


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """mean(−[y·log(p + ε) + (1 − y)·log(1 − p + ε)], axis) with p clipped to [ε, 1 − ε]; from logits:
    max(z, 0) − z·y + log(1 + e^−|z|). Label smoothing: y·(1 − s) + s/2."""
    t, p = _pair(y_true, y_pred)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per = tg.relu(p) - p * t + tg.softplus(-tg.abs(p))
    else:
        p = tg.clip(p, EPS, 1.0 - EPS)
        per = -(t * tg.log(p + EPS) + (1.0 - t) * tg.log(1.0 - p + EPS))
    return per.mean(axis=axis)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """−Σ y·log(p) over ``axis``, p = y_pred / Σ y_pred clipped to [ε, 1 − ε] (log_softmax from logits).
    Label smoothing: y·(1 − s) + s / classes."""
    t, p = _pair(y_true, y_pred)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / p.shape[axis]
    if from_logits:
        return -(t * tg.log_softmax(p, axis=axis)).sum(axis=axis)
    p = tg.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1.0 - EPS)
    return -(t * tg.log(p)).sum(axis=axis)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """−log of the true class's probability: p clipped to [ε, 1 − ε], then normalised (Keras 2 takes
    log p as logits of a softmax); ``y_true`` holds class indices, shape (n,) or (n, 1)."""
    p = y_pred if isinstance(y_pred, Tensor) else tg.tensor(np.asarray(y_pred))
    labels = np.asarray(y_true)
    if labels.ndim == p.ndim:
        labels = labels.reshape(labels.shape[:-1])
    labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= p.shape[axis]):
        raise ValueError(f"sparse_categorical_crossentropy: labels must be in 0..{p.shape[axis] - 1}, got values "
                         f"from {labels.min()} to {labels.max()}.")
    logits = p if from_logits else tg.log(tg.clip(p, EPS, 1.0 - EPS))
    log_probs = tg.log_softmax(logits, axis=axis)
    one_hot = (labels[..., None] == np.arange(p.shape[axis])).astype(p.dtype)
    return -(log_probs * np.moveaxis(one_hot, -1, axis)).sum(axis=axis)


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

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "kl_divergence", "kullback_leibler_divergence", "hinge",
           "squared_hinge", "categorical_hinge", "log_cosh", "logcosh", "poisson", "cosine_similarity", "huber",
           "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD"]
