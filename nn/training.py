"""Keras-style training on nn models: ``compile``, ``fit``, ``evaluate``, ``predict``.

The loop inside ``fit`` is the PyTorch one (zero_grad, forward, loss, backward, step) over shuffled
mini-batches; around it sit Keras's semantics:

* ``validation_split`` takes the *last* fraction of the rows, before shuffling;
* the epoch loss is the per-sample average (a short last batch weighs by its size);
* sample and class weights multiply: loss = Σ wᵢ lᵢ / n (divided by the number of samples),
  metrics = Σ wᵢ mᵢ / Σ wᵢ (divided by the sum of the weights);
* calling ``fit`` again continues from the current weights and optimizer state.
"""
from __future__ import annotations

import copy
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
        import optim  # the one place nn needs optim: turning Keras names into optimizers

        if loss is None:
            raise ValueError("compile: give a loss, e.g. loss='mse' or loss='sparse_categorical_crossentropy' "
                             f"(valid names: {', '.join(sorted(losses_module._KERAS_NAMES))}).")
        self.optimizer = optim.get(optimizer)
        if not self.optimizer.is_bound:
            self.optimizer.bind(self.parameters())
        self.loss = losses_module.get(loss)
        self._loss_name = loss if isinstance(loss, str) else getattr(type(loss), "keras_name", None)
        self._metric_specs = list(metrics or [])
        for m in self._metric_specs:       # unknown names fail now, not after the first epoch
            metrics_module.get(m, self._loss_name)
        self._compiled = True

    def _require_compiled(self, who: str) -> None:
        if not getattr(self, "_compiled", False):
            raise RuntimeError(f"{who}: the model is not compiled; call model.compile(optimizer=..., loss=..., "
                               f"metrics=[...]) first.")

    def _resolved_metrics(self, y_pred: np.ndarray) -> list[tuple[str, Any]]:
        width = y_pred.shape[-1] if y_pred.ndim > 1 else 1
        return [metrics_module.get(m, self._loss_name, width) for m in self._metric_specs]

    # ------------------------------------------------------------------ fit
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1, verbose: int = 1,
            callbacks: Sequence[cbks.Callback] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0) -> cbks.History:
        """Train for ``epochs`` epochs (from ``initial_epoch``); returns a History of per-epoch metrics."""
        self._require_compiled("fit")
        batch_size = _check_batch_size(batch_size, "fit")
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}.")
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be in [0, 1), got {validation_split}.")
        xs = self._inputs(x, "fit", "x")
        y_arr = _targets(y, "fit")
        n = _check_lengths(xs, y_arr, "fit")
        weights = _sample_weights(sample_weight, class_weight, y_arr, n, "fit")

        if validation_data is None and validation_split:
            split = int(math.floor(n * (1.0 - validation_split)))
            if split == 0 or split == n:
                raise ValueError(f"fit: validation_split={validation_split} of {n} samples leaves "
                                 f"{split} for training and {n - split} for validation; both need at least one.")
            val = ([a[split:] for a in xs], y_arr[split:], None if weights is None else weights[split:])
            xs, y_arr = [a[:split] for a in xs], y_arr[:split]
            weights = None if weights is None else weights[:split]
            n = split
        else:
            val = self._validation(validation_data)

        steps = math.ceil(n / batch_size)
        history = cbks.History()
        params = {"batch_size": batch_size, "epochs": epochs, "steps": steps, "samples": n, "verbose": verbose}
        callback_list = cbks.CallbackList([*(callbacks or []), history], self, params)
        self.history = history
        self.stop_training = False
        rng = tg.random.default_rng()
        callback_list.on_train_begin()
        try:
            for epoch in range(initial_epoch, epochs):
                if self.stop_training:
                    break
                if verbose:
                    print(f"Epoch {epoch + 1}/{epochs}")
                callback_list.on_epoch_begin(epoch)
                order = rng.permutation(n) if shuffle else None
                logs = self._train_epoch(xs, y_arr, weights, order, batch_size, steps, verbose, callback_list)
                if val is not None:
                    val_logs = self._evaluate_arrays(*val, batch_size)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.on_epoch_end(epoch, logs)
                if verbose:
                    self._progress.finish(logs)
        except KeyboardInterrupt:
            callback_list.on_train_end()   # callbacks finish (EarlyStopping restores); History keeps whole epochs
            raise
        callback_list.on_train_end()
        return history

    def _train_epoch(self, xs: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                     order: np.ndarray | None, batch_size: int, steps: int, verbose: int,
                     callback_list: cbks.CallbackList) -> dict[str, float]:
        """One pass over the data; returns the epoch's loss and metrics (per-sample averages)."""
        self.train()
        self._progress = ProgressBar(steps, verbose)
        optimizer, loss_fn = self.optimizer, self.loss
        weighted_loss = _per_sample_loss(loss_fn) if weights is not None else None
        totals = _Totals()
        n = len(y)
        for step in range(steps):
            rows = slice(step * batch_size, min(n, (step + 1) * batch_size))
            if order is not None:
                rows = order[rows]
            xb = [a[rows] for a in xs]
            yb = y[rows]
            callback_list.on_train_batch_begin(step)
            optimizer.zero_grad()
            pred = self(*xb)
            if weights is None:
                loss = loss_fn(pred, yb)
                wb = None
            else:
                wb = weights[rows]
                loss = (weighted_loss(pred, yb) * wb.astype(pred.dtype)).sum() / len(yb)
            loss.backward()
            optimizer.step()
            totals.add(loss.item(), pred.data, yb, wb, self._resolved_metrics(pred.data))
            logs = totals.logs()
            callback_list.on_train_batch_end(step, logs)
            if verbose == 1:
                self._progress.update(step + 1, logs)
            if self.stop_training:
                break
        return totals.logs()

    # ------------------------------------------------------------------ evaluate / predict
    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: int = 1,
                 sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Loss (and metrics) over the data, in eval mode without a graph: a float, or [loss, *metrics]."""
        self._require_compiled("evaluate")
        batch_size = _check_batch_size(batch_size, "evaluate")
        xs = self._inputs(x, "evaluate", "x")
        y_arr = _targets(y, "evaluate")
        n = _check_lengths(xs, y_arr, "evaluate")
        weights = _sample_weights(sample_weight, None, y_arr, n, "evaluate")
        progress = ProgressBar(math.ceil(n / batch_size), verbose)
        logs = self._evaluate_arrays(xs, y_arr, weights, batch_size)
        progress.finish(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_arrays(self, xs: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                         batch_size: int) -> dict[str, float]:
        was_training = self.training
        self.eval()
        totals = _Totals()
        per_sample = _per_sample_loss(self.loss)
        try:
            with tg.no_grad():
                for start in range(0, len(y), batch_size):
                    rows = slice(start, start + batch_size)
                    pred = self(*[a[rows] for a in xs])
                    wb = None if weights is None else weights[rows]
                    losses = per_sample(pred, y[rows]).data
                    batch_loss = float(np.mean(losses if wb is None else losses * wb))
                    totals.add(batch_loss, pred.data, y[rows], wb, self._resolved_metrics(pred.data))
        finally:
            self.train(was_training)
        return totals.logs()

    def predict(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """The model's outputs as a numpy array (probabilities for a softmax output), in eval mode."""
        batch_size = _check_batch_size(batch_size, "predict")
        xs = self._inputs(x, "predict", "x")
        n = _check_lengths(xs, None, "predict")
        was_training = self.training
        self.eval()
        try:
            with tg.no_grad():
                outs = [self(*[a[start:start + batch_size] for a in xs]).data for start in range(0, n, batch_size)]
        finally:
            self.train(was_training)
        return np.concatenate(outs, axis=0)

    def predict_classes(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Class labels: argmax of predict(), or probability > 0.5 for a single output (removed in Keras 2.6)."""
        warnings.warn("predict_classes() was removed from Keras in 2.6; use np.argmax(model.predict(x), axis=-1) "
                      "(or (model.predict(x) > 0.5).astype('int32') for one sigmoid output).",
                      DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size)
        if proba.shape[-1] == 1:
            return (proba > 0.5).astype(np.int32)
        return np.argmax(proba, axis=-1)

    # ------------------------------------------------------------------ data checks
    def _model_dtype(self) -> np.dtype:
        for p in self.parameters():
            if getattr(p, "materialized", True):
                return p.dtype
        return np.dtype(np.float32)

    def _inputs(self, x: Any, who: str, arg: str) -> list[np.ndarray]:
        """The inputs as a list of arrays in the model's float dtype (one per model input)."""
        if x is None:
            raise ValueError(f"{who}: {arg} is required.")
        items = list(x) if isinstance(x, (list, tuple)) and len(x) and not np.isscalar(x[0]) \
            and np.ndim(x[0]) >= 1 and len(getattr(self, "inputs", [])) > 1 else [x]
        dtype = self._model_dtype()
        arrays = []
        for i, item in enumerate(items):
            a = np.asarray(item.data if isinstance(item, tg.Tensor) else item)
            name = arg if len(items) == 1 else f"{arg}[{i}]"
            if a.dtype == object or a.dtype.kind not in "biuf":
                raise TypeError(f"{who}: {name} must be numeric, got an array of dtype {a.dtype}.")
            if a.ndim == 0 or len(a) == 0:
                raise ValueError(f"{who}: {name} is empty (shape {a.shape}); give at least one sample.")
            if a.dtype != dtype:
                a = a.astype(dtype)
            if not np.isfinite(a).all():
                bad = np.argwhere(~np.isfinite(a))[0]
                raise ValueError(f"{who}: {name} contains NaN or Inf (first at index {tuple(int(i) for i in bad)}); "
                                 f"clean or impute the data first.")
            arrays.append(a)
        return arrays

    def _validation(self, data: Any) -> tuple | None:
        if data is None:
            return None
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise ValueError("fit: validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight).")
        xs = self._inputs(data[0], "fit", "validation_data x")
        y = _targets(data[1], "fit (validation_data)")
        n = _check_lengths(xs, y, "fit (validation_data)")
        w = _sample_weights(data[2] if len(data) == 3 else None, None, y, n, "fit (validation_data)")
        return xs, y, w


class _Totals:
    """Running per-sample sums of the loss and of (weighted) metrics over an epoch."""

    def __init__(self) -> None:
        self.samples = 0
        self.loss_sum = 0.0
        self.metric_sums: dict[str, float] = {}
        self.weight_sum = 0.0

    def add(self, batch_loss: float, y_pred: np.ndarray, y_true: np.ndarray, weights: np.ndarray | None,
            metrics: list[tuple[str, Any]]) -> None:
        size = len(y_true)
        self.samples += size
        self.loss_sum += batch_loss * size
        w = np.ones(size) if weights is None else weights
        self.weight_sum += float(w.sum())
        for name, fn in metrics:
            self.metric_sums[name] = self.metric_sums.get(name, 0.0) + float(np.dot(fn(y_true, y_pred), w))

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
                raise TypeError("sample_weight/class_weight need a loss that accepts reduction='none' (the nn losses "
                                "do); this loss function does not.") from None

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


def _targets(y: Any, who: str) -> np.ndarray:
    if y is None:
        raise ValueError(f"{who}: y (the targets) is required.")
    a = np.asarray(y.data if isinstance(y, tg.Tensor) else y)
    if a.dtype == object or a.dtype.kind not in "biuf":
        raise TypeError(f"{who}: y must be numeric, got an array of dtype {a.dtype}.")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{who}: y contains NaN or Inf; clean the targets first.")
    return a


def _check_lengths(xs: list[np.ndarray], y: np.ndarray | None, who: str) -> int:
    lengths = [len(a) for a in xs] + ([] if y is None else [len(y)])
    if len(set(lengths)) > 1:
        names = [f"x[{i}]" if len(xs) > 1 else "x" for i in range(len(xs))] + ([] if y is None else ["y"])
        detail = ", ".join(f"{n} has {k}" for n, k in zip(names, lengths))
        raise ValueError(f"{who}: the inputs and targets must have the same number of samples, but {detail}.")
    if lengths[0] == 0:
        raise ValueError(f"{who}: no samples to train or evaluate on.")
    return lengths[0]


def _sample_weights(sample_weight: Any, class_weight: dict | None, y: np.ndarray, n: int, who: str) -> np.ndarray | None:
    """Per-sample weights: sample_weight × class_weight[label of the sample] (None when neither is given)."""
    if sample_weight is None and not class_weight:
        return None
    w = np.ones(n)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if len(sw) != n:
            raise ValueError(f"{who}: sample_weight has {len(sw)} entries for {n} samples.")
        if (sw < 0).any() or not np.isfinite(sw).all():
            raise ValueError(f"{who}: sample_weight must be finite and >= 0.")
        w = w * sw
    if class_weight:
        labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(n, -1)[:, 0]
        labels = np.round(labels).astype(np.int64) if labels.dtype.kind == "f" else labels.astype(np.int64)
        missing = sorted(set(np.unique(labels).tolist()) - set(int(k) for k in class_weight))
        if missing:
            raise ValueError(f"{who}: class_weight has no weight for class(es) {missing}; give every class "
                             f"present in y a weight.")
        w = w * np.array([class_weight[int(c)] for c in labels], dtype=np.float64)
    return w
