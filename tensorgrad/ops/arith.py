"""Arithmetic: add, sub, mul, div, neg, pow, matmul, each a Function with its derivative.

Gradients are returned at the broadcast (output) shape; the tape sums them back to each input's shape.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift, lift_pair, lift_float


class Add(Function):
    """z = x + y;  dz/dx = 1, dz/dy = 1."""

    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Function):
    """z = x - y;  dz/dx = 1, dz/dy = -1."""

    @staticmethod
    def forward(ctx, x, y):
        return x - y

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(Function):
    """z = x * y;  dz/dx = y, dz/dy = x."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (g * y if need_x else None), (g * x if need_y else None)


class Div(Function):
    """z = x / y;  dz/dx = 1 / y, dz/dy = -x / y²."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x / y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        return (g / y if need_x else None), (-g * x / (y * y) if need_y else None)


class Neg(Function):
    """z = -x;  dz/dx = -1."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """z = x^p;  dz/dx = p x^(p-1), 0 where p = 0;  dz/dp = x^p ln x, 0 where x = 0 and p >= 0
    (both as PyTorch: x^0 is constant, so 0^0 has slope 0 in x, not 0·inf; NaN for x < 0)."""

    @staticmethod
    def forward(ctx, x, p):
        z = x ** p
        ctx.save_for_backward(x, p, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, p, z = ctx.saved_tensors
        need_x, need_p = ctx.needs_input_grad
        F = ctx.F
        gx = gp = None
        with np.errstate(divide="ignore", invalid="ignore"):   # NaN only where PyTorch gives NaN
            if need_x:      # 1 stands in for p where p = 0 (finite, also for a second derivative), then masked
                zero = p == 0
                p_safe = F.where(zero, 1.0, p)
                gx = g * F.where(zero, 0.0, p_safe * x ** (p_safe - 1))
            if need_p:      # ln 1 = 0 stands in where x = 0 and p >= 0
                gp = g * z * F.log(F.where((x == 0) & (p >= 0), 1.0, x))
        return gx, gp


def _swap_last(t: Any) -> Any:
    """``t`` (array or Tensor) with its last two axes swapped."""
    axes = list(range(t.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return t.transpose(axes)


class MatMul(Function):
    """Z = A @ B;  dL/dA = G Bᵀ,  dL/dB = Aᵀ G  (1-d operands promoted as numpy does, batches summed back)."""

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {a.shape} and "
                             f"{b.shape}; use * for scalar multiplication.")
        try:
            out = a @ b
        except ValueError:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last axis of the left operand "
                f"({a.shape[-1]}) must equal the {'only' if b.ndim == 1 else 'second-to-last'} axis of the right "
                f"({b.shape[0] if b.ndim == 1 else b.shape[-2]}).") from None
        ctx.save_for_backward(a, b)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if need_a else None), (g * a if need_b else None)
        a2 = a.reshape((1, a.shape[0])) if a.ndim == 1 else a     # 1-d operands as the matrices numpy made
        b2 = b.reshape((b.shape[0], 1)) if b.ndim == 1 else b
        if a.ndim == 1:
            g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:])
        if b.ndim == 1:
            g = g.reshape(g.shape + (1,))
        ga = gb = None
        if need_a:
            ga = g @ _swap_last(b2)
            if a.ndim == 1:
                ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if need_b:
            gb = _swap_last(a2) @ g
            if b.ndim == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


def add(x: Any, y: Any) -> Tensor:
    """Elementwise x + y with numpy broadcasting."""
    return Add.apply(*lift_pair(x, y))


def sub(x: Any, y: Any) -> Tensor:
    """Elementwise x - y."""
    return Sub.apply(*lift_pair(x, y))


def mul(x: Any, y: Any) -> Tensor:
    """Elementwise x * y."""
    return Mul.apply(*lift_pair(x, y))


def div(x: Any, y: Any) -> Tensor:
    """Elementwise x / y (true division: integers give the default float dtype, as PyTorch)."""
    a, b = lift_pair(x, y)
    if a._data.dtype.kind != "f" and b._data.dtype.kind != "f":
        a, b = lift_float(a), lift_float(b)
    return Div.apply(a, b)


def neg(x: Any) -> Tensor:
    """-x."""
    return Neg.apply(lift(x))


def pow(x: Any, p: Any) -> Tensor:  # noqa: A001 - the op's name
    """Elementwise x ** p (p a number or a tensor)."""
    return Pow.apply(*lift_pair(x, p))


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product a @ b with numpy's rules (1-d promotion, batched leading axes)."""
    return MatMul.apply(*lift_pair(a, b))
