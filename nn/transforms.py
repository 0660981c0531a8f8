"""The image transforms PyTorch tutorials pass to datasets (torchvision.transforms' names):
``FashionMNIST(transform=ToTensor(), target_transform=Lambda(...))``."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from tensorgrad import Tensor


class ToTensor:
    """A uint8 image (H, W) or (H, W, C) -> a float32 Tensor (C, H, W) scaled to [0, 1], as torchvision's;
    float arrays are only moved to channels-first (not rescaled)."""

    def __call__(self, image: Any) -> Tensor:
        array = np.asarray(image)
        if array.ndim not in (2, 3):
            raise ValueError(f"ToTensor: expects an image of shape (H, W) or (H, W, C), got {array.shape}.")
        chw = array[None] if array.ndim == 2 else np.moveaxis(array, -1, 0)
        if array.dtype == np.uint8:
            return Tensor(chw.astype(np.float32) / np.float32(255))
        return Tensor(np.ascontiguousarray(chw))

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """(x - mean[c]) / std[c] for each channel c of a (C, H, W) Tensor."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]) -> None:
        self.mean, self.std = tuple(float(m) for m in mean), tuple(float(s) for s in std)
        if any(s == 0 for s in self.std):
            raise ValueError(f"Normalize: std evaluated to zero in {self.std}, leading to division by zero.")

    def __call__(self, image: Tensor) -> Tensor:
        x = image if isinstance(image, Tensor) else Tensor(image)
        shape = (-1,) + (1,) * (x.ndim - 1)
        return (x - np.asarray(self.mean, x.dtype).reshape(shape)) / np.asarray(self.std, x.dtype).reshape(shape)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean}, std={self.std})"


class Lambda:
    """Applies ``lambd`` (e.g. a one-hot encoding of the label)."""

    def __init__(self, lambd: Callable[[Any], Any]) -> None:
        if not callable(lambd):
            raise TypeError(f"Lambda: argument should be callable, got {type(lambd).__name__}.")
        self.lambd = lambd

    def __call__(self, value: Any) -> Any:
        return self.lambd(value)


class Compose:
    """Applies ``transforms`` one after another."""

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, value: Any) -> Any:
        for transform in self.transforms:
            value = transform(value)
        return value


__all__ = ["ToTensor", "Normalize", "Lambda", "Compose"]
