"""A tensor's values printed as PyTorch prints them: ``tensor([1.5000, 2.2500])``.

Floats get 4 decimals (``1.5000``); all-integral floats print as ``1.``; scientific notation
(``1.0000e-05``) when the finite non-zero magnitudes span more than a factor 1000 or pass 1e8 (or, for
non-integral values, go below 1e-4). Every entry is right-aligned to the widest; more than 1000 entries
are summarised with ``...`` (3 at each edge).
"""
from __future__ import annotations

from typing import Callable

import numpy as np


def _float_formatter(data: np.ndarray) -> Callable[[float], str]:
    """PyTorch's choice of fixed, integral or scientific format for these values, as a function."""
    finite = data[np.isfinite(data)]
    nonzero = np.abs(finite[finite != 0]).astype(np.float64)
    if nonzero.size == 0:
        return lambda v: _special(v) or f"{v:.0f}."
    lo, hi = nonzero.min(), nonzero.max()
    if np.all(np.ceil(nonzero) == nonzero):
        if hi / lo > 1000.0 or hi > 1e8:
            return lambda v: _special(v) or f"{v:.4e}"
        return lambda v: _special(v) or f"{v:.0f}."
    if hi / lo > 1000.0 or hi > 1e8 or lo < 1e-4:
        return lambda v: _special(v) or f"{v:.4e}"
    return lambda v: _special(v) or f"{v:.4f}"


def _special(v: float) -> str:
    """'nan', 'inf' and '-inf' as PyTorch writes them ('' for ordinary numbers)."""
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return ""


def format_values(data: np.ndarray, prefix: str = "tensor(") -> str:
    """The bracketed values of ``data`` (no ``tensor(`` around them), wrapped at 80 characters."""
    summarise = data.size > 1000
    shown = data
    if summarise:   # the width comes from the entries that are printed, as in PyTorch
        shown = np.concatenate([np.ravel(_edges(data, 3))]) if data.ndim else data
    if data.dtype.kind == "f":
        fmt = _float_formatter(shown.astype(np.float64))
    elif data.dtype.kind == "b":
        fmt = str
    else:
        fmt = lambda v: str(int(v))  # noqa: E731
    width = max((len(fmt(v)) for v in np.ravel(shown)), default=0)
    if data.ndim == 0:
        return fmt(data.item())
    per_line = max(1, (80 - len(prefix) - (data.ndim - 1)) // (width + 2))      # PyTorch's entries per line
    line = len(prefix) + data.ndim + per_line * (width + 2)
    return np.array2string(data, separator=", ", prefix=prefix, max_line_width=line, threshold=1000, edgeitems=3,
                           formatter={"all": lambda v: fmt(v).rjust(width)})


def _edges(data: np.ndarray, k: int) -> np.ndarray:
    """The entries a summary shows: the first and last ``k`` along every axis."""
    for axis in range(data.ndim):
        if data.shape[axis] > 2 * k:
            data = np.concatenate([np.take(data, range(k), axis), np.take(data, range(-k, 0), axis)], axis)
    return data
