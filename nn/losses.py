"""Losses, all called ``loss(pred, target)`` — PyTorch's argument order (Keras's loss functions take
``(y_true, y_pred)``; not here). ``reduction`` is "mean" (default), "sum" or "none".

PyTorch-style classes (and functions): MSELoss, L1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss,
CrossEntropyLoss, NLLLoss. Keras's names resolve through :func:`get`: 'mse', 'mae' and 'huber' to
the classes above (the numerics agree); the three cross-entropies to Keras-numerics classes:

* PyTorch's BCELoss clamps each log at -100; Keras clips probabilities to [1e-7, 1 - 1e-7] first.
  So for p = 0, y = 1: BCELoss gives 100, 'binary_crossentropy' gives -log(1e-7) ≈ 16.1.
* Keras's cross-entropies on probabilities give Keras's value, -Σ y log clip(p / Σp, 1e-7, 1 - 1e-7)
  (Keras 3's documented formula), with or without a graph. A prediction that carries its logits
  (``pred._keras_logits``, set by nn's softmax and sigmoid activations: the contract documented in
  nn.activations, as Keras keeps them on its outputs) is scored from those logits: the same clip,
  applied to log p, computed stably with the fused op, so the gradient of an unclipped sample is
  exactly softmax(z) - y. ``fit``'s loss and ``evaluate``'s agree on the same weights.
* The Keras-named classes (MeanSquaredError, MeanAbsoluteError, Huber and the cross-entropies) reduce
  one value per sample, the mean over the last axis: ``reduction='none'`` gives shape (batch,).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from .module import Module
from .utils import to_categorical

REDUCTIONS = ("mean", "sum", "none")
KERAS_REDUCTIONS = {"sum_over_batch_size": "mean", "auto": "mean"}   # Keras's spellings of "mean"
KERAS_EPSILON = 1e-7
# Keras clips p to [ε, 1 - ε]; the same clip on log p: [log ε, log(1 - ε)]
LOG_CLIP = (float(np.log(KERAS_EPSILON)), float(np.log1p(-KERAS_EPSILON)))


# --------------------------------------------------------------------------- helpers
def _check_reduction(reduction: str, who: str) -> str:
    reduction = KERAS_REDUCTIONS.get(reduction, reduction) if isinstance(reduction, str) else reduction
    if reduction not in REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {REDUCTIONS}, got {reduction!r} (Keras's "
                         f"'sum_over_batch_size' is accepted for 'mean').")
    return reduction


def _reduced(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _target_like(pred: Tensor, target: Any, who: str, broadcast: bool = True) -> Tensor:
    """``target`` as a tensor of ``pred``'s dtype and shape. (N,) against (N, 1) is reshaped (as Keras
    does) instead of silently broadcasting to (N, N); with ``broadcast``, a target one axis short gets a
    trailing axis and size-1 axes are then broadcast, as Keras's element-wise losses do (seed 003 fits
    Dense(2) outputs to (N, 1) targets)."""
    t = as_tensor(target, pred.dtype)
    if t.shape == pred.shape:
        return t
    if t.size == pred.size and [d for d in t.shape if d != 1] == [d for d in pred.shape if d != 1]:
        return t.reshape(pred.shape)
    if broadcast:
        expanded = t.reshape(t.shape + (1,)) if t.ndim == pred.ndim - 1 else t
        if expanded.ndim == pred.ndim and all(a in (1, b) for a, b in zip(expanded.shape, pred.shape)):
            return tg.broadcast_to(expanded, pred.shape)
    if t.ndim == pred.ndim >= 2 and t.shape[:-1] == pred.shape[:-1]:
        one_hot = f" (one-hot: to_categorical(y, num_classes={pred.shape[-1]}))" if pred.shape[-1] > 1 else ""
        raise ValueError(f"{who}: targets have {t.shape[-1]} columns but the predictions have "
                         f"{pred.shape[-1]} (shapes {t.shape} and {pred.shape}); give one target column per "
                         f"model output{one_hot}, or an output layer of {t.shape[-1]} units.")
    raise ValueError(f"{who}: target shape {t.shape} does not match prediction shape {pred.shape}; "
                     f"reshape the target (e.g. y.reshape(-1, 1)).")


def _labels(target: Any, logits: Tensor, who: str) -> np.ndarray:
    """Integer class labels, one per sample (shape logits.shape[:-1], or that with a trailing 1). Their
    range is checked once, where they are used (the fused op, or :func:`_one_hot`)."""
    y = target if type(target) is np.ndarray else np.asarray(target.data if isinstance(target, Tensor) else target)
    shape = logits.shape
    if not shape:
        raise ValueError(f"{who}: the logits are a scalar; give them a class axis, shape (batch, classes).")
    batch = shape[:-1]
    if y.shape != batch:
        if y.shape == batch + (1,):
            y = y.reshape(batch)
        else:
            raise ValueError(f"{who}: labels of shape {y.shape} do not fit logits of shape {shape}; give one "
                             f"integer class per sample, shape {batch}.")
    if y.dtype.kind == "f" and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu":
        raise ValueError(f"{who}: labels must be integers, got dtype {y.dtype}; for probability (one-hot) targets "
                         f"give them the logits' shape {shape}.")
    return y


def _sparse_cross_entropy(logits: Tensor, labels: np.ndarray, reduction: str, who: str) -> Tensor:
    """tg.sparse_softmax_cross_entropy (the fused op, which checks the labels' range), its errors named
    after the loss ``who``; 'mean' averages inside the op (one node)."""
    try:
        if reduction == "mean":
            return tg.sparse_softmax_cross_entropy(logits, labels, mean=True)
        per_sample = tg.sparse_softmax_cross_entropy(logits, labels)
    except ValueError as e:
        raise ValueError(f"{who}: {str(e).partition(': ')[2]}") from None
    return _reduced(per_sample, reduction)


def _one_hot(labels: np.ndarray, classes: int, dtype: Any, who: str) -> np.ndarray:
    """One-hot rows of the labels (nn.utils.to_categorical checks them), its errors named after the loss ``who``."""
    try:
        return to_categorical(labels, classes, dtype=dtype)
    except ValueError as e:
        raise ValueError(f"{who}: {str(e).partition(': ')[2]}") from None


def _logits_of(pred: Tensor, activation: str) -> Tensor | None:
    """The logits ``pred`` carries when an nn activation named ``activation`` ('softmax' over the last
    axis, or 'sigmoid') made it: the documented ``_keras_logits`` contract (see nn.activations)."""
    if getattr(pred, "_keras_activation", None) != activation:
        return None
    return pred._keras_logits


def _keras_clip_log(log_p: Tensor) -> Tensor:
    """Keras's clip of p to [1e-7, 1 - 1e-7], applied to log p (no gradient where it clips, as Keras)."""
    return log_p.clip(*LOG_CLIP)


def _keras_clip_loss(per_sample: Tensor) -> Tensor:
    """The same clip on per-sample losses -log p of one class each: to [-log(1 - 1e-7), -log 1e-7]; a
    batch with nothing to clip skips the node (the clip would be the identity, gradient 1)."""
    values = per_sample.data
    low, high = -LOG_CLIP[1], -LOG_CLIP[0]
    if values.size and (values.min() < low or values.max() > high):
        return per_sample.clip(low, high)
    return per_sample


def _per_sample(elementwise: Tensor) -> Tensor:
    """Keras's per-sample loss: the mean over the last axis (a 1-d prediction is one value per sample)."""
    return elementwise if elementwise.ndim < 2 else elementwise.mean(axis=-1)


# --------------------------------------------------------------------------- functions (PyTorch)
def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """(pred - target)²."""
    pred = as_tensor(pred)
    d = pred - _target_like(pred, target, "mse_loss")
    return _reduced(d * d, _check_reduction(reduction, "mse_loss"))


def l1_loss(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """|pred - target| (Keras's mae)."""
    pred = as_tensor(pred)
    return _reduced((pred - _target_like(pred, target, "l1_loss")).abs(), _check_reduction(reduction, "l1_loss"))


def huber_loss(pred: Any, target: Any, delta: float = 1.0, reduction: str = "mean") -> Tensor:
    """½d² where |d| <= delta, else delta·(|d| - ½delta), d = pred - target: MSE near 0, MAE beyond (seed 001)."""
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta!r}.")
    pred = as_tensor(pred)
    d = pred - _target_like(pred, target, "huber_loss")
    a = d.abs()
    return _reduced(tg.where(a.data <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)),
                    _check_reduction(reduction, "huber_loss"))


def binary_cross_entropy(pred: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) on probabilities, PyTorch's numerics: each log clamped at -100
    (Keras's 'binary_crossentropy' clips p to [1e-7, 1 - 1e-7] instead; see BinaryCrossentropy)."""
    pred = as_tensor(pred)
    loss = tg.binary_cross_entropy(pred, _target_like(pred, target, "binary_cross_entropy"))
    return _reduced(loss, _check_reduction(reduction, "binary_cross_entropy"))


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(z), stably: softplus(z) - y·z;  dL/dz = sigmoid(z) - y."""
    z = as_tensor(logits)
    y = _target_like(z, target, "binary_cross_entropy_with_logits")
    return _reduced(tg.softplus(z) - y * z, _check_reduction(reduction, "binary_cross_entropy_with_logits"))


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-Σ_c y_c log softmax(z)_c per sample, from logits (classes on the last axis) and integer labels
    or probability (one-hot) targets; fused: dL/dz = softmax(z) - y. Mean over samples (seed 002)."""
    z = as_tensor(logits)
    _check_reduction(reduction, "cross_entropy")
    shape = target.shape if isinstance(target, (np.ndarray, Tensor)) else np.shape(target)
    if shape == z.shape:                                      # probabilities (e.g. one-hot rows)
        return _reduced(tg.softmax_cross_entropy(z, as_tensor(target, z.dtype)), reduction)
    return _sparse_cross_entropy(z, _labels(target, z, "cross_entropy"), reduction, "cross_entropy")


def nll_loss(log_probs: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-log_probs[label] per sample, for log-probabilities (e.g. log_softmax) and integer labels."""
    lp = as_tensor(log_probs)
    y = _one_hot(_labels(target, lp, "nll_loss"), lp.shape[-1], lp.dtype, "nll_loss")
    return _reduced(-(lp * y).sum(axis=-1), _check_reduction(reduction, "nll_loss"))


# --------------------------------------------------------------------------- module classes
class _Loss(Module):
    """A loss as a Module: ``loss(pred, target)`` with a fixed ``reduction``; ``keras_name`` is the
    Keras loss it computes, when there is one ('accuracy' no longer depends on it: Keras picks by shapes)."""
    keras_name: str | None = None

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction, type(self).__name__)


class MSELoss(_Loss):
    """Mean squared error, (pred - target)² (Keras: 'mse', 'mean_squared_error')."""
    keras_name = "mean_squared_error"

    def forward(self, pred: Any, target: Any) -> Tensor:
        return mse_loss(pred, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, |pred - target| (Keras: 'mae', 'mean_absolute_error')."""
    keras_name = "mean_absolute_error"

    def forward(self, pred: Any, target: Any) -> Tensor:
        return l1_loss(pred, target, self.reduction)


class HuberLoss(_Loss):
    """Huber loss with threshold ``delta`` (Keras: 'huber'); see :func:`huber_loss`."""
    keras_name = "huber"

    def __init__(self, delta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta!r}.")
        self.delta = float(delta)

    def forward(self, pred: Any, target: Any) -> Tensor:
        return huber_loss(pred, target, self.delta, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities with PyTorch's numerics (each log clamped at -100).
    Keras's 'binary_crossentropy' clips probabilities to [1e-7, 1 - 1e-7] instead: BinaryCrossentropy."""
    keras_name = "binary_crossentropy"

    def forward(self, pred: Any, target: Any) -> Tensor:
        return binary_cross_entropy(pred, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits, stable: softplus(z) - y·z."""

    def forward(self, logits: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(logits, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits with integer labels or probability targets (PyTorch's; fused,
    gradient softmax(z) - y). Keras's 'categorical_crossentropy' takes probabilities instead."""

    def forward(self, logits: Any, target: Any) -> Tensor:
        return cross_entropy(logits, target, self.reduction)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities at integer labels."""

    def forward(self, log_probs: Any, target: Any) -> Tensor:
        return nll_loss(log_probs, target, self.reduction)


class MeanSquaredError(MSELoss):
    """Keras's MeanSquaredError ('mse'): the mean over the last axis of (y - ŷ)² is each sample's loss,
    so ``reduction='none'`` gives one value per sample and 'sum' sums them (Keras's formula)."""

    def forward(self, pred: Any, target: Any) -> Tensor:
        return _reduced(_per_sample(mse_loss(pred, target, "none")), self.reduction)


class MeanAbsoluteError(L1Loss):
    """Keras's MeanAbsoluteError ('mae'): each sample's loss is the mean over the last axis of |y - ŷ|."""

    def forward(self, pred: Any, target: Any) -> Tensor:
        return _reduced(_per_sample(l1_loss(pred, target, "none")), self.reduction)


class Huber(HuberLoss):
    """Keras's Huber ('huber'): each sample's loss is the mean over the last axis of the Huber terms."""

    def forward(self, pred: Any, target: Any) -> Tensor:
        return _reduced(_per_sample(huber_loss(pred, target, self.delta, "none")), self.reduction)


class BinaryCrossentropy(_Loss):
    """Keras's 'binary_crossentropy': -(y log p + (1 - y) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7]
    (PyTorch's BCELoss clamps the log at -100 instead); per sample, the mean over the last axis. A
    sigmoid output that carries its logits is scored from them (log p = -softplus(-z), log(1 - p) =
    -softplus(z), clipped alike: the same value, stably); ``from_logits`` gives softplus(z) - y·z unclipped."""
    keras_name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)

    def forward(self, pred: Any, target: Any) -> Tensor:
        pred = as_tensor(pred)
        y = _target_like(pred, target, "binary_crossentropy")
        logits = _logits_of(pred, "sigmoid")
        if self.from_logits:
            elementwise = binary_cross_entropy_with_logits(pred, y, "none")
        elif logits is not None:
            log_p, log_q = _keras_clip_log(-tg.softplus(-logits)), _keras_clip_log(-tg.softplus(logits))
            elementwise = -(y * log_p + (1 - y) * log_q)
        else:
            p = pred.clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
            elementwise = -(y * p.log() + (1 - y) * (1 - p).log())
        return _reduced(_per_sample(elementwise), self.reduction)


def _is_one_hot(y: Tensor) -> bool:
    """Every row holds a single 1 and zeros (then -Σ y log p is -log p of one class per sample)."""
    data = y.data
    return bool(((data == 0) | (data == 1)).all() and (data.sum(axis=-1) == 1).all())


class CategoricalCrossentropy(_Loss):
    """Keras's 'categorical_crossentropy' with probability (one-hot) targets: -Σ y log p per sample, p
    renormalized and clipped to [1e-7, 1 - 1e-7]. A softmax output that carries its logits is scored
    from them (the same clip on log p; for one-hot targets through the fused op, gradient softmax(z) - y);
    ``from_logits`` gives the fused softmax cross-entropy unclipped."""
    keras_name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)

    def forward(self, pred: Any, target: Any) -> Tensor:
        pred = as_tensor(pred)
        y = _target_like(pred, target, "categorical_crossentropy", broadcast=False)
        if self.from_logits:
            return _reduced(tg.softmax_cross_entropy(pred, y), self.reduction)
        logits = _logits_of(pred, "softmax")
        if logits is None:
            p = (pred / pred.sum(axis=-1, keepdims=True)).clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
            return _reduced(-(y * p.log()).sum(axis=-1), self.reduction)
        if _is_one_hot(y):     # -log p of one class per sample: clip the fused per-sample loss
            per_sample = _keras_clip_loss(tg.softmax_cross_entropy(logits, y))
        else:
            per_sample = -(y * _keras_clip_log(tg.log_softmax(logits))).sum(axis=-1)
        return _reduced(per_sample, self.reduction)


class SparseCategoricalCrossentropy(_Loss):
    """Keras's 'sparse_categorical_crossentropy': integer labels, -log p[label] with p renormalized
    first, then clipped to [1e-7, 1 - 1e-7] (Keras's order). A softmax output that carries its logits
    is scored from them with the fused op (the same clip, on the per-sample loss); ``from_logits``
    gives the fused op unclipped."""
    keras_name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)

    def forward(self, pred: Any, target: Any) -> Tensor:
        who = "sparse_categorical_crossentropy"
        pred = as_tensor(pred)
        labels = _labels(target, pred, who)
        if self.from_logits:
            return _sparse_cross_entropy(pred, labels, self.reduction, who)
        logits = _logits_of(pred, "softmax")
        if logits is not None:
            per_sample = _sparse_cross_entropy(logits, labels, "none", who)
            return _reduced(_keras_clip_loss(per_sample), self.reduction)
        p = (pred / pred.sum(axis=-1, keepdims=True)).clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
        picked = p.log() * _one_hot(labels, pred.shape[-1], pred.dtype, who)
        return _reduced(-picked.sum(axis=-1), self.reduction)


_KERAS_NAMES: dict[str, type[_Loss]] = {
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber, "huber_loss": Huber, "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(identifier: str | Callable[[Any, Any], Tensor], **options: Any) -> Callable[[Any, Any], Tensor]:
    """The loss for a Keras name (``options`` such as ``from_logits=True`` go to its class), or a loss
    module/callable ``(pred, target) -> Tensor`` as is."""
    if isinstance(identifier, str):
        if identifier not in _KERAS_NAMES:
            raise ValueError(f"loss {identifier!r} is unknown; valid names are {sorted(_KERAS_NAMES)}, or pass a "
                             f"loss module or callable (pred, target) -> Tensor.")
        return _KERAS_NAMES[identifier](**options)
    if callable(identifier) and not options:
        return identifier
    raise TypeError(f"losses.get: expected a loss name or a callable (options only with a name), got "
                    f"{identifier!r} with options {options}.")
