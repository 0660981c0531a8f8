"""Checkpoints: a model's state dict as a ``.npz`` file, written atomically (temp file + rename),
so a crash mid-write never leaves a truncated checkpoint behind."""
from __future__ import annotations

import os
import tempfile
from typing import Any, Mapping

import numpy as np

from .module import Module


def save(model: Module | Mapping[str, Any], path: str | os.PathLike) -> None:
    """Write ``model.state_dict()`` (or a state dict) to ``path`` as npz; the file appears whole or not at all."""
    state = model.state_dict() if isinstance(model, Module) else {k: np.asarray(v) for k, v in model.items()}
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **state)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_state(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The state dict saved at ``path``; pass it to ``model.load_state_dict``."""
    with np.load(os.fspath(path), allow_pickle=False) as archive:
        return {k: archive[k] for k in archive.files}
