"""``nn.onnx.export``: a Sequential, a functional model or a single layer as an ONNX file that
onnxruntime (or any ONNX runtime) runs without tensorgrad, and ``load`` / ``inference_session`` to
read one back with a clear error for a corrupt or truncated file.

The graph follows the model's layer graph (the symbolic tensors of ``nn.Input`` and layer calls):
each layer becomes the nodes its converter writes (see :mod:`nn.onnx.converters`), weights are
initializers named ``<layer>/kernel`` and ``<layer>/bias``, inputs and outputs carry the Keras layer
names, and the batch axis is dynamic (``batch``).
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, __version__
from tensorgrad.files import write_atomic

from ..mode import training_mode
from ..models import Model, Sequential
from ..module import Module
from ..recurrent import Embedding as KerasEmbedding
from ..rnn import Embedding
from ..symbolic import SymbolicTensor, graph_order
from ..training_checks import model_dtype
from .converters import GraphBuilder, UnsupportedLayerError, Value, converter_for, register, supported_layers

DEFAULT_OPSET = 17
_IR_VERSION = 8                 # the IR version of opset 17, so older onnxruntime releases load the files too
_INSTALL_HINT = "pip install 'tensorgrad[onnx]' (the onnx and onnxruntime packages)"


def _onnx(who: str) -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(f"{who} needs the onnx package: {_INSTALL_HINT}.") from None
    return onnx


def _per_sample_shapes(input_shape: Any, count: int, who: str) -> list[tuple] | None:
    """``input_shape`` as one per-sample shape per model input (a leading None batch axis dropped)."""
    if input_shape is None:
        return None
    one_wrapped = (count == 1 and isinstance(input_shape, (list, tuple)) and len(input_shape) == 1
                   and isinstance(input_shape[0], (list, tuple)))          # [(28, 28)] for one input
    shapes = list(input_shape) if count > 1 or one_wrapped else [input_shape]
    if len(shapes) != count or not all(isinstance(s, (list, tuple, int, np.integer)) for s in shapes):
        raise ValueError(f"{who}: input_shape={input_shape!r} must give {count} per-sample shape(s), "
                         f"e.g. {'[(64,), (128,)]' if count > 1 else '(28, 28)'}.")
    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    return [s[1:] if len(s) > 1 and s[0] is None else s for s in shapes]


def _ends(model: Model, input_shape: Any, who: str) -> tuple[list[SymbolicTensor], list[SymbolicTensor]]:
    """The model's symbolic inputs and outputs; an unbuilt Sequential is built on ``input_shape`` first
    (Keras's ``model.build``), and a built model's input shapes must match ``input_shape`` if given."""
    if isinstance(model, Sequential) and type(model).forward is Sequential.forward:
        if model.output is None:
            if input_shape is None:
                raise ValueError(f"{who}: Sequential '{model.name}' is not built yet, so its input shape is "
                                 f"unknown; give input_shape= (per sample, e.g. (28, 28)), or call or train it once.")
            model.build(_per_sample_shapes(input_shape, 1, who)[0])
        ins, outs = [model.input], [model.output]
    elif isinstance(model, Model) and getattr(model, "_graph", None) is not None and type(model).forward is Model.forward:
        ins, outs = list(model.inputs), list(model.outputs)
    elif isinstance(model, Model):
        raise UnsupportedLayerError(
            f"{who}: {type(model).__name__} '{model.name}' is a subclassed model with its own forward(), which has "
            f"no layer graph to export; build it as nn.Sequential([...]) or nn.Model(inputs=..., outputs=...).")
    else:
        if isinstance(model, Module):
            raise UnsupportedLayerError(f"{who}: {type(model).__name__} '{model.name}' has no ONNX converter; export "
                                        f"an nn.Sequential, a functional nn.Model or a layer of the types: "
                                        f"{', '.join(supported_layers())}.")
        raise TypeError(f"{who}: expected an nn.Sequential, a functional nn.Model or a layer, got "
                        f"{type(model).__name__}.")
    wanted = _per_sample_shapes(input_shape, len(ins), who)
    if wanted is not None and [t.shape[1:] for t in ins] != wanted:
        raise ValueError(f"{who}: input_shape={input_shape!r} does not match the model's input shape(s) "
                         f"{[t.shape[1:] for t in ins]} (per sample); leave input_shape out for a built model.")
    return ins, outs


def _layer_graph(inputs: list[Value], ins: list[SymbolicTensor], outs: list[SymbolicTensor], g: GraphBuilder,
                 problems: list[str]) -> list[Value]:
    """Convert the layer calls from ``ins`` (fed by the values ``inputs``) to ``outs``; each layer that
    cannot be converted adds a line to ``problems`` instead of stopping, so the error lists them all."""
    values = {id(t): v for t, v in zip(ins, inputs)}
    for t in graph_order(outs):
        if id(t) in values:
            continue
        args = [values[id(p)] for p in t.parents]
        if t.kwargs:
            problems.append(f"layer '{t.name}' ({type(t.layer).__name__}) was called with keyword arguments "
                            f"{sorted(t.kwargs)}, which the exporter does not convert")
            name = t.name
        else:
            name, = _convert(t.layer, args, g, problems)
        values[id(t)] = Value(name, t.shape, t.dtype)
    return [values[id(t)] for t in outs]


def _convert(layer: Any, args: list[Value], g: GraphBuilder, problems: list[str], outputs: int = 1) -> list[str]:
    """The names of ``layer``'s ``outputs`` output values; a problem is recorded instead of raised."""
    convert = converter_for(layer)
    if convert is None:
        problems.append(f"layer '{layer.name}' ({type(layer).__name__}) has no ONNX converter")
        return [layer.name] * outputs
    try:
        result = convert(layer, args, g)
    except UnsupportedLayerError as err:
        problems.append(str(err))
        return [layer.name] * outputs
    names = [result] if isinstance(result, str) else list(result)
    if len(names) != outputs:
        problems.append(f"layer '{layer.name}' ({type(layer).__name__}) gives {len(names)} outputs in ONNX where "
                        f"the model uses {outputs}")
        return [layer.name] * outputs
    return names


@register(Model)
@register(Sequential)
def _nested_model(model: Model, inputs: list[Value], g: GraphBuilder) -> str:
    """A model used as a layer: its layer graph inlined, fed by the outer values (cast by a functional
    model's Input layers, as its forward does; a Sequential's forward skips its implicit Input)."""
    ins, outs = _ends(model, None, "nn.onnx.export")
    if not isinstance(model, Sequential):
        inputs = [v._replace(name=g.cast(v, t.dtype, f"{t.name}/cast"), dtype=t.dtype) for v, t in zip(inputs, ins)]
    problems: list[str] = []
    result = _layer_graph(inputs, ins, outs, g, problems)
    if problems:
        raise UnsupportedLayerError("; ".join(problems))
    return result[0].name


_EMBEDDINGS = (Embedding, KerasEmbedding)


def _input_dtype(model: Sequential) -> np.dtype:
    """A Sequential's ONNX input dtype: int64 ids when it starts with an Embedding, else the model's dtype."""
    first = next(iter(model.layers), None)
    return np.dtype(np.int64) if isinstance(first, _EMBEDDINGS) else model_dtype(model)


def _flat(value: Any) -> list[Tensor]:
    """The tensors of a forward's result, nested tuples flattened ((output, (h_n, c_n)) -> 3 tensors)."""
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _flat(v)]
    return [value]


def _module_graph(module: Module, input_shape: Any, g: GraphBuilder, problems: list[str],
                  who: str) -> tuple[list[Value], list[Value], list[str]]:
    """One layer exported on its own (a PyTorch nn.LSTM, a Keras LSTM with return_state): its outputs are
    found by running it once on a zero sample of ``input_shape`` (the first axis stays dynamic)."""
    declared = input_shape if input_shape is not None else module._declared_input_shape
    if declared is None:
        raise ValueError(f"{who}: give input_shape= (the shape after the first, dynamic axis, e.g. (28, 28)) to "
                         f"export the {type(module).__name__} '{module.name}' on its own.")
    shape = _per_sample_shapes(declared, 1, who)[0]
    dtype = np.dtype(np.int64) if isinstance(module, _EMBEDDINGS) else model_dtype(module)
    with training_mode(False), tg.no_grad():
        results = _flat(module.forward(tg.tensor(np.zeros((1, *shape), dtype))))
    inputs = [Value(g.fresh("input"), (None, *shape), dtype)]
    names = _convert(module, inputs, g, problems, len(results))
    values = [Value(n, (None, *r.shape[1:]), r.dtype) for n, r in zip(names, results)]
    wanted = [module.name] if len(values) == 1 else [f"{module.name}_{k}" for k in range(len(values))]
    return inputs, values, wanted


def build_model(model: Module, input_shape: Any = None, opset_version: int = DEFAULT_OPSET) -> Any:
    """The ONNX ModelProto of ``model`` (checked with ``onnx.checker``); see :func:`export`."""
    who = "nn.onnx.export"
    onnx = _onnx(who)
    from onnx import helper, numpy_helper
    g = GraphBuilder(helper, numpy_helper)
    problems: list[str] = []
    if isinstance(model, Module) and not isinstance(model, Model) and converter_for(model) is not None:
        inputs, results, out_names = _module_graph(model, input_shape, g, problems, who)
    else:
        ins, outs = _ends(model, input_shape, who)
        # a Sequential's forward skips its implicit Input layer, so its input has the model's dtype (as in
        # predict), except that ids for a first Embedding are int64
        dtypes = [_input_dtype(model)] if isinstance(model, Sequential) else [t.dtype for t in ins]
        inputs = [Value(g.fresh(t.name), t.shape, dtype) for t, dtype in zip(ins, dtypes)]
        results = _layer_graph(inputs, ins, outs, g, problems)
        out_names = [t.name for t in outs]
    if problems:
        raise UnsupportedLayerError(
            f"{who}: cannot export {type(model).__name__} '{model.name}': " + "; ".join(problems) +
            f". Layer types with a converter: {', '.join(supported_layers())}. For another layer type, register "
            f"a converter with @nn.onnx.register(LayerType).")
    outputs: list[Value] = []
    for wanted, v in zip(out_names, results):   # each output named after its layer, once, and never an input's
        name = v.name                           # name: else (Dropout, a nested model, an output given twice) an
        if name != wanted or name in {i.name for i in inputs} or name in {o.name for o in outputs}:   # Identity
            name = g.node("Identity", [v.name], wanted)
        outputs.append(Value(name, v.shape, v.dtype))

    def info(v: Value) -> Any:
        dims = ["batch" if d is None else int(d) for d in v.shape]
        return helper.make_tensor_value_info(v.name, helper.np_dtype_to_tensor_dtype(np.dtype(v.dtype)), dims)

    graph = helper.make_graph(g.nodes, model.name, [info(v) for v in inputs], [info(v) for v in outputs],
                              initializer=g.initializers)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", int(opset_version))],
                              producer_name="tensorgrad", producer_version=__version__,
                              doc_string=f"{type(model).__name__} '{model.name}' exported by tensorgrad's nn.onnx.export")
    proto.ir_version = max(_IR_VERSION, onnx.helper.find_min_ir_version_for(list(proto.opset_import)))
    onnx.checker.check_model(proto, full_check=True)
    return proto


def export(model: Module, path: str | os.PathLike, input_shape: Any = None, opset_version: int = DEFAULT_OPSET) -> str:
    """Write ``model`` (an nn.Sequential, a functional nn.Model, or one layer such as PyTorch's nn.LSTM,
    whose outputs are flattened) to ``path`` as an ONNX file and return the path.

    The graph is checked with ``onnx.checker`` before anything is written, and the file appears whole
    or not at all (a temporary file renamed into place). Inputs and outputs are named after the
    model's Input and output layers, the batch axis is dynamic, and the dtype is the model's (float32,
    or float64); ids for a first Embedding are int64. Dropout is the identity (inference). ``input_shape``
    (per sample) builds a Sequential that has not seen data yet and gives a single layer's input; a
    layer without a converter raises UnsupportedLayerError naming it.
    Run the file with ``onnxruntime.InferenceSession(path)`` or :func:`inference_session`.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"nn.onnx.export(model, path, input_shape=None): path must be a file path, got "
                        f"{type(path).__name__} (torch.onnx.export's (model, args, f) order is not this function's).")
    proto = build_model(model, input_shape, opset_version)
    data = proto.SerializeToString()
    write_atomic(path, lambda f: f.write(data), "nn.onnx.export")
    return os.fspath(path)


def load(path: str | os.PathLike) -> Any:
    """The ONNX model stored at ``path`` (an ``onnx.ModelProto``), checked with ``onnx.checker``.

    A file that is not a whole, valid ONNX model (truncated, corrupt, empty, another format) raises
    ValueError naming the file; a missing file raises FileNotFoundError.
    """
    onnx = _onnx("nn.onnx.load")
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    try:
        proto = onnx.load_model_from_string(data)
        if not proto.HasField("graph") or not proto.opset_import:
            raise ValueError("it holds no graph or no opset")
        onnx.checker.check_model(proto, full_check=True)
    except Exception as err:   # protobuf's DecodeError, onnx's ValidationError and shape-inference errors
        raise ValueError(f"nn.onnx.load: {path} is not a valid ONNX model ({type(err).__name__}: {err}); the file "
                         f"is truncated, corrupt or of another format. Export the model again with "
                         f"nn.onnx.export.") from None
    return proto


def inference_session(path: str | os.PathLike, **kwargs: Any) -> Any:
    """An ``onnxruntime.InferenceSession`` for the ONNX file at ``path``, validated first by :func:`load`
    (so a corrupt file is a clear error naming it). ``kwargs`` go to InferenceSession (e.g. sess_options)."""
    proto = load(path)
    try:
        import onnxruntime
    except ImportError:
        raise ImportError(f"nn.onnx.inference_session needs the onnxruntime package: {_INSTALL_HINT}.") from None
    kwargs.setdefault("providers", ["CPUExecutionProvider"])
    return onnxruntime.InferenceSession(proto.SerializeToString(), **kwargs)


def run(path: str | os.PathLike, inputs: Any) -> list[np.ndarray]:
    """The outputs of the ONNX model at ``path`` on ``inputs`` (one array, a list in input order, or a
    dict by input name), each cast to its input's declared dtype; onnxruntime runs it."""
    session = inference_session(path)
    declared = session.get_inputs()
    if isinstance(inputs, dict):
        feed = dict(inputs)
    else:
        arrays = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(arrays) != len(declared):
            raise ValueError(f"nn.onnx.run: {os.fspath(path)} takes {len(declared)} input(s) "
                             f"({', '.join(i.name for i in declared)}), got {len(arrays)}.")
        feed = {i.name: a for i, a in zip(declared, arrays)}
    unknown = sorted(set(feed) - {i.name for i in declared})
    if unknown:
        raise ValueError(f"nn.onnx.run: {os.fspath(path)} has no input(s) {unknown}; its inputs are "
                         f"{[i.name for i in declared]}.")
    dtypes = {i.name: _FLOAT_TYPES.get(i.type) for i in declared}
    return session.run(None, {k: np.asarray(v, dtype=dtypes[k]) for k, v in feed.items()})


_FLOAT_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64}   # onnxruntime's type names
