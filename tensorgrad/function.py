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

_OUTPUT = -1                       # the source of a saved value that is the op's own output
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

    __slots__ = ("inputs", "parents", "needs_input_grad", "saved", "saved_sources", "saved_versions",
                 "output_data", "output_versions", "output_shape", "output_dtype", "seq", "create_graph",
                 "retained", "trace",
                 "__dict__", "__weakref__")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = NodeName(cls.__dict__.get("name") or cls.__name__.lower(), f"{cls.__name__}Backward0")

    @staticmethod
    def forward(ctx: "Function", *inputs: Any, **attrs: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError("a Function defines forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: "Function", grad_output: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError("a Function defines backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *inputs: Any, **attrs: Any) -> Tensor:
        """Run ``forward`` on the inputs' data; record a node when any input requires grad."""
        return apply(cls, *inputs, **attrs)

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
        for source, version in zip(self.saved_sources, self.saved_versions):
            if version is not None and self._counter_of(source)[0] != version:
                raise _modified_error(self, source)
        if not self.create_graph:
            return self.saved
        return tuple(map(self._as_tensor, self.saved, self.saved_sources))

    @property
    def F(self) -> Any:
        """The functions ``backward`` computes with: numpy's (plain) or tensorgrad's ops (create_graph)."""
        return TENSOR_FUNCTIONS if self.create_graph else ARRAY_FUNCTIONS

    def _counter_of(self, source: int) -> list:
        return self.output_versions if source == _OUTPUT else self.inputs[source]._version_counter

    def _as_tensor(self, value: Any, source: int | None) -> Any:
        if source is None:
            return value                      # a constant: stays an array (operators lift it)
        if source != _OUTPUT:
            return self.inputs[source]
        out = Tensor._make(self.output_data, self, True)
        out._version_counter = self.output_versions
        return out

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
        return self.output_shape

    @property
    def dtype(self) -> np.dtype:
        return self.output_dtype

    def free(self) -> None:
        """Drop everything kept for backward, saved values and attributes alike; the edges (``parents``),
        name, shape and dtype stay for pictures."""
        self.inputs = self.saved = self.output_data = None
        name = self.__dict__.get("name")
        self.__dict__.clear()
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
    ctx.needs_input_grad = needs = tuple([isinstance(x, Tensor) and x.requires_grad for x in inputs])
    ctx.saved = ()
    try:
        returned = fn.forward(ctx, *[x._data if isinstance(x, Tensor) else x for x in inputs], **attrs)
    except ValueError as e:
        raise _broadcast_error(e, fn, inputs) from None
    out = returned      # an array; a Tensor or a numpy scalar (numpy's 0-d results) become one
    if type(out) is not np.ndarray:
        out = out._data if isinstance(out, Tensor) else np.asarray(out)
    if mode.anomaly:
        anomaly.check_forward(ctx, out)
    recorded = mode.enabled and True in needs
    t = Tensor._make(out, ctx if recorded else None, recorded)
    if out.base is not None:              # a view shares its base's version counter (as in PyTorch)
        for x in inputs:
            if isinstance(x, Tensor) and np.may_share_memory(out, x._data):
                t._version_counter = x._version_counter
                break
    if recorded:
        ctx.inputs, ctx.output_data, ctx.output_versions = inputs, out, t._version_counter
        ctx.output_shape, ctx.output_dtype = out.shape, out.dtype
        ctx.parents = tuple([(x._node or x) if isinstance(x, Tensor) else None for x in inputs])
        ctx.seq = next(_creation_order)
        ctx.create_graph = False
        ctx.retained = None
        if ctx.saved:
            _resolve_saved(ctx, inputs, returned, out)
        else:
            ctx.saved_sources = ctx.saved_versions = ()
    return t


def _resolve_saved(ctx: Function, inputs: tuple, returned: Any, out: np.ndarray) -> None:
    """Note where each saved value came from (an input, the output, or neither) and that source's version
    now, so backward can hand over the graph's Tensors and refuse stale values."""
    sources, versions, values = [], [], []
    for value in ctx.saved:
        source = None
        if value is returned or value is out:
            value, source = out, _OUTPUT
        else:
            if isinstance(value, Tensor):
                value = value._data
            for i, x in enumerate(inputs):
                if isinstance(x, Tensor) and x._data is value:
                    source = i
                    break
        values.append(value)
        sources.append(source)
        versions.append(None if source is None else ctx._counter_of(source)[0])
    ctx.saved, ctx.saved_sources, ctx.saved_versions = tuple(values), tuple(sources), tuple(versions)


def _broadcast_error(e: ValueError, fn: type[Function], inputs: tuple) -> ValueError:
    """numpy's broadcast error, said with the op's name and the shapes; other ValueErrors unchanged."""
    if "broadcast" not in str(e):
        return e
    shapes = " and ".join(str(x.shape) for x in inputs if isinstance(x, Tensor))
    return ValueError(f"{fn.name}: shapes {shapes} cannot be broadcast together (numpy rules: trailing axes "
                      f"must be equal or 1). Reshape one operand, e.g. x.reshape(-1, 1), so the axes line up.")


def _modified_error(node: Function, source: int) -> RuntimeError:
    """A value ``node`` saved for backward was changed in place after the node ran."""
    what = "its output" if source == _OUTPUT else f"input {source}"
    now = node._counter_of(source)[0]
    then = node.saved_versions[node.saved_sources.index(source)]
    return RuntimeError(
        f"{node.name}: {what} (shape {node.shape if source == _OUTPUT else node.inputs[source].shape}), which it "
        f"saved for backward, was modified in place: its version is {now}, it was {then} when {node.name} ran, "
        f"so its gradient would be wrong. Do the in-place change (e.g. optimizer.step()) after backward(), or "
        f"use an out-of-place op (x = x + 1).")
