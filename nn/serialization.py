"""Checkpoints: a model's state dict as a ``.npz`` file, written atomically (temp file + rename),
so a crash mid-write never leaves a truncated checkpoint behind."""
from __future__ import annotations

import os
import uuid
import zipfile
from typing import Any, Mapping

import numpy as np

from .module import Module


def save(model: Module | Mapping[str, Any], path: str | os.PathLike) -> None:
    """Write ``model.state_dict()`` (or a state dict) to ``path`` as npz; the file appears whole or not at all."""
    state = model.state_dict() if isinstance(model, Module) else {k: np.asarray(v) for k, v in model.items()}
    path = os.fspath(path)
    directory, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    # os.open with mode 0o666 honours the umask, as any other file the user writes (mkstemp gives 0o600)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
    """The state dict saved at ``path``; pass it to ``model.load_state_dict``.

    A file that is not a whole npz archive of arrays (truncated, corrupt, empty, a bare .npy)
    raises ValueError naming the file; a missing file raises FileNotFoundError.
    """
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an archive of named arrays")
        with archive:
            return {k: archive[k] for k in archive.files}
    except FileNotFoundError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise ValueError(f"load_state: {path} is not a readable .npz checkpoint ({type(err).__name__}: {err}); "
                         f"the file is truncated or corrupt. Load an earlier checkpoint or save the model "
                         f"again with nn.save.") from None
