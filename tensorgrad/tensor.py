"""Tensor: an n-d numpy array, whether it wants a gradient, its ``.grad``, and the node that made it.

No maths lives here: every operator is a one-line call into ``tensorgrad.ops``.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Iterator

import numpy as np

_FLOAT_KINDS = "f"
DEFAULT_DTYPE = np.dtype(np.float32)


def _to_array(data: Any, dtype: Any = None) -> np.ndarray:
    """numpy array for ``data``: float32 for Python floats and lists of them, numpy dtypes kept."""
    if isinstance(data, Tensor):
        data = data._data
    if isinstance(data, (list, tuple)):
        arr = _list_to_array(data, dtype)
    elif dtype is not None:
        arr = np.asarray(data, dtype=np.dtype(dtype))
    else:
        arr = np.asarray(data)
        if arr.dtype == np.float64 and not isinstance(data, (np.ndarray, np.generic)):
            arr = arr.astype(DEFAULT_DTYPE)     # a Python float: float32 unless asked otherwise, as PyTorch
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"Tensor: cannot make a tensor from data of dtype {arr.dtype} "
                        f"(type {type(data).__name__}); give numbers (bool, int or float) only.")
    return arr


class _Conversion(threading.local):
    """The Tensors numpy met while converting a list (it asks each for ``__array__``), or None."""
    met: list | None = None


_conversion = _Conversion()


def _list_to_array(data: list | tuple, dtype: Any) -> np.ndarray:
    """A (nested) list as an array. Python floats give float32 (as PyTorch); 0-d tensors in it give their
    values and keep their dtype (as torch.tensor); a tensor that requires grad or has axes is refused
    (numpy would read a (1,) tensor as a row where torch reads a number), never detached silently."""
    outer, _conversion.met = _conversion.met, []
    met = _conversion.met
    try:
        arr = np.asarray(data) if dtype is None else np.asarray(data, dtype=np.dtype(dtype))
    except ValueError as err:   # ragged nested lists: numpy's message does not say whose data
        _check_tensors_in_list(met)
        raise ValueError(f"Tensor: the nested lists have rows of different lengths, so they are not an "
                         f"n-d array ({err}); pad the rows to one length or give a numpy array.") from None
    finally:
        _conversion.met = outer
    _check_tensors_in_list(met)
    if dtype is None and arr.dtype == np.float64 and not any(t.dtype == np.float64 for t in met):
        arr = arr.astype(DEFAULT_DTYPE)
    return arr


def _check_tensors_in_list(met: list) -> None:
    for t in met:
        if t.requires_grad and autograd.is_grad_enabled():
            raise TypeError(f"tensor(): a list holds a tensor that requires grad (shape {t.shape}); copying its value "
                            f"would drop its gradient. Use tensorgrad.stack([...]) to keep the graph, or .detach() "
                            f"the items if you want plain values.")
        if t.ndim != 0:
            raise ValueError(f"tensor(): a list holds a tensor of shape {t.shape}; only 0-d tensors are taken as "
                             f"numbers. Use tensorgrad.stack([...]) or tensorgrad.concatenate([...]) to join "
                             f"tensors (t.item() for a one-element tensor's number).")


class Tensor:
    """An n-dimensional array that can record the operations applied to it for backpropagation.

    ``Tensor(data, requires_grad=False, dtype=None)``: Python floats and lists become float32,
    numpy arrays keep their dtype (float64 stays float64). Only floating tensors can require grad;
    integer and bool tensors are data (labels, masks). The data is copied, as ``torch.tensor`` does,
    so an optimizer step never rewrites the caller's array; :func:`from_numpy` and :func:`as_tensor`
    share it instead.
    """

    __slots__ = ("_data", "grad", "requires_grad", "_node", "_version_counter", "__weakref__", "__dict__")
    __array_priority__ = 1000  # numpy defers ``ndarray (op) Tensor`` to the Tensor

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor({data!r}, {requires_grad!r}, ...): the arguments are (data, requires_grad, dtype). "
                            f"PyTorch's legacy torch.Tensor(2, 3) (sizes) is tensorgrad.empty(2, 3) or "
                            f"tensorgrad.FloatTensor(2, 3).")
        arr = _to_array(data, dtype)
        if not arr.flags.owndata or arr is data or isinstance(data, Tensor) and arr is data._data:
            arr = arr.copy()
        self._data = arr
        self.grad: Tensor | None = None
        self._node = None
        self._version_counter = [0]
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data: np.ndarray, node: Any, requires_grad: bool) -> "Tensor":
        """Fast internal constructor: wrap an array that is already of the right dtype."""
        t = object.__new__(cls)
        t._data = data
        t.grad = None
        t.requires_grad = requires_grad
        t._node = node
        t._version_counter = [0]
        return t

    @property
    def _version(self) -> int:
        """How many times the data was changed in place. Views of the same memory (``t[:]``,
        ``reshape``, ``detach``) share one counter, so a change through any of them is seen by every
        graph that saved one of them."""
        return self._version_counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        self._version_counter[0] = value

    # ------------------------------------------------------------------ properties
    @property
    def data(self) -> "Tensor":
        """PyTorch's ``t.data``: the values as a new tensor sharing the memory, cut from the graph and with a
        version counter of its own, so changes through it (``w.data -= lr * w.grad``, ``w.data.zero_()``)
        update ``t`` in place and are not recorded. (``t.detach()`` is the safe form: it shares the counter.)"""
        return Tensor._make(self._data, None, False)

    @data.setter
    def data(self, value: Any) -> None:
        """``t.data = other``: t holds other's values from now on (shared memory, as PyTorch)."""
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> "ElementCount":
        """numpy's ``t.size`` (the number of elements, an int) that is also PyTorch's ``t.size(dim=None)``
        when called: ``t.size()`` is the shape as a :class:`Size`, ``t.size(1)`` one axis's length."""
        data = self._data
        return ElementCount(data.size, data.shape)

    @property
    def device(self) -> Any:
        """Where the data lives: always the CPU (``tensorgrad.device('cpu')``)."""
        return _dtypes.CPU

    is_cuda = False

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user made (or detached); only leaves get ``.grad`` from backward."""
        return self._node is None

    @property
    def grad_fn(self) -> Any:
        """The op node that produced this tensor, or None for a leaf."""
        return self._node

    @property
    def T(self) -> "Tensor":
        return _ops.transpose(self)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place; refused for integer and bool tensors and non-leaves."""
        if requires_grad and self._data.dtype.kind not in _FLOAT_KINDS:
            raise TypeError(
                f"Only floating-point tensors can require gradients, but this tensor has dtype "
                f"{self._data.dtype} (shape {self.shape}). Integer and bool tensors are data (labels, "
                f"masks); convert with .astype('float32') if you need a gradient.")
        if not requires_grad and self._node is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor; use .detach() instead.")
        self.requires_grad = bool(requires_grad)
        return self

    # ------------------------------------------------------------------ conversion
    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying numpy array (shared, not copied). Refused for a tensor that requires grad, as in
        PyTorch (changes to the array would bypass the graph): use ``t.detach().numpy()``, or ``force=True``."""
        if self.requires_grad and not force:
            raise RuntimeError(f"Can't call numpy() on a tensor that requires grad (shape {self.shape}). Use "
                               f"t.detach().numpy() instead (it shares the memory, without the graph).")
        return self._data

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item(): only one-element tensors can be converted to a Python number, "
                             f"this one has shape {self.shape}.")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def detach(self) -> "Tensor":
        """A new leaf sharing this tensor's data (and its version counter), cut from the graph."""
        t = Tensor._make(self._data, None, False)
        t._version_counter = self._version_counter
        return t

    def astype(self, dtype: Any) -> "Tensor":
        """Cast to ``dtype``; differentiable between floating types."""
        return _ops.cast(self, dtype=np.dtype(dtype))

    def retain_grad(self) -> "Tensor":
        """Keep the gradient of this non-leaf in ``.grad`` at the next backward (as PyTorch)."""
        if self._node is not None:
            self._node.retained = weakref.ref(self)
        return self

    def __getstate__(self) -> dict:
        """What pickle and ``copy.deepcopy`` keep: the data, ``requires_grad``, a leaf's ``.grad`` and the
        tensor's attributes, never the graph (a non-leaf loads as a leaf that requires grad, as in
        PyTorch), so a loss at the end of any number of ops pickles in constant depth."""
        return {"data": self._data, "requires_grad": self.requires_grad,
                "grad": self.grad if self._node is None else None, "attributes": self.__dict__}

    def __setstate__(self, state: dict) -> None:
        self._data, self.requires_grad, self.grad = state["data"], state["requires_grad"], state["grad"]
        self._node, self._version_counter = None, [0]
        self.__dict__.update(state["attributes"])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The data for numpy, honouring numpy's ``copy``: ``np.array(t)`` (copy=True) returns a copy,
        ``np.asarray(t)`` (copy=None) may share, copy=False shares or raises when a cast must copy."""
        data = self._data
        if _conversion.met is not None:     # inside a list given to tensor(): checked there
            _conversion.met.append(self)
        if copy:
            return np.array(data, dtype=dtype, copy=True)
        if dtype is None or np.dtype(dtype) == data.dtype:
            return data
        if copy is False:
            raise ValueError(f"Unable to avoid copy while creating an array as requested: the tensor has dtype "
                             f"{data.dtype}, and {np.dtype(dtype)} was asked for with copy=False.")
        return data.astype(dtype)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``np.exp(t)``, ``ndarray + t``: tensorgrad's op keeping the graph (see tensorgrad.numpy_dispatch)."""
        return numpy_dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        """``np.sum(t)``, ``np.where(c, t, u)``: tensorgrad's op keeping the graph, numpy on the data when
        no gradient is lost, else a clear error (see tensorgrad.numpy_dispatch)."""
        return numpy_dispatch.array_function(func, types, args, kwargs)

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False, *,
                 grad: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        ``gradient`` (PyTorch's name; ``grad=`` too) is the upstream gradient (needed unless self has one
        element): a vector-Jacobian product. The graph is freed
        afterwards unless ``retain_graph`` (or ``create_graph``, which also records the backward
        pass so the gradients can be differentiated again).
        """
        autograd.backward(self, gradient if grad is None else grad, retain_graph, create_graph)

    def zero_grad(self) -> None:
        self.grad = None

    # ------------------------------------------------------------------ operators
    def __add__(self, o: Any) -> "Tensor": return _ops.add(self, o)
    def __radd__(self, o: Any) -> "Tensor": return _ops.add(o, self)
    def __sub__(self, o: Any) -> "Tensor": return _ops.sub(self, o)
    def __rsub__(self, o: Any) -> "Tensor": return _ops.sub(o, self)
    def __mul__(self, o: Any) -> "Tensor": return _ops.mul(self, o)
    def __rmul__(self, o: Any) -> "Tensor": return _ops.mul(o, self)
    def __truediv__(self, o: Any) -> "Tensor": return _ops.div(self, o)
    def __rtruediv__(self, o: Any) -> "Tensor": return _ops.div(o, self)
    def __pow__(self, o: Any) -> "Tensor": return _ops.pow(self, o)
    def __rpow__(self, o: Any) -> "Tensor": return _ops.pow(o, self)
    def __matmul__(self, o: Any) -> "Tensor": return _ops.matmul(self, o)
    def __rmatmul__(self, o: Any) -> "Tensor": return _ops.matmul(o, self)
    def __mod__(self, o: Any) -> "Tensor": return _ops.remainder(self, o)
    def __rmod__(self, o: Any) -> "Tensor": return _ops.remainder(o, self)
    def __floordiv__(self, o: Any) -> "Tensor": return _ops.floor_divide(self, o)
    def __rfloordiv__(self, o: Any) -> "Tensor": return _ops.floor_divide(o, self)
    def __neg__(self) -> "Tensor": return _ops.neg(self)
    def __pos__(self) -> "Tensor": return self
    def __abs__(self) -> "Tensor": return _ops.abs(self)
    def __getitem__(self, index: Any) -> "Tensor": return _ops.getitem(self, index)
    def __setitem__(self, index: Any, value: Any) -> None:
        """``t[index] = value``, under the in-place rules of tensorgrad.ops.inplace."""
        _inplace.inplace("setitem", self, lambda x, v: _ops.indexing.index_put(x, index, v), value)

    def __iadd__(self, o: Any) -> "Tensor": return _ops.inplace_update(self, _ops.add, o)
    def __isub__(self, o: Any) -> "Tensor": return _ops.inplace_update(self, _ops.sub, o)
    def __imul__(self, o: Any) -> "Tensor": return _ops.inplace_update(self, _ops.mul, o)
    def __itruediv__(self, o: Any) -> "Tensor": return _ops.inplace_update(self, _ops.div, o)

    # comparisons: boolean data tensors, never differentiated
    def __lt__(self, o: Any) -> "Tensor": return _ops.compare(np.less, self, o)
    def __le__(self, o: Any) -> "Tensor": return _ops.compare(np.less_equal, self, o)
    def __gt__(self, o: Any) -> "Tensor": return _ops.compare(np.greater, self, o)
    def __ge__(self, o: Any) -> "Tensor": return _ops.compare(np.greater_equal, self, o)
    def __eq__(self, o: Any) -> "Tensor": return _ops.compare(np.equal, self, o)  # type: ignore[override]
    def __ne__(self, o: Any) -> "Tensor": return _ops.compare(np.not_equal, self, o)  # type: ignore[override]
    __hash__ = object.__hash__
    def __and__(self, o: Any) -> "Tensor": return _ops.compare(np.bitwise_and, self, o)
    def __or__(self, o: Any) -> "Tensor": return _ops.compare(np.bitwise_or, self, o)
    def __xor__(self, o: Any) -> "Tensor": return _ops.compare(np.bitwise_xor, self, o)
    def __invert__(self) -> "Tensor": return Tensor._make(np.invert(self._data), None, False)

    # ------------------------------------------------------------------ methods (one line each)
    # dim=/keepdim= are PyTorch's spelling, axis=/keepdims= numpy's (see tensorgrad.ops._spelling)
    def sum(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> "Tensor":
        return _ops.sum(self, dim, keepdim, **numpy_style) if numpy_style else _ops.sum(self, dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> "Tensor":
        return _ops.mean(self, dim, keepdim, **numpy_style) if numpy_style else _ops.mean(self, dim, keepdim)

    def max(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> Any:
        """Everything's max; ``(values, indices)`` along ``dim`` (PyTorch); values over ``axis=`` (numpy)."""
        return _ops.max(self, dim, keepdim, **numpy_style)

    def min(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> Any:
        """Everything's min; ``(values, indices)`` along ``dim`` (PyTorch); values over ``axis=`` (numpy)."""
        return _ops.min(self, dim, keepdim, **numpy_style)

    def amax(self, dim: Any = None, keepdim: bool = False) -> "Tensor": return _ops.amax(self, dim, keepdim)
    def amin(self, dim: Any = None, keepdim: bool = False) -> "Tensor": return _ops.amin(self, dim, keepdim)
    def argmax(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> "Tensor":
        return _ops.argmax(self, dim, keepdim, **numpy_style)

    def argmin(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> "Tensor":
        return _ops.argmin(self, dim, keepdim, **numpy_style)

    def var(self, *args: Any, **kwargs: Any) -> "Tensor": return _ops.var(self, *args, **kwargs)
    def std(self, *args: Any, **kwargs: Any) -> "Tensor": return _ops.std(self, *args, **kwargs)
    def prod(self, *args: Any, **kwargs: Any) -> "Tensor": return _ops.prod(self, *args, **kwargs)
    def logsumexp(self, *args: Any, **kwargs: Any) -> "Tensor": return _ops.logsumexp(self, *args, **kwargs)
    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        return _ops.norm(self, p, dim, keepdim, dtype)

    def cumsum(self, *args: Any, **kwargs: Any) -> "Tensor": return _ops.cumsum(self, *args, **kwargs)
    def cumprod(self, *args: Any, **kwargs: Any) -> "Tensor": return _ops.cumprod(self, *args, **kwargs)

    def all(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> "Tensor":
        axis, keep = _spelling.axis_of("all", numpy_style.get("axis"), numpy_style.get("keepdims", False), dim, keepdim)
        return Tensor._make(np.asarray(np.all(self._data, axis=axis, keepdims=keep)), None, False)

    def any(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> "Tensor":
        axis, keep = _spelling.axis_of("any", numpy_style.get("axis"), numpy_style.get("keepdims", False), dim, keepdim)
        return Tensor._make(np.asarray(np.any(self._data, axis=axis, keepdims=keep)), None, False)

    def exp(self) -> "Tensor": return _ops.exp(self)
    def log(self) -> "Tensor": return _ops.log(self)
    def sqrt(self) -> "Tensor": return _ops.sqrt(self)
    def abs(self) -> "Tensor": return _ops.abs(self)
    def sign(self) -> "Tensor": return _ops.sign(self)
    def neg(self) -> "Tensor": return _ops.neg(self)
    def square(self) -> "Tensor": return _ops.mul(self, self)
    def asinh(self) -> "Tensor": return _ops.asinh(self)
    def acosh(self) -> "Tensor": return _ops.acosh(self)
    def atanh(self) -> "Tensor": return _ops.atanh(self)
    arcsinh, arccosh, arctanh = asinh, acosh, atanh
    def sin(self) -> "Tensor": return _ops.sin(self)
    def cos(self) -> "Tensor": return _ops.cos(self)
    def tan(self) -> "Tensor": return _ops.tan(self)
    def sinh(self) -> "Tensor": return _ops.sinh(self)
    def cosh(self) -> "Tensor": return _ops.cosh(self)
    def asin(self) -> "Tensor": return _ops.asin(self)
    def acos(self) -> "Tensor": return _ops.acos(self)
    def atan(self) -> "Tensor": return _ops.atan(self)
    def exp2(self) -> "Tensor": return _ops.exp2(self)
    def log2(self) -> "Tensor": return _ops.log2(self)
    def log10(self) -> "Tensor": return _ops.log10(self)
    def log1p(self) -> "Tensor": return _ops.log1p(self)
    def expm1(self) -> "Tensor": return _ops.expm1(self)
    def erf(self) -> "Tensor": return _ops.erf(self)
    def floor(self) -> "Tensor": return _ops.floor(self)
    def ceil(self) -> "Tensor": return _ops.ceil(self)
    def round(self, decimals: int = 0) -> "Tensor": return _ops.round(self, decimals)
    def trunc(self) -> "Tensor": return _ops.trunc(self)
    def sigmoid(self) -> "Tensor": return _ops.sigmoid(self)
    def tanh(self) -> "Tensor": return _ops.tanh(self)
    def relu(self) -> "Tensor": return _ops.relu(self)
    def softmax(self, dim: int = -1, **numpy_style: Any) -> "Tensor":
        return _ops.softmax(self, numpy_style.get("axis", dim))

    def log_softmax(self, dim: int = -1, **numpy_style: Any) -> "Tensor":
        return _ops.log_softmax(self, numpy_style.get("axis", dim))

    def clip(self, min: Any = None, max: Any = None) -> "Tensor": return _ops.clip(self, min, max)
    clamp = clip

    def pow(self, exponent: Any) -> "Tensor": return _ops.pow(self, exponent)
    def matmul(self, other: Any) -> "Tensor": return _ops.matmul(self, other)
    def mm(self, other: Any) -> "Tensor": return _ops.mm(self, other)
    def bmm(self, other: Any) -> "Tensor": return _ops.bmm(self, other)
    def dot(self, other: Any) -> "Tensor": return _ops.dot(self, other)
    def outer(self, other: Any) -> "Tensor": return _ops.outer(self, other)
    def mul(self, other: Any) -> "Tensor": return _ops.mul(self, other)
    def add(self, other: Any, alpha: Any = 1) -> "Tensor": return _torch_functions.add(self, other, alpha=alpha)
    def sub(self, other: Any, alpha: Any = 1) -> "Tensor": return _torch_functions.sub(self, other, alpha=alpha)
    def div(self, other: Any, rounding_mode: str | None = None) -> "Tensor":
        return _torch_functions.div(self, other, rounding_mode=rounding_mode)

    multiply, subtract, divide, true_divide, negative = mul, sub, div, div, neg
    def remainder(self, other: Any) -> "Tensor": return _ops.remainder(self, other)
    def floor_divide(self, other: Any) -> "Tensor": return _ops.floor_divide(self, other)
    def maximum(self, other: Any) -> "Tensor": return _ops.maximum(self, other)
    def minimum(self, other: Any) -> "Tensor": return _ops.minimum(self, other)
    def eq(self, other: Any) -> "Tensor": return _ops.compare(np.equal, self, other)
    def ne(self, other: Any) -> "Tensor": return _ops.compare(np.not_equal, self, other)
    def lt(self, other: Any) -> "Tensor": return _ops.compare(np.less, self, other)
    def le(self, other: Any) -> "Tensor": return _ops.compare(np.less_equal, self, other)
    def gt(self, other: Any) -> "Tensor": return _ops.compare(np.greater, self, other)
    def ge(self, other: Any) -> "Tensor": return _ops.compare(np.greater_equal, self, other)
    def isnan(self) -> "Tensor": return _ops.isnan(self)
    def isinf(self) -> "Tensor": return _ops.isinf(self)
    def isfinite(self) -> "Tensor": return _ops.isfinite(self)
    def isclose(self, other: Any, **tolerances: Any) -> "Tensor": return _ops.isclose(self, other, **tolerances)
    def allclose(self, other: Any, **tolerances: Any) -> bool: return _ops.allclose(self, other, **tolerances)
    def equal(self, other: Any) -> bool:
        """True when ``other`` has the same shape and the same values (torch.equal)."""
        other = as_tensor(other)
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def reshape(self, *shape: Any) -> "Tensor":
        return _ops.reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)

    def transpose(self, *axes: Any, dim0: int | None = None, dim1: int | None = None) -> "Tensor":
        """Two axes swap them, as PyTorch (``x.transpose(0, 1)``, also ``dim0=, dim1=``); a tuple, or all the
        axes of a tensor of another rank, is numpy's permutation (``x.transpose((2, 0, 1))``); none
        reverses the axes."""
        if dim0 is not None or dim1 is not None:
            return _ops.transpose(self, dim0, dim1)
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            return _ops.transpose(self, axes[0])
        if len(axes) == 2:
            return _ops.transpose(self, axes[0], axes[1])
        return _ops.transpose(self, axes or None)

    def permute(self, *dims: Any) -> "Tensor":
        """The axes in the order ``dims`` (PyTorch's permute; ``x.permute(2, 0, 1)`` or a tuple)."""
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        if len(dims) != self.ndim:
            raise ValueError(f"permute: got {len(dims)} dims {tuple(dims)} for a tensor of shape {self.shape}; "
                             f"give a permutation of all {self.ndim} axes.")
        return _ops.transpose(self, dims)

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        """Swap two axes (numpy's swapaxes, PyTorch's transpose)."""
        return _ops.transpose(self, axis0, axis1)

    def view(self, *shape: Any) -> "Tensor":
        """``reshape`` that never copies, as PyTorch's view: a layout that cannot be reshaped in place (a
        transpose flattened) is an error pointing to ``reshape``."""
        if not self._data.flags.c_contiguous:
            probe = self._data.view()
            try:
                probe.shape = _creation.shape_of("view", shape, self._data.size)
            except ValueError:
                pass                              # not a shape for this many elements: reshape says so
            except AttributeError:                # numpy: the shape needs a copy
                raise RuntimeError(f"view: the tensor of shape {self.shape} is not contiguous (e.g. a transpose), so "
                                   f"it cannot be viewed as {tuple(shape) if len(shape) != 1 else shape[0]} without "
                                   f"copying. Use .reshape(...) instead (or .contiguous().view(...)).") from None
        return self.reshape(*shape)

    def view_as(self, other: "Tensor") -> "Tensor": return _ops.reshape(self, other.shape)
    reshape_as = view_as
    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor": return _ops.flatten(self, start_dim, end_dim)
    def ravel(self) -> "Tensor": return _ops.reshape(self, (-1,))
    def unsqueeze(self, dim: int) -> "Tensor": return _ops.unsqueeze(self, dim)
    def squeeze(self, dim: Any = None, **numpy_style: Any) -> "Tensor": return _ops.squeeze(self, dim, **numpy_style)
    def movedim(self, source: Any, destination: Any) -> "Tensor": return _ops.movedim(self, source, destination)
    def expand(self, *sizes: Any) -> "Tensor": return _ops.expand(self, *sizes)
    def expand_as(self, other: "Tensor") -> "Tensor": return _ops.broadcast_to(self, other.shape)
    def repeat(self, *sizes: Any) -> "Tensor": return _ops.repeat(self, *sizes)
    def tile(self, *dims: Any) -> "Tensor": return _ops.tile(self, _int_args(dims))
    def flip(self, *dims: Any) -> "Tensor": return _ops.flip(self, _int_args(dims) if dims else None)
    def roll(self, shifts: Any, dims: Any = None) -> "Tensor": return _ops.roll(self, shifts, dims)
    def split(self, split_size: Any, dim: int = 0) -> tuple: return _ops.split(self, split_size, dim)
    def chunk(self, chunks: int, dim: int = 0) -> tuple: return _ops.chunk(self, chunks, dim)
    def tril(self, diagonal: int = 0) -> "Tensor": return _ops.tril(self, diagonal)
    def triu(self, diagonal: int = 0) -> "Tensor": return _ops.triu(self, diagonal)
    def diag(self, diagonal: int = 0) -> "Tensor": return _ops.diag(self, diagonal)
    def trace(self) -> "Tensor": return _ops.trace(self)
    def gather(self, dim: int, index: Any) -> "Tensor": return _ops.gather(self, dim, index)
    def scatter(self, dim: int, index: Any, src: Any = None, **value: Any) -> "Tensor":
        return _ops.scatter(self, dim, index, src, **value)

    def index_select(self, dim: int, index: Any) -> "Tensor": return _ops.index_select(self, dim, index)
    def scatter_add(self, dim: int, index: Any, src: Any) -> "Tensor": return _ops.scatter_add(self, dim, index, src)
    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> "Tensor":
        return _ops.index_add(self, dim, index, source, alpha=alpha)

    def median(self, dim: int | None = None, keepdim: bool = False) -> Any:
        return _torch_functions.median(self, dim, keepdim)

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim: int | None = None) -> Any:
        return _torch_functions.unique(self, sorted, return_inverse, return_counts, dim)

    def nonzero(self, *, as_tuple: bool = False) -> Any: return _torch_functions.nonzero(self, as_tuple=as_tuple)
    def count_nonzero(self, dim: Any = None) -> "Tensor": return _torch_functions.count_nonzero(self, dim)
    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        return _torch_functions.diagonal(self, offset, dim1, dim2)

    def narrow(self, dim: int, start: int, length: int) -> "Tensor": return _torch_functions.narrow(self, dim, start, length)
    def take(self, index: Any) -> "Tensor": return _torch_functions.take(self, index)
    def lerp(self, end: Any, weight: Any) -> "Tensor": return _torch_functions.lerp(self, end, weight)
    def reciprocal(self) -> "Tensor": return _torch_functions.reciprocal(self)
    def rsqrt(self) -> "Tensor": return _torch_functions.rsqrt(self)
    def frac(self) -> "Tensor": return _torch_functions.frac(self)
    def logical_not(self) -> "Tensor": return _torch_functions.logical_not(self)
    def logical_and(self, other: Any) -> "Tensor": return _torch_functions.logical_and(self, other)
    def logical_or(self, other: Any) -> "Tensor": return _torch_functions.logical_or(self, other)

    def index_fill(self, dim: int, index: Any, value: Any) -> "Tensor": return _ops.index_fill(self, dim, index, value)
    def repeat_interleave(self, repeats: Any, dim: int | None = None, *, output_size: int | None = None) -> "Tensor":
        return _ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def masked_fill(self, mask: Any, value: Any) -> "Tensor": return _ops.masked_fill(self, mask, value)
    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> tuple:
        return _ops.topk(self, k, dim, largest, sorted)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> tuple:
        return _ops.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        return _ops.argsort(self, dim, descending, stable)

    def t(self) -> "Tensor":
        """The transpose of a matrix (a 0-d or 1-d tensor is returned as it is), as torch.t."""
        if self.ndim > 2:
            raise ValueError(f"t(): expects a tensor of at most 2 dimensions, got shape {self.shape}; use "
                             f"permute or transpose for more.")
        return self if self.ndim < 2 else _ops.transpose(self, (1, 0))

    def is_contiguous(self) -> bool:
        """True when the data is laid out row-major without gaps (a transpose or a strided slice is not)."""
        return self._data.flags.c_contiguous

    @property
    def mT(self) -> "Tensor":  # noqa: N802 - PyTorch's name
        """The last two axes swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise RuntimeError(f"mT: only matrices or batches of matrices have one, got a {self.ndim}-d tensor.")
        return _ops.transpose(self, tuple(range(self.ndim - 2)) + (self.ndim - 1, self.ndim - 2))

    # ------------------------------------------------------------------ new tensors like this one (PyTorch's)
    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        """A copy of ``data`` as a tensor of this tensor's dtype (or ``dtype``), as torch's new_tensor."""
        return _creation.tensor_like(self, data, dtype, device, requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return _creation.zeros(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return _creation.ones(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        return _creation.empty(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return _creation.full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def contiguous(self) -> "Tensor":
        """This tensor when its data is C-contiguous, else a contiguous differentiable copy."""
        return self if self._data.flags.c_contiguous else _ops.clone(self)

    def clone(self) -> "Tensor":
        """A copy with its own memory; gradients flow back to this tensor."""
        return _ops.clone(self)

    def dim(self) -> int: return self._data.ndim
    ndimension = dim
    def numel(self) -> int: return self._data.size
    nelement = numel
    def element_size(self) -> int: return self._data.itemsize

    # ------------------------------------------------------------------ dtypes and devices (PyTorch's)
    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)``, with ``copy=``:
        this tensor when nothing changes, else a converted (differentiable between floats) copy."""
        return _dtypes.convert(self, *args, **kwargs)

    def type(self, dtype: Any = None) -> Any:
        """With no argument the type's name ('tensorgrad.FloatTensor'), else ``to(dtype)``."""
        return _dtypes.tensor_type(self, dtype)

    def type_as(self, other: "Tensor") -> "Tensor": return _ops.cast(self, other.dtype)
    def float(self) -> "Tensor": return _ops.cast(self, np.float32)
    def double(self) -> "Tensor": return _ops.cast(self, np.float64)
    def half(self) -> "Tensor": return _ops.cast(self, np.float16)
    def int(self) -> "Tensor": return _ops.cast(self, np.int32)
    def long(self) -> "Tensor": return _ops.cast(self, np.int64)
    def short(self) -> "Tensor": return _ops.cast(self, np.int16)
    def byte(self) -> "Tensor": return _ops.cast(self, np.uint8)
    def bool(self) -> "Tensor": return _ops.cast(self, np.bool_)
    def cpu(self) -> "Tensor": return self
    def cuda(self, device: Any = None) -> "Tensor":
        _dtypes.check_device("cuda" if device is None else device, "cuda()")
        return self  # (not reached: check_device refuses every device but the CPU)

    def is_floating_point(self) -> bool: return self._data.dtype.kind == "f"

    # ------------------------------------------------------------------ in place (PyTorch's x.add_(y) ...)
    # Rules (version counters, leaves that require grad, views): tensorgrad.ops.inplace
    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return _inplace.inplace("add_", self, lambda x, o: _torch_functions.add(x, o, alpha=alpha), other)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return _inplace.inplace("sub_", self, lambda x, o: _torch_functions.sub(x, o, alpha=alpha), other)

    def mul_(self, other: Any) -> "Tensor": return _inplace.inplace("mul_", self, _ops.mul, other)
    def div_(self, other: Any) -> "Tensor": return _inplace.inplace("div_", self, _ops.div, other)
    def pow_(self, exponent: Any) -> "Tensor": return _inplace.inplace("pow_", self, _ops.pow, exponent)
    def neg_(self) -> "Tensor": return _inplace.inplace("neg_", self, _ops.neg)
    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        return _inplace.inplace("clamp_", self, lambda x: _ops.clip(x, min, max))

    clip_ = clamp_
    def zero_(self) -> "Tensor": return _inplace.inplace("zero_", self, lambda x: _inplace.fill(x, 0))
    def fill_(self, value: Any) -> "Tensor": return _inplace.inplace("fill_", self, _inplace.fill, value)
    def copy_(self, src: Any) -> "Tensor": return _inplace.inplace("copy_", self, _inplace.copy_of, src)
    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        """Fill with U(a, b) draws in place (``w.data.uniform_(-0.1, 0.1)``)."""
        return self.copy_(_creation.random_values(self, "uniform", a, b, generator))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> "Tensor":
        """Fill with N(mean, std²) draws in place (``m.weight.data.normal_(0.0, 0.02)``)."""
        return self.copy_(_creation.random_values(self, "normal", mean, std, generator))

    def random_(self, from_: int = 0, to: int | None = None, *, generator: Any = None) -> "Tensor":
        """Fill with integers drawn from [from_, to) in place (``random_(n)``: [0, n))."""
        lo, hi = (0, from_) if to is None else (from_, to)
        return self.copy_(_creation.random_values(self, "random", lo, hi, generator))

    def bernoulli_(self, p: float = 0.5, *, generator: Any = None) -> "Tensor":
        """Fill with 1 (probability p) or 0 in place."""
        return self.copy_(_creation.random_values(self, "bernoulli", p, 0, generator))

    def detach_(self) -> "Tensor":
        """Cut this tensor from its graph in place: a leaf that does not require grad (PyTorch's detach_)."""
        self._node, self.requires_grad = None, False
        return self

    def scatter_(self, dim: int, index: Any, src: Any = None, **value: Any) -> "Tensor":
        return _inplace.inplace("scatter_", self, lambda x: _ops.scatter(x, dim, index, src, **value))

    def scatter_add_(self, dim: int, index: Any, src: Any) -> "Tensor":
        return _inplace.inplace("scatter_add_", self, lambda x, s: _ops.scatter_add(x, dim, index, s), src)

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> "Tensor":
        return _inplace.inplace("index_add_", self, lambda x, s: _ops.index_add(x, dim, index, s, alpha=alpha), source)

    def index_fill_(self, dim: int, index: Any, value: Any) -> "Tensor":
        return _inplace.inplace("index_fill_", self, lambda x: _ops.index_fill(x, dim, index, value))

    def masked_fill_(self, mask: Any, value: Any) -> "Tensor":
        return _inplace.inplace("masked_fill_", self, lambda x: _ops.masked_fill(x, mask, value))

    # ------------------------------------------------------------------ python protocol
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(f"The truth value of a tensor of shape {self.shape} is ambiguous (it has "
                             f"{self._data.size} elements); use .any() or .all(), or compare one element.")
        return bool(self._data)

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"`` formats a 0-d tensor's number, as PyTorch; other tensors print as repr."""
        return format(self._data.item(), spec) if self._data.ndim == 0 else format(repr(self), spec)

    def __index__(self) -> int:
        """A one-element integer tensor as a list index (``classes[pred.argmax(0)]``), as PyTorch."""
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors of a single element can be converted to an index (this one has "
                            f"shape {self.shape} and dtype {self.dtype}).")
        return int(self._data.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __repr__(self) -> str:
        body = _printing.format_values(self._data)
        extras = []
        if self._data.dtype not in (DEFAULT_DTYPE, np.dtype(np.int64), np.dtype(bool)):
            extras.append(f"dtype={self._data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{type(self._node).__name__}Backward0>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"


def as_tensor(x: Any, dtype: Any = None) -> Tensor:
    """``x`` itself if it is a Tensor (of ``dtype`` when given), else a constant Tensor of it that shares
    a numpy array's memory when no cast is needed (as ``torch.as_tensor``)."""
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    return Tensor._make(_to_array(x, dtype), None, False)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """PyTorch-style factory: ``tensorgrad.tensor([1.0, 2.0], requires_grad=True)``; copies the data
    (as ``torch.tensor``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory, dtype kept (as ``torch.from_numpy``): writes to either are
    seen by both. The tensor does not require grad; call ``.requires_grad_()`` for a parameter."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}; use "
                        f"tensorgrad.tensor(...) for other data (it copies).")
    return Tensor._make(_to_array(array, array.dtype), None, False)


from . import autograd  # noqa: E402  (autograd and ops need Tensor defined first)
from . import ops as _ops  # noqa: E402
from . import creation as _creation, dtypes as _dtypes, printing as _printing, torch_functions as _torch_functions  # noqa: E402
from .ops import _spelling, inplace as _inplace  # noqa: E402
from . import numpy_dispatch  # noqa: E402
from .size import ElementCount  # noqa: E402


def _torch_method(name: str) -> Any:
    """``x.name(...)`` as ``tensorgrad.name(x, ...)`` for the torch functions composed in torch_functions."""
    fn = getattr(_torch_functions, name)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)
    method.__name__, method.__doc__ = name, fn.__doc__
    return method


for _name in ("clamp_min", "clamp_max", "fmod", "addcmul", "addcdiv", "unbind", "logaddexp", "hypot", "logit", "xlogy",
              "nansum", "nanmean", "nan_to_num", "diff", "aminmax", "tensor_split", "masked_select", "float_power",
              "signbit", "rad2deg", "deg2rad", "square", "std_mean", "var_mean", "bitwise_and", "bitwise_or",
              "bitwise_xor", "bitwise_not", "ravel", "addmm"):
    if not hasattr(Tensor, _name):
        setattr(Tensor, _name, _torch_method(_name))
Tensor.atan2 = Tensor.arctan2 = _ops.atan2
Tensor.sgn = Tensor.sign


def _inplace_unary(name: str) -> Any:
    """``x.exp_()`` and friends: the op's result written into x (tensorgrad.ops.inplace's rules)."""
    op = getattr(_ops, name)

    def method(self: Tensor) -> Tensor:
        return _inplace.inplace(name + "_", self, op)
    method.__name__ = name + "_"
    method.__doc__ = f"In place {name}: x.{name}_() is x.copy_(x.{name}()), under the rules of in-place ops."
    return method


for _name in ("abs", "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "round",
              "trunc", "sign", "exp2", "log2", "log10", "log1p", "expm1", "asin", "acos", "atan", "sinh", "cosh"):
    setattr(Tensor, _name + "_", _inplace_unary(_name))


def _reshaped_in_place(who: str, t: Tensor, shape: tuple) -> Tensor:
    """``unsqueeze_``, ``squeeze_``, ``t_``: this tensor takes a new shape of the same memory. While recording,
    a tensor in a graph cannot (its gradient would not follow), so the out-of-place form is named instead."""
    if t.requires_grad and autograd.is_grad_enabled():
        raise RuntimeError(f"{who}: changing the shape of a tensor that requires grad in place is not supported "
                           f"(its graph would not follow); write x = x.{who[:-1]}(...) instead.")
    t._data = t._data.reshape(shape) if who != "t_" else t._data.T
    return t


def _unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """In place unsqueeze: a new axis of size 1 at ``dim``."""
    return _reshaped_in_place("unsqueeze_", self, _ops.unsqueeze(self.detach(), dim).shape)


def _squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """In place squeeze: the axes of size 1 (or ``dim``) removed."""
    return _reshaped_in_place("squeeze_", self, _ops.squeeze(self.detach(), dim).shape)


def _t_(self: Tensor) -> Tensor:
    """In place transpose of a matrix."""
    return _reshaped_in_place("t_", self, self.shape[::-1])


Tensor.unsqueeze_, Tensor.squeeze_, Tensor.t_ = _unsqueeze_, _squeeze_, _t_


def _int_args(args: tuple) -> Any:
    """``f(0, 1)`` or ``f((0, 1))`` as (0, 1); ``f(0)`` as 0."""
    if len(args) == 1:
        return tuple(args[0]) if isinstance(args[0], (tuple, list)) else args[0]
    return args
