"""Keras's whole-model saving: ``model.save("m.keras")`` / ``keras.models.load_model``, ``get_config`` /
``from_config``, ``to_json`` / ``model_from_json``, ``clone_model``, ``save_weights`` / ``load_weights``.

A ``.keras`` file is a zip of ``config.json`` (the architecture: each layer's class and constructor
arguments, and for a functional model every layer call), ``metadata.json`` and
``model.weights.safetensors`` (the state dict, written by ``tg.save``). No pickle anywhere: custom
classes and functions are found by name, from ``custom_objects=`` or ``register_keras_serializable``.
Files are written atomically (tensorgrad.files). tensorgrad cannot write HDF5: a ``.h5`` name gets
this same format (with a warning), and a ``.h5`` file written by real Keras cannot be read.
"""
from __future__ import annotations

import io
import json
import os
import warnings
import zipfile
from typing import Any, Callable

import numpy as np

import tensorgrad as tg
from tensorgrad.files import write_atomic
from tensorgrad.serialization import read_checkpoint

from . import activations, constraints, init, keras_initializers, regularizers
from .module import Module

FORMAT_VERSION = "tensorgrad-keras-1"
_MAX_MEMBER = 1 << 32            # 4 GiB: a member claiming more is refused before it is inflated
_REGISTRY: dict[str, Any] = {}


# ------------------------------------------------------------------------------------ registration
def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Decorator: make a custom layer/model/function loadable by name (``package>name``), as Keras's."""
    def register(obj: Any) -> Any:
        key = f"{package}>{name or obj.__name__}"
        _REGISTRY[key] = obj
        obj._registered_name = key
        return obj
    return register


def get_registered_name(obj: Any) -> str:
    """``package>name`` of a registered class or function (its own registration, never a parent's), else its name."""
    return _own_registration(obj) or obj.__name__


def _own_registration(obj: Any) -> str | None:
    return vars(obj).get("_registered_name") if hasattr(obj, "__dict__") else None


def _builtin_classes() -> dict[str, Any]:
    from .keras import layers as keras_layers
    from .models import Model, Sequential
    table = {n: c for n, c in vars(keras_layers).items() if isinstance(c, type) and issubclass(c, Module)}
    from .symbolic_ops import TFOpLambda
    table.update({"Sequential": Sequential, "Functional": Model, "Model": Model, "TFOpLambda": TFOpLambda})
    return table


def _find(name: str, custom_objects: dict | None, kind: str, builtins: dict[str, Any]) -> Any:
    custom = custom_objects or {}
    plain = name.split(">")[-1]
    for key in (name, plain):
        if key in custom:
            return custom[key]
    for key in (name, plain):
        if key in _REGISTRY:
            return _REGISTRY[key]
    matches = [obj for key, obj in _REGISTRY.items() if key.split(">")[-1] == plain]
    if len(matches) == 1:
        return matches[0]
    if plain in builtins:
        return builtins[plain]
    raise ValueError(f"load_model: unknown {kind} {name!r}. Pass custom_objects={{{plain!r}: {plain}}} to "
                     f"load_model/model_from_json/from_config, or decorate it with "
                     f"@keras.saving.register_keras_serializable().")


# ------------------------------------------------------------------------- functions by name (config)
def _function_name(fn: Any, table: dict[str, Any], what: str) -> str | None:
    if fn is None:
        return None
    for name, value in table.items():
        if value is fn:
            return name
    name = getattr(fn, "__name__", None)
    if not name or name == "<lambda>":
        raise TypeError(f"get_config: the {what} {fn!r} is an anonymous function, which cannot be saved by name; "
                        f"define it with def and pass it in custom_objects= when loading.")
    if any(fn is f for f in activations.UNLIKE_KERAS):
        raise TypeError(f"get_config: the {what} {fn.__module__}.{name} is not Keras's built-in {name!r} (its default "
                        f"differs), but would be saved under that name and loaded as the built-in; use {what}={name!r} "
                        f"(Keras's), or wrap it in your own registered function "
                        f"(keras.saving.register_keras_serializable) to save it.")
    return get_registered_name(fn)


def _function(name: Any, table: dict[str, Any], custom_objects: dict | None, what: str) -> Any:
    if name is None or callable(name):
        return name
    return _find(name, custom_objects, what, table)


def _initializer_config(fn: Any) -> Any:
    """An initializer as saved: a keras.initializers object as Keras's {"class_name", "config"}, else its name."""
    if isinstance(fn, keras_initializers.Initializer):
        return keras_initializers.serialize(fn)
    return _function_name(fn, init._BY_NAME, "initializer")


def activation_name(fn: Any) -> str:
    """The name get_config writes for an activation function ('linear' for none)."""
    return _function_name(fn, activations._BY_NAME, "activation") or "linear"


def initializer_name(fn: Any) -> Any:
    """What get_config writes for an initializer: its name, or Keras's {"class_name", "config"} of an object."""
    return _initializer_config(fn)


def _reg(reg: Any) -> Any:
    return regularizers.serialize(reg)


def builtin_config(layer: Module) -> dict[str, Any]:
    """The constructor arguments of nn's own layers (``Module.get_config``), in Keras's spelling."""
    from .activations import ELU, Activation, LeakyReLU, ReLU, Softmax
    from .layers import Concatenate, Dense, Dropout, Flatten, InputLayer
    base: dict[str, Any] = {"name": layer.name}
    if getattr(layer, "_declared_input_shape", None) is not None and not isinstance(layer, InputLayer):
        base["input_shape"] = list(layer._declared_input_shape)
    if isinstance(layer, Dense):
        return {**base, "units": layer.units, "dtype": layer.dtype.name,
                "activation": _function_name(layer.activation, activations._BY_NAME, "activation") or "linear",
                "use_bias": layer.bias is not None,
                "kernel_initializer": _initializer_config(layer.kernel_initializer),
                "bias_initializer": _initializer_config(layer.bias_initializer),
                "kernel_regularizer": _reg(layer.kernel_regularizer), "bias_regularizer": _reg(layer.bias_regularizer),
                "activity_regularizer": _reg(layer.activity_regularizer),
                "kernel_constraint": constraints.serialize(layer.kernel_constraint),
                "bias_constraint": constraints.serialize(layer.bias_constraint)}
    if isinstance(layer, Dropout):
        return {**base, "rate": layer.rate, "seed": layer.seed}
    if isinstance(layer, Activation):
        return {**base, "activation": _function_name(layer.activation, activations._BY_NAME, "activation") or "linear"}
    if isinstance(layer, Concatenate):
        return {**base, "axis": layer.axis}
    if isinstance(layer, InputLayer):
        return {**base, "shape": list(layer.shape), "dtype": layer.dtype.name,
                "batch_size": getattr(layer, "batch_size", None)}
    if isinstance(layer, LeakyReLU):
        return {**base, "negative_slope": layer.negative_slope}
    if isinstance(layer, ELU):
        return {**base, "alpha": layer.alpha}
    if isinstance(layer, Softmax):
        return {**base, "axis": layer.axis}
    if isinstance(layer, (Flatten, ReLU)):
        return base
    raise NotImplementedError(f"get_config: {type(layer).__name__} '{layer.name}' has no get_config(); write one "
                              f"(returning its constructor arguments) to save it as a whole model, or save only its "
                              f"weights with save_weights().")


def layer_config(layer: Module) -> dict[str, Any]:
    """``{"class_name", "registered_name", "config"}`` for one layer (a nested model included)."""
    config = layer.get_config()
    cls = type(layer)
    return {"class_name": cls.__name__, "registered_name": _own_registration(cls),
            "config": _jsonable(config, f"{cls.__name__} '{layer.name}'")}


def _jsonable(value: Any, who: str) -> Any:
    """``value`` with tuples as lists and numpy scalars as numbers; anything else JSON cannot hold is an error."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v, who) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, who) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.dtype):
        return value.name
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"get_config of {who}: the value {value!r} ({type(value).__name__}) cannot be written as JSON; "
                    f"return plain numbers, strings, lists and dicts from get_config().")


def _layer_from_config(entry: dict[str, Any], custom_objects: dict | None) -> Module:
    cls = _find(entry.get("registered_name") or entry["class_name"], custom_objects, "class", _builtin_classes())
    config = dict(entry["config"])
    from .keras_layers import Lambda
    from .layers import Dense
    from .activations import Activation
    if cls is Lambda or (isinstance(cls, type) and issubclass(cls, Lambda)):
        config["function"] = _function(config["function"], {}, custom_objects, "Lambda function")
    if isinstance(cls, type) and issubclass(cls, (Dense, Activation)):
        config["activation"] = _function(config.get("activation"), activations._BY_NAME, custom_objects, "activation")
    if isinstance(cls, type) and issubclass(cls, Dense):
        for key in ("kernel_initializer", "bias_initializer"):
            if key in config:
                config[key] = keras_initializers.deserialize(config[key], custom_objects) \
                    if isinstance(config[key], dict) else _function(config[key], init._BY_NAME, custom_objects,
                                                                    "initializer")
    from .models import Model
    if isinstance(cls, type) and issubclass(cls, Model):
        return model_from_config(config, custom_objects, cls)
    return _instantiate(cls, config)


def layer_from_config(entry: dict[str, Any], custom_objects: dict | None = None) -> Module:
    """A new layer from :func:`layer_config`'s ``{"class_name", "config"}`` (a wrapper's inner layer, say)."""
    return _layer_from_config(entry, custom_objects)


def _instantiate(cls: Any, config: dict[str, Any]) -> Any:
    """``cls.from_config(config)`` (Keras's default: ``cls(**config)``), with an error that says what to fix."""
    try:
        return cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)
    except TypeError as err:
        raise TypeError(f"from_config: {cls.__name__}(**config) failed ({err}); give {cls.__name__} a get_config() "
                        f"returning exactly its constructor arguments.") from err


# ------------------------------------------------------------------------------- model architecture
def model_config(model: Any) -> dict[str, Any]:
    """A model's config: Sequential's layer list, a functional model's layers and calls, or a
    subclassed model's own get_config (plus the input shape it was built for)."""
    from .models import Sequential
    if isinstance(model, Sequential):
        built = model.input is not None
        return {"name": model.name, "layers": [layer_config(layer) for layer in model.layers],
                "build_input_shape": list(model.input.shape) if built else None}
    if getattr(model, "_graph", None) is not None:
        return _functional_config(model)
    return model.get_config()


def _functional_config(model: Any) -> dict[str, Any]:
    """Every layer's config and every call: ``inbound`` references [layer, call, output index]; a symbolic
    keyword argument (``initial_state=[h, c]``) is written as ``{"__symbolic__": reference}``."""
    from .symbolic import map_symbolic
    node_of: dict[int, list] = {}
    call_of: dict[int, int] = {}            # id of a call's node -> its index among the layer's calls
    calls: dict[str, int] = {}
    nodes, layers, seen = [], [], set()
    graph = [*model.inputs, *(t for t in model._graph if all(t is not i for i in model.inputs))]
    for t in graph:
        name = t.layer.name
        if id(t.layer) not in seen:
            seen.add(id(t.layer))
            layers.append(layer_config(t.layer))
        if id(t.node) in call_of:           # another output of a call already written
            node_of[id(t)] = [name, call_of[id(t.node)], t.index]
            continue
        index = calls.get(name, 0)
        calls[name] = index + 1
        call_of[id(t.node)] = index
        node_of[id(t)] = [name, index, t.index or 0]
        kwargs = map_symbolic(t.kwargs, lambda s: {"__symbolic__": node_of[id(s)]})
        nodes.append({"layer": name, "inbound": [node_of[id(p)] for p in t.inputs],
                      "multi": t.multi, "kwargs": _jsonable(kwargs, f"the call of '{name}'")})
    return {"name": model.name, "layers": layers, "nodes": nodes,
            "input_layers": [list(node_of[id(t)]) for t in model.inputs],
            "output_layers": [list(node_of[id(t)]) for t in model.outputs]}


def model_from_config(config: dict[str, Any], custom_objects: dict | None = None, cls: Any = None) -> Any:
    """Rebuild a model (new weights) from :func:`model_config`'s dict, or ``{"class_name", "config"}``."""
    from .layers import Input
    from .models import Model, Sequential
    if "class_name" in config and "config" in config:
        cls = _find(config.get("registered_name") or config["class_name"], custom_objects, "class",
                    _builtin_classes())
        config = config["config"]
    cls = cls or (Model if "nodes" in config else Sequential if "layers" in config else None)
    if cls is Sequential or (isinstance(cls, type) and issubclass(cls, Sequential) and "layers" in config):
        model = cls([_layer_from_config(entry, custom_objects) for entry in config["layers"]], name=config.get("name"))
        if model.input is None and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model
    if "nodes" in config:
        layers = {entry["config"]["name"]: entry for entry in config["layers"]}
        made: dict[str, Module] = {}
        outputs: dict[tuple[str, int], Any] = {}

        def resolve(ref: list) -> Any:       # [layer, call] or [layer, call, output index]
            value = outputs[(ref[0], ref[1])]
            return value[ref[2]] if isinstance(value, list) and len(ref) > 2 else value

        def symbolic_kwargs(value: Any) -> Any:
            if isinstance(value, dict):
                return resolve(value["__symbolic__"]) if set(value) == {"__symbolic__"} else \
                    {k: symbolic_kwargs(v) for k, v in value.items()}
            return [symbolic_kwargs(v) for v in value] if isinstance(value, list) else value

        for node in config["nodes"]:
            name = node["layer"]
            entry = layers[name]
            if entry["class_name"] == "InputLayer":
                c = entry["config"]
                outputs[(name, 0)] = Input(shape=tuple(c["shape"]), name=name, dtype=c["dtype"],
                                           batch_size=c.get("batch_size"))
                continue
            if name not in made:
                made[name] = _layer_from_config(entry, custom_objects)
            layer = made[name]
            args = [resolve(ref) for ref in node["inbound"]]
            index = sum(1 for key in outputs if key[0] == name)
            outputs[(name, index)] = layer(args if node["multi"] else args[0], **symbolic_kwargs(node["kwargs"]))
        inputs = [resolve(ref) for ref in config["input_layers"]]
        outs = [resolve(ref) for ref in config["output_layers"]]
        return Model(inputs if len(inputs) > 1 else inputs[0], outs if len(outs) > 1 else outs[0],
                     name=config.get("name"))
    if cls is None:
        raise ValueError("model_from_config: the config names no class and holds no layers.")
    config = dict(config)
    build_shape = config.pop("build_input_shape", None)
    model = _instantiate(cls, config)
    if build_shape is not None:
        model.build(tuple(build_shape))
    return model


def to_json_dict(model: Any) -> dict[str, Any]:
    cls = type(model)
    from .models import Model, Sequential
    name = "Functional" if cls is Model else cls.__name__
    config = model_config(model)
    if cls not in (Model, Sequential):
        shape = getattr(model, "_build_input_shape", None)
        if shape is not None:
            config = {**config, "build_input_shape": _jsonable(shape, cls.__name__)}
    return {"class_name": name, "registered_name": _own_registration(cls),
            "config": _jsonable(config, f"model '{model.name}'"), "keras_version": _keras_version(),
            "backend": "tensorgrad"}


def _keras_version() -> str:
    from .keras.version import __version__
    return __version__


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """A new model (fresh weights) from :meth:`Model.to_json`'s string."""
    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as err:
        raise ValueError(f"model_from_json: not a JSON model description ({err}).") from None
    return model_from_config(config, custom_objects)


def clone_model(model: Any, input_tensors: Any = None, clone_function: Any = None) -> Any:
    """A model of the same architecture with newly initialized weights (Keras's clone_model)."""
    if input_tensors is not None or clone_function is not None:
        raise NotImplementedError("clone_model: input_tensors= and clone_function= are not supported; clone the "
                                  "whole model and call it on the new inputs instead.")
    return model_from_config(to_json_dict(model))


# ---------------------------------------------------------------------------------------- .keras files
def _warn_h5(path: str, who: str) -> None:
    if path.lower().endswith((".h5", ".hdf5")):
        warnings.warn(f"{who}: tensorgrad cannot write HDF5; {os.path.basename(path)} holds tensorgrad's format "
                      f"(safetensors inside), which tensorgrad reads back but h5py and real Keras do not. Name it "
                      f"'.keras' (whole model) or '.weights.safetensors' (weights) to say what it holds.",
                      UserWarning, stacklevel=3)


def save_model(model: Any, filepath: str | os.PathLike, overwrite: bool = True, **kwargs: Any) -> None:
    """Write the architecture and the weights to one zip file, atomically."""
    path = os.fspath(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"save: {path} exists and overwrite=False.")
    _warn_h5(path, "model.save")
    config = json.dumps(to_json_dict(model), indent=1)
    weights = io.BytesIO()
    tg.save(model.state_dict(), weights)
    metadata = json.dumps({"keras_version": _keras_version(), "format": FORMAT_VERSION, "backend": "tensorgrad",
                           "compile_config": _compile_config(model)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", metadata)
        archive.writestr("config.json", config)
        archive.writestr("model.weights.safetensors", weights.getvalue())
    data = buffer.getvalue()
    write_atomic(path, lambda f: f.write(data), "model.save")


def _read_archive(path: str, who: str) -> dict[str, bytes]:
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{who}: {path} is not a .keras file written by model.save (not a zip archive). A "
                         f"weights file is read with model.load_weights; an HDF5 file from real Keras cannot be read.")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if not {"config.json", "model.weights.safetensors"} <= names:
            raise ValueError(f"{who}: {path} is a zip but not a model saved by tensorgrad (members: {sorted(names)}); "
                             f"Keras's own .keras files keep their weights in HDF5, which tensorgrad cannot read.")
        out = {}
        for name in ("config.json", "model.weights.safetensors", "metadata.json"):
            if name not in names:
                continue
            info = archive.getinfo(name)
            if info.file_size > _MAX_MEMBER or info.file_size > 2000 * max(info.compress_size, 1) + (1 << 20):
                raise ValueError(f"{who}: {path}: member {name} claims {info.file_size} bytes from "
                                 f"{info.compress_size}; refusing a corrupt or hostile archive.")
            out[name] = archive.read(name)
    return out


def load_model(filepath: str | os.PathLike, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """The model saved by ``model.save`` (architecture and weights; compile again to train)."""
    path = os.fspath(filepath)
    members = _read_archive(path, "load_model")
    try:
        config = json.loads(members["config.json"])
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"load_model: {path}: config.json is not valid JSON ({err}).") from None
    model = model_from_config(config, custom_objects)
    state = read_checkpoint(io.BytesIO(members["model.weights.safetensors"]), "load_model")
    model.load_state_dict({k: v.numpy(force=True) if isinstance(v, tg.Tensor) else v for k, v in state.items()})
    compile_config = json.loads(members.get("metadata.json", b"{}") or b"{}").get("compile_config")
    # recompiled only when the loss, the metrics and the optimizer's settings are exactly what their names give
    if compile and compile_config:
        _recompile(model, compile_config, custom_objects)
    return model


def _only_names(metrics: Any) -> bool:
    """Metrics given by name only: strings, in a list, a list per output or a dict by output name."""
    if isinstance(metrics, dict):
        return _only_names(list(metrics.values()))
    if isinstance(metrics, (list, tuple)):
        return all(m is None or isinstance(m, str) or (isinstance(m, (list, tuple)) and _only_names(m))
                   for m in metrics)
    return isinstance(metrics, str)


def _compile_config(model: Any) -> dict[str, Any] | None:
    """How the model was compiled, when every part has a name or a config (loss strings and Keras loss
    objects, metric strings, the optimizer's Keras class, learning rate and settings); None otherwise. The optimizer's state (moments) is not kept."""
    if not getattr(model, "_compiled", False):
        return None
    loss, metrics = getattr(model, "_loss_name", None), getattr(model, "_metric_specs", [])
    if not isinstance(loss, str) or not _is_default_loss(model.loss, loss):
        loss = _loss_config(model.loss)          # a Keras loss object keeps its options (from_logits ...)
    if loss is None or not _only_names(metrics):
        return None
    optimizer = model.optimizer
    group = optimizer.param_groups[0] if getattr(optimizer, "param_groups", None) else {}
    settings = {k: v for k, v in group.items() if k != "params"}
    try:
        settings = json.loads(json.dumps(settings))     # tuples become lists; anything else is not kept
    except TypeError:
        settings = None
    lr = group.get("lr")
    return {"loss": loss, "metrics": metrics if isinstance(metrics, dict) else list(metrics),
            "optimizer": {"class_name": type(optimizer).__name__, "settings": settings,
                          "learning_rate": float(lr) if isinstance(lr, (int, float, np.floating)) else None}}


def _loss_config(loss: Any) -> Any:
    """A built-in Keras loss object as its config, else None (a custom loss is compiled again by the user)."""
    from .keras_losses import serialize
    try:
        return serialize(loss)
    except TypeError:
        return None


def _is_default_loss(loss_fn: Any, name: str) -> bool:
    """True when the compiled loss is what the name alone gives (a loss object made with from_logits=True
    or another option is not, and recompiling it by name would silently change the loss)."""
    from .keras_losses import loss_object
    try:
        plain = loss_object(name)
    except (ValueError, TypeError):
        return False
    if type(plain) is not type(loss_fn):
        return False
    options = lambda obj: {k: v for k, v in vars(obj).items() if k not in ("name", "training")}  # noqa: E731
    try:
        return bool(options(plain) == options(loss_fn))
    except (ValueError, TypeError):      # an array-valued option: not comparable, so not the default
        return False


def _recompile(model: Any, config: dict[str, Any], custom_objects: dict | None) -> None:
    from .keras import optimizers
    spec = config.get("optimizer") or {}
    cls = getattr(optimizers, spec.get("class_name", ""), None)
    if not isinstance(cls, type):
        return      # an optimizer Keras does not name: the user compiles again
    optimizer = cls(learning_rate=spec["learning_rate"]) if spec.get("learning_rate") is not None else cls()
    settings = json.loads(json.dumps({k: v for k, v in getattr(optimizer, "defaults", {}).items()}, default=str))
    if spec.get("settings") is None or any(settings.get(k) != v for k, v in spec["settings"].items()
                                           if k in settings):
        return      # momentum, betas ... differ from the class's defaults: recompiling would change training
    loss = config["loss"]
    if isinstance(loss, dict):      # a loss object's config (a dict given to compile means one loss per output)
        from .keras_losses import deserialize
        loss = deserialize(loss, custom_objects)
    model.compile(optimizer=optimizer, loss=loss, metrics=config.get("metrics") or None)


def save_weights(model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """The weights alone, as a safetensors state dict (npz for a '.npz' name), atomically."""
    from .serialization import save
    path = os.fspath(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"save_weights: {path} exists and overwrite=False.")
    _warn_h5(path, "save_weights")
    save(model, path)


def load_weights(model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False) -> None:
    """Load weights saved by save_weights, nn.save or model.save (a .keras file), all or nothing."""
    from .serialization import load_state
    path = os.fspath(filepath)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            is_model = "config.json" in archive.namelist()
        if is_model:
            state = read_checkpoint(io.BytesIO(_read_archive(path, "load_weights")["model.weights.safetensors"]),
                                    "load_weights")
            model.load_state_dict({k: v.numpy(force=True) if isinstance(v, tg.Tensor) else v for k, v in state.items()})
            return
    model.load_state_dict(load_state(path), strict=not skip_mismatch)


__all__ = ["register_keras_serializable", "get_registered_name", "activation_name", "initializer_name",
           "layer_from_config", "layer_config", "model_config",
           "model_from_config", "model_from_json", "clone_model", "save_model", "load_model", "save_weights",
           "load_weights"]
