"""Keras's ``model.summary()`` table: one row per layer (name (type), output shape, parameters),
then the totals, with Keras's column stops (29, 55, 65)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .module import Module

_COLUMNS = (29, 26, 10)   # widths: stops at 29, 55, 65
_WIDTH = sum(_COLUMNS)


def _row(*cells: str) -> str:
    return "".join(f"{c:<{w - 1}} " for c, w in zip(cells, _COLUMNS)).rstrip()


def format_summary(model: "Module", layers: list["Module"]) -> str:
    """The summary text of ``model`` listing ``layers``; every layer must know its output shape."""
    unbuilt = [layer.name for layer in layers if getattr(layer, "output_shape", None) is None]
    if unbuilt:
        raise ValueError(f"summary: {type(model).__name__} '{model.name}' is not built yet (no output shape for "
                         f"{unbuilt}). Give its first layer input_shape= (or input_dim=), or call it on a batch, "
                         f"before summary().")
    lines = [f'Model: "{model.name}"', "_" * _WIDTH, _row("Layer (type)", "Output Shape", "Param #"), "=" * _WIDTH]
    for i, layer in enumerate(layers):
        if i:
            lines.append("_" * _WIDTH)
        lines.append(_row(f"{layer.name} ({type(layer).__name__})", str(layer.output_shape), str(layer.count_params())))
    params = list(model.parameters())
    total = sum(p.size for p in params)
    trainable = sum(p.size for p in params if p.requires_grad)
    lines += ["=" * _WIDTH, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * _WIDTH]
    return "\n".join(lines)
