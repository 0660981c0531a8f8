"""ONNX converters of the sequence layers: Embedding (Gather on int64 ids), Keras's SimpleRNN, LSTM, GRU,
Bidirectional and TimeDistributed, and PyTorch's RNN, LSTM and GRU (num_layers, bidirectional, batch_first).

The recurrences become ONNX's RNN, LSTM and GRU operators, whose gate orders differ from both spellings:
ONNX's LSTM stacks its gates i, o, f, c (Keras: i, f, c, o; PyTorch: i, f, g, o) and its GRU z, r, h
(Keras: z, r, h; PyTorch: r, z, n), with ``linear_before_reset=1`` as Keras's reset_after=True and PyTorch
compute the candidate. The operators take (steps, batch, features) input, so batch-first layers are
transposed around them. onnxruntime runs these operators in float32 only.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..recurrent import GRU as KerasGRU
from ..recurrent import LSTM as KerasLSTM
from ..recurrent import Bidirectional, SimpleRNN, TimeDistributed
from ..recurrent import Embedding as KerasEmbedding
from ..recurrent import Masking
from ..rnn import GRU, LSTM, RNN, Embedding
from .converters import GraphBuilder, UnsupportedLayerError, Value, converter_for, register, require_weights
from .shape_converters import reshape

# ONNX's gate blocks, as indices into each spelling's blocks
_KERAS_ORDER = {SimpleRNN: [0], KerasLSTM: [0, 3, 1, 2], KerasGRU: [0, 1, 2]}
_TORCH_ORDER = {"RNN_TANH": [0], "RNN_RELU": [0], "LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2]}
_OPS = {"RNN_TANH": "RNN", "RNN_RELU": "RNN", "LSTM": "LSTM", "GRU": "GRU",
        SimpleRNN: "RNN", KerasLSTM: "LSTM", KerasGRU: "GRU"}
_INT64_MIN = np.iinfo(np.int64).min


def _gates(matrix: np.ndarray, order: list[int]) -> np.ndarray:
    """The gate blocks along axis 0 of ``matrix`` put in ``order``."""
    return np.concatenate([np.split(matrix, len(order), axis=0)[k] for k in order], axis=0)


MASKS = ("its mask makes the recurrent layers below skip the padded steps, which an ONNX graph cannot carry; "
         "export a copy of the model built without the mask (same weights: the same outputs on unpadded sequences)")


@register(Masking)
def _masking(layer: Any, inputs: list[Value], g: GraphBuilder) -> str:
    raise UnsupportedLayerError(f"'{layer.name}' (Masking): {MASKS}")


@register(Embedding)
@register(KerasEmbedding)
def _embedding(layer: Any, inputs: list[Value], g: GraphBuilder) -> str:
    """Gather rows of the table by the ids (int64; float ids, as predict passes them, are cast)."""
    if getattr(layer, "mask_zero", False):
        raise UnsupportedLayerError(f"'{layer.name}' (Embedding with mask_zero=True): {MASKS}")
    x = inputs[0]
    ids = g.cast(x, np.dtype(np.int64), f"{layer.name}/ids")
    table = layer.weight if isinstance(layer, Embedding) else layer.embeddings
    return g.node("Gather", [g.constant(table.numpy(force=True), f"{layer.name}/embeddings"), ids], layer.name, axis=0)


def _squeeze(g: GraphBuilder, x: str, axis: int, out: str) -> str:
    return g.node("Squeeze", [x, g.ints([axis], f"{out}/axis")], out)


def _reverse_time(g: GraphBuilder, x: str, axis: int, out: str) -> str:
    """x reversed along ``axis`` (a Slice with step -1)."""
    return g.node("Slice", [x, g.ints([-1], f"{out}/start"), g.ints([_INT64_MIN], f"{out}/end"),
                            g.ints([axis], f"{out}/axis"), g.ints([-1], f"{out}/step")], out)


def _recurrence(g: GraphBuilder, op: str, seq: str, w: np.ndarray, r: np.ndarray, b: np.ndarray | None,
                hidden: int, direction: str, out: str, **attrs: Any) -> list[str]:
    """One ONNX RNN/LSTM/GRU node on (steps, batch, features): [Y, Y_h] (+ Y_c for an LSTM)."""
    names = [g.constant(w, f"{out}/W"), g.constant(r, f"{out}/R")] + ([] if b is None else [g.constant(b, f"{out}/B")])
    outputs = [f"{out}/Y", f"{out}/Y_h"] + ([f"{out}/Y_c"] if op == "LSTM" else [])
    return g.multi(op, [seq] + names, outputs, hidden_size=int(hidden), direction=direction, **attrs)


@register(SimpleRNN)
@register(KerasLSTM)
@register(KerasGRU)
def _keras_recurrent(layer: Any, inputs: list[Value], g: GraphBuilder) -> str | list[str]:
    """Keras's layer on (batch, steps, features): its output (the last state, or every step's with
    return_sequences, in processing order when go_backwards) and, with return_state, its final states."""
    require_weights(layer, layer.kernel, layer.bias)
    kind, units, name = type(layer), layer.units, layer.name
    order = _KERAS_ORDER[kind]
    w = _gates(layer.kernel.numpy(force=True).T, order)[None]
    r = _gates(layer.recurrent_kernel.numpy(force=True).T, order)[None]
    b = None
    if layer.bias is not None:
        bias = layer.bias.numpy(force=True)
        input_bias, recurrent_bias = (bias[0], bias[1]) if kind is KerasGRU else (bias, np.zeros_like(bias))
        b = np.concatenate([_gates(input_bias, order), _gates(recurrent_bias, order)])[None]
    attrs = {"linear_before_reset": 1} if kind is KerasGRU else {}
    seq = g.node("Transpose", [g.cast(inputs[0], layer.dtype, f"{name}/cast")], f"{name}/time_major", perm=[1, 0, 2])
    y, *states = _recurrence(g, _OPS[kind], seq, w, r, b, units, "reverse" if layer.go_backwards else "forward",
                             name, **attrs)
    states = [_squeeze(g, s, 0, f"{name}/state_{k}") for k, s in enumerate(states)]
    if layer.return_sequences:
        steps = _squeeze(g, y, 1, f"{name}/steps")                  # (steps, batch, units), time order
        if layer.go_backwards:                                      # Keras lists them in processing order
            steps = _reverse_time(g, steps, 0, f"{name}/processing_order")
        out = g.node("Transpose", [steps], name, perm=[1, 0, 2])
    else:
        out = states[0]
    return [out, *states] if layer.return_state else out


def _merge(g: GraphBuilder, mode: str | None, fwd: str, bwd: str, dtype: np.dtype, out: str) -> list[str]:
    if mode == "concat":
        return [g.node("Concat", [fwd, bwd], out, axis=-1)]
    if mode == "sum":
        return [g.node("Add", [fwd, bwd], out)]
    if mode == "mul":
        return [g.node("Mul", [fwd, bwd], out)]
    if mode == "ave":
        return [g.node("Mul", [g.node("Add", [fwd, bwd], f"{out}/sum"), g.scalar(0.5, dtype, f"{out}/half")], out)]
    return [fwd, bwd]


@register(Bidirectional)
def _bidirectional(layer: Bidirectional, inputs: list[Value], g: GraphBuilder) -> str | list[str]:
    """Both directions' layers converted, the backward sequence put back in time order, then merged."""
    fwd, bwd = (_as_list(_keras_recurrent(part, inputs, g)) for part in (layer.forward_layer, layer.backward_layer))
    back = bwd[0]
    if layer.forward_layer.return_sequences:
        back = _reverse_time(g, back, 1, f"{layer.name}/backward_in_time_order")
    merged = _merge(g, layer.merge_mode, fwd[0], back, layer.forward_layer.dtype, layer.name)
    outputs = merged + fwd[1:] + bwd[1:]
    return outputs[0] if len(outputs) == 1 else outputs


def _as_list(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else names


@register(TimeDistributed)
def _time_distributed(layer: TimeDistributed, inputs: list[Value], g: GraphBuilder) -> str:
    """The wrapped layer on (batch·steps, ...) and the result reshaped to (batch, steps, ...its output)."""
    x, name = inputs[0], layer.name
    inner = converter_for(layer.layer)
    if inner is None:
        raise UnsupportedLayerError(f"layer '{name}' (TimeDistributed) wraps '{layer.layer.name}' "
                                    f"({type(layer.layer).__name__}), which has no ONNX converter.")
    if any(d is None for d in x.shape[1:]):
        raise UnsupportedLayerError(f"layer '{name}' (TimeDistributed) needs a known input shape, got {x.shape}.")
    merged = reshape(g, x.name, [-1, *x.shape[2:]], f"{name}/merged")
    y = inner(layer.layer, [Value(merged, (None, *x.shape[2:]), x.dtype)], g)
    if not isinstance(y, str):
        raise UnsupportedLayerError(f"layer '{name}' (TimeDistributed) wraps a layer with several outputs.")
    leading = g.node("Shape", [x.name], f"{name}/batch_steps", start=0, end=2)
    trailing = g.node("Shape", [y], f"{name}/per_step", start=1)
    shape = g.node("Concat", [leading, trailing], f"{name}/shape", axis=0)
    return g.node("Reshape", [y, shape], name)


@register(RNN)
@register(LSTM)
@register(GRU)
def _torch_recurrent(layer: Any, inputs: list[Value], g: GraphBuilder) -> list[str]:
    """PyTorch's module: [output, h_n] (+ c_n for an LSTM), each layer one ONNX node (both directions in
    one when bidirectional), the directions' outputs concatenated per step as PyTorch does."""
    x, name, mode = inputs[0], layer.name, layer.mode
    order, op = _TORCH_ORDER[mode], _OPS[mode]
    directions = 2 if layer.bidirectional else 1
    unbatched = len(x.shape) == 2
    seq = g.cast(x, layer.weight_ih_l0.dtype, f"{name}/cast")
    if unbatched:
        seq = g.node("Unsqueeze", [seq, g.ints([1], f"{name}/batch_axis")], f"{name}/batched")
    elif layer.batch_first:
        seq = g.node("Transpose", [seq], f"{name}/time_major", perm=[1, 0, 2])
    attrs: dict[str, Any] = {"linear_before_reset": 1} if mode == "GRU" else {}
    if mode == "RNN_RELU":
        attrs["activations"] = ["Relu"] * directions
    finals: list[list[str]] = []
    for k in range(layer.num_layers):
        suffixes = ("", "_reverse")[:directions]
        weights = [layer._weights(k, s) for s in suffixes]
        w = np.stack([_gates(wi.numpy(force=True), order) for wi, _, _, _ in weights])
        r = np.stack([_gates(wh.numpy(force=True), order) for _, wh, _, _ in weights])
        b = None if not layer.bias else np.stack([np.concatenate([_gates(bi.numpy(force=True), order), _gates(bh.numpy(force=True), order)])
                                                  for _, _, bi, bh in weights])
        y, *states = _recurrence(g, op, seq, w, r, b, layer.hidden_size,
                                 "bidirectional" if directions == 2 else "forward", f"{name}/l{k}", **attrs)
        finals.append(states)
        steps = g.node("Transpose", [y], f"{name}/l{k}/steps", perm=[0, 2, 1, 3])   # (steps, batch, dirs, hidden)
        seq = reshape(g, steps, [0, 0, -1], f"{name}/l{k}/output")
    if unbatched:
        seq = _squeeze(g, seq, 1, f"{name}/output")
    elif layer.batch_first:
        seq = g.node("Transpose", [seq], f"{name}/output", perm=[1, 0, 2])
    outputs = [seq]
    for s in range(len(finals[0])):               # h_n (and c_n): (layers·directions, batch, hidden)
        stacked = finals[0][s] if len(finals) == 1 else g.node("Concat", [f[s] for f in finals], f"{name}/state_{s}",
                                                               axis=0)
        outputs.append(_squeeze(g, stacked, 1, f"{name}/state_{s}_unbatched") if unbatched else stacked)
    return outputs
