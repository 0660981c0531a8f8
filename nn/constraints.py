"""Weight constraints with Keras's formulas, applied to a weight after every update of a Keras optimizer
(``kernel_constraint=``, ``bias_constraint=``, ``add_weight(constraint=)``), as Keras's optimizers do.
Each maps the weight to its projection (ε = 1e-7, norms over ``axis``):

* ``MaxNorm(max_value=2, axis=0)``: w · clip(‖w‖, 0, max_value) / (ε + ‖w‖)
* ``MinMaxNorm(min_value=0, max_value=1, rate=1, axis=0)``: w · (rate·clip(‖w‖, min, max) + (1 − rate)·‖w‖) / (ε + ‖w‖)
* ``UnitNorm(axis=0)``: w / (ε + ‖w‖)
* ``NonNeg()``: w · [w ≥ 0]

A constraint is called on a Tensor and returns one (a user's ``Constraint`` subclass may use K / ops /
tf functions); it runs without a graph.
"""
from __future__ import annotations

from typing import Any

import tensorgrad as tg
from tensorgrad import Tensor

EPSILON = 1e-7


class Constraint:
    """Base of the constraints: ``constraint(w)`` is the projected weight; ``get_config``/``from_config``
    round-trip it (so a saved model keeps its constraints)."""

    def __call__(self, w: Tensor) -> Tensor:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Constraint":
        return cls(**config)


def _norms(w: Tensor, axis: Any) -> Tensor:
    return tg.sqrt((w * w).sum(axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Each incoming weight vector (the norm over ``axis``; 0 for a Dense kernel's columns) at most ``max_value`` long."""

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value, self.axis = float(max_value), axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        return w * (tg.clip(norms, 0.0, self.max_value) / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Norms over ``axis`` moved (by ``rate``) into [min_value, max_value]."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0) -> None:
        self.min_value, self.max_value, self.rate, self.axis = float(min_value), float(max_value), float(rate), axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        desired = self.rate * tg.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class UnitNorm(Constraint):
    """Norms over ``axis`` of 1."""

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Tensor) -> Tensor:
        return w / (EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class NonNeg(Constraint):
    """Negative weights set to 0."""

    def __call__(self, w: Tensor) -> Tensor:
        return w * (w.numpy(force=True) >= 0).astype(w.dtype)


max_norm, min_max_norm, unit_norm, non_neg = MaxNorm, MinMaxNorm, UnitNorm, NonNeg     # Keras's aliases
_BY_NAME = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "unit_norm": UnitNorm, "non_neg": NonNeg,
            "MaxNorm": MaxNorm, "MinMaxNorm": MinMaxNorm, "UnitNorm": UnitNorm, "NonNeg": NonNeg}


def get(identifier: Any) -> Any:
    """A constraint from a name ('max_norm'), a config dict, a callable (used as is) or None."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _BY_NAME:
        return _BY_NAME[identifier["class_name"]](**identifier.get("config", {}))
    raise ValueError(f"constraint {identifier!r} is unknown; use one of {sorted(_BY_NAME)}, "
                     f"keras.constraints.MaxNorm(2.0), or a callable weight -> weight.")


def serialize(constraint: Any) -> Any:
    """The JSON form of a constraint (None stays None); a plain function cannot be saved."""
    if constraint is None:
        return None
    if isinstance(constraint, Constraint):
        return {"class_name": type(constraint).__name__, "config": constraint.get_config()}
    raise TypeError(f"constraints.serialize: {constraint!r} is a plain function; subclass "
                    f"keras.constraints.Constraint with get_config() so a saved model can rebuild it.")


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "UnitNorm", "NonNeg", "max_norm", "min_max_norm", "unit_norm",
           "non_neg", "get", "serialize"]
