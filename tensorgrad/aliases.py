"""``tensorgrad.nn`` and ``tensorgrad.optim`` as names of the top-level ``nn`` and ``optim`` packages, so a
PyTorch program runs after ``import torch`` becomes ``import tensorgrad as torch``: ``torch.nn.Linear``,
``from tensorgrad import nn``, ``import tensorgrad.nn.functional as F``, ``torch.optim.SGD`` all reach
them. They load on first use (``nn`` imports tensorgrad, so tensorgrad cannot import it eagerly).
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any

PACKAGES = {"tensorgrad.nn": "nn", "tensorgrad.optim": "optim"}


def real_name(name: str) -> str | None:
    """'nn.functional' for 'tensorgrad.nn.functional'; None for names that are not aliases."""
    for alias, real in PACKAGES.items():
        if name == alias or name.startswith(alias + "."):
            return real + name[len(alias):]
    return None


class AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``tensorgrad.nn...`` as the module ``nn...`` itself (one module object under two names)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        return importlib.util.spec_from_loader(name, self) if real_name(name) else None

    def create_module(self, spec: Any) -> ModuleType:
        module = importlib.import_module(real_name(spec.name))
        self.identity = {k: getattr(module, k) for k in ("__name__", "__spec__", "__loader__", "__package__")
                         if hasattr(module, k)}
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing runs (the real module ran under its own name); its own name and spec are put back."""
        for key, value in self.identity.items():
            setattr(module, key, value)


def install() -> None:
    """Put the finder on ``sys.meta_path`` once."""
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())     # before the path finder, which would load a second copy
