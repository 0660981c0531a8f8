"""Fused losses: cross-entropies computed in one op, so their values are stable and their
gradients are the textbook closed forms (softmax(z) - y) rather than a chain of divisions."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from .activations import log_softmax, shifted_exp, softmax
from .reduce import kept_shape


class SoftmaxCrossEntropy(Function):
    """L = -Σ_c y_c log softmax(z)_c along ``axis``, one loss per sample (seed 000's softmax + CE);
    dL/dz = softmax(z) Σ_c y_c - y  (= softmax(z) - y for targets summing to 1),  dL/dy = -log softmax(z)."""
    name = "softmax_cross_entropy"

    @staticmethod
    def forward(ctx, z, y, axis):
        shifted, e, total = shifted_exp(z, axis)
        ctx.save_for_backward(z, y)
        ctx.axis, ctx.probs, ctx.log_probs = axis, e / total, shifted - np.log(total)
        return -(y * ctx.log_probs).sum(axis=axis)

    @staticmethod
    def backward(ctx, g):
        z, y = ctx.saved_tensors
        need_z, need_y = ctx.needs_input_grad
        if ctx.create_graph:   # recomputed with ops, so they can be differentiated again
            probs, log_probs = softmax(z, ctx.axis), log_softmax(z, ctx.axis)
        else:
            probs, log_probs = ctx.probs, ctx.log_probs
        g = g.reshape(kept_shape(z.shape, (ctx.axis % z.ndim,)))
        gz = g * (probs * y.sum(axis=ctx.axis, keepdims=True) - y) if need_z else None
        gy = -g * log_probs if need_y else None
        return gz, gy


def _mean_of(total: float, count: int) -> float:
    """total / count, NaN for no samples (PyTorch's mean over an empty batch)."""
    return total / count if count else math.nan


class SparseSoftmaxCrossEntropy(Function):
    """L_i = -log softmax(z_i)[y_i] = log Σ_c e^{z_ic} - z_{i,y_i}, integer labels y_i, classes on the last
    axis (PyTorch's CrossEntropyLoss with class indices);  dL/dz_i = softmax(z_i) - onehot(y_i).
    The labels are data (an attribute), so no one-hot matrix is built: each label is a position in the
    flattened logits, where the forward gathers and the backward scatters. They must already be checked
    (``check_labels``). With ``mean`` the op returns (1/N) Σ_i L_i itself and dL/dz_i gains the factor 1/N."""
    name = "softmax_cross_entropy"

    @staticmethod
    def forward(ctx, z, labels, mean):
        shifted, e, total = shifted_exp(z, -1)
        flat_labels = labels.reshape(-1).astype(np.intp, copy=False)
        ctx.picks = np.arange(flat_labels.size) * z.shape[-1] + flat_labels   # i·C + y_i
        ctx.probs, ctx.labels, ctx.mean = e / total, labels, mean
        ctx.save_for_backward(z)
        # log Σe ≥ 0 and -picked ≥ 0 (shifted ≤ 0): adding them cancels nothing, nor does summing the losses
        losses = np.log(total.reshape(-1)) - shifted.take(ctx.picks)
        if mean:
            return np.asarray(_mean_of(float(losses.sum()), labels.size), dtype=z.dtype)
        return losses.reshape(labels.shape)

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        n = max(ctx.labels.size, 1)
        if ctx.create_graph:    # recomputed with ops, so it can be differentiated again
            per_sample = ctx.F.broadcast_to(g / n, ctx.labels.shape) if ctx.mean else g
            onehot = np.eye(z.shape[-1], dtype=z.dtype)[ctx.labels]
            return per_sample.reshape(per_sample.shape + (1,)) * (softmax(z, -1) - onehot)
        per_sample = g / n if ctx.mean else g.reshape(g.shape + (1,))   # the mean: one weight, 1/N, for all
        d = np.multiply(ctx.probs, per_sample, order="C")   # softmax(z) - onehot(y), scaled: the weight taken
        d.reshape(-1)[ctx.picks] -= per_sample if ctx.mean else per_sample.reshape(-1)   # off at each label's
        return d                                            # position (C order: the flat view is d itself)


class BinaryCrossEntropy(Function):
    """L = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 as PyTorch's BCELoss;
    dL/dp = (p - y) / max(p (1 - p), 1e-12) (PyTorch's backward: finite even at p = 0 or 1),
    dL/dy = log(1 - p) - log p (clamped)."""
    name = "binary_cross_entropy"

    @staticmethod
    def forward(ctx, p, y):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_q = np.maximum(np.log(1 - p), -100)
        ctx.save_for_backward(p, y)
        return -(y * log_p + (1 - y) * log_q)

    @staticmethod
    def backward(ctx, g):
        p, y = ctx.saved_tensors
        need_p, need_y = ctx.needs_input_grad
        F = ctx.F
        gp = gy = None
        if need_p:
            gp = g * (p - y) / F.maximum(p * (1 - p), 1e-12)
        if need_y:
            with np.errstate(divide="ignore"):
                gy = g * (F.maximum(F.log(1 - p), -100.0) - F.maximum(F.log(p), -100.0))
        return gp, gy


def _target_for(pred: Tensor, target: Any, who: str, what: str, hint: str) -> Tensor:
    """``target`` as a Tensor of ``pred``'s dtype, which must have ``pred``'s shape."""
    y = lift(target, pred)
    if y.dtype != pred.dtype:
        y = y.astype(pred.dtype)
    if y.shape != pred.shape:
        raise ValueError(f"{who}: target shape {y.shape} must equal {what} {pred.shape}{hint}.")
    return y


def softmax_cross_entropy(logits: Any, target: Any, axis: int = -1) -> Tensor:
    """Per-sample cross-entropy -Σ y log softmax(logits) of probability (e.g. one-hot) targets,
    fused and stable; its gradient with respect to the logits is softmax(logits) - target."""
    z = lift(logits)
    y = _target_for(z, target, "softmax_cross_entropy", "the logits' shape",
                    " (one probability per class); turn integer labels into one-hot rows first")
    return SoftmaxCrossEntropy.apply(z, y, axis=int(axis))


_UNSIGNED = {np.dtype(f"i{n}"): np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


def check_labels(labels: np.ndarray, classes: int, who: str, hint: str = "") -> None:
    """Raise ValueError unless ``labels`` are integers in 0..classes-1.

    ``hint`` ends the dtype error; ``{shape}`` in it becomes the shape of one-hot targets for these
    labels (formatted only then: this runs on every training step). One max over the labels viewed as
    unsigned finds both kinds of bad label: a negative one becomes huge.
    """
    kind = labels.dtype.kind
    if kind not in "iu":
        raise ValueError(f"{who}: labels must be integers, got dtype {labels.dtype}"
                         f"{hint.format(shape=labels.shape + (classes,))}.")
    unsigned = labels if kind == "u" else labels.view(_UNSIGNED.get(labels.dtype)
                                                      or labels.dtype.str.replace("i", "u"))
    if labels.size and np.maximum.reduce(unsigned, axis=None) >= classes:
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise ValueError(f"{who}: label {bad} is outside the {classes} classes 0..{classes - 1}.")


def sparse_softmax_cross_entropy(logits: Any, labels: Any, mean: bool = False) -> Tensor:
    """Cross-entropy of integer class ``labels`` (shape logits.shape[:-1]) under softmax(logits) over
    the last axis, fused and stable: one loss per sample, or their mean with ``mean=True``;
    dL/dlogits = softmax(logits) - onehot(labels) (over N with the mean)."""
    z = lift(logits)
    y = np.asarray(labels._data if isinstance(labels, Tensor) else labels)
    if z.ndim == 0 or y.shape != z.shape[:-1]:
        raise ValueError(f"sparse_softmax_cross_entropy: labels of shape {y.shape} must have the logits' shape "
                         f"without the class axis, {z.shape[:-1]}.")
    check_labels(y, z.shape[-1], "sparse_softmax_cross_entropy")
    return SparseSoftmaxCrossEntropy.apply(z, labels=y, mean=bool(mean))


def binary_cross_entropy(probs: Any, target: Any) -> Tensor:
    """Elementwise -(y log p + (1 - y) log(1 - p)) with PyTorch's numerics (logs clamped at -100)."""
    p = lift(probs)
    y = _target_for(p, target, "binary_cross_entropy", "the probabilities' shape", "")
    outside = (p._data < 0) | (p._data > 1)
    if outside.any():
        raise ValueError(f"binary_cross_entropy: the predictions must be probabilities in [0, 1], got "
                         f"{float(p._data[outside].flat[0])!r} at index {tuple(int(i) for i in np.argwhere(outside)[0])}; "
                         f"for raw scores (logits) use binary_cross_entropy_with_logits (BCEWithLogitsLoss).")
    return BinaryCrossEntropy.apply(p, y)
