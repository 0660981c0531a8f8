"""``optim.get('adam')``: an optimizer from a Keras string, with KERAS's default hyperparameters.

The classes keep PyTorch's defaults (``optim.Adam()`` has eps=1e-8); a string, as in Keras's
``model.compile(optimizer='adam')``, gets the values Keras would use. The update rules stay PyTorch's
(see each class: Keras puts RMSprop's and Adagrad's ε inside the root and scales Adam's ε).
"""
from __future__ import annotations

from typing import Any

from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

# name -> (class, Keras's defaults). 'momentum' and 'nesterov' are not Keras names: SGD with the
# customary momentum 0.9 (Keras's SGD has momentum 0 by default).
KERAS_OPTIMIZERS: dict[str, tuple[type[Optimizer], dict[str, Any]]] = {
    "sgd": (SGD, dict(lr=0.01)),
    "momentum": (SGD, dict(lr=0.01, momentum=0.9)),
    "nesterov": (SGD, dict(lr=0.01, momentum=0.9, nesterov=True)),
    "adagrad": (Adagrad, dict(lr=0.001, initial_accumulator_value=0.1, eps=1e-7)),
    "rmsprop": (RMSprop, dict(lr=0.001, alpha=0.9, eps=1e-7)),
    "adam": (Adam, dict(lr=0.001, betas=(0.9, 0.999), eps=1e-7)),
    "adamw": (AdamW, dict(lr=0.001, betas=(0.9, 0.999), eps=1e-7, weight_decay=0.004)),
}


def get(identifier: str | Optimizer, **overrides: Any) -> Optimizer:
    """An unbound optimizer for a Keras name ('sgd', 'Adam', 'RMSprop', ...; any case), or ``identifier``
    itself if it already is an Optimizer. ``overrides`` replace Keras's defaults (``get('sgd', lr=0.1)``).
    """
    if isinstance(identifier, Optimizer):
        if overrides:
            raise TypeError(f"optim.get: got an optimizer object and options {sorted(overrides)}; set the "
                            f"options on the object instead.")
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(f"optim.get: expected an optimizer name or an optim.Optimizer, got "
                        f"{type(identifier).__name__}.")
    entry = KERAS_OPTIMIZERS.get(identifier.lower())
    if entry is None:
        raise ValueError(f"optim.get: unknown optimizer {identifier!r}; valid names are "
                         f"{', '.join(repr(n) for n in KERAS_OPTIMIZERS)} (any case), or pass an optimizer "
                         f"object such as optim.SGD(lr=0.01).")
    if "lr" in overrides and "learning_rate" in overrides:
        raise TypeError("optim.get: got lr and learning_rate; they are the same setting, give one of them.")
    if "learning_rate" in overrides:
        overrides["lr"] = overrides.pop("learning_rate")
    cls, defaults = entry
    return cls(**{**defaults, **overrides})
