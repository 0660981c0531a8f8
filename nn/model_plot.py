"""``keras.utils.plot_model``: the layer graph of a model (one box per layer, an arrow per call), the
picture Keras users expect beside tensorgrad's op-level graph (``tg.render``). DOT text built here;
graphviz's ``dot`` draws SVG, PNG or PDF by the file's extension (``.dot`` writes the text itself).
The returned :class:`ModelPlot` shows inline in Jupyter (``_repr_svg_``)."""
from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tensorgrad.files import write_atomic

from .module import Module

_FORMATS = ("png", "svg", "pdf", "dot", "gv")
_INSTALL = ("Install graphviz's binaries (`apt-get install graphviz`, `brew install graphviz` or "
            "`conda install graphviz`), or give to_file a '.dot' name to write the DOT text alone.")


def _run_dot(source: str, fmt: str, dpi: int | None) -> bytes:
    """``dot -T<fmt>`` on ``source``; missing graphviz or a failed layout is a RuntimeError saying what to do."""
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(f"plot_model: graphviz's `dot` program was not found on PATH. {_INSTALL}")
    args = [exe, f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if dpi and fmt == "png" else [])
    done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"plot_model: `dot -T{fmt}` failed (exit {done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


class ModelPlot:
    """A drawn layer graph: ``.source`` (DOT text), ``.render(path)``; Jupyter displays it inline."""

    def __init__(self, source: str, dpi: int | None = None) -> None:
        self.source, self.dpi = source, dpi

    def _repr_svg_(self) -> str:
        return _run_dot(self.source, "svg", None).decode("utf-8")

    def render(self, path: str | os.PathLike) -> Path:
        """Write the picture to ``path`` (format by extension; ``.dot``/``.gv``: the DOT text), atomically."""
        path = Path(path)
        fmt = path.suffix[1:].lower() or "png"
        if fmt not in _FORMATS:
            raise ValueError(f"plot_model: cannot write {path.name!r}; give a name ending in "
                             f"{', '.join('.' + f for f in _FORMATS)}.")
        data = self.source.encode("utf-8") if fmt in ("dot", "gv") else _run_dot(self.source, fmt, self.dpi)
        write_atomic(path, lambda f: f.write(data), "plot_model")
        return path

    def __str__(self) -> str:
        return self.source


def _calls(model: Any) -> tuple[list[Module], list[tuple[Module, Module]]]:
    """(layers in order, edges between layers) of a functional model, a Sequential, or a subclassed one
    (its sub-layers, in order, as a chain: the only order a subclassed model declares)."""
    graph = getattr(model, "_graph", None)
    if graph is not None:
        nodes = [*model.inputs, *(t for t in graph if all(t is not i for i in model.inputs))]
        layers: list[Module] = []
        edges: list[tuple[Module, Module]] = []
        for t in nodes:
            if all(t.layer is not m for m in layers):
                layers.append(t.layer)
            for p in t.parents:
                if all(not (a is p.layer and b is t.layer) for a, b in edges):
                    edges.append((p.layer, t.layer))
        return layers, edges
    layers = list(model.layers)
    start = getattr(model, "input", None)
    if start is not None and hasattr(start, "layer"):
        layers = [start.layer, *layers]
    return layers, list(zip(layers, layers[1:]))


def _shape_text(shape: Any) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _label(layer: Module, show_shapes: bool, show_dtype: bool, show_layer_names: bool,
           show_layer_activations: bool, show_trainable: bool) -> str:
    kind = type(layer).__name__
    title = f"{layer.name} ({kind})" if show_layer_names else kind
    rows = [f'<TR><TD COLSPAN="2"><B>{html.escape(title)}</B></TD></TR>']
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        act = getattr(layer.activation, "__name__", str(layer.activation))
        rows.append(f'<TR><TD COLSPAN="2">activation: {html.escape(act)}</TD></TR>')
    if show_trainable:
        rows.append(f'<TR><TD COLSPAN="2">trainable: {getattr(layer, "trainable", True)}</TD></TR>')
    if show_shapes:
        in_shape = getattr(layer, "input_shape", None)
        out_shape = getattr(layer, "output_shape", None)
        if kind == "InputLayer":
            in_shape = out_shape
        rows.append(f"<TR><TD>Input shape</TD><TD>{html.escape(_shape_text(in_shape))}</TD></TR>")
        rows.append(f"<TR><TD>Output shape</TD><TD>{html.escape(_shape_text(out_shape))}</TD></TR>")
    if show_dtype:
        output = getattr(layer, "output", None)
        dtype = getattr(output, "dtype", None) or getattr(layer, "dtype", None)
        rows.append(f"<TR><TD>dtype</TD><TD>{html.escape(str(getattr(dtype, 'name', dtype)))}</TD></TR>")
    return '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">' + "".join(rows) + "</TABLE>>"


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, show_layer_activations: bool = False,
                 show_trainable: bool = False) -> str:
    """The DOT text of the layer graph (Keras's ``model_to_dot``, as text)."""
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"plot_model: rankdir must be 'TB', 'LR', 'BT' or 'RL', got {rankdir!r}.")
    options = (show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
    lines = ["digraph model {", f"  rankdir={rankdir};", '  node [shape=plaintext, fontname="Helvetica"];']
    ids: dict[int, str] = {}
    ends: dict[int, tuple[str, str]] = {}   # a nested model expanded: (its first node, its last node)

    def node_id(layer: Module) -> str:
        return ids.setdefault(id(layer), f"n{len(ids)}")

    def draw(m: Any, indent: str) -> None:
        layers, edges = _calls(m)
        for layer in layers:
            nested = expand_nested and hasattr(layer, "layers") and isinstance(getattr(layer, "layers"), list)
            if nested and layer.layers:
                lines.append(f"{indent}subgraph cluster_{node_id(layer)} {{")
                lines.append(f'{indent}  label="{html.escape(layer.name)} ({type(layer).__name__})"; style=dashed;')
                draw(layer, indent + "  ")
                lines.append(f"{indent}}}")
                inner, _ = _calls(layer)
                ends[id(layer)] = (_first(inner[0], ends, node_id), _last(inner[-1], ends, node_id))
            else:
                lines.append(f"{indent}{node_id(layer)} [label={_label(layer, *options)}];")
        for a, b in edges:
            tail = ends[id(a)][1] if id(a) in ends else node_id(a)
            head = ends[id(b)][0] if id(b) in ends else node_id(b)
            lines.append(f"{indent}{tail} -> {head};")

    draw(model, "  ")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _first(layer: Module, ends: dict, node_id: Any) -> str:
    return ends[id(layer)][0] if id(layer) in ends else node_id(layer)


def _last(layer: Module, ends: dict, node_id: Any) -> str:
    return ends[id(layer)][1] if id(layer) in ends else node_id(layer)


def plot_model(model: Any, to_file: str | os.PathLike | None = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = True, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int | None = 96, show_layer_activations: bool = False,
               show_trainable: bool = False, **kwargs: Any) -> ModelPlot:
    """Draw ``model``'s layer graph to ``to_file`` (png, svg, pdf, or dot text, by extension; None: no
    file) and return it as a :class:`ModelPlot` (inline SVG in Jupyter)."""
    plot = ModelPlot(model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested,
                                  show_layer_activations, show_trainable), dpi)
    if to_file is not None:
        plot.render(to_file)
    return plot


__all__ = ["plot_model", "model_to_dot", "ModelPlot"]
