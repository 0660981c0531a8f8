"""Turning op arguments into Tensors: Python scalars are 'weak' and take the tensor's dtype."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, as_tensor


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
    """Both operands of a binary op as Tensors (see :func:`lift`)."""
    if isinstance(a, Tensor):
        return a, lift(b, a)
    b = lift(b)
    return lift(a, b), b
