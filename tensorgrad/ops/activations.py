"""Activation functions of the lecture notes, in numerically stable forms with closed-form VJPs."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Op, apply
from ..tensor import Tensor
from ._convert import lift
from . import _kernels as kernels
from ._kernels import shifted_exp
from ._kernels import sigmoid as stable_sigmoid
from ._namespace import functions


class Sigmoid(Op):
    """a = 1 / (1 + e^-z);  da/dz = a (1 - a).  Stable: e^-|z| never overflows."""
    __slots__ = ()
    name = "sigmoid"
    saves_output = True

    def forward(self, z):
        return stable_sigmoid(z)

    def vjp(self, g):
        a = self.output()
        return (g * a * (1 - a),)


class Tanh(Op):
    """a = tanh z;  da/dz = 1 - a²."""
    __slots__ = ()
    name = "tanh"
    saves_output = True

    def forward(self, z):
        return np.tanh(z)

    def vjp(self, g):
        a = self.output()
        return (g * (1 - a * a),)


class ReLU(Op):
    """a = max(0, z);  da/dz = 1 for z > 0, else 0 (0 at z = 0, as PyTorch)."""
    __slots__ = ()
    name = "relu"

    def forward(self, z):
        return kernels.relu(z)

    def vjp(self, g):
        return (g * (self.inputs[0].data > 0),)


class LeakyReLU(Op):
    """a = z for z > 0, else slope·z;  da/dz = 1 or slope."""
    __slots__ = ("slope",)
    name = "leaky_relu"

    def forward(self, z, negative_slope):
        self.slope = negative_slope
        return np.where(z > 0, z, z * z.dtype.type(negative_slope))

    def vjp(self, g):
        z = self.inputs[0].data
        return (g * np.where(z > 0, 1, self.slope).astype(z.dtype),)


class ELU(Op):
    """a = z for z > 0, else α(e^z - 1);  da/dz = 1, or a + α below 0."""
    __slots__ = ("alpha",)
    name = "elu"
    saves_output = True

    def forward(self, z, alpha):
        self.alpha = alpha
        return np.where(z > 0, z, z.dtype.type(alpha) * np.expm1(np.minimum(z, 0)))

    def vjp(self, g):
        positive = self.inputs[0].data > 0
        return (g * functions().where(positive, 1.0, self.output() + self.alpha),)


class Softplus(Op):
    """a = log(1 + e^z);  da/dz = sigmoid(z).  Stable: log(e^0 + e^z) via logaddexp."""
    __slots__ = ()
    name = "softplus"

    def forward(self, z):
        return np.logaddexp(z.dtype.type(0), z)

    def vjp(self, g):
        return (g * functions().sigmoid(self.values()[0]),)


class Softmax(Op):
    """a_i = e^{z_i} / Σ_j e^{z_j};  ∂a_i/∂z_i = a_i(1 - a_i), ∂a_j/∂z_i = -a_j a_i,
    so the VJP is a ⊙ (g - Σ_j g_j a_j)."""
    __slots__ = ("axis",)
    name = "softmax"
    saves_output = True

    def forward(self, z, axis):
        self.axis = axis
        _, e, total = shifted_exp(z, axis)
        e /= total
        return e

    def vjp(self, g):
        a = self.output()
        return (a * (g - (g * a).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Op):
    """a_i = z_i - log Σ_j e^{z_j};  VJP: g - softmax(z) Σ_j g_j."""
    __slots__ = ("axis",)
    name = "log_softmax"
    saves_output = True

    def forward(self, z, axis):
        self.axis = axis
        shifted, _, total = shifted_exp(z, axis)
        return shifted - np.log(total)

    def vjp(self, g):
        return (g - functions().exp(self.output()) * g.sum(axis=self.axis, keepdims=True),)


def sigmoid(z: Any) -> Tensor:
    """Logistic function 1 / (1 + e^-z)."""
    return apply(Sigmoid, lift(z))


def tanh(z: Any) -> Tensor:
    """Hyperbolic tangent."""
    return apply(Tanh, lift(z))


def relu(z: Any) -> Tensor:
    """max(0, z)."""
    return apply(ReLU, lift(z))


def leaky_relu(z: Any, negative_slope: float = 0.01) -> Tensor:
    """max(z, negative_slope·z) (PyTorch's default slope 0.01; the notes use 0.1)."""
    return apply(LeakyReLU, lift(z), negative_slope=float(negative_slope))


def elu(z: Any, alpha: float = 1.0) -> Tensor:
    """z for z > 0, else alpha·(e^z - 1)."""
    return apply(ELU, lift(z), alpha=float(alpha))


def softplus(z: Any) -> Tensor:
    """log(1 + e^z), a smooth ReLU."""
    return apply(Softplus, lift(z))


def softmax(z: Any, axis: int = -1) -> Tensor:
    """e^z / Σ e^z along ``axis`` (max subtracted first, so it never overflows)."""
    return apply(Softmax, lift(z), axis=axis)


def log_softmax(z: Any, axis: int = -1) -> Tensor:
    """log(softmax(z)) computed stably as z - max - log Σ e^(z - max)."""
    return apply(LogSoftmax, lift(z), axis=axis)
