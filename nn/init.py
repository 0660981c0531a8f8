"""Weight initializers, Keras's definitions: ``init(shape, rng=None, dtype=float32) -> ndarray``.

Each takes a numpy Generator; without one they draw from tensorgrad's global generator, which
``tensorgrad.manual_seed`` reseeds (so runs are reproducible). For a kernel of
shape (fan_in, fan_out) — Dense's ``weight`` — the variance-scaling rules are:
glorot  Var = 2 / (fan_in + fan_out),   he  Var = 2 / fan_in,   lecun  Var = 1 / fan_in;
"uniform" draws from ±sqrt(3 Var), "normal" from a normal truncated at 2 standard deviations and
rescaled so the variance is still Var (Keras's convention; PyTorch's xavier_normal is untruncated).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from tensorgrad import random as tg_random

Initializer = Callable[..., np.ndarray]

_TRUNCATED_STD = 0.87962566103423978   # std of a standard normal truncated to [-2, 2]


def default_rng() -> np.random.Generator:
    """The generator used when none is given: tensorgrad's global one (see tensorgrad.manual_seed)."""
    return tg_random.default_rng()


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out): the kernel's last two axes, times the receptive field of any leading axes."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def zeros(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """All zeros (Keras's default bias)."""
    return np.zeros(shape, dtype=dtype)


def ones(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """All ones."""
    return np.ones(shape, dtype=dtype)


def constant(value: float) -> Initializer:
    """An initializer filling every entry with ``value``: ``Dense(3, bias_initializer=constant(0.1))``."""
    def fill(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
        return np.full(shape, value, dtype=dtype)
    return fill


def _uniform(shape: tuple[int, ...], variance: float, rng: np.random.Generator | None, dtype: Any) -> np.ndarray:
    limit = np.sqrt(3.0 * variance)
    return (rng or default_rng()).uniform(-limit, limit, size=shape).astype(dtype)


def _truncated_normal(shape: tuple[int, ...], variance: float, rng: np.random.Generator | None,
                      dtype: Any) -> np.ndarray:
    rng = rng or default_rng()
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():                     # redraw until every sample lies within 2 std
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2
    return (z * (np.sqrt(variance) / _TRUNCATED_STD)).astype(dtype)


def glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)) — Keras's default kernel."""
    fan_in, fan_out = _fans(shape)
    return _uniform(shape, 2.0 / (fan_in + fan_out), rng, dtype)


def glorot_normal(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Truncated normal with variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = _fans(shape)
    return _truncated_normal(shape, 2.0 / (fan_in + fan_out), rng, dtype)


def he_uniform(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """U(-limit, limit), limit = sqrt(6 / fan_in) — for ReLU layers."""
    return _uniform(shape, 2.0 / _fans(shape)[0], rng, dtype)


def he_normal(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Truncated normal with variance 2 / fan_in — for ReLU layers."""
    return _truncated_normal(shape, 2.0 / _fans(shape)[0], rng, dtype)


def lecun_normal(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Truncated normal with variance 1 / fan_in — for SELU/tanh layers."""
    return _truncated_normal(shape, 1.0 / _fans(shape)[0], rng, dtype)


def orthogonal(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """A (semi-)orthogonal matrix, Keras's rule: Q of the QR decomposition of a standard normal
    (rows = Π shape[:-1], cols = shape[-1]), signs fixed by diag(R) — Keras's recurrent kernels."""
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    a = (rng or default_rng()).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    return (q.T if rows < cols else q).reshape(shape).astype(dtype)


def random_uniform(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """U(-0.05, 0.05): Keras's "uniform" (its Embedding default)."""
    return (rng or default_rng()).uniform(-0.05, 0.05, size=shape).astype(dtype)


_BY_NAME: dict[str, Initializer] = {
    "orthogonal": orthogonal, "uniform": random_uniform, "random_uniform": random_uniform,
    "zeros": zeros, "ones": ones, "glorot_uniform": glorot_uniform, "glorot_normal": glorot_normal,
    "he_uniform": he_uniform, "he_normal": he_normal, "lecun_normal": lecun_normal,
}


def get(identifier: str | Initializer) -> Initializer:
    """The initializer named ``identifier`` (Keras's names), or ``identifier`` itself if callable."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"initializer {identifier!r} is unknown; use one of {sorted(_BY_NAME)} or a callable "
                     f"(shape, rng, dtype) -> ndarray such as nn.init.constant(0.1).")
