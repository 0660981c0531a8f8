"""The fused affine layer a = f(x @ W + b): one node instead of three (matmul, add, activation).

Dense layers spend most of their time here; fusing saves two nodes, two temporaries and the
un-broadcasting of the bias gradient. The node is labelled by what it computes (``linear`` or
``linear+relu``), so graph pictures stay honest. The weight may be stored (in, out), as a Keras kernel,
or (out, in), as a PyTorch weight; either is read in place, never copied.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift

ACTIVATIONS = (None, "relu", "tanh")
NODE_NAMES = {None: "linear", "relu": "linear+relu", "tanh": "linear+tanh"}   # what the node computes
LAYOUTS = ("in_out", "out_in")


class Linear(Function):
    """z = x W + b,  a = f(z) with f ∈ {identity, relu, tanh};
    dL/dz = g ⊙ f'(z)  (f' = 1, [a > 0], 1 - a²),  dL/dx = dL/dz Wᵀ,  dL/dW = xᵀ dL/dz,  dL/db = Σ_rows dL/dz.
    With the weight stored (out, in) as V = Wᵀ (PyTorch's layout): z = x Vᵀ + b, dL/dx = dL/dz V,
    dL/dV = dL/dzᵀ x (the gradient keeps V's layout)."""

    @staticmethod
    def forward(ctx, x, w, b=None, activation=None, weight_layout="in_out"):
        out_in = weight_layout == "out_in"
        a = x @ (w.T if out_in else w)
        if b is not None:
            a += b
        if activation == "relu":
            np.maximum(a, 0, out=a)
        elif activation == "tanh":
            np.tanh(a, out=a)
        ctx.save_for_backward(x, w, a if activation else None)
        ctx.activation, ctx.out_in = activation, out_in
        ctx.name = NODE_NAMES[activation]
        return a

    @staticmethod
    def backward(ctx, g):
        x, w, a = ctx.saved_tensors
        if ctx.activation == "relu":
            g = g * (a > 0)
        elif ctx.activation == "tanh":
            g = g * (1 - a * a)
        rows = g.reshape((-1, g.shape[-1]))         # batched inputs: every leading position is a sample
        x_rows = x.reshape((-1, x.shape[-1]))
        need = ctx.needs_input_grad
        gx = (g @ w if ctx.out_in else g @ w.T) if need[0] else None
        gw = (rows.T @ x_rows if ctx.out_in else x_rows.T @ rows) if need[1] else None
        if len(need) == 2:
            return gx, gw
        return gx, gw, (rows.sum(axis=0) if need[2] else None)


def linear(x: Any, weight: Any, bias: Any = None, activation: str | None = None,
           weight_layout: str = "in_out") -> Tensor:
    """f(x @ W + bias) as one op. ``weight_layout`` 'in_out': weight is (in_features, out_features), a Keras
    kernel; 'out_in': (out_features, in_features), a PyTorch weight (x Wᵀ). ``activation``: None, 'relu', 'tanh'."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"linear: activation must be one of {ACTIVATIONS}, got {activation!r}; apply other "
                         f"activations after the layer.")
    if weight_layout not in LAYOUTS:
        raise ValueError(f"linear: weight_layout must be 'in_out' (Keras kernel) or 'out_in' (PyTorch weight), "
                         f"got {weight_layout!r}.")
    x, w = lift(x), lift(weight)
    layout = "(in_features, out_features)" if weight_layout == "in_out" else "(out_features, in_features)"
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d {layout}, got shape {w.shape}.")
    fan_in, fan_out = w.shape if weight_layout == "in_out" else w.shape[::-1]
    if x.ndim == 0 or x.shape[-1] != fan_in:
        raise ValueError(f"linear: input of shape {x.shape} has {x.shape[-1] if x.ndim else 0} features on its last "
                         f"axis, but the weight {layout} = {w.shape} expects {fan_in}.")
    if bias is None:
        return Linear.apply(x, w, activation=activation, weight_layout=weight_layout)
    b = lift(bias, w)
    if b.shape != (fan_out,):
        raise ValueError(f"linear: bias must have shape ({fan_out},) to match the weight {w.shape}, got {b.shape}.")
    return Linear.apply(x, w, b, activation=activation, weight_layout=weight_layout)
