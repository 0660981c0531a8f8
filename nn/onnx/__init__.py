"""ONNX export: ``nn.onnx.export(model, "model.onnx")`` writes a Sequential or functional model as an
ONNX graph (opset 17, dynamic batch axis, Keras layer names) that onnxruntime serves without tensorgrad.

    >>> nn.onnx.export(model, "model.onnx")                       # or model.export("model.onnx")
    >>> session = nn.onnx.inference_session("model.onnx")         # an onnxruntime.InferenceSession
    >>> probabilities, = session.run(None, {"input": x})

Every layer nn has converts, except Lambda and recorded tensor functions (arbitrary Python); the
converters live by family in ``converters`` (core), ``activation_converters``, ``conv_converters``,
``normalization_converters``, ``recurrent_converters`` and ``shape_converters``. A single layer exports
on its own too: ``nn.onnx.export(nn.LSTM(4, 5), "lstm.onnx", input_shape=(3, 4))``.

Needs the ``onnx`` and ``onnxruntime`` packages: ``pip install 'tensorgrad[onnx]'``. New layer types
get a converter with ``@nn.onnx.register(LayerType)`` (see :mod:`nn.onnx.converters`).
"""
from . import activation_converters, conv_converters, normalization_converters, recurrent_converters  # noqa: F401
from . import shape_converters  # noqa: F401  (each module registers its layers' converters)
from .converters import GraphBuilder, UnsupportedLayerError, Value, register, supported_activations, supported_layers
from .export import DEFAULT_OPSET, build_model, export, inference_session, load, run

__all__ = ["export", "build_model", "load", "inference_session", "run", "register", "supported_layers",
           "supported_activations", "UnsupportedLayerError", "GraphBuilder", "Value", "DEFAULT_OPSET"]
