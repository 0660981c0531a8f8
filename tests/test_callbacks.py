"""nn.callbacks: Keras's hooks and callbacks, driven by monitored values the tests script."""
import csv
import math
import os

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg
from nn import callbacks as cbks


def data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5]) > 0).astype(np.float32)


def model(seed=0, optimizer="adam"):
    tg.manual_seed(seed)
    m = nn.Sequential([nn.Dense(4, activation="tanh", input_dim=3), nn.Dense(1, activation="sigmoid")])
    m.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    return m


class Script(cbks.Callback):
    """Puts ``values[epoch]`` into the logs as ``name`` (a monitored value the test controls) and
    records the weights at the end of every epoch."""

    def __init__(self, values, name="score"):
        super().__init__()
        self.values, self.name, self.weights = values, name, []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.name] = self.values[epoch]
        self.weights.append(self.model.get_weights())


def assert_weights_equal(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def fit(m, callbacks, epochs, **kwargs):
    x, y = data()
    return m.fit(x, y, epochs=epochs, batch_size=16, verbose=0, callbacks=callbacks, **kwargs)


# ------------------------------------------------------------------ hooks
class Recorder(cbks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None): self.calls.append("train_begin")
    def on_epoch_begin(self, epoch, logs=None): self.calls.append(f"epoch_begin {epoch}")
    def on_train_batch_begin(self, batch, logs=None): self.calls.append(f"batch_begin {batch}")
    def on_train_batch_end(self, batch, logs=None): self.calls.append(f"batch_end {batch} {sorted(logs)}")
    def on_test_begin(self, logs=None): self.calls.append("test_begin")
    def on_test_end(self, logs=None): self.calls.append(f"test_end {sorted(logs)}")
    def on_epoch_end(self, epoch, logs=None): self.calls.append(f"epoch_end {epoch} {sorted(logs)}")
    def on_train_end(self, logs=None): self.calls.append("train_end")


def test_hooks_run_in_keras_order_with_the_logs_they_promise():
    recorder = Recorder()
    m = model()
    x, y = data(40)
    m.fit(x, y, epochs=1, batch_size=16, validation_split=0.2, verbose=0, callbacks=[recorder])
    assert recorder.model is m and recorder.params["steps"] == 2
    assert recorder.calls == [
        "train_begin", "epoch_begin 0",
        "batch_begin 0", "batch_end 0 ['accuracy', 'loss']",
        "batch_begin 1", "batch_end 1 ['accuracy', 'loss']",
        "test_begin", "test_end ['accuracy', 'loss']",
        "epoch_end 0 ['accuracy', 'loss', 'val_accuracy', 'val_loss']", "train_end"]


def test_keras_older_batch_hook_names_are_called():
    class OldStyle(cbks.Callback):
        batches = 0

        def on_batch_end(self, batch, logs=None):
            OldStyle.batches += 1
    fit(model(), [OldStyle()], epochs=2)
    assert OldStyle.batches == 6


def test_callback_list_skips_hooks_nobody_overrides():
    listing = cbks.CallbackList([cbks.History(), cbks.EarlyStopping()], model=None, params={})
    assert not listing.uses("on_train_batch_end") and listing.uses("on_epoch_end")


def test_history_stores_plain_floats_per_epoch():
    history = fit(model(), [], epochs=3)
    assert history.epoch == [0, 1, 2]
    assert all(type(v) is float for values in history.history.values() for v in values)


# ------------------------------------------------------------------ EarlyStopping
def test_early_stopping_stops_after_patience_and_restores_the_best_epoch():
    script = Script([5.0, 3.0, 4.0, 4.0, 1.0, 1.0])
    stopper = cbks.EarlyStopping(monitor="score", patience=2, restore_best_weights=True)
    m = model()
    history = fit(m, [script, stopper], epochs=6)
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    assert_weights_equal(m.get_weights(), script.weights[1])
    assert not np.array_equal(m.get_weights()[0], script.weights[3][0])


def test_early_stopping_restores_the_best_weights_also_when_it_never_stopped():
    script = Script([3.0, 1.0, 2.0])
    stopper = cbks.EarlyStopping(monitor="score", patience=5, restore_best_weights=True)
    m = model()
    fit(m, [script, stopper], epochs=3)
    assert stopper.stopped_epoch == 0
    assert_weights_equal(m.get_weights(), script.weights[1])


def test_early_stopping_without_restore_keeps_the_last_weights():
    script = Script([3.0, 1.0, 2.0, 2.0])
    m = model()
    fit(m, [script, cbks.EarlyStopping(monitor="score", patience=1)], epochs=4)
    assert_weights_equal(m.get_weights(), script.weights[2])


def test_early_stopping_modes_and_min_delta():
    accuracy_like = cbks.EarlyStopping(monitor="val_accuracy", patience=0)       # auto: higher is better
    fit(model(), [Script([0.5, 0.6, 0.55], "val_accuracy"), accuracy_like], epochs=3)
    assert accuracy_like.stopped_epoch == 2
    small_steps = cbks.EarlyStopping(monitor="score", min_delta=0.1, patience=1)
    history = fit(model(), [Script([1.0, 0.95, 0.92, 0.5]), small_steps], epochs=4)
    assert len(history.epoch) == 2            # 0.95 is not better than 1.0 by more than 0.1
    with pytest.raises(ValueError, match="mode must be 'auto', 'min' or 'max', got 'up'"):
        cbks.EarlyStopping(mode="up")


def test_early_stopping_baseline_restarts_the_wait_only_when_beaten():
    values = [0.9, 0.95, 0.95, 0.95, 0.1]
    without = fit(model(), [Script(values), cbks.EarlyStopping(monitor="score", patience=3)], epochs=5)
    assert without.epoch == [0, 1, 2, 3]
    script = Script(values)       # epoch 0 is the best but not below the baseline: its wait is not reset
    stopper = cbks.EarlyStopping(monitor="score", baseline=0.5, patience=3, restore_best_weights=True)
    m = model()
    assert fit(m, [script, stopper], epochs=5).epoch == [0, 1, 2] and stopper.best_epoch == 0
    assert_weights_equal(m.get_weights(), script.weights[0])


def test_early_stopping_warns_when_the_monitored_value_is_missing():
    with pytest.warns(RuntimeWarning, match=r"monitored metric 'val_loss' is not available; available .*loss"):
        fit(model(), [cbks.EarlyStopping()], epochs=1)


def test_early_stopping_verbose_messages(capsys):
    fit(model(), [Script([1.0, 2.0]), cbks.EarlyStopping("score", verbose=1, restore_best_weights=True)], epochs=3)
    assert capsys.readouterr().out == ("Epoch 2: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 1.\n")


# ------------------------------------------------------------------ ModelCheckpoint
def test_model_checkpoint_writes_loadable_files_per_epoch(tmp_path):
    script = Script([0.0] * 3)
    m = model()
    fit(m, [script, cbks.ModelCheckpoint(tmp_path / "ckpt" / "w.{epoch:02d}-{loss:.3f}.npz")], epochs=3)
    names = sorted(os.listdir(tmp_path / "ckpt"))
    assert [n[:5] for n in names] == ["w.01-", "w.02-", "w.03-"]
    for epoch, name in enumerate(names):
        fresh = model(seed=9)
        fresh.load_state_dict(nn.load_state(tmp_path / "ckpt" / name))
        assert_weights_equal(fresh.get_weights(), script.weights[epoch])


def test_model_checkpoint_save_best_only_keeps_the_best_epoch(tmp_path, capsys):
    path = tmp_path / "best.npz"
    script = Script([3.0, 1.0, 2.0, 1.5])
    fit(model(), [script, cbks.ModelCheckpoint(path, monitor="score", save_best_only=True, verbose=1)], epochs=4)
    m = model(seed=3)
    m.load_state_dict(nn.load_state(path))
    assert_weights_equal(m.get_weights(), script.weights[1])
    out = capsys.readouterr().out
    assert "Epoch 1: score improved from inf to 3.00000, saving model to" in out
    assert "Epoch 3: score did not improve from 1.00000" in out


# ------------------------------------------------------------------ CSVLogger
def test_csv_logger_rows_equal_history(tmp_path):
    path = tmp_path / "log.csv"
    history = fit(model(), [cbks.CSVLogger(path)], epochs=3, validation_split=0.25)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    for column, key in enumerate(rows[0][1:], start=1):
        assert [float(r[column]) for r in rows[1:]] == history.history[key]


def test_csv_logger_append_continues_the_file(tmp_path):
    path = tmp_path / "log.csv"
    m = model()
    fit(m, [cbks.CSVLogger(path)], epochs=2)
    fit(m, [cbks.CSVLogger(path, append=True)], epochs=4, initial_epoch=2)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "epoch" and [r[0] for r in rows[1:]] == ["0", "1", "2", "3"]


# ------------------------------------------------------------------ learning rate
def test_learning_rate_scheduler_sets_and_logs_the_rate():
    m = model(optimizer=optim.SGD(lr=0.1))
    history = fit(m, [cbks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)], epochs=3)
    assert history.history["lr"] == pytest.approx([0.05, 0.025, 0.0125])
    assert m.optimizer.param_groups[0]["lr"] == pytest.approx(0.0125)
    one_argument = fit(model(), [cbks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], epochs=2)
    assert one_argument.history["lr"] == pytest.approx([0.01, 0.02])
    with pytest.raises(ValueError, match=r"the schedule returned lr=nan at epoch 0"):
        fit(model(), [cbks.LearningRateScheduler(lambda epoch: math.nan)], epochs=1)


def test_reduce_lr_on_plateau_follows_keras_wait_and_cooldown():
    m = model(optimizer=optim.SGD(lr=1.0))
    script = Script([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    reducer = cbks.ReduceLROnPlateau(monitor="score", factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    history = fit(m, [script, reducer], epochs=7)
    # epoch 0 sets the best; waits 1, 2 -> halve at epoch 2; epoch 3 ends the cooldown and waits 1;
    # halve at 4; likewise at 6, floored at min_lr. 'lr' is logged before each epoch's reduction.
    assert history.history["lr"] == pytest.approx([1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25])
    assert m.optimizer.learning_rate == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\).*got 1\.5"):
        cbks.ReduceLROnPlateau(factor=1.5)


# ------------------------------------------------------------------ TerminateOnNaN
def test_terminate_on_nan_stops_within_the_epoch(capsys):
    calls = []

    def loss_turning_nan(pred, target):
        calls.append(1)
        loss = ((pred - target.reshape(pred.shape)) ** 2).mean()
        return loss * math.nan if len(calls) == 2 else loss
    m = model()
    m.compile(optimizer="sgd", loss=loss_turning_nan)
    history = fit(m, [cbks.TerminateOnNaN()], epochs=3)
    assert len(calls) == 2 and history.epoch == [0] and math.isnan(history.history["loss"][0])
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


# ------------------------------------------------------------------ TensorBoard
def scalars(directory, tag):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(directory), size_guidance={"scalars": 0, "histograms": 0})
    events.Reload()
    return events, [(e.step, e.value) for e in events.Scalars(tag)]


def test_tensorboard_event_files_hold_the_history(tmp_path):
    pytest.importorskip("tensorboard")
    history = fit(model(), [cbks.TensorBoard(log_dir=tmp_path, histogram_freq=1)], epochs=3, validation_split=0.25)
    for subdir, prefix in (("train", ""), ("validation", "val_")):
        for metric in ("loss", "accuracy"):
            events, values = scalars(tmp_path / subdir, f"epoch_{metric}")
            assert [step for step, _ in values] == [0, 1, 2]
            np.testing.assert_allclose([v for _, v in values], history.history[prefix + metric], rtol=1e-6)
    events, _ = scalars(tmp_path / "train", "epoch_loss")
    names = [name for name, _ in model().named_parameters()]
    assert sorted(events.Tags()["histograms"]) == sorted(names)
    assert [h.step for h in events.Histograms(names[0])] == [0, 1, 2]


def test_tensorboard_without_histograms_and_argument_checks(tmp_path):
    pytest.importorskip("tensorboard")
    fit(model(), [cbks.TensorBoard(tmp_path, write_graph=True, write_images=True)], epochs=1)
    events, values = scalars(tmp_path / "train", "epoch_loss")
    assert len(values) == 1 and events.Tags()["histograms"] == []
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['histogramfreq'\]"):
        cbks.TensorBoard(tmp_path, histogramfreq=1)
    with pytest.raises(ValueError, match="histogram_freq must be an integer >= 0, got -1"):
        cbks.TensorBoard(tmp_path, histogram_freq=-1)
