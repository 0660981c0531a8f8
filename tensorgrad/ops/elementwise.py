"""More elementwise functions, each with its derivative: trigonometric and hyperbolic, exp/log in other
bases, erf, rounding (zero gradient), remainder and floor division, and the float predicates
(isnan, isinf, isfinite, isclose: data, not differentiated)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import special
from ..function import Function
from ..tensor import Tensor
from ._convert import lift, lift_pair, lift_float
from .unary import _ZeroGradient


class Sin(Function):
    """a = sin x;  da/dx = cos x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * ctx.F.cos(x)


class Cos(Function):
    """a = cos x;  da/dx = -sin x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * ctx.F.sin(x)


class Tan(Function):
    """a = tan x;  da/dx = 1 + tan² x = 1 + a²."""

    @staticmethod
    def forward(ctx, x):
        a = np.tan(x)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (1 + a * a)


class Sinh(Function):
    """a = sinh x;  da/dx = cosh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * ctx.F.cosh(x)


class Cosh(Function):
    """a = cosh x;  da/dx = sinh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * ctx.F.sinh(x)


class Asin(Function):
    """a = arcsin x;  da/dx = 1 / √(1 - x²)  (x in (-1, 1))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / ctx.F.sqrt(1 - x * x)


class Asinh(Function):
    """a = arsinh x = log(x + √(x² + 1));  da/dx = 1 / √(x² + 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / ctx.F.sqrt(x * x + 1)


class Acosh(Function):
    """a = arcosh x = log(x + √(x² - 1))  (x ≥ 1);  da/dx = 1 / √(x² - 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccosh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / ctx.F.sqrt(x * x - 1)


class Atanh(Function):
    """a = artanh x = ½ log((1 + x) / (1 - x))  (x in (-1, 1));  da/dx = 1 / (1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctanh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 - x * x)


class Atan2(Function):
    """a = atan2(y, x), the angle of the point (x, y) in (-π, π];  da/dy = x / (x² + y²), da/dx = -y / (x² + y²)."""

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx, g):
        y, x = ctx.saved_tensors
        r2 = x * x + y * y
        return g * x / r2, -(g * y) / r2


class Acos(Function):
    """a = arccos x;  da/dx = -1 / √(1 - x²)  (x in (-1, 1))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g / ctx.F.sqrt(1 - x * x)


class Atan(Function):
    """a = arctan x;  da/dx = 1 / (1 + x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x * x)


class Exp2(Function):
    """a = 2^x;  da/dx = a ln 2."""

    @staticmethod
    def forward(ctx, x):
        a = np.exp2(x)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a * math.log(2)


class Log2(Function):
    """a = log₂ x;  da/dx = 1 / (x ln 2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log2(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * math.log(2))


class Log10(Function):
    """a = log₁₀ x;  da/dx = 1 / (x ln 10)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * math.log(10))


class Log1p(Function):
    """a = ln(1 + x), exact for tiny x;  da/dx = 1 / (1 + x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x)


class Expm1(Function):
    """a = e^x - 1, exact for tiny x;  da/dx = e^x = a + 1."""

    @staticmethod
    def forward(ctx, x):
        a = np.expm1(x)
        ctx.save_for_backward(a)
        return a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a + 1)


class Erf(Function):
    """a = erf x = 2/√π ∫₀ˣ e^(-t²) dt;  da/dx = 2/√π e^(-x²)  (values: tensorgrad.special)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return special.erf(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (2 / math.sqrt(math.pi)) * ctx.F.exp(-(x * x))


class Floor(_ZeroGradient):
    """a = ⌊x⌋;  da/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.floor(x)


class Ceil(_ZeroGradient):
    """a = ⌈x⌉;  da/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.ceil(x)


class Round(_ZeroGradient):
    """a = x rounded to ``decimals`` places, halves to even (as PyTorch and numpy);  da/dx = 0."""

    @staticmethod
    def forward(ctx, x, decimals):
        return np.round(x, decimals)


class Trunc(_ZeroGradient):
    """a = x with its fraction dropped (towards 0);  da/dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return np.trunc(x)


class Remainder(Function):
    """r = a - ⌊a/b⌋ b, with the sign of b (Python's % and PyTorch's remainder);
    dr/da = 1,  dr/db = -⌊a/b⌋."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g if need_a else None), (-g * ctx.F.floor(a / b) if need_b else None)


class FloorDivide(Function):
    """q = ⌊a/b⌋ (Python's //, PyTorch's floor_divide);  piecewise constant: dq/da = dq/db = 0."""
    name = "floor_divide"

    @staticmethod
    def forward(ctx, a, b):
        return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        zero = g * 0
        return zero, zero


def _unary(fn: type[Function]):
    def op(x: Any) -> Tensor:
        x = lift(x)
        if x.dtype.kind != "f":
            x = lift_float(x)              # as PyTorch: sin of an integer tensor is float (the default dtype)
        return fn.apply(x)
    op.__name__ = fn.name
    op.__doc__ = f"Elementwise {fn.name}: {fn.__doc__}"
    return op


sin, cos, tan = _unary(Sin), _unary(Cos), _unary(Tan)
sinh, cosh = _unary(Sinh), _unary(Cosh)
asin, acos, atan = _unary(Asin), _unary(Acos), _unary(Atan)
asinh, acosh, atanh = _unary(Asinh), _unary(Acosh), _unary(Atanh)
exp2, log2, log10, log1p, expm1 = _unary(Exp2), _unary(Log2), _unary(Log10), _unary(Log1p), _unary(Expm1)
erf = _unary(Erf)
arcsin, arccos, arctan = asin, acos, atan     # numpy's spellings
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def atan2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """atan2(input, other): the angle of the point (other, input), as torch.atan2 (integers give floats)."""
    y, x = lift_pair(input, other)
    if y.dtype.kind != "f" or x.dtype.kind != "f":
        y, x = lift_pair(lift_float(y), lift_float(x))
    return Atan2.apply(y, x)


arctan2 = atan2


def _rounding(fn: type[Function]):
    def op(x: Any) -> Tensor:
        x = lift(x)
        return x if x.dtype.kind in "biu" else fn.apply(x)      # integers are already whole
    op.__name__ = fn.name
    op.__doc__ = f"Elementwise {fn.name} (zero gradient): {fn.__doc__}"
    return op


floor, ceil, trunc = _rounding(Floor), _rounding(Ceil), _rounding(Trunc)
fix = trunc


def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001 - the op's name
    """x rounded to ``decimals`` places, halves to even (as torch.round and np.round); zero gradient."""
    x = lift(x)
    return x if x.dtype.kind in "biu" and decimals >= 0 else Round.apply(x, decimals=int(decimals))


def remainder(a: Any, b: Any) -> Tensor:
    """a % b with the sign of b (Python's and PyTorch's convention; C's fmod has the sign of a)."""
    a, b = lift_pair(a, b)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        _check_integer_divisor("remainder", b)
        return Tensor._make(np.remainder(a._data, b._data), None, False)
    return Remainder.apply(a, b)


def floor_divide(a: Any, b: Any) -> Tensor:
    """⌊a / b⌋ (Python's //, PyTorch's floor_divide); integers stay integers; zero gradient."""
    a, b = lift_pair(a, b)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        _check_integer_divisor("floor_divide", b)
        return Tensor._make(np.floor_divide(a._data, b._data), None, False)
    return FloorDivide.apply(a, b)


def _check_integer_divisor(op: str, b: Tensor) -> None:
    if np.any(b._data == 0):
        raise ZeroDivisionError(f"{op}: integer division by zero (the divisor has a 0); PyTorch raises too. "
                                f"Convert to float (.float()) to get inf/nan instead.")


def _predicate(name: str, fn: Any, doc: str):
    def op(x: Any) -> Tensor:
        return Tensor._make(np.asarray(fn(lift(x)._data)), None, False)
    op.__name__ = name
    op.__doc__ = doc
    return op


isnan = _predicate("isnan", np.isnan, "True where x is NaN (a bool data tensor, no gradient).")
isinf = _predicate("isinf", np.isinf, "True where x is +inf or -inf (a bool data tensor, no gradient).")
isfinite = _predicate("isfinite", np.isfinite, "True where x is neither NaN nor infinite (a bool data tensor).")


def isclose(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Tensor:
    """|a - b| <= atol + rtol |b| elementwise, as a bool data tensor (PyTorch's and numpy's defaults)."""
    a, b = lift_pair(a, b)
    return Tensor._make(np.asarray(np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)), None, False)


def allclose(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    """True when every element of a and b is close (see :func:`isclose`); shapes must broadcast."""
    return bool(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)._data.all())
