"""Callbacks for ``fit``, with Keras's names and hooks.

``fit`` calls, in order: ``set_model``/``set_params``, ``on_train_begin``, then per epoch
``on_epoch_begin``, ``on_train_batch_begin``/``on_train_batch_end`` per batch (or Keras's older
``on_batch_begin``/``on_batch_end``), ``on_test_begin``/``on_test_end`` around validation,
``on_epoch_end(epoch, logs)`` with every metric of the epoch (``val_*`` included), and
``on_train_end`` with the last epoch's logs (also when fit is interrupted with Ctrl-C, then with
none). ``evaluate`` (and fit's validation) calls ``on_test_begin``, ``on_test_batch_begin``/
``on_test_batch_end`` and ``on_test_end``; ``predict`` the ``on_predict_*`` hooks. Hooks get a dict of
logs (empty when there is nothing to report, as Keras) and accept ``logs=None`` when called directly.
A callback stops training by setting ``self.model.stop_training = True``.

Monitoring callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau) start from the worst value,
+inf (or -inf when higher is better), and a NaN never counts as an improvement.
"""
from __future__ import annotations

import csv
import io
import math
import os
import sys
import warnings
from typing import Any, Callable, Mapping

import numpy as np

from tensorgrad.files import write_atomic

Logs = Mapping[str, float]


class Callback:
    """Base class: every hook does nothing; ``self.model`` and ``self.params`` are set by fit."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: Logs | None = None) -> None: ...
    def on_train_end(self, logs: Logs | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Before each training batch; by default Keras's older name, ``on_batch_begin``."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """After each training batch, with the epoch's running logs; by default ``on_batch_end``."""
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs: Logs | None = None) -> None: ...
    def on_test_end(self, logs: Logs | None = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_predict_begin(self, logs: Logs | None = None) -> None: ...
    def on_predict_end(self, logs: Logs | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...


class History(Callback):
    """What ``fit`` returns: ``.history`` maps each metric to its per-epoch list, ``.epoch`` the epochs.

    Only floats are stored (never Tensors), so keeping a History never keeps a graph alive.
    Calling ``fit`` again on the same model appends to a new History, as Keras does.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value) if np.ndim(value) == 0 else np.array(value))


# ---------------------------------------------------------------------------------------- monitoring
def _improvement_test(monitor: str, mode: str, min_delta: float,
                      who: str) -> tuple[Callable[[float, float], bool], float]:
    """``(better(current, best), worst)`` for ``mode`` 'min', 'max' or 'auto' (max for accuracy-like names):
    ``worst`` (+inf or -inf) is where "best" starts, as in Keras, and a NaN is never better (every
    comparison with NaN is False), so a NaN epoch can never become the best one."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}.")
    if mode == "auto":
        mode = "max" if ("acc" in monitor or monitor.startswith("fmeasure") or "auc" in monitor) else "min"
    delta = abs(min_delta)
    if mode == "min":
        return (lambda current, best: current < best - delta), math.inf
    return (lambda current, best: current > best + delta), -math.inf


def _monitored(logs: Logs | None, monitor: str, who: str) -> float | None:
    value = (logs or {}).get(monitor)
    if value is None:
        warnings.warn(f"{who}: the monitored metric {monitor!r} is not available; available metrics are "
                      f"{', '.join(sorted(logs or {})) or 'none'}. (Monitor 'val_*' only with validation data.)",
                      RuntimeWarning, stacklevel=3)
    return None if value is None else float(value)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights=True`` the best epoch's weights are put back when training ends,
    whether it stopped early or ran all its epochs (as Keras 3). With a ``baseline``, the wait only
    restarts on epochs that beat the baseline too; the best epoch is still the one restored.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0) -> None:
        super().__init__()
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}.")
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.better, self.worst = _improvement_test(monitor, mode, min_delta, "EarlyStopping")
        self.on_train_begin()

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self.worst
        self.best_weights: list[np.ndarray] | None = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        current = _monitored(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = _copy_weights(self.model), epoch   # never better: restore this
        self.wait += 1
        if self.better(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = _copy_weights(self.model)
            if self.baseline is None or self.better(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


def _copy_weights(model: Any) -> list[np.ndarray]:
    return [np.array(w, copy=True) for w in model.get_weights()]


_WHOLE_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


class ModelCheckpoint(Callback):
    """Save the model (or its weights) every epoch or every ``save_freq`` batches; with ``save_best_only``,
    only when ``monitor`` improved on the best so far (which starts at ``initial_value_threshold`` when
    given). Keras's arguments and messages.

    ``filepath`` may hold ``{epoch:02d}``, ``{batch}`` (batch-level saves) and log names
    (``'w.{epoch:02d}-{val_loss:.2f}.weights.h5'``). What is written follows the flag and the name:

    * ``save_weights_only=False`` and a ``.keras`` name (Keras 3's rule), or a ``.h5``/``.hdf5`` one (Keras 2's
      whole-model HDF5 names; tensorgrad's format inside, with a warning): the whole model, as ``model.save``
      writes it, for ``keras.models.load_model``;
    * ``save_weights_only=True`` (any name but ``.keras``, e.g. ``.weights.h5`` or ``.ckpt``), or a name of
      tensorgrad's weight formats (``.safetensors``, ``.npz``, others): the weights, as ``save_weights``
      writes them (safetensors; npz for ``.npz``), for ``model.load_weights`` or ``nn.load_state``.

    Every file is written atomically, so an interrupted save never leaves a half-written checkpoint; a
    symlink is written through and a read-only file is refused.
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: Any = "epoch", options: Any = None, initial_value_threshold: float | None = None) -> None:
        super().__init__()
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, (int, np.integer))
                                     or save_freq <= 0):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches, got "
                             f"{save_freq!r}.")
        if options is not None:
            raise ValueError("ModelCheckpoint: options= (TensorFlow's SaveOptions/CheckpointOptions) has no "
                             "meaning in tensorgrad; leave it None.")
        name = self.filepath.lower()
        if save_weights_only and name.endswith(".keras"):
            raise ValueError(f"ModelCheckpoint: with save_weights_only=True the filepath must not end in .keras (a "
                             f"whole-model file); name the weights file '*.weights.h5', got {self.filepath!r}.")
        self.whole_model = not save_weights_only and name.endswith(_WHOLE_MODEL_SUFFIXES)
        self.save_freq = save_freq
        self.better, worst = _improvement_test(monitor, mode, 0.0, "ModelCheckpoint")
        self.best = worst if initial_value_threshold is None else float(initial_value_threshold)
        self._epoch = 0
        self._batches_since_save = 0
        self._told: set[str] = set()

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _file_path(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> str:
        keys = {"epoch": epoch + 1, **logs, **({} if batch is None else {"batch": batch + 1})}
        try:
            return self.filepath.format(**keys)
        except (KeyError, IndexError, ValueError) as err:
            raise KeyError(f"ModelCheckpoint: cannot format the filepath {self.filepath!r} ({err!r}); it may name "
                           f"{', '.join(sorted(keys))}.") from None

    def _save(self, epoch: int, batch: int | None, logs: Logs | None) -> None:
        logs = dict(logs or {})
        path = self._file_path(epoch, batch, logs)
        if self.save_best_only:
            current = _monitored(logs, self.monitor, "ModelCheckpoint")
            if current is None:
                return
            previous = f"{self.best:.5f}"
            if not self.better(current, self.best):
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {previous}")
                return
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous} to {current:.5f}, "
                      f"saving model to {path}")
            self.best = current
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        self._write(path)

    def _write(self, path: str) -> None:
        """The model or its weights to ``path`` (atomically: model.save and save_weights write so); each
        kind of warning (an HDF5 name, weights where a model was asked for) is given once."""
        from . import saving
        if not self.whole_model and not self.save_weights_only:
            self._tell_once("weights", f"ModelCheckpoint: {os.path.basename(path)} is not a whole-model name "
                                       f"('.keras', or Keras 2's '.h5'), so it gets the weights (load them with "
                                       f"model.load_weights); name it '*.keras' to save the whole model.")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (saving.save_model if self.whole_model else saving.save_weights)(self.model, path)
        for warning in caught:
            self._tell_once(str(type(warning.message)), str(warning.message))

    def _tell_once(self, kind: str, message: str) -> None:
        if kind not in self._told:
            self._told.add(kind)
            warnings.warn(message, UserWarning, stacklevel=4)


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` and every metric, in sorted order (as Keras). The file is
    rewritten whole after each epoch (atomically, by tensorgrad.files), so it always holds complete
    rows, even when training is killed mid-write; ``append=True`` continues an existing log."""

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self.keys: list[str] | None = None
        self._text = ""

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.keys, self._text = None, ""
        if self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0:
            with open(self.filename, newline="") as f:
                self._text = f.read()
            header = next(csv.reader(io.StringIO(self._text), delimiter=self.separator), None)
            self.keys = header[1:] if header else None
            if not self._text.endswith("\n"):
                self._text += "\n"

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        rows = io.StringIO()
        writer = csv.writer(rows, delimiter=self.separator, lineterminator="\n")
        if self.keys is None:
            self.keys = sorted(logs)
            writer.writerow(["epoch", *self.keys])
        writer.writerow([epoch, *(logs.get(k, "NA") for k in self.keys)])
        self._text += rows.getvalue()
        data = self._text.encode()
        write_atomic(self.filename, lambda f: f.write(data), "CSVLogger")


class BackupAndRestore(Callback):
    """Keras's fault tolerance: after every epoch (or every ``save_freq`` batches) the weights, the
    optimizer's state and the epoch go to ``backup_dir`` (one file, written atomically); a ``fit`` that
    starts while a backup exists restores it and resumes with the epoch after the backed-up one (the
    same epoch, started over, for a batch-level backup). A fit that ends normally deletes the backup
    (``delete_checkpoint=True``); one interrupted (an exception, Ctrl-C) keeps it for the next run."""

    FILE = "backup.tgckpt"

    def __init__(self, backup_dir: str | os.PathLike, save_freq: Any = "epoch", delete_checkpoint: bool = True,
                 save_before_preemption: bool = False) -> None:
        super().__init__()
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, (int, np.integer))
                                     or save_freq <= 0):
            raise ValueError(f"BackupAndRestore: save_freq must be 'epoch' or a positive number of batches, got "
                             f"{save_freq!r}.")
        if save_before_preemption:
            raise ValueError("BackupAndRestore: save_before_preemption (TPU/cluster preemption) has no meaning in "
                             "tensorgrad; back up by epoch or by save_freq batches.")
        self.backup_dir, self.save_freq, self.delete_checkpoint = os.fspath(backup_dir), save_freq, delete_checkpoint
        self.path = os.path.join(self.backup_dir, self.FILE)
        self._epoch, self._batches = 0, 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if not os.path.exists(self.path):
            return
        import tensorgrad as tg
        state = tg.load(self.path)
        self.model.load_state_dict(state["model"])
        if state.get("optimizer") is not None and self.model.optimizer is not None:
            self.model.optimizer.load_state_dict(state["optimizer"])
        self.model._resume_at_epoch = int(state["next_epoch"])

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches += 1
        if self._batches >= self.save_freq:
            self._batches = 0
            self._backup(next_epoch=self._epoch)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._backup(next_epoch=epoch + 1)

    def on_train_end(self, logs: Logs | None = None) -> None:
        interrupted = sys.exc_info()[0] is not None      # fit calls this from its Ctrl-C handler too
        if self.delete_checkpoint and not interrupted and os.path.exists(self.path):
            os.remove(self.path)

    def _backup(self, next_epoch: int) -> None:
        import tensorgrad as tg
        optimizer = self.model.optimizer
        tg.save({"model": self.model.state_dict(), "optimizer": None if optimizer is None else optimizer.state_dict(),
                 "next_epoch": next_epoch}, self.path)


def _set_lr(model: Any, lr: float) -> None:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise RuntimeError("the learning-rate callbacks need a compiled model (model.compile(optimizer=...)).")
    optimizer.learning_rate = lr


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch start to ``schedule(epoch, lr)`` — or ``schedule(epoch)``,
    which Keras also accepts (epochs count from 0); the epoch's lr is logged as 'lr'."""

    def __init__(self, schedule: Callable[[int, float], float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        current = float(self.model.optimizer.learning_rate)
        try:
            lr = float(self.schedule(epoch, current))
        except TypeError:   # a one-argument schedule, as Keras allows
            lr = float(self.schedule(epoch))
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(f"LearningRateScheduler: the schedule returned lr={lr} at epoch {epoch}; it must be a "
                             f"finite number >= 0.")
        _set_lr(self.model, lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if isinstance(logs, dict):
            logs["lr"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` once ``monitor`` has not improved for ``patience``
    epochs (Keras's rule: reduce when the wait reaches patience), then wait ``cooldown`` epochs."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0) -> None:
        super().__init__()
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1) (it multiplies the lr), got {factor}.")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.better, self.worst = _improvement_test(monitor, mode, min_delta, "ReduceLROnPlateau")

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.best = self.worst
        self.wait = 0
        self.cooldown_counter = 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if isinstance(logs, dict):
            logs["lr"] = float(self.model.optimizer.learning_rate)
        current = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.better(current, self.best):
            self.best, self.wait = current, 0
            return
        if self.cooldown_counter > 0:
            return
        self.wait += 1
        if self.wait >= self.patience:
            old = float(self.model.optimizer.learning_rate)
            new = max(old * self.factor, self.min_lr)
            if old > new:
                _set_lr(self.model, new)
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                self.cooldown_counter, self.wait = self.cooldown, 0


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch loss is NaN or infinite."""

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


# Keras's other TensorBoard options (graph, images, profiling, embeddings) are accepted and not written.
_TENSORBOARD_IGNORED = ("write_graph", "write_images", "write_steps_per_second", "update_freq", "profile_batch",
                        "embeddings_freq", "embeddings_metadata")


class TensorBoard(Callback):
    """Write TensorBoard event files as Keras does: ``log_dir/train`` and ``log_dir/validation`` hold
    the per-epoch scalars ``epoch_loss``, ``epoch_<metric>``; with ``histogram_freq=k`` the weight
    histograms (tagged by parameter name) every k epochs. View them with ``tensorboard --logdir
    LOG_DIR``. Needs tensorboardX (``pip install 'tensorgrad[tensorboard]'``)."""

    def __init__(self, log_dir: str | os.PathLike = "logs", histogram_freq: int = 0, **keras_options: Any) -> None:
        super().__init__()
        unknown = sorted(set(keras_options) - set(_TENSORBOARD_IGNORED))
        if unknown:
            raise TypeError(f"TensorBoard: unknown argument(s) {unknown}; it takes log_dir, histogram_freq and "
                            f"Keras's {', '.join(_TENSORBOARD_IGNORED)}.")
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be an integer >= 0, got {histogram_freq!r}.")
        try:
            from tensorboardX import SummaryWriter
        except ImportError:
            raise ImportError("TensorBoard callback: tensorboardX is not installed; "
                              "pip install 'tensorgrad[tensorboard]' (or pip install tensorboardX).") from None
        self._writer_class = SummaryWriter
        self.log_dir, self.histogram_freq = os.fspath(log_dir), histogram_freq

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._train = self._writer_class(os.path.join(self.log_dir, "train"))
        self._validation = self._writer_class(os.path.join(self.log_dir, "validation"))

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        for key, value in (logs or {}).items():
            if key.startswith("val_"):
                self._validation.add_scalar(f"epoch_{key[4:]}", float(value), epoch)
            else:
                self._train.add_scalar(f"epoch_{key}", float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for name, p in self.model.named_parameters():
                self._train.add_histogram(name, np.asarray(p, dtype=np.float64), epoch)
        self._train.flush()
        self._validation.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._train.close()
        self._validation.close()


def _overrides(cb: Callback, hook: str) -> bool:
    names = [hook, _ALIASES[hook]] if hook in _ALIASES else [hook]
    return any(getattr(type(cb), name) is not getattr(Callback, name) for name in names)


_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}
HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
         "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")


class CallbackList:
    """Calls one hook on every callback in order; a hook a callback does not override is never called,
    so per-batch hooks cost nothing unless some callback uses them."""

    def __init__(self, callbacks: list[Callback], model: Any, params: dict[str, Any]) -> None:
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"fit: callbacks must be nn.callbacks.Callback instances, got {cb!r}.")
            cb.set_model(model)
            cb.set_params(params)
        self.callbacks = callbacks
        self._hooks = {hook: [getattr(cb, hook) for cb in callbacks if _overrides(cb, hook)] for hook in HOOKS}

    def uses(self, hook: str) -> bool:
        """True when some callback overrides ``hook``."""
        return bool(self._hooks[hook])

    def call(self, hook: str, *args: Any) -> None:
        """Run ``hook(*args)`` on every callback that overrides it, in order; the last argument is the
        logs, given as ``{}`` when there are none (Keras never hands a callback None)."""
        methods = self._hooks[hook]
        if methods and args[-1] is None:
            args = (*args[:-1], {})
        for method in methods:
            method(*args)
