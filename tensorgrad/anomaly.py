"""Anomaly detection: inside ``detect_anomaly()``, a NaN or Inf in any forward or backward value raises,
naming the op and the line of user code that created it (PyTorch's anomaly mode, plus forward checks)."""
from __future__ import annotations

import contextlib
import os
import traceback
from typing import Any, Sequence

import numpy as np

from .grad_mode import mode

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class detect_anomaly(contextlib.ContextDecorator):
    """``with tensorgrad.detect_anomaly():`` check every op's output and every gradient for NaN/Inf.

    Slower (each op records where it was created and every array is scanned), so for debugging only.
    Applies to the current thread.
    """

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> "detect_anomaly":
        self._previous.append(mode.anomaly)
        mode.anomaly = True
        return self

    def __exit__(self, *exc: object) -> None:
        mode.anomaly = self._previous.pop()


def _user_line() -> str:
    """'file:line in function: code' of the innermost stack frame outside tensorgrad."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
    return "<unknown>"


def _bad_values(a: np.ndarray) -> str | None:
    """'NaN' or 'Inf' when ``a`` holds one, else None."""
    if a.dtype.kind != "f" or np.isfinite(a).all():
        return None
    return "NaN" if np.isnan(a).any() else "Inf"


def check_forward(op: Any, out: np.ndarray) -> None:
    """Remember where ``op`` was created; raise if its output holds NaN or Inf."""
    op.trace = _user_line()
    bad = _bad_values(out)
    if bad:
        raise FloatingPointError(f"anomaly: {op.name} produced {bad} in its output (shape {out.shape}), "
                                 f"created at {op.trace}")


def check_backward(node: Any, grads: Sequence[Any]) -> None:
    """Raise if the VJP of ``node`` returned a gradient (array or Tensor) holding NaN or Inf."""
    for i, g in enumerate(grads):
        bad = None if g is None else _bad_values(np.asarray(g))
        if bad:
            where = getattr(node, "trace", None) or "<created outside detect_anomaly>"
            raise FloatingPointError(f"anomaly: the backward of {node.name} produced {bad} in the gradient "
                                     f"of its input {i} (shape {g.shape}); the {node.name} was created at {where}")
