"""The public face of automatic differentiation: ``backward``, ``grad``, ``Function`` and the grad modes.

How it is built, one job a module: :mod:`tensorgrad.grad_mode` (recording on or off, per thread),
:mod:`tensorgrad.function` (``Function``, and ``apply``, which runs an op and records its node),
:mod:`tensorgrad.backprop` (the one graph walk, and backpropagation along it).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .backprop import run_backward, sum_to_shape, toposort, walk
from .function import Function, apply
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .tensor import Tensor, as_tensor

__all__ = ["backward", "grad", "Function", "apply", "increment_version", "no_grad", "enable_grad",
           "inference_mode", "set_grad_enabled", "is_grad_enabled", "toposort", "walk", "sum_to_shape"]


def increment_version(tensor: Tensor) -> None:
    """Record that ``tensor``'s data was changed in place by code outside tensorgrad (an optimizer's
    numpy update, say): graphs that saved it, or a view of the same memory, then refuse to backward
    through the stale value. The same as ``torch.autograd.graph.increment_version``."""
    tensor._version_counter[0] += 1


def _seeds(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None, who: str) -> list[Tensor]:
    """The gradient each output starts with: the given one (checked), or 1 for a one-element output."""
    seeds = []
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"{who}: output {i} (shape {out.shape}) does not require grad and has no graph. Make sure a "
                f"leaf it depends on was created with requires_grad=True and that it was not computed under "
                f"no_grad().")
        given = None if grad_outputs is None else grad_outputs[i]
        if given is None:
            if out._data.size != 1:
                raise RuntimeError(
                    f"{who}: grad can be implicitly created only for scalar outputs, but output {i} has shape "
                    f"{out.shape}. Reduce it first (e.g. loss.sum() or loss.mean()) or pass a gradient of shape "
                    f"{out.shape}.")
            one = np.array(1, out.dtype) if out.ndim == 0 else np.ones(out.shape, out.dtype)   # (0-d: cheaper)
            seeds.append(Tensor._make(one, None, False))
            continue
        g = as_tensor(given, dtype=out.dtype)
        if not g.requires_grad:   # a constant seed is copied: no .grad may share the caller's array
            g = Tensor._make(np.array(g._data), None, False)
        if g.shape != out.shape:
            raise RuntimeError(f"{who}: gradient of shape {g.shape} given for output {i} of shape {out.shape}; "
                               f"they must match.")
        seeds.append(g)
    return seeds


def backward(tensor: Tensor, grad: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
    """d(tensor)/d(leaf), accumulated into each leaf's ``.grad`` (see :meth:`Tensor.backward`)."""
    seeds = _seeds([tensor], None if grad is None else [grad], "backward")
    run_backward([tensor], seeds, retain_graph or create_graph, create_graph)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor], grad_outputs: Any = None,
         retain_graph: bool | None = None, create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, as a tuple; ``.grad`` untouched.

    Σ_k grad_outputs[k] · ∂outputs[k]/∂inputs[i]. With ``create_graph=True`` the gradients are themselves
    differentiable (Hessian-vector products, gradient penalties). ``retain_graph`` defaults to
    ``create_graph``, as in PyTorch.
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and (isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple))):
        grad_outputs = [grad_outputs]
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad; create it with requires_grad=True.")
    seeds = _seeds(outs, grad_outputs, "grad")
    retain = create_graph if retain_graph is None else retain_graph
    result = run_backward(outs, seeds, retain, create_graph, wanted=ins)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} (shape {ins[i].shape}) was not used to compute the outputs. "
                               f"Pass allow_unused=True to get None for it.")
    return tuple(result)
