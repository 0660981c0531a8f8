"""Label helpers with Keras's semantics (``to_categorical`` one-hot encodes; ``argmax(axis=-1)`` undoes it),
Keras's data utilities (``normalize``, ``pad_sequences``, ``set_random_seed``) and PyTorch's gradient
clipping (``clip_grad_norm_``, ``clip_grad_value_``), called between ``loss.backward()`` and ``optimizer.step()``."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from tensorgrad import Tensor


def _integer_labels(y: Any) -> np.ndarray:
    """``y`` as int64, refusing fractional or negative values (a sign of passing scores, not labels)."""
    arr = np.asarray(y)
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


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """x / ‖x‖ along ``axis`` (the ``order``-norm); a zero vector stays zero (its norm counts as 1, as Keras)."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"normalize: x must be numeric, got dtype {arr.dtype}.")
    norm = np.atleast_1d(np.linalg.norm(arr, order, axis))
    norm[norm == 0] = 1
    return arr / np.expand_dims(norm, axis)


def pad_sequences(sequences: Any, maxlen: int | None = None, dtype: Any = "int32", padding: str = "pre",
                  truncating: str = "pre", value: float = 0.0) -> np.ndarray:
    """Equal-length rows: sequences longer than ``maxlen`` (default: the longest) lose their start
    (``truncating='pre'``) or end ('post'); shorter ones get ``value`` before ('pre') or after ('post')."""
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {choice!r}.")
    rows = [np.asarray(seq) for seq in sequences]
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0):
        raise ValueError(f"pad_sequences: maxlen must be a non-negative integer or None, got {maxlen!r}.")
    length = int(maxlen) if maxlen is not None else max((len(r) for r in rows), default=0)
    inner = next((r.shape[1:] for r in rows if len(r)), ())
    out = np.full((len(rows), length, *inner), value, dtype=np.dtype(dtype))
    for i, row in enumerate(rows):
        if not len(row) or not length:
            continue
        kept = row[-length:] if truncating == "pre" else row[:length]
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, -len(kept):] = kept
    return out


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, numpy's global generator and tensorgrad's (weights, dropout,
    shuffling), as ``keras.utils.set_random_seed`` seeds Python, numpy and TensorFlow."""
    import random

    import tensorgrad as tg
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed: seed must be a non-negative integer, got {seed!r}.")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    tg.manual_seed(int(seed))



def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    """The gradients of ``parameters`` (one Tensor or an iterable), skipping those without one."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale all gradients in place by min(1, max_norm / (total + 1e-6)), where total is the p-norm of
    all gradients taken together (``norm_type`` p; ``inf``: the largest |g|); returns total, as PyTorch."""
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return Tensor(np.float32(0.0))
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g.numpy(force=True)))) if g.numel() else 0.0 for g in grads)
    else:
        total = float(np.sum([np.sum(np.abs(g.numpy(force=True).astype(np.float64)) ** norm_type) for g in grads])) ** (1 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}, so "
                           f"they cannot be clipped; set error_if_nonfinite=False to scale them anyway.")
    scale = max_norm / (total + 1e-6)
    scale = scale if math.isnan(scale) else min(1.0, scale)     # a NaN norm makes every gradient NaN, as PyTorch
    if scale != 1.0:
        for g in grads:
            g.numpy(force=True)[...] *= g.dtype.type(scale)
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient entry in place to [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be non-negative, got {clip_value}.")
    for g in _grads(parameters):
        np.clip(g.numpy(force=True), -clip_value, clip_value, out=g.numpy(force=True))


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector (torch.nn.utils.parameters_to_vector); differentiable."""
    import tensorgrad as tg
    return tg.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in place and outside the graph (as PyTorch)."""
    import tensorgrad as tg
    values, start = vec.detach().numpy(), 0
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if values.ndim != 1 or values.size != total:
        raise ValueError(f"vector_to_parameters: expected a vector of {total} values (the parameters' total), got "
                         f"shape {values.shape}.")
    with tg.no_grad():
        for p in params:
            p.copy_(tg.tensor(values[start:start + p.numel()].reshape(p.shape)))
            start += p.numel()


__all__ = ["parameters_to_vector", "vector_to_parameters", "to_categorical", "normalize", "pad_sequences", "set_random_seed", "clip_grad_norm_",
           "clip_grad_value_"]
