"""Callbacks for ``fit``, with Keras's names and hooks.

``fit`` calls, in order: ``set_model``/``set_params``, ``on_train_begin``, then per epoch
``on_epoch_begin``, ``on_train_batch_begin``/``on_train_batch_end`` per batch, ``on_epoch_end(epoch,
logs)`` with every metric of the epoch (``val_*`` included), and ``on_train_end``. A callback stops
training by setting ``self.model.stop_training = True``.
"""
from __future__ import annotations

import csv
import math
import os
from typing import Any, Callable, Mapping

import numpy as np

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
    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_test_begin(self, logs: Logs | None = None) -> None: ...
    def on_test_end(self, logs: Logs | None = None) -> None: ...
    def on_predict_begin(self, logs: Logs | None = None) -> None: ...
    def on_predict_end(self, logs: Logs | None = None) -> None: ...


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
            self.history.setdefault(key, []).append(float(value))


# ---------------------------------------------------------------------------------------- monitoring
def _improvement_test(monitor: str, mode: str, min_delta: float, who: str) -> Callable[[float, float], bool]:
    """``better(current, best)`` for ``mode`` 'min', 'max' or 'auto' (max for accuracy-like names)."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}.")
    if mode == "auto":
        mode = "max" if ("acc" in monitor or monitor.startswith("fmeasure") or "auc" in monitor) else "min"
    delta = abs(min_delta)
    if mode == "min":
        return lambda current, best: current < best - delta
    return lambda current, best: current > best + delta


def _monitored(logs: Logs | None, monitor: str, who: str) -> float | None:
    value = (logs or {}).get(monitor)
    if value is None:
        import warnings
        warnings.warn(f"{who}: the monitored metric {monitor!r} is not available; available metrics are "
                      f"{', '.join(sorted(logs or {})) or 'none'}. (Monitor 'val_*' only with validation data.)",
                      RuntimeWarning, stacklevel=3)
    return None if value is None else float(value)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights=True`` the best epoch's weights are put back when training ends,
    whether it stopped early or ran all its epochs (a known Keras surprise otherwise).
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
        self.better = _improvement_test(monitor, mode, min_delta, "EarlyStopping")
        self.stopped_epoch = 0
        self.best_epoch = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = self.baseline
        self.best_weights: list[np.ndarray] | None = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        current = _monitored(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = _copy_weights(self.model)   # something to restore even if never better
            self.best_epoch = epoch
        if self.best is None or self.better(current, self.best):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = _copy_weights(self.model)
            return
        self.wait += 1
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
        if self.stopped_epoch and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


def _copy_weights(model: Any) -> list[np.ndarray]:
    return [np.array(w, copy=True) for w in model.get_weights()]


class ModelCheckpoint(Callback):
    """Save the model after every epoch (or only when ``monitor`` improved, with save_best_only).

    ``filepath`` may hold ``{epoch:02d}`` and metric names (``weights.{epoch:02d}-{val_loss:.2f}.npz``).
    Files are written atomically, so an interrupted save never leaves a half-written checkpoint.
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto") -> None:
        super().__init__()
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.better = _improvement_test(monitor, mode, 0.0, "ModelCheckpoint")
        self.best: float | None = None

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = dict(logs or {})
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = _monitored(logs, self.monitor, "ModelCheckpoint")
            if current is None or (self.best is not None and not self.better(current, self.best)):
                return
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best} to {current:.5f}, saving model to {path}")
            self.best = current
        from .serialization import save
        save(self.model, path)


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` and every metric, in sorted order (as Keras)."""

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self.keys: list[str] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.keys = None
        if self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0:
            with open(self.filename, newline="") as f:
                header = next(csv.reader(f, delimiter=self.separator), None)
            self.keys = header[1:] if header else None
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._writer = csv.writer(self._file, delimiter=self.separator)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            self._writer.writerow(["epoch", *self.keys])
        self._writer.writerow([epoch, *(logs.get(k, "NA") for k in self.keys)])
        self._file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._file.close()


def _set_lr(model: Any, lr: float) -> None:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise RuntimeError("the learning-rate callbacks need a compiled model (model.compile(optimizer=...)).")
    optimizer.learning_rate = lr


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch start to ``schedule(epoch, lr)`` (epochs count from 0)."""

    def __init__(self, schedule: Callable[[int, float], float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        lr = float(self.schedule(epoch, float(self.model.optimizer.learning_rate)))
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(f"LearningRateScheduler: the schedule returned lr={lr} at epoch {epoch}; it must be a "
                             f"finite number >= 0.")
        _set_lr(self.model, lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None and isinstance(logs, dict):
            logs["lr"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` once ``monitor`` has not improved for ``patience``
    epochs (Keras's rule: reduce when the wait reaches patience), then wait ``cooldown`` epochs."""

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0) -> None:
        super().__init__()
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor}.")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.better = _improvement_test(monitor, mode, min_delta, "ReduceLROnPlateau")

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.best: float | None = None
        self.wait = 0
        self.cooldown_counter = 0

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        current = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.best is None or self.better(current, self.best):
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


class TensorBoard(Callback):
    """Write TensorBoard event files as Keras does: ``log_dir/train`` and ``log_dir/validation`` hold
    the per-epoch scalars ``epoch_loss``, ``epoch_<metric>``; with ``histogram_freq=k`` the weight
    histograms every k epochs. View them with ``tensorboard --logdir LOG_DIR``. Needs tensorboardX
    (``pip install tensorgrad[tensorboard]``)."""

    def __init__(self, log_dir: str | os.PathLike = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, **ignored: Any) -> None:
        super().__init__()
        if histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be >= 0, got {histogram_freq}.")
        self.log_dir, self.histogram_freq = os.fspath(log_dir), histogram_freq
        self.write_graph, self.write_images = write_graph, write_images

    def on_train_begin(self, logs: Logs | None = None) -> None:
        try:
            from tensorboardX import SummaryWriter
        except ImportError:
            raise ImportError("TensorBoard callback: tensorboardX is not installed; "
                              "pip install 'tensorgrad[tensorboard]' (or pip install tensorboardX).") from None
        self._train = SummaryWriter(os.path.join(self.log_dir, "train"))
        self._validation = SummaryWriter(os.path.join(self.log_dir, "validation"))

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        for key, value in (logs or {}).items():
            if key.startswith("val_"):
                self._validation.add_scalar(f"epoch_{key[4:]}", float(value), epoch)
            else:
                self._train.add_scalar(f"epoch_{key}", float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for name, p in self.model.named_parameters():
                self._train.add_histogram(name, np.asarray(p.data, dtype=np.float64), epoch)
        self._train.flush()
        self._validation.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._train.close()
        self._validation.close()


class CallbackList:
    """Calls one hook on every callback in order."""

    def __init__(self, callbacks: list[Callback], model: Any, params: dict[str, Any]) -> None:
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks: {cb!r} is not an nn.callbacks.Callback.")
            cb.set_model(model)
            cb.set_params(params)
        self.callbacks = callbacks

    def __getattr__(self, hook: str) -> Callable[..., None]:
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        def call(*args: Any) -> None:
            for cb in self.callbacks:
                getattr(cb, hook)(*args)
        return call
