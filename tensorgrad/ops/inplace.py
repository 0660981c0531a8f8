"""PyTorch's in-place methods (``add_``, ``mul_``, ``zero_``, ``copy_`` ...) and ``out=`` arguments.

Both write into an existing tensor's memory, so both follow PyTorch's rules for gradients:

* nothing is being recorded (``no_grad``, or no tensor involved requires grad): the data is overwritten
  and the tensor's version counter bumped, so any graph that saved the old values refuses to use them;
* recording: a leaf that requires grad may not change (its ``.grad`` would belong to a value that is
  gone), nor a view of another tensor (the other tensor's graph would not see the change); any other
  tensor takes the new value *and* the op's place in the graph, so later ops differentiate through it;
* ``out=`` is refused while recording a graph that needs its result, as in PyTorch.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd import increment_version
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from ._convert import lift


def _check_castable(who: str, result: np.ndarray, target: Tensor) -> None:
    if not np.can_cast(result.dtype, target.dtype, casting="same_kind"):
        raise TypeError(f"{who}: the result has dtype {result.dtype}, which cannot be stored in the {target.dtype} "
                        f"tensor without losing its meaning (PyTorch refuses too); convert the tensor first "
                        f"(e.g. .float()).")


def _write(who: str, x: Tensor, values: np.ndarray) -> None:
    """Store ``values`` (broadcast to x's shape) in x's array and bump its version."""
    if np.broadcast_shapes(values.shape, x.shape) != x.shape:
        raise ValueError(f"{who}: the result has shape {values.shape}, which does not fit the tensor's shape {x.shape}.")
    _check_castable(who, values, x)
    if not x._data.flags.writeable:
        raise ValueError(f"{who}: this tensor's memory is read-only (a broadcast view, or a read-only numpy array); "
                         f"make a copy first with .clone().")
    x._data[...] = values
    increment_version(x)


def inplace(who: str, x: Tensor, fn: Callable[..., Tensor], *others: Any) -> Tensor:
    """``x`` overwritten with ``fn(x, *others)``, following the rules above; returns ``x``."""
    others_t = list(others)
    recording = is_grad_enabled() and (x.requires_grad or any(isinstance(o, Tensor) and o.requires_grad
                                                              for o in others_t))
    if not recording:
        plain = [o.detach() if isinstance(o, Tensor) else o for o in others_t]
        _write(who, x, fn(x.detach(), *plain)._data)
        return x
    if x.is_leaf and x.requires_grad:
        raise RuntimeError(
            f"{who}: a leaf tensor that requires grad (shape {x.shape}) cannot be changed in place while gradients "
            f"are recorded. Do it inside `with tensorgrad.no_grad():` (parameter updates), or write x = x + ... "
            f"to make a new tensor.")
    if x._data.base is not None:
        raise RuntimeError(
            f"{who}: this tensor (shape {x.shape}) is a view of another tensor's memory, and changing it in place "
            f"while recording would change that tensor behind its graph's back. Use the out-of-place op "
            f"(x = x.{who.rstrip('_')}(...)) or .clone() first.")
    before = Tensor._make(x._data.copy(), x._node, x.requires_grad)    # the old value, for the op to read
    result = fn(before, *others_t)
    _check_castable(who, result._data, x)
    if result.shape != x.shape:
        raise ValueError(f"{who}: the result has shape {result.shape}, which does not fit the tensor's shape {x.shape}.")
    x._data[...] = result._data
    increment_version(x)                          # graphs that saved the old value refuse it now
    node = result._node
    if node is not None:                          # x takes the op's place: its node's output is x
        node.output_data, node.output_counter, node.output_version = x._data, x._version_counter, x._version
    x._node, x.requires_grad = node, result.requires_grad
    return x


def write_out(who: str, result: Tensor, out: Tensor) -> Tensor:
    """``out=``: ``result`` stored in ``out`` (resized when its shape differs, as PyTorch); returns ``out``."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{who}: out= must be a Tensor, got {type(out).__name__}.")
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{who}: functions with out=... don't support automatic differentiation, but an argument "
                           f"requires grad (as in PyTorch). Drop out= (y = tensorgrad.{who}(...)) or compute under "
                           f"tensorgrad.no_grad().")
    if out.shape != result.shape:
        _check_castable(who, result._data, out)
        out._data = result._data.astype(out.dtype)       # resized, as PyTorch resizes out
        increment_version(out)
        return out
    _write(who, out, result._data)
    return out


def fill(x: Tensor, value: Any) -> Tensor:
    """A tensor of x's shape and dtype holding ``value`` (a number or 0-d tensor; differentiable in a tensor)."""
    if isinstance(value, Tensor) and value.ndim:
        raise ValueError(f"fill_: the value must be a number or a 0-d tensor, got shape {value.shape}.")
    return copy_of(x, value)


def copy_of(x: Tensor, src: Any) -> Tensor:
    """``src`` broadcast to x's shape and cast to its dtype (what ``x.copy_(src)`` stores)."""
    from .shape import broadcast_to
    from .unary import cast
    s = lift(src, x)
    try:
        np.broadcast_shapes(s.shape, x.shape)
    except ValueError:
        raise ValueError(f"copy_: the source of shape {s.shape} does not broadcast to the tensor's shape {x.shape}.") from None
    s = cast(s, x.dtype) if s.dtype != x.dtype else s
    return broadcast_to(s, x.shape) if s.shape != x.shape else s
