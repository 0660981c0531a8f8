"""The spelling principle for axis arguments: ``dim=``/``keepdim=`` are PyTorch's, ``axis=``/``keepdims=``
numpy's. An op takes either pair (not both) and learns which convention the caller wrote in."""
from __future__ import annotations

from typing import Any


def axis_of(op: str, axis: Any, keepdims: bool, dim: Any, keepdim: bool) -> tuple[Any, bool]:
    """The axis and keep-flag from numpy's or PyTorch's keywords; giving both spellings is an error."""
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: give dim= (PyTorch) or axis= (numpy), not both.")
    if keepdim and keepdims:
        raise TypeError(f"{op}: give keepdim= (PyTorch) or keepdims= (numpy), not both.")
    if isinstance(dim, list):
        dim = tuple(dim)
    return (axis if dim is None else dim), bool(keepdims or keepdim)


def one_axis(op: str, axis: Any, ndim: int) -> int:
    """``axis`` as one non-negative axis of an ``ndim``-d tensor (a 0-d tensor has axis 0 and -1)."""
    if isinstance(axis, bool) or not isinstance(axis, int) and not hasattr(axis, "__index__"):
        raise TypeError(f"{op}: dim must be an integer, got {axis!r}.")
    axis = int(axis)
    size = max(ndim, 1)
    if not -size <= axis < size:
        raise IndexError(f"{op}: dim {axis} is out of range for a tensor with {ndim} dimension(s) "
                         f"(expected {-size} .. {size - 1}).")
    return axis % size
