"""Symbolic tensors for the functional API (Keras's KerasTensor): a placeholder with a shape whose
first axis (the batch) is None, and the layer call that produces it.

Calling a layer on symbolic tensors records the call and works out the output shape by running the
layer once on a batch of one zero sample, given as Tensors (in eval mode, without recording
gradients; a Keras ``Layer`` that defines ``compute_output_shape`` is not run); that run also
builds lazy layers, so a functional model owns all its weights as soon as it is defined.

A call may take symbolic tensors as keyword arguments too (``LSTM(...)(x, initial_state=[h, c])``):
they become parents after the inputs. A layer that returns a list (``return_state=True``) gives one
symbolic tensor per item, each with its ``index`` and the call's shared ``node``, so a model runs the
call once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

import tensorgrad as tg

from .mode import training_mode

if TYPE_CHECKING:
    from .module import Module


class SymbolicTensor:
    """The output of ``layer`` applied to ``parents`` (none for an Input); ``multi`` when the
    layer took a list (as Concatenate does)."""

    __slots__ = ("shape", "dtype", "layer", "parents", "multi", "kwargs", "n_inputs", "index", "node")

    def __init__(self, shape: tuple, dtype: Any, layer: "Module", parents: tuple = (), multi: bool = False,
                 kwargs: dict | None = None, n_inputs: int | None = None, index: int | None = None,
                 node: object | None = None) -> None:
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.layer = layer
        self.parents = parents
        self.multi = multi
        self.kwargs = kwargs or {}
        self.n_inputs = len(parents) if n_inputs is None else n_inputs   # the rest came in kwargs
        self.index = index              # which item of the call's list output (None: the one output)
        self.node = node if node is not None else self    # shared by every output of one call

    @property
    def inputs(self) -> tuple:
        """The parents that were the call's positional input(s)."""
        return self.parents[:self.n_inputs]

    @property
    def name(self) -> str:
        return self.layer.name

    # arithmetic on symbolic tensors records a layer (nn.symbolic_ops), as Keras's KerasTensor does
    def _op(self, name: str, *args: Any) -> "SymbolicTensor":
        from . import symbolic_ops
        return symbolic_ops.apply_symbolic(getattr(symbolic_ops, name), args, {})

    def __add__(self, other: Any) -> "SymbolicTensor":
        return self._op("add", self, other)

    def __radd__(self, other: Any) -> "SymbolicTensor":
        return self._op("add", other, self)

    def __sub__(self, other: Any) -> "SymbolicTensor":
        return self._op("subtract", self, other)

    def __rsub__(self, other: Any) -> "SymbolicTensor":
        return self._op("subtract", other, self)

    def __mul__(self, other: Any) -> "SymbolicTensor":
        return self._op("multiply", self, other)

    def __rmul__(self, other: Any) -> "SymbolicTensor":
        return self._op("multiply", other, self)

    def __truediv__(self, other: Any) -> "SymbolicTensor":
        return self._op("divide", self, other)

    def __rtruediv__(self, other: Any) -> "SymbolicTensor":
        return self._op("divide", other, self)

    def __pow__(self, other: Any) -> "SymbolicTensor":
        return self._op("power", self, other)

    def __matmul__(self, other: Any) -> "SymbolicTensor":
        return self._op("matmul", self, other)

    def __neg__(self) -> "SymbolicTensor":
        return self._op("negative", self)

    def __getitem__(self, key: Any) -> "SymbolicTensor":
        return self._op("getitem", self, key)

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype} (created by layer '{self.layer.name}')>"


def is_symbolic(x: Any) -> bool:
    """True for a SymbolicTensor or a non-empty list/tuple of them (a layer's symbolic argument)."""
    if isinstance(x, SymbolicTensor):
        return True
    return type(x) in (list, tuple) and len(x) > 0 and isinstance(x[0], SymbolicTensor)


def map_symbolic(value: Any, fn: Any) -> Any:
    """``value`` with every SymbolicTensor in it (inside lists, tuples and dicts) replaced by ``fn(it)``."""
    if isinstance(value, SymbolicTensor):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return type(value)(map_symbolic(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: map_symbolic(v, fn) for k, v in value.items()}
    return value


def symbolic_in(value: Any) -> list[SymbolicTensor]:
    """The SymbolicTensors inside ``value`` (a call's keyword arguments), in order."""
    found: list[SymbolicTensor] = []
    map_symbolic(value, found.append)
    return found


def call_symbolic(layer: "Module", x: Any, **kwargs: Any) -> Any:
    """Record ``layer(x, **kwargs)`` on symbolic input(s); the symbolic output, or a list of them when
    the layer returns a list (an RNN's ``return_state``)."""
    multi = not isinstance(x, SymbolicTensor)
    parents = tuple(x) if multi else (x,)
    for i, p in enumerate(parents):
        if not isinstance(p, SymbolicTensor):
            raise TypeError(f"{type(layer).__name__} '{layer.name}': input {i} is a {type(p).__name__}; a layer "
                            f"called on symbolic tensors (from nn.Input) takes only symbolic tensors.")
    dummy = lambda p: tg.tensor(np.zeros((1,) + p.shape[1:], dtype=p.dtype))  # noqa: E731
    dummies = [dummy(p) for p in parents]
    with training_mode(False), tg.no_grad():   # this call only: no module's own flag changes
        out = layer.forward(dummies if multi else dummies[0], **map_symbolic(kwargs, dummy))
    items = out if isinstance(out, list) and out and all(isinstance(o, tg.Tensor) for o in out) else None
    if not isinstance(out, tg.Tensor) and items is None:
        raise TypeError(f"{type(layer).__name__} '{layer.name}': forward returned a {type(out).__name__}; "
                        f"the functional API needs layers that return a Tensor or a list of Tensors (Keras's "
                        f"multiple outputs).")
    batch = parents[0].shape[:1]
    if items is None:
        return record_symbolic(layer, x, batch + out.shape[1:], out.dtype, kwargs)
    return record_symbolic_list(layer, x, [batch + o.shape[1:] for o in items], [o.dtype for o in items], kwargs)


def record_symbolic(layer: "Module", x: Any, shape: tuple, dtype: Any, kwargs: dict) -> SymbolicTensor:
    """The symbolic output of ``layer(x)`` with a known ``shape``; the layer remembers its first
    ``input``/``output`` and its shapes (Keras's ``layer.input``, ``layer.output_shape``)."""
    return record_symbolic_list(layer, x, [shape], [dtype], kwargs, single=True)


def record_symbolic_list(layer: "Module", x: Any, shapes: list, dtypes: list, kwargs: dict,
                         single: bool = False) -> Any:
    """The symbolic outputs (one per shape) of one call ``layer(x, **kwargs)``; one SymbolicTensor when ``single``."""
    multi = not isinstance(x, SymbolicTensor)
    inputs = tuple(x) if multi else (x,)
    parents = inputs + tuple(symbolic_in(kwargs))
    results: list[SymbolicTensor] = []
    for i, (shape, dtype) in enumerate(zip(shapes, dtypes)):
        results.append(SymbolicTensor(tuple(shape), dtype, layer, parents, multi, kwargs, n_inputs=len(inputs),
                                      index=None if single else i, node=results[0] if results else None))
    layer.input_shape = [p.shape for p in inputs] if multi else inputs[0].shape
    layer.output_shape = results[0].shape if single else [r.shape for r in results]
    if getattr(layer, "input", None) is None:
        layer.input = list(inputs) if multi else inputs[0]
        layer.output = results[0] if single else results
    return results[0] if single else results


def run_call(t: SymbolicTensor, values: dict[int, Any], done: dict[int, Any]) -> Any:
    """The value of ``t`` in a model's run: its layer called on its parents' ``values`` (by id); a call
    with several outputs runs once, its result kept in ``done`` (by the id of its node)."""
    if t.index is not None and id(t.node) in done:
        return done[id(t.node)][t.index]
    args = [values[id(p)] for p in t.inputs]
    kwargs = map_symbolic(t.kwargs, lambda s: values[id(s)]) if t.n_inputs < len(t.parents) else t.kwargs
    out = t.layer(args if t.multi else args[0], **kwargs)
    if t.index is None:
        return out
    done[id(t.node)] = out
    return out[t.index]


def graph_order(outputs: list[SymbolicTensor]) -> list[SymbolicTensor]:
    """Every symbolic tensor the outputs depend on, each after its parents (iterative, stable)."""
    order: list[SymbolicTensor] = []
    seen: set[int] = set()
    stack: list[tuple[SymbolicTensor, bool]] = [(o, False) for o in reversed(outputs)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order
