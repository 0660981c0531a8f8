"""Turning op arguments into Tensors: Python scalars are 'weak' and take the tensor's dtype."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import tensor as _tensor
from ..tensor import Tensor, as_tensor

# Numbers that take the tensor's dtype next to a tensor, as in PyTorch: Python's, and numpy's scalars
# (np.int64(1), np.float64(0.5): ``float32 tensor + np.int64(1)`` stays float32).
WEAK_SCALARS = (int, float, bool, np.number, np.bool_)


def lift(x: Any, like: Tensor | None = None) -> Tensor:
    """``x`` as a Tensor; a Python number next to a floating tensor takes that tensor's dtype.

    This keeps ``x * 2.0`` and ``x * np.float64(2.0)`` float32 when ``x`` is float32 (PyTorch's rule).
    """
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, WEAK_SCALARS):
        kind = like._data.dtype.kind
        if kind == "f":
            return Tensor._make(np.asarray(x, dtype=like._data.dtype), None, False)
        if kind in "iu" and isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            return Tensor._make(np.asarray(x).astype(like._data.dtype), None, False)   # int32 + 1 stays int32
    if isinstance(x, (list, tuple)) and any(isinstance(i, Tensor) for i in x):   # [t1, t2]: stacked, graph kept
        from .shape import stack
        return stack(x)
    return as_tensor(x)


def lift_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors (see :func:`lift`). A float scalar (Python's or numpy's) next
    to an integer or bool tensor makes the result float32, as PyTorch (numpy alone would give float64)."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            return (a, b) if a._data.dtype is b._data.dtype else promote(a, b)
        if isinstance(b, (float, np.floating)) and a._data.dtype.kind in "biu":
            a = a.astype(_tensor.DEFAULT_DTYPE)
        return a, lift(b, a)
    if isinstance(a, (float, np.floating)) and isinstance(b, Tensor) and b._data.dtype.kind in "biu":
        b = b.astype(_tensor.DEFAULT_DTYPE)
        return lift(a, b), b
    b = lift(b)
    return lift(a, b), b


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Two tensors of different dtypes cast to PyTorch's result dtype: an integer and a float tensor give
    the float's dtype (numpy would widen int64 + float32 to float64), and a 0-d tensor next to one with axes
    counts only when its category (bool < integer < float) is higher: float32[n] + float64 0-d is float32."""
    da, db = a._data.dtype, b._data.dtype
    ca, cb = _CATEGORY.get(da.kind, 3), _CATEGORY.get(db.kind, 3)
    if (a._data.ndim == 0) != (b._data.ndim == 0):
        scalar_cat, dims_cat = (ca, cb) if a._data.ndim == 0 else (cb, ca)
        dims_dt, scalar_dt = (db, da) if a._data.ndim == 0 else (da, db)
        target = dims_dt if scalar_cat <= dims_cat else scalar_dt
    elif ca != cb:
        target = da if ca > cb else db
    else:
        target = np.promote_types(da, db)
    return (a if da == target else a.astype(target)), (b if db == target else b.astype(target))


def result_dtype(tensors: list[Tensor]) -> np.dtype:
    """PyTorch's result dtype of tensors joined or combined (torch.cat): the highest category wins (an int64
    and a float32 tensor give float32, where numpy gives float64), numpy's promotion within it."""
    top = max(_CATEGORY.get(t._data.dtype.kind, 3) for t in tensors)
    return np.result_type(*[t._data.dtype for t in tensors if _CATEGORY.get(t._data.dtype.kind, 3) == top])


def lift_float(x: Any) -> Tensor:
    """``x`` as a floating Tensor: an integer or bool tensor becomes the default dtype (float32), as PyTorch
    computes exp, sqrt, sigmoid ... of integers."""
    x = lift(x)
    return x if x._data.dtype.kind == "f" else x.astype(_tensor.DEFAULT_DTYPE)
