"""The tape: how ops are recorded, and the one graph walk that runs them backwards.

Every differentiable primitive is an :class:`Op`. Calling it through :func:`apply` runs its
``forward`` on numpy arrays and, when gradients are being recorded, returns a Tensor whose ``_node``
is the Op instance itself: the Op keeps its input Tensors (for its VJP) and its parents (the graph's
edges). ``backward`` walks the nodes without recursion, newest first, calls each node's ``vjp`` once with the
summed gradient of its output, sums every input gradient back to the input's shape in one place
(:func:`sum_to_shape`), and frees each node as soon as it is done unless the graph is retained.

Each VJP is written once and runs in two modes. A plain backward (the usual ``loss.backward()``)
calls it on numpy arrays: nothing is recorded, so nothing needs wrapping in Tensors, and the
gradient table holds arrays. With ``create_graph=True`` the same VJP runs on Tensors with recording
switched on, so the backward pass is itself a graph and can be differentiated again. VJPs reach
their saved values through :meth:`Op.values` and :meth:`Op.output`, which give whichever the mode
needs, and write their formulas with operators, methods, and the functions of
``tensorgrad.ops._namespace.functions()``.
"""
from __future__ import annotations

import contextlib
import heapq
import itertools
import operator
import threading
from typing import Any, Iterable, Iterator, Sequence

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
    """A primitive: ``forward`` on numpy arrays and its ``vjp``, side by side.

    Subclasses implement ``forward(self, *arrays, **attrs) -> ndarray`` (keeping on ``self`` what the
    VJP needs) and ``vjp(self, g) -> tuple`` with one gradient (or None for "no gradient") per input.
    ``g`` is a numpy array in a plain backward and a Tensor under ``create_graph`` (so
    ``isinstance(g, Tensor)`` tells a VJP which pass it is in); inside ``vjp``,
    ``self.values()`` are the inputs and ``self.output()`` the result in the same form (as Tensors
    they are attached to the graph, so second derivatives see through them), and
    ``self.needs_input_grad[i]`` says whether input ``i`` wants a gradient at all. A VJP may return
    arrays or Tensors in either mode (a constant gradient is simplest as an array); the tape converts.
    Write the VJP with operators, the methods arrays and Tensors share (``.sum``, ``.reshape``, ``.T``,
    ``.astype``) and ``tensorgrad.ops._namespace.functions()``; Tensor-only methods such as ``.exp()``
    or ``.data`` do not exist on the arrays of a plain backward.
    """

    __slots__ = ("inputs", "parents", "needs_input_grad", "out_data", "_shape", "_dtype", "_retained",
                 "versions", "out_cell", "out_version", "seq", "trace", "__weakref__")
    name = "op"
    saves_output = False   # True when the VJP reads self.output(): then the output must not change in place
    may_alias = False      # True when the output can be a numpy view of input 0 (then they share a version counter)

    def forward(self, *arrays: np.ndarray, **attrs: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def vjp(self, g: "np.ndarray | Tensor") -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def values(self) -> tuple:
        """The saved inputs as the VJP computes with them: numpy arrays in a plain backward, the input
        Tensors when the backward is recorded (create_graph)."""
        if _mode.enabled:
            return self.inputs
        return tuple(map(_data_of, self.inputs))

    def output(self) -> "Tensor | np.ndarray":
        """The forward result: an array in a plain backward; under create_graph a Tensor whose node
        is this op, so second derivatives see through it."""
        if not _mode.enabled:
            return self.out_data
        t = Tensor._make(self.out_data, self, True)
        t._version_counter = self.out_cell
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
        out = self.out_data
        if out is not None:
            self._shape, self._dtype = out.shape, out.dtype
        self.inputs = self.out_data = None

    def __repr__(self) -> str:
        return f"<{self.name} node, output shape {getattr(self, 'shape', '?')}>"


def apply(op_cls: type[Op], *inputs: "Tensor", **attrs: Any) -> "Tensor":
    """Run ``op_cls`` forward on the inputs' data; record a node when any input requires grad.

    The hot path of the whole library (every op of every forward and backward pass goes through
    it), hence the unrolled cases for one, two and three inputs (three: the fused linear layer).
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
        elif n == 3:
            a, b, c = inputs
            out = op.forward(a.data, b.data, c.data, **attrs)
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
    recorded = False
    if mode.enabled:
        if n == 2:
            need_a, need_b = a.requires_grad, b.requires_grad
            if need_a or need_b:
                recorded = True
                op.needs_input_grad = (need_a, need_b)
                op.parents = (a._node or a, b._node or b)
                op.versions = (a._version_counter[0], b._version_counter[0])
        elif n == 1:
            if a.requires_grad:
                recorded = True
                op.needs_input_grad = (True,)
                op.parents = (a._node or a,)
                op.versions = (a._version_counter[0],)
        elif n == 3:
            need_a, need_b, need_c = a.requires_grad, b.requires_grad, c.requires_grad
            if need_a or need_b or need_c:
                recorded = True
                op.needs_input_grad = (need_a, need_b, need_c)
                op.parents = (a._node or a, b._node or b, c._node or c)
                op.versions = (a._version_counter[0], b._version_counter[0], c._version_counter[0])
        else:
            needs = tuple([t.requires_grad for t in inputs])
            if True in needs:
                recorded = True
                op.needs_input_grad = needs
                op.parents = tuple([t._node or t for t in inputs])
                op.versions = tuple([t._version_counter[0] for t in inputs])
    if mode.anomaly:
        anomaly.check_forward(op, out)
    t = _new(Tensor)                # Tensor._make, inlined: this runs for every op
    t.data, t.grad, t.requires_grad = out, None, recorded
    t._version_counter = inputs[0]._version_counter if op_cls.may_alias and np.may_share_memory(out, inputs[0].data) else [0]
    if recorded:                    # make op a node of the graph
        t._node = op
        op.inputs, op.out_data, op._retained = inputs, out, None
        op.seq = next(_creation_order)
        op.out_cell, op.out_version = t._version_counter, t._version_counter[0]
    else:
        t._node = None
    return t


_creation_order = itertools.count()   # a node's seq: every consumer is made after the nodes it consumes
_new = object.__new__
_data_of = operator.attrgetter("data")


def _check_versions(node: Op) -> None:
    """Raise if any input ``node`` saved for its VJP was changed in place since the node ran."""
    for inp, version in zip(node.inputs, node.versions):
        if inp._version_counter[0] != version:
            raise _modified_input_error(node, inp)


def _modified_input_error(node: Op, t: "Tensor") -> RuntimeError:
    """A node's saved input ``t`` was changed in place after the node ran: its gradient would be wrong."""
    i = next(j for j, inp in enumerate(node.inputs) if inp is t)
    v = node.versions[i]
    return RuntimeError(
        f"{node.name}: input {i} (shape {t.shape}) that it saved for backward was modified in "
        f"place: its version is {t._version}, it was {v} when {node.name} ran, so its gradient "
        f"would be wrong. Do the in-place change (e.g. optimizer.step()) after backward(), or "
        f"use an out-of-place op (x = x + 1).")


def _modified_output_error(node: Op) -> RuntimeError:
    """A node whose VJP reuses its output saw that output changed in place."""
    return RuntimeError(
        f"{node.name}: its output (shape {node.shape}), which its derivative reuses, was modified in "
        f"place: its version is {node.out_cell[0]}, it was {node.out_version} when {node.name} ran, so "
        f"its gradient would be wrong. Use an out-of-place op instead.")


# --------------------------------------------------------------------------- the one graph walk
def walk(roots: Iterable[Op]) -> Iterator[Op]:
    """Every node reachable from ``roots``, once each, every consumer before the nodes it consumes.

    Nodes come out in reverse order of creation (a max-heap on ``seq``): a node is always made after
    the nodes that made its inputs, so when it comes out, every node that uses its output has come out
    already. No recursion, so graphs of millions of nodes are fine, and the order is deterministic.
    Lazy, so backward frees each node before the walk goes on.
    """
    heap: list[tuple[int, int, Op]] = []
    seen: set[Op] = set()          # nodes hash by identity
    for r in roots:
        if r not in seen:
            seen.add(r)
            heap.append((-r.seq, id(r), r))
    heapq.heapify(heap)
    pop, push, visit = heapq.heappop, heapq.heappush, seen.add
    while heap:
        node = pop(heap)[2]
        yield node
        for parent in node.parents:
            if isinstance(parent, Op) and parent not in seen:
                visit(parent)
                push(heap, (-parent.seq, id(parent), parent))   # (id: never compare two Ops)


def toposort(roots: Iterable[Op]) -> list[Op]:
    """All nodes reachable from ``roots`` as a list, each before the nodes that produced its inputs."""
    return list(walk(roots))


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
    (tensorgrad.grad). The gradient table holds numpy arrays in a plain backward and Tensors under
    ``create_graph``; the same arithmetic serves both. A node's output gradient is popped from the
    table when its VJP runs, so intermediate gradients live no longer than needed.
    """
    plain = not create_graph
    table_type = np.ndarray if plain else Tensor   # the form gradients are kept in
    # Keys are the nodes and leaves themselves: both hash by identity (object.__hash__), and distinct
    # live objects never share a hash, so a lookup never reaches Tensor's elementwise __eq__.
    # A node's entry is popped when its VJP runs, so once the walk is done only the leaves' are left.
    grads: dict[Any, Any] = {}             # node or leaf -> gradient of its output so far
    get_grad, pop_grad = grads.get, grads.pop
    root_nodes = []
    for t, g in zip(roots, root_grads):
        key = t._node or t
        g = g.data if plain else g
        prev = get_grad(key)
        grads[key] = g if prev is None else prev + g
        if t._node is not None:
            root_nodes.append(t._node)
    wanted_nodes = set() if wanted is None else {w._node for w in wanted if w._node is not None}
    captured: dict[Op, Any] = {}

    previous_mode, check_anomalies = _mode.enabled, _mode.anomaly
    _mode.enabled = create_graph
    _mode.anomaly = False          # the VJPs' own ops are checked through what the VJPs return
    try:
        for node in walk(root_nodes):
            g = pop_grad(node, None)
            if g is None:
                continue
            if node._retained is not None:
                _retain(node, g)
            if wanted_nodes and node in wanted_nodes:
                captured[node] = g
            inputs = node.inputs
            if inputs is None:
                raise _freed_error(node)
            if node.saves_output and node.out_cell[0] != node.out_version:
                raise _modified_output_error(node)
            if check_anomalies:        # before the VJP, so a changed input is named rather than its NaNs
                _check_versions(node)
            try:
                input_grads = node.vjp(g)
            except Exception:          # stale inputs may be why: then say that instead
                _check_versions(node)
                raise
            if len(input_grads) != len(inputs):
                raise RuntimeError(f"{node.name}: its vjp returned {len(input_grads)} gradients for {len(inputs)} "
                                   f"inputs; it must return one per input (None for no gradient).")
            if check_anomalies:
                anomaly.check_backward(node, input_grads)
            for parent, inp, gi, needed, version in zip(node.parents, inputs, input_grads, node.needs_input_grad,
                                                        node.versions):
                if inp._version_counter[0] != version:   # each saved input unchanged since the forward (checked after the
                    raise _modified_input_error(node, inp)   # VJP, which is cheaper; nothing is kept on error)
                if gi is None or not needed:
                    continue
                if type(gi) is not table_type:   # VJPs may return either form (or a numpy scalar)
                    gi = _in_table_form(gi, plain)
                data = inp.data
                if gi.shape != data.shape:
                    gi = sum_to_shape(gi, data.shape, node.name)
                if gi.dtype is not data.dtype and gi.dtype != data.dtype:   # (identity: the usual case, cheaply)
                    gi = gi.astype(data.dtype)
                prev = get_grad(parent)
                grads[parent] = gi if prev is None else prev + gi
            if not retain_graph:
                node.free()
    finally:
        _mode.enabled, _mode.anomaly = previous_mode, check_anomalies

    if wanted is not None:
        found = [captured.get(w._node) if w._node is not None else get_grad(w) for w in wanted]
        return [_as_tensor_grad(g) if plain and g is not None else g for g in found]
    given: set[int] = set()
    for leaf, g in grads.items():   # only leaves are left, in the order first reached
        if not leaf.requires_grad:
            continue
        if not plain:
            if leaf.grad is None:
                leaf.grad = g
            else:
                with set_grad_enabled(True):
                    leaf.grad = leaf.grad + g
        elif leaf.grad is None:     # each leaf owns a writeable array (grads may be shared or broadcast views)
            if id(g) in given or type(g) is not np.ndarray or g.base is not None or not g.flags.writeable:
                g = np.array(g)
            given.add(id(g))
            leaf.grad = t = _new(Tensor)    # Tensor._make, inlined
            t.data, t.grad, t.requires_grad, t._node, t._version_counter = g, None, False, None, [0]
        else:
            leaf.grad = _make(np.asarray(leaf.grad.data + g), None, False)   # (0-d + 0-d is a numpy scalar)
    return []


def _in_table_form(g: Any, plain: bool) -> Any:
    """A VJP's gradient as the table keeps it: an ndarray in a plain backward, else a Tensor (an array
    under create_graph is a constant, with no graph behind it)."""
    if isinstance(g, Tensor):
        return g.data if plain else g
    return np.asarray(g) if plain else _make(np.asarray(g), None, False)


def _as_tensor_grad(g: Any) -> "Tensor":
    """A plain backward's array gradient as a constant Tensor (0-d numpy scalars become arrays)."""
    return _make(g if type(g) is np.ndarray else np.asarray(g), None, False)


def _retain(node: Op, g: Any) -> None:
    """Store the gradient of a non-leaf that asked for it with ``retain_grad()``."""
    holder = node._retained()
    if holder is None:
        return
    if not isinstance(g, Tensor):
        g = _make(np.array(g), None, False)
    holder.grad = g if holder.grad is None else holder.grad + g


def increment_version(tensor: "Tensor") -> None:
    """Record that ``tensor``'s data was changed in place by code outside tensorgrad (an optimizer's
    numpy update, say): graphs that saved it, or a view of the same memory, then refuse to backward
    through the stale value. The same as ``torch.autograd.graph.increment_version``."""
    tensor._version_counter[0] += 1


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
            data = out.data
            if data.size != 1:
                raise RuntimeError(
                    f"{who}: grad can be implicitly created only for scalar outputs, but output {i} "
                    f"has shape {out.shape}. Reduce it first (e.g. loss.sum() or loss.mean()) or pass "
                    f"a gradient of shape {out.shape}.")
            one = np.array(1, dtype=data.dtype) if data.ndim == 0 else np.ones(data.shape, dtype=data.dtype)
            seeds.append(_make(one, None, False))   # (np.array: a quarter of np.ones' cost, for the usual scalar loss)
        else:
            g = as_tensor(given, dtype=out.dtype)
            if not g.requires_grad:    # a constant seed is copied: no .grad may share the caller's array
                g = _make(np.array(g.data), None, False)
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
        if g is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} (shape {ins[i].shape}) was not used to compute the "
                               f"outputs. Pass allow_unused=True to get None for it.")
    return tuple(result)


from . import anomaly  # noqa: E402
from .tensor import Tensor, as_tensor  # noqa: E402  (tensor.py imports this module first)

_make = Tensor._make
