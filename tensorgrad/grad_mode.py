"""Grad mode: whether ops are recorded for backward, per thread (``no_grad``, ``enable_grad`` ...)."""
from __future__ import annotations

import contextlib
import threading


class _Mode(threading.local):
    """This thread's switches: recording on or off, anomaly checks on or off."""
    enabled = True
    anomaly = False


mode = _Mode()


def is_grad_enabled() -> bool:
    """True when ops are being recorded for backward in this thread."""
    return mode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Switch recording on or off in this thread: called plainly (``set_grad_enabled(False)``) it
    switches at once, as PyTorch's does; as a context manager or decorator it restores on exit."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = bool(enabled)
        self.before_init: bool | None = mode.enabled   # what a `with` right after construction restores
        self.stack: list[bool] = []
        mode.enabled = self.enabled

    def __enter__(self) -> None:
        self.stack.append(mode.enabled if self.before_init is None else self.before_init)
        self.before_init = None
        mode.enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        mode.enabled = self.stack.pop()

    def __call__(self, fn):
        """As a decorator: undo the switch made at construction; each call switches for its duration."""
        if self.before_init is not None:
            mode.enabled, self.before_init = self.before_init, None
        return super().__call__(fn)


class no_grad(contextlib.ContextDecorator):
    """``with no_grad():`` (or ``@no_grad()``): tensors made inside record nothing, like PyTorch's."""

    enabled = False

    def __init__(self) -> None:
        self.stack: list[bool] = []

    def __enter__(self) -> None:
        self.stack.append(mode.enabled)
        mode.enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        mode.enabled = self.stack.pop()


class enable_grad(no_grad):
    """Switch recording back on inside a ``no_grad`` block."""

    enabled = True


class inference_mode(no_grad):
    """PyTorch's ``inference_mode(mode=True)``: here the same as ``no_grad`` (nothing recorded)."""

    def __init__(self, mode_: bool = True) -> None:
        super().__init__()
        self.enabled = not mode_
