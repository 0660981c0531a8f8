"""numpy kernels shared by an op's forward and the plain-mode VJPs of other ops (no Tensors here)."""
from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), stably: e^-|z| never overflows, and the dtype of ``z`` is kept."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def broadcast(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` repeated to ``shape`` as a new writeable array: a plain backward's broadcast (a gradient
    is about to be computed with, or handed to a leaf, so a view would be copied anyway; and
    np.broadcast_to's Python wrapper costs several times this on small arrays)."""
    out = np.empty(shape, dtype=x.dtype)
    out[...] = x
    return out


def shifted_exp(z: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stable pieces of every softmax: s = z - max(z), e^s, and Σ e^s along ``axis`` (kept)."""
    shifted = z - np.maximum.reduce(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return shifted, e, np.add.reduce(e, axis=axis, keepdims=True)
