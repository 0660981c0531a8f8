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


def format_summary(model: "Module", layers: list["Module"], expand_nested: bool = False) -> str:
    """The summary text of ``model`` listing ``layers``; every layer must know its output shape, except
    in a subclassed model (no graph), where Keras too writes ``multiple``."""
    subclassed = getattr(model, "_graph", None) is None and "input" not in vars(model)
    lazy = [n for n, p in model.named_parameters() if not p.initialized]
    unbuilt = [layer.name for layer in layers if getattr(layer, "output_shape", None) is None]
    if (unbuilt and not subclassed) or lazy:
        raise ValueError(f"summary: {type(model).__name__} '{model.name}' is not built yet (no output shape for "
                         f"{unbuilt or lazy}). Give its first layer input_shape= (or input_dim=), call it on a batch, "
                         f"or call model.build((None, features)), before summary().")
    lines = [f'Model: "{model.name}"', "_" * _WIDTH, _row("Layer (type)", "Output Shape", "Param #"), "=" * _WIDTH]
    for i, layer in enumerate(layers):
        if i:
            lines.append("_" * _WIDTH)
        lines.extend(_layer_rows(layer, expand_nested, ""))
    params = list(model.parameters())
    total = sum(p.size for p in params)
    trainable_weights = getattr(model, "trainable_weights", None)
    trainable = (sum(p.size for p in trainable_weights) if trainable_weights is not None
                 else sum(p.size for p in params if p.requires_grad))
    lines += ["=" * _WIDTH, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * _WIDTH]
    return "\n".join(lines)


def _layer_rows(layer: "Module", expand_nested: bool, indent: str) -> list[str]:
    """One row for ``layer``; with ``expand_nested``, its own layers below, each marked ``|``."""
    shape = getattr(layer, "output_shape", None)
    rows = [_row(f"{indent}{layer.name} ({type(layer).__name__})", "multiple" if shape is None else str(shape),
                 str(layer.count_params()))]
    inner = getattr(layer, "layers", None) if expand_nested else None
    if isinstance(inner, list) and inner:
        for sub in inner:
            rows.extend(_layer_rows(sub, True, indent + "| "))
    return rows
