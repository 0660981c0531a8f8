"""Models: Keras's functional ``Model(inputs, outputs)`` and ``Sequential``; both are Modules whose
``layers`` list holds their layers, so state-dict keys read ``layers.<i>.weight``.

A subclassed model (``class Net(nn.Model)`` with its own ``forward``) works too; its layers are
its direct sub-modules.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from .layers import Input
from .module import _CONCRETE, Module
from .summary import format_summary
from .symbolic import SymbolicTensor, graph_order
from .training import TrainingMixin


class Model(TrainingMixin, Module):
    """``Model(inputs=..., outputs=...)`` runs the graph of layer calls between symbolic tensors
    (each an ``nn.Input`` or a layer's output); layers reached from other models' outputs are shared,
    not copied. ``input``/``output`` are the symbolic ends (lists when there are several)."""

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None) -> None:
        super().__init__(name=name)
        self._graph: list[SymbolicTensor] | None = None
        if inputs is None and outputs is None:
            return
        if inputs is None or outputs is None:
            raise ValueError("Model: give both inputs= and outputs= (symbolic tensors), or neither for a "
                             "subclassed model with its own forward().")
        self._build_graph(inputs, outputs)

    def _build_graph(self, inputs: Any, outputs: Any) -> None:
        ins = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        outs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        for role, items in (("inputs", ins), ("outputs", outs)):
            for i, t in enumerate(items):
                if not isinstance(t, SymbolicTensor):
                    raise TypeError(f"Model: {role}[{i}] is a {type(t).__name__}; pass symbolic tensors made with "
                                    f"nn.Input(...) and layer calls on them.")
        graph = graph_order(outs)
        given = {id(t) for t in ins}
        foreign = [t.name for t in graph if not t.parents and id(t) not in given]
        if foreign:
            raise ValueError(f"Model: the outputs depend on input(s) {foreign} that are not in inputs= "
                             f"{[t.name for t in ins]}; add them to inputs.")
        self.inputs, self.outputs = ins, outs
        self.input = ins[0] if len(ins) == 1 else ins
        self.output = outs[0] if len(outs) == 1 else outs
        self._graph = graph
        layers: list[Module] = []
        for t in [*ins, *graph]:
            if all(t.layer is not m for m in layers):
                layers.append(t.layer)
        _check_unique_names(layers, self.name)
        self.layers = layers

    def forward(self, *xs: Any) -> Any:
        """Feed one array/tensor per input (``model(a, b)`` or Keras's ``model([a, b])``)."""
        if self._graph is None:
            raise NotImplementedError(f"{type(self).__name__} '{self.name}' has no graph: build it as "
                                      f"Model(inputs=..., outputs=...) or override forward().")
        if len(xs) == 1 and len(self.inputs) > 1 and isinstance(xs[0], (list, tuple)):
            xs = tuple(xs[0])
        if len(xs) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' takes {len(self.inputs)} input(s) "
                             f"({', '.join(t.name for t in self.inputs)}), got {len(xs)}.")
        values = {id(t): t.layer(x) for t, x in zip(self.inputs, xs)}
        for t in self._graph:
            if id(t) not in values:
                args = [values[id(p)] for p in t.parents]
                values[id(t)] = t.layer(args if t.multi else args[0], **t.kwargs)
        results = [values[id(t)] for t in self.outputs]
        return results[0] if len(results) == 1 else results

    # ------------------------------------------------------------------ Keras conveniences
    def _layer_list(self) -> list[Module]:
        return self.layers if hasattr(self, "layers") else list(self.children())

    def get_layer(self, name: str | None = None, index: int | None = None) -> Module:
        """The layer called ``name`` (or at position ``index``)."""
        layers = self._layer_list()
        if index is not None:
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"get_layer: no layer named {name!r} in {type(self).__name__} '{self.name}'; its layers "
                         f"are {[layer.name for layer in layers]}.")

    def export(self, filepath: Any, format: str = "onnx", verbose: bool | None = None,  # noqa: A002 - Keras's name
               input_signature: Any = None, opset_version: int | None = None) -> str:
        """Keras's ``model.export``: the model as an ONNX file for inference (``nn.onnx.export``), the one
        format tensorgrad writes. ``input_signature``: the input shape(s), batch axis first (``(None, 28, 28)``)
        or ``nn.Input`` tensors, needed only for a Sequential that has not seen data. Returns the path."""
        from . import onnx
        if format != "onnx":
            raise ValueError(f"{type(self).__name__}.export: format={format!r} is not available; tensorgrad "
                             f"exports format='onnx' only (run it with onnxruntime).")
        if isinstance(input_signature, SymbolicTensor) or (
                isinstance(input_signature, (list, tuple)) and input_signature
                and all(isinstance(s, SymbolicTensor) for s in input_signature)):
            specs = input_signature if isinstance(input_signature, (list, tuple)) else [input_signature]
            input_signature = [s.shape for s in specs] if len(specs) > 1 else specs[0].shape
        path = onnx.export(self, filepath, input_shape=input_signature,
                           opset_version=onnx.DEFAULT_OPSET if opset_version is None else opset_version)
        if verbose:
            print(f"Saved artifact at '{path}'.")
        return path

    def summary(self, print_fn: Callable[[str], Any] | None = print) -> str:
        """Keras's table (layer (type), output shape, parameter count, totals); printed and returned."""
        text = format_summary(self, self._layer_list())
        if print_fn is not None:
            print_fn(text)
        return text


class Sequential(Model):
    """A stack of layers, each feeding the next: ``Sequential(a, b)``, ``Sequential([a, b])`` or
    ``.add(layer)``. Built (symbolic input and output, every layer's output shape) as soon as the
    first layer declares ``input_shape``/``input_dim`` (or is an ``nn.Input``), else on the first call."""

    def __init__(self, *layers: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        self.layers: list[Module] = []
        self.input: SymbolicTensor | None = None
        self.output: SymbolicTensor | None = None
        for layer in layers:
            self.add(layer)

    def add(self, layer: Module | SymbolicTensor) -> None:
        """Append a layer (an ``nn.Input`` is accepted first, to fix the input shape)."""
        if isinstance(layer, SymbolicTensor):
            if self.layers or self.input is not None:
                raise ValueError(f"Sequential '{self.name}': an nn.Input can only come first.")
            self.input = self.output = layer
            return
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add: expected a layer (nn.Module), got {type(layer).__name__}.")
        _check_unique_names([*self.layers, layer], self.name)
        if self.output is not None:
            self.output = layer(self.output)
        self.layers.append(layer)
        if self.output is None and len(self.layers) == 1 and layer._declared_input_shape is not None:
            self.build(layer._declared_input_shape)

    def build(self, input_shape: Any) -> None:
        """Trace the layers on a symbolic input of per-sample ``input_shape`` (Keras's batch form
        ``(None, ...)`` is accepted too)."""
        if isinstance(input_shape, (tuple, list)) and len(input_shape) > 1 and input_shape[0] is None:
            input_shape = tuple(input_shape[1:])
        out = self.input = Input(input_shape)
        for layer in self.layers:
            out = layer(out)
        self.output = out

    def forward(self, x: Any) -> Any:
        if self.output is None:
            self.build(x.shape[1:] if hasattr(x, "shape") else np.shape(x)[1:])
        if isinstance(x, _CONCRETE):   # an array or Tensor (every training step): straight to each layer's
            for layer in self.layers:  # forward, since Module.__call__ only routes symbolic input elsewhere
                x = layer.forward(x)
            return x
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index: int | slice) -> Any:
        return Sequential(self.layers[index]) if isinstance(index, slice) else self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)


def _check_unique_names(layers: list[Module], model_name: str) -> None:
    names = [layer.name for layer in layers]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"model '{model_name}': layer names must be unique, but {repeated} appear more than once; "
                         f"give the layers distinct name= arguments.")
