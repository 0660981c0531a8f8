"""Keras's spelling of the activation layers whose defaults differ from PyTorch's under the same name.

``keras.layers.LeakyReLU()`` has slope 0.3 (Keras 3's ``negative_slope``, Keras 2's ``alpha``), while
``nn.LeakyReLU()`` is PyTorch's, slope 0.01: the spelling decides. The maths and everything written about
the layer (config, saving, ONNX, masking) are nn.LeakyReLU's; only the constructor is Keras's.
"""
from __future__ import annotations

from numbers import Real
from typing import Any

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


__all__ = ["LeakyReLU"]
