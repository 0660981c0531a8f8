"""Checks and conversions of what ``fit``, ``evaluate`` and ``predict`` are given.

Everything is validated before training starts, after casting to the dtype the model computes in,
so a value that only becomes bad in that dtype (1e39 is inf in float32) is refused like any other,
and nothing changes the weights before the error. Each error names the method, the argument and the
bad value or shape, and says what to do instead.
"""
from __future__ import annotations

import inspect
import numbers
from typing import Any, Callable

import numpy as np

import tensorgrad as tg

from . import fit_data


def batch_size_or_default(batch_size: Any, who: str) -> int:
    """A positive integer batch size; Keras's default 32 for None."""
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"{who}: batch_size must be a positive integer, got {batch_size!r}.")
    return int(batch_size)


def verbosity(verbose: Any, who: str) -> int:
    """0, 1 or 2; Keras's 'auto' means 1."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, (bool, float)) or verbose not in (0, 1, 2):
        raise ValueError(f"{who}: verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or "
                         f"'auto', got {verbose!r}.")
    return int(verbose)


def epoch_count(value: Any, name: str) -> int:
    """A non-negative integer (``epochs``, ``initial_epoch``)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"fit: {name} must be a non-negative integer, got {value!r}.")
    return int(value)


def optional_steps(value: Any, who: str, name: str) -> int | None:
    """None, or a positive integer number of batches (``steps_per_epoch``, ``validation_steps``, ``steps``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who}: {name} must be a positive integer (a number of batches) or None, got {value!r}.")
    return int(value)


def validation_epochs(freq: Any) -> Callable[[int], bool]:
    """``validation_freq`` as a test of an epoch number counted from 1: an integer n validates every n-th
    epoch, a list or tuple (or set) the epochs it names (Keras's two forms)."""
    if isinstance(freq, (list, tuple, set, range)) and all(isinstance(e, (int, np.integer)) and not isinstance(e, bool)
                                                          for e in freq):
        chosen = {int(e) for e in freq}
        return lambda epoch: epoch in chosen
    if isinstance(freq, bool) or not isinstance(freq, (int, np.integer)) or freq <= 0:
        raise ValueError(f"fit: validation_freq must be a positive integer (validate every n-th epoch) or a list of "
                         f"epoch numbers counted from 1, got {freq!r}.")
    return lambda epoch: epoch % int(freq) == 0


def no_arrays_beside_a_source(x: Any, y: Any, sample_weight: Any, validation_split: float, who: str) -> None:
    """A generator, DataLoader or Sequence gives whole batches: ``y``, ``sample_weight`` and
    ``validation_split`` have nothing to apply to (Keras refuses them too)."""
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(f"{who}: x is a {type(x).__name__} that yields batches, so {name} must be None; make "
                             f"it yield (x, y) or (x, y, sample_weight) tuples instead.")
    if validation_split:
        raise ValueError(f"{who}: validation_split needs arrays; with a {type(x).__name__} as x give "
                         f"validation_data=(x_val, y_val) (or another source of batches).")


def validation_fraction(value: Any) -> float:
    """``validation_split`` as a float in [0, 1); a numpy scalar means the decimal it prints as
    (np.float32(0.2) is 0.2, not 0.20000000298, which would hold back one row too few)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"fit: validation_split must be a number in [0, 1), got {value!r}.")
    return float(str(value)) if isinstance(value, np.floating) else float(value)


def numeric_array(value: Any, who: str, arg: str) -> np.ndarray:
    """``value`` as a numeric numpy array with at least one sample, or an error naming the argument (a
    pandas DataFrame or Series becomes its array)."""
    value = fit_data.as_array(value)
    if not isinstance(value, (np.ndarray, tg.Tensor, list, tuple)) and hasattr(value, "__iter__"):
        raise TypeError(f"{who}: {arg} is a {type(value).__name__}; {who} takes arrays (x, y) and makes its own "
                        f"batches (batch_size=, shuffle=); a generator, DataLoader or keras.utils.Sequence of "
                        f"(x, y) batches goes in x alone, with y=None.")
    a = np.asarray(value)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {arg} must be numeric, got an array of dtype {a.dtype} (shape {a.shape}); "
                        f"convert it, e.g. np.asarray({arg}, dtype=np.float32).")
    if a.ndim == 0 or len(a) == 0:
        raise ValueError(f"{who}: {arg} has no samples (shape {a.shape}); give an array with one row per sample.")
    return a


def refuse_non_finite(a: np.ndarray, who: str, arg: str, given: np.ndarray | None = None) -> None:
    """NaN/Inf in ``a`` is an error naming the first one (and, when ``a`` is a cast of ``given``, the value
    given there). The sum is one pass with no temporary and is finite whenever every element is (short
    of overflow, which falls through to the exact check)."""
    if a.dtype.kind != "f":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(a, axis=None)):
            return
    if not np.isfinite(a).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        if given is not None and np.isfinite(given[bad]):
            raise ValueError(f"{who}: {arg} holds {given[bad]} at index {bad}, which is {a[bad]} in the model's "
                             f"{a.dtype}; scale the data into the {a.dtype} range (or build the model in float64).")
        raise ValueError(f"{who}: {arg} contains NaN or Inf (first at index {bad}, value {a[bad]}); "
                         f"clean or impute the data first.")


def in_model_dtype(value: Any, who: str, arg: str, dtype: np.dtype) -> np.ndarray:
    """``value`` as an array of the model's ``dtype``, checked finite in that dtype (a float64 1e39 is
    inf in float32, so it is refused instead of making the weights inf)."""
    given = numeric_array(value, who, arg)
    a = given
    if a.dtype != dtype:
        with np.errstate(over="ignore"):
            a = a.astype(dtype)
    refuse_non_finite(a, who, arg, given if a is not given else None)
    return a


def targets(y: Any, who: str, arg: str, dtype: np.dtype) -> np.ndarray:
    """The targets: float ones cast to the model's dtype and checked finite there (as the inputs are);
    integer labels kept as integers (the sparse losses and accuracies index with them)."""
    if y is None:
        raise ValueError(f"{who}: {arg} (the targets) is required.")
    a = numeric_array(y, who, arg)
    if a.dtype.kind == "f":
        return in_model_dtype(a, who, arg, dtype)
    return a


def model_targets(model: Any, y: Any, who: str, arg: str, dtype: np.dtype) -> np.ndarray | list[np.ndarray]:
    """:func:`targets`, where ``y`` may also be a dict keyed by the output layers' names; for a model with
    several outputs, a list of target arrays (from a list or such a dict), one per output."""
    names = output_names(model)
    if isinstance(y, dict):
        y = fit_data.by_name(y, names, who, arg)
        y = y[0] if len(y) == 1 else y
    several = len(names) > 1 or (not names and isinstance(y, (list, tuple)) and len(y) > 1 and
                                 all(isinstance(t, np.ndarray) or hasattr(t, "to_numpy") for t in y))
    if not several:
        return targets(y, who, arg, dtype)
    if not isinstance(y, (list, tuple)) or (names and len(y) != len(names)):
        raise ValueError(f"{who}: the model has {len(names)} outputs {names}; give {arg} as a list of {len(names)} "
                         f"target arrays (or a dict by output name), got {type(y).__name__}"
                         f"{' of ' + str(len(y)) if isinstance(y, (list, tuple)) else ''}.")
    return [targets(t, who, f"{arg}[{i}]", dtype) for i, t in enumerate(y)]


def common_length(xs: list[np.ndarray], y: np.ndarray | None, who: str) -> int:
    """The number of samples, the same in every input and the targets."""
    ys = [] if y is None else (y if isinstance(y, list) else [y])
    lengths = [len(a) for a in xs] + [len(a) for a in ys]
    if len(set(lengths)) > 1:
        arrays = [*xs, *ys]
        names = [f"x[{i}]" if len(xs) > 1 else "x" for i in range(len(xs))] + \
            [f"y[{i}]" if len(ys) > 1 else "y" for i in range(len(ys))]
        detail = ", ".join(f"{n} has {k} (shape {a.shape})" for n, k, a in zip(names, lengths, arrays))
        raise ValueError(f"{who}: the inputs and targets must have the same number of samples, but {detail}.")
    return lengths[0]


def sample_weights(sample_weight: Any, n: int, who: str, dtype: np.dtype) -> np.ndarray | None:
    """One finite, non-negative weight per sample (shape (n,) or (n, 1)), in the model's dtype, or None."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight)
    if w.dtype.kind not in "biuf" or w.shape not in ((n,), (n, 1)):
        raise ValueError(f"{who}: sample_weight must be {n} numbers, one per sample (shape ({n},)), got shape "
                         f"{w.shape} of dtype {w.dtype}.")
    with np.errstate(over="ignore"):
        w = w.reshape(n).astype(dtype)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"{who}: sample_weight must be finite and >= 0 in the model's {dtype}; got min {w.min()}, "
                         f"max {w.max()}.")
    return w


def class_weights_per_sample(class_weight: Any, y: np.ndarray, who: str, dtype: np.dtype) -> np.ndarray | None:
    """Each training sample's class weight, ``class_weight[label]`` (label: the integer target, or the
    argmax of a one-hot target), or None. Every weight must be a finite number >= 0."""
    if class_weight is None:
        return None
    if y is None or isinstance(y, list):
        raise ValueError(f"{who}: class_weight weighs samples by their class in y; "
                         f"{'there are no targets y' if y is None else 'with several outputs, give sample_weight'}.")
    if not isinstance(class_weight, dict):
        raise TypeError(f"{who}: class_weight must be a dict {{class index: weight}}, got "
                        f"{type(class_weight).__name__}.")
    bad = {k: v for k, v in class_weight.items()
           if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(float(v)) or v < 0}
    if bad:
        raise ValueError(f"{who}: class_weight values must be finite numbers >= 0, got {bad}; a class to ignore "
                         f"gets weight 0.")
    if y.ndim > 2:
        raise ValueError(f"{who}: class_weight needs targets of shape (n,), (n, 1) or one-hot (n, classes), "
                         f"got y of shape {y.shape}.")
    labels = np.argmax(y, axis=-1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(len(y))
    if labels.dtype.kind == "f":
        labels = np.round(labels)
    labels = labels.astype(np.int64)
    present = np.unique(labels)
    missing = [int(c) for c in present if int(c) not in class_weight]
    if missing:
        raise ValueError(f"{who}: class_weight has no weight for class(es) {missing} found in y (its keys are "
                         f"{sorted(class_weight)}); give every class a weight.")
    table = np.array([class_weight[int(c)] for c in present], dtype=dtype)
    if not np.isfinite(table).all():
        raise ValueError(f"{who}: class_weight values {class_weight} overflow the model's {dtype}.")
    return table[np.searchsorted(present, labels)]


def input_count(model: Any) -> int | None:
    """How many arrays the model takes: its symbolic inputs, else forward's required positional
    arguments (None when forward takes ``*args`` and there is no graph to say)."""
    inputs = getattr(model, "inputs", None)
    if isinstance(inputs, list):
        return len(inputs)
    kinds = [p.kind for p in inspect.signature(model.forward).parameters.values()
             if p.default is inspect.Parameter.empty]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return None
    return sum(k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) for k in kinds)


def model_dtype(model: Any) -> np.dtype:
    """The dtype the model computes in: its first parameter's (float32 without parameters)."""
    first = next(iter(model.parameters()), None)
    return np.dtype(np.float32) if first is None else first.dtype


def _symbolic_inputs(model: Any) -> list[Any]:
    """The model's symbolic inputs (functional model or built Sequential), or [] when it has none."""
    inputs = getattr(model, "inputs", None)
    if isinstance(inputs, list):
        return inputs
    single = getattr(model, "input", None)
    return [single] if hasattr(single, "shape") and hasattr(single, "layer") else []


def model_inputs(model: Any, x: Any, who: str, arg: str) -> list[np.ndarray]:
    """The inputs as a list of float arrays in the model's dtype (one per model input), checked. ``x`` may
    be a dict keyed by the Input names, and a 1-D array for an input of shape (1,) (or of no declared
    shape) becomes a column, as Keras 2 expands it."""
    if x is None:
        raise ValueError(f"{who}: {arg} is required.")
    symbolic = _symbolic_inputs(model)
    if isinstance(x, dict):
        x = fit_data.by_name(x, [t.name for t in symbolic], who, arg)
        x = x[0] if len(x) == 1 else x
    count = input_count(model)
    is_list = isinstance(x, (list, tuple)) and len(x) > 0
    of_arrays = is_list and all(isinstance(i, (np.ndarray, tg.Tensor)) or hasattr(i, "to_numpy") for i in x)
    several = is_list and ((count or 0) > 1 or (of_arrays and (count is None or len(x) == 1)))
    items = list(x) if several else [x]
    if count is not None and len(items) != count:
        raise ValueError(f"{who}: the model takes {count} inputs; give {arg} as a list of {count} arrays, "
                         f"got {len(items) if several else 'one array of shape ' + str(np.shape(x))}.")
    dtype = model_dtype(model)
    arrays = [in_model_dtype(item, who, arg if len(items) == 1 else f"{arg}[{i}]", dtype)
              for i, item in enumerate(items)]
    declared = [tuple(t.shape) for t in symbolic] if len(symbolic) == len(arrays) else [None] * len(arrays)
    return [a.reshape(-1, 1) if a.ndim == 1 and shape in (None, (None, 1)) else a
            for a, shape in zip(arrays, declared)]


def output_names(model: Any) -> list[str]:
    """The names of the model's outputs (its output layers' names), [] when it has no graph."""
    outputs = getattr(model, "outputs", None)
    if isinstance(outputs, list):
        return [t.name for t in outputs]
    single = getattr(model, "output", None)
    return [single.name] if hasattr(single, "layer") else []


def validation_arrays(model: Any, data: Any) -> tuple | None:
    """``validation_data`` as (inputs, targets, sample weights or None), checked as the training data is."""
    if data is None:
        return None
    if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
        raise ValueError("fit: validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight), "
                         f"got {type(data).__name__}" + (f" of length {len(data)}." if hasattr(data, '__len__')
                                                          else "."))
    xs = model_inputs(model, data[0], "fit", "validation_data[0]")
    dtype = model_dtype(model)
    y = model_targets(model, data[1], "fit", "validation_data[1]", dtype)
    n = common_length(xs, y, "fit (validation_data)")
    w = sample_weights(data[2] if len(data) == 3 else None, n, "fit (validation_data)", dtype)
    return xs, y, w
