"""PyTorch's sequence modules: nn.Embedding, nn.RNN, nn.LSTM, nn.GRU.

Same arguments, parameter names (``weight_ih_l0``, ``bias_hh_l1_reverse`` ...), layouts ((gates·hidden, in))
and initialisation (U(-1/√hidden, 1/√hidden); Embedding N(0, 1)) as PyTorch, so state dicts exchange.
Input is (steps, batch, features), or (batch, steps, features) with ``batch_first``; each step runs the
cell op (``tg.lstm_cell`` ...).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """PyTorch's lookup table: ``weight`` (num_embeddings, embedding_dim) drawn N(0, 1), the
    ``padding_idx`` row zero and never updated."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        weight = init.default_rng().standard_normal((int(num_embeddings), int(embedding_dim))).astype(dtype)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within num_embeddings ({num_embeddings}).")
            padding_idx %= num_embeddings
            weight[padding_idx] = 0
        self.num_embeddings, self.embedding_dim, self.padding_idx = int(num_embeddings), int(embedding_dim), padding_idx
        self.weight = Parameter(weight)

    def forward(self, input: Any) -> Tensor:
        return tg.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        """PyTorch's: sizes, then padding_idx when set."""
        return f"{self.num_embeddings}, {self.embedding_dim}" + (
            "" if self.padding_idx is None else f", padding_idx={self.padding_idx}")


_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_CELLS = {"RNN_TANH": tg.rnn_tanh_cell, "RNN_RELU": tg.rnn_relu_cell, "GRU": tg.gru_cell}


class _RNNBase(Module):
    mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        who = type(self).__name__
        if not all(isinstance(v, (int, np.integer)) and v > 0 for v in (input_size, hidden_size, num_layers)):
            raise ValueError(f"{who}: input_size, hidden_size and num_layers must be positive integers, got "
                             f"{input_size!r}, {hidden_size!r}, {num_layers!r}.")
        if not 0 <= dropout < 1:
            raise ValueError(f"{who}: dropout must be in [0, 1), got {dropout!r}.")
        self.input_size, self.hidden_size, self.num_layers = int(input_size), int(hidden_size), int(num_layers)
        self.bias, self.batch_first, self.dropout, self.bidirectional = bias, batch_first, float(dropout), bidirectional
        directions = 2 if bidirectional else 1
        width = _GATES[self.mode] * self.hidden_size
        bound = 1 / math.sqrt(self.hidden_size)
        rng = init.default_rng()
        for layer in range(self.num_layers):
            for suffix in ("", "_reverse")[:directions]:
                inputs = self.input_size if layer == 0 else self.hidden_size * directions
                shapes = {"weight_ih": (width, inputs), "weight_hh": (width, self.hidden_size)}
                if bias:
                    shapes.update(bias_ih=(width,), bias_hh=(width,))
                for name, shape in shapes.items():
                    setattr(self, f"{name}_l{layer}{suffix}",
                            Parameter(rng.uniform(-bound, bound, size=shape).astype(dtype)))

    def _weights(self, layer: int, suffix: str) -> tuple[Any, ...]:
        get = lambda name: getattr(self, f"{name}_l{layer}{suffix}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    def _run(self, x: Tensor, state: list[Tensor], weights: tuple, reverse: bool) -> tuple[list[Tensor], list[Tensor]]:
        """Every step's hidden state (in time order) and the last state, for one layer and direction."""
        outputs: list[Tensor] = []
        for t in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
            if self.mode == "LSTM":
                state = list(tg.lstm_cell(x[t], (state[0], state[1]), *weights))
            else:
                state = [_CELLS[self.mode](x[t], state[0], *weights)]
            outputs.append(state[0])
        return (outputs[::-1] if reverse else outputs), state

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Any]:
        x = as_tensor(input)
        who = type(self).__name__
        unbatched = x.ndim == 2
        if unbatched:
            x = x.reshape((x.shape[0], 1, x.shape[1]))
        elif x.ndim != 3:
            raise ValueError(f"{who}: input must be (steps, batch, features) ((batch, steps, features) with batch_first=True) "
                             f"or unbatched (steps, features), got shape {x.shape}.")
        elif self.batch_first:
            x = x.transpose((1, 0, 2))
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{who}: expects input_size={self.input_size} features on the last axis, got {x.shape}.")
        directions = 2 if self.bidirectional else 1
        n, count = x.shape[1], self.num_layers * directions
        states = 2 if self.mode == "LSTM" else 1
        if hx is None:
            initial = [[tg.tensor(np.zeros((n, self.hidden_size), x.dtype))] * states for _ in range(count)]
        else:
            given = list(hx) if self.mode == "LSTM" else [hx]
            given = [as_tensor(h) for h in given]
            if unbatched:
                given = [h.reshape((h.shape[0], 1, h.shape[-1])) for h in given]
            if any(h.shape != (count, n, self.hidden_size) for h in given):
                raise ValueError(f"{who}: initial state(s) must have shape ({count}, {n}, {self.hidden_size}), got "
                                 f"{[h.shape for h in given]}.")
            initial = [[h[k] for h in given] for k in range(count)]
        finals: list[list[Tensor]] = []
        for layer in range(self.num_layers):
            sequences = []
            for d, suffix in enumerate(("", "_reverse")[:directions]):
                outputs, final = self._run(x, initial[layer * directions + d], self._weights(layer, suffix), d == 1)
                sequences.append(tg.stack(outputs, axis=0))
                finals.append(final)
            x = sequences[0] if directions == 1 else tg.concatenate(sequences, axis=-1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                keep = init.default_rng().random(x.shape) >= self.dropout
                x = x * (keep / (1 - self.dropout)).astype(x.dtype)
        h_n = [tg.stack([f[k] for f in finals], axis=0) for k in range(states)]
        if unbatched:
            x, h_n = x.reshape((x.shape[0], x.shape[2])), [h.reshape((h.shape[0], h.shape[2])) for h in h_n]
        elif self.batch_first:
            x = x.transpose((1, 0, 2))
        return x, (tuple(h_n) if self.mode == "LSTM" else h_n[0])

    def extra_repr(self) -> str:
        """PyTorch's: sizes, then the settings that differ from the defaults."""
        s = f"{self.input_size}, {self.hidden_size}"
        settings = (("num_layers", self.num_layers, 1), ("bias", self.bias, True),
                    ("batch_first", self.batch_first, False), ("dropout", self.dropout, 0.0),
                    ("bidirectional", self.bidirectional, False))
        return s + "".join(f", {name}={value!r}" for name, value, default in settings if value != default)


class RNN(_RNNBase):
    """PyTorch's Elman RNN: h_t = tanh (or relu) (x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 **kwargs: Any) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}.")
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, num_layers, **kwargs)


class LSTM(_RNNBase):
    """PyTorch's LSTM (gates i, f, g, o); returns (output, (h_n, c_n))."""
    mode = "LSTM"


class GRU(_RNNBase):
    """PyTorch's GRU (gates r, z, n); returns (output, h_n)."""
    mode = "GRU"
