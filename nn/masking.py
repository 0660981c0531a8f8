"""Keras's masks: which time steps of a (batch, steps, ...) tensor are padding.

A mask is a boolean Tensor (batch, steps) kept on the Tensor it describes as ``_keras_mask``, as Keras
keeps it. ``Embedding(mask_zero=True)`` makes one (id 0 is padding); layers that keep the time axis
and act per step (Dense, Dropout, activations, TimeDistributed) pass it on; the recurrent layers read
it: a masked step keeps the previous state and repeats the previous output. Models carry it from
layer to layer (Layer.forward for Keras Layers, :func:`carry_mask` for nn's Module-based layers).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tensorgrad import Tensor


def mask_of(x: Any) -> Tensor | None:
    """The mask Keras would attach to ``x`` (None for arrays, lists and unmasked tensors)."""
    return x.__dict__.get("_keras_mask") if type(x) is Tensor else None


def set_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` (anything array-like, None to clear) to the Tensor ``x``."""
    if isinstance(x, Tensor):
        x._keras_mask = None if mask is None else (mask if isinstance(mask, Tensor)
                                                   else Tensor(np.asarray(mask, dtype=bool)))


def step_mask(mask: Any, who: str, batch: int, steps: int) -> np.ndarray | None:
    """``mask`` as a numpy bool array (batch, steps), checked against the input it describes."""
    if mask is None:
        return None
    array = np.asarray(mask.numpy(force=True) if isinstance(mask, Tensor) else mask)
    if array.shape != (batch, steps):
        raise ValueError(f"{who}: mask must have shape (batch, steps) = ({batch}, {steps}), got {array.shape}.")
    return array.astype(bool, copy=False)


def passes_mask(layer: Any) -> bool:
    """True for nn's Module-based layers Keras lets a mask through (they act on each step alone)."""
    from .activations import ELU, Activation, LeakyReLU, ReLU, Softmax
    from .layers import Dense, Dropout
    return getattr(layer, "supports_masking", False) or isinstance(layer, (Dense, Dropout, Activation, ReLU,
                                                                           LeakyReLU, ELU, Softmax))


def carry_mask(layer: Any, x: Any, y: Any) -> None:
    """After ``y = layer(x)`` in a model: a Module-based layer that passes masks gives ``y`` the mask of
    ``x`` (a Keras Layer has set its own in Layer.forward, and one that drops it returns None)."""
    mask = mask_of(x)
    if mask is None or not isinstance(y, Tensor) or y is x or "_keras_mask" in y.__dict__:
        return
    if passes_mask(layer):
        y._keras_mask = mask


def masked_loss(values: Tensor, mask: Tensor, sample_weight: Any = None) -> Tensor:
    """Keras's loss of an output that carries a mask: the per-step losses ``values`` (batch, steps) times
    the mask (and the sample weights), averaged over the unmasked steps: Σ m·w·l / Σ m."""
    keep = np.asarray(mask.numpy(force=True), dtype=values.dtype)
    weights = keep if sample_weight is None else \
        keep * np.asarray(sample_weight, dtype=values.dtype).reshape(-1, 1)
    return (values * weights).sum() / max(float(keep.sum()), 1.0)


__all__ = ["mask_of", "set_mask", "step_mask", "passes_mask", "carry_mask", "masked_loss"]
