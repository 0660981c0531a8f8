"""Recurrent cells, one time step each, with PyTorch's layouts: weights (gates·hidden, in) and gate
orders (LSTM i, f, g, o; GRU r, z, n). The RNN and GRU cells are composed from ops, so their gradients
(and second derivatives) are those of the ops; the LSTM's gates and cell update are one op with its
derivative written out (a sequence layer calls a cell once per step, and a step of a dozen small ops
costs more in bookkeeping than in arithmetic).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from .activations import relu, sigmoid, tanh
from .linear import linear


def _check(who: str, x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, gates: int) -> None:
    hidden = h.shape[-1]
    if w_ih.ndim != 2 or w_ih.shape != (gates * hidden, x.shape[-1]):
        raise ValueError(f"{who}: w_ih must have shape ({gates}·hidden, input) = ({gates * hidden}, {x.shape[-1]}) for "
                         f"input {x.shape} and hidden state {h.shape}, got {w_ih.shape}.")
    if w_hh.shape != (gates * hidden, hidden):
        raise ValueError(f"{who}: w_hh must have shape ({gates * hidden}, {hidden}), got {w_hh.shape}.")
    if x.shape[:-1] != h.shape[:-1]:
        raise ValueError(f"{who}: input {x.shape} and hidden state {h.shape} must have the same batch shape.")


def _gates(x: Tensor, h: Tensor, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> tuple[Tensor, Tensor]:
    """(x W_ihᵀ + b_ih, h W_hhᵀ + b_hh)."""
    return linear(x, lift(w_ih).T, b_ih), linear(h, lift(w_hh).T, b_hh)


def rnn_tanh_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Tensor:
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)."""
    x, h = lift(input), lift(hx)
    _check("rnn_tanh_cell", x, h, lift(w_ih), lift(w_hh), 1)
    a, b = _gates(x, h, w_ih, w_hh, b_ih, b_hh)
    return tanh(a + b)


def rnn_relu_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Tensor:
    """h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)."""
    x, h = lift(input), lift(hx)
    _check("rnn_relu_cell", x, h, lift(w_ih), lift(w_hh), 1)
    a, b = _gates(x, h, w_ih, w_hh, b_ih, b_hh)
    return relu(a + b)


class LSTMUpdate(Function):
    """[h', c'] stacked on a new first axis from the gates' pre-activations z = [z_i, z_f, z_g, z_o] and the cell c:
    i, f, o = σ(z_i), σ(z_f), σ(z_o),  g = tanh(z_g),  c' = f c + i g,  h' = o tanh(c').
    With t = tanh(c') and the incoming gradients (ḡ_h, ḡ_c):  ĉ = ḡ_c + ḡ_h o (1 - t²),
    dL/dz = [ĉ g i(1 - i), ĉ c f(1 - f), ĉ i (1 - g²), ḡ_h t o(1 - o)],  dL/dc = ĉ f."""
    name = "lstm_cell"

    @staticmethod
    def forward(ctx, z, c):
        i, f, g, o = _lstm_gates(ctx.F, z, c.shape[-1])
        c_new = f * c + i * g
        ctx.save_for_backward(z, c)
        return np.stack([o * np.tanh(c_new), c_new])

    @staticmethod
    def backward(ctx, grad):
        z, c = ctx.saved_tensors
        F, n = ctx.F, c.shape[-1]
        i, f, g, o = _lstm_gates(F, z, n)
        t = F.tanh(f * c + i * g)
        g_h = grad[0]
        g_c = grad[1] + g_h * o * (1 - t * t)
        dz = F.concatenate([g_c * g * i * (1 - i), g_c * c * f * (1 - f), g_c * i * (1 - g * g), g_h * t * o * (1 - o)],
                           axis=-1)
        return dz, g_c * f


def _lstm_gates(F: Any, z: Any, n: int) -> tuple[Any, Any, Any, Any]:
    """σ(z_i), σ(z_f), tanh(z_g), σ(z_o) from the (…, 4n) pre-activations, in PyTorch's gate order (one σ over
    all four: a call on the whole array costs less than three on strided quarters)."""
    s = F.sigmoid(z)
    return s[..., :n], s[..., n:2 * n], F.tanh(z[..., 2 * n:3 * n]), s[..., 3 * n:]


def lstm_cell(input: Any, hx: tuple[Any, Any], w_ih: Any, w_hh: Any, b_ih: Any = None,
              b_hh: Any = None) -> tuple[Tensor, Tensor]:
    """(h', c') of an LSTM step: [z_i, z_f, z_g, z_o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh,
    c' = σ(z_f) c + σ(z_i) tanh(z_g),  h' = σ(z_o) tanh(c')."""
    x, (h, c) = lift(input), (lift(hx[0]), lift(hx[1]))
    _check("lstm_cell", x, h, lift(w_ih), lift(w_hh), 4)
    if c.shape != h.shape:
        raise ValueError(f"lstm_cell: the cell state {c.shape} must have the hidden state's shape {h.shape}.")
    a, b = _gates(x, h, w_ih, w_hh, b_ih, b_hh)
    hc = LSTMUpdate.apply(a + b, c)
    return hc[0], hc[1]


def gru_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Tensor:
    """h' of a GRU step (PyTorch's form, Keras's reset_after=True): [r, z, n] rows of W,
    r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), z likewise, n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),
    h' = (1 - z) ⊙ n + z ⊙ h."""
    x, h = lift(input), lift(hx)
    _check("gru_cell", x, h, lift(w_ih), lift(w_hh), 3)
    a, b = _gates(x, h, w_ih, w_hh, b_ih, b_hh)
    k = h.shape[-1]
    r = sigmoid(a[..., :k] + b[..., :k])
    z = sigmoid(a[..., k:2 * k] + b[..., k:2 * k])
    n = tanh(a[..., 2 * k:] + r * b[..., 2 * k:])
    return n + z * (h - n)
