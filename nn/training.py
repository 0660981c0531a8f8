"""Keras-style training on nn models: ``compile``, ``fit``, ``evaluate``, ``predict``.

As in Keras, each batch goes through an overridable step: ``fit`` calls ``train_step(data)``,
``evaluate`` calls ``test_step(data)``, ``predict`` calls ``predict_step(data)``, where ``data`` is
``(x, y)`` or ``(x, y, sample_weight)``. A subclass that overrides a step keeps fit's progress bar,
metrics, History and callbacks. The default ``train_step`` is the PyTorch loop (zero_grad, forward,
loss, backward, step) — fit adds no maths, so ``fit(shuffle=False)`` gives the weights of that loop
written by hand. Around it sit Keras's semantics:

* losses and metrics are called ``fn(y_true, y_pred)``; 1-D targets of a model with 2-D outputs
  reach them as (n, 1) (Keras's rank matching), so a hand-written MSE never broadcasts to (n, n);
* ``validation_split`` takes the *last* fraction of the rows, before shuffling;
* the epoch loss is the per-sample average (a short last batch weighs by its size);
* sample and class weights multiply; the loss is Σ wᵢ lᵢ / n (divided by the number of samples);
  ``metrics=[...]`` ignore the weights, ``weighted_metrics=[...]`` are Σ wᵢ mᵢ / Σ wᵢ; class weights
  apply to training only, never to validation;
* training runs in training mode and evaluate/predict in inference mode, for that call and thread
  only (``nn.mode.training_mode``), whatever ``model.train()``/``eval()`` say;
* calling ``fit`` again continues from the current weights and optimizer state.

A multi-input model takes ``x`` as a list of arrays, one per input.
"""
from __future__ import annotations

import contextlib
import copy
import math
import threading
import warnings
from typing import Any, Iterator, Sequence

import numpy as np

import tensorgrad as tg

from . import callbacks as cbks
from . import losses as losses_module
from . import metrics as metrics_module
from . import training_checks as checks
from .masking import mask_of, masked_loss
from .mode import training_mode
from .progress import ProgressBar


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from a step's ``data``: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``
    (a list counts as a tuple; missing parts are None; anything else is x alone), as Keras's utility."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if not 1 <= len(data) <= 3:
        raise ValueError(f"unpack_x_y_sample_weight: data must be (x,), (x, y) or (x, y, sample_weight), got "
                         f"{len(data)} items.")
    return (*data, *(None,) * (3 - len(data)))


def keras_target(y_true: Any, y_pred: Any) -> Any:
    """Keras's rank matching: 1-D targets beside 2-D predictions become (n, 1), so that losses and
    metrics compare each sample with its own outputs instead of broadcasting to (n, n)."""
    pred_ndim = y_pred.ndim if hasattr(y_pred, "ndim") else None
    if isinstance(y_true, np.ndarray) and y_true.ndim == 1 and pred_ndim == 2:
        return y_true.reshape(-1, 1)
    return y_true


class _LogsInProgress(threading.local):
    """Per thread, the RunningLogs of the epochs and evaluations under way, innermost last: an evaluate
    in another thread, or one a callback runs in the middle of an epoch, never mixes into fit's logs."""

    def __init__(self) -> None:
        self.stack: list[RunningLogs] = []


_in_progress = _LogsInProgress()


def _running_logs(who: str) -> RunningLogs:
    """The running logs of the innermost fit epoch or evaluation in this thread."""
    if not _in_progress.stack:
        raise RuntimeError(f"{who}: there are no logs to add to outside fit and evaluate; call it from "
                           f"train_step or test_step.")
    return _in_progress.stack[-1]


class CompiledLoss:
    """The loss given to ``compile`` (Keras 2's ``model.compiled_loss``), called the way its spelling says:
    nn's loss modules (``nn.MSELoss()``, the Keras-named classes and strings) as ``loss(y_pred, y_true)``;
    any other callable, as Keras calls a custom loss, ``fn(y_true, y_pred)``, with ``y_true`` a Tensor of
    the targets (float ones in the predictions' dtype) shaped by :func:`keras_target`."""

    def __init__(self, loss: Any) -> None:
        self.fn = loss
        self.is_module = isinstance(loss, losses_module._Loss)
        self._unreduced = None
        if self.is_module:
            self._unreduced = copy.copy(loss)
            self._unreduced.reduction = "none"

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None,
                 regularization_losses: Sequence[Any] | None = None) -> tg.Tensor:
        """The batch loss, Σ wᵢ lᵢ / n with sample weights (Keras divides by the batch size), plus the
        regularization losses; added to the running 'loss' of the epoch, as Keras's compiled loss does."""
        mask = mask_of(y_pred)          # Embedding(mask_zero=True) upstream: padded steps carry no loss
        if mask is not None and self.is_module and mask.shape == y_pred.shape[:2]:
            loss = masked_loss(self._unreduced(y_pred, y_true), mask, sample_weight)
        elif sample_weight is None:
            loss = self.value(y_true, y_pred)
        else:
            loss = (self.per_sample(y_true, y_pred) * sample_weight).sum() / len(sample_weight)
        if regularization_losses:
            loss = loss + sum(regularization_losses)
        if _in_progress.stack:
            _in_progress.stack[-1].add_loss(loss.item(), len(y_pred))
        return loss

    def _custom(self, y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """A custom loss's values, given the targets as Keras gives them (see :func:`keras_target`)."""
        y_true = keras_target(y_true, y_pred)
        target = tg.as_tensor(y_true, y_pred.dtype if y_true.dtype.kind == "f" else None)
        values = self.fn(target, y_pred)
        return values if isinstance(values, tg.Tensor) else tg.as_tensor(values, y_pred.dtype)

    def value(self, y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """The batch loss: the loss module's reduction, or the mean of what a custom function returns."""
        if self.is_module:
            return self.fn(y_pred, y_true)
        values = self._custom(y_true, y_pred)
        return values.mean() if values.ndim else values

    def per_sample(self, y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """One loss per sample (for sample/class weights): the unreduced loss averaged over each row."""
        values = self._unreduced(y_pred, y_true) if self.is_module else self._custom(y_true, y_pred)
        if values.ndim == 0 or len(values) != len(y_pred):
            raise ValueError(f"compile: with sample_weight or class_weight the loss must give one value per "
                             f"sample ({len(y_pred)} here), got shape {values.shape}; return the per-sample losses "
                             f"(e.g. the mean over the last axis), not their mean.")
        return values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values


class CompiledMetrics:
    """``metrics=[...]`` (unweighted, as Keras) and ``weighted_metrics=[...]`` (weighted by the sample
    and class weights), resolved once, from the first batch after compile ('accuracy' depends on the
    shapes), with
    Keras's names: a weighted metric whose name is taken gets the prefix ``weighted_``."""

    def __init__(self, metrics: list[Any], weighted_metrics: list[Any]) -> None:
        self.specs = [(m, False) for m in metrics] + [(m, True) for m in weighted_metrics]
        self.resolved: list[tuple[str, Any, bool]] | None = None

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add a batch to the running metrics of the epoch (Keras 2's ``compiled_metrics.update_state``)."""
        if not self.specs:
            return
        y_pred = y_pred.data if isinstance(y_pred, tg.Tensor) else np.asarray(y_pred)
        y_true = y_true.data if isinstance(y_true, tg.Tensor) else np.asarray(y_true)
        weights = sample_weight.data if isinstance(sample_weight, tg.Tensor) else sample_weight
        _running_logs("compiled_metrics.update_state").add_metrics(y_true, y_pred, weights)

    def resolve(self, y_true: np.ndarray, y_pred: np.ndarray) -> list[tuple[str, Any, bool]]:
        if self.resolved is None:
            resolved, names = [], set()
            for spec, weighted in self.specs:
                name, fn = metrics_module.get(spec, y_true, y_pred)
                if weighted and name in names:
                    name = f"weighted_{name}"
                names.add(name)
                resolved.append((name, fn, weighted))
            self.resolved = resolved
        return self.resolved


class RunningLogs:
    """The logs of one epoch (or evaluation) so far: the loss per sample, and each metric's sum and weight."""

    def __init__(self, metrics: CompiledMetrics) -> None:
        self.metrics = metrics
        self.samples = 0
        self.loss_sum = 0.0
        self.sums: dict[str, float] = {}
        self.weights: dict[str, float] = {}

    def add_loss(self, value: float, samples: int) -> None:
        self.samples += samples
        self.loss_sum += value * samples

    def add_metrics(self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None) -> None:
        resolved = self.metrics.resolve(y_true, y_pred)
        if not resolved:
            return
        target = keras_target(y_true, y_pred)
        n = len(y_pred)
        for name, fn, weighted in resolved:
            values = np.asarray(fn(target, y_pred), dtype=np.float64)
            w = sample_weight if weighted else None
            if values.ndim == 0:       # a metric that returns the batch mean
                weight = n if w is None else float(w.sum(dtype=np.float64))
                total = float(values) * weight
            else:
                if len(values) != n:
                    raise ValueError(f"metric {name!r}: returned shape {values.shape} for a batch of {n}; a metric "
                                     f"returns one value per sample or their mean.")
                values = values.reshape(n, -1).mean(axis=1)
                weight = n if w is None else float(w.sum(dtype=np.float64))
                total = float(values.sum() if w is None else np.dot(values, w))
            self.sums[name] = self.sums.get(name, 0.0) + total
            self.weights[name] = self.weights.get(name, 0.0) + weight

    def result(self) -> dict[str, float]:
        out = {"loss": self.loss_sum / self.samples} if self.samples else {}
        for name, total in self.sums.items():
            out[name] = total / self.weights[name] if self.weights[name] else 0.0
        return out


def _floats(logs: Any) -> dict[str, float]:
    """A step's logs as plain floats (a custom step may return Tensors or numpy scalars)."""
    if not isinstance(logs, dict):
        raise TypeError(f"train_step/test_step must return a dict of logs (e.g. self.compute_metrics(...)), "
                        f"got {type(logs).__name__}.")
    return {k: v if type(v) is float else float(v.item() if isinstance(v, tg.Tensor) else v)
            for k, v in logs.items()}


class LoggedValue:
    """One entry of ``model.metrics`` during fit/evaluate ('loss' or a compiled metric): Keras's
    ``{m.name: m.result() for m in self.metrics}`` at the end of a custom train_step works."""

    def __init__(self, name: str) -> None:
        self.name = name

    def result(self) -> float:
        return _running_logs(f"metric {self.name!r}").result()[self.name]

    def __repr__(self) -> str:
        return f"<LoggedValue {self.name!r}>"


def _call_model(model: Any, x: Any) -> Any:
    """The model on a batch: one array, or a list of arrays for a multi-input model."""
    return model(*x) if isinstance(x, list) else model(x)


class TrainingMixin:
    """compile / fit / evaluate / predict for a Module whose ``forward`` takes the model inputs."""

    optimizer: Any = None
    stop_training: bool = False

    # ------------------------------------------------------------------ compile
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Sequence[Any] | None = None,
                weighted_metrics: Sequence[Any] | None = None) -> None:
        """Choose the optimizer, the loss and the metrics (names as Keras spells them, or objects).

        ``metrics`` ignore sample and class weights; ``weighted_metrics`` use them (Keras's split). A
        custom loss or metric function is called ``fn(y_true, y_pred)``, as in Keras. A Keras-style
        optimizer made without parameters (``optim.SGD(lr=0.01)``) is bound to this model's parameters
        here; one made PyTorch-style with parameters is used as given.
        """
        import optim  # turns Keras names into optimizers

        if loss is None:
            raise ValueError("compile: give a loss, e.g. loss='mse' or loss='sparse_categorical_crossentropy' "
                             f"(valid names: {', '.join(sorted(losses_module._KERAS_NAMES))}).")
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if isinstance(value, str) or (value is not None and not isinstance(value, (list, tuple))):
                raise TypeError(f"compile: {arg} must be a list such as ['accuracy'], got {value!r}.")
        try:
            optimizer_obj = optim.get(optimizer)
        except (ValueError, TypeError) as e:
            raise type(e)(f"compile(optimizer={optimizer!r}): {e}") from None
        try:
            loss_fn = losses_module.get(loss)
        except (ValueError, TypeError) as e:
            raise type(e)(f"compile(loss={loss!r}): {e}") from None
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            for spec in value or []:       # unknown names fail now, not after the first epoch
                try:
                    metrics_module.get(spec)
                except (ValueError, TypeError) as e:
                    raise type(e)(f"compile({arg}={value!r}): {e}") from None
        self._compile_binds_parameters = not optimizer_obj.is_bound
        if self._compile_binds_parameters:
            optimizer_obj.bind(self.parameters())
        self.optimizer, self.loss = optimizer_obj, loss_fn
        self.compiled_loss = CompiledLoss(loss_fn)
        self.compiled_metrics = CompiledMetrics(list(metrics or []), list(weighted_metrics or []))
        self._loss_name = loss if isinstance(loss, str) else None            # for model.save's compile config
        self._metric_specs = list(metrics or [])
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

    @contextlib.contextmanager
    def _collecting_logs(self) -> Iterator[RunningLogs]:
        """Fresh running logs for an epoch or an evaluation (what compute_loss/compute_metrics add to),
        in this thread; the ones they interrupt (fit's, when a callback evaluates) come back after."""
        running = RunningLogs(self.compiled_metrics)
        _in_progress.stack.append(running)
        try:
            yield running
        finally:
            _in_progress.stack.pop()

    @property
    def metrics(self) -> list[LoggedValue]:
        """The values fit and evaluate log, 'loss' first (in Keras, the metric objects): each has ``name``
        and ``result()``, the running value of the current epoch or evaluation."""
        resolved = getattr(getattr(self, "compiled_metrics", None), "resolved", None) or []
        return [LoggedValue("loss"), *(LoggedValue(name) for name, _, _ in resolved)]

    # ------------------------------------------------------------------ the steps (override these)
    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None) -> tg.Tensor:
        """The compiled loss of one batch — Σ wᵢ lᵢ / n with sample weights (Keras divides by the batch
        size) — plus ``self.losses`` (regularizers, add_loss), also added to the running 'loss' of the
        epoch, as Keras's compute_loss does."""
        return self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, float]:
        """Add the batch to the compiled metrics and return every log so far (Keras's compute_metrics)."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return _running_logs("compute_metrics").result()

    def train_step(self, data: Any) -> dict[str, float]:
        """One optimisation step on ``data = (x, y[, sample_weight])``; returns the logs so far. Runs in
        training mode (fit sets it)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self.optimizer.zero_grad()
        y_pred = _call_model(self, x)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        loss.backward()
        self.optimizer.step()
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict[str, float]:
        """Loss and metrics of one batch, no update; returns the logs so far (in inference mode, no graph)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = _call_model(self, x)
        self.compute_loss(x, y, y_pred, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's output on one batch (in inference mode, no graph)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return _call_model(self, x)

    # ------------------------------------------------------------------ fit
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1, verbose: int = 1,
            callbacks: Sequence[cbks.Callback] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0) -> cbks.History:
        """Train for ``epochs`` epochs (from ``initial_epoch``); returns a History of per-epoch metrics.

        Every argument is checked before the first step, so a bad one changes no weight. Ctrl-C
        (KeyboardInterrupt) ends training cleanly: callbacks get ``on_train_end`` (files are closed,
        best weights restored), ``model.history`` keeps the complete epochs, and the exception propagates.
        """
        self._require_compiled("fit")
        self._bind_new_parameters()
        batch_size = checks.batch_size_or_default(batch_size, "fit")
        epochs = checks.epoch_count(epochs, "epochs")
        initial_epoch = checks.epoch_count(initial_epoch, "initial_epoch")
        verbose = checks.verbosity(verbose, "fit")
        validation_split = checks.validation_fraction(validation_split)
        dtype = checks.model_dtype(self)
        xs = checks.model_inputs(self, x, "fit", "x")
        y_arr = checks.targets(y, "fit", "y", dtype)
        n = checks.common_length(xs, y_arr, "fit")
        sw = checks.sample_weights(sample_weight, n, "fit", dtype)

        if validation_data is None and validation_split:
            split = int(math.floor(n * (1.0 - validation_split)))
            if split == 0 or split == n:
                raise ValueError(f"fit: validation_split={validation_split} of {n} samples leaves "
                                 f"{split} for training and {n - split} for validation; both need at least one.")
            val = ([a[split:] for a in xs], y_arr[split:], None if sw is None else sw[split:])
            xs, y_arr, sw, n = [a[:split] for a in xs], y_arr[:split], None if sw is None else sw[:split], split
        else:
            val = checks.validation_arrays(self, validation_data)
        cw = checks.class_weights_per_sample(class_weight, y_arr, "fit", dtype)
        weights = cw if sw is None else (sw if cw is None else sw * cw)

        steps = math.ceil(n / batch_size)
        history = cbks.History()
        params = {"batch_size": batch_size, "epochs": epochs, "steps": steps, "samples": n, "verbose": verbose}
        callback_list = cbks.CallbackList([*(callbacks or []), history], self, params)
        self.history = history
        self.stop_training = False
        rng = tg.random.default_rng()
        progress = None
        logs: dict[str, float] | None = None
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
                with training_mode(True), self._collecting_logs():
                    logs = self._train_epoch(xs, y_arr, weights, order, batch_size, steps, callback_list, progress)
                if val is not None:
                    callback_list.call("on_test_begin", None)
                    val_logs = self._evaluate_arrays(*val, batch_size, callback_list)
                    callback_list.call("on_test_end", val_logs)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.call("on_epoch_end", epoch, logs)
                progress.finish(logs)
        except KeyboardInterrupt:
            if progress is not None:
                progress.interrupt()
            callback_list.call("on_train_end", None)   # callbacks finish; History keeps whole epochs
            raise
        callback_list.call("on_train_end", logs)
        return history

    def _train_epoch(self, xs: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                     order: np.ndarray | None, batch_size: int, steps: int, callback_list: cbks.CallbackList,
                     progress: ProgressBar) -> dict[str, float]:
        """One pass of ``train_step`` over the batches; returns the epoch's logs (per-sample averages)."""
        batch_begin = callback_list.uses("on_train_batch_begin")
        batch_end = callback_list.uses("on_train_batch_end")
        single = len(xs) == 1
        n = len(y)
        logs: Any = {}
        for step in range(steps):
            rows: Any = slice(step * batch_size, min(n, (step + 1) * batch_size))
            if order is not None:
                rows = order[rows]
            x_batch = xs[0][rows] if single else [a[rows] for a in xs]
            data = (x_batch, y[rows]) if weights is None else (x_batch, y[rows], weights[rows])
            if batch_begin:
                callback_list.call("on_train_batch_begin", step, None)
            logs = self.train_step(data)
            if batch_end:
                callback_list.call("on_train_batch_end", step, _floats(logs))
            if progress.live:
                progress.update(step + 1, _floats(logs))
            if self.stop_training:
                break
        return _floats(logs)

    # ------------------------------------------------------------------ evaluate / predict
    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: int = 1,
                 sample_weight: Any = None, return_dict: bool = False,
                 callbacks: Sequence[cbks.Callback] | None = None) -> Any:
        """Loss (and metrics) over the data through ``test_step``, in inference mode without a graph:
        the loss as a float when there are no metrics, else [loss, *metrics] (a dict with return_dict=True)."""
        self._require_compiled("evaluate")
        batch_size = checks.batch_size_or_default(batch_size, "evaluate")
        verbose = checks.verbosity(verbose, "evaluate")
        dtype = checks.model_dtype(self)
        xs = checks.model_inputs(self, x, "evaluate", "x")
        y_arr = checks.targets(y, "evaluate", "y", dtype)
        n = checks.common_length(xs, y_arr, "evaluate")
        weights = checks.sample_weights(sample_weight, n, "evaluate", dtype)
        steps = math.ceil(n / batch_size)
        callback_list = cbks.CallbackList(list(callbacks or []), self,
                                          {"batch_size": batch_size, "steps": steps, "samples": n, "verbose": verbose})
        progress = ProgressBar(steps, verbose)
        callback_list.call("on_test_begin", None)
        logs = self._evaluate_arrays(xs, y_arr, weights, batch_size, callback_list, progress)
        callback_list.call("on_test_end", logs)
        progress.finish(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_arrays(self, xs: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None, batch_size: int,
                         callback_list: cbks.CallbackList, progress: ProgressBar | None = None) -> dict[str, float]:
        """``test_step`` over the batches in inference mode under no_grad; the logs of the whole data."""
        batch_begin = callback_list.uses("on_test_batch_begin")
        batch_end = callback_list.uses("on_test_batch_end")
        logs: Any = {}
        with training_mode(False), tg.no_grad(), self._collecting_logs():
            for step, start in enumerate(range(0, len(y), batch_size)):
                rows = slice(start, start + batch_size)
                x_batch = xs[0][rows] if len(xs) == 1 else [a[rows] for a in xs]
                data = (x_batch, y[rows]) if weights is None else (x_batch, y[rows], weights[rows])
                if batch_begin:
                    callback_list.call("on_test_batch_begin", step, None)
                logs = self.test_step(data)
                if batch_end:
                    callback_list.call("on_test_batch_end", step, _floats(logs))
                if progress is not None and progress.live:
                    progress.update(step + 1, _floats(logs))
        return _floats(logs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: int = 0,
                callbacks: Sequence[cbks.Callback] | None = None) -> Any:
        """The model's outputs through ``predict_step`` as a numpy array (probabilities for a softmax
        output), in inference mode under no_grad; a list of arrays for a model with several outputs."""
        batch_size = checks.batch_size_or_default(batch_size, "predict")
        verbose = checks.verbosity(verbose, "predict")
        xs = checks.model_inputs(self, x, "predict", "x")
        n = checks.common_length(xs, None, "predict")
        steps = math.ceil(n / batch_size)
        callback_list = cbks.CallbackList(list(callbacks or []), self,
                                          {"batch_size": batch_size, "steps": steps, "samples": n, "verbose": verbose})
        progress = ProgressBar(steps, verbose)
        batch_begin = callback_list.uses("on_predict_batch_begin")
        batch_end = callback_list.uses("on_predict_batch_end")
        callback_list.call("on_predict_begin", None)
        batches = []
        with training_mode(False), tg.no_grad():
            for step, start in enumerate(range(0, n, batch_size)):
                x_batch = [a[start:start + batch_size] for a in xs]
                if batch_begin:
                    callback_list.call("on_predict_batch_begin", step, None)
                out = self.predict_step((x_batch[0] if len(xs) == 1 else x_batch,))
                several = isinstance(out, (list, tuple))
                batches.append([np.asarray(o.data if isinstance(o, tg.Tensor) else o)
                                for o in (out if several else [out])])
                if batch_end:
                    callback_list.call("on_predict_batch_end", step, {"outputs": out})
        callback_list.call("on_predict_end", None)
        progress.finish({})
        outputs = [np.concatenate([b[i] for b in batches], axis=0) for i in range(len(batches[0]))]
        return outputs if several else outputs[0]

    def predict_classes(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Deprecated (removed in Keras 2.6): argmax of predict(), or (p > 0.5) as int32 for one output."""
        warnings.warn("predict_classes() is deprecated (Keras removed it in 2.6); use "
                      "np.argmax(model.predict(x), axis=-1), or (model.predict(x) > 0.5).astype('int32') for "
                      "a single sigmoid output.", DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] == 1:
            return (proba > 0.5).astype(np.int32)
        return np.argmax(proba, axis=-1)
