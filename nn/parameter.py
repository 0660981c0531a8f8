"""Parameter: a Tensor that is a trainable weight; UninitializedParameter: a lazy layer's weight
before its first call (as PyTorch's lazy modules), so a Module owns every parameter from birth."""
from __future__ import annotations

from typing import Any

import numpy as np

from tensorgrad.aligned import aligned_copy
from tensorgrad import Tensor
from tensorgrad.autograd import increment_version


class Parameter(Tensor):
    """A Tensor that requires grad and that ``Module.parameters()`` finds by walking attributes."""

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    @property
    def expected_shape(self) -> tuple[int | None, ...]:
        """The shape a checkpoint array must have to be loaded into this parameter."""
        return self.shape

    def load(self, array: Any) -> None:
        """Copy ``array`` into this parameter in place (identity kept, so optimizers still hold it)."""
        array = np.asarray(array)
        if array.shape != self.shape:
            raise ValueError(f"Parameter.load: array of shape {array.shape} does not fit a parameter of shape "
                             f"{self.shape}.")
        self.data[...] = array
        increment_version(self)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class UninitializedParameter(Parameter):
    """A parameter whose input size is not known yet: it has a dtype and a partial shape
    (``None`` where unknown) but no data until :meth:`materialize` turns it, in place, into a
    plain Parameter. Reading its data before that is a clear error, not a silent empty array."""

    def __init__(self, shape_hint: tuple[int | None, ...], dtype: Any, owner: str) -> None:  # noqa: D107
        # No data yet: set the Tensor slots by hand instead of calling Tensor.__init__.
        self.grad = None
        self._node = None
        self._version_counter = [0]
        self.requires_grad = True
        self.shape_hint = tuple(shape_hint)
        self.lazy_dtype = np.dtype(dtype)
        self.owner = owner

    @property
    def data(self) -> np.ndarray:  # type: ignore[override]
        raise RuntimeError(
            f"{self.owner} is not initialized yet: the layer infers its input size on its first call. "
            f"Call the layer (or its model) on a batch first, or give input_dim=/input_shape= so it is "
            f"built at construction.")

    @property
    def dtype(self) -> np.dtype:  # type: ignore[override]
        return self.lazy_dtype

    @property
    def expected_shape(self) -> tuple[int | None, ...]:
        return self.shape_hint

    def fits(self, shape: tuple[int, ...]) -> bool:
        """True when ``shape`` agrees with the known part of the shape."""
        return len(shape) == len(self.shape_hint) and all(h is None or h == s for h, s in zip(self.shape_hint, shape))

    def materialize(self, array: Any) -> None:
        """Become a plain Parameter holding a copy of ``array`` (same object, so references stay valid),
        in 64-byte-aligned memory (faster elementwise updates; :meth:`Parameter.load` copies into it)."""
        array = aligned_copy(array, self.lazy_dtype)
        if not self.fits(array.shape):
            raise ValueError(f"materialize: {self.owner} expects shape {_show(self.shape_hint)}, got an array of "
                             f"shape {array.shape}.")
        self.__dict__.clear()
        self.__class__ = Parameter
        self.data = array

    load = materialize

    def __reduce_ex__(self, protocol: Any) -> tuple:
        """Copy/pickle by constructor arguments (the default would read the missing data)."""
        return type(self), (self.shape_hint, self.lazy_dtype, self.owner)

    def __repr__(self) -> str:
        return f"<UninitializedParameter: {self.owner}, shape {_show(self.shape_hint)}, dtype {self.lazy_dtype}>"


def _show(shape: tuple[int | None, ...]) -> str:
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")
