"""Keras's initializer classes (``keras.initializers.Constant(0.1)``, ``GlorotUniform(seed=0)`` ...), usable
as ``kernel_initializer=`` and ``add_weight(initializer=)``, and callable Keras's way, ``init(shape, dtype)``.

They follow Keras 2.15's definitions and defaults; the variance-scaling family draws as nn.init documents
(uniform ±sqrt(3·Var), or a normal truncated at 2 standard deviations rescaled to keep Var). Without a
seed, draws come from tensorgrad's global generator (``tg.manual_seed``); with ``seed=``, every call of
that object gives the same values (Keras 2.15: "a seeded initializer will produce the same random
values across multiple calls"), not TensorFlow's bits."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import tensorgrad as tg

from . import init


class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` gives a Tensor (Keras's call); nn's layers call it as
    ``(shape, rng, dtype)`` and get a numpy array. Subclasses define :meth:`sample`."""

    seed: int | None = None

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        """The values for ``shape`` (float64), drawn from ``rng`` if random."""
        raise NotImplementedError(f"{type(self).__name__} must define sample(shape, rng) (or __call__).")

    def __call__(self, shape: Any, rng_or_dtype: Any = None, dtype: Any = None, **kwargs: Any) -> Any:
        internal = isinstance(rng_or_dtype, np.random.Generator)
        if not internal and rng_or_dtype is not None:
            dtype = rng_or_dtype
        shape = tuple(int(d) for d in (shape if isinstance(shape, (tuple, list)) else np.atleast_1d(shape)))
        rng = np.random.default_rng(self.seed) if self.seed is not None else \
            (rng_or_dtype if internal else init.default_rng())
        values = self.sample(shape, rng).astype(np.dtype(getattr(dtype, "name", dtype) or np.float32))
        return values if internal else tg.tensor(values)

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Initializer":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros."""

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return np.ones(shape)


class Constant(Initializer):
    """Every entry ``value`` (a number, or an array broadcastable to the shape)."""

    def __init__(self, value: Any = 0) -> None:
        self.value = value

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        value = np.asarray(self.value.numpy(force=True) if isinstance(self.value, tg.Tensor) else self.value, dtype=np.float64)
        try:
            return np.broadcast_to(value, shape).copy()
        except ValueError:
            raise ValueError(f"Constant: value of shape {value.shape} does not fit the weight's shape {shape}; give "
                             f"a number or an array of that shape.") from None

    def get_config(self) -> dict[str, Any]:
        value = self.value
        return {"value": value.tolist() if isinstance(value, np.ndarray) else value}


class RandomNormal(Initializer):
    """N(mean, stddev²)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.mean, self.stddev, size=shape)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """U(minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _standard_truncated(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A standard normal with every value beyond ±2 redrawn."""
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2
    return z


class TruncatedNormal(Initializer):
    """mean + stddev·z, z a standard normal redrawn beyond ±2 (stddev is the normal's before truncation, as Keras)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return self.mean + self.stddev * _standard_truncated(shape, rng)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(Initializer):
    """Var = scale / n, n = fan_in, fan_out or their mean (``mode``) of an (in, out) kernel: uniform on
    ±sqrt(3·Var), a normal truncated at 2 std rescaled to Var, or an untruncated normal (``distribution``)."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None) -> None:
        if not scale > 0:
            raise ValueError(f"{type(self).__name__}: scale must be > 0, got {scale!r}.")
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if mode not in _MODES or distribution not in _DISTRIBUTIONS:
            raise ValueError(f"{type(self).__name__}: mode must be one of {_MODES} and distribution one of "
                             f"{_DISTRIBUTIONS}, got mode={mode!r}, distribution={distribution!r}.")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = init._fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, size=shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), size=shape)
        return _standard_truncated(shape, rng) * (math.sqrt(variance) / init._TRUNCATED_STD)

    def get_config(self) -> dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


def _fixed_scaling(name: str, scale: float, mode: str, distribution: str, doc: str) -> type:
    """A VarianceScaling with Keras's fixed arguments, taking only ``seed`` (GlorotUniform, HeNormal ...)."""
    def __init__(self: VarianceScaling, seed: int | None = None) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self: VarianceScaling) -> dict[str, Any]:
        return {"seed": self.seed}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                           "__module__": __name__})


GlorotUniform = _fixed_scaling("GlorotUniform", 1.0, "fan_avg", "uniform",
                               "U(±sqrt(6 / (fan_in + fan_out))): Keras's default kernel.")
GlorotNormal = _fixed_scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                              "Truncated normal of variance 2 / (fan_in + fan_out).")
HeUniform = _fixed_scaling("HeUniform", 2.0, "fan_in", "uniform", "U(±sqrt(6 / fan_in)): for ReLU layers.")
HeNormal = _fixed_scaling("HeNormal", 2.0, "fan_in", "truncated_normal",
                          "Truncated normal of variance 2 / fan_in: for ReLU layers.")
LecunUniform = _fixed_scaling("LecunUniform", 1.0, "fan_in", "uniform", "U(±sqrt(3 / fan_in)).")
LecunNormal = _fixed_scaling("LecunNormal", 1.0, "fan_in", "truncated_normal",
                             "Truncated normal of variance 1 / fan_in: for SELU layers.")


class Identity(Initializer):
    """gain · I for a 2-D shape (the identity's top-left block when not square)."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        if len(shape) != 2:
            raise ValueError(f"Identity: the initializer is only for 2-D shapes, got shape {shape}; use it on a "
                             f"Dense kernel (in, out).")
        return self.gain * np.eye(*shape)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


class Orthogonal(Initializer):
    """gain · Q, Q a (semi-)orthogonal matrix from the QR decomposition of a standard normal (nn.init.orthogonal)."""

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain, self.seed = gain, seed

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the initializer needs a shape of rank 2 or more, got {shape}.")
        return self.gain * init.orthogonal(shape, rng, np.float64)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed}


CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
    GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Identity, Orthogonal)}


def serialize(initializer: Initializer) -> dict[str, Any]:
    """Keras's ``{"class_name": ..., "config": ...}`` of an initializer object."""
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Initializer:
    """The initializer :func:`serialize` described (a custom class through ``custom_objects``)."""
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Unknown initializer class {name!r}; known: {sorted(CLASSES)} (pass a custom one in "
                         f"custom_objects=).")
    return cls.from_config(config.get("config", {}))


__all__ = [*CLASSES, "Initializer", "serialize", "deserialize"]
