"""The fused affine layer a = f(x @ W + b), one node instead of three (matmul, add, activation).

Dense layers spend almost all their time here; fusing saves the Python overhead of two extra nodes,
two temporaries, and the un-broadcasting of the bias gradient. The node is labelled by what it
computes (``linear`` or ``linear+relu``), so graph pictures stay honest.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift
from . import _kernels as kernels

ACTIVATIONS = (None, "relu", "tanh")


class Linear(Op):
    """z = x W + b,  a = f(z) with f ∈ {identity, relu, tanh};
    dL/dz = g ⊙ f'(z)  (f' = 1, [a > 0], 1 - a²),  dL/dx = dL/dz Wᵀ,  dL/dW = xᵀ dL/dz,  dL/db = 1ᵀ dL/dz.
    With ``weight_out_in`` the weight is stored (out, in) as PyTorch's, V = Wᵀ: z = x Vᵀ + b,
    dL/dx = dL/dz V,  dL/dV = dL/dzᵀ x (the gradient keeps V's layout)."""
    __slots__ = ("activation", "weight_out_in")
    saves_output = True

    @property
    def name(self) -> str:  # type: ignore[override]
        return "linear" if self.activation is None else f"linear+{self.activation}"

    def forward(self, x, w, *bias, activation, weight_out_in=False):
        self.activation = activation
        self.weight_out_in = weight_out_in
        z = x @ (w.T if weight_out_in else w)
        if bias:
            z += bias[0]
        if activation == "relu":
            kernels.relu(z, out=z)
        elif activation == "tanh":
            np.tanh(z, out=z)
        return z

    def vjp(self, g):
        values = self.values()
        x, w = values[0], values[1]
        need = self.needs_input_grad
        if self.activation == "relu":
            g = g * (self.out_data > 0)
        elif self.activation == "tanh":
            a = self.output()
            g = g * (1 - a * a)
        if g.ndim != 2:            # batched inputs: the weight sees every leading position as a sample
            x = x.reshape((-1, x.shape[-1]))
            g2 = g.reshape((-1, g.shape[-1]))
        else:
            g2 = g
        if self.weight_out_in:
            gx = g @ w if need[0] else None
            gw = g2.T @ x if need[1] else None
        else:
            gx = g @ w.T if need[0] else None
            gw = x.T @ g2 if need[1] else None
        if len(need) == 2:
            return gx, gw
        # the bias gradient 1ᵀ g: through BLAS, and as a matmul it is recorded under create_graph too
        return gx, gw, (kernels.constant(1, g2.shape[:1], g2.dtype) @ g2 if need[2] else None)


def linear(x: Any, weight: Any, bias: Any = None, activation: str | None = None) -> Tensor:
    """f(x @ weight + bias) as one op; ``activation`` is None, 'relu' or 'tanh'."""
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
        return apply(Linear, x, w, activation=activation)
    b = lift(bias, w)
    if b.shape != (w.shape[1],):
        raise ValueError(f"linear: bias must have shape ({w.shape[1]},) to match the weight {w.shape}, got {b.shape}.")
    return apply(Linear, x, w, b, activation=activation)
