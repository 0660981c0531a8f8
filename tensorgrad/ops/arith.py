"""Arithmetic: add, sub, mul, div, neg, pow, matmul — forward and vector-Jacobian product side by side.

Gradients are returned at the broadcast (output) shape; the tape sums them back to each input's shape.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift, lift_pair
from ._namespace import functions


class Add(Op):
    """z = x + y;  dz/dx = 1, dz/dy = 1."""
    __slots__ = ()
    name = "add"

    def forward(self, x, y):
        return x + y

    def vjp(self, g):
        return g, g


class Sub(Op):
    """z = x - y;  dz/dx = 1, dz/dy = -1."""
    __slots__ = ()
    name = "sub"

    def forward(self, x, y):
        return x - y

    def vjp(self, g):
        return g, (-g if self.needs_input_grad[1] else None)


class Mul(Op):
    """z = x * y;  dz/dx = y, dz/dy = x."""
    __slots__ = ()
    name = "mul"

    def forward(self, x, y):
        return x * y

    def vjp(self, g):
        x, y = self.values()
        need_x, need_y = self.needs_input_grad
        return (g * y if need_x else None), (g * x if need_y else None)


class Div(Op):
    """z = x / y;  dz/dx = 1 / y, dz/dy = -x / y²."""
    __slots__ = ()
    name = "div"

    def forward(self, x, y):
        return x / y

    def vjp(self, g):
        x, y = self.values()
        need_x, need_y = self.needs_input_grad
        return (g / y if need_x else None), (-g * x / (y * y) if need_y else None)


class Neg(Op):
    """z = -x;  dz/dx = -1."""
    __slots__ = ()
    name = "neg"

    def forward(self, x):
        return -x

    def vjp(self, g):
        return (-g,)


class Pow(Op):
    """z = x ** p;  dz/dx = p x^(p-1), 0 where p = 0;  dz/dp = x^p log x, 0 where x = 0 and p >= 0
    (both as PyTorch: x^0 is constant, so 0 ** 0 has slope 0 in x, not 0 * inf; NaN for x < 0)."""
    __slots__ = ()
    name = "pow"
    saves_output = True

    def forward(self, x, p):
        return x ** p

    def vjp(self, g):
        x, p = self.values()
        need_x, need_p = self.needs_input_grad
        F, x_data, p_data = functions(), self.inputs[0].data, self.inputs[1].data
        gx = gp = None
        if need_x:   # exponents 0 are taken as 1 inside (finite, also for a second derivative), then masked
            zero = p_data == 0
            gx = (g * p * x ** (p - 1) if not zero.any() else
                  g * F.where(zero, 0.0, F.where(zero, 1.0, p) * x ** (F.where(zero, 1.0, p) - 1)))
        if need_p:   # log(1) = 0 stands in where x = 0 and p >= 0
            flat = (x_data == 0) & (p_data >= 0)
            gp = g * self.output() * F.log(F.where(flat, 1.0, x) if flat.any() else x)
        return gx, gp


def _swap_last(t: Any) -> Any:
    """``t`` (array or Tensor) with its last two axes swapped."""
    axes = list(range(t.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return t.transpose(axes)


class MatMul(Op):
    """Z = A @ B;  dL/dA = G Bᵀ,  dL/dB = Aᵀ G  (1-d operands promoted as numpy does)."""
    __slots__ = ()
    name = "matmul"

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {a.shape} and "
                             f"{b.shape}; use * for scalar multiplication.")
        try:
            return a @ b
        except ValueError:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last axis of the left "
                f"operand ({a.shape[-1]}) must equal the {'only' if b.ndim == 1 else 'second-to-last'} "
                f"axis of the right ({b.shape[0] if b.ndim == 1 else b.shape[-2]}).") from None

    def vjp(self, g):
        a, b = self.values()
        need_a, need_b = self.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if need_a else None), (g * a if need_b else None)
        a2 = a.reshape((1, a.shape[0])) if a.ndim == 1 else a
        b2 = b.reshape((b.shape[0], 1)) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = g2.reshape(g2.shape[:-1] + (1,) + g2.shape[-1:])
        if b.ndim == 1:
            g2 = g2.reshape(g2.shape + (1,))
        ga = gb = None
        if need_a:
            ga = g2 @ (b2.T if b2.ndim == 2 else _swap_last(b2))
            if a.ndim == 1:
                ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if need_b:
            gb = (a2.T if a2.ndim == 2 else _swap_last(a2)) @ g2
            if b.ndim == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


def add(x: Any, y: Any) -> Tensor:
    """Elementwise x + y with numpy broadcasting."""
    return apply(Add, *lift_pair(x, y))


def sub(x: Any, y: Any) -> Tensor:
    """Elementwise x - y."""
    return apply(Sub, *lift_pair(x, y))


def mul(x: Any, y: Any) -> Tensor:
    """Elementwise x * y."""
    return apply(Mul, *lift_pair(x, y))


def div(x: Any, y: Any) -> Tensor:
    """Elementwise x / y."""
    return apply(Div, *lift_pair(x, y))


def neg(x: Any) -> Tensor:
    """-x."""
    return apply(Neg, lift(x))


def pow(x: Any, p: Any) -> Tensor:  # noqa: A001 - the op's name
    """Elementwise x ** p (p a number or a tensor)."""
    return apply(Pow, *lift_pair(x, p))


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product a @ b with numpy's rules (1-d promotion, batched leading axes)."""
    a, b = lift_pair(a, b)
    return apply(MatMul, a, b)
