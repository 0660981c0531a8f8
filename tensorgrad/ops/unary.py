"""Elementwise functions: exp, log, sqrt, abs, sign, step (heaviside), cast."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift, lift_float


class Exp(Function):
    """a = e^x;  da/dx = a."""

    @staticmethod
    def forward(ctx, x):
        a = np.exp(x)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a


class Log(Function):
    """a = ln x;  da/dx = 1 / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / x


class Sqrt(Function):
    """a = √x;  da/dx = 1 / (2a)."""

    @staticmethod
    def forward(ctx, x):
        a = np.sqrt(x)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (2 * a)


class Abs(Function):
    """a = |x|;  da/dx = sign(x), 0 at x = 0 (as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.sign = np.sign(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.sign


class _ZeroGradient(Function):
    """Piecewise-constant functions: their derivative is 0 wherever it exists."""

    @staticmethod
    def backward(ctx, g):
        return np.zeros(g.shape, dtype=g.dtype)


class Sign(_ZeroGradient):
    """a = sign(x) ∈ {-1, 0, 1};  da/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.sign(x)


class Step(_ZeroGradient):
    """Heaviside step (the perceptron's): a = 1 for x >= 0, else 0;  da/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return (x >= 0).astype(x.dtype if x.dtype.kind == "f" else np.float32)


class Cast(Function):
    """a = x converted to another dtype;  the gradient is cast back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g.astype(ctx.input_dtype)


def exp(x: Any) -> Tensor:
    """Elementwise e^x."""
    return Exp.apply(lift_float(x))


def log(x: Any) -> Tensor:
    """Elementwise natural logarithm."""
    return Log.apply(lift_float(x))


def sqrt(x: Any) -> Tensor:
    """Elementwise square root."""
    return Sqrt.apply(lift_float(x))


def abs(x: Any) -> Tensor:  # noqa: A001 - the op's name
    """Elementwise |x|."""
    return Abs.apply(lift(x))


def sign(x: Any) -> Tensor:
    """Elementwise sign (-1, 0 or 1); zero gradient."""
    return Sign.apply(lift(x))


def step(x: Any) -> Tensor:
    """Heaviside step: 1 where x >= 0, else 0; zero gradient."""
    return Step.apply(lift(x))


heaviside = step


def cast(x: Any, dtype: Any) -> Tensor:
    """x converted to ``dtype``; a float-to-float cast passes gradients through."""
    x = lift(x)
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    if dtype.kind != "f" and x.requires_grad:
        return Tensor._make(x._data.astype(dtype), None, False)  # integer results are data, not differentiable
    return Cast.apply(x, dtype=dtype)
