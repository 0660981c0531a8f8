"""Weight penalties with Keras's formulas: ``L1(l1)(w) = l1·Σ|w|``, ``L2(l2)(w) = l2·Σw²`` (no ½, as
Keras), ``L1L2`` their sum. Each is a callable from a Tensor to a scalar Tensor, differentiable, so a
layer's ``kernel_regularizer=`` adds it to ``model.losses`` and fit minimises it with the loss."""
from __future__ import annotations

from typing import Any

import tensorgrad as tg
from tensorgrad import Tensor


def _factor(value: Any, name: str) -> float:
    try:
        factor = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"regularizers: {name} must be a number, got {value!r}.") from None
    if not factor >= 0 or factor == float("inf"):
        raise ValueError(f"regularizers: {name} must be finite and >= 0, got {value!r}.")
    return factor


class Regularizer:
    """Base of the penalties: ``reg(weight)`` is a scalar Tensor; ``get_config`` / ``from_config``
    round-trip it (so a saved model keeps its regularizers)."""

    def __call__(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must define __call__(x).")

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Regularizer":
        return cls(**config)


class L1L2(Regularizer):
    """l1·Σ|w| + l2·Σw² (Keras's defaults for the class: both 0)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1, self.l2 = _factor(l1, "l1"), _factor(l2, "l2")

    def __call__(self, x: Tensor) -> Tensor:
        x = tg.as_tensor(x)
        total = tg.tensor(0.0, dtype=x.dtype)
        if self.l1:
            total = total + self.l1 * tg.abs(x).sum()
        if self.l2:
            total = total + self.l2 * (x * x).sum()
        return total

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1·Σ|w| (Keras's default l1 = 0.01)."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(L1L2):
    """l2·Σw² (Keras's default l2 = 0.01)."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """Keras's function form: both penalties, each 0.01 by default (the class defaults to 0)."""
    return L1L2(l1=l1, l2=l2)


l1, l2 = L1, L2   # Keras's lower-case aliases: regularizers.l2(0.001)

_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": l1_l2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier: Any) -> Any:
    """A regularizer from a name ('l2'), a config dict ({'class_name': 'L2', 'config': {...}}), a
    callable (used as is) or None."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _BY_NAME:
        return _BY_NAME[identifier["class_name"]](**identifier.get("config", {}))
    raise ValueError(f"regularizer {identifier!r} is unknown; use one of {sorted(_BY_NAME)}, "
                     f"nn.regularizers.L2(0.01), or a callable weight -> scalar Tensor.")


def serialize(reg: Any) -> Any:
    """The JSON form of a regularizer (None stays None); a plain function cannot be saved."""
    if reg is None:
        return None
    if isinstance(reg, Regularizer):
        return {"class_name": type(reg).__name__, "config": reg.get_config()}
    raise TypeError(f"regularizers.serialize: {reg!r} is a plain function; subclass nn.regularizers.Regularizer "
                    f"with get_config() so a saved model can rebuild it.")


__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize"]
