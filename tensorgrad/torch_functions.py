"""The top-level functions as PyTorch calls them: ``tg.add(a, b, alpha=2, out=c)``, ``tg.div(a, b,
rounding_mode='floor')``, ``tg.clamp(x, min=0)``, ``tg.sum(x, dim=1, out=s)`` ...

Each is the op of the same name in :mod:`tensorgrad.ops` plus the keyword arguments PyTorch gives it;
``out=`` writes the result into an existing tensor (see :func:`tensorgrad.ops.inplace.write_out`: refused
while recording a graph that needs it). Tensor operators call the ops directly, so none of this is on
the path of ``x * w + b``.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from . import ops
from .ops._convert import lift_pair
from .ops.inplace import write_out
from .tensor import Tensor

_WITH_OUT = ("mul", "matmul", "mm", "bmm", "pow", "neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tan", "sinh",
             "cosh", "asin", "acos", "atan", "exp2", "log2", "log10", "log1p", "expm1", "erf", "tanh", "sigmoid",
             "floor", "ceil", "round", "trunc", "remainder", "floor_divide", "maximum", "minimum", "where", "sum",
             "mean", "prod", "cumsum", "cumprod", "logsumexp", "cat", "concat", "stack", "outer", "dot", "clip",
             "var", "std", "norm", "gather", "index_select", "tril", "triu")


def with_out(fn: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
    """``fn`` taking PyTorch's ``out=`` too."""
    who = name or fn.__name__

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        return result if out is None else write_out(who, result, out)
    return call


def _scaled(other: Any, alpha: Any) -> Any:
    return other if alpha == 1 else ops.mul(other, alpha)


def add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Any:  # noqa: A002
    """input + alpha · other (torch.add)."""
    result = ops.add(input, _scaled(other, alpha))
    return result if out is None else write_out("add", result, out)


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Any:  # noqa: A002
    """input - alpha · other (torch.sub)."""
    result = ops.sub(input, _scaled(other, alpha))
    return result if out is None else write_out("sub", result, out)


def div(input: Any, other: Any, *, rounding_mode: str | None = None, out: Any = None) -> Any:  # noqa: A002
    """input / other; rounding_mode 'trunc' (towards 0) or 'floor' rounds the quotient (zero gradient;
    integers stay integers), as torch.div."""
    if rounding_mode is None:
        result = ops.div(input, other)
    elif rounding_mode == "floor":
        result = ops.floor_divide(input, other)
    elif rounding_mode == "trunc":
        a, b = lift_pair(input, other)
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            q = ops.floor_divide(a, b)._data
            q = q + ((q < 0) & (q * b._data != a._data))          # floor -> towards zero for negative quotients
            result = Tensor._make(q, None, False)
        else:
            result = ops.trunc(ops.div(a, b))
    else:
        raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}.")
    return result if out is None else write_out("div", result, out)


def clamp(input: Any, min: Any = None, max: Any = None, *, out: Any = None) -> Any:  # noqa: A002
    """input limited to [min, max] (either may be None), as torch.clamp."""
    result = ops.clip(input, min, max)
    return result if out is None else write_out("clamp", result, out)


for _name in _WITH_OUT:
    globals()[_name] = with_out(getattr(ops, _name), _name)
multiply, subtract, divide, true_divide = globals()["mul"], sub, div, div
negative, absolute = globals()["neg"], globals()["abs"]

__all__ = ["add", "sub", "div", "clamp", "multiply", "subtract", "divide", "true_divide", "negative", "absolute",
           *_WITH_OUT]
