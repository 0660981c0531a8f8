"""Turning op arguments into Tensors: Python scalars are 'weak' and take the tensor's dtype."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import DEFAULT_DTYPE, Tensor, as_tensor

# Numbers that take the tensor's dtype next to a tensor, as in PyTorch: Python's, and numpy's scalars
# (np.int64(1), np.float64(0.5): ``float32 tensor + np.int64(1)`` stays float32).
WEAK_SCALARS = (int, float, bool, np.number, np.bool_)


def lift(x: Any, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor; a Python number next to a floating tensor takes that tensor's dtype.

    This keeps ``x * 2.0`` and ``x * np.float64(2.0)`` float32 when ``x`` is float32 (PyTorch's rule).
    """
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, WEAK_SCALARS) and like._data.dtype.kind == "f":
        return Tensor._make(np.asarray(x, dtype=like._data.dtype), None, False)
    if isinstance(x, (list, tuple)) and any(isinstance(i, Tensor) for i in x):   # [t1, t2]: stacked, graph kept
        from .shape import stack
        return stack(x)
    return as_tensor(x)


def lift_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors (see :func:`lift`). A float scalar (Python's or numpy's) next
    to an integer or bool tensor makes the result float32, as PyTorch (numpy alone would give float64)."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            return a, b
        if isinstance(b, (float, np.floating)) and a._data.dtype.kind in "biu":
            a = a.astype(DEFAULT_DTYPE)
        return a, lift(b, a)
    if isinstance(a, (float, np.floating)) and isinstance(b, Tensor) and b._data.dtype.kind in "biu":
        b = b.astype(DEFAULT_DTYPE)
        return lift(a, b), b
    b = lift(b)
    return lift(a, b), b
