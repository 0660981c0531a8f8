"""ModelCheckpoint with Keras's arguments (save_weights_only, save_freq in batches, initial_value_threshold,
filepath keys, Keras 3's file names) and files that are never half-written; CSVLogger rows always whole."""
import csv
import os

import numpy as np
import pytest

from nn import keras
import tensorgrad as tg
from nn import callbacks as cbks

RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 3)).astype(np.float32)
Y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(np.float32)


def _model(seed=0):
    tg.manual_seed(seed)
    model = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(3,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


class Weights(cbks.Callback):
    """The weights at each epoch's end, after the checkpoint ran."""

    def __init__(self):
        super().__init__()
        self.per_epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.per_epoch.append(self.model.get_weights())


def _same(a, b):
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def test_weights_files_named_by_epoch_and_val_loss(tmp_path):
    record = Weights()
    path = str(tmp_path / "w.{epoch:02d}-{val_loss:.2f}.weights.h5")
    with pytest.warns(UserWarning, match="cannot write HDF5") as caught:
        history = _model().fit(X, Y, epochs=3, batch_size=16, validation_split=0.25, verbose=0,
                               callbacks=[cbks.ModelCheckpoint(path, save_weights_only=True), record])
    assert sum("HDF5" in str(w.message) for w in caught) == 1                     # once, not per file
    names = sorted(os.listdir(tmp_path))
    assert names == [f"w.{e + 1:02d}-{v:.2f}.weights.h5" for e, v in enumerate(history.history["val_loss"])]
    for name, weights in zip(names, record.per_epoch):
        fresh = _model(seed=5)
        fresh.load_weights(tmp_path / name)
        _same(fresh.get_weights(), weights)


def test_keras_name_saves_the_whole_model_best_only(tmp_path, capsys):
    path = tmp_path / "best.keras"
    model = _model()
    model.fit(X, Y, epochs=4, batch_size=16, validation_split=0.25, verbose=0,
              callbacks=[cbks.ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True, verbose=1)])
    loaded = keras.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == ["Dense", "Dense"]
    assert "val_accuracy improved from -inf to" in capsys.readouterr().out


def test_save_freq_in_batches_with_batch_key(tmp_path):
    """6 batches per epoch, save_freq=4 over 2 epochs: saves after batches 4 (epoch 1), 2 and 6 (epoch 2)."""
    path = str(tmp_path / "c-{epoch}-{batch}.weights.h5")
    with pytest.warns(UserWarning):
        _model().fit(X, Y, epochs=2, batch_size=16, verbose=0,
                     callbacks=[cbks.ModelCheckpoint(path, save_weights_only=True, save_freq=4, monitor="loss")])
    assert sorted(os.listdir(tmp_path)) == ["c-1-4.weights.h5", "c-2-2.weights.h5", "c-2-6.weights.h5"]


def test_initial_value_threshold_sets_the_best_to_beat(tmp_path):
    path = tmp_path / "m.keras"
    _model().fit(X, Y, epochs=2, verbose=0, callbacks=[cbks.ModelCheckpoint(
        path, monitor="loss", save_best_only=True, initial_value_threshold=1e-9)])
    assert not path.exists()
    _model().fit(X, Y, epochs=1, verbose=0, callbacks=[cbks.ModelCheckpoint(
        path, monitor="loss", save_best_only=True, initial_value_threshold=1e9)])
    assert path.exists()


def test_names_and_arguments_keras_refuses(tmp_path):
    with pytest.raises(ValueError, match=r"save_weights_only=True the filepath must not end in \.keras"):
        cbks.ModelCheckpoint(tmp_path / "w.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="save_freq must be 'epoch' or a positive number of batches"):
        cbks.ModelCheckpoint(tmp_path / "w.keras", save_freq="batch")
    with pytest.raises(KeyError, match=r"cannot format the filepath .*it may name .*epoch.*loss"):
        _model().fit(X, Y, epochs=1, verbose=0, callbacks=[cbks.ModelCheckpoint(str(tmp_path / "{val_los}.keras"))])


def test_a_weights_name_without_the_flag_gets_the_weights_and_says_so(tmp_path):
    with pytest.warns(UserWarning, match="not a whole-model name .* gets the weights"):
        _model().fit(X, Y, epochs=2, verbose=0, callbacks=[cbks.ModelCheckpoint(tmp_path / "w.safetensors")])
    fresh = _model(seed=3)
    fresh.load_weights(tmp_path / "w.safetensors")


class Fault(Exception):
    pass


def test_an_interrupted_whole_model_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    model = _model()
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[cbks.ModelCheckpoint(path, monitor="loss")])
    before = path.read_bytes()

    def fail(*args):
        raise Fault

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(Fault):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[cbks.ModelCheckpoint(path, monitor="loss")])
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["m.keras"] and path.read_bytes() == before
    keras.models.load_model(path)


def test_csv_logger_file_holds_whole_rows_after_every_epoch_and_after_a_failed_write(tmp_path, monkeypatch):
    path = tmp_path / "log.csv"
    seen = []

    class Read(cbks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            with open(path, newline="") as f:
                seen.append(list(csv.reader(f)))

    model = _model()
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[cbks.CSVLogger(path), Read()])
    assert [len(rows) for rows in seen] == [2, 3] and all(len(r) == 3 for rows in seen for r in rows)
    calls = {"n": 0}
    real_replace = os.replace

    def fail_second(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Fault
        return real_replace(*args)

    monkeypatch.setattr("os.replace", fail_second)
    with pytest.raises(Fault):
        model.fit(X, Y, epochs=3, verbose=0, callbacks=[cbks.CSVLogger(path, append=True)])
    monkeypatch.undo()
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows] == ["epoch", "0", "1", "0"] and all(len(r) == 3 for r in rows)
    assert os.listdir(tmp_path) == ["log.csv"]


def test_backup_and_restore_resumes_an_interrupted_fit_where_it_stopped(tmp_path):
    """An uninterrupted 4-epoch Adam fit, and one that fails in epoch 3 then is run again with the same
    BackupAndRestore: the second run restores weights, Adam's moments and the epoch, and ends equal."""
    reference = _model()
    reference.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0)

    class Crash(cbks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise Fault

    model = _model()
    backup = cbks.BackupAndRestore(tmp_path / "backup")
    with pytest.raises(Fault):
        model.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0, callbacks=[backup, Crash()])
    assert os.listdir(tmp_path / "backup") == [backup.FILE]
    again = _model(seed=7)                       # a fresh process: other weights, a new optimizer
    history = again.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0,
                        callbacks=[cbks.BackupAndRestore(tmp_path / "backup")])
    assert history.epoch == [2, 3]
    for u, v in zip(again.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)
    assert os.listdir(tmp_path / "backup") == []           # deleted after a completed fit
