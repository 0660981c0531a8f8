"""Learning curves: a History's per-epoch loss, accuracy and val_* drawn as seed 001 draws them,
``pd.DataFrame(history.history).plot(figsize=(8, 5)); plt.grid(True); plt.gca().set_ylim(0, 1)``.

matplotlib is an optional dependency (``pip install tensorgrad[demos]``); it is imported only here,
and only when a figure is asked for. No pyplot: no global figure state, no display needed.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from tensorgrad.files import write_atomic

FORMATS = ("png", "svg", "pdf")


def _matplotlib_figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("nn.plot_history draws with matplotlib, which is not installed; install it with "
                          "`pip install tensorgrad[demos]` (or `pip install matplotlib`).") from err
    return Figure


def _series(history: Any) -> dict[str, list[float]]:
    """The per-epoch lists of a History (or of its ``.history`` dict), checked to be non-empty and equally long."""
    series = getattr(history, "history", history)
    if not isinstance(series, Mapping):
        raise TypeError(f"plot_history: history must be the History that fit() returns or its .history dict, "
                        f"got {type(history).__name__}.")
    curves = {str(k): [float(v) for v in values] for k, values in series.items()}
    lengths = {k: len(v) for k, v in curves.items()}
    if not curves or 0 in lengths.values():
        raise ValueError(f"plot_history: nothing to draw (epochs per metric: {lengths}); train for at least one epoch.")
    if len(set(lengths.values())) > 1:
        raise ValueError(f"plot_history: the metrics cover different numbers of epochs {lengths}; give one value "
                         f"per epoch for each.")
    return curves


def history_figure(history: Any, title: str | None = None) -> Any:
    """A matplotlib Figure (8 x 5 inches) with one line per metric against the epoch (1, 2, ...), grid on,
    y from 0 to max(1, largest value) so losses above 1 are not cut off as the seed's ylim(0, 1) would."""
    curves = _series(history)
    figure = _matplotlib_figure()(figsize=(8, 5))
    ax = figure.add_subplot()
    epochs = np.arange(1, len(next(iter(curves.values()))) + 1)
    for name, values in curves.items():
        ax.plot(epochs, values, label=name, marker="o" if len(epochs) <= 30 else None, markersize=3)
    top = max(max(v) for v in curves.values())
    ax.set_ylim(0, max(1.0, top * 1.05) if np.isfinite(top) else 1.0)
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True)
    ax.legend()
    if title:
        ax.set_title(title)
    return figure


def plot_history(history: Any, path: str | os.PathLike, title: str | None = None, dpi: int = 100) -> Path:
    """Write the learning-curve figure of ``history`` to ``path`` (png, svg or pdf by its suffix; .png
    added when it has none), atomically: readers never see half a file. Returns the path written."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    fmt = path.suffix[1:].lower()
    if fmt not in FORMATS:
        raise ValueError(f"plot_history: cannot write {path.name!r}; give a path ending in "
                         f"{', '.join('.' + f for f in FORMATS)}.")
    figure = history_figure(history, title)
    buffer = io.BytesIO()
    # No creation date in svg/pdf metadata and a fixed svg id salt: the same history gives the same bytes.
    metadata = {"Date": None} if fmt in ("svg", "pdf") else {}
    from matplotlib import rc_context
    with rc_context({"svg.hashsalt": "tensorgrad"}):
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    data = buffer.getvalue()
    write_atomic(path, lambda f: f.write(data), "plot_history")
    return path


__all__ = ["plot_history", "history_figure"]
