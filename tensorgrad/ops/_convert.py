"""Turning op arguments into Tensors: Python scalars are 'weak' and take the tensor's dtype."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import DEFAULT_DTYPE, Tensor, as_tensor


def lift(x: Any, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor; a Python number next to a floating tensor takes that tensor's dtype.

    This keeps ``x * 2.0`` float32 when ``x`` is float32 (numpy's own rule for Python scalars).
    """
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (int, float, bool)) and like.data.dtype.kind == "f":
        return Tensor._make(np.asarray(x, dtype=like.data.dtype), None, False)
    return as_tensor(x)


def lift_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors (see :func:`lift`). A Python float next to an integer or
    bool tensor makes the result float32, as PyTorch (numpy alone would give float64)."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            return a, b
        if type(b) is float and a.data.dtype.kind in "biu":
            return a.astype(DEFAULT_DTYPE), lift(b)
        return a, lift(b, a)
    if type(a) is float and isinstance(b, Tensor) and b.data.dtype.kind in "biu":
        return lift(a), b.astype(DEFAULT_DTYPE)
    b = lift(b)
    return lift(a, b), b
