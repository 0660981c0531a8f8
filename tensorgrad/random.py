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
