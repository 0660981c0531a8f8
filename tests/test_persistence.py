"""Nothing lost: a failure in the middle of a save leaves the previous checkpoint intact and no
partial file behind, special paths are treated as torch.save treats them (symlinks written through,
read-only and non-regular files refused), and training interrupted by Ctrl-C leaves a usable model
and a consistent History. Failures are injected by monkeypatching the step that fails (the
serializer, the .npy writer, os.fsync, os.replace) to raise."""
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


def _npz_writer_that_dies_halfway(real):
    """numpy's .npy writer that writes the first array of the archive, then fails (disk full, killed...)."""
    calls = []

    def write_array(fp, array, *args, **kwargs):
        if calls:
            raise InjectedFault("disk full")
        calls.append(1)
        return real(fp, array, *args, **kwargs)
    return write_array


def _raise(*args, **kwargs):
    raise InjectedFault("injected")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


# fault -> (file name, what to patch, replacement, the error the save raises)
FAULTS = {
    "npz-write-halfway": ("model.npz", "numpy.lib.format.write_array",
                          _npz_writer_that_dies_halfway(np.lib.format.write_array), InjectedFault),
    "safetensors-serialize": ("model.safetensors", "safetensors.numpy.save", _raise, InjectedFault),
    "fsync": ("model.safetensors", "os.fsync", _raise, InjectedFault),
    "fsync-npz": ("model.npz", "os.fsync", _raise, InjectedFault),
    "replace": ("model.safetensors", "os.replace", _raise, InjectedFault),
    "ctrl-c-in-serialize": ("model.safetensors", "safetensors.numpy.save", _interrupt, KeyboardInterrupt),
    "ctrl-c-in-npz-write": ("model.npz", "numpy.lib.format.write_array", _interrupt, KeyboardInterrupt),
}


def _only_file(directory) -> list[str]:
    return sorted(os.listdir(directory))


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_failed_save_keeps_the_previous_checkpoint_and_leaves_no_partial_file(tmp_path, monkeypatch, fault,
                                                                              record_property):
    name, target, replacement, error = FAULTS[fault]
    path = tmp_path / name
    old = _model(1)
    nn.save(old, path)
    before = path.read_bytes()
    new = _model(2)
    monkeypatch.setattr(target, replacement)
    with pytest.raises(error):
        nn.save(new, path)
    monkeypatch.undo()
    record_property("faults injected", 1)
    assert _only_file(tmp_path) == [name]                  # no temp file left behind
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


# ------------------------------------------------------------------ special paths, as torch.save treats them
@pytest.mark.parametrize("name", ["m.safetensors", "m.npz"])
def test_save_writes_through_a_symlink_to_its_target(tmp_path, name):
    real = tmp_path / "store" / name
    real.parent.mkdir()
    nn.save(_model(1), real)
    link = tmp_path / name
    link.symlink_to(real)
    model = _model(2)
    nn.save(model, link)
    assert link.is_symlink() and os.readlink(link) == str(real)        # the link is kept...
    restored = _model(3)
    restored.load_state_dict(nn.load_state(real))                     # ...and its target holds the new weights
    for a, b in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert sorted(os.listdir(real.parent)) == [name]                  # the temp file was made beside the target


def test_a_read_only_checkpoint_is_refused_and_stays_unchanged_with_its_mode(tmp_path):
    path = tmp_path / "frozen.safetensors"
    nn.save(_model(1), path)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(PermissionError, match="frozen.safetensors.*read-only") as err:
        nn.save(_model(2), path)
    assert err.value.filename == str(path)
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert _only_file(tmp_path) == ["frozen.safetensors"]


def test_a_read_only_target_behind_a_symlink_is_refused(tmp_path):
    real = tmp_path / "real.npz"
    nn.save(_model(1), real)
    real.chmod(0o400)
    (tmp_path / "link.npz").symlink_to(real)
    before = real.read_bytes()
    with pytest.raises(PermissionError, match="read-only"):
        nn.save(_model(2), tmp_path / "link.npz")
    assert real.read_bytes() == before and (tmp_path / "link.npz").is_symlink()


def test_replacing_a_checkpoint_keeps_its_file_mode(tmp_path):
    path = tmp_path / "private.safetensors"
    nn.save(_model(1), path)
    path.chmod(0o600)
    nn.save(_model(2), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o664)
    tg.save({"w": np.ones(2)}, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_a_fifo_is_refused_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO.*not a regular file"):
        nn.save(_model(), fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and _only_file(tmp_path) == ["pipe"]


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="making a device node needs root")
def test_a_device_file_is_refused_not_replaced(tmp_path):
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))         # a private copy of /dev/null
    with pytest.raises(OSError, match="character device"):
        nn.save(_model(), device)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_directory_is_refused(tmp_path):
    (tmp_path / "ckpt").mkdir()
    with pytest.raises(IsADirectoryError, match="directory"):
        nn.save(_model(), tmp_path / "ckpt")
    assert (tmp_path / "ckpt").is_dir() and os.listdir(tmp_path / "ckpt") == []


def test_a_regular_file_is_replaced_atomically_from_a_fsynced_temp_file_beside_it(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr("os.fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr("os.replace", lambda src, dst: (events.append(("replace", os.path.dirname(src), dst)),
                                                        real_replace(src, dst))[1])
    nn.save(_model(), path)
    assert events[0] == "fsync" and events[1] == ("replace", str(tmp_path), path)
    assert _only_file(tmp_path) == ["m.safetensors"]


# ------------------------------------------------------------------ names that numpy would take as its own
@pytest.mark.parametrize("name", ["m.npz", "m.safetensors"])
def test_state_keys_named_like_numpy_arguments_round_trip(tmp_path, name):
    state = {"allow_pickle": np.arange(3.0), "file": np.ones((2, 2)), "args": np.zeros(1), "kwds": np.eye(2)}
    nn.save(state, tmp_path / name)
    loaded = nn.load_state(tmp_path / name)
    assert list(loaded) == list(state)
    for k in state:
        np.testing.assert_array_equal(loaded[k], state[k])


def test_checkpoint_callback_writes_safetensors_by_default_and_npz_by_name(tmp_path):
    model = _model(10)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0,
              callbacks=[ModelCheckpoint(tmp_path / "best.weights", monitor="loss"),
                         ModelCheckpoint(tmp_path / "best.npz", monitor="loss")])
    import safetensors.numpy
    stored = safetensors.numpy.load_file(tmp_path / "best.weights")       # a plain safetensors file
    with np.load(tmp_path / "best.npz", allow_pickle=False) as npz:       # a plain npz
        assert list(npz.files) == list(model.state_dict())
        for k, v in model.state_dict().items():
            np.testing.assert_array_equal(stored[k], v)
            np.testing.assert_array_equal(npz[k], v)
