"""One seed for every random choice the library makes (weight initializers, Dropout, shuffling).

``tensorgrad.manual_seed(n)`` reseeds the global generator; code that needs randomness and was not
given its own seed calls :func:`default_rng` (or :func:`spawn` for a generator of its own), so a
program that starts with ``manual_seed`` gives bit-identical results run after run. Like PyTorch's,
the global generator starts from a fixed seed, so even an unseeded program repeats itself.
"""
from __future__ import annotations

import numpy as np

DEFAULT_SEED = 0
_generator = np.random.default_rng(DEFAULT_SEED)


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator (as ``torch.manual_seed``) and return it."""
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative integer, got {seed!r}.")
    _generator = np.random.default_rng(int(seed))
    return _generator


def default_rng() -> np.random.Generator:
    """The global generator that ``manual_seed`` controls."""
    return _generator


def spawn(seed: int | None = None) -> np.random.Generator:
    """A generator of its own: seeded with ``seed`` when given, else drawn from the global one."""
    if seed is not None:
        return np.random.default_rng(seed)
    return np.random.default_rng(_generator.integers(0, 2**63 - 1))


class Generator:
    """PyTorch's ``torch.Generator`` for the factories' ``generator=`` argument: its own stream of random
    numbers, ``Generator().manual_seed(n)`` giving the same draws every run (numpy's PCG64 inside)."""

    def __init__(self, device: str = "cpu") -> None:
        from .dtypes import check_device
        check_device(device, "Generator")
        self._seed = DEFAULT_SEED
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from ``seed``; returns the generator (as PyTorch's)."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"Generator.manual_seed: seed must be a non-negative integer, got {seed!r}.")
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        """The seed the stream last started from."""
        return self._seed


def rng_of(generator: "Generator | np.random.Generator | None") -> np.random.Generator:
    """The numpy generator to draw from: the given one's, else the global one ``manual_seed`` controls."""
    if generator is None:
        return _generator
    if isinstance(generator, Generator):
        return generator.rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"generator must be a tensorgrad.Generator (or a numpy Generator), got {type(generator).__name__}.")
