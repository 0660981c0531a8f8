"""The one graph walk, and backpropagation along it.

:func:`walk` yields the nodes behind some outputs, each consumer before the nodes it consumes.
:func:`run_backward` follows it once: each node's ``backward`` gets the summed gradient of its output,
each input's gradient is summed back to the input's shape in one place (:func:`sum_to_shape`), and each
node is freed as soon as it is done unless the graph is retained.

The gradient table holds numpy arrays in a plain backward and Tensors under ``create_graph`` (then
recording stays on while the rules run, so the backward pass is itself a graph); the same arithmetic
serves both.
"""
from __future__ import annotations

import heapq
import threading
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from . import anomaly
from .function import Function
from .grad_mode import enable_grad, mode
from .tensor import Tensor

_leaf_lock = threading.Lock()   # leaves may be shared by backward passes running in several threads


def walk(roots: Iterable[Function]) -> Iterator[Function]:
    """Every node reachable from ``roots``, once each, every consumer before the nodes it consumes.

    Nodes come out in reverse order of creation (a max-heap on ``seq``): a node is always made after the
    nodes that made its inputs, so when it comes out every node that uses its output has come out
    already. No recursion, so graphs of millions of nodes are fine; lazy, so backward can free each node
    before the walk goes on.
    """
    heap = [(-r.seq, id(r), r) for r in set(roots)]   # (id: two nodes are never compared)
    heapq.heapify(heap)
    seen = set(roots)
    while heap:
        node = heapq.heappop(heap)[2]
        yield node
        for parent in node.parents:
            if isinstance(parent, Function) and parent not in seen:
                seen.add(parent)
                heapq.heappush(heap, (-parent.seq, id(parent), parent))


def toposort(roots: Iterable[Function]) -> list[Function]:
    """All nodes reachable from ``roots`` as a list, each before the nodes that produced its inputs."""
    return list(walk(roots))


def sum_to_shape(g: Any, shape: tuple[int, ...], op_name: str = "op") -> Any:
    """Sum a broadcast gradient back to ``shape`` (numpy broadcasting run in reverse).

    The single place where un-broadcasting happens: leading axes are summed away, axes that were size 1
    are summed with keepdims. A gradient that broadcasting ``shape`` could not have made is a bug in the
    op's backward, reported with the op's name and both shapes.
    """
    gshape = g.shape
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s != 1 and s != gs for s, gs in zip(shape, gshape[lead:])):
        raise RuntimeError(f"{op_name}: its backward returned a gradient of shape {gshape} for an input of shape "
                           f"{shape}; it cannot be summed back to that shape. This is a bug in the op's backward.")
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape) if g.shape != shape else g


def run_backward(roots: Sequence[Tensor], seeds: Sequence[Tensor], retain_graph: bool, create_graph: bool,
                 wanted: Sequence[Tensor] | None = None) -> list:
    """Propagate ``seeds`` from ``roots`` to every leaf (into ``.grad``), or to the ``wanted`` tensors
    only (returned in order, ``.grad`` untouched)."""
    grads: dict[Any, Any] = {}     # node or leaf -> gradient of its output so far (both hash by identity)
    for t, seed in zip(roots, seeds):
        key, g = t._node or t, seed if create_graph else seed._data
        grads[key] = g if key not in grads else grads[key] + g
    wanted_nodes = {w._node for w in wanted or () if w._node is not None}
    captured: dict[Function, Any] = {}
    previous = mode.enabled, mode.anomaly
    mode.enabled, mode.anomaly = create_graph, False   # the rules' own ops are checked through their results
    try:
        for node in walk([t._node for t in roots if t._node is not None]):
            g = grads.pop(node, None)
            if g is None:
                continue
            if node in wanted_nodes:
                captured[node] = g
            if node.retained is not None:
                _retain(node, g)
            input_grads = _call_backward(node, g, create_graph, previous[1])
            for parent, x, gx, needed in zip(node.parents, node.inputs, input_grads, node.needs_input_grad):
                if needed and gx is not None:
                    data = x._data
                    if create_graph or type(gx) is not np.ndarray or gx.shape != data.shape or gx.dtype != data.dtype:
                        gx = _fit(gx, x, create_graph, node.name)
                    so_far = grads.get(parent)
                    grads[parent] = gx if so_far is None else so_far + gx
            if not retain_graph:
                node.free()
    finally:
        mode.enabled, mode.anomaly = previous
    if wanted is not None:
        found = [captured.get(w._node) if w._node is not None else grads.get(w) for w in wanted]
        return [g if g is None or create_graph else Tensor._make(np.asarray(g), None, False) for g in found]
    with _leaf_lock:
        given: set[int] = set()
        for leaf, g in grads.items():   # only leaves are left
            if leaf.requires_grad:
                _give_leaf(leaf, g, create_graph, given)
    return []


def _call_backward(node: Function, g: Any, create_graph: bool, check_anomalies: bool) -> tuple:
    """``node``'s backward on ``g``: one gradient per input, or an error naming the op."""
    if node.inputs is None:
        raise RuntimeError(
            f"Trying to backward through the graph a second time: the {node.name} node's saved tensors were "
            f"freed by the first backward(). Pass retain_graph=True to the first backward() (or tensorgrad.grad) "
            f"if you need to backward through the same graph again.")
    if node.create_graph is not create_graph:    # (the class default, False, serves a plain pass)
        node.create_graph = create_graph
    input_grads = type(node).backward(node, g)
    if not isinstance(input_grads, tuple):
        input_grads = (input_grads,)
    if len(input_grads) != len(node.inputs):
        raise RuntimeError(f"{node.name}: its backward returned {len(input_grads)} gradients for "
                           f"{len(node.inputs)} inputs; it must return one per input (None for no gradient).")
    if check_anomalies:
        anomaly.check_backward(node, input_grads)
    return input_grads


def _fit(g: Any, x: Tensor, create_graph: bool, op_name: str) -> Any:
    """A rule's gradient for input ``x`` in the table's form (array, or Tensor under create_graph),
    summed back to x's shape and cast to its dtype."""
    if create_graph:
        if not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g), None, False)   # a constant: no graph behind it
    elif type(g) is not np.ndarray:
        g = np.asarray(g._data if isinstance(g, Tensor) else g)
    data = x._data
    if g.shape != data.shape:
        g = sum_to_shape(g, data.shape, op_name)
    if g.dtype != data.dtype:
        g = g.astype(data.dtype)
    return g


def _give_leaf(leaf: Tensor, g: Any, create_graph: bool, given: set[int]) -> None:
    """Add ``g`` to ``leaf.grad``. In a plain pass each leaf owns a writeable array of its own (a rule may
    return a view, a read-only broadcast, or one array for two inputs), so changing one ``.grad`` in
    place never changes another; a fresh array is taken as it is."""
    if create_graph:
        with enable_grad():
            leaf.grad = g if leaf.grad is None else leaf.grad + g
    elif leaf.grad is None:
        if id(g) in given or type(g) is not np.ndarray or g.base is not None or not g.flags.writeable:
            g = np.array(g)
        given.add(id(g))
        leaf.grad = Tensor._make(g, None, False)
    else:
        leaf.grad = Tensor._make(np.asarray(leaf.grad._data + g), None, False)


def _retain(node: Function, g: Any) -> None:
    """Store the gradient of a non-leaf that asked for it with ``retain_grad()``."""
    holder = node.retained()
    if holder is not None:
        g = g if isinstance(g, Tensor) else Tensor._make(np.array(g), None, False)
        holder.grad = g if holder.grad is None else holder.grad + g
