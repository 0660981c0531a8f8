"""``optim.get('adam')``: a Keras optimizer from its Keras name, as ``model.compile(optimizer='adam')`` does.

Strings name Keras's classes (``optim.keras_optimizers``: Keras's rules and defaults), in any case:
'sgd', 'rmsprop', 'adam', 'adamw', 'adagrad', 'adadelta', 'adamax', 'nadam', 'ftrl'; and, as
tensorgrad's shorthands, 'momentum' and 'nesterov' for Keras's SGD with momentum 0.9.
"""
from __future__ import annotations

from typing import Any

from . import keras_optimizers
from .optimizer import Optimizer

# name -> (class, arguments beside Keras's defaults)
KERAS_OPTIMIZERS: dict[str, tuple[type[keras_optimizers.KerasOptimizer], dict[str, Any]]] = {
    **{cls.__name__.lower(): (cls, {}) for cls in keras_optimizers.KERAS_CLASSES},
    "momentum": (keras_optimizers.SGD, dict(momentum=0.9)),
    "nesterov": (keras_optimizers.SGD, dict(momentum=0.9, nesterov=True)),
}


def get(identifier: str | dict | Optimizer, **overrides: Any) -> Optimizer:
    """An unbound optimizer for a Keras name ('sgd', 'Adam', 'RMSprop', ...; any case), for Keras's
    ``{"class_name": ..., "config": {...}}``, or ``identifier`` itself if it already is an Optimizer.
    ``overrides`` replace Keras's defaults (``get('sgd', learning_rate=0.1)``).
    """
    if isinstance(identifier, Optimizer):
        if overrides:
            raise TypeError(f"optim.get: got an optimizer object and options {sorted(overrides)}; set the "
                            f"options on the object instead.")
        return identifier
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise ValueError(f"optim.get: a config dict needs 'class_name' (and 'config'), got keys {sorted(identifier)}.")
        return get(identifier["class_name"], **{**identifier.get("config", {}), **overrides})
    if not isinstance(identifier, str):
        raise TypeError(f"optim.get: expected an optimizer name or an optim.Optimizer, got "
                        f"{type(identifier).__name__}.")
    entry = KERAS_OPTIMIZERS.get(identifier.lower())
    if entry is None:
        raise ValueError(f"optim.get: unknown optimizer {identifier!r}; valid names are "
                         f"{', '.join(repr(n) for n in KERAS_OPTIMIZERS)} (any case), or pass an optimizer "
                         f"object such as optim.SGD(lr=0.01).")
    cls, arguments = entry
    return cls.from_config({**arguments, **overrides})
