"""Keras's sequence layers: Embedding, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed.

Inputs are (batch, steps, features). Weights keep Keras's layouts and initialisers (kernel (in, gates·units)
Glorot-uniform, recurrent_kernel (units, gates·units) orthogonal, zero bias; LSTM's forget-gate bias 1;
gate orders LSTM i, f, c, o and GRU z, r, h), so ``get_weights``/``set_weights`` exchange with Keras.
Each step runs tensorgrad's cell ops (``tg.lstm_cell`` ...), which take PyTorch's layouts.
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """Keras's lookup table: integer ids (batch, ...) -> vectors (batch, ..., output_dim); ``embeddings``
    (input_dim, output_dim) starts U(-0.05, 0.05)."""

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 mask_zero: bool = False, input_length: int | None = None, name: str | None = None,
                 input_shape: Any = None, dtype: Any = np.float32) -> None:
        if input_length is not None and input_shape is None:
            input_shape = (input_length,)
        super().__init__(name=name, input_shape=input_shape)
        if mask_zero:
            raise ValueError("Embedding: mask_zero=True (masking padded steps downstream) is not supported; pad with "
                             "id 0 and let the model learn to ignore it, or trim the sequences.")
        if not all(isinstance(v, (int, np.integer)) and v > 0 for v in (input_dim, output_dim)):
            raise ValueError(f"Embedding: input_dim and output_dim must be positive integers, got {input_dim!r}, "
                             f"{output_dim!r}.")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings = Parameter(init.get(embeddings_initializer)((self.input_dim, self.output_dim),
                                                                     init.default_rng(), dtype))

    def forward(self, x: Any) -> Tensor:
        return tg.embedding(x, self.embeddings)


def _check_activations(who: str, activation: Any, recurrent_activation: Any) -> None:
    if activation not in ("tanh", tg.tanh) or recurrent_activation not in ("sigmoid", tg.sigmoid, None):
        raise ValueError(f"{who}: only activation='tanh' and recurrent_activation='sigmoid' (Keras's defaults) are "
                         f"supported, got {activation!r} and {recurrent_activation!r}.")


class _Recurrent(Module):
    """The loop shared by SimpleRNN, LSTM and GRU: one cell step per time step, states carried."""
    gates = 1
    states = 1

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, input_shape: Any = None,
                 name: str | None = None, dtype: Any = np.float32) -> None:
        super().__init__(name=name, input_shape=input_shape)
        who = type(self).__name__
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{who}: units must be a positive integer, got {units!r}.")
        _check_activations(who, activation, recurrent_activation if self.gates > 1 else None)
        if not (0 <= dropout < 1 and 0 <= recurrent_dropout < 1):
            raise ValueError(f"{who}: dropout and recurrent_dropout must be in [0, 1), got {dropout}, {recurrent_dropout}.")
        self.units, self.dropout, self.recurrent_dropout = int(units), float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.kernel_initializer, self.recurrent_initializer = init.get(kernel_initializer), init.get(recurrent_initializer)
        self.bias_initializer = init.get(bias_initializer)
        self.dtype = np.dtype(dtype)
        width = self.gates * self.units
        owner = f"{who} '{self.name}'"
        self.kernel: Parameter = Parameter.uninitialized((None, width), self.dtype, f"parameter 'kernel' of {owner}")
        self.recurrent_kernel = Parameter.uninitialized((self.units, width), self.dtype,
                                                       f"parameter 'recurrent_kernel' of {owner}")
        self.bias = Parameter.uninitialized(self._bias_shape(), self.dtype, f"parameter 'bias' of {owner}") \
            if use_bias else None
        if self._declared_input_shape is not None:
            self.build(self._declared_input_shape[-1])

    def _bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def build(self, features: int) -> None:
        """Materialize kernel (features, gates·units), recurrent_kernel and bias."""
        rng, width = init.default_rng(), self.gates * self.units
        self.kernel.materialize(self.kernel_initializer((int(features), width), rng, self.dtype))
        self.recurrent_kernel.materialize(self.recurrent_initializer((self.units, width), rng, self.dtype))
        if self.bias is not None:
            self.bias.materialize(self._initial_bias(rng))

    def _initial_bias(self, rng: np.random.Generator) -> np.ndarray:
        return self.bias_initializer(self._bias_shape(), rng, self.dtype)

    def _cell_weights(self) -> tuple[Any, Any, Any, Any]:
        """(w_ih, w_hh, b_ih, b_hh) in the cell op's PyTorch layout (gates·units rows)."""
        return self.kernel.T, self.recurrent_kernel.T, self.bias, None

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        raise NotImplementedError

    def _mask(self, rate: float, shape: tuple[int, ...]) -> Any:
        if not self.training or rate == 0:
            return None
        keep = init.default_rng().random(shape) >= rate
        return (keep / (1 - rate)).astype(self.dtype)

    def forward(self, x: Any, initial_state: Any = None) -> Any:
        x = as_tensor(x, self.dtype)
        who = f"{type(self).__name__} '{self.name}'"
        if x.ndim != 3:
            raise ValueError(f"{who}: expects input of shape (batch, steps, features), got {x.shape}.")
        if not self.kernel.initialized:
            self.build(x.shape[-1])
        if x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"{who}: expects {self.kernel.shape[0]} features on the last axis, got shape {x.shape}.")
        n, steps = x.shape[0], x.shape[1]
        if initial_state is None:
            states = [tg.tensor(np.zeros((n, self.units), self.dtype)) for _ in range(self.states)]
        else:
            states = [as_tensor(s, self.dtype) for s in (initial_state if isinstance(initial_state, (list, tuple))
                                                        else [initial_state])]
            if len(states) != self.states or any(s.shape != (n, self.units) for s in states):
                raise ValueError(f"{who}: initial_state must be {self.states} tensor(s) of shape ({n}, {self.units}), "
                                 f"got {[s.shape for s in states]}.")
        weights = self._cell_weights()
        in_mask, rec_mask = self._mask(self.dropout, (n, x.shape[2])), self._mask(self.recurrent_dropout, (n, self.units))
        outputs = []
        for t in (range(steps - 1, -1, -1) if self.go_backwards else range(steps)):
            xt = x[:, t] if in_mask is None else x[:, t] * in_mask
            carried = states if rec_mask is None else [states[0] * rec_mask] + states[1:]
            states = self._step(xt, carried, weights)
            outputs.append(states[0])
        if steps == 0:
            raise ValueError(f"{who}: the input has no time steps (shape {x.shape}).")
        out = tg.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return [out, *states] if self.return_state else out


class SimpleRNN(_Recurrent):
    """h_t = tanh(x_t K + h_{t-1} R + b): kernel (in, units), recurrent_kernel (units, units), bias (units,)."""
    gates, states = 1, 1

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        return [tg.rnn_tanh_cell(x, states[0], *weights)]


class LSTM(_Recurrent):
    """Keras's LSTM: gates [i, f, c, o] = x K + h R + b; c_t = σ(f) c + σ(i) tanh(c̃), h_t = σ(o) tanh(c_t).
    ``unit_forget_bias`` starts the forget gate's bias at 1."""
    gates, states = 4, 2

    def __init__(self, units: int, *args: Any, unit_forget_bias: bool = True, **kwargs: Any) -> None:
        self.unit_forget_bias = bool(unit_forget_bias)
        super().__init__(units, *args, **kwargs)

    def _initial_bias(self, rng: np.random.Generator) -> np.ndarray:
        bias = self.bias_initializer(self._bias_shape(), rng, self.dtype)
        if self.unit_forget_bias:
            bias[self.units:2 * self.units] = 1.0
        return bias

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        return list(tg.lstm_cell(x, (states[0], states[1]), *weights))


class GRU(_Recurrent):
    """Keras's GRU (reset_after=True, its default): gates [z, r, h]; bias (2, 3·units) = input and recurrent
    biases; h_t = z h_{t-1} + (1 - z) h̃ with h̃ = tanh(x K_h + b_h + r ⊙ (h R_h + b'_h))."""
    gates, states = 3, 1

    def __init__(self, units: int, *args: Any, reset_after: bool = True, **kwargs: Any) -> None:
        if not reset_after:
            raise ValueError("GRU: only reset_after=True (Keras's default, PyTorch's formulation) is supported.")
        super().__init__(units, *args, **kwargs)

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, self.gates * self.units)

    def _cell_weights(self) -> tuple[Any, Any, Any, Any]:
        """Keras's gate order z, r, h reordered to the cell's r, z, n."""
        u = self.units
        order = np.concatenate([np.arange(u, 2 * u), np.arange(u), np.arange(2 * u, 3 * u)])
        w_ih, w_hh = self.kernel[:, order].T, self.recurrent_kernel[:, order].T
        if self.bias is None:
            return w_ih, w_hh, None, None
        return w_ih, w_hh, self.bias[0][order], self.bias[1][order]

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        return [tg.gru_cell(x, states[0], *weights)]


class Bidirectional(Module):
    """Runs ``layer`` forwards and a copy of it backwards over the sequence and merges their outputs
    (``merge_mode`` 'concat', 'sum', 'mul', 'ave', or None for the pair); the backward outputs are put back
    in time order when ``return_sequences``."""

    def __init__(self, layer: _Recurrent, merge_mode: str | None = "concat", backward_layer: _Recurrent | None = None,
                 name: str | None = None, input_shape: Any = None) -> None:
        if not isinstance(layer, _Recurrent):
            raise TypeError(f"Bidirectional: wraps a SimpleRNN, LSTM or GRU, got {type(layer).__name__}.")
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(f"Bidirectional: merge_mode must be 'concat', 'sum', 'mul', 'ave' or None, got "
                             f"{merge_mode!r}.")
        super().__init__(name=name, input_shape=input_shape if input_shape is not None else layer._declared_input_shape)
        self.forward_layer = layer
        if backward_layer is None:
            backward_layer = copy.deepcopy(layer)
            backward_layer.go_backwards = not layer.go_backwards
            if layer.kernel.initialized:      # a fresh draw, not the forward's weights
                backward_layer.build(layer.kernel.shape[0])
        backward_layer.name = f"backward_{layer.name}"
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        if self._declared_input_shape is not None:
            for part in (layer, backward_layer):
                if not part.kernel.initialized:
                    part.build(self._declared_input_shape[-1])

    def forward(self, x: Any, initial_state: Any = None) -> Any:
        half = None if initial_state is None else len(initial_state) // 2
        fwd = self.forward_layer(x, None if half is None else initial_state[:half])
        bwd = self.backward_layer(x, None if half is None else initial_state[half:])
        states = []
        if self.forward_layer.return_state:
            fwd, *f_states = fwd
            bwd, *b_states = bwd
            states = f_states + b_states
        if self.forward_layer.return_sequences:
            bwd = bwd[:, ::-1]
        if self.merge_mode == "concat":
            out: Any = tg.concatenate([fwd, bwd], axis=-1)
        elif self.merge_mode == "sum":
            out = fwd + bwd
        elif self.merge_mode == "mul":
            out = fwd * bwd
        elif self.merge_mode == "ave":
            out = (fwd + bwd) * 0.5
        else:
            out = [fwd, bwd]
        if states:
            return (out if isinstance(out, list) else [out]) + states
        return out


class TimeDistributed(Module):
    """Applies ``layer`` to every time step: (batch, steps, ...) -> (batch, steps, ...layer's output)."""

    def __init__(self, layer: Module, name: str | None = None, input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        self.layer = layer

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if x.ndim < 3:
            raise ValueError(f"TimeDistributed '{self.name}': expects (batch, steps, ...) input, got shape {x.shape}.")
        n, steps = x.shape[0], x.shape[1]
        y = self.layer(x.reshape((n * steps,) + x.shape[2:]))
        return y.reshape((n, steps) + y.shape[1:])
