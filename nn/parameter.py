"""Parameter: a Tensor that is a trainable weight. A lazy layer's parameters exist from the layer's
birth with a partial shape and no data; the layer's first call gives them their data in place, so a
Module (and an optimizer) holds every parameter from the start, as with PyTorch's lazy modules."""
from __future__ import annotations

from typing import Any

import numpy as np

from tensorgrad import Tensor
from tensorgrad.autograd import increment_version


class Parameter(Tensor):
    """A Tensor that requires grad and that ``Module.parameters()`` finds by walking attributes.

    ``Parameter.uninitialized(shape_hint, dtype, owner)`` makes one whose input size is not known yet
    (``None`` in ``shape_hint``): it has no data until :meth:`materialize`, and reading its shape or
    values before then is a clear error.
    """

    shape_hint: tuple[int | None, ...] | None = None   # set while the parameter waits for its data
    owner = "parameter"

    def __init__(self, data: Any = None, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(np.empty(0, np.float32) if data is None else data, requires_grad=requires_grad, dtype=dtype)
        if isinstance(data, Tensor) and self.dtype == data.dtype:
            self.data = data               # a Tensor's memory is shared, as torch.nn.Parameter(t) shares it

    @classmethod
    def uninitialized(cls, shape_hint: tuple[int | None, ...], dtype: Any, owner: str) -> "Parameter":
        """A parameter of ``dtype`` whose shape is known only in part; ``owner`` names it in errors."""
        p = cls.__new__(cls)                  # no data yet: every other field as Tensor.__init__ sets it
        p.grad, p.requires_grad, p._node, p._version_counter = None, True, None, [0]
        p.shape_hint, p.lazy_dtype, p.owner = tuple(shape_hint), np.dtype(dtype), owner
        return p

    def __getattr__(self, name: str) -> Any:
        """Reached only for attributes that are not there: ``data`` of a lazy parameter is a clear error."""
        if name in ("data", "_data") and self.shape_hint is not None:
            raise RuntimeError(
                f"{self.owner} is not initialized yet: the layer infers its input size on its first call. Call "
                f"the layer (or its model) on a batch first, or give input_dim=/input_shape= so it is built at "
                f"construction.")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    @property
    def initialized(self) -> bool:
        """False until a lazy parameter got its data."""
        return self.shape_hint is None

    @property
    def dtype(self) -> np.dtype:
        return self.lazy_dtype if self.shape_hint is not None else self.numpy(force=True).dtype

    @property
    def expected_shape(self) -> tuple[int | None, ...]:
        """The shape a checkpoint array must have to be loaded into this parameter (None: any size)."""
        return self.shape_hint if self.shape_hint is not None else self.numpy(force=True).shape

    def fits(self, shape: tuple[int, ...]) -> bool:
        """True when an array of ``shape`` can be loaded into this parameter."""
        hint = self.expected_shape
        return len(shape) == len(hint) and all(h is None or h == s for h, s in zip(hint, shape))

    def materialize(self, array: Any) -> None:
        """Give a lazy parameter its data: a copy of ``array`` (the same object, so references stay valid)."""
        array = np.array(array, dtype=self.dtype)
        if not self.fits(array.shape):
            raise ValueError(f"materialize: {self.owner} expects shape {show_shape(self.expected_shape)}, got an array "
                             f"of shape {array.shape}.")
        self.data = array
        del self.shape_hint, self.lazy_dtype      # back to the class default: initialized

    def load(self, array: Any) -> None:
        """Copy ``array`` into this parameter in place (identity kept, so optimizers still hold it)."""
        if self.shape_hint is not None:
            return self.materialize(array)
        array = np.asarray(array)
        if array.shape != self.shape:
            raise ValueError(f"Parameter.load: array of shape {array.shape} does not fit a parameter of shape "
                             f"{self.shape}.")
        self.numpy(force=True)[...] = array
        increment_version(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        """A lazy parameter copies (and pickles) as its constructor arguments and its attributes (a constraint,
        a Keras variable's name): it has no data to copy."""
        if self.shape_hint is not None:
            attributes = {k: v for k, v in self.__dict__.items() if k not in ("shape_hint", "lazy_dtype", "owner")}
            return _lazy_copy, (type(self), self.shape_hint, self.lazy_dtype, self.owner, attributes)
        return super().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        if self.shape_hint is not None:
            return f"<uninitialized Parameter: {self.owner}, shape {show_shape(self.shape_hint)}, dtype {self.dtype}>"
        return "Parameter containing:\n" + super().__repr__()


def _lazy_copy(cls: type, shape_hint: tuple, dtype: Any, owner: str, attributes: dict[str, Any]) -> Parameter:
    parameter = cls.uninitialized(shape_hint, dtype, owner)
    parameter.__dict__.update(attributes)
    return parameter


def show_shape(shape: tuple[int | None, ...]) -> str:
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")
