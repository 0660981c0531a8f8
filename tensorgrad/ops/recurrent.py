"""Recurrent cells, one time step each, with PyTorch's layouts: weights (gates·hidden, in) and gate
orders (LSTM i, f, g, o; GRU r, z, n). Composed from ops, so their gradients (and second derivatives)
are those of the ops; a sequence layer calls a cell once per step.
"""
from __future__ import annotations

from typing import Any

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


def lstm_cell(input: Any, hx: tuple[Any, Any], w_ih: Any, w_hh: Any, b_ih: Any = None,
              b_hh: Any = None) -> tuple[Tensor, Tensor]:
    """(h', c') of an LSTM step: [i, f, g, o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh,
    c' = σ(f) c + σ(i) tanh(g),  h' = σ(o) tanh(c')."""
    x, (h, c) = lift(input), (lift(hx[0]), lift(hx[1]))
    _check("lstm_cell", x, h, lift(w_ih), lift(w_hh), 4)
    a, b = _gates(x, h, w_ih, w_hh, b_ih, b_hh)
    z = a + b
    n = h.shape[-1]
    c_new = sigmoid(z[..., n:2 * n]) * c + sigmoid(z[..., :n]) * tanh(z[..., 2 * n:3 * n])
    return sigmoid(z[..., 3 * n:]) * tanh(c_new), c_new


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
