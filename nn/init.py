"""Weight initializers. Keras's definitions: ``init(shape, rng=None, dtype=float32) -> ndarray``;
PyTorch's in-place ones (``kaiming_uniform_(tensor)``...) at the end of this file.

Each takes a numpy Generator; without one they draw from tensorgrad's global generator, which
``tensorgrad.manual_seed`` reseeds (so runs are reproducible). For a kernel of
shape (fan_in, fan_out) — Dense's ``weight`` — the variance-scaling rules are:
glorot  Var = 2 / (fan_in + fan_out),   he  Var = 2 / fan_in,   lecun  Var = 1 / fan_in;
"uniform" draws from ±sqrt(3 Var), "normal" from a normal truncated at 2 standard deviations and
rescaled so the variance is still Var (Keras's convention; PyTorch's xavier_normal is untruncated).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from tensorgrad import Tensor
from tensorgrad import random as tg_random
from tensorgrad.autograd import increment_version

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


def random_normal(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """N(0, 0.05²): Keras's RandomNormal defaults (add_weight(initializer="random_normal"))."""
    return (rng or default_rng()).normal(0.0, 0.05, size=shape).astype(dtype)


def random_uniform(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """U(-0.05, 0.05): Keras's RandomUniform defaults."""
    return (rng or default_rng()).uniform(-0.05, 0.05, size=shape).astype(dtype)


def truncated_normal(shape: tuple[int, ...], rng: np.random.Generator | None = None,
                     dtype: Any = np.float32) -> np.ndarray:
    """N(0, 0.05²) redrawn beyond 2 standard deviations: Keras's TruncatedNormal defaults (stddev is that of
    the normal before truncation, as Keras)."""
    rng = rng or default_rng()
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2
    return (0.05 * z).astype(dtype)


def orthogonal(shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype: Any = np.float32) -> np.ndarray:
    """A (semi-)orthogonal matrix, Keras's rule: Q of the QR decomposition of a standard normal
    (rows = Π shape[:-1], cols = shape[-1]), signs fixed by diag(R) — Keras's recurrent kernels."""
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    a = (rng or default_rng()).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    return (q.T if rows < cols else q).reshape(shape).astype(dtype)


_BY_NAME: dict[str, Initializer] = {
    "orthogonal": orthogonal, "uniform": random_uniform, "random_normal": random_normal, "random_uniform": random_uniform, "truncated_normal": truncated_normal,
    "zeros": zeros, "ones": ones, "glorot_uniform": glorot_uniform, "glorot_normal": glorot_normal,
    "he_uniform": he_uniform, "he_normal": he_normal, "lecun_normal": lecun_normal,
}


def get(identifier: str | dict | Initializer) -> Initializer:
    """The initializer named ``identifier`` (Keras's names; a class name such as 'GlorotUniform' or a
    ``{"class_name", "config"}`` dict gives a keras.initializers object), or ``identifier`` if callable."""
    if isinstance(identifier, type):        # a class (keras.initializers.GlorotUniform): its instance, as Keras
        return identifier()
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    from .keras_initializers import CLASSES, deserialize     # those classes are built on this module
    if isinstance(identifier, str) and identifier in CLASSES:
        return CLASSES[identifier]()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return deserialize(identifier)
    raise ValueError(f"initializer {identifier!r} is unknown; use one of {sorted(_BY_NAME)}, a class of "
                     f"keras.initializers (Constant(0.1), GlorotUniform(seed=0)...) or a callable "
                     f"(shape, rng, dtype) -> ndarray such as nn.init.constant(0.1).")


# --------------------------------------------------------------------------- PyTorch's in-place initializers
# ``nn.init.kaiming_uniform_(tensor, ...)``: fill a Tensor in place (no gradient recorded) and return it.
# PyTorch's fan convention: a weight (out, in, *kernel) has fan_in = in·k and fan_out = out·k
# (Keras's kernels above are (in, out)); random draws come from ``generator`` (a numpy Generator),
# else from tensorgrad's global generator, which ``tensorgrad.manual_seed`` reseeds.

_LINEAR_GAINS = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """PyTorch's recommended gain: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
    √(2 / (1 + slope²)) for leaky_relu (slope ``param``, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR_GAINS:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number.")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{[*_LINEAR_GAINS, 'tanh', 'relu', 'leaky_relu', 'selu']}.")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """PyTorch's fans of a weight (out, in, *receptive): (in·r, out·r), r = the receptive field size."""
    shape = _tensor_arg(tensor, "fan computation").shape
    if len(shape) < 2:
        raise ValueError(f"Fan in and fan out can not be computed for a tensor with fewer than 2 dimensions "
                         f"(shape {shape}); initialise a bias with uniform_/zeros_ instead.")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _tensor_arg(tensor: Any, who: str) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init {who}: expects a tensorgrad Tensor (e.g. layer.weight), got "
                        f"{type(tensor).__name__}.")
    return tensor


def _fill(tensor: Tensor, values: Any, who: str) -> Tensor:
    """Copy ``values`` into ``tensor`` in place, as a change the autograd version counter sees."""
    tensor = _tensor_arg(tensor, who)
    tensor.numpy(force=True)[...] = values
    increment_version(tensor)
    return tensor


def _generator(generator: np.random.Generator | None) -> np.random.Generator:
    return default_rng() if generator is None else generator


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: np.random.Generator | None = None) -> Tensor:
    """Fill with draws from U(a, b)."""
    return _fill(tensor, _generator(generator).uniform(a, b, size=tensor.shape), "uniform_")


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: np.random.Generator | None = None) -> Tensor:
    """Fill with draws from N(mean, std²)."""
    return _fill(tensor, _generator(generator).normal(mean, std, size=tensor.shape), "normal_")


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: np.random.Generator | None = None) -> Tensor:
    """Fill with draws from N(mean, std²) kept only inside [a, b] (absolute bounds, as PyTorch's)."""
    if not a < b:
        raise ValueError(f"trunc_normal_: the bounds must satisfy a < b, got a={a}, b={b}.")
    rng = _generator(generator)
    z = rng.normal(mean, std, size=tensor.shape)
    outside = (z < a) | (z > b)
    while outside.any():                     # redraw until every sample lies within [a, b]
        z[outside] = rng.normal(mean, std, size=int(outside.sum()))
        outside = (z < a) | (z > b)
    return _fill(tensor, z, "trunc_normal_")


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val, "constant_")


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0, "zeros_")


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1, "ones_")


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (a 2-d tensor; ones on the diagonal)."""
    if _tensor_arg(tensor, "eye_").ndim != 2:
        raise ValueError(f"eye_: only 2-d tensors are supported, got shape {tensor.shape}.")
    return _fill(tensor, np.eye(*tensor.shape), "eye_")


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None) -> Tensor:
    """U(-a, a), a = gain·√(6 / (fan_in + fan_out)) (Glorot & Bengio, PyTorch's fans)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None) -> Tensor:
    """N(0, std²), std = gain·√(2 / (fan_in + fan_out)), untruncated (Keras's glorot_normal truncates)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}.")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        raise ValueError(f"kaiming init: cannot initialise a tensor with {mode} = 0 (shape {tensor.shape}).")
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: np.random.Generator | None = None) -> Tensor:
    """U(-bound, bound), bound = gain·√(3 / fan), gain = calculate_gain(nonlinearity, a) (He et al.).
    nn.Linear uses a = √5, which gives bound = 1/√fan_in."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: np.random.Generator | None = None) -> Tensor:
    """N(0, std²), std = gain / √fan (He et al.)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)
