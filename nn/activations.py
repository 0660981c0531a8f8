"""Activations by Keras name (``Dense(..., activation="relu")``) and as layers (``nn.ReLU()``).

The maths lives in tensorgrad's ops (seeds 001 and 003: sigmoid, tanh, ReLU, leaky ReLU, ELU,
softplus, softmax, the perceptron's heaviside step); these are thin wrappers.

The logits contract (Keras's): the probabilities made here by :func:`softmax` (over the last axis)
and :func:`sigmoid` — so by ``Dense(activation="softmax"/"sigmoid")``, ``Activation``, ``Softmax``
and ``Sigmoid`` — carry their input as ``output._keras_logits`` and the activation's name as
``output._keras_activation``. The Keras cross-entropies (nn.losses) read these two attributes, and
nothing else of the graph, to compute from the logits: the same value as Keras's clipped
probabilities, but stable, identical with or without a graph, and with the gradient of the fused op.
"""
from __future__ import annotations

from typing import Any, Callable

import tensorgrad as tg

from . import functional as F
from .module import Module


def _keep_logits(probabilities: tg.Tensor, logits: tg.Tensor, activation: str) -> tg.Tensor:
    """Attach the logits contract (see the module docstring) to an activation's output."""
    probabilities._keras_logits = logits
    probabilities._keras_activation = activation
    return probabilities


def softmax(x: Any, axis: int = -1) -> tg.Tensor:
    """e^z / Σ e^z along ``axis``; over the last axis the output keeps its logits (``_keras_logits``)."""
    z = tg.as_tensor(x)
    out = tg.softmax(z, axis)
    return _keep_logits(out, z, "softmax") if axis in (-1, z.ndim - 1) else out


def sigmoid(x: Any) -> tg.Tensor:
    """1 / (1 + e^-z); the output keeps its logits (``_keras_logits``)."""
    z = tg.as_tensor(x)
    return _keep_logits(tg.sigmoid(z), z, "sigmoid")


def leaky_relu(x: Any, negative_slope: float = 0.2) -> tg.Tensor:
    """Keras's ``activation="leaky_relu"``: max(negative_slope·z, z) with Keras's default slope 0.2 (PyTorch's
    ``F.leaky_relu`` and ``tg.leaky_relu`` default to 0.01)."""
    return tg.leaky_relu(x, negative_slope)


# spelled like a Keras activation but computing something else (PyTorch's slope 0.01): never saved by that name
UNLIKE_KERAS: tuple[Callable[..., tg.Tensor], ...] = (tg.leaky_relu, F.leaky_relu)

_BY_NAME: dict[str, Callable[[Any], tg.Tensor] | None] = {
    "linear": None, "sigmoid": sigmoid, "tanh": tg.tanh, "relu": tg.relu, "leaky_relu": leaky_relu,
    "elu": tg.elu, "softplus": tg.softplus, "softmax": softmax, "step": tg.step, "heaviside": tg.step,
}


_KEEPING_LOGITS = ((tg.softmax, softmax), (tg.sigmoid, sigmoid))   # Dense(activation=tg.softmax) keeps them too


def get(identifier: str | Callable | None) -> Callable[[Any], tg.Tensor] | None:
    """The activation named ``identifier`` (None for "linear", the identity), or a callable as is."""
    if identifier is None or callable(identifier):
        return next((keeping for op, keeping in _KEEPING_LOGITS if identifier is op), identifier)
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]
    raise ValueError(f"activation {identifier!r} is unknown; use one of {sorted(_BY_NAME)}, None, or a callable.")


class Sigmoid(Module):
    """1 / (1 + e^-z)."""

    def forward(self, x: Any) -> tg.Tensor:
        return sigmoid(x)


class Tanh(Module):
    """tanh z."""

    def forward(self, x: Any) -> tg.Tensor:
        return tg.tanh(x)


class ReLU(Module):
    """max(0, z). (``inplace`` is accepted for PyTorch code; the output is always a new tensor.)"""

    def __init__(self, inplace: bool = False, name: str | None = None, input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        if not isinstance(inplace, bool):
            raise TypeError(f"ReLU: the first argument is PyTorch's inplace (a bool), got {inplace!r}; Keras's "
                            f"ReLU(max_value, negative_slope, threshold) is keras.layers.ReLU.")
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""

    def forward(self, x: Any) -> tg.Tensor:
        return tg.relu(x)


class LeakyReLU(Module):
    """max(negative_slope·z, z), PyTorch's ``LeakyReLU(negative_slope=0.01, inplace=False)`` (Keras's, default
    slope 0.3, is ``keras.layers.LeakyReLU``). ``inplace`` is accepted; the output is always a new tensor."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False, name: str | None = None,
                 input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        if not isinstance(inplace, bool):
            raise TypeError(f"LeakyReLU: the second argument is PyTorch's inplace (a bool), got {inplace!r}; "
                            f"give the layer's name as name=.")
        self.negative_slope, self.inplace = float(negative_slope), inplace

    def forward(self, x: Any) -> tg.Tensor:
        return tg.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + _inplace_repr(self.inplace)


def _inplace_repr(inplace: bool) -> str:
    """PyTorch's ``, inplace=True`` suffix of an activation's repr (nothing when False)."""
    return ", inplace=True" if inplace else ""


class ELU(Module):
    """z for z > 0, else alpha·(e^z - 1). PyTorch's ``ELU(alpha=1.0, inplace=False)`` and Keras's ``ELU(alpha=1.0)``
    (the same default); ``inplace`` is accepted, the output is always a new tensor."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False, name: str | None = None,
                 input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        if not isinstance(inplace, bool):
            raise TypeError(f"ELU: the second argument is PyTorch's inplace (a bool), got {inplace!r}; give the "
                            f"layer's name as name=.")
        self.alpha, self.inplace = float(alpha), inplace

    def forward(self, x: Any) -> tg.Tensor:
        return tg.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + _inplace_repr(self.inplace)


class Softplus(Module):
    """log(1 + e^(beta·z)) / beta (see F.softplus)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0, name: str | None = None,
                 input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        self.beta, self.threshold = float(beta), float(threshold)

    def forward(self, x: Any) -> tg.Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Step(Module):
    """Heaviside step: 1 for z >= 0, else 0 (the perceptron's; zero gradient)."""

    def forward(self, x: Any) -> tg.Tensor:
        return tg.step(x)


class Softmax(Module):
    """e^z / Σ e^z along an axis: PyTorch's ``Softmax(dim=1)`` or Keras's ``Softmax(axis=-1)`` (the
    default when neither is given: the last axis)."""

    def __init__(self, axis: int | None = None, name: str | None = None, input_shape: Any = None, *,
                 dim: int | None = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        if axis is not None and dim is not None and axis != dim:
            raise ValueError(f"Softmax: give dim= (PyTorch) or axis= (Keras), not both ({dim} and {axis}).")
        self.dim = dim if dim is not None else axis
        self.axis = -1 if self.dim is None else int(self.dim)

    def forward(self, x: Any) -> tg.Tensor:
        return softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """z - log Σ e^z along ``dim`` (PyTorch's; the last axis when not given)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> tg.Tensor:
        return tg.log_softmax(x, -1 if self.dim is None else int(self.dim))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """softmax(-z) along ``dim`` (PyTorch's)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> tg.Tensor:
        return tg.softmax(-tg.as_tensor(x), -1 if self.dim is None else int(self.dim))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSigmoid(Module):
    """log sigmoid(z) = -softplus(-z)."""

    def forward(self, x: Any) -> tg.Tensor:
        return F.logsigmoid(x)


class GELU(Module):
    """x·Φ(x) (``approximate='tanh'``: the tanh approximation); needs tensorgrad's gelu op (F.gelu)."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Any) -> tg.Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x·sigmoid(x); needs tensorgrad's silu op (F.silu)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Any) -> tg.Tensor:
        return F.silu(x)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Hardtanh(Module):
    """min(max(z, min_val), max_val); needs tensorgrad's hardtanh op (F.hardtanh)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val, self.max_val, self.inplace = float(min_val), float(max_val), inplace

    def forward(self, x: Any) -> tg.Tensor:
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace_repr(self.inplace)


class ReLU6(Hardtanh):
    """min(max(0, z), 6)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Activation(Module):
    """Keras's ``Activation("relu")`` layer: applies the activation named (or given) to its input."""

    def __init__(self, activation: str | Callable | None, name: str | None = None, input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        self.activation = get(activation)

    def forward(self, x: Any) -> tg.Tensor:
        return tg.as_tensor(x) if self.activation is None else self.activation(x)
