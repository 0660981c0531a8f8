"""Sizes as PyTorch reports them: ``Size`` (a tuple of ints) and ``t.size``, numpy's element count that
is also PyTorch's ``t.size(dim=None)`` when called."""
from __future__ import annotations

from typing import Any

import numpy as np


class Size(tuple):
    """A shape as a tuple of ints, as ``torch.Size``: ``t.size()``; ``Size.numel()`` is the product."""

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"Size({list(self)})"


class ElementCount(int):
    """``t.size``: the number of elements (numpy's meaning, an int) and, called, PyTorch's
    ``t.size()`` (the shape as a :class:`Size`) or ``t.size(dim)`` (that axis's length)."""

    def __new__(cls, count: int, shape: tuple[int, ...]) -> "ElementCount":
        self = super().__new__(cls, count)
        self.shape = shape
        return self

    def __call__(self, dim: Any = None) -> Any:
        if dim is None:
            return Size(self.shape)
        ndim = len(self.shape)
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not -max(ndim, 1) <= dim < max(ndim, 1):
            raise IndexError(f"size(): dim {dim!r} is out of range for a tensor of shape {self.shape}.")
        if ndim == 0:
            raise IndexError("size(): a 0-d tensor has no dimensions; size() is ().")
        return self.shape[dim]
