"""numpy functions on Tensors: numpy's dispatch protocols (``__array_ufunc__``, ``__array_function__``).

Three outcomes, never a silent detach:

* numpy functions with a tensorgrad counterpart (``np.dot``, ``np.where``, ``np.clip``, ``np.sum`` ...,
  ``np.exp``, ``np.maximum`` ..., ``np.linalg.norm``) run as tensorgrad ops: the result is a Tensor and
  gradients flow through it, as if the op had been called;
* any other numpy function runs on the tensors' data and returns what numpy returns (arrays) when no
  argument needs a gradient (a Tensor that does not require grad, or anything under ``no_grad``), and
  so do functions whose results carry no gradient anyway (``np.shape``, ``np.argmax``, ``np.isnan``,
  ``np.allclose``, ``np.save`` ...); piecewise-constant ones (``np.floor``, ``np.round`` ...) give a
  Tensor with no graph, whose gradient is 0 as in PyTorch;
* for a Tensor that requires grad, a numpy function without a counterpart raises a TypeError naming
  the function and saying what to use instead (tensorgrad's op, or ``t.detach().numpy()``).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import ops
from .autograd import is_grad_enabled
from .tensor import Tensor, as_tensor

# --------------------------------------------------------------------------- helpers


def _tensors(obj: Any) -> list[Tensor]:
    """Every Tensor inside ``obj`` (nested lists, tuples and dicts)."""
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for item in obj for t in _tensors(item)]
    if isinstance(obj, dict):
        return [t for item in obj.values() for t in _tensors(item)]
    return []


def _data(obj: Any) -> Any:
    """``obj`` with every Tensor replaced by its numpy array (nested lists, tuples and dicts)."""
    if isinstance(obj, Tensor):
        return obj._data
    if isinstance(obj, list):
        return [_data(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(_data(item) for item in obj)
    if isinstance(obj, dict):
        return {k: _data(v) for k, v in obj.items()}
    return obj


def _needs_grad(*objs: Any) -> bool:
    """True when a Tensor among ``objs`` requires grad and ops are being recorded."""
    return is_grad_enabled() and any(t.requires_grad for obj in objs for t in _tensors(obj))


def _refuse(name: str, why: str = "tensorgrad has no differentiable version of it") -> TypeError:
    return TypeError(
        f"{name} was called on a Tensor that requires grad, but {why}, so its result would have no "
        f"gradient (a silent detach). Use tensorgrad's op (tensorgrad.sum, .reshape, tensorgrad.where, "
        f"...) to keep the graph, or call it on t.detach().numpy() if you want plain numbers.")


def _on_data(func: Callable, name: str, args: tuple, kwargs: dict) -> Any:
    """Run numpy's ``func`` on the data; refused when a gradient would be lost. Tensors given as
    ``out=`` are written in place (their version counters bumped, as for ``+=``) and returned."""
    if func not in NO_GRADIENT and _needs_grad(args, kwargs):
        raise _refuse(name)
    written = _tensors(kwargs.get("out")) + _tensors(args[:1] if func in IN_PLACE else ())
    result = func(*_data(args), **_data(kwargs))
    for t in written:      # graphs that saved these tensors must see the change (as after +=)
        t._version_counter[0] += 1
    if "out" in kwargs and written:
        out = kwargs["out"]
        return out[0] if isinstance(out, tuple) and len(out) == 1 else out
    if func in ZERO_GRADIENT and isinstance(result, np.ndarray):
        return Tensor._make(result, None, False)
    return result


# --------------------------------------------------------------------------- ufuncs (np.exp(t), array + t)

def _compare(fn: np.ufunc) -> Callable[[Any, Any], Tensor]:
    return lambda a, b: ops.compare(fn, a, b)


UFUNCS: dict[np.ufunc, Callable[..., Tensor]] = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.divide: ops.div,
    np.power: ops.pow, np.matmul: ops.matmul, np.negative: ops.neg, np.positive: lambda x: as_tensor(x),
    np.exp: ops.exp, np.log: ops.log, np.sqrt: ops.sqrt, np.absolute: ops.abs, np.fabs: ops.abs,
    np.tanh: ops.tanh, np.maximum: ops.maximum, np.minimum: ops.minimum, np.sign: ops.sign,
    np.square: lambda x: ops.mul(x, x), np.reciprocal: lambda x: ops.div(1.0, x),
    np.less: _compare(np.less), np.less_equal: _compare(np.less_equal), np.greater: _compare(np.greater),
    np.greater_equal: _compare(np.greater_equal), np.equal: _compare(np.equal),
    np.not_equal: _compare(np.not_equal),
    np.sin: ops.sin, np.cos: ops.cos, np.tan: ops.tan, np.sinh: ops.sinh, np.cosh: ops.cosh,
    np.arcsin: ops.asin, np.arccos: ops.acos, np.arctan: ops.atan, np.exp2: ops.exp2, np.log2: ops.log2,
    np.log10: ops.log10, np.log1p: ops.log1p, np.expm1: ops.expm1, np.remainder: ops.remainder,
    np.floor_divide: ops.floor_divide,
}
UFUNC_REDUCTIONS: dict[np.ufunc, Callable[..., Tensor]] = {np.add: ops.sum, np.maximum: ops.max, np.minimum: ops.min}


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_ufunc__``: tensorgrad's op when there is one, else numpy on the data (or refused)."""
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    out = kwargs.get("out")
    plain_out = out is None or all(o is None for o in out)
    dtype = kwargs.get("dtype")
    options = {k: v for k, v in kwargs.items() if k not in ("out", "dtype") and not (k == "casting" and v == "same_kind")}
    fn = UFUNCS.get(ufunc) if method == "__call__" else UFUNC_REDUCTIONS.get(ufunc) if method == "reduce" else None
    if method == "reduce" and fn is not None:
        axis, keepdims = options.pop("axis", 0), options.pop("keepdims", False)
        if not options and plain_out:
            return _cast(fn(inputs[0], axis=axis, keepdims=keepdims), dtype)
    elif fn is not None and not options and plain_out:
        return _cast(fn(*inputs), dtype)
    return _on_data(ufunc if method == "__call__" else getattr(ufunc, method), name, inputs, kwargs)


def _cast(t: Tensor, dtype: Any) -> Tensor:
    """``t`` in numpy's ``dtype=`` if one was asked for."""
    return t if dtype is None else ops.cast(t, dtype)


# --------------------------------------------------------------------------- functions (np.sum(t), np.dot ...)

FUNCTIONS: dict[Callable, Callable[..., Any]] = {}


def implements(*numpy_functions: Callable) -> Callable:
    """Register a tensorgrad version of numpy functions (called with numpy's arguments)."""
    def register(impl: Callable) -> Callable:
        for f in numpy_functions:
            FUNCTIONS[f] = impl
        return impl
    return register


class _Unsupported(Exception):
    """An argument the tensorgrad version does not handle: fall back to numpy on the data (or refuse)."""


def _defaults(**given: Any) -> None:
    """Raise _Unsupported unless every option has its default value (None or False)."""
    for value in given.values():
        if value is not None and value is not False and value is not np._NoValue:
            raise _Unsupported


def array_function(func: Callable, types: tuple, args: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_function__``: tensorgrad's version when there is one, else numpy on the data."""
    name = f"np.{'linalg.' if func.__module__.endswith('linalg') else ''}{func.__name__}"
    impl = FUNCTIONS.get(func)
    if impl is not None:
        try:
            return impl(*args, **kwargs)
        except _Unsupported:
            pass
    return _on_data(func, name, args, kwargs)


def _reduction(op: Callable) -> Callable:
    def reduce(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = False,
               initial: Any = np._NoValue, where: Any = np._NoValue) -> Tensor:
        _defaults(out=out, initial=initial, where=where)
        return _cast(op(a, axis=axis, keepdims=bool(keepdims)), dtype)
    return reduce


implements(np.sum)(_reduction(ops.sum))
implements(np.max, np.amax)(_reduction(ops.max))
implements(np.min, np.amin)(_reduction(ops.min))


@implements(np.mean)
def _mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = False, *,
          where: Any = np._NoValue) -> Tensor:
    _defaults(out=out, where=where)
    a = ops.cast(a, np.float64) if dtype is None and a.dtype.kind not in "fc" else a   # numpy: ints give float64
    return _cast(ops.mean(a, axis=axis, keepdims=bool(keepdims)), dtype)


def _variance(a: Any, axis: Any, ddof: Any, keepdims: Any) -> Tensor:
    x = as_tensor(a)
    centered = x - ops.mean(x, axis=axis, keepdims=True)
    total = ops.sum(centered * centered, axis=axis, keepdims=bool(keepdims))
    n = x.size // max(total.size, 1) if x.size else 0
    return total / (n - ddof)


@implements(np.var)
def _var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = False,
         *, where: Any = np._NoValue, mean: Any = np._NoValue, correction: Any = np._NoValue) -> Tensor:
    """Σ (x - mean)² / (n - ddof), numpy's variance."""
    _defaults(out=out, where=where, mean=mean, correction=correction)
    return _cast(_variance(a, axis, ddof, keepdims), dtype)


@implements(np.std)
def _std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = False,
         *, where: Any = np._NoValue, mean: Any = np._NoValue, correction: Any = np._NoValue) -> Tensor:
    """√var, numpy's standard deviation."""
    _defaults(out=out, where=where, mean=mean, correction=correction)
    return _cast(ops.sqrt(_variance(a, axis, ddof, keepdims)), dtype)


@implements(np.dot)
def _dot(a: Any, b: Any, out: Any = None) -> Tensor:
    """numpy's dot: a product for 0-d operands, matmul up to 2-d (and for an n-d a with a 1-d b)."""
    _defaults(out=out)
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return ops.mul(a, b)
    if a.ndim > 2 and b.ndim > 1 or b.ndim > 2:
        raise ValueError(f"np.dot: for tensors of shapes {a.shape} and {b.shape} numpy's dot sums over the last "
                         f"axis of a and the second-to-last of b; tensorgrad does not have that product. Use "
                         f"a @ b (tensorgrad.matmul: batched, as np.matmul) instead.")
    return ops.matmul(a, b)


@implements(np.inner)
def _inner(a: Any, b: Any) -> Tensor:
    """Σ over the last axes: a · b for 1-d, a @ bᵀ for 2-d."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return ops.mul(a, b)
    if b.ndim > 2:
        raise _Unsupported
    return ops.matmul(a, b if b.ndim == 1 else ops.transpose(b))


@implements(np.outer)
def _outer(a: Any, b: Any, out: Any = None) -> Tensor:
    """a_i b_j over the flattened operands."""
    _defaults(out=out)
    return ops.mul(ops.reshape(a, (-1, 1)), ops.reshape(b, (1, -1)))


@implements(np.where)
def _where(condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None and y is None:
        return np.where(_data(condition))         # indices: data
    return ops.where(condition, x, y)


@implements(np.clip)
def _clip(a: Any, a_min: Any = np._NoValue, a_max: Any = np._NoValue, out: Any = None, *,
          min: Any = np._NoValue, max: Any = np._NoValue, **options: Any) -> Tensor:  # noqa: A002
    _defaults(out=out, **options)
    lo = min if a_min is np._NoValue else a_min
    hi = max if a_max is np._NoValue else a_max
    lo, hi = (None if v is np._NoValue else v for v in (lo, hi))
    if isinstance(lo, Tensor) and lo.requires_grad or isinstance(hi, Tensor) and hi.requires_grad:
        result = as_tensor(a)                    # bounds that want a gradient: as maximum/minimum
        result = result if lo is None else ops.maximum(result, lo)
        return result if hi is None else ops.minimum(result, hi)
    return ops.clip(a, _data(lo), _data(hi))


def _joined(arrays: Any, axis: Any, dtype: Any) -> list[Tensor]:
    tensors = [as_tensor(x) for x in arrays]
    if axis is None:
        tensors = [ops.reshape(t, (-1,)) for t in tensors]
    return tensors if dtype is None else [ops.cast(t, dtype) for t in tensors]


@implements(np.concatenate)
def _concatenate(arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: Any = None) -> Tensor:
    _defaults(out=out)
    return ops.concatenate(_joined(arrays, axis, dtype), axis=0 if axis is None else axis)


@implements(np.stack)
def _stack(arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: Any = None) -> Tensor:
    _defaults(out=out)
    return ops.stack(_joined(arrays, 0, dtype), axis=axis)


@implements(np.vstack)
def _vstack(tup: Any, *, dtype: Any = None, casting: Any = None) -> Tensor:
    rows = [as_tensor(x) for x in tup]
    rows = [ops.reshape(t, (1, -1)) if t.ndim < 2 else t for t in rows]
    return ops.concatenate(_joined(rows, 0, dtype), axis=0)


@implements(np.hstack)
def _hstack(tup: Any, *, dtype: Any = None, casting: Any = None) -> Tensor:
    parts = [as_tensor(x) for x in tup]
    parts = [ops.reshape(t, (1,)) if t.ndim == 0 else t for t in parts]
    return ops.concatenate(_joined(parts, 0, dtype), axis=0 if parts[0].ndim == 1 else 1)


@implements(np.reshape)
def _reshape(a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: Any = None) -> Tensor:
    if order != "C" or copy is not None:
        raise _Unsupported
    return ops.reshape(a, newshape if shape is None else shape)


@implements(np.ravel)
def _ravel(a: Any, order: str = "C") -> Tensor:
    if order != "C":
        raise _Unsupported
    return ops.reshape(a, (-1,))


@implements(np.transpose)
def _transpose(a: Any, axes: Any = None) -> Tensor:
    return ops.transpose(a, axes)


@implements(np.swapaxes)
def _swapaxes(a: Any, axis1: int, axis2: int) -> Tensor:
    return ops.transpose(a, axis1, axis2)


@implements(np.squeeze)
def _squeeze(a: Any, axis: Any = None) -> Tensor:
    a = as_tensor(a)
    return ops.reshape(a, np.squeeze(np.empty(a.shape, dtype=bool), axis).shape)


@implements(np.expand_dims)
def _expand_dims(a: Any, axis: Any) -> Tensor:
    a = as_tensor(a)
    return ops.reshape(a, np.expand_dims(np.empty(a.shape, dtype=bool), axis).shape)


@implements(np.broadcast_to)
def _broadcast_to(array: Any, shape: Any, subok: bool = False) -> Tensor:
    return ops.broadcast_to(array, (shape,) if isinstance(shape, (int, np.integer)) else shape)


@implements(np.linalg.norm)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """numpy's vector norms (2, 1, inf, -inf, p >= 1) and the Frobenius norm; gradient 0 at the zero
    vector (PyTorch's subgradient) instead of 0 / 0."""
    x = as_tensor(x)
    matrix = isinstance(axis, (tuple, list)) and len(axis) == 2 or axis is None and x.ndim == 2 and ord is not None
    if axis is None and ord is None or matrix and ord in (None, "fro"):
        return _p_norm(x, 2, axis, keepdims)
    if matrix:
        if ord not in (1, -1, np.inf, -np.inf):
            raise _Unsupported                  # 2, -2, 'nuc' need singular values
        rows, cols = (0, 1) if axis is None else axis
        inner, outer = (rows, cols) if ord in (1, -1) else (cols, rows)   # 1: column sums; inf: row sums
        sums = ops.sum(ops.abs(x), axis=inner, keepdims=True)
        pick = ops.max if ord > 0 else ops.min
        result = pick(sums, axis=outer, keepdims=True)
        return result if keepdims else ops.reshape(result, [s for i, s in enumerate(result.shape)
                                                             if i not in {a % x.ndim for a in (rows, cols)}])
    if ord in (np.inf, -np.inf):
        return (ops.max if ord > 0 else ops.min)(ops.abs(x), axis=axis, keepdims=keepdims)
    p = 2 if ord is None else ord
    if not isinstance(p, (int, float, np.number)) or p < 1:
        raise _Unsupported
    return _p_norm(x, p, axis, keepdims)


def _p_norm(x: Tensor, p: float, axis: Any, keepdims: bool) -> Tensor:
    """(Σ |x|^p)^(1/p), with value and gradient 0 where the sum is 0 (the root's slope there is inf)."""
    powered = x * x if p == 2 else ops.abs(x) if p == 1 else ops.abs(x) ** p
    total = ops.sum(powered, axis=axis, keepdims=keepdims)
    if p == 1:
        return total
    zero = total._data == 0
    if not zero.any():
        return ops.sqrt(total) if p == 2 else total ** (1.0 / p)
    safe = ops.where(zero, 1.0, total)          # the root is taken of 1 there, then masked
    return ops.where(zero, 0.0, ops.sqrt(safe) if p == 2 else safe ** (1.0 / p))


# Results that carry no gradient whatever the input: run on the data even for tensors that require grad.
NO_GRADIENT: set[Callable] = {
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero,
    np.count_nonzero, np.isclose, np.allclose, np.array_equal, np.array_equiv, np.any, np.all, np.result_type,
    np.can_cast, np.iscomplexobj, np.isrealobj, np.save, np.savez, np.savez_compressed, np.savetxt,
    np.zeros_like, np.ones_like, np.empty_like, np.full_like, np.searchsorted, np.isnan, np.isinf, np.isfinite,
    np.signbit, np.logical_and, np.logical_or, np.logical_xor, np.logical_not, np.iscomplex, np.isreal,
    np.floor, np.ceil, np.trunc, np.rint, np.round, np.around, np.fix, np.sign, np.histogram, np.bincount,
    np.unique,
}
# Write into their first argument (or out=): the Tensor's version counter is bumped, as after ``+=``.
IN_PLACE: set[Callable] = {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis}
# Piecewise constant: gradient 0 almost everywhere (PyTorch's), so a Tensor with no graph is the right result.
ZERO_GRADIENT: set[Callable] = {np.floor, np.ceil, np.trunc, np.rint, np.round, np.around, np.fix}
