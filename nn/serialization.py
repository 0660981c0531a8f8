"""Checkpoints of a model's weights: ``nn.save(model, path)`` writes its state dict with ``tg.save``
(safetensors by default, npz for a name ending in ``.npz``), atomically; ``nn.load_state(path)`` reads
either format back as ``{name: array}`` for ``model.load_state_dict``."""
from __future__ import annotations

import os
from typing import Any, Mapping

import numpy as np

import tensorgrad as tg
from tensorgrad.serialization import StateDict, read_checkpoint, write_checkpoint

from .module import Module


def save(model: Module | Mapping[str, Any], path: str | os.PathLike, format: str | None = None) -> None:
    """Write ``model.state_dict()`` (or a state dict) to ``path``; the file appears whole or not at all.

    ``format``: ``"safetensors"`` (the default; PyTorch reads it with ``safetensors.torch.load_file``)
    or ``"npz"`` (the default for a name ending in ``.npz``). Keys are stored exactly as named. A
    symlink is written through; a read-only file raises PermissionError and stays as it was.
    """
    if isinstance(model, Module):
        state = model.state_dict()
    elif isinstance(model, Mapping):
        state = dict(model)
        bad = [k for k in state if not isinstance(k, str)]
        if bad:
            raise TypeError(f"nn.save: a state dict's keys are parameter names (strings), got {bad[0]!r}.")
    else:
        raise TypeError(f"nn.save: expected a Module or a state dict, got a {type(model).__name__}; "
                        f"tg.save saves other objects.")
    arrays = StateDict({k: v if isinstance(v, tg.Tensor) else np.asarray(v) for k, v in state.items()},
                       metadata=getattr(state, "metadata", None))   # a model's kernel layout (safetensors keeps it)
    write_checkpoint(arrays, path, format, "nn.save")


def load_state(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The state dict saved at ``path`` (safetensors or npz, told apart by content); pass it to
    ``model.load_state_dict``. A truncated, corrupt or foreign file (a pickle) raises ValueError naming it."""
    state = read_checkpoint(path, "nn.load_state")
    if not isinstance(state, dict) or not all(isinstance(v, (np.ndarray, tg.Tensor)) for v in state.values()):
        what = (f"a {type(state).__name__}" if not isinstance(state, dict)
                else f"a nested checkpoint with keys {', '.join(map(repr, state))}")
        raise ValueError(f"nn.load_state: {os.fspath(path)} holds {what}, not a state dict of named arrays; "
                         f"read it with tg.load and pass its state dict part to load_state_dict.")
    return StateDict({str(k): v.numpy(force=True) if isinstance(v, tg.Tensor) else v for k, v in state.items()},
                     metadata=getattr(state, "metadata", None))     # the kernel layout the file records
