"""Layers: Dense (Keras's), Linear (PyTorch's: weight (out, in), PyTorch's initialisation), Identity,
Flatten, Unflatten, Dropout, Concatenate, Maxout, and the functional API's Input."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor
from tensorgrad import random as tg_random

from . import activations, constraints, init, regularizers
from . import functional as F
from .keras_variable import KerasVariable, new_variable
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


# activations the fused linear op computes itself (softmax and sigmoid stay nn.activations' own:
# their outputs carry the logits for the Keras cross-entropies, the contract in nn.activations)
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
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None) -> None:
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
        self.weight = new_variable(shape=(None, self.units), dtype=self.dtype, name="kernel", layer=self)
        self.bias = new_variable(shape=(self.units,), dtype=self.dtype, name="bias", layer=self) if use_bias else None
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = self.weight.constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        if self.bias is not None:
            self.bias.constraint = self.bias_constraint
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

    def build(self, in_features: Any) -> None:
        """Materialize the weights for inputs of ``in_features`` features (initializers, default rng); Keras's
        ``build(input_shape)`` with a shape such as (None, 4) reads the last axis."""
        if isinstance(in_features, (tuple, list)):
            in_features = in_features[-1]
        self.weight.materialize(self.kernel_initializer((int(in_features), self.units), init.default_rng(), self.dtype))
        if self.bias is not None:
            self.bias.materialize(self.bias_initializer((self.units,), init.default_rng(), self.dtype))

    def forward(self, x: Any) -> Tensor:
        if type(x) is not Tensor or x.dtype is not self.dtype:   # (the usual case skips the call)
            x = as_tensor(x, self.dtype)
        weight = self.weight
        if not weight.initialized:   # lazy: the first batch fixes the input size
            self.build(x.shape[-1])
        fused = _FUSED.get(self.activation, False)
        try:                         # (tg.linear checks the shapes; the layer names itself when they differ)
            out = tg.linear(x, weight, self.bias, activation=None if fused is False else fused)
        except ValueError:
            if x.ndim and x.shape[-1] == weight.shape[0]:
                raise
            raise ValueError(f"Dense '{self.name}': expects inputs with {weight.shape[0]} features on the "
                             f"last axis, got shape {x.shape}.") from None
        out = out if fused is not False else self.activation(out)   # fused: one node f(x @ W + b)
        if self.activity_regularizer is not None:
            self._call_losses = [activity_loss(self.activity_regularizer, out)]
        return out

    @property
    def kernel(self) -> KerasVariable:
        """Keras's name for ``weight`` (shape (in, units)), a Keras variable as every Keras layer's weight."""
        return self.weight

    def extra_repr(self) -> str:
        act = "linear" if self.activation is None else getattr(self.activation, "__name__", repr(self.activation))
        return f"units={self.units}, activation={act}, name={self.name!r}"


class Linear(Module):
    """PyTorch's fully connected layer: y = x Wᵀ + b, weight (out_features, in_features), bias
    (out_features,), both drawn from U(-1/√in_features, 1/√in_features) (kaiming_uniform_ with a = √5,
    as PyTorch), so a PyTorch state_dict loads as is. One fused node per call (F.linear).
    ``nn.Dense`` is the Keras spelling: kernel (in, out), Glorot-uniform weight, zero bias."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        for arg, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"Linear: {arg} must be a positive integer, got {value!r}.")
        super().__init__(input_shape=(int(in_features),))
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.dtype = np.dtype(tg.get_default_dtype() if dtype is None else dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), self.dtype))
        self.bias: Parameter | None = Parameter(np.empty(self.out_features, self.dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: weight by kaiming_uniform_(a=√5), bias from U(±1/√in_features)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Any) -> Tensor:
        if type(input) is not Tensor or input.dtype is not self.dtype:   # (the usual case skips the call)
            input = as_tensor(input, self.dtype)
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged (a placeholder, as PyTorch's; arguments are accepted and ignored);
    arrays come back as Tensors, as from any layer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Tensor:
        return input if isinstance(input, Tensor) else as_tensor(input)


class Flatten(Module):
    """Flattens axes ``start_dim``..``end_dim`` into one: (batch, d1, d2, ...) -> (batch, d1·d2·...) by
    default (PyTorch's ``Flatten(start_dim=1, end_dim=-1)``; Keras's ``Flatten(input_shape=...)`` too)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1, name: str | None = None, input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, input: Any) -> Tensor:
        x = as_tensor(input)
        if x.ndim == 1 and (self.start_dim, self.end_dim) == (1, -1):
            return x.reshape((x.shape[0], 1))      # Keras's Flatten of a (batch,) input (PyTorch's raises)
        ndim = max(x.ndim, 1)
        start, end = self.start_dim % ndim, self.end_dim % ndim
        if not (-ndim <= self.start_dim < ndim and -ndim <= self.end_dim < ndim) or start > end:
            raise ValueError(f"Flatten: start_dim={self.start_dim}, end_dim={self.end_dim} do not fit an input of "
                             f"shape {x.shape} ({x.ndim} axes; start_dim must not come after end_dim).")
        if x.ndim == 0:
            return x.reshape((1,))
        merged = int(np.prod(x.shape[start:end + 1]))   # explicit, so empty batches keep their shape
        return x.reshape(x.shape[:start] + (merged,) + x.shape[end + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expands axis ``dim`` into ``unflattened_size`` (PyTorch's inverse of Flatten):
    ``Unflatten(1, (1, 28, 28))`` turns (N, 784) into (N, 1, 28, 28)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim = int(dim)
        self.unflattened_size = tuple(int(d) for d in unflattened_size)

    def forward(self, input: Any) -> Tensor:
        x = as_tensor(input)
        sizes = self.unflattened_size
        known = int(np.prod([d for d in sizes if d != -1]))
        fits = -x.ndim <= self.dim < x.ndim and (
            known == x.shape[self.dim] if -1 not in sizes else known > 0 and x.shape[self.dim] % known == 0)
        if not fits:
            raise ValueError(f"Unflatten: cannot split axis {self.dim} of an input of shape {x.shape} into "
                             f"{sizes}; the sizes must multiply to that axis's length.")
        dim = self.dim % x.ndim
        return x.reshape(x.shape[:dim] + sizes + x.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """Inverted dropout: in training, each entry is zeroed with probability ``rate`` and the rest
    scaled by 1 / (1 - rate), so the expected output is the input; the identity in eval mode.
    With ``seed`` the masks come from the layer's own generator (reproducible), else from
    ``nn.init``'s default generator."""

    def __init__(self, rate: float = 0.5, seed: int | None = None, name: str | None = None, input_shape: Any = None,
                 *, p: float | None = None, inplace: bool = False) -> None:
        super().__init__(name=name, input_shape=input_shape)
        rate = rate if p is None else p       # PyTorch's spelling: Dropout(p=0.5)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate!r} (rate is PyTorch's p).")
        self.rate, self.inplace = float(rate), bool(inplace)
        self.seed = seed
        self._rng = None if seed is None else tg_random.spawn(seed)

    @property
    def p(self) -> float:
        """PyTorch's name for ``rate``."""
        return self.rate

    def forward(self, x: Any) -> Tensor:
        return F.dropout(x, self.rate, self.training, generator=self._rng)

    def extra_repr(self) -> str:
        return f"p={self.rate}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Channel dropout (PyTorch's ``nn.Dropout2d(p)``): in training whole channels of an (N, C, H, W) input
    are zeroed with probability p, the rest scaled by 1 / (1 - p); the identity in eval mode."""

    def forward(self, x: Any) -> Tensor:
        return F.dropout2d(x, self.rate, self.training, generator=self._rng)


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
