"""Data loading, PyTorch's ``torch.utils.data`` (also reachable as ``nn.data``): datasets, samplers and
a DataLoader that batches samples into Tensors.

    >>> from tensorgrad.utils.data import DataLoader, TensorDataset, random_split
    >>> train, val = random_split(TensorDataset(x, y), [0.8, 0.2])
    >>> for xb, yb in DataLoader(train, batch_size=64, shuffle=True):   # tuples of Tensors
    ...     ...

The DataLoader also keeps tensorgrad's array form, ``DataLoader(x, y, batch_size=32, shuffle=True,
seed=0)``: numpy arrays (or Tensors) in, ``(xb, yb)`` Tensors out, sliced without a per-sample loop.
Dtypes are kept: float features stay float (float64 stays float64), integer labels stay integer, so
sparse labels reach the loss as class indices. Python lists of floats become float32, as
``tensorgrad.tensor`` does. Shuffles without a ``generator``/``seed`` draw from the generator
``tensorgrad.manual_seed`` seeds, so a seeded program repeats itself.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Iterable, Iterator

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
        arr = as_tensor(data)._data
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
        return [Tensor(_as_array(part, "batch")) for part in item]
    return Tensor(_as_array(item, "batch"))


# --------------------------------------------------------------------------- datasets (PyTorch's)
class Dataset:
    """A map-style dataset: ``len(ds)`` samples, ``ds[i]`` the i-th (subclass and define both).
    ``a + b`` concatenates two datasets."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) returning one sample.")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclass and define ``__iter__`` yielding samples (the DataLoader
    batches them; ``shuffle`` and samplers do not apply)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__() yielding samples.")


class TensorDataset(Dataset):
    """Samples are the i-th rows of each tensor: ``TensorDataset(x, y)[i] == (x[i], y[i])``.
    Arrays are taken as Tensors (dtypes kept); every tensor needs the same first-axis length."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor, e.g. TensorDataset(x, y).")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(_as_array(t, f"tensors[{i}]"))
                             for i, t in enumerate(tensors))
        lengths = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in lengths or len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors: first-axis lengths {lengths}; every "
                             f"tensor needs one row per sample.")

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(_rows(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def _rows(t: Tensor, index: Any) -> Tensor:
    """``t[index]``: through the graph when ``t`` requires grad, else a plain Tensor of the rows."""
    return t[index] if t.requires_grad else Tensor(t._data[index])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order (``.dataset``, ``.indices``)."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (list, np.ndarray)):
            return [self.dataset[self.indices[int(i)]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The samples of several datasets one after another."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable.")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise TypeError("ConcatDataset: IterableDatasets cannot be concatenated by index.")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self) -> int:
        return int(self.cumulative_sizes[-1])

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"ConcatDataset: index out of range for {len(self)} samples.")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = 0 if which == 0 else int(self.cumulative_sizes[which - 1])
        return self.datasets[which][index - start]


def _numpy_generator(generator: Any, who: str) -> np.random.Generator:
    """The numpy Generator to draw from: ``generator`` (a numpy Generator, or an object holding one as
    ``.generator``), else tensorgrad's global one (``tensorgrad.manual_seed``)."""
    if generator is None:
        return tg_random.default_rng()
    if isinstance(generator, np.random.Generator):
        return generator
    inner = getattr(generator, "generator", None)
    if isinstance(inner, np.random.Generator):
        return inner
    raise TypeError(f"{who}: generator must be a numpy Generator (np.random.default_rng(seed)), got "
                    f"{type(generator).__name__}.")


def random_split(dataset: Any, lengths: Sequence[int | float], generator: Any = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random Subsets of the given ``lengths``, or fractions summing
    to 1 (each floor(n·f), the remainder dealt one at a time from the first, as PyTorch)."""
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(f, float) for f in lengths) and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(f < 0 for f in lengths):
            raise ValueError(f"random_split: fractions must be non-negative, got {lengths}.")
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        if any(isinstance(f, float) and not f.is_integer() for f in lengths) or any(f < 0 for f in lengths):
            raise ValueError(f"random_split: lengths must be non-negative integers or fractions summing to 1, "
                             f"got {lengths}.")
        sizes = [int(f) for f in lengths]
        if sum(sizes) != n:
            raise ValueError(f"random_split: sum of input lengths ({sum(sizes)}) does not equal the length of the "
                             f"input dataset ({n}).")
    order = _numpy_generator(generator, "random_split").permutation(n)
    stops = np.cumsum(sizes)
    return [Subset(dataset, order[stop - size:stop].tolist()) for size, stop in zip(sizes, stops)]


# --------------------------------------------------------------------------- samplers (PyTorch's)
class Sampler:
    """An iterable of dataset indices (subclass and define ``__iter__``, and ``__len__`` if known)."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__() yielding indices.")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random order of the indices each pass (or ``num_samples`` draws with ``replacement``),
    from ``generator`` or the global generator ``tensorgrad.manual_seed`` seeds."""

    def __init__(self, data_source: Any, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None) -> None:
        self.data_source, self.replacement, self.generator = data_source, bool(replacement), generator
        self._num_samples = num_samples
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples should be a positive integer, got {num_samples!r}.")
        _numpy_generator(generator, "RandomSampler")   # checked now, not at the first epoch

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        rng, n = _numpy_generator(self.generator, "RandomSampler"), len(self.data_source)
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        passes = [rng.permutation(n) for _ in range(-(-self.num_samples // max(n, 1)))]
        return iter(np.concatenate(passes)[:self.num_samples].tolist() if passes else [])

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a new random order each pass."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices, self.generator = list(indices), generator

    def __iter__(self) -> Iterator[int]:
        order = _numpy_generator(self.generator, "SubsetRandomSampler").permutation(len(self.indices))
        return iter([self.indices[i] for i in order])

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter unless ``drop_last``)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size should be a positive integer, got {batch_size!r}.")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), bool(drop_last)

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


# --------------------------------------------------------------------------- collation (PyTorch's rules)
def default_convert(data: Any) -> Any:
    """numpy arrays (and numbers inside containers) to Tensors, structure kept: the conversion applied
    to samples when ``batch_size=None``."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        return Tensor(data)
    if isinstance(data, Mapping):
        return type(data)({k: default_convert(v) for k, v in data.items()}) if type(data) is not dict else \
            {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (tuple, list)):
        return type(data)(default_convert(d) for d in data)
    return data


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, as PyTorch's: Tensors and arrays -> one Tensor with a new
    first axis; Python floats -> float64, ints -> int64, bools -> bool Tensors; numpy scalars keep their
    dtype; strings stay a list; tuples, lists and dicts are collated field by field."""
    if not len(batch):
        raise ValueError("default_collate: the batch is empty.")
    first = batch[0]
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        arrays = [s._data if isinstance(s, Tensor) else np.asarray(s) for s in batch]
        shapes = {a.shape for a in arrays}
        if len(shapes) != 1:
            raise RuntimeError(f"default_collate: stack expects each sample to have the same shape, got "
                               f"{sorted(shapes)}; pad or resize the samples, or pass a collate_fn.")
        if any(isinstance(s, Tensor) and s.requires_grad for s in batch):
            import tensorgrad as tg   # samples with a graph are stacked through it
            return tg.stack(list(batch))
        return Tensor(np.stack(arrays))
    if isinstance(first, bool):
        return Tensor(np.array(batch, dtype=bool))
    if isinstance(first, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, float):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        sizes = {len(sample) for sample in batch}
        if len(sizes) != 1:
            raise RuntimeError(f"default_collate: each element in the batch should be of equal size, got sizes "
                               f"{sorted(sizes)}.")
        fields = [default_collate(list(samples)) for samples in zip(*batch)]
        if hasattr(first, "_fields"):
            return type(first)(*fields)
        return tuple(fields) if isinstance(first, tuple) else fields
    raise TypeError(f"default_collate: batch must contain Tensors, numpy arrays, numbers, strings, dicts or "
                    f"lists/tuples; found {type(first).__name__}. Pass collate_fn= to batch such samples.")


# --------------------------------------------------------------------------- the loader
def _is_dataset(obj: Any) -> bool:
    """True for PyTorch's dataset form: a Dataset, an indexable sized object, or a list of samples
    (tuples/dicts); False for arrays, Tensors, lists of numbers or arrays (the array form)."""
    if isinstance(obj, (Dataset, IterableDataset)):
        return True
    if isinstance(obj, (np.ndarray, Tensor, str, bytes)):
        return False
    if isinstance(obj, (list, tuple)):
        return bool(obj) and isinstance(obj[0], (tuple, list, Mapping))
    return hasattr(obj, "__getitem__") and hasattr(obj, "__len__")


class DataLoader:
    """Batches of samples from a dataset, PyTorch's: ``DataLoader(dataset, batch_size=1, shuffle=False,
    sampler=None, batch_sampler=None, num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
    generator=None)`` yields ``collate_fn([dataset[i] for i in batch])`` (default: :func:`default_collate`,
    so a dataset of ``(x, y)`` samples gives ``(xb, yb)`` tuples of Tensors). ``len(loader)`` is the number
    of batches and ``.dataset`` the dataset. Shuffling draws a new order every epoch from ``generator``
    (a numpy Generator), else from the generator ``tensorgrad.manual_seed`` seeds. Loading runs in this
    process: ``num_workers``, ``pin_memory`` and the other worker options are accepted and change nothing.

    Called with arrays (``DataLoader(x, y, batch_size=32, shuffle=True, seed=0)``), it is tensorgrad's
    array loader (:class:`ArrayLoader`), which slices batches without a per-sample loop.
    """

    def __new__(cls, dataset: Any = None, *args: Any, **kwargs: Any) -> "DataLoader":
        if cls is DataLoader and not _is_dataset(dataset):
            return object.__new__(ArrayLoader)
        return object.__new__(cls)

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None, sampler: Any = None,
                 batch_sampler: Any = None, num_workers: int = 0, collate_fn: Callable[[list], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, generator: Any = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True) -> None:
        self.dataset = dataset
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.generator = generator
        self.collate_fn = collate_fn
        self.drop_last = bool(drop_last)
        iterable = isinstance(dataset, IterableDataset)
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                       or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size should be a positive integer or None, got {batch_size!r}.")
        if iterable and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError("DataLoader with an IterableDataset: shuffle, sampler and batch_sampler do not apply; "
                             "shuffle inside the dataset's __iter__.")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle.")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                             "sampler, and drop_last.")
        if batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last.")
        # PyTorch's attributes: with a user's batch_sampler, batch_size is None
        self.batch_size = None if batch_sampler is not None else batch_size
        if not iterable and sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset))
        self.sampler = sampler
        if batch_sampler is None and batch_size is not None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, self.drop_last)
        self.batch_sampler = batch_sampler

    def __len__(self) -> int:
        """Batches per epoch (samples with ``batch_size=None``)."""
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)  # type: ignore[arg-type]   (a TypeError when the stream has no length)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            return self._stream()
        if self.batch_sampler is None:
            convert = self.collate_fn or default_convert
            return (convert(self.dataset[i]) for i in self.sampler)
        return self._batches()

    def _batches(self) -> Iterator[Any]:
        fast = self.collate_fn is None and type(self.dataset) is TensorDataset
        collate = self.collate_fn or default_collate
        for indices in self.batch_sampler:
            if fast:   # the stacked rows, without a per-sample loop
                yield self.dataset[np.asarray(indices, dtype=np.intp)]
            else:
                yield collate([self.dataset[i] for i in indices])

    def _stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            convert = self.collate_fn or default_convert
            yield from (convert(sample) for sample in self.dataset)
            return
        collate = self.collate_fn or default_collate
        batch: list[Any] = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset) if hasattr(self.dataset, '__len__') else '?'} "
                f"samples, batch_size={self.batch_size}, drop_last={self.drop_last})")


class ArrayLoader(DataLoader):
    """DataLoader's array form: batches of ``(x, y)`` (or ``x`` alone when ``y`` is None) as Tensors,
    one pass per iteration; ``.dataset`` is the TensorDataset of the arrays.

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

    @property
    def dataset(self) -> Any:
        """The arrays as a TensorDataset (``len(loader.dataset)`` is the number of samples), or the
        iterable of ready-made batches."""
        if self._source is not None:
            return self._source
        arrays = [self.x] if isinstance(self.x, np.ndarray) else list(self.x)
        if self.y is not None:
            arrays += [self.y] if isinstance(self.y, np.ndarray) else list(self.y)
        return TensorDataset(*arrays)

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


__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "random_split",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "BatchSampler",
           "DataLoader", "ArrayLoader", "default_collate", "default_convert"]
