"""Pictures of computation graphs: DOT text built from templates, SVG (or PNG, PDF) via graphviz's ``dot``.

Only :func:`render` and :class:`Graph`'s notebook display run the ``dot`` binary; :func:`to_dot` is
plain text, so tests and diffs need nothing installed. The walk is the engine's iterative
:func:`~tensorgrad.autograd.toposort`, and node ids follow that walk, so a graph's DOT is byte-for-byte
the same on every run.
"""
from __future__ import annotations

import html
import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from .backprop import toposort
from .function import Function
from .files import write_atomic
from .tensor import Tensor

DEFAULT_MAX_NODES = 2000
_MAX_SHOWN_ELEMENTS = 6          # show_data/show_grad print the values of tensors up to this size
_RANKDIRS = ("LR", "RL", "TB", "BT")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_COLOURS = {"op": "lightgrey", "param": "lightblue", "const": "white", "named": "lightyellow",
            "root": "darkolivegreen1"}

_HEADER = ('digraph tensorgrad {{\n'
           '  graph [rankdir={rankdir}];\n'
           '  node [fontname="Helvetica" fontsize=11];\n')
_OP_NODE = '  {id} [label="{label}" shape=box style=filled fillcolor={colour} tooltip="{tooltip}"];\n'
# A tensor is a one-row table, micrograd's record { name | data 0.88 | grad -0.12 }. HTML-like labels
# rather than shape=record: graphviz's record parser drops spaces after non-ASCII text (Korean names).
_TENSOR_NODE = ('  {id} [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
                'BGCOLOR="{colour}"><TR>{cells}</TR></TABLE>> shape=none margin=0];\n')
_CELL = "<TD>{text}</TD>"
_EDGE = '  {src} -> {dst};\n'
_FOOTER = '}\n'

_INSTALL_HINT = (
    "Install the Graphviz binaries: `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS) or `conda install graphviz`. (`pip install tensorgrad[graph]` adds the graphviz Python "
    "package, which also needs that `dot` binary.)")


# --------------------------------------------------------------------------- escaping
def _encodable(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot encode) spelled as Python escapes, ``\\ud800``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _escape(text: str) -> str:
    """``text`` safe inside a quoted DOT label: backslashes and quotes escaped, newlines as ``\\n``."""
    text = _encodable(text).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _escape_html(text: str) -> str:
    """``text`` safe inside an HTML-like label: entities for ``& < > "``, newlines as ``<BR/>``,
    control characters (invalid in XML) as U+FFFD, lone surrogates as ``\\udXXX``."""
    text = html.escape(_encodable(text), quote=True).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub("\ufffd", text)
    return text.replace("\n", "<BR/>")


# --------------------------------------------------------------------------- labels
def _values(arr: np.ndarray) -> str:
    """The values of a small array on one line, or a summary (mean, std, range) of a large one."""
    if arr.size <= _MAX_SHOWN_ELEMENTS:
        text = np.array2string(arr, separator=", ", formatter={"float_kind": lambda v: f"{v:.4g}"})
        return " ".join(text.split())
    if arr.dtype.kind not in "fiu":
        return f"{int(np.count_nonzero(arr))} of {arr.size} true"
    a = arr.astype(np.float64)
    return f"mean {a.mean():.4g} std {a.std():.4g} in [{a.min():.4g}, {a.max():.4g}]"


def _shape_text(shape: tuple[int, ...], dtype: np.dtype) -> str:
    return f"{tuple(shape)} {np.dtype(dtype).name}"


def _tensor_fields(t: Tensor, name: str | None, show_data: bool, show_grad: bool) -> list[str]:
    """The cells of a tensor node: name (or the value of an unnamed one-element constant),
    shape and dtype, then data and grad when asked."""
    fields = []
    value_as_name = name is None and t.size == 1 and not t.requires_grad
    if name is not None:
        fields.append(name)
    elif value_as_name:
        fields.append(_values(t._data))
    fields.append(_shape_text(t.shape, t.dtype))
    if show_data and not value_as_name:
        fields.append("data " + _values(t._data))
    if show_grad and t.requires_grad:
        fields.append("grad " + ("None" if t.grad is None else _values(t.grad._data)))
    return fields


# --------------------------------------------------------------------------- the graph
def _as_roots(root: Tensor | Sequence[Tensor], who: str) -> list[Tensor]:
    roots = [root] if isinstance(root, Tensor) else list(root)
    for i, t in enumerate(roots):
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: root must be a Tensor or a list of Tensors, but item {i} is a "
                            f"{type(t).__name__}.")
    unique: dict[int, Tensor] = {}
    for t in roots:
        unique.setdefault(id(t), t)
    return list(unique.values())


def _name_table(names: Mapping[str, Tensor] | None) -> dict[int, tuple[str, Tensor]]:
    """id(graph key) -> (name, tensor), the key being a tensor's node (or the leaf itself); a tensor
    given under several names is labelled with all of them, in the mapping's order."""
    table: dict[int, tuple[str, Tensor]] = {}
    for name, t in (names or {}).items():
        if not isinstance(t, Tensor):
            raise TypeError(f"to_dot: names[{name!r}] is a {type(t).__name__}, not a Tensor; names maps "
                            f"a label to a Tensor, e.g. dict(model.named_parameters()) or {{'x': x}}.")
        key = id(t._node if t._node is not None else t)
        if key in table:
            table[key] = (table[key][0] + ", " + str(name), table[key][1])
        else:
            table[key] = (str(name), t)
    return table


def to_dot(root: Tensor | Sequence[Tensor], names: Mapping[str, Tensor] | None = None,
           show_data: bool = False, show_grad: bool = False, rankdir: str = "LR",
           max_nodes: int | None = DEFAULT_MAX_NODES) -> str:
    """Graphviz DOT text for the graph that produced ``root`` (a Tensor or a list of Tensors).

    Edges follow the data, inputs to outputs. Colours:

    - grey box: an op (``matmul``, ``sigmoid``, ``sum``, ...); hover in the SVG shows its output shape;
    - light blue table: a leaf that requires grad (a parameter);
    - white table: a constant or input (an unnamed one-element constant shows its value);
    - light yellow table: an intermediate tensor named in ``names``;
    - green table: ``root``.

    A tensor's row of cells reads ``name | shape dtype``; ``names`` maps a label to a Tensor, e.g.
    ``dict(model.named_parameters())`` or ``{"x": x}``. ``show_data`` / ``show_grad`` add the values
    (tensors of up to 6 elements) or a summary (larger ones); an intermediate's grad is there only if
    ``t.retain_grad()`` was called before backward. A graph freed by ``backward()`` draws the same,
    since nodes keep their edges, shapes and dtypes. Graphs of more than ``max_nodes`` nodes are
    refused (graphviz would take minutes); ``max_nodes=None`` lifts the limit.
    """
    if rankdir not in _RANKDIRS:
        raise ValueError(f"to_dot: rankdir={rankdir!r} is not one of {', '.join(_RANKDIRS)}.")
    roots = _as_roots(root, "to_dot")
    named = _name_table(names)
    ops = toposort([t._node for t in roots if t._node is not None])
    ops.reverse()                                   # producers first: ids read left to right

    # One tensor node per leaf, root and named intermediate, keyed like the name table.
    tensor_of: dict[int, Tensor] = {}
    for op in ops:
        for parent in op.parents:
            if isinstance(parent, Tensor):
                tensor_of.setdefault(id(parent), parent)
    root_keys = set()
    for t in roots:
        key = id(t._node if t._node is not None else t)
        tensor_of.setdefault(key, t)
        root_keys.add(key)
    op_keys = {id(op) for op in ops}
    for key, (_, t) in named.items():
        if key in op_keys:
            tensor_of.setdefault(key, t)

    size = len(ops) + len(tensor_of)
    if max_nodes is not None and size > max_nodes:
        raise ValueError(
            f"to_dot: the graph has {size} nodes ({len(ops)} ops, {len(tensor_of)} tensors), more than "
            f"max_nodes={max_nodes}; graphviz would take very long to lay it out. Draw a smaller part "
            f"(e.g. one layer's output) or pass max_nodes=None (or a larger number) to draw it anyway.")
    return _emit(ops, tensor_of, named, root_keys, show_data, show_grad, rankdir)


def _emit(ops: list[Function], tensor_of: dict[int, Tensor], named: dict[int, tuple[str, Tensor]],
          root_keys: set[int], show_data: bool, show_grad: bool, rankdir: str) -> str:
    """Nodes and edges in traversal order, with ids numbered in that order (never ``id()``), so the
    same graph always gives the same text."""
    lines = [_HEADER.format(rankdir=rankdir)]
    tensor_ids: dict[int, str] = {}
    op_ids: dict[int, str] = {}

    def tensor_node(key: int) -> str:
        if key in tensor_ids:
            return tensor_ids[key]
        t = tensor_of[key]
        if key in root_keys:
            kind = "root"
        elif t._node is not None:
            kind = "named"
        else:
            kind = "param" if t.requires_grad else "const"
        name = named[key][0] if key in named else None
        fields = _tensor_fields(t, name, show_data, show_grad)
        cells = "".join(_CELL.format(text=_escape_html(f)) for f in fields)
        tensor_ids[key] = node_id = f"t{len(tensor_ids)}"
        lines.append(_TENSOR_NODE.format(id=node_id, cells=cells, colour=_COLOURS[kind]))
        return node_id

    for op in ops:
        # An op's output with a tensor node (root or named) feeds the consumers through that node.
        sources = [tensor_node(id(p)) if id(p) in tensor_of else op_ids[id(p)] for p in op.parents]
        op_ids[id(op)] = op_id = f"op{len(op_ids)}"
        label = f"{op.name}\n{tuple(op.shape)}" if getattr(op, "label_shape", False) else op.name
        lines.append(_OP_NODE.format(id=op_id, label=_escape(label), colour=_COLOURS["op"],
                                     tooltip=_escape(_shape_text(op.shape, op.dtype))))
        lines.extend(_EDGE.format(src=s, dst=op_id) for s in sources)
        if id(op) in tensor_of:
            lines.append(_EDGE.format(src=op_id, dst=tensor_node(id(op))))
    for key in tensor_of:                 # a root that is a leaf: a graph of one node
        tensor_node(key)
    lines.append(_FOOTER)
    return "".join(lines)


# --------------------------------------------------------------------------- rendering with `dot`
def _run_dot(source: str, format: str, who: str) -> bytes:
    """``dot -T<format>`` on ``source``; a missing binary or a failed layout raises a RuntimeError."""
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(f"{who}: graphviz's `dot` program was not found on PATH. {_INSTALL_HINT}")
    done = subprocess.run([exe, f"-T{format}"], input=source.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"{who}: `dot -T{format}` failed (exit {done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def render(root: Tensor | Sequence[Tensor], path: str | os.PathLike, format: str = "svg",
           names: Mapping[str, Tensor] | None = None, **kw: Any) -> Path:
    """Draw the graph of ``root`` into ``path`` (``.<format>`` appended if it has no suffix) with
    graphviz's ``dot``; ``kw`` goes to :func:`to_dot`. Returns the path written (atomically; a symlink
    is written through, a read-only file refused).

    If ``dot`` is missing or fails, the DOT text is saved beside ``path`` as ``.dot`` (so nothing is
    lost; ``dot -Tsvg file.dot`` renders it later) and a RuntimeError says where, why, and how to install
    graphviz when it is missing. That ``.dot`` never replaces a file of yours: an existing ``.dot``
    not written by this fallback is kept, and the text goes to ``<name>.1.dot`` (or the next free number).
    """
    return _render_source(to_dot(root, names=names, **kw), path, format)


def _render_source(source: str, path: str | os.PathLike, format: str) -> Path:
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix("." + format)
    try:
        image = _run_dot(source, format, "render")
    except RuntimeError as err:
        dot_path, note = _fallback_dot_path(path)
        write_atomic(dot_path, lambda f: f.write((_FALLBACK_MARK + source).encode("utf-8")), "render")
        raise RuntimeError(f"{err}\nThe graph's DOT text was written to {dot_path}{note}.") from None
    write_atomic(path, lambda f: f.write(image), "render")
    return path


# The first line of a .dot that render wrote because graphviz could not draw (a DOT comment): only
# such a file is replaced by the next fallback; any other .dot at that path is the user's.
_FALLBACK_MARK = "// DOT text saved by tensorgrad.render: graphviz could not draw it (dot -Tsvg renders it)\n"


def _fallback_dot_path(path: Path) -> tuple[Path, str]:
    """Where the fallback DOT text goes: ``path`` as ``.dot`` unless a file there is not one of ours."""
    candidate = path.with_suffix(".dot")
    for n in itertools.count(1):
        if not _is_foreign(candidate):
            break
        candidate = path.with_suffix(f".{n}.dot")
    first = path.with_suffix(".dot")
    note = ("" if candidate == first
            else f" ({first} already exists and is not a fallback file, so it was left as it was)")
    return candidate, note


def _is_foreign(path: Path) -> bool:
    """True when something other than a previous fallback .dot sits at ``path``."""
    if not os.path.lexists(path):
        return False
    try:
        with open(path, "rb") as f:
            return f.read(len(_FALLBACK_MARK.encode("utf-8"))) != _FALLBACK_MARK.encode("utf-8")
    except OSError:
        return True


class Graph:
    """The graph of ``root`` as an object that notebooks display inline (as SVG), like torchviz's Digraph.

    ``Graph(loss, names=dict(model.named_parameters()))`` in a Jupyter cell draws it; ``.source`` is
    the DOT text (taken when the Graph is made), ``.render(path)`` writes a file. Arguments as :func:`to_dot`.
    """

    def __init__(self, root: Tensor | Sequence[Tensor], names: Mapping[str, Tensor] | None = None,
                 **kw: Any) -> None:
        self.source = to_dot(root, names=names, **kw)

    def _repr_svg_(self) -> str:
        return _run_dot(self.source, "svg", "Graph").decode("utf-8")

    def render(self, path: str | os.PathLike, format: str = "svg") -> Path:
        """Write the picture to ``path`` (see :func:`render`)."""
        return _render_source(self.source, path, format)

    def __str__(self) -> str:
        return self.source
