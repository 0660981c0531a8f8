"""Training or inference mode for one call, in one thread: what Keras's ``training=`` argument does.

``fit`` runs its steps inside ``training_mode(True)``, ``evaluate``/``predict`` inside
``training_mode(False)``, and ``model(x, training=False)`` does the same for one call. The mode
belongs to the call: it is kept per thread, so a ``predict`` in another thread during ``fit`` never
switches Dropout off for the training thread, and no module's own flag (``train()``/``eval()``,
PyTorch's way) is changed.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator


class _ModeOverride(threading.local):
    """The mode a ``training_mode`` block imposes in this thread (None: each module's own flag)."""
    training: bool | None = None


_override = _ModeOverride()


def imposed_mode() -> bool | None:
    """The mode of the innermost ``training_mode`` block in this thread, or None outside any."""
    return _override.training


@contextlib.contextmanager
def training_mode(training: bool) -> Iterator[None]:
    """Every module runs in training (True) or inference (False) mode inside the block, in this thread
    only; blocks nest, and the outer mode comes back on exit."""
    previous = _override.training
    _override.training = bool(training)
    try:
        yield
    finally:
        _override.training = previous
