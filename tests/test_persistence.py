"""Nothing lost: a failure in the middle of a save leaves the previous checkpoint intact and no
partial file behind, and training interrupted by Ctrl-C leaves a usable model and a consistent
History. Failures are injected by monkeypatching the step that fails (np.savez, os.fsync,
os.replace) to raise."""
from __future__ import annotations

import os
import stat

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn.callbacks import Callback, ModelCheckpoint

X = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
Y = (X.sum(axis=1) > 0).astype(np.int64)


def _model(seed: int = 0) -> nn.Sequential:
    tg.manual_seed(seed)
    model = nn.Sequential([nn.Dense(4, input_dim=3, activation="tanh"), nn.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


class InjectedFault(Exception):
    """The failure a test injects into one step of a save."""


def _savez_that_dies_halfway(real):
    """np.savez that writes part of the archive, then fails (disk full, killed process...)."""
    def savez(file, **arrays):
        real(file, **{k: v for k, v in list(arrays.items())[:1]})
        raise InjectedFault("disk full")
    return savez


def _raise(*args, **kwargs):
    raise InjectedFault("injected")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


FAULTS = {
    "savez-halfway": ("numpy.savez", _savez_that_dies_halfway(np.savez), InjectedFault),
    "fsync": ("os.fsync", _raise, InjectedFault),
    "replace": ("os.replace", _raise, InjectedFault),
    "ctrl-c-in-savez": ("numpy.savez", _interrupt, KeyboardInterrupt),
}


def _only_file(directory) -> list[str]:
    return sorted(os.listdir(directory))


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_failed_save_keeps_the_previous_checkpoint_and_leaves_no_partial_file(tmp_path, monkeypatch, fault,
                                                                              record_property):
    target, replacement, error = FAULTS[fault]
    path = tmp_path / "model.npz"
    old = _model(1)
    nn.save(old, path)
    before = path.read_bytes()
    new = _model(2)
    monkeypatch.setattr(target, replacement)
    with pytest.raises(error):
        nn.save(new, path)
    monkeypatch.undo()
    record_property("faults injected", 1)
    assert _only_file(tmp_path) == ["model.npz"]           # no temp file left behind
    assert path.read_bytes() == before
    restored = _model(3)
    restored.load_state_dict(nn.load_state(path))
    for a, b in zip(restored.get_weights(), old.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_failed_first_save_leaves_no_file_at_all(tmp_path, monkeypatch, record_property):
    monkeypatch.setattr("os.replace", _raise)
    with pytest.raises(InjectedFault):
        nn.save(_model(), tmp_path / "model.npz")
    record_property("faults injected", 1)
    assert _only_file(tmp_path) == []


def test_save_load_round_trip_is_bit_exact_and_predicts_the_same(tmp_path):
    model = _model(4)
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    nn.save(model, tmp_path / "m.npz")
    copy = _model(5)
    copy.load_state_dict(nn.load_state(tmp_path / "m.npz"))
    for a, b in zip(copy.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))


def test_checkpoint_file_mode_follows_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        nn.save(_model(), tmp_path / "m.npz")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "m.npz").st_mode) == 0o644


def test_model_checkpoint_failing_at_epoch_two_keeps_epoch_one(tmp_path, monkeypatch, record_property):
    path = tmp_path / "ckpt.npz"
    model = _model(6)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0, callbacks=[ModelCheckpoint(path, monitor="loss")])
    epoch_one = path.read_bytes()
    weights_one = nn.load_state(path)
    monkeypatch.setattr("os.replace", _raise)
    with pytest.raises(InjectedFault):
        model.fit(X, Y, epochs=1, batch_size=8, verbose=0, callbacks=[ModelCheckpoint(path, monitor="loss")])
    monkeypatch.undo()
    record_property("faults injected", 1)
    assert _only_file(tmp_path) == ["ckpt.npz"] and path.read_bytes() == epoch_one
    assert list(nn.load_state(path)) == list(weights_one)


def test_model_checkpoint_files_per_epoch_are_whole(tmp_path):
    model = _model(7)
    model.fit(X, Y, epochs=3, batch_size=8, verbose=0,
              callbacks=[ModelCheckpoint(tmp_path / "w.{epoch:02d}-{loss:.3f}.npz", monitor="loss")])
    names = _only_file(tmp_path)
    assert len(names) == 3 and [n[:5] for n in names] == ["w.01-", "w.02-", "w.03-"]
    for name in names:
        model.load_state_dict(nn.load_state(tmp_path / name))   # every file parses and fits the model


class InterruptAt(Callback):
    """Raise KeyboardInterrupt (as Ctrl-C would) at one batch of one epoch."""

    def __init__(self, epoch: int, batch: int) -> None:
        super().__init__()
        self.at, self.epoch = (epoch, batch), 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt


def test_ctrl_c_mid_epoch_leaves_a_usable_model_and_whole_epochs_in_history(record_property):
    model = _model(8)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, epochs=5, batch_size=8, verbose=0, callbacks=[InterruptAt(epoch=2, batch=1)])
    record_property("faults injected", 1)
    history = model.history
    assert history.epoch == [0, 1]                               # the interrupted epoch is not half-recorded
    assert all(len(v) == 2 and all(type(x) is float for x in v) for v in history.history.values())
    weights = model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    probs = model.predict(X)                                      # eval mode, no graph: usable at once
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert model.training                                         # left in training mode for the next fit
    again = model.fit(X, Y, epochs=2, batch_size=8, verbose=0)    # and training carries on from here
    assert again.epoch == [0, 1] and np.isfinite(again.history["loss"]).all()


def test_ctrl_c_still_lets_early_stopping_restore_the_best_weights(record_property):
    model = _model(9)
    stopper = nn.callbacks.EarlyStopping(monitor="loss", patience=10, restore_best_weights=True)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, epochs=6, batch_size=8, verbose=0, callbacks=[stopper, InterruptAt(epoch=3, batch=0)])
    record_property("faults injected", 1)
    for a, b in zip(model.get_weights(), stopper.best_weights):
        np.testing.assert_array_equal(a, b)
