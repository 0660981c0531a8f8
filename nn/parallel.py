"""``torch.nn.parallel``: PyTorch's DataParallel as it behaves without a GPU. With no CUDA device, PyTorch's
DataParallel keeps the module as ``.module`` and runs it unchanged; tensorgrad has no GPU, so that is all it
does here (state_dict keys gain the ``module.`` prefix, as PyTorch's do)."""
from __future__ import annotations

from typing import Any, Sequence

from .module import Module


class DataParallel(Module):
    """``DataParallel(module, device_ids=None, output_device=None, dim=0)``: runs ``module`` on the CPU (PyTorch's
    behaviour when no GPU is available); the device arguments name GPUs, which tensorgrad never has."""

    def __init__(self, module: Module, device_ids: Sequence[Any] | None = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: expects an nn.Module to wrap, got {type(module).__name__}.")
        self.module, self.dim = module, dim
        self.device_ids: list[Any] = []      # as PyTorch's without CUDA: no device to scatter to
        self.output_device = None

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs: Any, device_ids: Sequence[Any] | None = None, output_device: Any = None,
                  dim: int = 0, module_kwargs: dict[str, Any] | None = None) -> Any:
    """``nn.parallel.data_parallel``: ``module(*inputs, **module_kwargs)`` on the CPU."""
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    return module(*inputs, **(module_kwargs or {}))


__all__ = ["DataParallel", "data_parallel"]
