"""Where ``fit``, ``evaluate`` and ``predict`` get their batches: arrays cut into batches, or a source that
yields them (a generator or iterator, an ``nn.DataLoader``, a ``keras.utils.Sequence``), drawn across
epochs as Keras's data handler draws them.

* Arrays: each epoch is one (shuffled) pass; with ``steps_per_epoch`` the passes form one stream, each
  epoch taking the next ``steps_per_epoch`` batches (so an epoch may span two passes).
* A re-iterable source (DataLoader, Sequence) is iterated anew each epoch, unless ``steps_per_epoch``
  differs from its length: then one iterator runs on across epochs, as Keras does with a dataset.
* A generator or iterator is one stream; without ``steps_per_epoch`` its first exhaustion ends an epoch.

When a stream runs out before an epoch's steps are done, Keras warns and stops training
(``BatchStream.ran_out``); fit does the same.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Callable, Iterator

import numpy as np

import tensorgrad as tg


class Sequence:
    """``keras.utils.Sequence``: ``__len__`` batches, ``__getitem__(index)`` gives batch ``index`` as
    ``(x, y)`` or ``(x, y, sample_weight)``; ``on_epoch_end`` runs after every epoch. fit visits the
    batches in a new random order each epoch when ``shuffle=True``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: a keras.utils.Sequence defines __getitem__(index).")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__}: a keras.utils.Sequence defines __len__().")

    def on_epoch_end(self) -> None:
        """Called after every epoch (e.g. to reshuffle the samples)."""

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))


class PyDataset(Sequence):
    """``keras.utils.PyDataset`` (Keras 3's name for Sequence); ``workers``, ``use_multiprocessing`` and
    ``max_queue_size`` are accepted and change nothing (fit reads the batches in its own thread)."""

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size


def is_batch_source(x: Any) -> bool:
    """True when ``x`` yields batches (generator, iterator, DataLoader, Sequence) rather than holding the data."""
    if x is None or isinstance(x, (np.ndarray, tg.Tensor, list, tuple, dict, str, bytes)) or hasattr(x, "to_numpy"):
        return False
    return isinstance(x, Sequence) or hasattr(x, "__iter__") or hasattr(x, "__next__")


def _length(source: Any) -> int | None:
    try:
        return len(source)
    except TypeError:
        return None


class BatchStream:
    """The batches of a user's source, epoch after epoch (see the module's docstring)."""

    def __init__(self, source: Any, steps: int | None, shuffle: bool = False) -> None:
        self.source, self.steps, self.shuffle = source, steps, shuffle
        self.length = _length(source)
        reiterable = isinstance(source, Sequence) or iter(source) is not source
        self.recreate = reiterable and (steps is None or steps == self.length)
        self._iterator: Iterator[Any] | None = None
        self.ran_out = False

    @property
    def steps_per_epoch(self) -> int | None:
        """The batches of one epoch, when known beforehand."""
        return self.steps if self.steps is not None else (self.length if self.recreate else None)

    def _fresh_iterator(self) -> Iterator[Any]:
        if isinstance(self.source, Sequence):
            order = tg.random.default_rng().permutation(len(self.source)) if self.shuffle else range(len(self.source))
            return (self.source[int(i)] for i in order)
        return iter(self.source)

    def epoch(self) -> Iterator[Any]:
        """The batches of the next epoch; sets ``ran_out`` when the source ends before ``steps`` of them."""
        if self.recreate or self._iterator is None:
            self._iterator = self._fresh_iterator()
        done = 0
        for batch in itertools.islice(self._iterator, self.steps):
            done += 1
            yield batch
        if (self.steps is not None and done < self.steps) or (done == 0 and not self.recreate):
            self.ran_out = True
        if isinstance(self.source, Sequence):
            self.source.on_epoch_end()


def ran_out_warning(total: int | None) -> str:
    """Keras's warning when the data ends before the epochs do."""
    need = f" (in this case, {total} batches)" if total is not None else ""
    return (f"Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
            f"generate at least steps_per_epoch * epochs batches{need}; repeat it (e.g. itertools.cycle, or a "
            f"generator with `while True:`) or lower steps_per_epoch.")


def array_passes(arrays: tuple[Any, ...], batch_size: int, shuffle: bool, passes: int,
                 cut: Callable[[tuple[Any, ...], Any], tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """``passes`` passes over ``(inputs, targets, weights)`` of equally many rows, each (shuffled when
    asked) cut into batches by ``cut(arrays, rows)``; the permutation of a pass is drawn when its first
    batch is."""
    n = len(arrays[0][0])          # the first input's rows (every array has as many)
    rng = tg.random.default_rng()
    for _ in range(passes):
        order = rng.permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            rows: Any = slice(start, min(n, start + batch_size))
            yield cut(arrays, rows if order is None else order[rows])


def batches_per_pass(n: int, batch_size: int) -> int:
    return math.ceil(n / batch_size)


def as_array(value: Any) -> Any:
    """A pandas DataFrame or Series as its numpy array (duck-typed: ``.to_numpy()``, pandas not imported)."""
    to_numpy = getattr(value, "to_numpy", None)
    if callable(to_numpy) and not isinstance(value, (np.ndarray, tg.Tensor)):
        return to_numpy()
    return value


def by_name(data: dict, names: list[str], who: str, arg: str) -> list[Any]:
    """The values of a dict keyed by input (or output) names, in the model's order."""
    missing = [name for name in names if name not in data]
    if missing:
        raise ValueError(f"{who}: {arg} is a dict keyed by {sorted(data)}, but the model's "
                         f"{'inputs' if arg.startswith('x') else 'outputs'} are named {names}; no value for "
                         f"{missing}. Key the dict by those names (Input(name=...), or the output layer's name).")
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ValueError(f"{who}: {arg} has keys {unknown} that name none of the model's "
                         f"{'inputs' if arg.startswith('x') else 'outputs'} {names}.")
    return [data[name] for name in names]
