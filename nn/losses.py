"""Losses spelled the PyTorch way, called ``loss(input, target)`` — PyTorch's argument order.
``reduction`` is "mean" (default), "sum" or "none".

PyTorch-style classes (and functions, also in nn.functional) with PyTorch's arguments: MSELoss,
L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss.

Keras's loss classes (MeanSquaredError, BinaryCrossentropy, ... and the base ``Loss``) live in
nn.keras_losses and are re-exported here: spelled the Keras way, they are called Keras's way,
``loss(y_true, y_pred, sample_weight=None)``. Their cross-entropies run on the engines below
(``clipped_*_cross_entropy``, PyTorch's order), whose numerics are Keras's:

* PyTorch's BCELoss clamps each log at -100; Keras clips probabilities to [1e-7, 1 - 1e-7] first.
  So for p = 0, y = 1: BCELoss gives 100, 'binary_crossentropy' gives -log(1e-7) ≈ 16.1.
* Keras's cross-entropies on probabilities give Keras's value, -Σ y log clip(p / Σp, 1e-7, 1 - 1e-7)
  (Keras 3's documented formula), with or without a graph. A prediction that carries its logits
  (``pred._keras_logits``, set by nn's softmax and sigmoid activations: the contract documented in
  nn.activations, as Keras keeps them on its outputs) is scored from those logits: the same clip,
  applied to log p, computed stably with the fused op, so the gradient of an unclipped sample is
  exactly softmax(z) - y. ``fit``'s loss and ``evaluate``'s agree on the same weights.
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
    y = target if type(target) is np.ndarray else np.asarray(target)
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
    values = per_sample.numpy(force=True)
    low, high = -LOG_CLIP[1], -LOG_CLIP[0]
    if values.size and (values.min() < low or values.max() > high):
        return per_sample.clip(low, high)
    return per_sample


def _per_sample(elementwise: Tensor) -> Tensor:
    """Keras's per-sample loss: the mean over the last axis (a 1-d prediction is one value per sample)."""
    return elementwise if elementwise.ndim < 2 else elementwise.mean(axis=-1)


# --------------------------------------------------------------------------- functions (PyTorch)
# PyTorch's signatures, including the deprecated ``size_average``/``reduce`` pair (mapped as PyTorch does).
# The target is matched to the input's shape by _target_like: where PyTorch would broadcast (N, 1) against
# (N,) to (N, N) with a warning, these reshape (the result PyTorch users meant) or refuse.
def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str, who: str) -> str:
    """``reduction``, or the one PyTorch derives from the deprecated flags when either is given."""
    if size_average is None and reduce is None:
        return _check_reduction(reduction, who)
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def mse_loss(input: Any, target: Any, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean") -> Tensor:
    """(input - target)²."""
    reduction = legacy_reduction(size_average, reduce, reduction, "mse_loss")
    pred = as_tensor(input)
    d = pred - _target_like(pred, target, "mse_loss")
    return _reduced(d * d, reduction)


def l1_loss(input: Any, target: Any, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean") -> Tensor:
    """|input - target| (Keras's mae)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "l1_loss")
    pred = as_tensor(input)
    return _reduced((pred - _target_like(pred, target, "l1_loss")).abs(), reduction)


def _piecewise_quadratic(pred: Tensor, target: Any, threshold: float, who: str) -> tuple[Tensor, Tensor]:
    """(½d², |d| - ½threshold) with d = pred - target, and the mask |d| < threshold choosing between them."""
    d = pred - _target_like(pred, target, who)
    a = d.abs()
    return tg.where(a.numpy(force=True) < threshold, 0.5 * d * d, threshold * (a - 0.5 * threshold)), a


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """½d² where |d| < delta, else delta·(|d| - ½delta), d = input - target: MSE near 0, MAE beyond (seed 001)."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta!r}.")
    reduction = _check_reduction(reduction, "huber_loss")
    loss, _ = _piecewise_quadratic(as_tensor(input), target, float(delta), "huber_loss")
    return _reduced(loss, reduction)


def smooth_l1_loss(input: Any, target: Any, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """½d²/beta where |d| < beta, else |d| - ½beta (Huber divided by beta); beta = 0 is the L1 loss."""
    reduction = legacy_reduction(size_average, reduce, reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta!r}.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    loss, _ = _piecewise_quadratic(as_tensor(input), target, float(beta), "smooth_l1_loss")
    return _reduced(loss / beta, reduction)


def _constant(weight: Any, like: Tensor) -> Any:
    """A rescaling weight as data of ``like``'s dtype (a Tensor that requires grad keeps its graph)."""
    if isinstance(weight, Tensor) and weight.requires_grad:
        return weight.astype(like.dtype) if weight.dtype != like.dtype else weight
    return np.asarray(weight, dtype=like.dtype)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """-w·(y log p + (1 - y) log(1 - p)) on probabilities, PyTorch's numerics: each log clamped at -100
    (Keras's 'binary_crossentropy' clips p to [1e-7, 1 - 1e-7] instead; see BinaryCrossentropy)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "binary_cross_entropy")
    pred = as_tensor(input)
    loss = tg.binary_cross_entropy(pred, _target_like(pred, target, "binary_cross_entropy"))
    return _reduced(loss if weight is None else loss * _constant(weight, pred), reduction)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None, size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Any = None) -> Tensor:
    """Binary cross-entropy of sigmoid(z), stably: softplus(z) - y·z;  dL/dz = sigmoid(z) - y.
    With ``pos_weight`` (one per class, last axis) the positive term is scaled:
    (1 - y)·z + (1 + (pos_weight - 1)·y)·softplus(-z);  ``weight`` rescales each element."""
    reduction = legacy_reduction(size_average, reduce, reduction, "binary_cross_entropy_with_logits")
    z = as_tensor(input)
    y = _target_like(z, target, "binary_cross_entropy_with_logits")
    if pos_weight is None:
        loss = tg.softplus(z) - y * z
    else:
        loss = (1 - y) * z + (1 + (_constant(pos_weight, z) - 1) * y) * tg.softplus(-z)
    return _reduced(loss if weight is None else loss * _constant(weight, z), reduction)


def _classes_last(input: Tensor, who: str) -> Tensor:
    """PyTorch's class axis is 1 for (N, C, d1, ...) inputs (0 for a single (C,) sample); the fused ops
    take classes on the last axis, so (N, C, d1, ...) becomes (N, d1, ..., C)."""
    if input.ndim == 0:
        raise ValueError(f"{who}: the input is a scalar; give it a class axis, shape (C,), (N, C) or (N, C, d1, ...).")
    if input.ndim <= 2:
        return input
    return input.transpose((0, *range(2, input.ndim), 1))


def _class_weights(weight: Any, classes: int, like: Tensor, who: str) -> np.ndarray:
    w = np.asarray(weight, dtype=like.dtype)
    if w.shape != (classes,):
        raise ValueError(f"{who}: weight must hold one value per class, shape ({classes},), got {w.shape}.")
    return w


def _index_targets(target: Any, scores: Tensor, ignore_index: int, who: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Checked class indices for ``scores`` (classes last) and the mask of kept positions (None: all kept).
    Positions labelled ``ignore_index`` get label 0 and are masked out."""
    raw = target if type(target) is np.ndarray else np.asarray(target)
    # a negative ignore_index (the default, -100) can only be among labels whose minimum is negative
    may_hold = raw.dtype.kind in "iuf" and raw.size and (ignore_index >= 0 or np.minimum.reduce(raw, axis=None) < 0)
    ignored = raw == ignore_index if may_hold else None
    if ignored is None or not ignored.any():
        return _labels(raw, scores, who), None
    return _labels(np.where(ignored, 0, raw), scores, who), ~ignored.reshape(scores.shape[:-1])


def _weighted_reduction(loss: Tensor, sample_weight: np.ndarray, reduction: str) -> Tensor:
    """'mean' is Σ loss / Σ weight over the kept samples (PyTorch's weighted mean; NaN when nothing is kept)."""
    if reduction != "mean":
        return _reduced(loss, reduction)
    with np.errstate(invalid="ignore", divide="ignore"):
        return loss.sum() / np.asarray(sample_weight.sum(), loss.dtype)


def cross_entropy(input: Any, target: Any, weight: Any = None, size_average: bool | None = None,
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """-Σ_c y_c log softmax(z)_c per sample, from logits (class axis 1, or 0 for a single sample) and
    class indices or probability targets (the input's shape). Class indices: -w_y log p_y, ``ignore_index``
    positions skipped, 'mean' divides by Σ w_y; ``label_smoothing`` ε mixes in the uniform target:
    (1 - ε)·nll + ε/C·Σ_c -w_c log p_c. Without weight/smoothing/ignored labels it is one fused op,
    dL/dz = softmax(z) - y."""
    reduction = legacy_reduction(size_average, reduce, reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}.")
    scores = as_tensor(input)
    z = _classes_last(scores, "cross_entropy")
    classes = z.shape[-1]
    w = None if weight is None else _class_weights(weight, classes, z, "cross_entropy")
    shape = target.shape if isinstance(target, (np.ndarray, Tensor)) else np.shape(target)
    if shape == scores.shape:                                 # probabilities (e.g. one-hot rows)
        y = _classes_last(as_tensor(target, z.dtype), "cross_entropy")
        if label_smoothing:
            y = y * (1 - label_smoothing) + label_smoothing / classes
        if w is None:
            return _reduced(tg.softmax_cross_entropy(z, y), reduction)
        return _reduced(-(tg.log_softmax(z) * (y * w)).sum(axis=-1), reduction)
    labels, kept = _index_targets(target, z, ignore_index, "cross_entropy")
    if w is None and kept is None and not label_smoothing:
        return _sparse_cross_entropy(z, labels, reduction, "cross_entropy")
    log_p = tg.log_softmax(z)
    one_hot = _one_hot(labels, classes, z.dtype, "cross_entropy")     # (checks the labels' range first)
    class_w = np.ones(classes, z.dtype) if w is None else w
    sample_w = class_w[labels] if kept is None else class_w[labels] * kept
    loss = -(log_p * (one_hot * sample_w[..., None])).sum(axis=-1)
    result = _weighted_reduction(loss, sample_w, reduction)
    if not label_smoothing:
        return result
    smooth = -(log_p * class_w).sum(axis=-1)
    if kept is not None:
        smooth = smooth * kept.astype(z.dtype)
    if reduction == "mean":   # normalised as the nll part: by Σ w_y with weights, else by the kept count
        smooth_total = smooth.sum() / np.asarray(sample_w.sum() if w is not None else
                                                 (labels.size if kept is None else kept.sum()), z.dtype)
    else:
        smooth_total = _reduced(smooth, reduction)
    return (1 - label_smoothing) * result + smooth_total * (label_smoothing / classes)


def nll_loss(input: Any, target: Any, weight: Any = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """-w_y·input[y] per sample, for log-probabilities (e.g. log_softmax, class axis 1) and class indices;
    ``ignore_index`` positions skipped; 'mean' divides by Σ w_y over the kept samples."""
    reduction = legacy_reduction(size_average, reduce, reduction, "nll_loss")
    lp = _classes_last(as_tensor(input), "nll_loss")
    classes = lp.shape[-1]
    labels, kept = _index_targets(target, lp, ignore_index, "nll_loss")
    one_hot = _one_hot(labels, classes, lp.dtype, "nll_loss")           # (checks the labels' range first)
    class_w = np.ones(classes, lp.dtype) if weight is None else _class_weights(weight, classes, lp, "nll_loss")
    sample_w = class_w[labels] if kept is None else class_w[labels] * kept
    loss = -(lp * (one_hot * sample_w[..., None])).sum(axis=-1)
    return _weighted_reduction(loss, sample_w, reduction)


# --------------------------------------------------------------------------- module classes
class _Loss(Module):
    """A loss as a Module: ``loss(pred, target)`` with a fixed ``reduction``; ``keras_name`` is the
    Keras loss it computes, when there is one ('accuracy' no longer depends on it: Keras picks by shapes)."""
    keras_name: str | None = None

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction, type(self).__name__)


class _TorchLoss(_Loss):
    """A PyTorch loss module: the deprecated ``size_average``/``reduce`` pair is mapped to ``reduction``
    as PyTorch does."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(legacy_reduction(size_average, reduce, reduction, type(self).__name__))

    def _keep(self, name: str, tensor: Any) -> None:
        """A weight argument as a buffer (in state_dict, as PyTorch's), or None."""
        if tensor is None:
            setattr(self, name, None)
        else:
            self.register_buffer(name, tensor if isinstance(tensor, Tensor) else as_tensor(np.asarray(tensor)))


class MSELoss(_TorchLoss):
    """Mean squared error, (input - target)² (Keras: 'mse', 'mean_squared_error')."""
    keras_name = "mean_squared_error"

    def forward(self, input: Any, target: Any) -> Tensor:
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_TorchLoss):
    """Mean absolute error, |input - target| (Keras: 'mae', 'mean_absolute_error')."""
    keras_name = "mean_absolute_error"

    def forward(self, input: Any, target: Any) -> Tensor:
        return l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_TorchLoss):
    """½d²/beta where |d| < beta, else |d| - ½beta; see :func:`smooth_l1_loss`."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        if beta < 0:
            raise ValueError(f"SmoothL1Loss: beta must be non-negative, got {beta!r}.")
        self.beta = float(beta)

    def forward(self, input: Any, target: Any) -> Tensor:
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss with threshold ``delta`` (Keras: 'huber'); see :func:`huber_loss`. PyTorch's argument
    order: ``HuberLoss(reduction='mean', delta=1.0)``."""
    keras_name = "huber"

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if not delta > 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta!r}.")
        self.delta = float(delta)

    def forward(self, input: Any, target: Any) -> Tensor:
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class BCELoss(_TorchLoss):
    """Binary cross-entropy on probabilities with PyTorch's numerics (each log clamped at -100), each
    element rescaled by ``weight``. Keras's 'binary_crossentropy' clips probabilities to
    [1e-7, 1 - 1e-7] instead: BinaryCrossentropy."""
    keras_name = "binary_crossentropy"

    def __init__(self, weight: Any = None, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self._keep("weight", weight)

    def forward(self, input: Any, target: Any) -> Tensor:
        return binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_TorchLoss):
    """Binary cross-entropy on logits, stable: softplus(z) - y·z; ``pos_weight`` scales the positive term."""

    def __init__(self, weight: Any = None, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self._keep("weight", weight)
        self._keep("pos_weight", pos_weight)

    def forward(self, input: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(input, target, weight=self.weight, reduction=self.reduction,
                                                pos_weight=self.pos_weight)


class CrossEntropyLoss(_TorchLoss):
    """Softmax cross-entropy on logits (class axis 1) with class indices or probability targets,
    PyTorch's ``weight``, ``ignore_index`` and ``label_smoothing``; see :func:`cross_entropy`. Keras's
    'categorical_crossentropy' takes probabilities instead."""

    def __init__(self, weight: Any = None, size_average: bool | None = None, ignore_index: int = -100,
                 reduce: bool | None = None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(size_average, reduce, reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}.")
        self._keep("weight", weight)
        self.ignore_index, self.label_smoothing = int(ignore_index), float(label_smoothing)

    def forward(self, input: Any, target: Any) -> Tensor:
        return cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                             reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_TorchLoss):
    """Negative log-likelihood of log-probabilities (class axis 1) at class indices; see :func:`nll_loss`."""

    def __init__(self, weight: Any = None, size_average: bool | None = None, ignore_index: int = -100,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self._keep("weight", weight)
        self.ignore_index = int(ignore_index)

    def forward(self, input: Any, target: Any) -> Tensor:
        return nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


# --------------------------------------------------------------------------- Keras's numerics, PyTorch's order
# The engines of Keras's cross-entropy losses (nn.keras_losses calls them, y_true first): ``(input, target)``
# like the functions above, one value per sample for reduction='none'.
def clipped_binary_cross_entropy(input: Any, target: Any, from_logits: bool = False, reduction: str = "none") -> Tensor:
    """Keras's 'binary_crossentropy': -(y log p + (1 - y) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7]
    (PyTorch's BCELoss clamps the log at -100 instead); per sample, the mean over the last axis. A
    sigmoid output that carries its logits is scored from them (log p = -softplus(-z), log(1 - p) =
    -softplus(z), clipped alike: the same value, stably); ``from_logits`` gives softplus(z) - y·z unclipped."""
    pred = as_tensor(input)
    y = _target_like(pred, target, "binary_crossentropy")
    logits = _logits_of(pred, "sigmoid")
    if from_logits:
        elementwise = binary_cross_entropy_with_logits(pred, y, reduction="none")
    elif logits is not None:
        log_p, log_q = _keras_clip_log(-tg.softplus(-logits)), _keras_clip_log(-tg.softplus(logits))
        elementwise = -(y * log_p + (1 - y) * log_q)
    else:
        p = pred.clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
        elementwise = -(y * p.log() + (1 - y) * (1 - p).log())
    return _reduced(_per_sample(elementwise), reduction)


def _is_one_hot(y: Tensor) -> bool:
    """Every row holds a single 1 and zeros (then -Σ y log p is -log p of one class per sample)."""
    data = y.numpy(force=True)
    return bool(((data == 0) | (data == 1)).all() and (data.sum(axis=-1) == 1).all())


def clipped_cross_entropy(input: Any, target: Any, from_logits: bool = False, reduction: str = "none") -> Tensor:
    """Keras's 'categorical_crossentropy' with probability (one-hot) targets: -Σ y log p per sample, p
    renormalized and clipped to [1e-7, 1 - 1e-7]. A softmax output that carries its logits is scored
    from them (the same clip on log p; for one-hot targets through the fused op, gradient softmax(z) - y);
    ``from_logits`` gives the fused softmax cross-entropy unclipped."""
    pred = as_tensor(input)
    y = _target_like(pred, target, "categorical_crossentropy", broadcast=False)
    if from_logits:
        return _reduced(tg.softmax_cross_entropy(pred, y), reduction)
    logits = _logits_of(pred, "softmax")
    if logits is None:
        p = (pred / pred.sum(axis=-1, keepdims=True)).clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
        return _reduced(-(y * p.log()).sum(axis=-1), reduction)
    if _is_one_hot(y):     # -log p of one class per sample: clip the fused per-sample loss
        per_sample = _keras_clip_loss(tg.softmax_cross_entropy(logits, y))
    else:
        per_sample = -(y * _keras_clip_log(tg.log_softmax(logits))).sum(axis=-1)
    return _reduced(per_sample, reduction)


def clipped_sparse_cross_entropy(input: Any, target: Any, from_logits: bool = False, reduction: str = "none") -> Tensor:
    """Keras's 'sparse_categorical_crossentropy': integer labels, -log p[label] with p renormalized
    first, then clipped to [1e-7, 1 - 1e-7] (Keras's order). A softmax output that carries its logits
    is scored from them with the fused op (the same clip, on the per-sample loss); ``from_logits``
    gives the fused op unclipped ('mean' then averages inside the op: one node)."""
    who = "sparse_categorical_crossentropy"
    pred = as_tensor(input)
    labels = _labels(target, pred, who)
    if from_logits:
        return _sparse_cross_entropy(pred, labels, reduction, who)
    logits = _logits_of(pred, "softmax")
    if logits is not None:
        per_sample = _sparse_cross_entropy(logits, labels, "none", who)
        return _reduced(_keras_clip_loss(per_sample), reduction)
    p = (pred / pred.sum(axis=-1, keepdims=True)).clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
    picked = p.log() * _one_hot(labels, pred.shape[-1], pred.dtype, who)
    return _reduced(-picked.sum(axis=-1), reduction)


# Keras's loss classes (y_true first) and the names compile takes, re-exported: nn.losses.MeanSquaredError is Keras's
from .keras_losses import (KERAS_LOSS_NAMES, BinaryCrossentropy, BinaryFocalCrossentropy,  # noqa: E402
                           CategoricalCrossentropy, CategoricalFocalCrossentropy, CategoricalHinge, CosineSimilarity,
                           Hinge, Huber, KLDivergence, LogCosh, Loss, MeanAbsoluteError, MeanAbsolutePercentageError,
                           MeanSquaredError, MeanSquaredLogarithmicError, Poisson, Reduction, SparseCategoricalCrossentropy,
                           SquaredHinge)
from .keras_losses import loss_object as get  # noqa: E402  (a loss object for a name; keras.losses.get is Keras's)
