"""fit/evaluate/predict against Keras's semantics (issue 15's "Training, checked against real Keras" and
issue 14's overridable steps). Where a number is Keras's, the test says which documented formula gives it."""
import threading

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg
from nn import callbacks as cbks


def line_data(n=64, seed=0):
    """y = 3x + 1 with 1-D targets (the shape Keras programs pass)."""
    x = np.random.default_rng(seed).uniform(-1, 1, (n, 1)).astype(np.float32)
    return x, (3 * x[:, 0] + 1).astype(np.float32)


def line_model(seed=0):
    tg.manual_seed(seed)
    return nn.Sequential([nn.Dense(1, input_dim=1)])


# ------------------------------------------------------------------ custom losses and metrics
def test_custom_loss_and_metric_are_called_y_true_first_with_targets_shaped_as_the_output():
    """Keras calls fn(y_true, y_pred) and gives 1-D targets of an (n, 1) output as (n, 1): a hand-written MSE
    then fits y = 3x + 1 (before: (pred, target) order and (n,) targets broadcast to (n, n), w stayed 0)."""
    seen = []

    def my_mse(y_true, y_pred):
        seen.append((y_true.shape, y_true.requires_grad, y_pred.requires_grad))
        return ((y_true - y_pred) ** 2).mean(axis=-1)

    def my_mae(y_true, y_pred):
        return np.abs(y_true - y_pred).mean(axis=-1)

    x, y = line_data()
    model = line_model()
    model.compile(optimizer=optim.SGD(lr=0.2), loss=my_mse, metrics=[my_mae])
    history = model.fit(x, y, epochs=60, batch_size=16, verbose=0).history
    assert seen[0] == ((16, 1), False, True)            # y_true: the (16, 1) targets; y_pred: the graph
    w, b = model.get_weights()
    assert w[0, 0] == pytest.approx(3.0, abs=0.05) and b[0] == pytest.approx(1.0, abs=0.05)
    assert history["my_mae"][-1] < 0.05


def test_custom_loss_with_sample_weights_must_give_one_value_per_sample():
    x, y = line_data(8)
    model = line_model()
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: ((y_true - y_pred) ** 2).mean())
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"one value per sample \(8 here\), got shape \(\)"):
        model.fit(x, y, sample_weight=np.ones(8), batch_size=8, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ trainable
def test_trainable_false_freezes_the_layer_in_fit_trainable_weights_and_summary():
    tg.manual_seed(0)
    first, last = nn.Dense(4, activation="relu", input_dim=3), nn.Dense(1)
    model = nn.Sequential([first, last])
    first.trainable = False
    model.compile(optimizer="adam", loss="mse")
    frozen = [p.numpy(force=True).copy() for p in first.parameters()]
    trained = [p.numpy(force=True).copy() for p in last.parameters()]
    x = np.random.default_rng(1).normal(size=(32, 3)).astype(np.float32)
    model.fit(x, x.sum(axis=1), epochs=3, verbose=0)
    for before, p in zip(frozen, first.parameters()):
        np.testing.assert_array_equal(p.numpy(force=True), before)
    assert all(not np.array_equal(before, p.numpy(force=True)) for before, p in zip(trained, last.parameters()))
    assert [id(p) for p in model.trainable_weights] == [id(p) for p in last.parameters()]
    assert [id(p) for p in model.non_trainable_weights] == [id(p) for p in first.parameters()]
    text = model.summary(print_fn=None)
    assert "Trainable params: 5" in text and "Non-trainable params: 16" in text
    assert first.trainable is False and model.trainable is True
    first.trainable = True
    model.fit(x, x.sum(axis=1), epochs=1, verbose=0)
    assert not np.array_equal(frozen[0], first.weight.numpy(force=True))


# ------------------------------------------------------------------ Keras's numbers
def test_saturated_softmax_fit_history_equals_evaluate_and_keras_clipped_value():
    """Logit gaps of 60: Keras's categorical/sparse cross-entropy on probabilities is -log clip(p, 1e-7, 1 - 1e-7)
    (Keras 3's documented formula), so a wrong sample costs -log(1e-7) ≈ 16.12, not its logit gap. fit's
    History (lr 0: the same weights) and evaluate must both give it (before: 60.27 in fit, 12.36 in evaluate)."""
    x = np.eye(4, dtype=np.float32)[np.arange(40) % 4]
    labels = np.array([0, 1, 2, 0] * 10)                     # rows of class 3 are labelled 0: wrong, gap 60
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(4, activation="softmax", input_dim=4, use_bias=False)])
    model.set_weights([np.eye(4, dtype=np.float32) * 60.0])
    p = model.predict(x).astype(np.float64)
    keras_value = np.mean(-np.log(np.clip(p[np.arange(40), labels], 1e-7, 1 - 1e-7)))
    for loss, y in (("sparse_categorical_crossentropy", labels), ("categorical_crossentropy", np.eye(4)[labels])):
        model.compile(optimizer=optim.SGD(lr=0.0), loss=loss)
        fit_loss = model.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"][0]
        assert fit_loss == pytest.approx(keras_value, rel=1e-5)
        assert model.evaluate(x, y, verbose=0) == pytest.approx(fit_loss, rel=1e-6)
    assert keras_value == pytest.approx(0.25 * -np.log(1e-7), rel=1e-5)


def test_mse_metric_with_two_outputs_and_1d_targets_is_the_same_at_every_batch_size():
    """Keras's rank matching makes (n,) targets (n, 1), compared with both outputs: mean((y - ŷ)²) over both
    (before: 0.0 at batch 1, 50.0 at batch 2, a raw numpy error at batch 4)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 3)).astype(np.float32)
    y = rng.normal(size=12).astype(np.float32)
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(2, input_dim=3)])
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse", metrics=["mse"])
    p = model.predict(x).astype(np.float64)
    expected = np.mean((y[:, None] - p) ** 2)
    for batch_size in (1, 2, 4, 5, 32):
        logs = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        assert logs["mse"] == pytest.approx(expected, rel=1e-5)
        assert logs["loss"] == pytest.approx(expected, rel=1e-5)


# ------------------------------------------------------------------ validation before any change
def test_a_float64_target_that_overflows_float32_is_refused_and_no_weight_changes():
    """1e39 is inf in float32: refused as the same value in x is, before any step."""
    x, y = line_data(8)
    model = line_model()
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    y64 = y.astype(np.float64)
    y64[3] = 1e39
    with pytest.raises(ValueError, match=r"fit: y holds 1e\+39 at index \(3,\), which is inf in the model's float32"):
        model.fit(x, y64, verbose=0)
    with pytest.raises(ValueError, match=r"validation_data\[1\] holds 1e\+39"):
        model.fit(x, y, validation_data=(x, y64), verbose=0)
    with pytest.raises(ValueError, match=r"evaluate: y holds 1e\+39"):
        model.evaluate(x, y64, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0, "2"])
def test_class_weight_must_be_finite_and_non_negative(bad):
    x, _ = line_data(8)
    y = np.array([0, 1] * 4)
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(2, activation="softmax", input_dim=1)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"fit: class_weight values must be finite numbers >= 0, got \{1: "):
        model.fit(x, y, class_weight={0: 1.0, 1: bad}, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_validation_split_accepts_numpy_floats():
    x, y = line_data(10)
    model = line_model()
    model.compile(optimizer="sgd", loss="mse")
    seen = []

    class Samples(cbks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(self.params["samples"])
    history = model.fit(x, y, validation_split=np.float32(0.2), callbacks=[Samples()], verbose=0).history
    assert seen == [8] and "val_loss" in history


# ------------------------------------------------------------------ callbacks
def _nan_then(values):
    return [{"val_loss": v} for v in [float("nan"), *values]]


def test_a_nan_first_epoch_never_becomes_best(tmp_path):
    """Keras starts best at +inf (or -inf) and NaN compares False: a NaN first epoch must not stay best."""
    model = line_model()
    model.compile(optimizer="sgd", loss="mse")
    early = cbks.EarlyStopping(patience=1, restore_best_weights=True)
    checkpoint = cbks.ModelCheckpoint(tmp_path / "best.npz", save_best_only=True)
    plateau = cbks.ReduceLROnPlateau(patience=2, factor=0.5)     # the NaN epoch is one epoch without improvement
    for cb in (early, checkpoint, plateau):
        cb.set_model(model)
        cb.on_train_begin({})
    for epoch, logs in enumerate(_nan_then([2.0, 1.0])):
        for cb in (early, checkpoint, plateau):
            cb.on_epoch_end(epoch, logs)
    assert early.best == 1.0 and early.best_epoch == 2 and not model.stop_training
    assert checkpoint.best == 1.0 and (tmp_path / "best.npz").exists()
    assert plateau.best == 1.0 and model.optimizer.learning_rate == pytest.approx(0.01)   # improved: no cut


def test_on_train_end_gets_the_last_logs_and_test_batch_hooks_are_called():
    calls = []

    class Recorder(cbks.Callback):
        def on_train_end(self, logs=None):
            calls.append(("train_end", dict(logs)))

        def on_test_batch_begin(self, batch, logs=None):
            calls.append(("test_batch_begin", batch))

        def on_test_batch_end(self, batch, logs=None):
            calls.append(("test_batch_end", batch, sorted(logs)))

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(("epoch_begin", logs))                # Keras hands a dict, never None

    x, y = line_data(20)
    model = line_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=2, batch_size=8, validation_data=(x[:10], y[:10]), callbacks=[Recorder()],
                        verbose=0).history
    assert ("epoch_begin", {}) in calls
    assert [c for c in calls if c[0] == "test_batch_begin"] == [("test_batch_begin", 0), ("test_batch_begin", 1)] * 2
    assert ("test_batch_end", 1, ["loss", "mae"]) in calls
    assert calls[-1] == ("train_end", {k: v[-1] for k, v in history.items()})
    calls.clear()
    model.evaluate(x, y, batch_size=8, callbacks=[Recorder()], verbose=0)
    assert [c[:2] for c in calls if c[0].startswith("test_batch")] == [
        ("test_batch_begin", 0), ("test_batch_end", 0), ("test_batch_begin", 1), ("test_batch_end", 1),
        ("test_batch_begin", 2), ("test_batch_end", 2)]


def test_every_built_in_callback_accepts_logs_none(tmp_path):
    model = line_model()
    model.compile(optimizer="sgd", loss="mse")
    built_in = [cbks.History(), cbks.EarlyStopping(), cbks.ModelCheckpoint(tmp_path / "m.npz"),
                cbks.CSVLogger(tmp_path / "log.csv"), cbks.LearningRateScheduler(lambda epoch, lr: lr),
                cbks.ReduceLROnPlateau(), cbks.TerminateOnNaN()]
    for cb in built_in:
        cb.set_model(model)
        cb.on_train_begin(None)
        cb.on_epoch_begin(0, None)
        cb.on_train_batch_begin(0, None)
        cb.on_train_batch_end(0, None)
        cb.on_test_batch_begin(0, None)
        cb.on_test_batch_end(0, None)
        with pytest.warns(RuntimeWarning) if isinstance(cb, (cbks.EarlyStopping, cbks.ReduceLROnPlateau)) \
                else _no_warning():
            cb.on_epoch_end(0, None)
        cb.on_train_end(None)


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# ------------------------------------------------------------------ training mode per call and thread
class ModeProbe(nn.Module):
    """Records (thread, training mode) at each call."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, x):
        self.seen.append((threading.get_ident(), self.training))
        return tg.as_tensor(x)


def test_predict_in_another_thread_during_fit_never_switches_dropout_off_for_training():
    """Issue 15: a predict thread flipped the shared flag and 3,419 of 5,000 training batches ran without
    Dropout. The mode now belongs to each call in its thread."""
    probe = ModeProbe()
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(8, activation="relu", input_dim=2), probe, nn.Dropout(0.5), nn.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(400, 2)).astype(np.float32)
    done = threading.Event()
    probe.seen.clear()                                                # (building the model called it once)

    def predict_until_done():
        while not done.is_set():
            model.predict(x[:4])
    other = threading.Thread(target=predict_until_done)
    other.start()
    try:
        model.fit(x, x.sum(axis=1), batch_size=1, epochs=1, verbose=0)
    finally:
        done.set()
        other.join()
    main = threading.get_ident()
    training = [mode for thread, mode in probe.seen if thread == main]
    predicting = [mode for thread, mode in probe.seen if thread != main]
    assert len(training) == 400 and all(training)
    assert predicting and not any(predicting)
    assert model.training is True and all(m.training for m in model.modules())     # no flag was flipped


def test_training_keyword_sets_the_mode_for_one_call_only():
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(16, input_dim=4), nn.Dropout(0.5)])
    x = np.ones((3, 4), np.float32)
    model.eval()
    assert not np.array_equal(model(x, training=True).numpy(force=True), model(x).numpy(force=True))     # Dropout on for that call
    np.testing.assert_array_equal(model(x).numpy(force=True), model(x).numpy(force=True))               # and off again
    model.train()
    np.testing.assert_array_equal(model(x, training=False).numpy(force=True), model.layers[0](x).numpy(force=True))
    assert model.training and model.layers[1].training


# ------------------------------------------------------------------ overridable steps (issue 14 item 6)
class StepCounting(nn.Sequential):
    """A Keras-style subclass: its own train_step (with a logged extra), test_step and predict_step."""

    steps_run = 0

    def train_step(self, data):
        x, y = data
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred)
        loss.backward()
        self.optimizer.step()
        self.steps_run += 1
        return {**self.compute_metrics(x, y, y_pred), "steps": tg.tensor(float(self.steps_run))}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.compute_loss(x, y, y_pred)
        return {**self.compute_metrics(x, y, y_pred), "rows": float(len(x))}

    def predict_step(self, data):
        (x,) = data
        return self(x) * 2


def test_a_subclass_customises_the_steps_and_keeps_progress_metrics_and_callbacks(capsys):
    x, y = line_data(20)
    tg.manual_seed(0)
    model = StepCounting([nn.Dense(1, input_dim=1)])
    model.compile(optimizer=optim.SGD(lr=0.1), loss="mse", metrics=["mae"])
    batch_logs = []

    class Batches(cbks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batch_logs.append(logs)
    history = model.fit(x, y, epochs=2, batch_size=8, validation_data=(x[:6], y[:6]), callbacks=[Batches()],
                        verbose=2).history
    assert history["steps"] == [3.0, 6.0] and model.steps_run == 6
    assert set(history) == {"loss", "mae", "steps", "val_loss", "val_mae", "val_rows"}
    assert history["loss"][1] < history["loss"][0]
    assert [logs["steps"] for logs in batch_logs] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert "steps: 6.0000" in capsys.readouterr().out                       # the progress line shows it
    np.testing.assert_allclose(model.predict(x), 2 * model(x).numpy(force=True), rtol=1e-6)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["rows"] == 20 % 32


def test_default_steps_unpack_sample_weights_as_keras():
    from nn.training import unpack_x_y_sample_weight
    x, y, w = np.zeros(2), np.ones(2), np.full(2, 0.5)
    assert unpack_x_y_sample_weight((x,)) == (x, None, None)
    assert unpack_x_y_sample_weight((x, y))[1] is y
    assert unpack_x_y_sample_weight((x, y, w))[2] is w
    assert unpack_x_y_sample_weight([x, y])[1] is y and unpack_x_y_sample_weight(x)[0] is x
    with pytest.raises(ValueError, match=r"data must be \(x,\), \(x, y\) or \(x, y, sample_weight\)"):
        unpack_x_y_sample_weight((x, y, w, w))


def test_an_evaluate_inside_an_epoch_does_not_mix_into_the_epoch_logs():
    """A callback that evaluates mid-epoch (or an evaluate in another thread) gets its own running logs."""
    x, y = line_data(32)
    model = line_model()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")
    plain = model.fit(x, y, batch_size=8, verbose=0).history["loss"][0]

    class EvaluateEachBatch(cbks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.evaluate(x[:3] * 100, y[:3], verbose=0)
    mixed = model.fit(x, y, batch_size=8, callbacks=[EvaluateEachBatch()], verbose=0).history["loss"][0]
    assert mixed == pytest.approx(plain, rel=1e-7)


class KerasGuideStep(nn.Sequential):
    """The train_step of Keras 2's guide "Customizing what happens in fit()", with the tape replaced by
    zero_grad/backward/step: compiled_loss, compiled_metrics.update_state and {m.name: m.result()}."""

    def train_step(self, data):
        x, y = data
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compiled_loss(y, y_pred, regularization_losses=[])
        loss.backward()
        self.optimizer.step()
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_the_keras_guide_custom_train_step_runs_and_matches_the_default_step():
    x, y = line_data(40)
    guided, default = KerasGuideStep([nn.Dense(1, input_dim=1)]), nn.Sequential([nn.Dense(1, input_dim=1)])
    default.set_weights(guided.get_weights())
    for model in (guided, default):
        model.compile(optimizer=optim.SGD(lr=0.1), loss="mse", metrics=["mae"])
    a = guided.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    b = default.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    assert a == b and [m.name for m in guided.metrics] == ["loss", "mae"]
    assert float(guided.metrics[0].result()) == a["loss"][-1]        # the metric objects keep the last epoch
