"""KerasVariable: the weight a Keras-spelled layer makes (Dense's kernel, Conv2D's bias, BatchNormalization's
moving_mean, ``add_weight``'s), and what ``tf.Variable``/``keras.Variable`` and a metric's ``add_weight`` make.

It is an nn.Parameter (optimizers, state dicts, saving, export and fit see no difference) that behaves as
Keras 3's ``Variable``: ``v.numpy()`` gives a copy of the values whether trainable or not (PyTorch's Parameter
refuses while it requires grad), ``assign``/``assign_add``/``assign_sub`` write in place, ``value`` is the
current value, ``dtype`` is the name ("float32"), ``trainable`` is settable, ``name`` ("kernel") and ``path``
("dense/kernel") name it. PyTorch-spelled modules (nn.Linear, nn.Conv2d ...) keep plain Parameters.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import init
from .parameter import Parameter, show_shape


# TensorFlow's and Keras's dtypes for Python numbers: float32 and int32 (numpy would say float64 and int64)
PYTHON_DEFAULTS = {np.dtype(np.float64): np.dtype(np.float32), np.dtype(np.int64): np.dtype(np.int32)}


class DTypeName(str):
    """A dtype as its name: ``v.dtype == "float32"`` and ``"float" in v.dtype`` (Keras 3's string) while
    ``v.dtype.name``, ``.kind``, ``== np.float32`` and numpy calls work as with a numpy dtype (TensorFlow's)."""

    def __new__(cls, dtype: Any) -> "DTypeName":
        numpy_dtype = np.dtype(dtype)
        name = super().__new__(cls, numpy_dtype.name)
        name.numpy_dtype = numpy_dtype
        return name

    def __eq__(self, other: object) -> bool:
        if other is None:                 # (np.dtype(None) would be float64)
            return False
        try:
            return self.numpy_dtype == np.dtype(other)  # type: ignore[arg-type]
        except TypeError:
            return False

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__      # the string's (numpy parses a dtype name by looking it up)

    def __getattr__(self, name: str) -> Any:
        """``kind``, ``itemsize``, ``name``, ``type`` ...: the numpy dtype's."""
        if name.startswith("_") or name == "numpy_dtype":    # (numpy probes protocols such as __dtype__)
            raise AttributeError(name)
        return getattr(self.numpy_dtype, name)

    def __reduce__(self) -> Any:
        return DTypeName, (self.numpy_dtype.name,)


class KerasVariable(Parameter):
    """A Parameter with Keras's variable protocol (see the module docstring). Make one with :func:`new_variable`."""

    var_name = "variable"       # Keras's ``name`` ("kernel"); instances set their own
    var_path: str | None = None  # Keras's ``path`` ("dense/kernel"); the name when the variable has no layer
    _trainable = True           # what the variable was made (or later set) as; requires_grad follows the layer too

    def numpy(self, force: bool = False) -> np.ndarray:
        """A copy of the values, trainable or not (as Keras's ``numpy()``: writing to it leaves the variable
        unchanged); ``force=True`` (nn's internal spelling, as for any Tensor) gives the shared array."""
        data = super().numpy(force=True)
        return data if force else data.copy()

    @property
    def value(self) -> "KerasVariable":
        """The current value: the variable itself (a Tensor; gradients flow through it, as Keras's ``.value``)."""
        return self

    @property
    def dtype(self) -> DTypeName:  # type: ignore[override]
        """The dtype's name ("float32", as Keras 3), usable wherever a numpy dtype is."""
        return DTypeName(super().dtype)

    @property
    def trainable(self) -> bool:
        """True when training moves it: made trainable (or set so) and its layer not frozen."""
        return self._trainable and bool(self.requires_grad)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        self.requires_grad = self._trainable and self.dtype.kind == "f"

    @property
    def name(self) -> str:
        """Keras 3's name: the weight's own ("kernel")."""
        return self.var_name

    @property
    def path(self) -> str:
        """Keras 3's path: the layer's name and the weight's ("dense/kernel")."""
        return self.var_path or self.var_name

    def assign(self, value: Any) -> "KerasVariable":
        """``v.assign(x)``: overwrite the values in place (cast to the variable's dtype; no gradient flows).
        ``x`` must have the variable's shape, as in Keras. Returns the variable."""
        array = np.asarray(value)
        if not self.fits(array.shape):
            raise ValueError(f"{self.path}.assign: the value's shape {array.shape} differs from the variable's "
                             f"{self.expected_shape}; Keras assigns whole values only (use assign_add/assign_sub "
                             f"to broadcast a change, or reshape the value).")
        self.load(array.astype(self.dtype.numpy_dtype, copy=False))
        return self

    def assign_add(self, delta: Any) -> "KerasVariable":
        """``v.assign_add(d)``: v ← v + d in place (d broadcast to v's shape, cast to v's dtype first)."""
        return self.assign(self._current() + self._in_dtype(delta, "assign_add"))

    def assign_sub(self, delta: Any) -> "KerasVariable":
        """``v.assign_sub(d)``: v ← v − d in place (d broadcast to v's shape, cast to v's dtype first)."""
        return self.assign(self._current() - self._in_dtype(delta, "assign_sub"))

    def _current(self) -> np.ndarray:
        return super().numpy(force=True)

    def _in_dtype(self, delta: Any, who: str) -> np.ndarray:
        array = np.asarray(delta).astype(self.dtype.numpy_dtype, copy=False)
        try:
            fits = np.broadcast_shapes(array.shape, self.shape) == self.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"{self.path}.{who}: a value of shape {array.shape} does not broadcast to the "
                             f"variable's shape {self.shape}.")
        return array

    def __repr__(self) -> str:
        if self.shape_hint is not None:
            return (f"<Variable path={self.path}, shape={show_shape(self.shape_hint)}, dtype={self.dtype} "
                    f"(not built yet)>")
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self._current()}>"


def new_variable(values: Any = None, *, shape: tuple[int | None, ...] | None = None, dtype: Any = None,
                 name: str = "variable", layer: Any = None, trainable: bool = True) -> KerasVariable:
    """The one way a Keras variable is made: from ``values`` (an array), or, when ``values`` is None, lazily with
    ``shape`` (None where the layer's first input decides) and ``dtype``, filled by the layer's build.
    ``layer`` (its name) gives the variable its path "layer/name"; ``trainable=False`` keeps the gradient off."""
    path = f"{layer.name}/{name}" if layer is not None else None
    if values is None:
        who = f"parameter '{name}' of {type(layer).__name__} '{layer.name}'" if layer is not None else f"'{name}'"
        variable = KerasVariable.uninitialized(tuple(shape or ()), np.dtype(dtype or np.float32), who)
    else:
        array = np.asarray(values) if dtype is None else np.asarray(values, dtype=np.dtype(dtype))
        variable = KerasVariable(array, requires_grad=False)
    variable.var_name, variable.var_path = name, path
    variable.trainable = trainable
    return variable


def initial_values(initializer: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An array of ``shape`` from ``initializer`` (a Keras name such as "zeros", a keras.initializers object, or a
    callable (shape, rng, dtype)), drawn from nn.init's default generator; a scalar for shape ()."""
    fill = init.get(initializer)
    if shape:
        return np.asarray(fill(shape, init.default_rng(), dtype), dtype=dtype)
    return np.asarray(fill((1,), init.default_rng(), dtype), dtype=dtype).reshape(())


class VariableSpelling(type):
    """The type of ``keras.Variable`` and ``tf.Variable``: calling one makes a KerasVariable, and every
    KerasVariable is an instance of both (``isinstance(layer.kernel, keras.Variable)`` holds, as in Keras)."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, KerasVariable)

    def __subclasscheck__(cls, sub: type) -> bool:
        return isinstance(sub, type) and issubclass(sub, KerasVariable)


class Variable(metaclass=VariableSpelling):
    """``keras.Variable(initializer, shape=None, dtype=None, trainable=True, name=None)`` (Keras 3): a variable
    holding ``initializer`` (an array or a number), or filled by it (an initializer's name or object, with
    ``shape``). Python numbers give float32 (ints int32), as Keras's floatx."""

    def __new__(cls, initializer: Any, shape: Any = None, dtype: Any = None, trainable: bool = True,
                autocast: bool = True, aggregation: Any = "none", synchronization: Any = "auto",
                name: str | None = None, **kwargs: Any) -> KerasVariable:  # type: ignore[misc]
        if isinstance(name, str) and "/" in name:
            raise ValueError(f"keras.Variable: name must not contain '/', got {name!r} (the path adds the layer's).")
        if isinstance(initializer, str) or (callable(initializer) and not isinstance(initializer, np.ndarray)):
            if shape is None:
                raise ValueError(f"keras.Variable: an initializer ({initializer!r}) needs shape=, e.g. "
                                 f"keras.Variable('zeros', shape=(3,)).")
            dims = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
            values = initial_values(initializer, dims, np.dtype(getattr(dtype, "name", dtype) or np.float32))
        else:
            values = python_number_array(initializer, dtype)
            if shape is not None and tuple(shape) != values.shape:
                raise ValueError(f"keras.Variable: shape {tuple(shape)} differs from the initial value's shape "
                                 f"{values.shape}.")
        return new_variable(values, name=name or "variable", trainable=trainable)


def python_number_array(value: Any, dtype: Any = None) -> np.ndarray:
    """``value`` as an array of ``dtype``; without one, Python floats become float32 and ints int32 (Keras's and
    TensorFlow's defaults) while arrays and tensors keep theirs."""
    array = np.asarray(value)
    if dtype is None:
        dtype = array.dtype if hasattr(value, "__array__") else PYTHON_DEFAULTS.get(array.dtype, array.dtype)
    return array.astype(np.dtype(getattr(dtype, "name", dtype)), copy=False)


__all__ = ["DTypeName", "KerasVariable", "Variable", "VariableSpelling", "initial_values", "new_variable"]
