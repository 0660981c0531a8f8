"""Function: the one way a differentiable operation is written, by tensorgrad and by its users.

Shaped like PyTorch's ``torch.autograd.Function``::

    class Square(tg.Function):
        '''y = x²;  dy/dx = 2x.'''
        @staticmethod
        def forward(ctx, x):                  # x: a numpy array
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):                 # g: dL/dy
            x, = ctx.saved_tensors
            return 2 * x * g                  # dL/dx, one per input (None: no gradient)

    y = Square.apply(t)

``forward`` runs on the inputs' numpy arrays (Tensor arguments arrive as their data; other arguments
as given) and returns an array. ``ctx`` is the graph node itself: it keeps what ``forward`` saved and
becomes ``y.grad_fn``.

One ``backward`` serves both kinds of backward pass. In a plain ``loss.backward()`` it gets numpy
arrays: ``g``, and ``ctx.saved_tensors`` as saved. Under ``create_graph=True`` it gets Tensors with
recording on (the saved inputs and output as the graph's own Tensors), so the backward pass is itself
a graph and second derivatives come from the same rule. Write ``backward`` with what ``ctx`` hands
over: operators and the methods arrays and Tensors share (``.sum``, ``.reshape``, ``.T``, indexing),
and ``ctx.F`` for functions (``ctx.F.exp``, ``ctx.F.where`` ...: numpy's in a plain pass, tensorgrad's
ops in a recorded one). Keep what is not a saved tensor on ``ctx`` as attributes (``ctx.axis = 1``);
``ctx.create_graph`` says which pass runs, for the rare rule that computes differently in the two.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import anomaly
from .functions import ARRAY_FUNCTIONS, TENSOR_FUNCTIONS
from .grad_mode import mode
from .tensor import Tensor

_creation_order = itertools.count()   # a node's seq: every consumer is made after the nodes it consumes


class NodeName(str):
    """An op's short name ('mul', as errors and pictures show it) that is also PyTorch's ``grad_fn.name()``
    when called ('MulBackward0')."""

    def __new__(cls, short: str, pytorch: str) -> "NodeName":
        name = super().__new__(cls, short)
        name.pytorch = pytorch
        return name

    def __call__(self) -> str:
        return self.pytorch


class Function:
    """A differentiable operation: static ``forward(ctx, *inputs, **attrs)`` and ``backward(ctx, g)``.

    Call it as ``MyFunction.apply(*inputs, **attrs)``. Its instances are the nodes of the graph (the
    ``ctx`` both methods receive, and ``Tensor.grad_fn``). ``name`` labels the node in errors and graph
    pictures (the class name in lower case unless set).
    """

    __slots__ = ("inputs", "parents", "needs_input_grad", "saved", "input_versions", "output_data",
                 "output_counter", "output_version", "output_shape", "output_dtype", "seq", "trace",
                 "__dict__", "__weakref__")
    create_graph = False     # set by backward for the pass that runs
    retained = None          # a weak reference to the output, when it asked for its .grad (retain_grad)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = NodeName(cls.__dict__.get("name") or cls.__name__.lower(), f"{cls.__name__}Backward0")

    @staticmethod
    def forward(ctx: "Function", *inputs: Any, **attrs: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError("a Function defines forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: "Function", grad_output: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError("a Function defines backward(ctx, grad_output)")

    apply: classmethod    # ``MyFunction.apply(*inputs, **attrs)``: the module's :func:`apply`, set below

    # ------------------------------------------------------------------ what forward keeps for backward
    def save_for_backward(self, *values: Any) -> None:
        """Keep inputs or the output (or other arrays) for ``backward``; see :attr:`saved_tensors`."""
        self.saved = values

    @property
    def saved_tensors(self) -> tuple:
        """What ``forward`` saved: arrays in a plain backward; under create_graph the graph's own Tensors
        (an input, or the output as a Tensor of this node), so second derivatives see through them.
        A saved input or output changed in place since the forward is an error, as its gradient would
        be wrong."""
        for x, version in zip(self.inputs, self.input_versions):
            if version is not None and x._version_counter[0] != version and _holds(self.saved, x._data):
                raise _modified_error(self, x)
        if self.output_counter[0] != self.output_version and _holds(self.saved, self.output_data):
            raise _modified_error(self, None)
        if not self.create_graph:
            return self.saved
        return tuple(map(self._as_tensor, self.saved))

    @property
    def F(self) -> Any:
        """The functions ``backward`` computes with: numpy's (plain) or tensorgrad's ops (create_graph)."""
        return TENSOR_FUNCTIONS if self.create_graph else ARRAY_FUNCTIONS

    def _as_tensor(self, value: Any) -> Any:
        """A saved value as the graph's Tensor: the input it is, or the output; a constant stays an array."""
        if value is self.output_data:
            out = Tensor._make(value, self, True)
            out._version_counter = self.output_counter
            return out
        for x in self.inputs:
            if isinstance(x, Tensor) and x._data is value:
                return x
        return value

    # ------------------------------------------------------------------ the node
    @property
    def freed(self) -> bool:
        """True once backward has released what this node saved."""
        return self.inputs is None

    @property
    def next_functions(self) -> tuple:
        """``((node, 0), ...)``, one per input, as PyTorch prints them: the node that made the input, an
        :class:`AccumulateGrad` for a leaf that requires grad, None for a constant."""
        return tuple((p if isinstance(p, Function) else AccumulateGrad(p) if isinstance(p, Tensor) and p.requires_grad
                      else None, 0) for p in self.parents)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the output (kept after the node is freed, for graph pictures)."""
        return self.output_shape if self.output_data is None else self.output_data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.output_dtype if self.output_data is None else self.output_data.dtype

    def free(self) -> None:
        """Drop everything kept for backward, saved values and attributes alike; the edges (``parents``),
        name, shape and dtype stay for pictures."""
        self.output_shape, self.output_dtype = self.output_data.shape, self.output_data.dtype
        self.inputs = self.saved = self.output_data = None
        attributes = self.__dict__
        if attributes:
            name = attributes.get("name")
            attributes.clear()
            if name is not None:
                self.name = name

    def __repr__(self) -> str:
        """PyTorch's form, ``<MulBackward0 object at 0x...>`` (``name`` stays the short label of errors)."""
        return f"<{type(self).__name__}Backward0 object at {id(self):#x}>"


class AccumulateGrad:
    """A leaf as ``grad_fn.next_functions`` shows it (PyTorch's name): backward adds into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self.variable):#x}>"


def apply(fn: type[Function], *inputs: Any, **attrs: Any) -> Tensor:
    """``fn.forward`` on the inputs' data, and a node in the graph when recording and an input needs a
    gradient. Every op of every forward pass (and of every recorded backward pass) comes through here."""
    ctx = object.__new__(fn)
    arrays, needs, parents, versions = [], [], [], []    # one pass over the inputs: the hot path
    for x in inputs:
        if isinstance(x, Tensor):
            arrays.append(x._data)
            needs.append(x.requires_grad)
            parents.append(x._node or x)
            versions.append(x._version_counter[0])
        else:
            arrays.append(x)
            needs.append(False)
            parents.append(None)
            versions.append(None)
    ctx.needs_input_grad = needs = tuple(needs)
    ctx.saved = ()
    try:
        returned = fn.forward(ctx, *arrays, **attrs)
    except ValueError as e:
        raise _broadcast_error(e, fn, inputs) from None
    out = returned      # an array; a Tensor or a numpy scalar (numpy's 0-d results) become one
    if type(out) is not np.ndarray:
        out = out._data if isinstance(out, Tensor) else np.asarray(out)
    if mode.anomaly:
        anomaly.check_forward(ctx, out)
    recorded = True in needs and mode.enabled
    t = Tensor._make(out, ctx if recorded else None, recorded)
    if out.base is not None:              # a view shares its base's version counter (as in PyTorch)
        for x in inputs:
            if isinstance(x, Tensor) and np.may_share_memory(out, x._data):
                t._version_counter = x._version_counter
                break
    if recorded:
        ctx.inputs, ctx.parents, ctx.input_versions = inputs, tuple(parents), versions
        ctx.output_data, ctx.output_counter, ctx.output_version = out, t._version_counter, t._version_counter[0]
        ctx.seq = next(_creation_order)
        if returned is not out and ctx.saved:       # forward saved what it returned: keep the array it became
            ctx.saved = tuple([out if value is returned else value for value in ctx.saved])
    return t


def _holds(values: tuple, array: Any) -> bool:
    """Whether ``array`` itself (not an equal copy) is among ``values``."""
    return any(value is array for value in values)


Function.apply = classmethod(apply)


def _broadcast_error(e: ValueError, fn: type[Function], inputs: tuple) -> ValueError:
    """numpy's broadcast error, said with the op's name and the shapes; other ValueErrors unchanged."""
    if "broadcast" not in str(e):
        return e
    shapes = " and ".join(str(x.shape) for x in inputs if isinstance(x, Tensor))
    return ValueError(f"{fn.name}: shapes {shapes} cannot be broadcast together (numpy rules: trailing axes "
                      f"must be equal or 1). Reshape one operand, e.g. x.reshape(-1, 1), so the axes line up.")


def _modified_error(node: Function, changed: Tensor | None) -> RuntimeError:
    """A value ``node`` saved for backward (input ``changed``, or the output when None) was changed in
    place after the node ran."""
    if changed is None:
        what, shape, now, then = "its output", node.shape, node.output_counter[0], node.output_version
    else:
        i = next(i for i, x in enumerate(node.inputs) if x is changed)
        what, shape, now, then = f"input {i}", changed.shape, changed._version_counter[0], node.input_versions[i]
    return RuntimeError(
        f"{node.name}: {what} (shape {shape}), which it saved for backward, was modified in place: its version "
        f"is {now}, it was {then} when {node.name} ran, so its gradient would be wrong. Do the in-place change "
        f"(e.g. optimizer.step()) after backward(), or use an out-of-place op (x = x + 1).")
