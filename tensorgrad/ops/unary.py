"""Elementwise functions: exp, log, sqrt, abs, sign, step (heaviside), cast."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift


class Exp(Op):
    """a = e^x;  da/dx = a."""
    __slots__ = ()
    name = "exp"
    saves_output = True

    def forward(self, x):
        return np.exp(x)

    def vjp(self, g):
        return (g * self.output(),)


class Log(Op):
    """a = ln x;  da/dx = 1 / x."""
    __slots__ = ()
    name = "log"

    def forward(self, x):
        return np.log(x)

    def vjp(self, g):
        return (g / self.values()[0],)


class Sqrt(Op):
    """a = √x;  da/dx = 1 / (2a)."""
    __slots__ = ()
    name = "sqrt"
    saves_output = True

    def forward(self, x):
        return np.sqrt(x)

    def vjp(self, g):
        return (g / (2 * self.output()),)


class Abs(Op):
    """a = |x|;  da/dx = sign(x), 0 at x = 0 (as PyTorch)."""
    __slots__ = ()
    name = "abs"

    def forward(self, x):
        return np.abs(x)

    def vjp(self, g):
        return (g * np.sign(self.inputs[0].data),)


class _ZeroGradient(Op):
    """Piecewise-constant functions: their derivative is 0 wherever it exists."""
    __slots__ = ()

    def vjp(self, g):
        x = self.inputs[0].data
        return (np.zeros(x.shape, dtype=x.dtype),)


class Sign(_ZeroGradient):
    """a = sign(x) ∈ {-1, 0, 1};  da/dx = 0."""
    __slots__ = ()
    name = "sign"

    def forward(self, x):
        return np.sign(x)


class Step(_ZeroGradient):
    """Heaviside step (the perceptron's): a = 1 for x >= 0, else 0;  da/dx = 0."""
    __slots__ = ()
    name = "step"

    def forward(self, x):
        return (x >= 0).astype(x.dtype if x.dtype.kind == "f" else np.float32)


class Cast(Op):
    """a = x converted to another dtype;  the gradient is cast back to x's dtype."""
    __slots__ = ()
    name = "cast"

    def forward(self, x, dtype):
        return x.astype(dtype, copy=False)

    def vjp(self, g):
        return (g.astype(self.inputs[0].dtype),)


def exp(x: Any) -> Tensor:
    """Elementwise e^x."""
    return apply(Exp, lift(x))


def log(x: Any) -> Tensor:
    """Elementwise natural logarithm."""
    return apply(Log, lift(x))


def sqrt(x: Any) -> Tensor:
    """Elementwise square root."""
    return apply(Sqrt, lift(x))


def abs(x: Any) -> Tensor:  # noqa: A001 - the op's name
    """Elementwise |x|."""
    return apply(Abs, lift(x))


def sign(x: Any) -> Tensor:
    """Elementwise sign (-1, 0 or 1); zero gradient."""
    return apply(Sign, lift(x))


def step(x: Any) -> Tensor:
    """Heaviside step: 1 where x >= 0, else 0; zero gradient."""
    return apply(Step, lift(x))


heaviside = step


def cast(x: Any, dtype: Any) -> Tensor:
    """x converted to ``dtype``; a float-to-float cast passes gradients through."""
    x = lift(x)
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    if dtype.kind != "f" and x.requires_grad:
        return Tensor._make(x.data.astype(dtype), None, False)  # integer results are data, not differentiable
    return apply(Cast, x, dtype=dtype)
