"""Models: Keras's functional ``Model(inputs, outputs)`` and ``Sequential``; both are Modules with a
``layers`` list. A functional model's state-dict keys read ``layers.<i>.weight``; a Sequential
registers its modules as ``0``, ``1``, ... as PyTorch's does, so its keys read ``<i>.weight``.

A subclassed model works both ways: PyTorch's (``class Net(nn.Model)`` with its own ``forward``) and
Keras's (layers set in ``__init__`` and a ``call(inputs, training=None)``: Model is a Keras ``Layer``);
its layers are its direct sub-modules.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from tensorgrad import Tensor

from . import saving
from .layer import Layer
from .layers import Input, InputLayer
from .module import _CONCRETE, Module
from .summary import format_summary
from .masking import carry_mask
from .symbolic import SymbolicTensor, graph_order, run_call
from .training import TrainingMixin


class Model(TrainingMixin, Layer):
    """``Model(inputs=..., outputs=...)`` runs the graph of layer calls between symbolic tensors
    (each an ``nn.Input`` or a layer's output); layers reached from other models' outputs are shared,
    not copied. ``input``/``output`` are the symbolic ends (lists when there are several)."""

    __call__ = Module.__call__   # a model on symbolic input is traced (nn.symbolic), built or not
    _initial_training = True     # a model starts in training mode, as every nn (PyTorch) module

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
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
        """Feed one array/tensor per input (``model(a, b)`` or Keras's ``model([a, b])``); a subclassed
        model without a graph runs its Keras ``call``."""
        if self._graph is None:
            if type(self).call is Layer.call:
                raise NotImplementedError(f"{type(self).__name__} '{self.name}' has no graph: build it as "
                                          f"Model(inputs=..., outputs=...), or define call() (Keras) or forward().")
            return Layer.forward(self, *xs)
        if len(xs) == 1 and len(self.inputs) > 1 and isinstance(xs[0], (list, tuple)):
            xs = tuple(xs[0])
        if len(xs) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' takes {len(self.inputs)} input(s) "
                             f"({', '.join(t.name for t in self.inputs)}), got {len(xs)}.")
        values = {id(t): t.layer(x) for t, x in zip(self.inputs, xs)}
        done: dict[int, Any] = {}
        for t in self._graph:
            if id(t) not in values:
                values[id(t)] = run_call(t, values, done)
                carry_mask(t.layer, values[id(t.inputs[0])], values[id(t)])
        results = [values[id(t)] for t in self.outputs]
        return results[0] if len(results) == 1 else results

    def build(self, input_shape: Any) -> None:
        """Keras's ``model.build((None, n))`` for a subclassed model: create its weights by running
        ``call`` once on a zero sample of that shape."""
        if self._graph is None and type(self).call is not Layer.call and not self.built:
            self.built = True
            self._build_input_shape = tuple(input_shape)
            self._traced_output_shape(tuple(input_shape))
        self.built = True

    # ------------------------------------------------------------------ saving (nn.saving)
    def get_config(self) -> dict[str, Any]:
        """Sequential: its layers' configs; functional: its layers and calls; subclassed: Layer's
        (override it, returning the constructor arguments, to save a subclassed model)."""
        if isinstance(self, Sequential) or self._graph is not None:
            return saving.model_config(self)
        return super().get_config()

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict | None = None) -> "Model":
        """A new model (fresh weights) from :meth:`get_config`'s dict."""
        if "layers" in config:
            return saving.model_from_config(config, custom_objects, cls)
        return cls(**config)

    def to_json(self, **kwargs: Any) -> str:
        """The architecture as JSON (no weights); ``keras.models.model_from_json`` rebuilds it."""
        return json.dumps(saving.to_json_dict(self), **kwargs)

    def save(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Architecture, weights and compile settings in one zip file (``.keras``), written atomically."""
        saving.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """The weights alone (safetensors; npz for a '.npz' name), written atomically."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Weights from save_weights, nn.save or a .keras file; all or nothing."""
        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def __getattr__(self, name: str) -> Any:
        # reached only for missing attributes: a subclassed model's ``layers`` are its sub-modules; Keras's
        # ``input_shape``/``output_shape`` are its ends' shapes (None for the batch axis), once it is built
        if name == "layers":
            return list(self.children())
        if name in ("input_shape", "output_shape"):
            end = self.__dict__.get("input" if name == "input_shape" else "output")
            if end is None:
                raise AttributeError(f"{type(self).__name__} '{self.name}' has no {name} yet: it is not built; give "
                                     f"its first layer input_shape= (or start with keras.Input), or call it once.")
            return [tuple(t.shape) for t in end] if isinstance(end, list) else tuple(end.shape)
        return super().__getattr__(name)

    # ------------------------------------------------------------------ Keras conveniences
    def _layer_list(self) -> list[Module]:
        return self.layers

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

    def summary(self, line_length: int | None = None, positions: Any = None,
                print_fn: Callable[[str], Any] | None = print, expand_nested: bool = False,
                show_trainable: bool = False) -> str:
        """Keras's table (layer (type), output shape, parameter count, totals); printed and returned.
        ``expand_nested`` lists a nested model's layers under it, marked with ``|``."""
        text = format_summary(self, self._layer_list(), expand_nested=expand_nested)
        if print_fn is not None:
            print_fn(text)
        return text


class Sequential(Model):
    """A stack of layers, each feeding the next: PyTorch's ``Sequential(a, b)`` (or
    ``Sequential(OrderedDict(name=module, ...))``), Keras's ``Sequential([a, b])`` or ``.add(layer)``.
    The modules are registered as ``0``, ``1``, ... (or the dict's names), so parameters are named
    ``0.weight`` as in PyTorch. Built (symbolic input and output, every layer's output shape) as soon
    as the first layer declares its input size (``input_shape``/``input_dim``, nn.Linear's
    in_features, or an ``nn.Input``), else on the first call."""

    def __init__(self, *layers: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        self._modules: dict[str, Module] = {}
        self.input: SymbolicTensor | None = None
        self.output: SymbolicTensor | None = None
        if len(layers) == 1 and isinstance(layers[0], Mapping):
            for key, layer in layers[0].items():
                self._append(layer, key)
            return
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for layer in layers:
            self.add(layer)

    @property
    def layers(self) -> list[Module]:
        """The modules in order (Keras's ``model.layers``)."""
        return list(self._modules.values())

    def add(self, layer: Module | SymbolicTensor) -> None:
        """Append a layer (an ``nn.Input`` is accepted first, to fix the input shape)."""
        if isinstance(layer, SymbolicTensor):
            if self._modules or self.input is not None:
                raise ValueError(f"Sequential '{self.name}': an nn.Input can only come first.")
            self.input = self.output = layer
            return
        if isinstance(layer, InputLayer):        # Keras 2's Sequential([InputLayer(input_shape=(4,)), ...])
            return self.add(layer.symbolic_output())
        self._append(layer, str(len(self._modules)))

    def append(self, module: Module) -> "Sequential":
        """PyTorch's ``append``: add ``module`` at the end; returns self."""
        self.add(module)
        return self

    def extend(self, modules: Iterable[Module]) -> "Sequential":
        """Append every module of ``modules``; returns self."""
        for module in modules:
            self.add(module)
        return self

    def _append(self, layer: Module, key: str) -> None:
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add: expected a layer (nn.Module), got {type(layer).__name__}.")
        _check_unique_names([*self._modules.values(), layer], self.name)
        if self.output is not None:
            self.output = layer(self.output)
        self.add_module(key, layer)
        if self.output is None and len(self._modules) == 1 and layer._declared_input_shape is not None:
            self.build(layer._declared_input_shape)

    def pop(self) -> Module:
        """Remove the last layer (Keras's ``Sequential.pop``) and return it; the output is traced again."""
        if not self._modules:
            raise TypeError(f"Sequential '{self.name}': there are no layers to pop.")
        key = next(reversed(self._modules))
        layer = self._modules.pop(key)
        if self.input is not None:
            out = self.input
            for remaining in self._modules.values():
                out = remaining(out)
            self.output = out
        return layer

    def build(self, input_shape: Any, dtype: Any = np.float32) -> None:
        """Trace the layers on a symbolic input of per-sample ``input_shape`` (Keras's batch form
        ``(None, ...)`` is accepted too) and ``dtype``."""
        if isinstance(input_shape, (tuple, list)) and len(input_shape) > 1 and input_shape[0] is None:
            input_shape = tuple(input_shape[1:])
        out = self.input = Input(input_shape, dtype=dtype)
        for layer in self.layers:
            out = layer(out)
        self.output = out

    _untraceable = False   # a first batch's trace failed: the model runs unbuilt (PyTorch never traces)

    def forward(self, x: Any) -> Any:
        if self.output is None and isinstance(x, _CONCRETE) and not self._untraceable:
            # Built from the first batch for Keras's summary and output shapes. A module the symbolic trace
            # cannot follow (one returning a tuple, say) leaves the model unbuilt, as PyTorch's always is;
            # the real call below still raises every real error.
            try:
                self.build(x.shape[1:], np.asarray(x).dtype)
            except Exception:   # noqa: BLE001 - see above
                self.input = self.output = None
                self._untraceable = True
        elif self.output is None and not isinstance(x, _CONCRETE):
            self.build(x.shape[1:] if hasattr(x, "shape") else np.shape(x)[1:])
        if isinstance(x, _CONCRETE):   # an array or Tensor (every training step): straight to each unhooked
            for layer in self._modules.values():   # layer's forward, since Module.__call__ only routes
                y = layer(x) if layer._hooked else layer.forward(x)   # symbolic input and hooks elsewhere
                if type(x) is Tensor and "_keras_mask" in x.__dict__:    # Embedding(mask_zero=True) upstream
                    carry_mask(layer, x, y)
                x = y
            return x
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return Sequential(dict(list(self._modules.items())[index]))
        return self.layers[index]

    def __setitem__(self, index: int, module: Module) -> None:
        """PyTorch's ``seq[i] = module``: replace the i-th module (its key, e.g. ``2.weight``, is kept)."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential[{index}] = ...: expected a module (nn.Module), got {type(module).__name__}.")
        key = list(self._modules)[index]
        self._modules[key] = module
        self._retrace()

    def __delitem__(self, index: int | slice) -> None:
        """PyTorch's ``del seq[i]``: remove the module(s); the others keep their keys."""
        for key in list(self._modules)[index] if isinstance(index, slice) else [list(self._modules)[index]]:
            del self._modules[key]
        self._retrace()

    def _retrace(self) -> None:
        """After a change of modules: trace the symbolic output again from the input, if the model has one."""
        if self.input is not None:
            self.build(self.input.shape[1:], self.input.dtype)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)


def _check_unique_names(layers: list[Module], model_name: str) -> None:
    distinct = {id(layer): layer for layer in layers}.values()   # one module may appear twice (PyTorch allows it)
    names = [layer.name for layer in distinct]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"model '{model_name}': layer names must be unique, but {repeated} appear more than once; "
                         f"give the layers distinct name= arguments.")
