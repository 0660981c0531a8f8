"""Layer -> ONNX node converters, in a registry keyed by layer type, and the graph builder they write to.

A converter takes the layer, the ONNX values feeding it (name, per-sample shape, dtype) and the
:class:`GraphBuilder`, adds nodes and initializers, and returns the name of the layer's output value.
Lookup is by exact type, so a subclass that changes the maths is never exported with its parent's
converter by mistake; ``@nn.onnx.register(MyLayer)`` adds one for a new layer type.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, NamedTuple

import numpy as np

import tensorgrad as tg

from .. import activations as nn_activations
from ..activations import ELU, Activation, LeakyReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from ..keras_activations import LeakyReLU as KerasLeakyReLU, ReLU as KerasReLU
from ..layers import Concatenate, Dense, Dropout, Dropout2d, InputLayer, Linear, Maxout
from ..parallel import DataParallel

if TYPE_CHECKING:
    from ..module import Module


class Value(NamedTuple):
    """An ONNX value of the graph being built: its name, shape (None for the batch axis) and dtype."""
    name: str
    shape: tuple
    dtype: np.dtype


class UnsupportedLayerError(ValueError):
    """A layer (or a layer's setting, such as a custom activation callable) that has no ONNX form."""


Converter = Callable[["Module", list[Value], "GraphBuilder"], "str | list[str]"]   # one output, or several
_CONVERTERS: dict[type, Converter] = {}


def register(layer_type: type) -> Callable[[Converter], Converter]:
    """Decorator: ``@register(MyLayer) def convert(layer, inputs, g) -> output name``."""
    def decorate(fn: Converter) -> Converter:
        _CONVERTERS[layer_type] = fn
        return fn
    return decorate


def converter_for(layer: "Module") -> Converter | None:
    """The converter registered for ``type(layer)`` exactly, or None."""
    return _CONVERTERS.get(type(layer))


def supported_layers() -> list[str]:
    """The names of the layer types that have a converter, sorted."""
    return sorted({t.__name__ for t in _CONVERTERS})


class GraphBuilder:
    """Collects ONNX nodes and initializers (weights) with unique value names."""

    def __init__(self, helper: Any, numpy_helper: Any) -> None:
        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.used: set[str] = set()
        self._constants: dict[int, tuple[np.ndarray, str]] = {}   # id -> (array kept alive, name)

    def fresh(self, name: str) -> str:
        """``name`` if unused, else ``name_2``, ``name_3``, ...; reserved from then on."""
        candidate, k = name, 1
        while candidate in self.used:
            k += 1
            candidate = f"{name}_{k}"
        self.used.add(candidate)
        return candidate

    def node(self, op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        """Add ``op(inputs) -> output`` (output made unique) and return the output's name."""
        output = self.fresh(output)
        self.nodes.append(self.helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def multi(self, op: str, inputs: list[str], outputs: list[str], **attrs: Any) -> list[str]:
        """Add a node with several outputs (an LSTM's Y, Y_h, Y_c) and return their (unique) names."""
        outputs = [self.fresh(o) for o in outputs]
        self.nodes.append(self.helper.make_node(op, inputs, outputs, name=outputs[0], **attrs))
        return outputs

    def ints(self, values: Any, name: str) -> str:
        """An int64 constant (a shape, axes, pads), as the shape operators take them."""
        return self.constant(np.array(values, np.int64), name)

    def scalar(self, value: float, dtype: np.dtype, name: str) -> str:
        """A 0-d constant of ``dtype`` (broadcast by the elementwise operators)."""
        return self.constant(np.array(value, dtype), name)

    def constant(self, array: np.ndarray, name: str) -> str:
        """Add ``array`` as an initializer and return its name; the same array (a shared layer's weight,
        or a model used twice) is stored once."""
        cached = self._constants.get(id(array))
        if cached is not None and cached[0] is array:
            return cached[1]
        name = self.fresh(name)
        self.initializers.append(self.numpy_helper.from_array(np.ascontiguousarray(array), name=name))
        self._constants[id(array)] = (array, name)
        return name

    def cast(self, value: Value, dtype: np.dtype, name: str) -> str:
        """``value`` as ``dtype`` (a Cast node only when the dtypes differ), as a layer casts its input."""
        if value.dtype == dtype:
            return value.name
        return self.node("Cast", [value.name], name, to=self.helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


# --------------------------------------------------------------------------- activations
def _softmax(g: GraphBuilder, x: str, dtype: np.dtype, out: str, axis: int = -1) -> str:
    return g.node("Softmax", [x], out, axis=axis)


def _step(g: GraphBuilder, x: str, dtype: np.dtype, out: str) -> str:
    """Heaviside: 1 where x >= 0, else 0, as Cast(GreaterOrEqual(x, 0))."""
    zero = g.constant(np.zeros((), dtype), f"{out}/zero")
    mask = g.node("GreaterOrEqual", [x, zero], f"{out}/mask")
    return g.node("Cast", [mask], out, to=g.helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


# onnxruntime's CPU kernels of Elu and Softplus are float32 only: for float64 they are written out in ops it has
def elu(alpha: float) -> Callable[[GraphBuilder, str, np.dtype, str], str]:
    """x for x > 0, else alpha·(e^x - 1); as Where(x > 0, x, alpha·(Exp(x) - 1)) for float64."""
    def convert(g: GraphBuilder, x: str, dtype: np.dtype, out: str) -> str:
        if np.dtype(dtype) == np.float32:
            return g.node("Elu", [x], out, alpha=alpha)
        zero, one = g.constant(np.zeros((), dtype), f"{out}/zero"), g.constant(np.ones((), dtype), f"{out}/one")
        scale = g.constant(np.array(alpha, dtype), f"{out}/alpha")
        expm1 = g.node("Sub", [g.node("Exp", [x], f"{out}/exp"), one], f"{out}/expm1")
        negative = g.node("Mul", [scale, expm1], f"{out}/negative")
        return g.node("Where", [g.node("Greater", [x, zero], f"{out}/positive"), x, negative], out)
    return convert


def softplus(g: GraphBuilder, x: str, dtype: np.dtype, out: str) -> str:
    """log(1 + e^x); as the overflow-free Relu(x) + Log(1 + Exp(-|x|)) for float64."""
    if np.dtype(dtype) == np.float32:
        return g.node("Softplus", [x], out)
    one = g.constant(np.ones((), dtype), f"{out}/one")
    decay = g.node("Exp", [g.node("Neg", [g.node("Abs", [x], f"{out}/abs")], f"{out}/neg")], f"{out}/exp")
    tail = g.node("Log", [g.node("Add", [one, decay], f"{out}/one_plus")], f"{out}/log")
    return g.node("Add", [g.node("Relu", [x], f"{out}/relu"), tail], out)


def _unary(op: str, **attrs: Any) -> Callable[[GraphBuilder, str, np.dtype, str], str]:
    return lambda g, x, dtype, out: g.node(op, [x], out, **attrs)


# tensorgrad's activation functions (as nn.activations.get returns them, with their default arguments)
_ACTIVATIONS: dict[Any, Callable[[GraphBuilder, str, np.dtype, str], str]] = {
    tg.relu: _unary("Relu"), tg.sigmoid: _unary("Sigmoid"), tg.tanh: _unary("Tanh"),
    tg.softplus: softplus, tg.elu: elu(1.0),
    tg.leaky_relu: _unary("LeakyRelu", alpha=0.01), tg.softmax: _softmax,
    tg.log_softmax: _unary("LogSoftmax", axis=-1), tg.step: _step,
}
_ACTIVATIONS[nn_activations.sigmoid] = _ACTIVATIONS[tg.sigmoid]   # nn's, which keep the logits for Keras's losses
_ACTIVATIONS[nn_activations.softmax] = _ACTIVATIONS[tg.softmax]
_ACTIVATIONS[nn_activations.leaky_relu] = _unary("LeakyRelu", alpha=0.2)          # Keras's "leaky_relu"


def supported_activations() -> list[str]:
    """The activation names (as Dense(activation=...) takes them) the exporter converts."""
    return ["linear"] + sorted({getattr(f, "__name__", repr(f)) for f in _ACTIVATIONS})


def apply_activation(g: GraphBuilder, layer: "Module", activation: Any, x: str, dtype: np.dtype, out: str) -> str:
    """The nodes of ``activation`` (None: the identity) applied to value ``x``."""
    if activation is None:
        return x
    convert = _ACTIVATIONS.get(activation)
    if convert is None:
        raise UnsupportedLayerError(
            f"layer '{layer.name}' ({type(layer).__name__}) uses the activation {activation!r}, which has no "
            f"ONNX form; use one of {supported_activations()}.")
    return convert(g, x, dtype, out)


# --------------------------------------------------------------------------- layers
def require_weights(layer: "Module", *params: Any) -> None:
    """UnsupportedLayerError when a lazy layer has not been built (its weights have no shape yet)."""
    if any(p is not None and not p.initialized for p in params):
        raise UnsupportedLayerError(f"layer '{layer.name}' ({type(layer).__name__}) has no weights yet; build or "
                                    f"train the model (or give input_shape=) before exporting it.")


def affine(g: GraphBuilder, layer: Dense | Linear, x: Value, out: str) -> str:
    """x @ kernel + bias: one Gemm for (batch, features) input, MatMul (+ Add) for higher ranks. A PyTorch
    Linear's (out, in) weight is stored transposed, as the (in, out) kernel the graph multiplies by."""
    require_weights(layer, layer.weight)
    xin = g.cast(x, layer.dtype, f"{layer.name}/cast")
    weight = layer.weight.numpy(force=True)
    kernel = g.constant(np.ascontiguousarray(weight.T) if isinstance(layer, Linear) else weight, f"{layer.name}/kernel")
    bias = None if layer.bias is None else g.constant(layer.bias.numpy(force=True), f"{layer.name}/bias")
    if len(x.shape) == 2:
        return g.node("Gemm", [xin, kernel] + ([bias] if bias else []), out)
    z = g.node("MatMul", [xin, kernel], out if bias is None else f"{out}/matmul")
    return z if bias is None else g.node("Add", [z, bias], out)


@register(Linear)
def _linear(layer: Linear, inputs: list[Value], g: GraphBuilder) -> str:
    return affine(g, layer, inputs[0], layer.name)


@register(Dense)
def _dense(layer: Dense, inputs: list[Value], g: GraphBuilder) -> str:
    if layer.activation is None:
        return affine(g, layer, inputs[0], layer.name)
    z = affine(g, layer, inputs[0], f"{layer.name}/linear")
    return apply_activation(g, layer, layer.activation, z, layer.dtype, layer.name)


@register(Maxout)
def _maxout(layer: Maxout, inputs: list[Value], g: GraphBuilder) -> str:
    """max over the ``pieces`` adjacent columns of one affine map: Reshape to (..., units, pieces), ReduceMax."""
    x = inputs[0]
    z = affine(g, layer.linear, x, f"{layer.name}/linear")
    keep = [0] * (len(x.shape) - 1)               # Reshape's 0: keep that axis (the batch and any middle ones)
    shape = g.constant(np.array(keep + [layer.units, layer.pieces], np.int64), f"{layer.name}/shape")
    pieces = g.node("Reshape", [z, shape], f"{layer.name}/pieces")
    return g.node("ReduceMax", [pieces], layer.name, axes=[-1], keepdims=0)


@register(Dropout)
@register(Dropout2d)
def _dropout(layer: Dropout, inputs: list[Value], g: GraphBuilder) -> str:
    """The identity: an exported model is for inference, where dropout does nothing."""
    return inputs[0].name


@register(InputLayer)
def _input_layer(layer: InputLayer, inputs: list[Value], g: GraphBuilder) -> str:
    """An input of a nested model: its value cast to the input's dtype."""
    return g.cast(inputs[0], layer.dtype, layer.name)


@register(Concatenate)
def _concatenate(layer: Concatenate, inputs: list[Value], g: GraphBuilder) -> str:
    dtype = np.result_type(*[v.dtype for v in inputs])
    parts = [g.cast(v, dtype, f"{layer.name}/cast") for v in inputs]
    return g.node("Concat", parts, layer.name, axis=layer.axis)


def _activation_layer(fn: Any) -> Converter:
    return lambda layer, inputs, g: apply_activation(g, layer, fn, inputs[0].name, inputs[0].dtype, layer.name)


for _type, _fn in ((Sigmoid, nn_activations.sigmoid), (Tanh, tg.tanh), (ReLU, tg.relu), (Step, tg.step)):
    register(_type)(_activation_layer(_fn))


@register(Activation)
def _activation(layer: Activation, inputs: list[Value], g: GraphBuilder) -> str:
    x = inputs[0]
    return apply_activation(g, layer, layer.activation, x.name, x.dtype, layer.name)


@register(LeakyReLU)
@register(KerasLeakyReLU)
def _leaky_relu(layer: LeakyReLU, inputs: list[Value], g: GraphBuilder) -> str:
    return g.node("LeakyRelu", [inputs[0].name], layer.name, alpha=layer.negative_slope)


@register(ELU)
def _elu_layer(layer: ELU, inputs: list[Value], g: GraphBuilder) -> str:
    return elu(layer.alpha)(g, inputs[0].name, inputs[0].dtype, layer.name)


@register(Softmax)
def _softmax_layer(layer: Softmax, inputs: list[Value], g: GraphBuilder) -> str:
    return g.node("Softmax", [inputs[0].name], layer.name, axis=layer.axis)


@register(DataParallel)
def _data_parallel(layer: DataParallel, inputs: list[Value], g: GraphBuilder) -> "str | list[str]":
    """The wrapped module's own nodes (DataParallel runs it unchanged on the CPU)."""
    convert = converter_for(layer.module)
    if convert is None:
        raise UnsupportedLayerError(f"layer '{layer.name}' (DataParallel) wraps {type(layer.module).__name__} "
                                    f"'{layer.module.name}', which has no ONNX converter")
    return convert(layer.module, inputs, g)


@register(KerasReLU)
def _keras_relu(layer: KerasReLU, inputs: list[Value], g: GraphBuilder) -> str:
    """Relu for the defaults; else Where(x > threshold, x, negative_slope·(x - threshold)), then Min(·, max_value)."""
    x, dtype, out = inputs[0].name, inputs[0].dtype, layer.name
    const = lambda value, name: g.constant(np.array(value, dtype), f"{out}/{name}")
    clipped = out if layer.max_value is None else f"{out}/unclipped"
    if layer.negative_slope == 0 and layer.threshold == 0:
        y = g.node("Relu", [x], clipped)
    else:
        threshold = const(layer.threshold, "threshold")
        below = g.node("Mul", [g.node("Sub", [x, threshold], f"{out}/shifted"), const(layer.negative_slope, "slope")],
                       f"{out}/below")
        y = g.node("Where", [g.node("Greater", [x, threshold], f"{out}/above"), x, below], clipped)
    return y if layer.max_value is None else g.node("Min", [y, const(layer.max_value, "max_value")], out)
