"""The fused affine layer a = f(x @ W + b): one node instead of three (matmul, add, activation).

Dense layers spend most of their time here; fusing saves two nodes, two temporaries and the
un-broadcasting of the bias gradient. The node is labelled by what it computes (``linear`` or
``linear+relu``), so graph pictures stay honest.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift

ACTIVATIONS = (None, "relu", "tanh")


class Linear(Function):
    """z = x W + b,  a = f(z) with f ∈ {identity, relu, tanh};
    dL/dz = g ⊙ f'(z)  (f' = 1, [a > 0], 1 - a²),  dL/dx = dL/dz Wᵀ,  dL/dW = xᵀ dL/dz,  dL/db = Σ_rows dL/dz."""

    @staticmethod
    def forward(ctx, x, w, b=None, activation=None):
        a = x @ w
        if b is not None:
            a += b
        if activation == "relu":
            np.maximum(a, 0, out=a)
        elif activation == "tanh":
            np.tanh(a, out=a)
        ctx.save_for_backward(x, w, a if activation else None)
        ctx.activation = activation
        ctx.name = "linear" if activation is None else f"linear+{activation}"
        return a

    @staticmethod
    def backward(ctx, g):
        x, w, a = ctx.saved_tensors
        if ctx.activation == "relu":
            g = g * (a > 0)
        elif ctx.activation == "tanh":
            g = g * (1 - a * a)
        rows = g.reshape((-1, g.shape[-1]))         # batched inputs: every leading position is a sample
        need = ctx.needs_input_grad
        gx = g @ w.T if need[0] else None
        gw = x.reshape((-1, x.shape[-1])).T @ rows if need[1] else None
        if len(need) == 2:
            return gx, gw
        return gx, gw, (rows.sum(axis=0) if need[2] else None)

def linear(x: Any, weight: Any, bias: Any = None, activation: str | None = None) -> Tensor:
    """f(x @ weight + bias) as one op; ``weight`` is (in_features, out_features) and ``activation`` is None,
    'relu' or 'tanh'."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"linear: activation must be one of {ACTIVATIONS}, got {activation!r}; apply other "
                         f"activations after the layer.")
    x, w = lift(x), lift(weight)
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (in_features, out_features), got shape {w.shape}.")
    if x.ndim == 0 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"linear: input of shape {x.shape} has {x.shape[-1] if x.ndim else 0} features on its last "
                         f"axis, but the weight of shape {w.shape} expects {w.shape[0]}.")
    if bias is None:
        return Linear.apply(x, w, activation=activation)
    b = lift(bias, w)
    if b.shape != (w.shape[1],):
        raise ValueError(f"linear: bias must have shape ({w.shape[1]},) to match the weight {w.shape}, got {b.shape}.")
    return Linear.apply(x, w, b, activation=activation)
