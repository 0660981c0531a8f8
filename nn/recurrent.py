"""Keras's sequence layers: Embedding, Masking, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed (Keras Layers:
get_config, ``.keras`` saving, summary, ``layer.weights``).

Inputs are (batch, steps, features). Weights keep Keras's layouts and initialisers (kernel (in, gates·units)
Glorot-uniform, recurrent_kernel (units, gates·units) orthogonal, zero bias; LSTM's forget-gate bias 1;
gate orders LSTM i, f, c, o and GRU z, r, h), so ``get_weights``/``set_weights`` exchange with Keras.
Each step runs tensorgrad's cell ops (``tg.lstm_cell`` ...), which take PyTorch's layouts.

Masks (``Embedding(mask_zero=True)``, ``Masking``, nn.masking) work as Keras's: at a masked step the states keep
their previous values and the output repeats the previous one (zeros inside Bidirectional with
``return_sequences``); ``return_sequences`` passes the mask on. ``return_state=True`` returns
``[output, *states]`` (also on symbolic inputs), ``initial_state=`` sets the first states.
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from . import init, regularizers
from .keras_variable import new_variable
from .layer import Layer, register_loss_source
from .masking import step_mask
from .module import Module
from .parameter import Parameter
from .saving import initializer_name, layer_config


def _regularize(layer: Layer, pairs: list[tuple[Parameter | None, Any]]) -> None:
    """Penalize each weight with its regularizer (Keras's kernel_regularizer ...), added to ``losses``."""
    for weight, reg in pairs:
        if weight is not None and reg is not None:
            layer._weight_regularizers.append((weight, reg))
            register_loss_source(layer)


class Embedding(Layer):
    """Keras's lookup table: integer ids (batch, ...) -> vectors (batch, ..., output_dim); ``embeddings``
    (input_dim, output_dim) starts U(-0.05, 0.05). ``mask_zero=True`` marks id 0 as padding: the output
    carries the mask ``ids != 0`` (``compute_mask``), which the recurrent layers downstream skip."""

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, mask_zero: bool = False, input_length: int | None = None,
                 **kwargs: Any) -> None:
        if input_length is not None and kwargs.get("input_shape") is None and kwargs.get("batch_input_shape") is None:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0
                   for v in (input_dim, output_dim)):
            raise ValueError(f"Embedding: input_dim and output_dim must be positive integers, got {input_dim!r}, "
                             f"{output_dim!r}.")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.mask_zero, self.input_length = bool(mask_zero), input_length
        self.embeddings_initializer = init.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings = new_variable(self.embeddings_initializer((self.input_dim, self.output_dim), init.default_rng(),
                                                                   self.dtype), name="embeddings", layer=self)
        _regularize(self, [(self.embeddings, self.embeddings_regularizer)])
        self.built = True

    @property
    def makes_mask(self) -> bool:
        return self.mask_zero

    def call(self, inputs: Any) -> Tensor:
        return tg.embedding(inputs, self.embeddings)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Tensor | None:
        """``inputs != 0`` with ``mask_zero=True``, else None."""
        if not self.mask_zero:
            return None
        return Tensor(np.asarray(inputs.numpy(force=True) if isinstance(inputs, Tensor) else inputs) != 0)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializer_name(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "mask_zero": self.mask_zero, "input_length": self.input_length}


class Masking(Layer):
    """Keras's Masking: a time step whose features all equal ``mask_value`` is padding. The output is the
    input with those steps zeroed, carrying the mask ``any(x != mask_value, axis=-1)`` to the layers below."""
    makes_mask = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Tensor:
        """True at the steps with any feature different from ``mask_value``."""
        values = np.asarray(inputs.numpy(force=True) if isinstance(inputs, Tensor) else inputs)
        return Tensor(np.any(values != self.mask_value, axis=-1))

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs, self.dtype)
        keep = self.compute_mask(x).numpy(force=True)[..., None]
        return x * keep.astype(self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}


def _check_activations(who: str, activation: Any, recurrent_activation: Any) -> None:
    if activation not in ("tanh", tg.tanh) or recurrent_activation not in ("sigmoid", tg.sigmoid, None):
        raise ValueError(f"{who}: only activation='tanh' and recurrent_activation='sigmoid' (Keras's defaults) are "
                         f"supported, got {activation!r} and {recurrent_activation!r}.")


class _Recurrent(Layer):
    """The loop shared by SimpleRNN, LSTM and GRU: one cell step per time step, states carried."""
    gates = 1
    states = 1
    supports_masking = True

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{who}: units must be a positive integer, got {units!r}.")
        _check_activations(who, activation, recurrent_activation if self.gates > 1 else None)
        if not (0 <= dropout < 1 and 0 <= recurrent_dropout < 1):
            raise ValueError(f"{who}: dropout and recurrent_dropout must be in [0, 1), got {dropout}, {recurrent_dropout}.")
        if stateful:
            raise ValueError(f"{who}: stateful=True (states carried from batch to batch) is not supported; pass the "
                             f"previous batch's states as initial_state= (with return_state=True) instead.")
        self.units, self.dropout, self.recurrent_dropout = int(units), float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.unroll = bool(go_backwards), bool(unroll)    # unrolled or not: the same maths
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.use_bias = bool(use_bias)
        self.kernel_initializer, self.recurrent_initializer = init.get(kernel_initializer), init.get(recurrent_initializer)
        self.bias_initializer = init.get(bias_initializer)
        self.kernel_regularizer, self.recurrent_regularizer, self.bias_regularizer = (
            regularizers.get(r) for r in (kernel_regularizer, recurrent_regularizer, bias_regularizer))
        width = self.gates * self.units
        self.kernel = new_variable(shape=(None, width), dtype=self.dtype, name="kernel", layer=self)
        self.recurrent_kernel = new_variable(shape=(self.units, width), dtype=self.dtype, name="recurrent_kernel",
                                             layer=self)
        self.bias = new_variable(shape=self._bias_shape(), dtype=self.dtype, name="bias", layer=self) \
            if self.use_bias else None
        _regularize(self, [(self.kernel, self.kernel_regularizer), (self.recurrent_kernel, self.recurrent_regularizer),
                           (self.bias, self.bias_regularizer)])
        if self._declared_input_shape is not None:
            self.build((None, *self._declared_input_shape))

    def _bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def build(self, input_shape: Any) -> None:
        """Materialize kernel (features, gates·units), recurrent_kernel and bias for inputs (batch, steps, features)
        (weights already set, by load_state_dict say, are kept)."""
        features = int(tuple(input_shape)[-1])
        rng, width = init.default_rng(), self.gates * self.units
        if not self.kernel.initialized:
            self.kernel.materialize(self.kernel_initializer((features, width), rng, self.dtype))
        if not self.recurrent_kernel.initialized:
            self.recurrent_kernel.materialize(self.recurrent_initializer((self.units, width), rng, self.dtype))
        if self.bias is not None and not self.bias.initialized:
            self.bias.materialize(self._initial_bias(rng))

    def _initial_bias(self, rng: np.random.Generator) -> np.ndarray:
        return self.bias_initializer(self._bias_shape(), rng, self.dtype)

    def _cell_weights(self) -> tuple[Any, ...]:
        """(w_ih, w_hh, b_ih, b_hh) in the cell op's PyTorch layout (gates·units rows)."""
        return self.kernel.T, self.recurrent_kernel.T, self.bias, None

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        raise NotImplementedError

    def _dropout_mask(self, rate: float, shape: tuple[int, ...], training: bool) -> Any:
        if not training or rate == 0:
            return None
        keep = init.default_rng().random(shape) >= rate
        return (keep / (1 - rate)).astype(self.dtype)

    def _initial_states(self, who: str, n: int, initial_state: Any) -> list[Tensor]:
        if initial_state is None:
            return [tg.tensor(np.zeros((n, self.units), self.dtype)) for _ in range(self.states)]
        given = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
        states = [as_tensor(s, self.dtype) for s in given]
        if len(states) != self.states or any(s.shape != (n, self.units) for s in states):
            raise ValueError(f"{who}: initial_state must be {self.states} tensor(s) of shape ({n}, {self.units}), "
                             f"got {[s.shape for s in states]}.")
        return states

    def call(self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None) -> Any:
        """Run the cell over the steps (reversed with ``go_backwards``): the last output, or every step's
        output (batch, steps, units) with ``return_sequences``; ``[output, *states]`` with ``return_state``."""
        x = as_tensor(inputs, self.dtype)
        who = f"{type(self).__name__} '{self.name}'"
        if x.ndim != 3:
            raise ValueError(f"{who}: expects input of shape (batch, steps, features), got {x.shape}.")
        if x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"{who}: expects {self.kernel.shape[0]} features on the last axis, got shape {x.shape}.")
        n, steps = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(f"{who}: the input has no time steps (shape {x.shape}).")
        keep = step_mask(mask, who, n, steps)
        states = self._initial_states(who, n, initial_state)
        weights = self._cell_weights()
        training = bool(training)
        in_drop = self._dropout_mask(self.dropout, (n, x.shape[2]), training)
        rec_drop = self._dropout_mask(self.recurrent_dropout, (n, self.units), training)
        outputs = []
        for t in (range(steps - 1, -1, -1) if self.go_backwards else range(steps)):
            xt = x[:, t] if in_drop is None else x[:, t] * in_drop
            carried = states if rec_drop is None else [states[0] * rec_drop] + states[1:]
            new = self._step(xt, carried, weights)
            if keep is None:
                states, out = new, new[0]
            else:           # a masked step keeps every state; its output is the previous one (or zeros)
                kept = keep[:, t:t + 1]
                out = tg.where(kept, new[0], 0.0 if self.zero_output_for_mask else states[0])
                states = [tg.where(kept, s_new, s_old) for s_new, s_old in zip(new, states)]
            outputs.append(out)
        result = tg.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return [result, *states] if self.return_state else result

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The input's mask for the output sequence (``return_sequences``), none for the last output or the states."""
        out = mask if self.return_sequences else None
        return [out] + [None] * self.states if self.return_state else out

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "units": self.units, "activation": "tanh", "use_bias": self.use_bias,
                  "kernel_initializer": initializer_name(self.kernel_initializer),
                  "recurrent_initializer": initializer_name(self.recurrent_initializer),
                  "bias_initializer": initializer_name(self.bias_initializer),
                  "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                  "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                  "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                  "return_sequences": self.return_sequences, "return_state": self.return_state,
                  "go_backwards": self.go_backwards, "unroll": self.unroll}
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = True
        if self.gates > 1:
            config["recurrent_activation"] = "sigmoid"
        return config


class SimpleRNN(_Recurrent):
    """h_t = tanh(x_t K + h_{t-1} R + b): kernel (in, units), recurrent_kernel (units, units), bias (units,)."""
    gates, states = 1, 1

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        return [tg.rnn_tanh_cell(x, states[0], *weights)]


class LSTM(_Recurrent):
    """Keras's LSTM: gates [i, f, c, o] = x K + h R + b; c_t = σ(f) c + σ(i) tanh(c̃), h_t = σ(o) tanh(c_t).
    ``unit_forget_bias`` starts the forget gate's bias at 1. States [h, c]."""
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

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRU(_Recurrent):
    """Keras's GRU, gates [z, r, h] in kernel (in, 3·units) and recurrent_kernel (units, 3·units),
    h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h̃.

    ``reset_after=True`` (Keras 2's default, PyTorch's form): bias (2, 3·units) = input and recurrent
    biases, h̃ = tanh(x K_h + b_h + r ⊙ (h R_h + b'_h)). ``reset_after=False`` (Keras's original): bias
    (3·units,), z = σ(x K_z + h R_z + b_z), r likewise, h̃ = tanh(x K_h + (r ⊙ h) R_h + b_h)."""
    gates, states = 3, 1

    def __init__(self, units: int, *args: Any, reset_after: bool = True, **kwargs: Any) -> None:
        self.reset_after = bool(reset_after)
        super().__init__(units, *args, **kwargs)

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, self.gates * self.units) if self.reset_after else (self.gates * self.units,)

    def _cell_weights(self) -> tuple[Any, ...]:
        """reset_after: Keras's gate order z, r, h reordered to the cell's r, z, n (PyTorch's layout);
        otherwise the kernels as they are, the recurrent kernel split into its z, r part and its h part."""
        u = self.units
        if not self.reset_after:
            return self.kernel, self.recurrent_kernel[:, :2 * u], self.recurrent_kernel[:, 2 * u:], self.bias
        order = np.concatenate([np.arange(u, 2 * u), np.arange(u), np.arange(2 * u, 3 * u)])
        w_ih, w_hh = self.kernel[:, order].T, self.recurrent_kernel[:, order].T
        if self.bias is None:
            return w_ih, w_hh, None, None
        return w_ih, w_hh, self.bias[0][order], self.bias[1][order]

    def _step(self, x: Tensor, states: list[Tensor], weights: tuple) -> list[Tensor]:
        if self.reset_after:
            return [tg.gru_cell(x, states[0], *weights)]
        kernel, recurrent_zr, recurrent_h, bias = weights
        h, u = states[0], self.units
        xk = x @ kernel if bias is None else x @ kernel + bias
        hzr = h @ recurrent_zr
        z = tg.sigmoid(xk[:, :u] + hzr[:, :u])
        r = tg.sigmoid(xk[:, u:2 * u] + hzr[:, u:])
        candidate = tg.tanh(xk[:, 2 * u:] + (r * h) @ recurrent_h)
        return [candidate + z * (h - candidate)]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "reset_after": self.reset_after}


class Bidirectional(Layer):
    """Runs ``layer`` forwards and a fresh copy of it backwards over the sequence and merges their outputs
    (``merge_mode`` 'concat', 'sum', 'mul', 'ave', or None for the pair); the backward outputs are put back
    in time order when ``return_sequences``. With a mask and ``return_sequences``, masked steps output
    zeros (Keras sets both layers' ``zero_output_for_mask``). ``return_state`` appends the forward then the
    backward states; ``initial_state`` takes them in that order."""
    supports_masking = True

    def __init__(self, layer: _Recurrent, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: _Recurrent | None = None, **kwargs: Any) -> None:
        if not isinstance(layer, _Recurrent):
            raise TypeError(f"Bidirectional: wraps a SimpleRNN, LSTM or GRU, got {type(layer).__name__}.")
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(f"Bidirectional: merge_mode must be 'concat', 'sum', 'mul', 'ave' or None, got "
                             f"{merge_mode!r}.")
        if backward_layer is not None and not isinstance(backward_layer, _Recurrent):
            raise TypeError(f"Bidirectional: backward_layer must be a SimpleRNN, LSTM or GRU, got "
                            f"{type(backward_layer).__name__}.")
        if kwargs.get("input_shape") is None and kwargs.get("batch_input_shape") is None \
                and layer._declared_input_shape is not None:
            kwargs["input_shape"] = layer._declared_input_shape
        super().__init__(**kwargs)
        self._custom_backward = backward_layer is not None
        if backward_layer is None:      # a fresh layer of the same configuration, reading the steps backwards
            backward_layer = type(layer).from_config({**layer.get_config(), "go_backwards": not layer.go_backwards,
                                                      "name": f"backward_{layer.name}"})
        for part in (layer, backward_layer):
            part.zero_output_for_mask = part.return_sequences
        self.forward_layer, self.backward_layer = layer, backward_layer
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        if self._declared_input_shape is not None:
            self.build((None, *self._declared_input_shape))
        if weights is not None:
            self.set_weights(weights)

    def build(self, input_shape: Any) -> None:
        for part in (self.forward_layer, self.backward_layer):
            part.build(input_shape)
            part.built = True

    def call(self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None) -> Any:
        half = None if initial_state is None else len(initial_state) // 2
        fwd = self.forward_layer(inputs, mask=mask, training=training,
                                 initial_state=None if half is None else initial_state[:half])
        bwd = self.backward_layer(inputs, mask=mask, training=training,
                                  initial_state=None if half is None else initial_state[half:])
        states = []
        if self.return_state:
            fwd, *f_states = fwd
            bwd, *b_states = bwd
            states = f_states + b_states
        if self.return_sequences:
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

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        out = mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + [None] * (2 * self.forward_layer.states)
        return out

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "layer": layer_config(self.forward_layer), "merge_mode": self.merge_mode}
        if self._custom_backward:
            config["backward_layer"] = layer_config(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict | None = None) -> "Bidirectional":
        from .saving import layer_from_config
        config = dict(config)
        config["layer"] = layer_from_config(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = layer_from_config(config["backward_layer"], custom_objects)
        return cls(**config)


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step: (batch, steps, ...) -> (batch, steps, ...layer's output);
    a mask passes through."""
    supports_masking = True

    def __init__(self, layer: Module, **kwargs: Any) -> None:
        if not isinstance(layer, Module):
            raise TypeError(f"TimeDistributed: wraps a layer, got {type(layer).__name__}.")
        super().__init__(**kwargs)
        self.layer = layer
        self.built = True           # the wrapped layer builds itself on its first call

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs)
        if x.ndim < 3:
            raise ValueError(f"TimeDistributed '{self.name}': expects (batch, steps, ...) input, got shape {x.shape}.")
        n, steps = x.shape[0], x.shape[1]
        y = self.layer(x.reshape((n * steps,) + x.shape[2:]))
        return y.reshape((n, steps) + y.shape[1:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": layer_config(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict | None = None) -> "TimeDistributed":
        from .saving import layer_from_config
        return cls(**{**config, "layer": layer_from_config(config["layer"], custom_objects)})
