"""PyTorch's module containers: ModuleList and ModuleDict. Their entries are registered sub-modules
(``add_module``), so parameters are found and named ``0.weight``, ``head.bias``, ... as in PyTorch.
(Sequential, a container that also runs its modules in order, is in ``nn.models``.)"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from .module import Module


def _check_module(value: Any, who: str) -> Module:
    if not isinstance(value, Module):
        raise TypeError(f"{who}: entries must be nn.Module instances, got {type(value).__name__}.")
    return value


class ModuleList(Module):
    """A list of modules: indexable, iterable, ``append``/``extend``/``insert``; its modules' parameters
    belong to the owner (``layers.0.weight``). It has no forward: call its entries."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        self._modules: dict[str, Module] = {}
        if modules is not None:
            self.extend(modules)

    def _index(self, index: int) -> int:
        n = len(self._modules)
        if not -n <= index < n:
            raise IndexError(f"ModuleList: index {index} is out of range for {n} modules.")
        return index % n

    def __getitem__(self, index: int | slice) -> Any:
        values = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(values[index])
        return values[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        self._modules[str(self._index(index))] = _check_module(module, "ModuleList")

    def __delitem__(self, index: int | slice) -> None:
        values = list(self._modules.values())
        del values[index if isinstance(index, slice) else self._index(index)]
        self._modules = {str(i): m for i, m in enumerate(values)}   # renumbered, as PyTorch does

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> "ModuleList":
        return ModuleList([*self, *other])

    def append(self, module: Module) -> "ModuleList":
        """Add ``module`` at the end."""
        self._modules[str(len(self._modules))] = _check_module(module, "ModuleList.append")
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        """Add every module of ``modules`` at the end."""
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList,)):
            raise TypeError(f"ModuleList.extend: expects an iterable of modules, got a single "
                            f"{type(modules).__name__}; use append.")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        values = list(self._modules.values())
        values.insert(index, _check_module(module, "ModuleList.insert"))
        self._modules = {str(i): m for i, m in enumerate(values)}

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(): iterate over it and call its modules "
                                  "(or use nn.Sequential to chain them).")


class ModuleDict(Module):
    """An ordered dict of modules by name: ``d["head"]``, ``keys()``, ``items()``, ``update``, ``pop``;
    parameters are named ``<key>.weight``. It has no forward: call its entries."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        self._modules: dict[str, Module] = {}
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module {key!r}; the keys are {list(self._modules)}.")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"ModuleDict: keys must be non-empty strings without '.', got {key!r}.")
        self._modules[key] = _check_module(module, "ModuleDict")

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        return list(self._modules.keys())

    def values(self) -> list[Module]:
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        return list(self._modules.items())

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove the module ``key`` and return it."""
        module = self[key]
        del self._modules[key]
        return module

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) entries from a mapping or from (key, module) pairs."""
        pairs = modules.items() if isinstance(modules, (Mapping, ModuleDict)) else modules
        for entry in pairs:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError(f"ModuleDict.update: expects a mapping or (key, module) pairs, got {entry!r}.")
            self[entry[0]] = entry[1]

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleDict has no forward(): call its modules by key.")


__all__ = ["ModuleList", "ModuleDict"]
