"""Tensor factories with PyTorch's signatures: zeros, ones, full, empty, eye, arange, linspace, logspace,
the random rand, randn, randint, randperm, normal, and the ``*_like`` forms.

Sizes are given as ``zeros(2, 3)`` or ``zeros((2, 3))``. Floating results take the default dtype
(float32, see ``tg.set_default_dtype``) unless ``dtype=`` says otherwise; ``requires_grad=True`` makes a
parameter; ``device=`` may only be the CPU. Random factories draw from the generator ``tg.manual_seed``
seeds, or from ``generator=`` (a ``tg.Generator``).
"""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from .dtypes import check_device, get_default_dtype, to_dtype
from .random import rng_of
from .tensor import Tensor


def _size(who: str, size: Sequence[Any]) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(t.shape)`` as (2, 3); sizes must be non-negative integers."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, builtins.bool) or not isinstance(s, (int, np.integer)):
            if isinstance(s, Tensor) and s.ndim == 0 and s.dtype.kind in "iu":
                s = s.item()
            else:
                raise TypeError(f"{who}: sizes must be integers, got {s!r} in {tuple(size)}.")
        if s < 0:
            raise ValueError(f"{who}: sizes must be non-negative, got {tuple(size)}.")
        out.append(int(s))
    return tuple(out)


def _finish(who: str, data: np.ndarray, dtype: Any, requires_grad: bool, device: Any) -> Tensor:
    check_device(device, who)
    dt = to_dtype(dtype, who) if dtype is not None else data.dtype
    t = Tensor._make(data.astype(dt, copy=False), None, False)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of the given size (default dtype float32)."""
    return _finish("zeros", np.zeros(_size("zeros", size), to_dtype(dtype, "zeros")), None, requires_grad, device)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of the given size (default dtype float32)."""
    return _finish("ones", np.ones(_size("ones", size), to_dtype(dtype, "ones")), None, requires_grad, device)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of the given size (its values are whatever the memory held: fill it)."""
    return _finish("empty", np.empty(_size("empty", size), to_dtype(dtype, "empty")), None, requires_grad, device)


def _fill_dtype(value: Any) -> np.dtype:
    """PyTorch's inference for full(): bool -> bool, int -> int64, float -> the default dtype."""
    if isinstance(value, (builtins.bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, Tensor):
        return value.dtype
    return get_default_dtype()


def full(size: Sequence[int], fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (dtype inferred from it, as PyTorch, unless given)."""
    if isinstance(size, (int, np.integer)):
        size = (size,)
    dt = _fill_dtype(fill_value) if dtype is None else to_dtype(dtype, "full")
    value = fill_value._data if isinstance(fill_value, Tensor) else fill_value
    return _finish("full", np.full(_size("full", tuple(size)), value, dtype=dt), None, requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (square when m is None)."""
    n, m = _size("eye", (n, n if m is None else m))
    return _finish("eye", np.eye(n, m, dtype=to_dtype(dtype, "eye")), None, requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` by ``step``; int64 when all three are integers,
    else the default float dtype."""
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if values[2] == 0:
        raise ValueError("arange: step must be non-zero.")
    integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, builtins.bool) for v in values)
    dt = to_dtype(dtype, "arange") if dtype is not None else np.dtype(np.int64) if integral else get_default_dtype()
    count = builtins.max(int(np.ceil((values[1] - values[0]) / values[2])), 0)
    data = (values[0] + np.arange(count, dtype=np.float64 if not integral else np.int64) * values[2]).astype(dt)
    return _finish("arange", data, None, requires_grad, device)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    steps, = _size("linspace", (steps,))
    return _finish("linspace", np.linspace(start, end, steps).astype(to_dtype(dtype, "linspace")), None,
                   requires_grad, device)


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``base`` raised to ``steps`` evenly spaced exponents from ``start`` to ``end``."""
    steps, = _size("logspace", (steps,))
    return _finish("logspace", np.logspace(start, end, steps, base=base).astype(to_dtype(dtype, "logspace")), None,
                   requires_grad, device)


def _float_dtype(who: str, dtype: Any) -> np.dtype:
    dt = to_dtype(dtype, who)
    if dt.kind != "f":
        raise TypeError(f"{who}: draws floating-point numbers; dtype {dt} is not floating (use randint for integers).")
    return dt


def _draw(rng: np.random.Generator, kind: str, shape: tuple[int, ...], dt: np.dtype) -> np.ndarray:
    """Uniform [0, 1) or standard normal draws of ``dt`` (numpy draws float32/64 natively; half via float32)."""
    native = dt if dt in (np.dtype(np.float32), np.dtype(np.float64)) else np.dtype(np.float32)
    data = rng.random(shape, dtype=native) if kind == "uniform" else rng.standard_normal(shape, dtype=native)
    return data.astype(dt, copy=False)


def rand(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1)."""
    data = _draw(rng_of(generator), "uniform", _size("rand", size), _float_dtype("rand", dtype))
    return _finish("rand", data, None, requires_grad, device)


def randn(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal random numbers (mean 0, variance 1)."""
    data = _draw(rng_of(generator), "normal", _size("randn", size), _float_dtype("randn", dtype))
    return _finish("randn", data, None, requires_grad, device)


def randint(low: int, high: int | None = None, size: Sequence[int] = None, *, generator: Any = None,
            dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high) (``randint(high, size)`` starts at 0), int64 unless ``dtype`` says."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high                 # randint(high, size)
    if size is None:
        raise TypeError("randint: give the size, e.g. randint(0, 10, (3,)) or randint(10, (3,)).")
    if high is None:
        low, high = 0, low
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be larger than low ({low}).")
    shape = _size("randint", tuple(size) if isinstance(size, (tuple, list)) else (size,))
    data = rng_of(generator).integers(low, high, shape, dtype=np.int64)
    return _finish("randint", data, np.int64 if dtype is None else dtype, requires_grad, device)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 .. n-1 (int64)."""
    n, = _size("randperm", (n,))
    return _finish("randperm", rng_of(generator).permutation(n), np.int64 if dtype is None else dtype,
                   requires_grad, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *, generator: Any = None,
           dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal random numbers: elementwise with tensor ``mean``/``std`` (shape of their broadcast), or of
    ``size`` with number mean and std (torch.normal)."""
    m = mean._data if isinstance(mean, Tensor) else np.asarray(mean)
    s = std._data if isinstance(std, Tensor) else np.asarray(std)
    if np.any(s < 0):
        raise ValueError(f"normal: std must be >= 0, got {std}.")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else _size("normal", (size,) if isinstance(
        size, (int, np.integer)) else tuple(size))
    given = [t.dtype for t in (mean, std) if isinstance(t, Tensor) and t.dtype.kind == "f"]
    dt = _float_dtype("normal", dtype if dtype is not None else given[0] if given else None)
    data = m + s * _draw(rng_of(generator), "normal", shape, np.dtype(np.float64))
    return _finish("normal", np.asarray(data), dt, requires_grad, device)


def _like(who: str, x: Any, dtype: Any) -> tuple[tuple[int, ...], Any]:
    if not isinstance(x, Tensor):
        x = Tensor(x)
    return x.shape, x.dtype if dtype is None else dtype


def zeros_like(x: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of x's shape and dtype."""
    shape, dt = _like("zeros_like", x, dtype)
    return zeros(shape, dtype=dt, device=device, requires_grad=requires_grad)


def ones_like(x: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of x's shape and dtype."""
    shape, dt = _like("ones_like", x, dtype)
    return ones(shape, dtype=dt, device=device, requires_grad=requires_grad)


def empty_like(x: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of x's shape and dtype."""
    shape, dt = _like("empty_like", x, dtype)
    return empty(shape, dtype=dt, device=device, requires_grad=requires_grad)


def full_like(x: Any, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` in x's shape and dtype."""
    shape, dt = _like("full_like", x, dtype)
    return full(shape, fill_value, dtype=dt, device=device, requires_grad=requires_grad)


def rand_like(x: Any, *, generator: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) numbers in x's shape and (floating) dtype."""
    shape, dt = _like("rand_like", x, dtype)
    return rand(shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def randn_like(x: Any, *, generator: Any = None, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Standard normal numbers in x's shape and (floating) dtype."""
    shape, dt = _like("randn_like", x, dtype)
    return randn(shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def randint_like(x: Any, low: int, high: int | None = None, *, generator: Any = None, dtype: Any = None,
                 device: Any = None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high) (or [0, low)) in x's shape and dtype."""
    shape, dt = _like("randint_like", x, dtype)
    if high is None:
        low, high = 0, low
    return randint(low, high, shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def shape_of(who: str, shape: tuple, size: int) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))`` or ``f(-1, 3)`` as a concrete shape holding ``size`` elements."""
    dims = [int(d) for d in _flat(shape)]
    if dims.count(-1) == 1:
        known = int(np.prod([d for d in dims if d != -1]))
        dims[dims.index(-1)] = size // known if known else 0
    return tuple(int(d) for d in dims)


def _flat(shape: tuple) -> tuple:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def tensor_like(like: Tensor, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``like.new_tensor(data)``: a copy of ``data`` of like's dtype unless ``dtype`` is given (torch's rule)."""
    check_device(device, "new_tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=like.dtype if dtype is None else to_dtype(dtype, "new_tensor"))


def random_values(like: Tensor, kind: str, a: float, b: float, generator: Any = None) -> Tensor:
    """Fresh values of like's shape and dtype for PyTorch's in-place fills: ``uniform`` U(a, b), ``normal``
    N(a, b²), ``random`` integers in [a, b), ``bernoulli`` 1 with probability a (from ``tg.manual_seed``'s
    generator unless ``generator`` is given)."""
    rng, shape, dt = rng_of(generator), like.shape, like.dtype
    if kind == "uniform":
        values = a + (b - a) * _draw(rng, "uniform", shape, _float_dtype("uniform_", dt))
    elif kind == "normal":
        values = a + b * _draw(rng, "normal", shape, _float_dtype("normal_", dt))
    elif kind == "random":
        values = rng.integers(int(a), int(b), shape)
    else:
        values = rng.random(shape) < a
    return Tensor._make(np.asarray(values).astype(dt, copy=False), None, False)


def _typed_constructor(name: str, dtype: Any) -> Any:
    """PyTorch's legacy ``torch.FloatTensor(data)`` / ``torch.FloatTensor(2, 3)`` (uninitialised) of one dtype."""
    def make(*args: Any) -> Tensor:
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            return Tensor(args[0], dtype=dtype)
        return empty(*args, dtype=dtype)
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"torch.{name}: a {np.dtype(dtype)} tensor of the data given, or uninitialised of the sizes given."
    return make


FloatTensor = _typed_constructor("FloatTensor", np.float32)
DoubleTensor = _typed_constructor("DoubleTensor", np.float64)
HalfTensor = _typed_constructor("HalfTensor", np.float16)
LongTensor = _typed_constructor("LongTensor", np.int64)
IntTensor = _typed_constructor("IntTensor", np.int32)
BoolTensor = _typed_constructor("BoolTensor", np.bool_)
ByteTensor = _typed_constructor("ByteTensor", np.uint8)


def is_tensor(obj: Any) -> builtins.bool:
    """True for a tensorgrad Tensor."""
    return isinstance(obj, Tensor)


def numel(x: Any) -> int:
    """The number of elements of x."""
    return int(np.size(x._data if isinstance(x, Tensor) else x))
