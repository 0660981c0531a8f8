"""The tape: how ops are recorded, and the one graph walk that runs them backwards.

Every differentiable primitive is an :class:`Op`. Calling it through :func:`apply` runs its
``forward`` on numpy arrays and, when gradients are being recorded, returns a Tensor whose ``_node``
is the Op instance itself: the Op keeps its input Tensors (for its VJP) and its parents (the graph's
edges). ``backward`` toposorts the nodes without recursion, calls each node's ``vjp`` once with the
summed gradient of its output, sums every input gradient back to the input's shape in one place
(:func:`sum_to_shape`), and frees each node as soon as it is done unless the graph is retained.

VJPs are written with tensorgrad ops. They run under ``no_grad`` unless ``create_graph=True``; then
the backward pass is itself recorded and can be differentiated again.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterable, Sequence

import numpy as np

# --------------------------------------------------------------------------- grad mode (per thread)
class _GradMode(threading.local):
    enabled = True
    anomaly = False


_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when ops are being recorded for backward in this thread."""
    return _mode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Context manager (and decorator) that switches recording on or off in this thread."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        self._previous.append(_mode.enabled)
        _mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self._previous.pop()


class no_grad(set_grad_enabled):
    """``with no_grad():`` (or ``@no_grad()``): tensors made inside record nothing, like PyTorch's."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Switch recording back on inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)


# --------------------------------------------------------------------------- Op: node of the graph
class Op:
    """A primitive: ``forward`` on numpy arrays, ``vjp`` with tensorgrad ops, side by side.

    Subclasses implement ``forward(self, *arrays, **attrs) -> ndarray`` (keeping on ``self`` what the
    VJP needs) and ``vjp(self, g) -> tuple`` with one gradient (a Tensor, or None for "no gradient")
    per input. Inside ``vjp``, ``self.inputs`` are the input Tensors, ``self.output()`` is the result
    as a Tensor attached to this node (so second derivatives see through it), and
    ``self.needs_input_grad[i]`` says whether input ``i`` wants a gradient at all.
    """

    __slots__ = ("inputs", "parents", "needs_input_grad", "out_data", "_shape", "_dtype", "_retained",
                 "versions", "out_cell", "out_version", "trace", "__weakref__")
    name = "op"
    saves_output = False   # True when the VJP reads self.output(): then the output must not change in place
    may_alias = False      # True when the output can be a numpy view of input 0 (then they share a version counter)

    def forward(self, *arrays: np.ndarray, **attrs: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def vjp(self, g: "Tensor") -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def output(self) -> "Tensor":
        """The forward result as a Tensor whose node is this op (differentiable under create_graph)."""
        t = Tensor._make(self.out_data, self, True)
        t._vc = self.out_cell
        return t

    @property
    def freed(self) -> bool:
        """True once backward has released what this node saved for its VJP."""
        return self.inputs is None

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the output (kept after the node is freed, for graph pictures)."""
        return self._shape if self.out_data is None else self.out_data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._dtype if self.out_data is None else self.out_data.dtype

    def free(self) -> None:
        """Drop the tensors kept for the VJP; the edges (``parents``), shape and dtype stay for pictures."""
        if self.out_data is not None:
            self._shape, self._dtype = self.out_data.shape, self.out_data.dtype
        self.inputs = None
        self.out_data = None

    def __repr__(self) -> str:
        return f"<{self.name} node, output shape {getattr(self, 'shape', '?')}>"


def apply(op_cls: type[Op], *inputs: "Tensor", **attrs: Any) -> "Tensor":
    """Run ``op_cls`` forward on the inputs' data; record a node when any input requires grad.

    The hot path of the whole library (every op of every forward and backward pass goes through
    it), hence the unrolled one- and two-input cases.
    """
    op = op_cls()
    n = len(inputs)
    try:
        if n == 2:
            a, b = inputs
            out = op.forward(a.data, b.data, **attrs) if attrs else op.forward(a.data, b.data)
        elif n == 1:
            a = inputs[0]
            out = op.forward(a.data, **attrs) if attrs else op.forward(a.data)
        else:
            out = op.forward(*[t.data for t in inputs], **attrs)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        shapes = " and ".join(str(t.shape) for t in inputs)
        raise ValueError(f"{op.name}: shapes {shapes} cannot be broadcast together (numpy rules: "
                         f"trailing axes must be equal or 1). Reshape one operand, e.g. "
                         f"x.reshape(-1, 1), so the axes line up.") from None
    mode = _mode
    if mode.enabled:
        if n == 2:
            if a.requires_grad or b.requires_grad:
                op.needs_input_grad = (a.requires_grad, b.requires_grad)
                op.parents = (a._node or a, b._node or b)
                op.versions = (a._vc[0], b._vc[0])
                return _record(op, inputs, out, mode)
        elif n == 1:
            if a.requires_grad:
                op.needs_input_grad = (True,)
                op.parents = (a._node or a,)
                op.versions = (a._vc[0],)
                return _record(op, inputs, out, mode)
        elif any(t.requires_grad for t in inputs):
            op.needs_input_grad = tuple([t.requires_grad for t in inputs])
            op.parents = tuple([t._node or t for t in inputs])
            op.versions = tuple([t._vc[0] for t in inputs])
            return _record(op, inputs, out, mode)
    if mode.anomaly:
        anomaly.check_forward(op, out)
    t = _make(out, None, False)
    if op_cls.may_alias and np.may_share_memory(out, inputs[0].data):
        t._vc = inputs[0]._vc
    return t


def _record(op: Op, inputs: tuple, out: np.ndarray, mode: _GradMode) -> "Tensor":
    """Make ``op`` a node of the graph: keep its inputs for the VJP and return its output tensor."""
    op.inputs = inputs
    op.out_data = out
    op._retained = None
    if mode.anomaly:
        anomaly.check_forward(op, out)
    t = _make(out, op, True)
    if op.may_alias and np.may_share_memory(out, inputs[0].data):
        t._vc = inputs[0]._vc
    op.out_cell = t._vc
    op.out_version = t._vc[0]
    return t


def _check_versions(node: Op) -> None:
    """Refuse to backprop through a node whose saved tensors were changed in place since it ran."""
    for i, (t, v) in enumerate(zip(node.inputs, node.versions)):
        if t._vc[0] != v:
            raise RuntimeError(
                f"{node.name}: input {i} (shape {t.shape}) that it saved for backward was modified in "
                f"place: its version is {t._version}, it was {v} when {node.name} ran, so its gradient "
                f"would be wrong. Do the in-place change (e.g. optimizer.step()) after backward(), or "
                f"use an out-of-place op (x = x + 1).")
    if node.saves_output and node.out_cell[0] != node.out_version:
        raise RuntimeError(
            f"{node.name}: its output (shape {node.shape}), which its derivative reuses, was modified in "
            f"place: its version is {node.out_cell[0]}, it was {node.out_version} when {node.name} ran, so "
            f"its gradient would be wrong. Use an out-of-place op instead.")


# --------------------------------------------------------------------------- the one graph walk
def toposort(roots: Iterable[Op]) -> list[Op]:
    """All nodes reachable from ``roots``, each before the nodes that produced its inputs.

    Iterative depth-first search with an explicit stack of (node, children_done) pairs, so graphs of
    millions of nodes need no recursion; parents are visited in input order, so the order is stable.
    """
    order: list[Op] = []
    seen: set[int] = set()
    stack: list[tuple[Op, bool]] = [(r, False) for r in list(roots)[::-1]]
    push, pop, visit = stack.append, stack.pop, seen.add
    while stack:
        node, children_done = pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        visit(id(node))
        push((node, True))
        for parent in node.parents[::-1]:
            if isinstance(parent, Op) and id(parent) not in seen:
                push((parent, False))
    order.reverse()
    return order


def sum_to_shape(g: "Tensor", shape: tuple[int, ...], op_name: str = "op") -> "Tensor":
    """Sum a broadcast gradient back to ``shape`` (numpy broadcasting run in reverse).

    The single place where un-broadcasting happens: leading axes are summed away, axes that were
    size 1 are summed with keepdims. A gradient that could not have come from broadcasting ``shape``
    is a bug in the op's VJP, reported with the op's name and both shapes.
    """
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    ok = lead >= 0 and all(s == 1 or s == gs for s, gs in zip(shape, gshape[lead:]))
    if not ok:
        raise RuntimeError(
            f"{op_name}: the vector-Jacobian product returned a gradient of shape {gshape} for an "
            f"input of shape {shape}; it cannot be summed back to that shape. This is a bug in the "
            f"op's vjp.")
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if g.shape != shape:
        g = g.reshape(shape)
    return g


def _freed_error(node: Op) -> RuntimeError:
    return RuntimeError(
        f"Trying to backward through the graph a second time: the {node.name} node's saved tensors "
        f"were freed by the first backward(). Pass retain_graph=True to the first backward() (or "
        f"tensorgrad.grad) if you need to backward through the same graph again.")


def _run_backward(roots: Sequence["Tensor"], root_grads: Sequence["Tensor"], retain_graph: bool,
                  create_graph: bool, wanted: Sequence["Tensor"] | None = None) -> list:
    """Propagate ``root_grads`` from ``roots`` to every leaf (or to ``wanted`` tensors only).

    With ``wanted=None`` gradients accumulate into leaves' ``.grad`` (Tensor.backward). Otherwise the
    gradients of the ``wanted`` tensors are returned in order and no ``.grad`` is touched
    (tensorgrad.grad). A node's output gradient is popped from the table as soon as its VJP ran, so
    intermediate gradients live no longer than needed.
    """
    grads: dict[int, Tensor] = {}          # id(node or leaf) -> gradient of its output so far
    leaves: dict[int, Tensor] = {}         # id(leaf) -> leaf, in the order first reached
    root_nodes = []
    for t, g in zip(roots, root_grads):
        key = t._node or t
        _accumulate(grads, id(key), g)
        if t._node is None:
            leaves[id(t)] = t
        else:
            root_nodes.append(t._node)
    wanted_nodes = set() if wanted is None else {id(w._node) for w in wanted if w._node is not None}
    captured: dict[int, Tensor] = {}

    previous_mode, check_anomalies = _mode.enabled, _mode.anomaly
    _mode.enabled = create_graph
    _mode.anomaly = False          # the VJPs' own ops are checked through what the VJPs return
    try:
        for node in toposort(root_nodes):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._retained is not None:
                _retain(node, g)
            if wanted_nodes and id(node) in wanted_nodes:
                captured[id(node)] = g
            inputs = node.inputs
            if inputs is None:
                raise _freed_error(node)
            _check_versions(node)
            input_grads = node.vjp(g)
            if check_anomalies:
                anomaly.check_backward(node, input_grads)
            for parent, inp, gi, needed in zip(node.parents, inputs, input_grads, node.needs_input_grad):
                if gi is None or not needed:
                    continue
                if gi.data.shape != inp.data.shape:
                    gi = sum_to_shape(gi, inp.data.shape, node.name)
                if gi.data.dtype != inp.data.dtype:
                    gi = gi.astype(inp.data.dtype)
                key = id(parent)
                prev = grads.get(key)
                if prev is None:
                    grads[key] = gi
                elif create_graph:
                    grads[key] = prev + gi
                else:               # plain numpy: no node to record
                    grads[key] = _make(prev.data + gi.data, None, False)
                if parent is inp:  # a leaf: its gradient is final once every node is done
                    leaves[key] = inp
            if not retain_graph:
                node.free()
    finally:
        _mode.enabled, _mode.anomaly = previous_mode, check_anomalies

    if wanted is not None:
        return [captured.get(id(w._node)) if w._node is not None else grads.get(id(w)) for w in wanted]
    given: set[int] = set()
    for key, leaf in leaves.items():
        g = grads.get(key)
        if g is None or not leaf.requires_grad:
            continue
        if leaf.grad is None:
            if not create_graph:    # each leaf owns a writeable array (grads may be shared or broadcast views)
                data = g.data
                if id(data) in given or data.base is not None or not data.flags.writeable:
                    g = _make(np.array(data), None, False)
                given.add(id(g.data))
            leaf.grad = g
        elif create_graph:
            with set_grad_enabled(True):
                leaf.grad = leaf.grad + g
        else:
            leaf.grad = _make(leaf.grad.data + g.data, None, False)
    return []


def _retain(node: Op, g: "Tensor") -> None:
    """Store the gradient of a non-leaf that asked for it with ``retain_grad()``."""
    holder = node._retained()
    if holder is not None:
        holder.grad = g if holder.grad is None else holder.grad + g


def _accumulate(table: dict, key: int, g: "Tensor") -> None:
    prev = table.get(key)
    table[key] = g if prev is None else prev + g


# --------------------------------------------------------------------------- public entry points
def _seed_grads(outputs: Sequence["Tensor"], grad_outputs: Sequence[Any] | None, who: str) -> list:
    seeds = []
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"{who}: output {i} (shape {out.shape}) does not require grad and has no graph. Make "
                f"sure a leaf it depends on was created with requires_grad=True and that it was not "
                f"computed under no_grad().")
        given = None if grad_outputs is None else grad_outputs[i]
        if given is None:
            if out.data.size != 1:
                raise RuntimeError(
                    f"{who}: grad can be implicitly created only for scalar outputs, but output {i} "
                    f"has shape {out.shape}. Reduce it first (e.g. loss.sum() or loss.mean()) or pass "
                    f"a gradient of shape {out.shape}.")
            seeds.append(_make(np.ones(out.shape, dtype=out.dtype), None, False))
        else:
            g = as_tensor(given, dtype=out.dtype)
            if g.shape != out.shape:
                raise RuntimeError(f"{who}: gradient of shape {g.shape} given for output {i} of shape {out.shape}; "
                                   f"they must match.")
            seeds.append(g)
    return seeds


def backward(tensor: "Tensor", grad: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
    """d(tensor)/d(leaf), accumulated into each leaf's ``.grad`` (see Tensor.backward)."""
    seeds = _seed_grads([tensor], None if grad is None else [grad], "backward")
    _run_backward([tensor], seeds, retain_graph or create_graph, create_graph)


def grad(outputs: "Tensor | Sequence[Tensor]", inputs: "Tensor | Sequence[Tensor]",
         grad_outputs: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple; ``.grad`` untouched.

    Sum over outputs of ``grad_outputs[k] · d outputs[k] / d inputs[i]``. With ``create_graph=True``
    the returned gradients are themselves differentiable (Hessian-vector products, gradient
    penalties). ``retain_graph`` defaults to ``create_graph``, as in PyTorch.
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and (isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple))):
        grad_outputs = [grad_outputs]
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad; create it with requires_grad=True.")
    seeds = _seed_grads(outs, grad_outputs, "grad")
    retain = create_graph if retain_graph is None else retain_graph
    result = _run_backward(outs, seeds, retain, create_graph, wanted=ins)
    for i, g in enumerate(result):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} (shape {ins[i].shape}) was not used to compute the "
                                   f"outputs. Pass allow_unused=True to get None for it.")
        elif not create_graph:
            result[i] = g.detach()
    return tuple(result)


from . import anomaly  # noqa: E402
from .tensor import Tensor, as_tensor  # noqa: E402  (tensor.py imports this module first)

_make = Tensor._make
