"""Layers: Dense (and its PyTorch spelling Linear), Flatten, Dropout, Concatenate, Maxout, and
the functional API's Input."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor
from tensorgrad import random as tg_random

from . import activations, init, regularizers
from .layer import activity_loss, register_loss_source
from .module import Module, shape_tuple, unique_name
from .parameter import Parameter
from .symbolic import SymbolicTensor


class InputLayer(Module):
    """The source of a functional model: casts what it is fed to its dtype (as Keras's Input). Keras 2's
    ``InputLayer(input_shape=(4,))`` as a Sequential's first layer fixes the input shape too."""

    def __init__(self, shape: Any = None, dtype: Any = np.float32, name: str | None = None, input_shape: Any = None,
                 batch_size: int | None = None, batch_input_shape: Any = None) -> None:
        super().__init__(name=name if name is not None else unique_name("input"))
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], tuple(batch_input_shape)[1:]
        shape = shape if shape is not None else input_shape
        if shape is None:
            raise ValueError("InputLayer: give shape= (or Keras 2's input_shape=), e.g. InputLayer(shape=(4,)).")
        self.shape = shape_tuple(shape, "Input(shape=...)")
        self.dtype = np.dtype(dtype if dtype is not None else np.float32)
        self.batch_size = None if batch_size is None else int(batch_size)

    def symbolic_output(self) -> SymbolicTensor:
        """The symbolic tensor this input layer produces (what ``nn.Input`` returns)."""
        out = SymbolicTensor((self.batch_size,) + self.shape, self.dtype, self)
        self.output_shape = out.shape
        return out

    def forward(self, x: Any) -> Tensor:
        return as_tensor(x, self.dtype)


def Input(shape: Any = None, batch_size: int | None = None, name: str | None = None,  # noqa: N802 - Keras name
          dtype: Any = np.float32, batch_shape: Any = None, **kwargs: Any) -> SymbolicTensor:
    """A symbolic input of per-sample ``shape`` (batch axis excluded): ``nn.Input(shape=(64,))``;
    Keras 3's ``batch_shape=(None, 64)`` too. ``batch_size`` is recorded in the shape (Keras's
    ``(32, 64)``); batches of any size still run, as nothing here depends on it."""
    unsupported = {k: v for k, v in kwargs.items() if v not in (None, False)}
    if unsupported:
        raise TypeError(f"Input: {sorted(unsupported)} not supported (sparse, ragged and tensor inputs need "
                        f"TensorFlow); give shape=, batch_size=, name=, dtype=.")
    if batch_shape is not None:
        if shape is not None:
            raise ValueError("Input: give shape= or batch_shape=, not both.")
        batch_size, shape = batch_shape[0], tuple(batch_shape)[1:]
    if shape is None:
        raise ValueError("Input: shape= is required, e.g. Input(shape=(784,)).")
    return InputLayer(shape, dtype, name=name, batch_size=batch_size).symbolic_output()


# activations the fused linear op computes itself (softmax and sigmoid stay separate nodes: the
# Keras cross-entropies look through them to the logits)
_FUSED: dict[Any, str | None] = {None: None, tg.relu: "relu", tg.tanh: "tanh"}


class Dense(Module):
    """Fully connected layer: activation(x @ W + b), W of shape (in, units), b of shape (units,).

    The input size is taken from ``input_dim``/``input_shape`` or, lazily, from the first call;
    either way ``weight`` and ``bias`` exist from construction (uninitialized until then), so an
    optimizer made before the first batch trains them. Inputs are cast to ``dtype`` (float32 by
    default; Keras casts inputs to the layer's dtype), so float64 numpy data keeps the model float32.
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 input_dim: int | None = None, name: str | None = None, input_shape: Any = None,
                 dtype: Any = np.float32, kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None) -> None:
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        super().__init__(name=name, input_shape=input_shape)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}.")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.kernel_initializer = init.get(kernel_initializer)
        self.bias_initializer = init.get(bias_initializer)
        self.dtype = np.dtype(dtype)
        self.weight = Parameter.uninitialized((None, self.units), self.dtype,
                                              f"parameter 'weight' of Dense '{self.name}'")
        self.bias = (Parameter.uninitialized((self.units,), self.dtype, f"parameter 'bias' of Dense '{self.name}'")
                     if use_bias else None)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._weight_regularizers = [(w, r) for w, r in ((self.weight, self.kernel_regularizer),
                                                         (self.bias, self.bias_regularizer)) if r is not None]
        self._call_losses: list[Tensor] = []
        if self._weight_regularizers or self.activity_regularizer is not None:
            register_loss_source(self)
        if self._declared_input_shape is not None:
            self.build(self._declared_input_shape[-1])

    @property
    def built(self) -> bool:
        return self.weight.initialized

    def build(self, in_features: int) -> None:
        """Materialize the weights for inputs of ``in_features`` features (initializers, default rng)."""
        self.weight.materialize(self.kernel_initializer((int(in_features), self.units), init.default_rng(), self.dtype))
        if self.bias is not None:
            self.bias.materialize(self.bias_initializer((self.units,), init.default_rng(), self.dtype))

    def forward(self, x: Any) -> Tensor:
        if type(x) is not Tensor or x.data.dtype is not self.dtype:   # (the usual case skips the call)
            x = as_tensor(x, self.dtype)
        weight, bias = self.weight, self.bias
        if not weight.initialized:   # lazy: the first batch fixes the input size
            self.build(x.shape[-1])
        if x.ndim == 0 or x.shape[-1] != weight.shape[0]:
            raise ValueError(f"Dense '{self.name}': expects inputs with {weight.shape[0]} features on the "
                             f"last axis, got shape {x.shape}.")
        fused = _FUSED.get(self.activation, False)
        activation = None if fused is False else fused
        out = tg.linear(x, weight, bias, activation=activation)
        out = out if fused is not False else self.activation(out)   # fused: one node f(x @ W + b)
        if self.activity_regularizer is not None:
            self._call_losses = [activity_loss(self.activity_regularizer, out)]
        return out

    @property
    def kernel(self) -> Parameter:
        """Keras's name for ``weight`` (shape (in, units))."""
        return self.weight

    def __repr__(self) -> str:
        act = "linear" if self.activation is None else getattr(self.activation, "__name__", repr(self.activation))
        return f"Dense(units={self.units}, activation={act}, name={self.name!r})"


class Linear(Dense):
    """PyTorch's spelling of Dense: ``Linear(in_features, out_features, bias=True)`` (the same layer;
    Glorot-uniform weight and zero bias, Keras's initialization, not PyTorch's)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, **kwargs: Any) -> None:
        super().__init__(out_features, use_bias=bias, input_dim=in_features, **kwargs)


class Flatten(Module):
    """(batch, d1, d2, ...) -> (batch, d1·d2·...)."""

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        return x.reshape((x.shape[0], -1))


class Dropout(Module):
    """Inverted dropout: in training, each entry is zeroed with probability ``rate`` and the rest
    scaled by 1 / (1 - rate), so the expected output is the input; the identity in eval mode.
    With ``seed`` the masks come from the layer's own generator (reproducible), else from
    ``nn.init``'s default generator."""

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate!r}.")
        self.rate = float(rate)
        self.seed = seed
        self._rng = None if seed is None else tg_random.spawn(seed)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if not self.training or self.rate == 0:
            return x
        keep = (self._rng or init.default_rng()).random(x.shape) >= self.rate
        return x * (keep / (1 - self.rate)).astype(x.dtype)


class Concatenate(Module):
    """Joins a list of tensors along ``axis`` (seed 004 joins two branches' outputs)."""

    def __init__(self, axis: int = -1, name: str | None = None) -> None:
        super().__init__(name=name)
        self.axis = int(axis)

    def forward(self, inputs: Sequence[Any]) -> Tensor:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"Concatenate '{self.name}': takes a list of at least two tensors, got "
                             f"{type(inputs).__name__}.")
        return tg.concatenate([as_tensor(x) for x in inputs], axis=self.axis)


def concatenate(inputs: Sequence[Any], axis: int = -1, name: str | None = None) -> Any:
    """Keras's functional helper: ``Concatenate(axis)(inputs)``."""
    return Concatenate(axis=axis, name=name)(inputs)


class Maxout(Module):
    """max over k affine pieces (seed 003): a_j = max_k (xᵀw_jk + b_jk), k = 1..pieces.
    One Dense computes all units·pieces values; unit j's pieces are its ``pieces`` adjacent columns."""

    def __init__(self, units: int, pieces: int = 2, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", input_dim: int | None = None, name: str | None = None,
                 input_shape: Any = None, dtype: Any = np.float32) -> None:
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        super().__init__(name=name, input_shape=input_shape)
        self.units, self.pieces = int(units), int(pieces)
        self.linear = Dense(self.units * self.pieces, kernel_initializer=kernel_initializer,
                            bias_initializer=bias_initializer, input_shape=self._declared_input_shape,
                            name=f"{self.name}_linear", dtype=dtype)

    def forward(self, x: Any) -> Tensor:
        z = self.linear(x)
        return z.reshape(z.shape[:-1] + (self.units, self.pieces)).max(axis=-1)
