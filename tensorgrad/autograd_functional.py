"""``tensorgrad.autograd.functional`` (PyTorch's ``torch.autograd.functional``): the Jacobian and Hessian of a
function, and vector-Jacobian / Jacobian-vector / Hessian-vector products, built on
:func:`tensorgrad.autograd.grad` (one backward pass per output entry for a Jacobian).

    >>> jacobian(lambda x: x.exp(), tg.ones(2))      # diag(e^x)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import ops
from .autograd import enable_grad, grad
from .tensor import Tensor


def _as_tuple(x: Any) -> tuple[tuple[Tensor, ...], bool]:
    """(the tensors, whether they were given as one tensor)."""
    return ((x,), True) if isinstance(x, Tensor) else (tuple(x), False)


def _zeros(x: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(x.numpy(force=True)), None, False)


def _leaves(inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Inputs the function is differentiated at: the tensors themselves under create_graph (so results stay
    differentiable in them), else fresh leaves sharing their values."""
    return tuple(x if create_graph and x.requires_grad else x.detach().requires_grad_() for x in inputs)


def _gradients(output: Tensor, xs: tuple[Tensor, ...], weight: Any, create_graph: bool) -> tuple[Tensor, ...]:
    """d(Σ weight · output)/dx for each x, zeros where the output does not depend on x."""
    if not output.requires_grad:
        return tuple(_zeros(x) for x in xs)
    gs = grad(output, xs, grad_outputs=weight, retain_graph=True, create_graph=create_graph, allow_unused=True)
    return tuple(_zeros(x) if g is None else g for g, x in zip(gs, xs))


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """J[i..., j...] = d func(inputs)[i...] / d inputs[j...], of shape output.shape + input.shape; tuples of
    inputs or outputs give (nested) tuples, as torch.autograd.functional.jacobian."""
    ins, single_in = _as_tuple(inputs)
    with enable_grad():
        xs = _leaves(ins, create_graph)
        outs, single_out = _as_tuple(func(*xs))
        per_output = []
        for out in outs:
            flat = ops.reshape(out, (-1,))
            rows = [_gradients(flat[k], xs, None, create_graph) for k in range(flat.shape[0])]
            blocks = []
            for j, x in enumerate(xs):
                stacked = ops.stack([row[j] for row in rows]) if rows else ops.mul(
                    ops.reshape(x.detach(), (1, -1))[:0], 0)
                blocks.append(ops.reshape(stacked, tuple(out.shape) + tuple(x.shape)))
            per_output.append(blocks[0] if single_in else tuple(blocks))
    return per_output[0] if single_out else tuple(per_output)


def hessian(func: Callable[..., Tensor], inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """H = d² func(inputs) / d inputs² for a function returning one number (the Jacobian of its gradient)."""
    ins, single_in = _as_tuple(inputs)

    def gradient(*xs: Tensor) -> Any:
        out = func(*xs)
        if out.numel() != 1:
            raise ValueError(f"hessian: the function must return a single number, it returned shape {out.shape}.")
        gs = _gradients(ops.reshape(out, ()), xs, None, True)
        return gs[0] if single_in else gs

    return jacobian(gradient, ins[0] if single_in else ins, create_graph=create_graph)


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), vᵀ J): the vector-Jacobian product, one backward pass."""
    ins, single_in = _as_tuple(inputs)
    with enable_grad():
        xs = _leaves(ins, create_graph)
        out = func(*xs)
        products = _gradients(out, xs, v, create_graph)
    return out if create_graph else out.detach(), products[0] if single_in else products


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick (d/du of uᵀJ v)."""
    ins, single_in = _as_tuple(inputs)
    vs = (v,) if isinstance(v, Tensor) or v is None else tuple(v)
    with enable_grad():
        xs = _leaves(ins, True)
        out = func(*xs)
        u = _zeros(out).requires_grad_()
        (ut_j) = _gradients(out, xs, u, True)
        total = None
        for g, w in zip(ut_j, vs):
            term = ops.sum(ops.mul(g, w if w is not None else _zeros(g) + 1))
            total = term if total is None else ops.add(total, term)
        product, = grad(total, [u], create_graph=create_graph, allow_unused=True)
    return out if create_graph else out.detach(), product if product is not None else _zeros(out)


def hvp(func: Callable[..., Tensor], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), H v) for a function returning one number: the gradient of (∇f)ᵀ v."""
    ins, single_in = _as_tuple(inputs)
    vs = (v,) if isinstance(v, Tensor) else tuple(v)
    with enable_grad():
        xs = _leaves(ins, True)
        out = func(*xs)
        gs = _gradients(ops.reshape(out, ()), xs, None, True)
        total = None
        for g, w in zip(gs, vs):
            term = ops.sum(ops.mul(g, w))
            total = term if total is None else ops.add(total, term)
        products = _gradients(total, xs, None, create_graph)
    return out if create_graph else out.detach(), products[0] if single_in else products


vhp = hvp   # the Hessian is symmetric: vᵀH = (Hv)ᵀ

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]
