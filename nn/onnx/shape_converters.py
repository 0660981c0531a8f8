"""ONNX converters of the reshaping, preprocessing, noise and merging layers: Flatten, Unflatten and
Keras's Reshape, Permute, RepeatVector, Rescaling, Normalization, GaussianNoise, ActivityRegularization,
Add/Subtract/Multiply/Average/Maximum/Minimum and Dot. Lambda and the recorded tensor functions
(TFOpLambda) run arbitrary Python, which has no ONNX form: they raise UnsupportedLayerError saying so."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..keras_layers import (ActivityRegularization, Add, Average, Dot, GaussianNoise, Lambda, Maximum, Minimum,
                            Multiply, Normalization, Permute, RepeatVector, Rescaling, Reshape, Subtract)
from ..keras_layers import EPSILON as NORMALIZATION_EPSILON
from ..layers import Flatten, Unflatten
from ..symbolic_ops import TFOpLambda
from .converters import GraphBuilder, UnsupportedLayerError, Value, register


def reshape(g: GraphBuilder, x: str, shape: list[int], out: str) -> str:
    """Reshape to ``shape`` (ONNX's 0 keeps that axis of the input, -1 is inferred)."""
    return g.node("Reshape", [x, g.ints(shape, f"{out}/shape")], out)


def _static(value: Value, layer: Any) -> tuple[int, ...]:
    """The per-sample dimensions of ``value``, which these converters need known."""
    dims = value.shape[1:]
    if any(d is None for d in dims):
        raise UnsupportedLayerError(f"layer '{layer.name}' ({type(layer).__name__}) needs a known input shape, got "
                                    f"{value.shape}.")
    return tuple(int(d) for d in dims)


@register(Flatten)
def _flatten(layer: Flatten, inputs: list[Value], g: GraphBuilder) -> str:
    """Axes start_dim..end_dim merged into one: Reshape keeping the axes before (0) and after (their sizes)."""
    x = inputs[0]
    rank = len(x.shape)
    if rank == 1:                                   # Keras's Flatten of a (batch,) input: (batch, 1)
        return reshape(g, x.name, [-1, 1], layer.name)
    start, end = layer.start_dim % rank, layer.end_dim % rank
    after = [int(d) for d in x.shape[end + 1:]]
    return reshape(g, x.name, [0] * start + [-1] + after, layer.name)


@register(Unflatten)
def _unflatten(layer: Unflatten, inputs: list[Value], g: GraphBuilder) -> str:
    x = inputs[0]
    dim = layer.dim % len(x.shape)
    after = [int(d) for d in x.shape[dim + 1:]]
    return reshape(g, x.name, [0] * dim + list(layer.unflattened_size) + after, layer.name)


@register(Reshape)
def _reshape(layer: Reshape, inputs: list[Value], g: GraphBuilder) -> str:
    return reshape(g, inputs[0].name, [0, *layer.target_shape], layer.name)


@register(Permute)
def _permute(layer: Permute, inputs: list[Value], g: GraphBuilder) -> str:
    return g.node("Transpose", [inputs[0].name], layer.name, perm=[0, *layer.dims])


@register(RepeatVector)
def _repeat_vector(layer: RepeatVector, inputs: list[Value], g: GraphBuilder) -> str:
    """(batch, f) -> (batch, 1, f) broadcast to (batch, n, f)."""
    column = g.node("Unsqueeze", [inputs[0].name, g.ints([1], f"{layer.name}/axis")], f"{layer.name}/unsqueeze")
    return g.node("Expand", [column, g.ints([1, layer.n, 1], f"{layer.name}/repeats")], layer.name)


@register(Rescaling)
def _rescaling(layer: Rescaling, inputs: list[Value], g: GraphBuilder) -> str:
    """x·scale + offset."""
    x, out, dtype = inputs[0].name, layer.name, inputs[0].dtype
    scaled = g.node("Mul", [x, g.scalar(layer.scale, dtype, f"{out}/scale")], f"{out}/scaled")
    return g.node("Add", [scaled, g.scalar(layer.offset, dtype, f"{out}/offset")], out)


@register(Normalization)
def _normalization(layer: Normalization, inputs: list[Value], g: GraphBuilder) -> str:
    """(x - mean) / max(√variance, ε), or mean + x·max(√variance, ε) when ``invert``."""
    if not layer.built:
        raise UnsupportedLayerError(f"layer '{layer.name}' (Normalization) is not built yet; call adapt(data) or "
                                    f"give mean= and variance= before exporting it.")
    dtype = np.result_type(inputs[0].dtype, layer.dtype)          # as the forward's arithmetic promotes
    x, out = g.cast(inputs[0], dtype, f"{layer.name}/cast"), layer.name
    mean = g.constant(layer.mean.numpy(force=True).astype(dtype).reshape(layer.broadcast_shape), f"{out}/mean")
    scale = np.maximum(np.sqrt(layer.variance.numpy(force=True)), NORMALIZATION_EPSILON).astype(dtype)
    scale_name = g.constant(scale.reshape(layer.broadcast_shape), f"{out}/scale")
    if layer.invert:
        return g.node("Add", [mean, g.node("Mul", [x, scale_name], f"{out}/scaled")], out)
    return g.node("Div", [g.node("Sub", [x, mean], f"{out}/centered"), scale_name], out)


@register(GaussianNoise)
@register(ActivityRegularization)
def _inference_identity(layer: Any, inputs: list[Value], g: GraphBuilder) -> str:
    """The identity: noise is added in training only, and the activity penalty is a loss, not an output."""
    return inputs[0].name


def _merge_dtype(inputs: list[Value]) -> np.dtype:
    """The dtype the forward's arithmetic gives its inputs (numpy's promotion)."""
    return np.result_type(*[v.dtype for v in inputs])


def _merge_inputs(layer: Any, inputs: list[Value], g: GraphBuilder) -> list[str]:
    """The inputs cast to one dtype, as the forward's arithmetic promotes them."""
    dtype = _merge_dtype(inputs)
    return [g.cast(v, dtype, f"{layer.name}/cast") for v in inputs]


def _chain(op: str, parts: list[str], g: GraphBuilder, out: str) -> str:
    """parts[0] op parts[1] op ..., left to right as the forward's reduce."""
    result = parts[0]
    for k, part in enumerate(parts[1:], 1):
        result = g.node(op, [result, part], out if k == len(parts) - 1 else f"{out}/{op.lower()}")
    return result


@register(Add)
def _add(layer: Add, inputs: list[Value], g: GraphBuilder) -> str:
    return _chain("Add", _merge_inputs(layer, inputs, g), g, layer.name)


@register(Subtract)
def _subtract(layer: Subtract, inputs: list[Value], g: GraphBuilder) -> str:
    return _chain("Sub", _merge_inputs(layer, inputs, g), g, layer.name)


@register(Multiply)
def _multiply(layer: Multiply, inputs: list[Value], g: GraphBuilder) -> str:
    return _chain("Mul", _merge_inputs(layer, inputs, g), g, layer.name)


@register(Average)
def _average(layer: Average, inputs: list[Value], g: GraphBuilder) -> str:
    """(x₁ + ... + xₙ) / n (Sum, then Div: onnxruntime's Mean has no float64 kernel)."""
    total = _chain("Add", _merge_inputs(layer, inputs, g), g, f"{layer.name}/sum")
    return g.node("Div", [total, g.scalar(len(inputs), _merge_dtype(inputs), f"{layer.name}/count")], layer.name)


@register(Maximum)
def _maximum(layer: Maximum, inputs: list[Value], g: GraphBuilder) -> str:
    return g.node("Max", _merge_inputs(layer, inputs, g), layer.name)


@register(Minimum)
def _minimum(layer: Minimum, inputs: list[Value], g: GraphBuilder) -> str:
    return g.node("Min", _merge_inputs(layer, inputs, g), layer.name)


def _l2_normalize(g: GraphBuilder, x: str, axis: int, dtype: np.dtype, out: str) -> str:
    """x / √max(Σ x² along axis, 1e-12)."""
    squares = g.node("ReduceSumSquare", [x], f"{out}/squares", axes=[axis], keepdims=1)
    floor = g.node("Max", [squares, g.scalar(1e-12, dtype, f"{out}/floor")], f"{out}/floored")
    return g.node("Div", [x, g.node("Sqrt", [floor], f"{out}/norm")], out)


@register(Dot)
def _dot(layer: Dot, inputs: list[Value], g: GraphBuilder) -> str:
    """Per-sample dot product along ``axes``: both inputs transposed so the summed axis meets, then one
    batched MatMul, reshaped to the remaining axes ((batch, 1) for two vectors)."""
    a, b = inputs
    shape_a, shape_b = (None, *_static(a, layer)), (None, *_static(b, layer))
    ax_a, ax_b = layer.axes[0] % len(shape_a), layer.axes[1] % len(shape_b)
    left, right = _merge_inputs(layer, inputs, g)
    out = layer.name
    if layer.normalize:
        dtype = _merge_dtype(inputs)
        left = _l2_normalize(g, left, ax_a, dtype, f"{out}/normalized_a")
        right = _l2_normalize(g, right, ax_b, dtype, f"{out}/normalized_b")
    rest_a = [d for d in range(1, len(shape_a)) if d != ax_a]
    rest_b = [d for d in range(1, len(shape_b)) if d != ax_b]
    n = shape_a[ax_a]
    left = reshape(g, g.node("Transpose", [left], f"{out}/a_t", perm=[0, *rest_a, ax_a]), [0, -1, n], f"{out}/a_2d")
    right = reshape(g, g.node("Transpose", [right], f"{out}/b_t", perm=[0, ax_b, *rest_b]), [0, n, -1], f"{out}/b_2d")
    product = g.node("MatMul", [left, right], f"{out}/matmul")
    dims = [shape_a[d] for d in rest_a] + [shape_b[d] for d in rest_b]
    return reshape(g, product, [0, *dims] if dims else [0, 1], out)


@register(Lambda)
@register(TFOpLambda)
def _python_function(layer: Any, inputs: list[Value], g: GraphBuilder) -> str:
    raise UnsupportedLayerError(
        f"layer '{layer.name}' ({type(layer).__name__}) runs a Python function, which the exporter does not trace; "
        f"write it with layers that have a converter, or subclass nn.keras.layers.Layer and register its ONNX "
        f"form with @nn.onnx.register(YourLayer).")

