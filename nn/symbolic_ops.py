"""Tensor functions and operators on the functional API's symbolic tensors (Keras 2's TFOpLambda):
``tf.reduce_mean(x, axis=1)``, ``K.square(x)``, ``keras.ops.sum(x)``, ``x + y``, ``2 * x``, ``x[:, 0]``
on ``keras.Input``-derived tensors each become a layer that applies the function when the model runs.
Saved models store the function by its module and name (only nn's and tensorgrad's namespaces are
looked up again, so loading never runs other code)."""
from __future__ import annotations

import functools
import importlib
import inspect
from typing import Any, Callable

from .layer import Layer
from .module import unique_name
from .symbolic import SymbolicTensor

_TRUSTED = ("nn.tensor_api", "nn.keras.ops", "nn.keras.backend", "nn.symbolic_ops", "nn.tf_namespaces", "tensorgrad")


class _Slot:
    """Where the i-th symbolic input goes in the call's arguments."""

    def __init__(self, index: int) -> None:
        self.index = index


def _has_symbolic(value: Any) -> bool:
    if isinstance(value, SymbolicTensor):
        return True
    return isinstance(value, (list, tuple)) and any(isinstance(v, SymbolicTensor) for v in value)


def _extract(value: Any, found: list[SymbolicTensor]) -> Any:
    if isinstance(value, SymbolicTensor):
        found.append(value)
        return _Slot(len(found) - 1)
    if isinstance(value, (list, tuple)):
        return type(value)(_extract(v, found) for v in value)
    return value


def _fill(value: Any, inputs: list[Any]) -> Any:
    if isinstance(value, _Slot):
        return inputs[value.index]
    if isinstance(value, (list, tuple)):
        return type(value)(_fill(v, inputs) for v in value)
    if isinstance(value, dict):
        return {k: _fill(v, inputs) for k, v in value.items()}
    return value


class TFOpLambda(Layer):
    """``function(*args, **kwargs)`` with the model's tensors in place of the symbolic ones."""

    def __init__(self, function: Callable[..., Any] | str, args: Any = (), kwargs: dict | None = None,
                 **layer_kwargs: Any) -> None:
        super().__init__(**layer_kwargs)
        self.function = _resolve(function) if isinstance(function, str) else function
        self.args = _decode(args)
        self.kwargs = _decode(kwargs or {})

    def call(self, inputs: Any) -> Any:
        values = inputs if isinstance(inputs, list) else [inputs]
        return self.function(*_fill(self.args, values), **_fill(self.kwargs, values))

    def get_config(self) -> dict[str, Any]:
        name = f"{self.function.__module__}:{self.function.__qualname__}"
        if not self.function.__module__.startswith(_TRUSTED):
            raise TypeError(f"TFOpLambda '{self.name}': {name} is not one of nn's or tensorgrad's functions, so it "
                            f"cannot be saved by name; wrap it in keras.layers.Lambda and pass it in custom_objects=.")
        return {**super().get_config(), "function": name, "args": _encode(self.args), "kwargs": _encode(self.kwargs)}


def _resolve(name: str) -> Callable[..., Any]:
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(_TRUSTED):
        raise ValueError(f"TFOpLambda: refusing to load the function {name!r}: only nn's and tensorgrad's own "
                         f"functions are looked up by name.")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _encode(value: Any) -> Any:
    if isinstance(value, _Slot):
        return {"__input__": value.index}
    if isinstance(value, slice):
        return {"__slice__": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__input__" in value:
            return _Slot(value["__input__"])
        if "__slice__" in value:
            return slice(*value["__slice__"])
        if "__ellipsis__" in value:
            return Ellipsis
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def apply_symbolic(function: Callable[..., Any], args: tuple, kwargs: dict) -> SymbolicTensor:
    """A TFOpLambda layer for ``function(*args, **kwargs)``, called on the symbolic tensors among the args."""
    found: list[SymbolicTensor] = []
    template_args = _extract(tuple(args), found)
    template_kwargs = {k: _extract(v, found) for k, v in kwargs.items()}
    layer = TFOpLambda(function, template_args, template_kwargs,
                       name=unique_name(f"tf.{getattr(function, '__name__', 'op').strip('_')}"))
    return layer(found if len(found) > 1 else found[0])


def symbolic_aware(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` that, given a symbolic tensor (directly or in a list), records itself as a layer."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if any(_has_symbolic(a) for a in args) or any(_has_symbolic(v) for v in kwargs.values()):
            return apply_symbolic(function, args, kwargs)
        return function(*args, **kwargs)
    wrapper.__wrapped_function__ = function
    return wrapper


_SHAPE_QUERIES = frozenset({"shape", "int_shape", "ndim"})


def wrap_namespace(namespace: dict[str, Any], names: list[str]) -> None:
    """Make the functions ``names`` of a module namespace symbolic-aware, in place (classes, functions
    without arguments and functions wrapped already are left as they are)."""
    for name in names:
        fn = namespace.get(name)
        if name in _SHAPE_QUERIES:      # these answer for a symbolic tensor directly: K.int_shape(x) is (None, 3)
            continue
        if callable(fn) and not isinstance(fn, type) and not hasattr(fn, "__wrapped_function__") \
                and _takes_arguments(fn):
            namespace[name] = symbolic_aware(fn)


def _takes_arguments(fn: Callable[..., Any]) -> bool:
    try:
        return bool(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return True


# the operators of SymbolicTensor (nn.symbolic) call these, so a saved model names them
def add(a: Any, b: Any) -> Any:
    return a + b


def subtract(a: Any, b: Any) -> Any:
    return a - b


def multiply(a: Any, b: Any) -> Any:
    return a * b


def divide(a: Any, b: Any) -> Any:
    return a / b


def power(a: Any, b: Any) -> Any:
    return a ** b


def matmul(a: Any, b: Any) -> Any:
    return a @ b


def negative(a: Any) -> Any:
    return -a


def getitem(a: Any, key: Any) -> Any:
    return a[key]


__all__ = ["TFOpLambda", "apply_symbolic", "symbolic_aware", "wrap_namespace"]
