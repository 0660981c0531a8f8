"""Symbolic tensors for the functional API (Keras's KerasTensor): a placeholder with a shape whose
first axis (the batch) is None, and the layer call that produces it.

Calling a layer on symbolic tensors records the call and works out the output shape by running the
layer once on a batch of one zero sample, given as Tensors (in eval mode, without recording
gradients; a Keras ``Layer`` that defines ``compute_output_shape`` is not run); that run also
builds lazy layers, so a functional model owns all its weights as soon as it is defined.
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

    __slots__ = ("shape", "dtype", "layer", "parents", "multi", "kwargs")

    def __init__(self, shape: tuple, dtype: Any, layer: "Module", parents: tuple = (), multi: bool = False,
                 kwargs: dict | None = None) -> None:
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.layer = layer
        self.parents = parents
        self.multi = multi
        self.kwargs = kwargs or {}

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


def call_symbolic(layer: "Module", x: Any, **kwargs: Any) -> SymbolicTensor:
    """Record ``layer(x)`` on symbolic input(s) and return the symbolic output."""
    multi = not isinstance(x, SymbolicTensor)
    parents = tuple(x) if multi else (x,)
    for i, p in enumerate(parents):
        if not isinstance(p, SymbolicTensor):
            raise TypeError(f"{type(layer).__name__} '{layer.name}': input {i} is a {type(p).__name__}; a layer "
                            f"called on symbolic tensors (from nn.Input) takes only symbolic tensors.")
    dummies = [tg.tensor(np.zeros((1,) + p.shape[1:], dtype=p.dtype)) for p in parents]
    with training_mode(False), tg.no_grad():   # this call only: no module's own flag changes
        out = layer.forward(dummies if multi else dummies[0], **kwargs)
    if not isinstance(out, tg.Tensor):
        raise TypeError(f"{type(layer).__name__} '{layer.name}': forward returned a {type(out).__name__}; "
                        f"the functional API needs layers that return one Tensor.")
    return record_symbolic(layer, x, parents[0].shape[:1] + out.shape[1:], out.dtype, kwargs)


def record_symbolic(layer: "Module", x: Any, shape: tuple, dtype: Any, kwargs: dict) -> SymbolicTensor:
    """The symbolic output of ``layer(x)`` with a known ``shape``; the layer remembers its first
    ``input``/``output`` and its shapes (Keras's ``layer.input``, ``layer.output_shape``)."""
    multi = not isinstance(x, SymbolicTensor)
    parents = tuple(x) if multi else (x,)
    result = SymbolicTensor(tuple(shape), dtype, layer, parents, multi, kwargs)
    layer.input_shape = [p.shape for p in parents] if multi else parents[0].shape
    layer.output_shape = result.shape
    if getattr(layer, "input", None) is None:
        layer.input = list(parents) if multi else parents[0]
        layer.output = result
    return result


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
