"""The functions a VJP calls, in whichever form the backward pass runs.

A plain backward runs every VJP on numpy arrays; a recorded one (``create_graph=True``) runs the same
VJP on Tensors. Operators and the methods arrays and Tensors share (``.sum``, ``.reshape``, ``.T``,
``.astype``, indexing) work on both; for anything else a VJP writes ``F = functions()`` and calls
``F.where``, ``F.log``, ... : numpy on arrays, tensorgrad's ops on Tensors. One formula, two modes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import _mode
from . import _kernels


class _ArrayFunctions:
    """numpy (and the ops' own numpy kernels) under the names of tensorgrad's ops."""
    where = staticmethod(np.where)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    maximum = staticmethod(np.maximum)
    broadcast_to = staticmethod(_kernels.broadcast)
    sigmoid = staticmethod(_kernels.sigmoid)


NAMES = tuple(name for name in vars(_ArrayFunctions) if not name.startswith("_"))


class _TensorFunctions:
    """The same names as tensorgrad's ops (looked up on use: the op modules import this module)."""

    def __getattr__(self, name: str) -> Any:
        if name not in NAMES:
            raise AttributeError(f"functions(): {name!r} has no numpy counterpart here; add it to both "
                                 f"namespaces ({', '.join(NAMES)} are there).")
        from .. import ops
        return getattr(ops, name)


_ARRAYS, _TENSORS = _ArrayFunctions(), _TensorFunctions()


def functions() -> Any:
    """The namespace for the current backward: numpy when plain, tensorgrad's ops when recorded."""
    return _TENSORS if _mode.enabled else _ARRAYS
