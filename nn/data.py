"""DataLoader: mini-batches of Tensors from numpy arrays or Tensors, shuffled anew each epoch.

    >>> loader = DataLoader(x, y, batch_size=32, shuffle=True, seed=0)
    >>> for xb, yb in loader:          # xb: Tensor (or a list of Tensors for multi-input x)
    ...     ...
    >>> len(loader)                    # batches per epoch

Dtypes are kept: float features stay float (float64 stays float64), integer labels stay integer, so
sparse labels reach the loss as class indices. Python lists of floats become float32, as
``tensorgrad.tensor`` does.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Iterator

import numpy as np

from tensorgrad import Tensor, as_tensor
from tensorgrad import random as tg_random

Batch = Any  # a Tensor, a list of Tensors (multi-input), or a tuple (x, y) of those


def _as_arrays(data: Any, arg: str) -> np.ndarray | list[np.ndarray]:
    """``data`` as one array, or a list of arrays when it is a list/tuple of arrays (multi-input)."""
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, (np.ndarray, Tensor)) for d in data):
        return [_as_array(d, f"{arg}[{i}]") for i, d in enumerate(data)]
    return _as_array(data, arg)


def _as_array(data: Any, arg: str) -> np.ndarray:
    """One array with a sample axis; Tensors give their data (batches are never part of a graph)."""
    try:
        arr = as_tensor(data).data
    except (TypeError, ValueError) as err:
        raise TypeError(f"DataLoader: {arg} must be a numpy array, a Tensor or a list of numbers "
                        f"(or a list/tuple of arrays for multi-input), got {type(data).__name__}: {err}") from err
    if arr.ndim == 0:
        raise ValueError(f"DataLoader: {arg} is a scalar; give an array whose first axis indexes samples.")
    return arr


def _num_samples(arrays: np.ndarray | list[np.ndarray], arg: str) -> int:
    """The common first-axis length of ``arrays``, or a ValueError listing the lengths that differ."""
    if isinstance(arrays, np.ndarray):
        return len(arrays)
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"DataLoader: the arrays of {arg} have different numbers of samples {lengths}; "
                         f"every input needs one row per sample.")
    return lengths[0]


def _take(arrays: np.ndarray | list[np.ndarray], index: slice | np.ndarray) -> Tensor | list[Tensor]:
    if isinstance(arrays, np.ndarray):
        return as_tensor(arrays[index])
    return [as_tensor(a[index]) for a in arrays]


def _batch_to_tensors(item: Any) -> Batch:
    """A batch from a user's iterable as Tensors: ``x``, ``[x1, x2]`` or ``(x, y)``."""
    if isinstance(item, tuple):
        if len(item) != 2:
            raise ValueError(f"DataLoader: a batch tuple must be (x, y), got a tuple of {len(item)} items; "
                             f"give x alone, (x, y), or a list of arrays for multi-input x.")
        return tuple(_batch_to_tensors(part) for part in item)
    if isinstance(item, list):
        return [as_tensor(_as_array(part, "batch")) for part in item]
    return as_tensor(_as_array(item, "batch"))


class DataLoader:
    """Batches of ``(x, y)`` (or ``x`` alone when ``y`` is None) as Tensors, one pass per iteration.

    ``x`` is an array, a Tensor, or a list/tuple of equal-length arrays (multi-input: each batch's x
    is then a list of Tensors). With ``shuffle`` every epoch draws a new order from one generator
    seeded by ``seed``, so a run is reproducible and epochs differ. ``drop_last`` drops a final
    partial batch. Any other iterable (a generator function's result is single-use; prefer an object
    whose ``__iter__`` restarts) is taken as ready-made batches ``x``, ``[x1, x2]`` or ``(x, y)``.
    """

    def __init__(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = False,
                 seed: int | None = None, drop_last: bool = False) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}.")
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self._rng = tg_random.spawn(seed)
        self._source: Iterable[Any] | None = None
        if hasattr(x, "__iter__") and not isinstance(x, (np.ndarray, Tensor, list, tuple, str, bytes)):
            if y is not None or shuffle or drop_last:
                raise ValueError(f"DataLoader: x is an iterable of ready-made batches "
                                 f"({type(x).__name__}), so y, shuffle and drop_last do not apply; "
                                 f"put the labels in the batches and shuffle in the iterable.")
            self._source = x
            return
        self.x = _as_arrays(x, "x")
        self.y = None if y is None else _as_arrays(y, "y")
        self.num_samples = _num_samples(self.x, "x")
        if self.y is not None and _num_samples(self.y, "y") != self.num_samples:
            raise ValueError(f"DataLoader: x has {self.num_samples} samples but y has "
                             f"{_num_samples(self.y, 'y')}; give one label row per sample.")
        if self.num_samples == 0:
            raise ValueError("DataLoader: x has no samples (first axis of length 0); give at least one.")
        if len(self) == 0:
            raise ValueError(f"DataLoader: drop_last=True with batch_size={self.batch_size} and only "
                             f"{self.num_samples} samples leaves no batch; lower batch_size or set "
                             f"drop_last=False.")

    def __len__(self) -> int:
        """Batches per epoch: ceil(n / batch_size), or floor with ``drop_last``."""
        if self._source is not None:
            if not hasattr(self._source, "__len__"):
                raise TypeError(f"DataLoader: the batch iterable ({type(self._source).__name__}) has no "
                                f"len(); give a list or an object with __len__ to count batches.")
            return len(self._source)  # type: ignore[arg-type]
        whole = self.num_samples // self.batch_size
        return whole if self.drop_last else math.ceil(self.num_samples / self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        return self._epoch() if self._source is None else self._source_epoch()

    def _source_epoch(self) -> Iterator[Batch]:
        count = 0
        for count, item in enumerate(self._source, start=1):  # type: ignore[arg-type]
            yield _batch_to_tensors(item)
        if count == 0:
            raise RuntimeError(f"DataLoader: the batch iterable ({type(self._source).__name__}) yielded "
                               f"no batches; a generator is used up after one epoch, so give a list or "
                               f"an object whose __iter__ starts over.")

    def _epoch(self) -> Iterator[Batch]:
        order = self._rng.permutation(self.num_samples) if self.shuffle else None
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            stop = min(start + self.batch_size, self.num_samples)
            index: slice | np.ndarray = slice(start, stop) if order is None else order[start:stop]
            xb = _take(self.x, index)
            yield xb if self.y is None else (xb, _take(self.y, index))

    def __repr__(self) -> str:
        if self._source is not None:
            return f"DataLoader(batches from {type(self._source).__name__})"
        return (f"DataLoader({self.num_samples} samples, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, batches={len(self)})")


__all__ = ["DataLoader"]


_TF_DATA = {"Dataset", "AUTOTUNE", "experimental", "Options", "TFRecordDataset", "TextLineDataset"}


def __getattr__(name: str) -> Any:
    """``tf.data.*`` under ``import nn as tf`` is out of scope: say so and name the replacement."""
    if name in _TF_DATA:
        raise NotImplementedError(
            f"tf.data.{name} is not supported by nn (no tf.data pipelines). Pass numpy arrays to model.fit(x, y, "
            f"batch_size=..., shuffle=True), or batch them with nn.DataLoader(x, y, batch_size=32, shuffle=True).")
    raise AttributeError(f"module 'nn.data' has no attribute '{name}'")
