"""Keras-style training on nn models: ``compile``, ``fit``, ``evaluate``, ``predict``.

The loop inside ``fit`` is the PyTorch one (zero_grad, forward, loss, backward, step) over shuffled
mini-batches — fit adds no maths, so ``fit(shuffle=False)`` gives the weights of that loop written
by hand. Around it sit Keras's semantics:

* ``validation_split`` takes the *last* fraction of the rows, before shuffling;
* the epoch loss is the per-sample average (a short last batch weighs by its size);
* sample and class weights multiply: loss = Σ wᵢ lᵢ / n (divided by the number of samples),
  metrics = Σ wᵢ mᵢ / Σ wᵢ (divided by the sum of the weights); class weights apply to training
  only, never to validation (as Keras);
* calling ``fit`` again continues from the current weights and optimizer state.

A multi-input model takes ``x`` as a list of arrays, one per input.
"""
from __future__ import annotations

import copy
import inspect
import math
import warnings
from typing import Any, Sequence

import numpy as np

import tensorgrad as tg

from . import callbacks as cbks
from . import losses as losses_module
from . import metrics as metrics_module
from .progress import ProgressBar


class TrainingMixin:
    """compile / fit / evaluate / predict for a Module whose ``forward`` takes the model inputs."""

    optimizer: Any = None
    stop_training: bool = False

    # ------------------------------------------------------------------ compile
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Sequence[Any] | None = None) -> None:
        """Choose the optimizer, the loss and the metrics (names as Keras spells them, or objects).

        A Keras-style optimizer made without parameters (``optim.SGD(lr=0.01)``) is bound to this
        model's parameters here; one made PyTorch-style with parameters is used as given.
        """
        import optim  # turns Keras names into optimizers

        if loss is None:
            raise ValueError("compile: give a loss, e.g. loss='mse' or loss='sparse_categorical_crossentropy' "
                             f"(valid names: {', '.join(sorted(losses_module._KERAS_NAMES))}).")
        if isinstance(metrics, str) or (metrics is not None and not isinstance(metrics, (list, tuple))):
            raise TypeError(f"compile: metrics must be a list such as ['accuracy'], got {metrics!r}.")
        try:
            optimizer_obj = optim.get(optimizer)
        except (ValueError, TypeError) as e:
            raise type(e)(f"compile(optimizer={optimizer!r}): {e}") from None
        try:
            loss_fn = losses_module.get(loss)
        except (ValueError, TypeError) as e:
            raise type(e)(f"compile(loss={loss!r}): {e}") from None
        loss_name = getattr(loss_fn, "keras_name", None)
        specs = list(metrics or [])
        for spec in specs:       # unknown names fail now, not after the first epoch
            try:
                metrics_module.get(spec, loss_name)
            except (ValueError, TypeError) as e:
                raise type(e)(f"compile(metrics={metrics!r}): {e}") from None
        self._compile_binds_parameters = not optimizer_obj.is_bound
        if self._compile_binds_parameters:
            optimizer_obj.bind(self.parameters())
        self.optimizer, self.loss = optimizer_obj, loss_fn
        self._loss_name, self._metric_specs = loss_name, specs
        self._per_sample_loss = _per_sample_loss(loss_fn)
        self._compiled = True

    def _bind_new_parameters(self) -> None:
        """Layers added after compile (``model.add``) train too, as in Keras: an optimizer that compile
        bound gets their parameters; one the user built with parameters is left as given."""
        if not getattr(self, "_compile_binds_parameters", False):
            return
        known = {id(p) for group in self.optimizer.param_groups for p in group["params"]}
        new = [p for p in self.parameters() if id(p) not in known]
        if new:
            self.optimizer.add_param_group({"params": new})

    def _require_compiled(self, who: str) -> None:
        if not getattr(self, "_compiled", False):
            raise RuntimeError(f"{who}: the model is not compiled; call model.compile(optimizer=..., loss=..., "
                               f"metrics=[...]) first.")

    # ------------------------------------------------------------------ fit
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1, verbose: int = 1,
            callbacks: Sequence[cbks.Callback] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0) -> cbks.History:
        """Train for ``epochs`` epochs (from ``initial_epoch``); returns a History of per-epoch metrics.

        Ctrl-C (KeyboardInterrupt) ends training cleanly: callbacks get ``on_train_end`` (files are
        closed, best weights restored), ``model.history`` keeps the complete epochs, and the
        exception propagates.
        """
        self._require_compiled("fit")
        self._bind_new_parameters()
        batch_size = _check_batch_size(batch_size, "fit")
        for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"fit: {name} must be a non-negative integer, got {value!r}.")
        verbose = _check_verbose(verbose, "fit")
        if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float)) \
                or not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be a number in [0, 1), got {validation_split!r}.")
        xs = self._inputs(x, "fit", "x")
        y_arr = _targets(y, "fit", "y")
        n = _check_lengths(xs, y_arr, "fit")
        dtype = xs[0].dtype
        sw = _sample_weight(sample_weight, n, "fit", dtype)

        if validation_data is None and validation_split:
            split = int(math.floor(n * (1.0 - validation_split)))
            if split == 0 or split == n:
                raise ValueError(f"fit: validation_split={validation_split} of {n} samples leaves "
                                 f"{split} for training and {n - split} for validation; both need at least one.")
            val = ([a[split:] for a in xs], y_arr[split:], None if sw is None else sw[split:])
            xs, y_arr, sw, n = [a[:split] for a in xs], y_arr[:split], None if sw is None else sw[:split], split
        else:
            val = self._validation(validation_data)
        cw = _class_weight(class_weight, y_arr, "fit", dtype)
        weights = cw if sw is None else (sw if cw is None else sw * cw)

        steps = math.ceil(n / batch_size)
        history = cbks.History()
        params = {"batch_size": batch_size, "epochs": epochs, "steps": steps, "samples": n, "verbose": verbose}
        callback_list = cbks.CallbackList([*(callbacks or []), history], self, params)
        metrics = _Metrics(self._metric_specs, self._loss_name)
        self.history = history
        self.stop_training = False
        rng = tg.random.default_rng()
        was_training = self.training
        progress = None
        callback_list.call("on_train_begin", None)
        try:
            for epoch in range(initial_epoch, epochs):
                if self.stop_training:
                    break
                if verbose and epochs > 1:
                    print(f"Epoch {epoch + 1}/{epochs}", flush=True)
                callback_list.call("on_epoch_begin", epoch, None)
                progress = ProgressBar(steps, verbose)
                order = rng.permutation(n) if shuffle else None
                logs = self._train_epoch(xs, y_arr, weights, order, batch_size, steps, metrics, callback_list,
                                         progress)
                if val is not None:
                    callback_list.call("on_test_begin", None)
                    val_logs = self._evaluate_arrays(*val, batch_size, metrics)
                    callback_list.call("on_test_end", val_logs)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.call("on_epoch_end", epoch, logs)
                progress.finish(logs)
        except KeyboardInterrupt:
            if progress is not None:
                progress.interrupt()
            callback_list.call("on_train_end", None)   # callbacks finish; History keeps whole epochs
            raise
        finally:
            self.train(was_training)
        callback_list.call("on_train_end", None)
        return history

    def _train_epoch(self, xs: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                     order: np.ndarray | None, batch_size: int, steps: int, metrics: "_Metrics",
                     callback_list: cbks.CallbackList, progress: ProgressBar) -> dict[str, float]:
        """One pass over the data; returns the epoch's loss and metrics (per-sample averages)."""
        self.train()
        optimizer = self.optimizer
        totals = _Totals(metrics)
        batch_begin = callback_list.uses("on_train_batch_begin")
        batch_end = callback_list.uses("on_train_batch_end")
        n = len(y)
        for step in range(steps):
            rows: Any = slice(step * batch_size, min(n, (step + 1) * batch_size))
            if order is not None:
                rows = order[rows]
            yb = y[rows]
            wb = None if weights is None else weights[rows]
            if batch_begin:
                callback_list.call("on_train_batch_begin", step, None)
            optimizer.zero_grad()
            pred = self(*[a[rows] for a in xs])
            loss = self._batch_loss(pred, yb, wb)
            loss.backward()
            optimizer.step()
            totals.add(loss.item(), pred.data, yb, wb)
            if batch_end:
                callback_list.call("on_train_batch_end", step, totals.logs())
            if progress.live:
                progress.update(step + 1, totals.logs())
            if self.stop_training:
                break
        return totals.logs()

    def _batch_loss(self, pred: tg.Tensor, y: np.ndarray, weights: np.ndarray | None) -> tg.Tensor:
        """The compiled loss of one batch; weighted: Σ wᵢ lᵢ / n (Keras divides by the batch size);
        plus ``model.losses`` (regularizers, add_loss), as Keras adds them."""
        if weights is None:
            loss = self.loss(pred, y)
        else:
            loss = (self._per_sample_loss(pred, y) * weights).sum() / len(y)
        added = self.losses
        return loss + sum(added) if added else loss

    # ------------------------------------------------------------------ evaluate / predict
    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: int = 1,
                 sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Loss (and metrics) over the data, in eval mode without a graph: the loss as a float when
        there are no metrics, else [loss, *metrics] (a dict with return_dict=True)."""
        self._require_compiled("evaluate")
        batch_size = _check_batch_size(batch_size, "evaluate")
        verbose = _check_verbose(verbose, "evaluate")
        xs = self._inputs(x, "evaluate", "x")
        y_arr = _targets(y, "evaluate", "y")
        n = _check_lengths(xs, y_arr, "evaluate")
        weights = _sample_weight(sample_weight, n, "evaluate", xs[0].dtype)
        progress = ProgressBar(math.ceil(n / batch_size), verbose)
        logs = self._evaluate_arrays(xs, y_arr, weights, batch_size, _Metrics(self._metric_specs, self._loss_name),
                                     progress)
        progress.finish(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_arrays(self, xs: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                         batch_size: int, metrics: "_Metrics", progress: ProgressBar | None = None) -> dict[str, float]:
        """Loss and metrics of the data in eval mode under no_grad (the model's mode is put back)."""
        was_training = self.training
        self.eval()
        totals = _Totals(metrics)
        try:
            with tg.no_grad():
                for step, start in enumerate(range(0, len(y), batch_size)):
                    rows = slice(start, start + batch_size)
                    wb = None if weights is None else weights[rows]
                    pred = self(*[a[rows] for a in xs])
                    totals.add(self._batch_loss(pred, y[rows], wb).item(), pred.data, y[rows], wb)
                    if progress is not None and progress.live:
                        progress.update(step + 1, totals.logs())
        finally:
            self.train(was_training)
        return totals.logs()

    def predict(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> Any:
        """The model's outputs as a numpy array (probabilities for a softmax output), computed in
        eval mode under no_grad; a list of arrays for a model with several outputs."""
        batch_size = _check_batch_size(batch_size, "predict")
        verbose = _check_verbose(verbose, "predict")
        xs = self._inputs(x, "predict", "x")
        n = _check_lengths(xs, None, "predict")
        progress = ProgressBar(math.ceil(n / batch_size), verbose)
        was_training = self.training
        self.eval()
        try:
            with tg.no_grad():
                batches = [self(*[a[start:start + batch_size] for a in xs]) for start in range(0, n, batch_size)]
        finally:
            self.train(was_training)
        progress.finish({})
        if isinstance(batches[0], (list, tuple)):
            return [np.concatenate([b[i].data for b in batches], axis=0) for i in range(len(batches[0]))]
        return np.concatenate([b.data for b in batches], axis=0)

    def predict_classes(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Deprecated (removed in Keras 2.6): argmax of predict(), or (p > 0.5) as int32 for one output."""
        warnings.warn("predict_classes() is deprecated (Keras removed it in 2.6); use "
                      "np.argmax(model.predict(x), axis=-1), or (model.predict(x) > 0.5).astype('int32') for "
                      "a single sigmoid output.", DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] == 1:
            return (proba > 0.5).astype(np.int32)
        return np.argmax(proba, axis=-1)

    # ------------------------------------------------------------------ data checks
    def _input_count(self) -> int | None:
        """How many arrays the model takes: its symbolic inputs, else forward's required positional
        arguments (None when forward takes ``*args`` and there is no graph to say)."""
        inputs = getattr(self, "inputs", None)
        if isinstance(inputs, list):
            return len(inputs)
        kinds = [p.kind for p in inspect.signature(self.forward).parameters.values()
                 if p.default is inspect.Parameter.empty]
        if inspect.Parameter.VAR_POSITIONAL in kinds:
            return None
        return sum(k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) for k in kinds)

    def _inputs(self, x: Any, who: str, arg: str) -> list[np.ndarray]:
        """The inputs as a list of float arrays in the model's dtype (one per model input), checked."""
        if x is None:
            raise ValueError(f"{who}: {arg} is required.")
        count = self._input_count()
        is_list = isinstance(x, (list, tuple)) and len(x) > 0
        of_arrays = is_list and all(isinstance(i, (np.ndarray, tg.Tensor)) for i in x)
        several = is_list and ((count or 0) > 1 or (of_arrays and (count is None or len(x) == 1)))
        items = list(x) if several else [x]
        if count is not None and len(items) != count:
            raise ValueError(f"{who}: the model takes {count} inputs; give {arg} as a list of {count} arrays, "
                             f"got {len(items) if several else 'one array of shape ' + str(np.shape(x))}.")
        dtype = self._model_dtype()
        return [_as_float_array(item, who, arg if len(items) == 1 else f"{arg}[{i}]", dtype)
                for i, item in enumerate(items)]

    def _model_dtype(self) -> np.dtype:
        first = next(iter(self.parameters()), None)
        return np.dtype(np.float32) if first is None else first.dtype

    def _validation(self, data: Any) -> tuple | None:
        if data is None:
            return None
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise ValueError("fit: validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight), "
                             f"got {type(data).__name__}" + (f" of length {len(data)}." if hasattr(data, '__len__')
                                                              else "."))
        xs = self._inputs(data[0], "fit", "validation_data[0]")
        y = _targets(data[1], "fit", "validation_data[1]")
        n = _check_lengths(xs, y, "fit (validation_data)")
        w = _sample_weight(data[2] if len(data) == 3 else None, n, "fit (validation_data)", xs[0].dtype)
        return xs, y, w


class _Metrics:
    """The compiled metrics of one fit/evaluate, resolved once from the first batch ('accuracy'
    depends on the shapes), then reused for every batch."""

    def __init__(self, specs: list[Any], loss_name: str | None) -> None:
        self.specs, self.loss_name = specs, loss_name
        self.resolved: list[tuple[str, Any]] | None = None

    def resolve(self, y_true: np.ndarray, y_pred: np.ndarray) -> list[tuple[str, Any]]:
        if self.resolved is None:
            self.resolved = [metrics_module.get(s, self.loss_name, y_true, y_pred) for s in self.specs]
        return self.resolved


class _Totals:
    """Running sums over an epoch: the loss per sample, and each metric weighted (Σ wᵢ mᵢ, Σ wᵢ)."""

    def __init__(self, metrics: _Metrics) -> None:
        self.metrics = metrics
        self.samples = 0
        self.loss_sum = 0.0
        self.weight_sum = 0.0
        self.metric_sums: dict[str, float] = {}

    def add(self, batch_loss: float, y_pred: np.ndarray, y_true: np.ndarray, weights: np.ndarray | None) -> None:
        size = len(y_true)
        self.samples += size
        self.loss_sum += batch_loss * size
        batch_weight = size if weights is None else float(weights.sum(dtype=np.float64))
        self.weight_sum += batch_weight
        for name, fn in self.metrics.resolve(y_true, y_pred):
            values = np.asarray(fn(y_true, y_pred), dtype=np.float64)
            if values.ndim == 0:       # a metric that returns the batch mean
                total = float(values) * batch_weight
            else:
                total = float(values.sum() if weights is None else np.dot(values, weights))
            self.metric_sums[name] = self.metric_sums.get(name, 0.0) + total

    def logs(self) -> dict[str, float]:
        out = {"loss": self.loss_sum / max(self.samples, 1)}
        for name, total in self.metric_sums.items():
            out[name] = total / self.weight_sum if self.weight_sum else 0.0
        return out


def _per_sample_loss(loss_fn: Any) -> Any:
    """``f(pred, y)`` -> one loss per sample: the loss with reduction 'none', averaged per row."""
    if hasattr(loss_fn, "reduction"):
        unreduced = copy.copy(loss_fn)
        unreduced.reduction = "none"
    else:
        def unreduced(pred: Any, y: Any) -> Any:
            try:
                return loss_fn(pred, y, reduction="none")
            except TypeError:
                raise TypeError("fit/evaluate: sample_weight/class_weight need a loss that accepts "
                                "reduction='none' (the nn losses do); this loss function does not.") from None

    def per_sample(pred: Any, y: Any) -> tg.Tensor:
        values = unreduced(pred, y)
        return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values
    return per_sample


def _check_batch_size(batch_size: Any, who: str) -> int:
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"{who}: batch_size must be a positive integer, got {batch_size!r}.")
    return int(batch_size)


def _check_verbose(verbose: Any, who: str) -> int:
    """0, 1 or 2; Keras's 'auto' means 1."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, (bool, float)) or verbose not in (0, 1, 2):
        raise ValueError(f"{who}: verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or "
                         f"'auto', got {verbose!r}.")
    return int(verbose)


def _numeric(value: Any, who: str, arg: str) -> np.ndarray:
    """``value`` as a numeric numpy array, or a TypeError naming the argument and its dtype."""
    if not isinstance(value, (np.ndarray, tg.Tensor, list, tuple)) and hasattr(value, "__iter__"):
        raise TypeError(f"{who}: {arg} is a {type(value).__name__}; {who} takes arrays (x, y) and makes its own "
                        f"batches (batch_size=, shuffle=). To train from a DataLoader, write the loop: "
                        f"for xb, yb in loader: opt.zero_grad(); loss_fn(model(xb), yb).backward(); opt.step().")
    a = np.asarray(value.data if isinstance(value, tg.Tensor) else value)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {arg} must be numeric, got an array of dtype {a.dtype} (shape {a.shape}); "
                        f"convert it, e.g. np.asarray({arg}, dtype=np.float32).")
    if a.ndim == 0 or len(a) == 0:
        raise ValueError(f"{who}: {arg} has no samples (shape {a.shape}); give an array with one row per sample.")
    return a


def _check_finite(a: np.ndarray, who: str, arg: str) -> None:
    """NaN/Inf in ``a`` is an error naming the first one. The sum is one pass with no temporary and is
    finite whenever every element is (short of overflow, which falls through to the exact check)."""
    if a.dtype.kind != "f":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(a, axis=None)):
            return
    if not np.isfinite(a).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{who}: {arg} contains NaN or Inf (first at index {bad}, value {a[bad]}); "
                         f"clean or impute the data first.")


def _as_float_array(value: Any, who: str, arg: str, dtype: np.dtype) -> np.ndarray:
    a = _numeric(value, who, arg)
    if a.dtype != dtype:
        a = a.astype(dtype)
    _check_finite(a, who, arg)
    return a


def _targets(y: Any, who: str, arg: str) -> np.ndarray:
    if y is None:
        raise ValueError(f"{who}: {arg} (the targets) is required.")
    a = _numeric(y, who, arg)
    _check_finite(a, who, arg)
    return a


def _check_lengths(xs: list[np.ndarray], y: np.ndarray | None, who: str) -> int:
    lengths = [len(a) for a in xs] + ([] if y is None else [len(y)])
    if len(set(lengths)) > 1:
        arrays = [*xs, *([] if y is None else [y])]
        names = [f"x[{i}]" if len(xs) > 1 else "x" for i in range(len(xs))] + ([] if y is None else ["y"])
        detail = ", ".join(f"{n} has {k} (shape {a.shape})" for n, k, a in zip(names, lengths, arrays))
        raise ValueError(f"{who}: the inputs and targets must have the same number of samples, but {detail}.")
    return lengths[0]


def _sample_weight(sample_weight: Any, n: int, who: str, dtype: np.dtype) -> np.ndarray | None:
    """One finite, non-negative weight per sample (shape (n,) or (n, 1)), or None."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight.data if isinstance(sample_weight, tg.Tensor) else sample_weight)
    if w.dtype.kind not in "biuf" or w.shape not in ((n,), (n, 1)):
        raise ValueError(f"{who}: sample_weight must be {n} numbers, one per sample (shape ({n},)), got shape "
                         f"{w.shape} of dtype {w.dtype}.")
    w = w.reshape(n).astype(dtype)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"{who}: sample_weight must be finite and >= 0; got min {w.min()}, max {w.max()}.")
    return w


def _class_weight(class_weight: Any, y: np.ndarray, who: str, dtype: np.dtype) -> np.ndarray | None:
    """Each training sample's class weight, ``class_weight[label]`` (label: the integer target, or the
    argmax of a one-hot target), or None."""
    if class_weight is None:
        return None
    if not isinstance(class_weight, dict):
        raise TypeError(f"{who}: class_weight must be a dict {{class index: weight}}, got "
                        f"{type(class_weight).__name__}.")
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
    return table[np.searchsorted(present, labels)]
