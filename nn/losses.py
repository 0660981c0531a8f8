"""Losses, all called ``loss(pred, target)`` — PyTorch's argument order (Keras's loss functions take
``(y_true, y_pred)``; not here). ``reduction`` is "mean" (default), "sum" or "none".

PyTorch-style classes (and functions): MSELoss, L1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss,
CrossEntropyLoss, NLLLoss. Keras's names resolve through :func:`get`: 'mse', 'mae' and 'huber' to
the classes above (the numerics agree); the three cross-entropies to Keras-numerics classes:

* PyTorch's BCELoss clamps each log at -100; Keras clips probabilities to [1e-7, 1 - 1e-7] first.
  So for p = 0, y = 1: BCELoss gives 100, 'binary_crossentropy' gives -log(1e-7) ≈ 16.1.
* Keras's cross-entropies on probabilities look through the op that made them: a prediction made
  by a softmax (or sigmoid) op is scored from that op's logits with the fused, stable op, so the
  gradient is exactly softmax(z) - y (as Keras does with a Softmax output); otherwise the clipped
  probabilities are used (e.g. under no_grad, where there is no op to look through).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor
from tensorgrad.autograd import apply
from tensorgrad.ops.fused import SparseSoftmaxCrossEntropy, check_labels

from .module import Module

REDUCTIONS = ("mean", "sum", "none")
KERAS_EPSILON = 1e-7


# --------------------------------------------------------------------------- helpers
def _check_reduction(reduction: str, who: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {REDUCTIONS}, got {reduction!r}.")
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
    """Integer class labels, one per sample (shape logits.shape[:-1], or that with a trailing 1), each
    in 0..classes-1: checked here once, so the fused op can take them without checking again."""
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
    check_labels(y, shape[-1], who, hint="; for probability (one-hot) targets give them the logits' shape {shape}")
    return y


def _sparse_cross_entropy(logits: Tensor, labels: np.ndarray, reduction: str) -> Tensor:
    """The fused op on labels that :func:`_labels` has checked, so it is applied directly
    (tg.sparse_softmax_cross_entropy would check them again); 'mean' averages inside the op (one node)."""
    if reduction == "mean":
        return apply(SparseSoftmaxCrossEntropy, logits, labels=labels, mean=True)
    return _reduced(apply(SparseSoftmaxCrossEntropy, logits, labels=labels, mean=False), reduction)


def _one_hot(labels: np.ndarray, classes: int, dtype: Any) -> np.ndarray:
    return np.eye(classes, dtype=dtype)[labels]


def _logits_of(pred: Tensor, op_name: str) -> Tensor | None:
    """The logits z when ``pred`` was made by the op ``op_name`` (softmax over the last axis, or
    sigmoid) and its graph is still there; else None."""
    node = pred._node
    if node is None or node.name != op_name or node.inputs is None:
        return None
    if op_name == "softmax" and node.axis not in (-1, pred.ndim - 1):
        return None
    return node.inputs[0]


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
    return _sparse_cross_entropy(z, _labels(target, z, "cross_entropy"), reduction)


def nll_loss(log_probs: Any, target: Any, reduction: str = "mean") -> Tensor:
    """-log_probs[label] per sample, for log-probabilities (e.g. log_softmax) and integer labels."""
    lp = as_tensor(log_probs)
    y = _one_hot(_labels(target, lp, "nll_loss"), lp.shape[-1], lp.dtype)
    return _reduced(-(lp * y).sum(axis=-1), _check_reduction(reduction, "nll_loss"))


# --------------------------------------------------------------------------- module classes
class _Loss(Module):
    """A loss as a Module: ``loss(pred, target)`` with a fixed ``reduction``; ``keras_name`` is the
    Keras loss it computes, when there is one (the training API picks the matching accuracy by it)."""
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


class BinaryCrossentropy(_Loss):
    """Keras's 'binary_crossentropy': probabilities clipped to [1e-7, 1 - 1e-7] (PyTorch's BCELoss clamps
    the log at -100 instead); from logits — or from a sigmoid op's logits — it is softplus(z) - y·z.
    Per sample, the mean over the last axis."""
    keras_name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)

    def forward(self, pred: Any, target: Any) -> Tensor:
        pred = as_tensor(pred)
        y = _target_like(pred, target, "binary_crossentropy")
        logits = pred if self.from_logits else _logits_of(pred, "sigmoid")
        if logits is not None:
            elementwise = binary_cross_entropy_with_logits(logits, y, "none")
        else:
            p = pred.clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
            elementwise = -(y * p.log() + (1 - y) * (1 - p).log())
        return _reduced(_per_sample(elementwise), self.reduction)


class CategoricalCrossentropy(_Loss):
    """Keras's 'categorical_crossentropy' with one-hot (probability) targets: -Σ y log p per sample,
    p renormalized and clipped to [1e-7, 1 - 1e-7]; from logits, or when p came from a softmax op,
    the fused softmax cross-entropy of the logits (gradient exactly softmax(z) - y)."""
    keras_name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)

    def forward(self, pred: Any, target: Any) -> Tensor:
        pred = as_tensor(pred)
        y = _target_like(pred, target, "categorical_crossentropy", broadcast=False)
        logits = pred if self.from_logits else _logits_of(pred, "softmax")
        if logits is not None:
            return _reduced(tg.softmax_cross_entropy(logits, y), self.reduction)
        p = (pred / pred.sum(axis=-1, keepdims=True)).clip(KERAS_EPSILON, 1 - KERAS_EPSILON)
        return _reduced(-(y * p.log()).sum(axis=-1), self.reduction)


class SparseCategoricalCrossentropy(_Loss):
    """Keras's 'sparse_categorical_crossentropy': integer labels; like CategoricalCrossentropy, the
    logits path when ``from_logits`` or p came from a softmax op, else log of p clipped to
    [1e-7, 1 - 1e-7] (renormalized, as Keras)."""
    keras_name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = bool(from_logits)

    def forward(self, pred: Any, target: Any) -> Tensor:
        pred = as_tensor(pred)
        labels = _labels(target, pred, "sparse_categorical_crossentropy")
        logits = pred if self.from_logits else _logits_of(pred, "softmax")
        if logits is None:
            logits = pred.clip(KERAS_EPSILON, 1 - KERAS_EPSILON).log()
        return _sparse_cross_entropy(logits, labels, self.reduction)


_KERAS_NAMES: dict[str, type[_Loss]] = {
    "mse": MSELoss, "MSE": MSELoss, "mean_squared_error": MSELoss,
    "mae": L1Loss, "MAE": L1Loss, "mean_absolute_error": L1Loss,
    "huber": HuberLoss, "huber_loss": HuberLoss, "binary_crossentropy": BinaryCrossentropy,
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
