"""Activation functions of the lecture notes, in numerically stable forms with closed-form derivatives."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import special
from ..function import Function
from ..functions import ARRAY_FUNCTIONS
from ..tensor import Tensor
from ._convert import lift, lift_float


class Sigmoid(Function):
    """a = 1 / (1 + e^-z);  da/dz = a (1 - a).  Stable: e^-|z| never overflows."""

    @staticmethod
    def forward(ctx, z):
        a = ARRAY_FUNCTIONS.sigmoid(z)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a * (1 - a)


class Tanh(Function):
    """a = tanh z;  da/dz = 1 - a²."""

    @staticmethod
    def forward(ctx, z):
        a = np.tanh(z)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (1 - a * a)


class ReLU(Function):
    """a = max(0, z);  da/dz = 1 for z > 0, else 0 (0 at z = 0, as PyTorch)."""
    name = "relu"

    @staticmethod
    def forward(ctx, z):
        a = np.maximum(z, 0).astype(z.dtype, copy=False)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a > 0)


class LeakyReLU(Function):
    """a = z for z > 0, else slope·z;  da/dz = 1 or slope."""
    name = "leaky_relu"

    @staticmethod
    def forward(ctx, z, negative_slope):
        ctx.save_for_backward(z)
        ctx.slope = negative_slope
        return np.where(z > 0, z, z * z.dtype.type(negative_slope))

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * ctx.F.where(z > 0, 1.0, ctx.slope)


class ELU(Function):
    """a = z for z > 0, else α(e^z - 1);  da/dz = 1, or a + α below 0."""

    @staticmethod
    def forward(ctx, z, alpha):
        a = np.where(z > 0, z, z.dtype.type(alpha) * np.expm1(np.minimum(z, 0)))
        ctx.save_for_backward(z, a)
        ctx.alpha = alpha
        return a

    @staticmethod
    def backward(ctx, g):
        z, a = ctx.saved_tensors
        return g * ctx.F.where(z > 0, 1.0, a + ctx.alpha)


class Softplus(Function):
    """a = log(1 + e^z);  da/dz = sigmoid(z).  Stable: log(e^0 + e^z) via logaddexp."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return np.logaddexp(z.dtype.type(0), z)

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        return g * ctx.F.sigmoid(z)


def shifted_exp(z: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stable pieces of every softmax: s = z - max(z), e^s, and Σ e^s along ``axis`` (kept)."""
    shifted = z - np.maximum.reduce(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return shifted, e, np.add.reduce(e, axis=axis, keepdims=True)


class Softmax(Function):
    """a_i = e^{z_i} / Σ_j e^{z_j};  ∂a_i/∂z_i = a_i(1 - a_i), ∂a_j/∂z_i = -a_j a_i,
    so the VJP is a ⊙ (g - Σ_j g_j a_j)."""

    @staticmethod
    def forward(ctx, z, axis):
        _, e, total = shifted_exp(z, axis)
        a = e / total
        ctx.save_for_backward(a)
        ctx.axis = axis
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return a * (g - (g * a).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    """a_i = z_i - log Σ_j e^{z_j};  VJP: g - softmax(z) Σ_j g_j  (softmax(z) = e^a)."""
    name = "log_softmax"

    @staticmethod
    def forward(ctx, z, axis):
        shifted, _, total = shifted_exp(z, axis)
        a = shifted - np.log(total)
        ctx.save_for_backward(a)
        ctx.axis = axis
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g - ctx.F.exp(a) * g.sum(axis=ctx.axis, keepdims=True)


def sigmoid(z: Any) -> Tensor:
    """Logistic function 1 / (1 + e^-z)."""
    return Sigmoid.apply(lift_float(z))


def tanh(z: Any) -> Tensor:
    """Hyperbolic tangent."""
    return Tanh.apply(lift_float(z))


def relu(z: Any) -> Tensor:
    """max(0, z)."""
    return ReLU.apply(lift(z))


def leaky_relu(z: Any, negative_slope: float = 0.01) -> Tensor:
    """max(z, negative_slope·z) (PyTorch's default slope 0.01; the notes use 0.1)."""
    return LeakyReLU.apply(lift(z), negative_slope=float(negative_slope))


def elu(z: Any, alpha: float = 1.0) -> Tensor:
    """z for z > 0, else alpha·(e^z - 1)."""
    return ELU.apply(lift(z), alpha=float(alpha))


def softplus(z: Any) -> Tensor:
    """log(1 + e^z), a smooth ReLU."""
    return Softplus.apply(lift(z))


def softmax(z: Any, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """e^z / Σ e^z along ``axis`` (or PyTorch's ``dim``; max subtracted first, so it never overflows)."""
    return Softmax.apply(lift_float(z), axis=axis if dim is None else dim)


def log_softmax(z: Any, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """log(softmax(z)) along ``axis`` (or ``dim``), computed stably as z - max - log Σ e^(z - max)."""
    return LogSoftmax.apply(lift_float(z), axis=axis if dim is None else dim)


_SQRT_2_OVER_PI = (2 / np.pi) ** 0.5
_INV_SQRT_2PI = (2 * np.pi) ** -0.5
_GELU_CUBIC = 0.044715


class GELU(Function):
    """a = z Φ(z), Φ(z) = (1 + erf(z/√2))/2 the standard normal CDF;  da/dz = Φ(z) + z φ(z),
    φ(z) = e^(-z²/2)/√(2π).  ``approximate='tanh'``: a = z (1 + t)/2, t = tanh(√(2/π)(z + 0.044715 z³));
    da/dz = (1 + t)/2 + z (1 - t²) √(2/π)(1 + 3·0.044715 z²)/2."""
    name = "gelu"

    @staticmethod
    def forward(ctx, z, approximate):
        ctx.save_for_backward(z)
        ctx.approximate = approximate
        if approximate == "tanh":
            return z * (1 + np.tanh(_SQRT_2_OVER_PI * (z + _GELU_CUBIC * z ** 3))) / 2
        return (z * special.erfc(-z / np.sqrt(2)) / 2).astype(z.dtype, copy=False)   # erfc: no cancellation below 0

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        F = ctx.F
        if ctx.approximate == "tanh":
            t = F.tanh(_SQRT_2_OVER_PI * (z + _GELU_CUBIC * z * z * z))
            return g * ((1 + t) / 2 + z * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * z * z) / 2)
        cdf = (1 + F.erf(z * 0.5 ** 0.5)) / 2
        return g * (cdf + z * F.exp(-(z * z) / 2) * _INV_SQRT_2PI)


class SiLU(Function):
    """a = z σ(z) (swish);  da/dz = σ(z) (1 + z (1 - σ(z)))."""
    name = "silu"

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return z * ARRAY_FUNCTIONS.sigmoid(z)

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        s = ctx.F.sigmoid(z)
        return g * s * (1 + z * (1 - s))


class Hardtanh(Function):
    """a = min(max(z, lo), hi);  da/dz = 1 for lo < z < hi, else 0 (0 at the bounds, as PyTorch)."""

    @staticmethod
    def forward(ctx, z, lo, hi):
        ctx.inside = (z > lo) & (z < hi)
        return np.clip(z, lo, hi).astype(z.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.inside


def gelu(z: Any, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit z Φ(z) (exact, with erf), or its tanh approximation (approximate='tanh')."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}.")
    return GELU.apply(lift(z), approximate=approximate)


def silu(z: Any) -> Tensor:
    """z · sigmoid(z) (also called swish)."""
    return SiLU.apply(lift(z))


def hardtanh(z: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """z clipped to [min_val, max_val] (PyTorch's defaults -1, 1); gradient 1 strictly inside."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val}).")
    return Hardtanh.apply(lift(z), lo=float(min_val), hi=float(max_val))
