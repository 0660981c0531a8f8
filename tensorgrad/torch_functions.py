"""The top-level functions as PyTorch calls them: ``tg.add(a, b, alpha=2, out=c)``, ``tg.div(a, b,
rounding_mode='floor')``, ``tg.clamp(x, min=0)``, ``tg.sum(x, dim=1, out=s)`` ...

Each is the op of the same name in :mod:`tensorgrad.ops` plus the keyword arguments PyTorch gives it;
``out=`` writes the result into an existing tensor (see :func:`tensorgrad.ops.inplace.write_out`: refused
while recording a graph that needs it). Tensor operators call the ops directly, so none of this is on
the path of ``x * w + b``.
"""
from __future__ import annotations

import functools
from collections import namedtuple
from typing import Any, Callable

import numpy as np

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


# ---------------------------------------------------------------- more of torch's functions, composed from ops
def square(input: Any) -> Tensor:  # noqa: A002
    """input² (torch.square); d/dx = 2x."""
    return ops.mul(input, input)


def reciprocal(input: Any) -> Tensor:  # noqa: A002
    """1 / input (integers give the default float dtype); d/dx = -1/x²."""
    return ops.div(1.0, input)


def rsqrt(input: Any) -> Tensor:  # noqa: A002
    """1 / √input (torch.rsqrt); d/dx = -½ x^(-3/2)."""
    return ops.div(1.0, ops.sqrt(input))


def frac(input: Any) -> Tensor:  # noqa: A002
    """input - trunc(input), the fractional part with input's sign (torch.frac); d/dx = 1."""
    x = lift_pair(input, 0)[0]
    return ops.sub(x, ops.trunc(x).detach())


def lerp(input: Any, end: Any, weight: Any) -> Tensor:  # noqa: A002
    """input + weight · (end - input) (torch.lerp)."""
    return ops.add(input, ops.mul(weight, ops.sub(end, input)))


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """beta · input + alpha · (mat1 @ mat2) (torch.addmm)."""
    product = ops.mm(mat1, mat2)
    return ops.add(input if beta == 1 else ops.mul(input, beta), product if alpha == 1 else ops.mul(product, alpha))


def equal(input: Any, other: Any) -> bool:  # noqa: A002
    """True when both have the same shape and the same values (torch.equal)."""
    a, b = Tensor(input) if not isinstance(input, Tensor) else input, other
    return a.equal(b if isinstance(b, Tensor) else Tensor(b))


def _values(x: Any) -> np.ndarray:
    return x.numpy(force=True) if isinstance(x, Tensor) else np.asarray(x)


def _data_result(array: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(array), None, False)


def logical_and(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise a and b of the truth values (a bool tensor; not differentiable)."""
    return _data_result(np.logical_and(_values(input), _values(other)))


def logical_or(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise a or b of the truth values (a bool tensor)."""
    return _data_result(np.logical_or(_values(input), _values(other)))


def logical_xor(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Elementwise a xor b of the truth values (a bool tensor)."""
    return _data_result(np.logical_xor(_values(input), _values(other)))


def logical_not(input: Any) -> Tensor:  # noqa: A002
    """Elementwise not of the truth values (a bool tensor)."""
    return _data_result(np.logical_not(_values(input)))


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:  # noqa: A002
    """The indices of the non-zero entries: an int64 (count, ndim) tensor, or one tensor per axis with
    ``as_tuple=True`` (torch.nonzero)."""
    found = np.nonzero(_values(input))
    if as_tuple:
        return tuple(_data_result(i.astype(np.int64)) for i in found)
    return _data_result(np.stack(found, axis=1).astype(np.int64) if found else np.zeros((0, 0), np.int64))


def count_nonzero(input: Any, dim: Any = None) -> Tensor:  # noqa: A002
    """How many entries are non-zero, over everything or along ``dim`` (int64)."""
    return _data_result(np.asarray(np.count_nonzero(_values(input), axis=dim), dtype=np.int64))


def unique(input: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
           dim: int | None = None) -> Any:
    """The distinct values in ascending order (torch.unique), with the inverse indices and counts on request."""
    values, inverse, counts = np.unique(_values(input), return_inverse=True, return_counts=True, axis=dim)
    result = [_data_result(values)]
    if return_inverse:
        result.append(_data_result(inverse.reshape(np.shape(_values(input)) if dim is None else -1).astype(np.int64)))
    if return_counts:
        result.append(_data_result(counts.astype(np.int64)))
    return result[0] if len(result) == 1 else tuple(result)


def median(input: Any, dim: int | None = None, keepdim: bool = False) -> Any:  # noqa: A002
    """The lower median (torch.median: of an even count, the smaller middle value), differentiable as the
    entry it picks; along ``dim`` the (values, indices) pair."""
    x = lift_pair(input, 0)[0]
    if dim is None:
        flat = ops.reshape(x, (-1,))
        order = np.argsort(flat.numpy(force=True), kind="stable")
        return flat[int(order[(flat.shape[0] - 1) // 2])]
    values, indices = ops.sort(x, dim)
    axis = dim % x.ndim
    middle = (x.shape[axis] - 1) // 2
    pick = (slice(None),) * axis + (slice(middle, middle + 1) if keepdim else middle,)
    return _Median(values[pick], indices[pick])


_Median = namedtuple("median", ["values", "indices"])


def std_mean(input: Any, dim: Any = None, *, correction: int = 1, keepdim: bool = False) -> tuple:  # noqa: A002
    """(std, mean) over ``dim`` (torch.std_mean; unbiased by default)."""
    return (ops.std(input, dim, correction=correction, keepdim=keepdim),
            ops.mean(input, dim, keepdim) if dim is not None else ops.mean(input))


def var_mean(input: Any, dim: Any = None, *, correction: int = 1, keepdim: bool = False) -> tuple:  # noqa: A002
    """(var, mean) over ``dim`` (torch.var_mean; unbiased by default)."""
    return (ops.var(input, dim, correction=correction, keepdim=keepdim),
            ops.mean(input, dim, keepdim) if dim is not None else ops.mean(input))


def _bitwise(name: str, fn: Any) -> Any:
    def op(input: Any, other: Any) -> Tensor:  # noqa: A002
        a, b = _values(input), _values(other)
        if a.dtype.kind not in "biu" or np.asarray(b).dtype.kind not in "biu":
            raise TypeError(f"{name}: defined for integer and bool tensors only, got {a.dtype} and {np.asarray(b).dtype}.")
        return _data_result(fn(a, b))
    op.__name__ = name
    op.__doc__ = f"Elementwise {name} of integer or bool tensors (torch.{name}; not differentiable)."
    return op


bitwise_and, bitwise_or, bitwise_xor = (_bitwise("bitwise_and", np.bitwise_and), _bitwise("bitwise_or", np.bitwise_or),
                                        _bitwise("bitwise_xor", np.bitwise_xor))


def bitwise_not(input: Any) -> Tensor:  # noqa: A002
    """Elementwise not of an integer or bool tensor (torch.bitwise_not)."""
    return _data_result(np.invert(_values(input)))


def t(input: Any) -> Tensor:  # noqa: A002
    """The transpose of a matrix (torch.t)."""
    return lift_pair(input, 0)[0].t()


def ravel(input: Any) -> Tensor:  # noqa: A002
    """The tensor flattened to 1-d (torch.ravel)."""
    return ops.reshape(input, (-1,))


def narrow(input: Any, dim: int, start: int, length: int) -> Tensor:  # noqa: A002
    """The slice start:start+length along ``dim`` (torch.narrow)."""
    x = lift_pair(input, 0)[0]
    return x[(slice(None),) * (dim % x.ndim) + (slice(start, start + length),)]


def take(input: Any, index: Any) -> Tensor:  # noqa: A002
    """The entries of the flattened input at ``index`` (torch.take); differentiable in input."""
    return ops.reshape(input, (-1,))[_values(index).astype(np.int64)]


def argwhere(input: Any) -> Tensor:  # noqa: A002
    """The indices of the non-zero entries, one row each (torch.argwhere)."""
    return nonzero(input)


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:  # noqa: A002
    """The ``offset``-th diagonal of the (dim1, dim2) planes (torch.diagonal); differentiable."""
    x = lift_pair(input, 0)[0]
    moved = ops.movedim(x, (dim1, dim2), (-2, -1))
    n, m = moved.shape[-2], moved.shape[-1]
    rows = np.arange(max(0, -offset), min(n, m - offset) if offset < m else 0)
    return moved[..., rows, rows + offset]


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids of 1-d tensors (torch.meshgrid; ``indexing='ij'`` as PyTorch's default)."""
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    grids = np.meshgrid(*[_values(t) for t in items], indexing=indexing)
    return tuple(_data_result(g) for g in grids)


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Tensor:  # noqa: A002
    """How often each non-negative integer occurs (torch.bincount)."""
    return _data_result(np.bincount(_values(input), None if weights is None else _values(weights), minlength))


def clamp_min(input: Any, min: Any) -> Tensor:  # noqa: A002
    """max(input, min) (torch.clamp_min)."""
    return ops.clip(input, min, None)


def clamp_max(input: Any, max: Any) -> Tensor:  # noqa: A002
    """min(input, max) (torch.clamp_max)."""
    return ops.clip(input, None, max)


def fmod(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The remainder of input / other with input's sign (C's fmod; ``%`` is Python's, the divisor's sign);
    d/dinput = 1."""
    a, b = lift_pair(input, other)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        return _data_result(np.fmod(a.numpy(force=True), b.numpy(force=True)))
    return ops.sub(a, ops.mul(ops.trunc(ops.div(a, b)).detach(), b))


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:  # noqa: A002
    """input + value · tensor1 · tensor2 (torch.addcmul)."""
    return ops.add(input, ops.mul(ops.mul(tensor1, tensor2), value) if value != 1 else ops.mul(tensor1, tensor2))


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:  # noqa: A002
    """input + value · tensor1 / tensor2 (torch.addcdiv)."""
    return ops.add(input, ops.mul(ops.div(tensor1, tensor2), value) if value != 1 else ops.div(tensor1, tensor2))


def unbind(input: Any, dim: int = 0) -> tuple:  # noqa: A002
    """The slices along ``dim`` as a tuple (torch.unbind); each differentiable."""
    x = lift_pair(input, 0)[0]
    axis = dim % x.ndim
    return tuple(x[(slice(None),) * axis + (i,)] for i in range(x.shape[axis]))


def logaddexp(input: Any, other: Any) -> Tensor:  # noqa: A002
    """log(e^a + e^b), computed as max(a, b) + log1p(e^-|a - b|) (no overflow)."""
    a, b = lift_pair(input, other)
    return ops.add(ops.maximum(a, b), ops.log1p(ops.exp(ops.neg(ops.abs(ops.sub(a, b))))))


def hypot(input: Any, other: Any) -> Tensor:  # noqa: A002
    """√(a² + b²) (torch.hypot)."""
    a, b = lift_pair(input, other)
    return ops.sqrt(ops.add(ops.mul(a, a), ops.mul(b, b)))


def logit(input: Any, eps: float | None = None) -> Tensor:  # noqa: A002
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given (torch.logit)."""
    p = lift_pair(input, 0.5)[0]
    if eps is not None:
        p = ops.clip(p, eps, 1 - eps)
    return ops.sub(ops.log(p), ops.log1p(ops.neg(p)))


def xlogy(input: Any, other: Any) -> Tensor:  # noqa: A002
    """x · log(y), 0 where x is 0 (torch.xlogy)."""
    x, y = lift_pair(input, other)
    zero = x.numpy(force=True) == 0
    safe_y = ops.where(zero, _data_result(np.ones_like(y.numpy(force=True))), y)   # log(y) only where x ≠ 0
    product = ops.mul(x, ops.log(safe_y))
    return ops.where(zero, _data_result(np.zeros_like(product.numpy(force=True))), product)


def nansum(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The sum with NaNs counted as zero (torch.nansum)."""
    x = lift_pair(input, 0)[0]
    values = x.numpy(force=True)
    clean = ops.where(np.isnan(values), _data_result(np.zeros_like(values)), x) if x.dtype.kind == "f" else x
    return ops.sum(clean, dim, keepdim)


def nanmean(input: Any, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The mean of the entries that are not NaN (torch.nanmean)."""
    x = lift_pair(input, 0)[0]
    counts = np.sum(~np.isnan(x.numpy(force=True)), axis=dim, keepdims=keepdim).astype(x.dtype)
    return ops.div(nansum(x, dim, keepdim), counts)


def nan_to_num(input: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:  # noqa: A002
    """NaN, +inf and -inf replaced (by 0 and the dtype's largest/smallest finite values unless given);
    the gradient flows to the finite entries."""
    x = lift_pair(input, 0)[0]
    values = x.numpy(force=True)
    info = np.finfo(values.dtype) if values.dtype.kind == "f" else None
    if info is None:
        return x
    replaced = np.nan_to_num(values, nan=nan, posinf=info.max if posinf is None else posinf,
                             neginf=info.min if neginf is None else neginf)
    return ops.where(np.isfinite(values), x, Tensor._make(replaced, None, False))


def diff(input: Any, n: int = 1, dim: int = -1) -> Tensor:  # noqa: A002
    """The n-th forward difference along ``dim`` (torch.diff)."""
    x = lift_pair(input, 0)[0]
    axis = dim % x.ndim
    for _ in range(n):
        head = (slice(None),) * axis
        x = ops.sub(x[head + (slice(1, None),)], x[head + (slice(None, -1),)])
    return x


def aminmax(input: Any, *, dim: int | None = None, keepdim: bool = False) -> Any:  # noqa: A002
    """(min, max) over everything or along ``dim`` (torch.aminmax)."""
    return _MinMax(ops.amin(input, dim, keepdim), ops.amax(input, dim, keepdim))


_MinMax = namedtuple("aminmax", ["min", "max"])


def flipud(input: Any) -> Tensor:  # noqa: A002
    """Flipped along dim 0."""
    return ops.flip(input, 0)


def fliplr(input: Any) -> Tensor:  # noqa: A002
    """Flipped along dim 1."""
    return ops.flip(input, 1)


def tensor_split(input: Any, indices_or_sections: Any, dim: int = 0) -> tuple:  # noqa: A002
    """Split into n nearly equal parts (the first ones one longer) or at the given indices (torch.tensor_split)."""
    x = lift_pair(input, 0)[0]
    axis = dim % x.ndim
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        bounds = [0, *[int(i) for i in indices_or_sections], n]
    head = (slice(None),) * axis
    return tuple(x[head + (slice(a, max(a, b)),)] for a, b in zip(bounds[:-1], bounds[1:]))


def masked_select(input: Any, mask: Any) -> Tensor:  # noqa: A002
    """The entries where ``mask`` (broadcast to input) is true, as a 1-d tensor; differentiable."""
    x = lift_pair(input, 0)[0]
    m = np.broadcast_to(_values(mask).astype(bool), x.shape)
    return x[m]


def float_power(input: Any, exponent: Any) -> Tensor:  # noqa: A002
    """input ** exponent in float64 (torch.float_power)."""
    return ops.pow(ops.cast(lift_pair(input, 0.0)[0], np.float64), exponent)


def signbit(input: Any) -> Tensor:  # noqa: A002
    """True where the sign bit is set (negative numbers and -0.0)."""
    return _data_result(np.signbit(_values(input)))


def isposinf(input: Any) -> Tensor:  # noqa: A002
    """True where the entry is +inf."""
    return _data_result(np.isposinf(_values(input)))


def isneginf(input: Any) -> Tensor:  # noqa: A002
    """True where the entry is -inf."""
    return _data_result(np.isneginf(_values(input)))


def rad2deg(input: Any) -> Tensor:  # noqa: A002
    """Radians to degrees."""
    return ops.mul(lift_pair(input, 0.5)[0], 180.0 / np.pi)


def deg2rad(input: Any) -> Tensor:  # noqa: A002
    """Degrees to radians."""
    return ops.mul(lift_pair(input, 0.5)[0], np.pi / 180.0)


def searchsorted(sorted_sequence: Any, values: Any, *, right: bool = False, side: str | None = None) -> Tensor:
    """Where each value would be inserted to keep the (1-d) sequence sorted (torch.searchsorted)."""
    where_side = side or ("right" if right else "left")
    return _data_result(np.searchsorted(_values(sorted_sequence), _values(values), side=where_side).astype(np.int64))


def bucketize(input: Any, boundaries: Any, *, right: bool = False) -> Tensor:  # noqa: A002
    """The bucket of each entry among sorted ``boundaries`` (torch.bucketize)."""
    return searchsorted(boundaries, input, side="left" if not right else "right")


def tril_indices(row: int, col: int, offset: int = 0) -> Tensor:
    """The (2, count) indices of the lower triangle (torch.tril_indices)."""
    return _data_result(np.stack(np.tril_indices(row, offset, col)).astype(np.int64))


def triu_indices(row: int, col: int, offset: int = 0) -> Tensor:
    """The (2, count) indices of the upper triangle (torch.triu_indices)."""
    return _data_result(np.stack(np.triu_indices(row, offset, col)).astype(np.int64))


def positive(input: Any) -> Any:  # noqa: A002
    """The input itself (torch.positive)."""
    return input


sgn = ops.sign


__all__ += ["square", "reciprocal", "rsqrt", "frac", "lerp", "addmm", "equal", "logical_and", "logical_or",
            "logical_xor", "logical_not", "nonzero", "count_nonzero", "unique", "median", "std_mean",
            "var_mean", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "t", "ravel", "narrow", "take",
            "argwhere", "diagonal", "meshgrid", "bincount", "clamp_min", "clamp_max",
            "fmod", "addcmul", "addcdiv", "unbind", "logaddexp", "hypot", "logit", "xlogy", "nansum", "nanmean",
            "nan_to_num", "diff", "aminmax", "flipud", "fliplr", "tensor_split", "masked_select", "float_power",
            "signbit", "isposinf", "isneginf", "rad2deg", "deg2rad", "searchsorted", "bucketize", "tril_indices",
            "triu_indices", "sgn", "positive"]
