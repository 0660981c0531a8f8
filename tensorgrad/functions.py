"""The functions a backward rule computes with (``ctx.F``), in whichever form its pass runs.

A plain backward runs every rule on numpy arrays, a recorded one (``create_graph=True``) on Tensors.
``ctx.F.exp``, ``ctx.F.where`` ... are numpy's functions in the first and tensorgrad's ops of the same
name in the second: one formula, two passes. Names tensorgrad and numpy spell differently, or that
numpy lacks, are given here once.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .special import erf as _erf


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z) as PyTorch computes it, in z's dtype (float16 through float32, as PyTorch, since e^-z
    overflows float16 already at z < -11): exact in relative terms down to where e^-z overflows (z < -88.7
    in float32), where it gives 0, as PyTorch does."""
    if z.dtype == np.float16:
        return _sigmoid(z.astype(np.float32)).astype(np.float16)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def _scatter_add(g: np.ndarray, shape: tuple[int, ...], index: Any) -> np.ndarray:
    """zeros(shape) with ``g`` added at ``index`` (np.add.at where an array index may pick an element twice)."""
    out = np.zeros(shape, dtype=g.dtype)
    items = index if isinstance(index, tuple) else (index,)
    if all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items):
        out[index] = g          # basic indexing: no element is picked twice
    else:
        np.add.at(out, index, g)
    return out


def _broadcast_to(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` repeated to ``shape`` as a new writeable array: a plain backward's broadcast (the gradient is
    computed with, or handed to a leaf, next; np.broadcast_to's read-only view would be copied anyway)."""
    out = np.empty(shape, dtype=x.dtype)
    out[...] = x
    return out


class _ArrayFunctions:
    """numpy under tensorgrad's names: tensorgrad's own spelling first, then numpy's."""

    sigmoid = staticmethod(_sigmoid)
    scatter_add = add_at = staticmethod(_scatter_add)      # (add_at: the name of the tensor op)
    broadcast_to = staticmethod(_broadcast_to)
    clip = staticmethod(np.clip)
    erf = staticmethod(_erf)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(np, name)
        except AttributeError:
            raise AttributeError(f"ctx.F.{name}: numpy has no function of that name; a backward rule can use "
                                 f"numpy's functions under tensorgrad's op names.") from None


class _TensorFunctions:
    """tensorgrad's ops (looked up on use: the op modules are imported after this one)."""

    def __getattr__(self, name: str) -> Any:
        from . import ops
        try:
            return getattr(ops, name)
        except AttributeError:
            raise AttributeError(f"ctx.F.{name}: tensorgrad has no op of that name, so this backward rule cannot "
                                 f"run under create_graph; write it with ops tensorgrad has.") from None


ARRAY_FUNCTIONS, TENSOR_FUNCTIONS = _ArrayFunctions(), _TensorFunctions()
