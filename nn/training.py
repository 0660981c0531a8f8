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
* metrics are stateful objects (nn.metrics, see nn.compiled_metrics): reset at the start of each epoch
  and of evaluate, updated after each batch, logged as their running ``result()``;
* sample and class weights multiply; the loss is Σ wᵢ lᵢ / n (divided by the number of samples);
  ``metrics=[...]`` ignore the weights, ``weighted_metrics=[...]`` are Σ wᵢ mᵢ / Σ wᵢ; class weights
  apply to training only, never to validation;
* training runs in training mode and evaluate/predict in inference mode, for that call and thread
  only (``nn.mode.training_mode``), whatever ``model.train()``/``eval()`` say;
* calling ``fit`` again continues from the current weights and optimizer state.

A multi-input model takes ``x`` as a list of arrays, one per input (or a dict by Input name); a
model with several outputs takes ``y`` as a list (or a dict by output name), a loss per output
(nn.output_losses) and metrics per output (nn.compiled_metrics.by_output), logged as Keras 2.15 names them. ``x`` may also be a source of batches — a generator, a DataLoader, a
keras.utils.Sequence — drawn across epochs as Keras's data handler draws them (nn.fit_data).
"""
from __future__ import annotations

import contextlib
import copy
import itertools
import math
import threading
import warnings
from typing import Any, Iterator, Sequence

import numpy as np

import tensorgrad as tg

from . import callbacks as cbks
from . import fit_data
from . import keras_losses
from . import losses as losses_module
from . import output_losses
from . import metrics as metrics_module
from . import training_checks as checks
from .compiled_metrics import CompiledMetrics, by_output
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
    """Per thread, the RunningLogs of the epochs and evaluations under way, innermost last: the compiled
    loss adds to the innermost; an evaluate a callback runs in the middle of an epoch gives the epoch's
    metric states back when it ends. (The metric objects belong to the model, as in Keras: a model is
    trained or evaluated by one thread at a time.)"""

    def __init__(self) -> None:
        self.stack: list[RunningLogs] = []


_in_progress = _LogsInProgress()


class CompiledLoss:
    """The loss given to ``compile`` (Keras 2's ``model.compiled_loss``), called the way its spelling says:
    PyTorch's loss modules (``nn.MSELoss()``) as ``loss(y_pred, y_true)``; Keras's loss objects (strings,
    ``keras.losses.Loss`` classes and subclasses) as ``loss(y_true, y_pred, sample_weight)``; any other
    callable, as Keras calls a custom loss, ``fn(y_true, y_pred)``. Keras's objects and functions get
    ``y_true`` as a Tensor of the targets (float ones in the predictions' dtype) shaped by :func:`keras_target`."""

    def __init__(self, loss: Any, loss_weights: Any = None, output_names: Sequence[str] = ()) -> None:
        self.fn = loss
        self.is_module = isinstance(loss, losses_module._Loss)
        self.is_keras = isinstance(loss, keras_losses.Loss)
        # nn's own Keras classes take the numpy targets as they are (no Tensor to build for each batch)
        self._numpy_targets = type(loss) in keras_losses.LOSS_CLASSES.values()
        self._unreduced = None
        if self.is_module or self.is_keras:     # per-sample (per-step) values, for masked outputs
            self._unreduced = copy.copy(loss)
            self._unreduced.reduction = "none"
        # several outputs (a list or dict of losses, or a model with several outputs): one per output
        self.outputs = output_losses.per_output(loss, loss_weights, list(output_names), CompiledLoss)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None,
                 regularization_losses: Sequence[Any] | None = None) -> tg.Tensor:
        """The batch loss, Σ wᵢ lᵢ / n with sample weights (Keras divides by the batch size), plus the
        regularization losses; added to the running 'loss' of the epoch, as Keras's compiled loss does.
        With several outputs: Σ loss_weightₖ · lossₖ over the outputs, plus the regularization losses. An output
        that carries a mask (Embedding(mask_zero=True) upstream) averages the unmasked steps only, as Keras."""
        terms: list[Any] = []        # each output's unweighted loss, logged as <output>_loss
        if self.fn is None:        # compile(loss=None): the model's add_loss terms are the loss (Keras)
            if not regularization_losses:
                raise ValueError("No loss found: the model was compiled without a loss and adds none with "
                                 "add_loss; give compile a loss (e.g. loss='mse').")
            loss = sum(regularization_losses[1:], regularization_losses[0])
        elif self.outputs is not None:
            terms = self.outputs.terms(y_true, y_pred, sample_weight)
            loss = self.outputs.weighted_sum(terms)
        elif self._masks_steps(mask := mask_of(y_pred), y_pred):      # padded steps carry no loss
            loss = masked_loss(self._step_losses(y_true, y_pred), mask, sample_weight)
        else:
            loss = self.batch_value(y_true, y_pred, sample_weight)
        if self.fn is not None and regularization_losses:
            loss = loss + sum(regularization_losses)
        logged = loss
        if loss.ndim:     # a loss object with reduction='none': Keras's gradient is the sum's, its log the mean
            logged, loss = loss.mean(), loss.sum()
        if _in_progress.stack:
            several = isinstance(y_pred, (list, tuple))
            per_output = [None if t is None else (t.mean() if t.ndim else t).item() for t in terms]
            _in_progress.stack[-1].add_loss(logged.item(), len(y_pred[0] if several else y_pred), per_output)
        return loss

    def _masks_steps(self, mask: Any, y_pred: Any) -> bool:
        """Whether ``y_pred`` carries a (batch, steps) mask this loss can apply step by step."""
        return mask is not None and self._unreduced is not None and mask.shape == y_pred.shape[:2]

    def _step_losses(self, y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """The loss of each sample and step, (batch, steps), called as the loss's spelling says."""
        if self.is_module:
            return self._unreduced(y_pred, y_true)
        return self._unreduced(keras_target(y_true, y_pred) if self._numpy_targets else self._target(y_true, y_pred),
                               y_pred)

    def batch_value(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> tg.Tensor:
        """This loss on one output's batch (without the regularization losses)."""
        if self.is_keras:
            target = keras_target(y_true, y_pred) if self._numpy_targets else self._target(y_true, y_pred)
            return self.fn(target, y_pred, sample_weight=sample_weight)
        if sample_weight is None:
            return self.value(y_true, y_pred)
        return (self.per_sample(y_true, y_pred) * sample_weight).sum() / len(sample_weight)

    @staticmethod
    def _target(y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """The targets as Keras hands them to a loss: rank-matched, float ones in the predictions' dtype."""
        if isinstance(y_true, tg.Tensor):
            return y_true
        y_true = keras_target(np.asarray(y_true), y_pred)
        return tg.as_tensor(y_true, y_pred.dtype if y_true.dtype.kind == "f" else None)

    def _custom(self, y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """A custom loss's values, given the targets as Keras gives them (see :func:`keras_target`)."""
        values = self.fn(self._target(y_true, y_pred), y_pred)
        return values if isinstance(values, tg.Tensor) else tg.as_tensor(values, y_pred.dtype)

    def value(self, y_true: Any, y_pred: tg.Tensor) -> tg.Tensor:
        """The batch loss: the loss module's reduction, or the mean of what a custom function returns."""
        if self.is_module:
            return self.fn(y_pred, y_true)
        if self.is_keras:
            return self.fn(self._target(y_true, y_pred), y_pred)
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


class RunningLogs:
    """An epoch or an evaluation under way: the model's metrics start afresh (Keras resets them at the
    start of each epoch and of evaluate) and the compiled loss adds to the 'loss' Mean. One that
    interrupts another in this thread (an evaluate run by a callback mid-epoch) gives the interrupted
    one its metric states back when it ends, so fit's running logs never mix with it."""

    def __init__(self, model: Any) -> None:
        self.compiled = getattr(model, "compiled_metrics", None)
        tracked = [*model.metrics, *(self.compiled.all_metrics if self.compiled is not None else [])]
        self.tracked = list({id(m): m for m in tracked}.values())
        self.saved = ([[v.numpy(force=True).copy() for v in getattr(m, "variables", [])] for m in self.tracked]
                      if _in_progress.stack else None)
        for metric in self.tracked:
            metric.reset_state()

    def add_loss(self, value: float, samples: int, per_output: Sequence[float | None] = ()) -> None:
        if self.compiled is not None:
            self.compiled.update_loss(value, samples, per_output)

    def restore(self) -> None:
        """Put back the metric states this one interrupted (if any); a state variable made in between
        (a multi-label AUC's, built by its first batch) starts from zero."""
        for metric, state in zip(self.tracked, self.saved or []):
            variables = getattr(metric, "variables", [])
            for variable, value in zip(variables, [*state, *(np.zeros_like(v.numpy(force=True)) for v in variables[len(state):])]):
                variable.assign(value)


def _floats(logs: Any) -> dict[str, Any]:
    """A step's logs as plain floats (a custom step may return Tensors or numpy scalars); a metric with
    several values (Precision at several thresholds) stays a numpy array, as in Keras's History."""
    if not isinstance(logs, dict):
        raise TypeError(f"train_step/test_step must return a dict of logs (e.g. self.compute_metrics(...)), "
                        f"got {type(logs).__name__}.")
    return {k: v if type(v) is float else _float_or_array(v) for k, v in logs.items()}


def _float_or_array(value: Any) -> Any:
    array = np.asarray(value.numpy(force=True) if isinstance(value, tg.Tensor) else value)
    return float(array) if array.ndim == 0 else array.astype(np.float64)


class _CheckedBatch(tuple):
    """A batch already checked and in the model's dtype (fit's own, cut from checked arrays)."""


def _cut(arrays: tuple[Any, ...], rows: Any) -> _CheckedBatch:
    """The batch ``rows`` of fit's checked (inputs, targets, weights): ``(x, y)`` or ``(x, y, w)``."""
    xs, y, w = arrays
    x = xs[0][rows] if len(xs) == 1 else [a[rows] for a in xs]
    y = None if y is None else ([a[rows] for a in y] if isinstance(y, list) else y[rows])
    return _CheckedBatch((x, y) if w is None else (x, y, w[rows]))


def _call_model(model: Any, x: Any) -> Any:
    """The model on a batch: one array, or a list of arrays for a multi-input model."""
    return model(*x) if isinstance(x, list) else model(x)


class TrainingMixin:
    """compile / fit / evaluate / predict for a Module whose ``forward`` takes the model inputs."""

    optimizer: Any = None
    stop_training: bool = False

    # ------------------------------------------------------------------ compile
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Sequence[Any] | None = None,
                loss_weights: Any = None, weighted_metrics: Sequence[Any] | None = None) -> None:
        """Choose the optimizer, the loss and the metrics (names as Keras spells them, or objects).

        ``metrics`` ignore sample and class weights; ``weighted_metrics`` use them (Keras's split). A
        custom loss or metric function is called ``fn(y_true, y_pred)``, as in Keras. A model with several
        outputs takes a list of losses (or a dict by output name, or one loss for all) and
        ``loss_weights``: the loss is Σ weightₖ · lossₖ; its ``metrics`` are a list for every output, a dict
        by output name or a list per output, logged ``<output>_<metric>`` beside ``<output>_loss`` (Keras 2.15). ``loss=None`` trains on the model's add_loss terms. A Keras-style
        optimizer made without parameters (``optim.SGD(lr=0.01)``) is bound to this model's parameters
        here; one made PyTorch-style with parameters is used as given.
        """
        import optim  # turns Keras names into optimizers

        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if isinstance(value, str) or (value is not None and not isinstance(value, (list, tuple, dict))):
                raise TypeError(f"compile: {arg} must be a list such as ['accuracy'], got {value!r} (a model with "
                                f"several outputs also takes a dict by output name).")
        try:
            optimizer_obj = optim.get(optimizer)
        except (ValueError, TypeError) as e:
            raise type(e)(f"compile(optimizer={optimizer!r}): {e}") from None
        try:
            loss_fn = output_losses.resolve(loss, keras_losses.loss_object)
        except (ValueError, TypeError) as e:
            raise type(e)(f"compile(loss={loss!r}): {e}") from None
        dtype = checks.model_dtype(self)
        names = checks.output_names(self)
        objects: dict[str, list[Any]] = {}
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            try:       # unknown names fail now, not after the first epoch
                if names:
                    per_output = by_output(value, names, lambda spec: metrics_module.get_metric(spec, dtype), arg)
                    objects[arg] = per_output if len(names) > 1 else per_output[0]
                elif isinstance(value, dict):
                    raise ValueError("metrics by output name need a model with named outputs (a functional "
                                     "model); give a list.")
                else:
                    objects[arg] = [metrics_module.get_metric(spec, dtype) for spec in value or []]
            except (ValueError, TypeError) as e:
                raise type(e)(f"compile({arg}={value!r}): {e}") from None
        compiled_metrics = CompiledMetrics(objects["metrics"], objects["weighted_metrics"], dtype, names)
        self._compile_binds_parameters = not optimizer_obj.is_bound
        parameters = self._optimizable_parameters()
        if self._compile_binds_parameters and parameters:    # none yet: fit binds them (_bind_new_parameters)
            optimizer_obj.bind(parameters)
        compiled_loss = CompiledLoss(loss_fn, loss_weights, names)
        if compiled_loss.outputs is not None:
            compiled_metrics.track_output_losses([item is not None for item in compiled_loss.outputs.losses])
        self.optimizer, self.loss = optimizer_obj, loss_fn
        self.compiled_loss = compiled_loss
        self.compiled_metrics = compiled_metrics
        self._loss_name = loss if isinstance(loss, str) else None            # for model.save's compile config
        self._metric_specs = metrics if isinstance(metrics, dict) else list(metrics or [])
        self._compiled = True

    def _optimizable_parameters(self) -> list[Any]:
        """The parameters an optimizer compile binds may update: the floating-point ones (an integer
        add_weight, a counter, is state the model updates itself)."""
        return [p for p in self.parameters() if p.dtype.kind == "f"]

    def _bind_new_parameters(self) -> None:
        """Layers added after compile (``model.add``) train too, as in Keras: an optimizer that compile
        bound gets their parameters; one the user built with parameters is left as given."""
        if not getattr(self, "_compile_binds_parameters", False):
            return
        known = {id(p) for group in self.optimizer.param_groups for p in group["params"]}
        new = [p for p in self._optimizable_parameters() if id(p) not in known]
        if new:
            self.optimizer.add_param_group({"params": new})

    def _require_compiled(self, who: str) -> None:
        if not getattr(self, "_compiled", False):
            raise RuntimeError(f"{who}: the model is not compiled; call model.compile(optimizer=..., loss=..., "
                               f"metrics=[...]) first.")

    @contextlib.contextmanager
    def _collecting_logs(self) -> Iterator[RunningLogs]:
        """An epoch or an evaluation: the metrics reset, the compiled loss added to 'loss', in this thread;
        the metric states it interrupts (fit's, when a callback evaluates) come back after."""
        running = RunningLogs(self)
        _in_progress.stack.append(running)
        try:
            yield running
        finally:
            _in_progress.stack.pop()
            running.restore()

    @property
    def metrics(self) -> list[Any]:
        """The model's metric objects, as Keras 2.15: the 'loss' Mean (once a loss was computed) and the
        compiled metrics (once they saw a batch); ``result()`` of each is its running value."""
        compiled = getattr(self, "compiled_metrics", None)
        return compiled.metrics if compiled is not None else []

    @property
    def metrics_names(self) -> list[str]:
        """The names of ``model.metrics``, in the order ``evaluate`` returns their values."""
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Reset every metric in ``model.metrics`` (fit does it at each epoch, evaluate at its start)."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self) -> dict[str, Any]:
        """``{m.name: m.result()}`` over ``model.metrics`` (Keras 2's helper for a custom step); a metric
        whose result is a dict adds its entries."""
        logs: dict[str, Any] = {}
        for metric in self.metrics:
            result = metric.result()
            logs.update(result if isinstance(result, dict) else {metric.name: result})
        return logs

    # ------------------------------------------------------------------ the steps (override these)
    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None) -> tg.Tensor:
        """The compiled loss of one batch — Σ wᵢ lᵢ / n with sample weights (Keras divides by the batch
        size) — plus ``self.losses`` (regularizers, add_loss), also added to the running 'loss' of the
        epoch, as Keras's compute_loss does."""
        return self.compiled_loss(y, y_pred, sample_weight, regularization_losses=self.losses)

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, float]:
        """Add the batch to the compiled metrics and return every log so far (Keras's compute_metrics)."""
        self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data: Any) -> dict[str, float]:
        """One optimisation step on ``data = (x, y[, sample_weight])``; returns the logs so far. Runs in
        training mode (fit sets it)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self.optimizer.zero_grad()
        y_pred = _call_model(self, x)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        if loss.requires_grad:          # a model without weights has nothing to train (Keras runs it anyway)
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
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1, verbose: Any = 1,
            callbacks: Sequence[cbks.Callback] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: Any = 1, max_queue_size: int = 10, workers: int = 1,
            use_multiprocessing: bool = False) -> cbks.History:
        """Train for ``epochs`` epochs (numbered from ``initial_epoch``); returns a History of per-epoch metrics.

        ``x`` is arrays (with ``y``), or a generator / iterator / DataLoader / keras.utils.Sequence of
        ``(x, y[, sample_weight])`` batches (nn.fit_data says how batches are drawn across epochs);
        ``steps_per_epoch`` caps the batches of an epoch and ``validation_steps`` those of a validation;
        validation runs after the epochs ``validation_freq`` names (every n-th, or a list of epoch numbers
        counted from 1). Keras 2's ``max_queue_size``, ``workers`` and ``use_multiprocessing`` are accepted
        and change nothing: batches are drawn in this thread. Every argument is checked before the first
        step, so a bad one changes no weight. Ctrl-C (KeyboardInterrupt) ends training cleanly: callbacks get ``on_train_end`` (files are closed,
        best weights restored), ``model.history`` keeps the complete epochs, and the exception propagates.
        """
        self._require_compiled("fit")
        self._bind_new_parameters()
        batch_size = checks.batch_size_or_default(batch_size, "fit")
        epochs = checks.epoch_count(epochs, "epochs")
        initial_epoch = checks.epoch_count(initial_epoch, "initial_epoch")
        verbose = checks.verbosity(verbose, "fit")
        validation_split = checks.validation_fraction(validation_split)
        steps_per_epoch = checks.optional_steps(steps_per_epoch, "fit", "steps_per_epoch")
        validation_steps = checks.optional_steps(validation_steps, "fit", "validation_steps")
        validate_after = checks.validation_epochs(validation_freq)
        dtype = checks.model_dtype(self)
        if fit_data.is_batch_source(x):
            checks.no_arrays_beside_a_source(x, y, sample_weight, validation_split, "fit")
            stream, samples, val = fit_data.BatchStream(x, steps_per_epoch, shuffle), None, None
        else:
            stream, samples, val = self._array_stream(x, y, sample_weight, class_weight, validation_split,
                                                      validation_data, batch_size, shuffle, steps_per_epoch,
                                                      epochs - initial_epoch, dtype)
        if fit_data.is_batch_source(validation_data):
            val = fit_data.BatchStream(validation_data, validation_steps)
        elif val is None:
            val = checks.validation_arrays(self, validation_data)
        val_batch_size = checks.batch_size_or_default(validation_batch_size or batch_size, "fit")

        steps = stream.steps_per_epoch
        history = cbks.History()
        params = {"batch_size": batch_size, "epochs": epochs, "steps": steps, "samples": samples, "verbose": verbose}
        callback_list = cbks.CallbackList([*(callbacks or []), history], self, params)
        self.history = history
        self.stop_training = False
        progress = None
        logs: dict[str, float] | None = None
        callback_list.call("on_train_begin", None)
        initial_epoch = self.__dict__.pop("_resume_at_epoch", initial_epoch)   # set by BackupAndRestore
        try:
            for epoch in range(initial_epoch, epochs):
                if self.stop_training:
                    break
                if verbose and epochs > 1:
                    print(f"Epoch {epoch + 1}/{epochs}", flush=True)
                callback_list.call("on_epoch_begin", epoch, None)
                progress = ProgressBar(steps, verbose)
                with training_mode(True), self._collecting_logs():
                    epoch_logs, done = self._train_epoch(stream.epoch(), class_weight, dtype, callback_list,
                                                         progress)
                if stream.ran_out:
                    warnings.warn(fit_data.ran_out_warning(None if steps is None else steps * (epochs - initial_epoch)),
                                  UserWarning, stacklevel=2)
                    self.stop_training = True
                    if not done:
                        progress.interrupt()
                        break
                logs = epoch_logs
                if val is not None and validate_after(epoch + 1):
                    callback_list.call("on_test_begin", None)
                    val_logs = self._evaluate_batches(self._validation_batches(val, val_batch_size, validation_steps),
                                                      callback_list)
                    callback_list.call("on_test_end", val_logs)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.call("on_epoch_end", epoch, logs)
                progress.total = progress.total or done
                progress.finish(logs)
        except KeyboardInterrupt:
            if progress is not None:
                progress.interrupt()
            callback_list.call("on_train_end", None)   # callbacks finish; History keeps whole epochs
            raise
        callback_list.call("on_train_end", logs)
        return history

    def _array_stream(self, x: Any, y: Any, sample_weight: Any, class_weight: Any, validation_split: float,
                      validation_data: Any, batch_size: int, shuffle: bool, steps_per_epoch: int | None,
                      passes: int, dtype: np.dtype) -> tuple[fit_data.BatchStream, int, Any]:
        """fit's arrays, checked and split, as a stream of ``passes`` passes (one per epoch, as Keras's:
        with steps_per_epoch each epoch takes the next steps_per_epoch batches of that stream, and more
        than it holds runs out), the sample count and the validation arrays."""
        xs = checks.model_inputs(self, x, "fit", "x")
        y_arr = self._targets(y, "fit", "y", dtype)
        n = checks.common_length(xs, y_arr, "fit")
        sw = checks.sample_weights(sample_weight, n, "fit", dtype)
        val = None
        if validation_data is None and validation_split:
            split = int(math.floor(n * (1.0 - validation_split)))
            if split == 0 or split == n:
                raise ValueError(f"fit: validation_split={validation_split} of {n} samples leaves "
                                 f"{split} for training and {n - split} for validation; both need at least one.")
            val = _cut((xs, y_arr, sw), slice(split, None))
            val = ([val[0]] if len(xs) == 1 else val[0], val[1], None if sw is None else val[2])
            head = _cut((xs, y_arr, sw), slice(None, split))
            xs, y_arr, sw, n = [head[0]] if len(xs) == 1 else head[0], head[1], None if sw is None else head[2], split
        cw = checks.class_weights_per_sample(class_weight, y_arr, "fit", dtype)
        weights = cw if sw is None else (sw if cw is None else sw * cw)
        per_pass = fit_data.batches_per_pass(n, batch_size)
        batches = fit_data.array_passes((xs, y_arr, weights), batch_size, shuffle, passes, _cut)
        return fit_data.BatchStream(batches, steps_per_epoch or per_pass), n, val

    def _validation_batches(self, val: Any, batch_size: int, steps: int | None) -> Iterator[Any]:
        """One validation's batches: from a stream (validation_steps of them, or a whole pass), or cut from
        the arrays (at most validation_steps)."""
        if isinstance(val, fit_data.BatchStream):
            return val.epoch()
        return itertools.islice(fit_data.array_passes(val, batch_size, False, 1, _cut), steps)

    def _train_epoch(self, batches: Iterator[Any], class_weight: Any, dtype: np.dtype,
                     callback_list: cbks.CallbackList, progress: ProgressBar) -> tuple[dict[str, float], int]:
        """One pass of ``train_step`` over the epoch's batches; returns the epoch's logs (per-sample
        averages) and the number of steps run."""
        batch_begin = callback_list.uses("on_train_batch_begin")
        batch_end = callback_list.uses("on_train_batch_end")
        logs: Any = {}
        done = 0
        for step, data in enumerate(batches):
            if not isinstance(data, _CheckedBatch):       # a batch from the user's source
                data = self._checked_batch(data, class_weight, dtype, "fit")
            if batch_begin:
                callback_list.call("on_train_batch_begin", step, None)
            logs = self.train_step(data)
            done = step + 1
            if batch_end:
                callback_list.call("on_train_batch_end", step, _floats(logs))
            if progress.live:
                progress.update(step + 1, _floats(logs))
            if self.stop_training:
                break
        return _floats(logs), done

    def _targets(self, y: Any, who: str, arg: str, dtype: np.dtype) -> np.ndarray | None:
        """The checked targets; None allowed for a model compiled without a loss (its add_loss terms)."""
        if y is None and getattr(self, "loss", True) is None:
            return None
        return checks.model_targets(self, y, who, arg, dtype)

    def _checked_batch(self, data: Any, class_weight: Any, dtype: np.dtype, who: str) -> Any:
        """A batch a user's source yielded, checked as fit checks arrays, with its class weights applied."""
        x, y, w = unpack_x_y_sample_weight(data)
        xs = checks.model_inputs(self, x, who, "x (a batch)")
        y_arr = self._targets(y, who, "y (a batch)", dtype)
        n = checks.common_length(xs, y_arr, who)
        w = checks.sample_weights(w, n, who, dtype)
        cw = checks.class_weights_per_sample(class_weight, y_arr, who, dtype)
        w = cw if w is None else (w if cw is None else w * cw)
        return _CheckedBatch((xs[0] if len(xs) == 1 else xs, y_arr) + (() if w is None else (w,)))

    # ------------------------------------------------------------------ evaluate / predict
    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = 1,
                 sample_weight: Any = None, steps: int | None = None, callbacks: Sequence[cbks.Callback] | None = None,
                 max_queue_size: int = 10, workers: int = 1, use_multiprocessing: bool = False,
                 return_dict: bool = False) -> Any:
        """Loss (and metrics) over the data through ``test_step``, in inference mode without a graph:
        the loss as a float when there are no metrics, else [loss, *metrics] (a dict with return_dict=True).
        ``x`` may be arrays (with ``y``) or a source of batches; ``steps`` caps the batches."""
        self._require_compiled("evaluate")
        batch_size = checks.batch_size_or_default(batch_size, "evaluate")
        verbose = checks.verbosity(verbose, "evaluate")
        steps = checks.optional_steps(steps, "evaluate", "steps")
        dtype = checks.model_dtype(self)
        if fit_data.is_batch_source(x):
            checks.no_arrays_beside_a_source(x, y, sample_weight, 0.0, "evaluate")
            stream = fit_data.BatchStream(x, steps)
            batches, total, n = stream.epoch(), stream.steps_per_epoch, None
        else:
            xs = checks.model_inputs(self, x, "evaluate", "x")
            y_arr = self._targets(y, "evaluate", "y", dtype)
            n = checks.common_length(xs, y_arr, "evaluate")
            weights = checks.sample_weights(sample_weight, n, "evaluate", dtype)
            total = fit_data.batches_per_pass(n, batch_size) if steps is None else \
                min(steps, fit_data.batches_per_pass(n, batch_size))
            batches = itertools.islice(fit_data.array_passes((xs, y_arr, weights), batch_size, False, 1, _cut), steps)
        callback_list = cbks.CallbackList(list(callbacks or []), self,
                                          {"batch_size": batch_size, "steps": total, "samples": n, "verbose": verbose})
        progress = ProgressBar(total, verbose)
        callback_list.call("on_test_begin", None)
        logs = self._evaluate_batches(batches, callback_list, progress)
        callback_list.call("on_test_end", logs)
        progress.finish(logs)
        if return_dict:
            return logs
        names = self.metrics_names    # Keras's order: the metrics' names first, then other logs by name
        values = [logs[k] for k in names if k in logs] + [logs[k] for k in sorted(logs) if k not in names]
        return values[0] if len(values) == 1 else values

    def _evaluate_batches(self, batches: Iterator[Any], callback_list: cbks.CallbackList,
                          progress: ProgressBar | None = None) -> dict[str, float]:
        """``test_step`` over the batches in inference mode under no_grad; the logs of the whole data."""
        batch_begin = callback_list.uses("on_test_batch_begin")
        batch_end = callback_list.uses("on_test_batch_end")
        dtype = checks.model_dtype(self)
        logs: Any = {}
        done = 0
        with training_mode(False), tg.no_grad(), self._collecting_logs():
            for step, data in enumerate(batches):
                if not isinstance(data, _CheckedBatch):       # a batch from the user's source
                    data = self._checked_batch(data, None, dtype, "evaluate")
                if batch_begin:
                    callback_list.call("on_test_batch_begin", step, None)
                logs = self.test_step(data)
                done = step + 1
                if batch_end:
                    callback_list.call("on_test_batch_end", step, _floats(logs))
                if progress is not None and progress.live:
                    progress.update(step + 1, _floats(logs))
        if progress is not None:
            progress.total = progress.total or done
        return _floats(logs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = 0, steps: int | None = None,
                callbacks: Sequence[cbks.Callback] | None = None, max_queue_size: int = 10, workers: int = 1,
                use_multiprocessing: bool = False) -> Any:
        """The model's outputs through ``predict_step`` as a numpy array (probabilities for a softmax
        output), in inference mode under no_grad; a list of arrays for a model with several outputs.
        ``x`` may be arrays or a source of batches (``x`` or ``(x, ...)``); ``steps`` caps the batches."""
        batch_size = checks.batch_size_or_default(batch_size, "predict")
        verbose = checks.verbosity(verbose, "predict")
        steps = checks.optional_steps(steps, "predict", "steps")
        if fit_data.is_batch_source(x):
            stream = fit_data.BatchStream(x, steps)
            inputs = (self._predict_inputs(b) for b in stream.epoch())
            total, n = stream.steps_per_epoch, None
        else:
            xs = checks.model_inputs(self, x, "predict", "x")
            n = checks.common_length(xs, None, "predict")
            total = fit_data.batches_per_pass(n, batch_size) if steps is None else \
                min(steps, fit_data.batches_per_pass(n, batch_size))
            inputs = itertools.islice((xs[0][start:start + batch_size] if len(xs) == 1 else
                                       [a[start:start + batch_size] for a in xs] for start in range(0, n, batch_size)),
                                      steps)
        callback_list = cbks.CallbackList(list(callbacks or []), self,
                                          {"batch_size": batch_size, "steps": total, "samples": n, "verbose": verbose})
        progress = ProgressBar(total, verbose)
        batch_begin = callback_list.uses("on_predict_batch_begin")
        batch_end = callback_list.uses("on_predict_batch_end")
        callback_list.call("on_predict_begin", None)
        batches = []
        several = False
        with training_mode(False), tg.no_grad():
            for step, x_batch in enumerate(inputs):
                if batch_begin:
                    callback_list.call("on_predict_batch_begin", step, None)
                out = self.predict_step((x_batch,))
                several = isinstance(out, (list, tuple))
                batches.append([np.asarray(o)
                                for o in (out if several else [out])])
                if batch_end:
                    callback_list.call("on_predict_batch_end", step, {"outputs": out})
        callback_list.call("on_predict_end", None)
        progress.total = progress.total or len(batches)
        progress.finish({})
        if not batches:
            raise ValueError("predict: the input gave no batches (an empty or exhausted generator?).")
        outputs = [np.concatenate([b[i] for b in batches], axis=0) for i in range(len(batches[0]))]
        return outputs if several else outputs[0]

    def _predict_inputs(self, batch: Any) -> Any:
        """The model inputs of a batch a source yielded: ``x``, or the x of ``(x, ...)``, checked."""
        x = batch[0] if isinstance(batch, tuple) else batch
        xs = checks.model_inputs(self, x, "predict", "x (a batch)")
        return xs[0] if len(xs) == 1 else xs

    def fit_generator(self, generator: Any, steps_per_epoch: int | None = None, epochs: int = 1, verbose: Any = 1,
                      callbacks: Sequence[cbks.Callback] | None = None, validation_data: Any = None,
                      validation_steps: int | None = None, validation_freq: Any = 1, class_weight: dict | None = None,
                      max_queue_size: int = 10, workers: int = 1, use_multiprocessing: bool = False,
                      shuffle: bool = True, initial_epoch: int = 0) -> cbks.History:
        """Deprecated (Keras 2 kept it as an alias, with these positions): ``fit(generator, ...)``."""
        warnings.warn("Model.fit_generator is deprecated; Model.fit takes generators (fit(generator, "
                      "steps_per_epoch=...)).", DeprecationWarning, stacklevel=2)
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                        validation_freq=validation_freq, class_weight=class_weight, shuffle=shuffle,
                        initial_epoch=initial_epoch)

    def evaluate_generator(self, generator: Any, steps: int | None = None, **kwargs: Any) -> Any:
        """Deprecated alias of ``evaluate(generator, steps=...)``."""
        warnings.warn("Model.evaluate_generator is deprecated; Model.evaluate takes generators.",
                      DeprecationWarning, stacklevel=2)
        return self.evaluate(generator, steps=steps, **kwargs)

    def predict_generator(self, generator: Any, steps: int | None = None, **kwargs: Any) -> Any:
        """Deprecated alias of ``predict(generator, steps=...)``."""
        warnings.warn("Model.predict_generator is deprecated; Model.predict takes generators.",
                      DeprecationWarning, stacklevel=2)
        return self.predict(generator, steps=steps, **kwargs)

    def predict_classes(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Deprecated (removed in Keras 2.6): argmax of predict(), or (p > 0.5) as int32 for one output."""
        warnings.warn("predict_classes() is deprecated (Keras removed it in 2.6); use "
                      "np.argmax(model.predict(x), axis=-1), or (model.predict(x) > 0.5).astype('int32') for "
                      "a single sigmoid output.", DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] == 1:
            return (proba > 0.5).astype(np.int32)
        return np.argmax(proba, axis=-1)
