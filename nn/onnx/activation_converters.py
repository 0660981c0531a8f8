"""ONNX converters of PyTorch's activation modules (Softplus with beta, Softmin, LogSigmoid, GELU, SiLU,
Hardtanh, ReLU6, LogSoftmax) and Identity, each written with the formula its forward computes."""
from __future__ import annotations

import math

from ..activations import GELU, Hardtanh, LogSigmoid, LogSoftmax, ReLU6, SiLU, Softmin, Softplus
from ..layers import Identity
from .converters import GraphBuilder, Value, register, softplus


@register(Softplus)
def _softplus(layer: Softplus, inputs: list[Value], g: GraphBuilder) -> str:
    """log(1 + e^(βx)) / β (the stable form, which already equals x above PyTorch's threshold)."""
    x, out = inputs[0], layer.name
    if layer.beta == 1:
        return softplus(g, x.name, x.dtype, out)
    beta = g.scalar(layer.beta, x.dtype, f"{out}/beta")
    scaled = softplus(g, g.node("Mul", [x.name, beta], f"{out}/scaled"), x.dtype, f"{out}/softplus")
    return g.node("Div", [scaled, beta], out)


@register(LogSigmoid)
def _log_sigmoid(layer: LogSigmoid, inputs: list[Value], g: GraphBuilder) -> str:
    """log σ(x) = -softplus(-x)."""
    x, out = inputs[0], layer.name
    negative = g.node("Neg", [x.name], f"{out}/neg")
    return g.node("Neg", [softplus(g, negative, x.dtype, f"{out}/softplus")], out)


@register(Softmin)
def _softmin(layer: Softmin, inputs: list[Value], g: GraphBuilder) -> str:
    """softmax(-x) along ``dim`` (the last axis when None, as the forward)."""
    negative = g.node("Neg", [inputs[0].name], f"{layer.name}/neg")
    return g.node("Softmax", [negative], layer.name, axis=-1 if layer.dim is None else int(layer.dim))


@register(LogSoftmax)
def _log_softmax(layer: LogSoftmax, inputs: list[Value], g: GraphBuilder) -> str:
    return g.node("LogSoftmax", [inputs[0].name], layer.name, axis=-1 if layer.dim is None else int(layer.dim))


@register(GELU)
def _gelu(layer: GELU, inputs: list[Value], g: GraphBuilder) -> str:
    """x·Φ(x) = x·(1 + erf(x/√2))/2; approximate='tanh': x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2."""
    x, out = inputs[0], layer.name
    half, one = g.scalar(0.5, x.dtype, f"{out}/half"), g.scalar(1.0, x.dtype, f"{out}/one")
    if layer.approximate == "tanh":
        cube = g.node("Mul", [g.node("Mul", [x.name, x.name], f"{out}/square"), x.name], f"{out}/cube")
        inner = g.node("Add", [x.name, g.node("Mul", [cube, g.scalar(0.044715, x.dtype, f"{out}/c")], f"{out}/term")],
                       f"{out}/inner")
        core = g.node("Tanh", [g.node("Mul", [inner, g.scalar(math.sqrt(2 / math.pi), x.dtype, f"{out}/k")],
                                      f"{out}/scaled")], f"{out}/tanh")
    else:
        core = g.node("Erf", [g.node("Div", [x.name, g.scalar(math.sqrt(2.0), x.dtype, f"{out}/sqrt2")],
                                     f"{out}/scaled")], f"{out}/erf")
    cdf = g.node("Mul", [g.node("Add", [one, core], f"{out}/one_plus"), half], f"{out}/cdf")
    return g.node("Mul", [x.name, cdf], out)


@register(SiLU)
def _silu(layer: SiLU, inputs: list[Value], g: GraphBuilder) -> str:
    """x·σ(x)."""
    x = inputs[0].name
    return g.node("Mul", [x, g.node("Sigmoid", [x], f"{layer.name}/sigmoid")], layer.name)


@register(Hardtanh)
@register(ReLU6)
def _hardtanh(layer: Hardtanh, inputs: list[Value], g: GraphBuilder) -> str:
    """min(max(x, min_val), max_val) (ReLU6: min_val 0, max_val 6)."""
    x, out = inputs[0], layer.name
    low = g.scalar(layer.min_val, x.dtype, f"{out}/min")
    high = g.scalar(layer.max_val, x.dtype, f"{out}/max")
    return g.node("Clip", [x.name, low, high], out)


@register(Identity)
def _identity(layer: Identity, inputs: list[Value], g: GraphBuilder) -> str:
    return inputs[0].name

