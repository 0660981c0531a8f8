"""Keras's spelling of the activation layers whose arguments differ from PyTorch's under the same name.

``keras.layers.LeakyReLU()`` has slope 0.3 (Keras 3's ``negative_slope``, Keras 2's ``alpha``), while
``nn.LeakyReLU()`` is PyTorch's, slope 0.01; ``keras.layers.ReLU(max_value, negative_slope, threshold)`` is
Keras's, ``nn.ReLU(inplace)`` PyTorch's: the spelling decides. Each subclasses nn's layer, so masking, saving
and ONNX know it; only the constructor (and ReLU's maths) are Keras's.
"""
from __future__ import annotations

from numbers import Real
from typing import Any

import tensorgrad as tg

from . import activations


class LeakyReLU(activations.LeakyReLU):
    """Keras's ``LeakyReLU(negative_slope=0.3)``: max(negative_slope·z, z); Keras 2's ``alpha=`` is the same
    argument. The slope must be a number >= 0 (Keras's rule)."""

    def __init__(self, negative_slope: float | None = 0.3, name: str | None = None, input_shape: Any = None, *,
                 alpha: float | None = None) -> None:
        if alpha is not None:
            if negative_slope not in (0.3, alpha):
                raise ValueError(f"LeakyReLU: give negative_slope= (Keras 3) or alpha= (Keras 2), not both "
                                 f"({negative_slope} and {alpha}).")
            negative_slope = alpha
        if negative_slope is None or not isinstance(negative_slope, Real) or negative_slope < 0:
            raise ValueError(f"LeakyReLU: negative_slope must be a number >= 0, got {negative_slope!r}.")
        super().__init__(negative_slope, name=name, input_shape=input_shape)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


def _non_negative(value: Any, name: str, optional: bool = False) -> float | None:
    """``value`` as a float, refused (Keras's rule) unless a number >= 0 (or None where ``optional``)."""
    if value is None and optional:
        return None
    if value is None or not isinstance(value, Real) or value < 0:
        raise ValueError(f"ReLU: {name} must be a number >= 0{' or None' if optional else ''}, got {value!r}.")
    return float(value)


class ReLU(activations.ReLU):
    """Keras's ``ReLU(max_value=None, negative_slope=0.0, threshold=0.0)``: f(x) = min(x, max_value) for
    x > threshold, else negative_slope·(x - threshold) (as Keras computes it: x = threshold gives 0)."""

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 name: str | None = None, input_shape: Any = None) -> None:
        super().__init__(name=name, input_shape=input_shape)
        self.max_value = _non_negative(max_value, "max_value", optional=True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope")
        self.threshold = _non_negative(threshold, "threshold")

    def forward(self, x: Any) -> tg.Tensor:
        if self.negative_slope == 0 and self.threshold == 0:
            y = tg.relu(x)
        else:
            x = tg.as_tensor(x)
            below = (x - self.threshold) * self.negative_slope if self.negative_slope else tg.zeros_like(x)
            y = tg.where(x > self.threshold, x, below)
        return y if self.max_value is None else tg.minimum(y, tg.tensor(self.max_value, dtype=y.dtype))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}

    def extra_repr(self) -> str:
        return f"max_value={self.max_value}, negative_slope={self.negative_slope}, threshold={self.threshold}"


__all__ = ["LeakyReLU", "ReLU"]
