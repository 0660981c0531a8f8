"""Fused losses: cross-entropies computed in one op, so their values are stable and their
gradients are the textbook closed forms (softmax(z) - y) rather than a chain of divisions."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift
from ._kernels import row_starts, shifted_exp
from ._namespace import functions
from .activations import log_softmax, softmax
from .reduce import kept_shape
from .shape import broadcast_to


class SoftmaxCrossEntropy(Op):
    """L = -Σ_c y_c log softmax(z)_c along ``axis``, one loss per sample (seed 000's softmax + CE);
    dL/dz = softmax(z) Σ_c y_c - y  (= softmax(z) - y for targets summing to 1),  dL/dy = -log softmax(z)."""
    __slots__ = ("axis", "probs", "log_probs")
    name = "softmax_cross_entropy"

    def forward(self, z, y, axis):
        self.axis = axis
        shifted, e, total = shifted_exp(z, axis)
        self.probs = e / total                        # bit for bit the softmax op's output
        self.log_probs = shifted - np.log(total)
        return -(y * self.log_probs).sum(axis=axis)

    def vjp(self, g):
        z, y = self.values()
        need_z, need_y = self.needs_input_grad
        if isinstance(g, Tensor):   # recorded: recomputed with ops, so they can be differentiated again
            probs, log_probs = softmax(z, self.axis), log_softmax(z, self.axis)
        else:
            probs, log_probs = self.probs, self.log_probs
        g = g.reshape(kept_shape(z.shape, (self.axis % z.ndim,)))
        gz = g * (probs * y.sum(axis=self.axis, keepdims=True) - y) if need_z else None
        gy = -g * log_probs if need_y else None
        return gz, gy

    def free(self) -> None:
        super().free()
        self.probs = self.log_probs = None


def _mean_of(total: float, count: int) -> float:
    """total / count in Python floats (a 0-d numpy division costs a microsecond a step); NaN for no
    samples, as PyTorch's mean over an empty batch."""
    return total / count if count else math.nan


class SparseSoftmaxCrossEntropy(Op):
    """L_i = -log softmax(z_i)[y_i] = log Σ_c e^{z_ic} - z_{i,y_i}, integer labels y_i, classes on the last
    axis (PyTorch's CrossEntropyLoss with class indices);  dL/dz_i = softmax(z_i) - onehot(y_i).
    The labels are data (an attribute), so no one-hot matrix is ever built; they must already be
    checked (``check_labels``): the op reads them, unchecked, as positions in the flattened logits. With
    ``mean`` the op returns (1/N) Σ_i L_i itself (one node per loss, as PyTorch's), and dL/dz_i gains the factor 1/N."""
    __slots__ = ("labels", "probs", "mean", "picks")
    name = "softmax_cross_entropy"

    def forward(self, z, labels, mean):
        self.labels, self.mean = labels, mean
        shifted, e, total = shifted_exp(z, -1)
        e /= total
        self.probs = e
        flat = labels.reshape(-1)   # each sample's label as a position in the flattened logits: i·C + y_i
        if flat.dtype.kind == "u":  # (uint64 + int64 would be float64)
            flat = flat.astype(np.intp)
        self.picks = row_starts(flat.size, z.shape[-1]) + flat
        # log Σe ≥ 0 and -picked ≥ 0 (shifted ≤ 0): adding them cancels nothing, nor does summing the losses
        losses = np.log(total.reshape(-1)) - shifted.take(self.picks)
        if mean:
            return np.asarray(_mean_of(float(np.add.reduce(losses)), labels.size), dtype=z.dtype)
        return losses.reshape(labels.shape)

    def _per_sample_grad(self, g: Tensor) -> Tensor:
        """The upstream gradient of each sample's loss: g itself, or g / N broadcast when the op averaged."""
        if not self.mean:
            return g
        return broadcast_to(g / self.labels.size, self.labels.shape)

    def vjp(self, g):
        if not isinstance(g, Tensor):   # plain backward: softmax - onehot, scaled by g, in place
            gs = _mean_of(float(g), self.labels.size) if self.mean else g   # (the mean's g is 0-d)
            d = np.multiply(self.probs, gs if self.mean else gs[..., None], order="C")   # C order, so the
            d.reshape(-1)[self.picks] -= gs if self.mean else gs.reshape(-1)                # flat view is d
            return (d,)
        z = self.inputs[0]
        g = self._per_sample_grad(g)
        onehot = Tensor._make(np.eye(z.shape[-1], dtype=z.dtype)[self.labels], None, False)
        return (g.reshape(g.shape + (1,)) * (softmax(z, -1) - onehot),)   # differentiable again

    def free(self) -> None:
        super().free()
        self.probs = self.picks = None


class BinaryCrossEntropy(Op):
    """L = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 as PyTorch's BCELoss;
    dL/dp = (p - y) / max(p (1 - p), 1e-12) (PyTorch's backward: finite even at p = 0 or 1),
    dL/dy = log(1 - p) - log p (clamped)."""
    __slots__ = ("log_ratio",)
    name = "binary_cross_entropy"

    def forward(self, p, y):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_q = np.maximum(np.log(1 - p), -100)
        self.log_ratio = log_q - log_p
        return -(y * log_p + (1 - y) * log_q)

    def vjp(self, g):
        p, y = self.values()
        need_p, need_y = self.needs_input_grad
        F = functions()
        gp = g * (p - y) / F.maximum(p * (1 - p), 1e-12) if need_p else None
        gy = None
        if need_y and isinstance(g, Tensor):   # recorded: log(1-p) - log p rebuilt from p, so d²L/dy dp is seen
            with np.errstate(divide="ignore"):
                gy = g * (F.maximum(F.log(1 - p), -100.0) - F.maximum(F.log(p), -100.0))
        elif need_y:
            gy = g * self.log_ratio
        return gp, gy

    def free(self) -> None:
        super().free()
        self.log_ratio = None


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
    return apply(SoftmaxCrossEntropy, z, y, axis=int(axis))


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
    y = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if z.ndim == 0 or y.shape != z.shape[:-1]:
        raise ValueError(f"sparse_softmax_cross_entropy: labels of shape {y.shape} must have the logits' shape "
                         f"without the class axis, {z.shape[:-1]}.")
    check_labels(y, z.shape[-1], "sparse_softmax_cross_entropy")
    return apply(SparseSoftmaxCrossEntropy, z, labels=y, mean=bool(mean))


def binary_cross_entropy(probs: Any, target: Any) -> Tensor:
    """Elementwise -(y log p + (1 - y) log(1 - p)) with PyTorch's numerics (logs clamped at -100)."""
    p = lift(probs)
    y = _target_for(p, target, "binary_cross_entropy", "the probabilities' shape", "")
    outside = (p.data < 0) | (p.data > 1)
    if outside.any():
        raise ValueError(f"binary_cross_entropy: the predictions must be probabilities in [0, 1], got "
                         f"{float(p.data[outside].flat[0])!r} at index {tuple(int(i) for i in np.argwhere(outside)[0])}; "
                         f"for raw scores (logits) use binary_cross_entropy_with_logits (BCEWithLogitsLoss).")
    return apply(BinaryCrossEntropy, p, y)
