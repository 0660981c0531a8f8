"""compile / fit / evaluate / predict: Keras's semantics, checked against computations done here."""
import re
import warnings

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg
from nn import callbacks as cbks
from nn import metrics as metrics_module


def blobs(n=90, seed=0):
    """Three separable 2-d clusters, float32 x and integer labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centres = np.array([[2.0, 0.0], [-2.0, 2.0], [0.0, -2.0]])
    return (centres[labels] + 0.5 * rng.normal(size=(n, 2))).astype(np.float32), labels


def classifier(seed=0, hidden=8):
    tg.manual_seed(seed)
    return nn.Sequential([nn.Dense(hidden, activation="relu", input_dim=2), nn.Dense(3, activation="softmax")])


def sigmoid_unit(seed=0):
    tg.manual_seed(seed)
    return nn.Sequential([nn.Dense(1, activation="sigmoid", input_dim=2)])


# ------------------------------------------------------------------ compile
@pytest.mark.parametrize("name", ["SGD", "sgd"])
def test_compile_optimizer_string_gets_keras_defaults_and_is_bound(name):
    model = classifier()
    model.compile(optimizer=name, loss="sparse_categorical_crossentropy")
    assert isinstance(model.optimizer, optim.keras_optimizers.SGD)        # Keras's SGD (Keras's rule)
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    assert [id(p) for p in model.optimizer.param_groups[0]["params"]] == [id(p) for p in model.parameters()]


@pytest.mark.parametrize("make", [lambda: optim.SGD(lr=0.05), lambda: optim.SGD(learning_rate=0.05)])
def test_compile_binds_an_optimizer_built_without_parameters(make):
    model = classifier()
    opt = make()
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    assert model.optimizer is opt and opt.is_bound and opt.learning_rate == pytest.approx(0.05)


def test_compile_uses_a_pytorch_style_optimizer_as_given():
    model = classifier()
    last = model.layers[-1]
    opt = optim.SGD([last.weight, last.bias], lr=0.1)      # trains the last layer only
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    first_before = model.layers[0].weight.numpy(force=True).copy()
    last_before = last.weight.numpy(force=True).copy()
    x, y = blobs()
    model.fit(x, y, epochs=1, verbose=0)
    assert model.optimizer is opt
    np.testing.assert_array_equal(model.layers[0].weight.numpy(force=True), first_before)
    assert not np.array_equal(last.weight.numpy(force=True), last_before)


@pytest.mark.parametrize("spelled", ["mean_squared_error", "mse"])
def test_compile_loss_strings_in_keras_spellings(spelled):
    model = sigmoid_unit()
    model.compile(optimizer="sgd", loss=spelled)
    assert isinstance(model.loss, nn.MeanSquaredError)


def test_compile_rejects_unknown_names_listing_the_valid_ones():
    model = classifier()
    with pytest.raises(ValueError, match=r"compile\(optimizer='adamm'\).*'sgd'.*'adam'"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match=r"compile\(loss='mse_loss'\).*mean_squared_error"):
        model.compile(optimizer="sgd", loss="mse_loss")
    with pytest.raises(ValueError, match=r"compile\(metrics=\['acuracy'\]\).*unknown metric 'acuracy'.*accuracy"):
        model.compile(optimizer="sgd", loss="mse", metrics=["acuracy"])
    with pytest.raises(TypeError, match=r"metrics must be a list such as \['accuracy'\], got 'accuracy'"):
        model.compile(optimizer="sgd", loss="mse", metrics="accuracy")
    model.compile(optimizer="sgd")          # Keras allows it (add_loss models); fit then says what is missing
    with pytest.raises(ValueError, match="No loss found"):
        model.fit(np.zeros((2, 2)), np.zeros(2), verbose=0)


@pytest.mark.parametrize("call", ["fit", "evaluate"])
def test_fit_and_evaluate_before_compile_say_so(call):
    x, y = blobs()
    with pytest.raises(RuntimeError, match=rf"{call}: the model is not compiled; call model.compile"):
        getattr(classifier(), call)(x, y)


# ------------------------------------------------------------------ fit: history and semantics
def test_history_has_keras_keys_one_value_per_epoch():
    x, y = blobs()
    model = classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=16, validation_split=0.2, verbose=0)
    assert isinstance(history, cbks.History) and model.history is history
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 4 and all(isinstance(f, float) for f in v) for v in history.history.values())
    assert history.epoch == [0, 1, 2, 3]
    assert history.params == {"batch_size": 16, "epochs": 4, "steps": 5, "samples": 72, "verbose": 0}


def test_initial_epoch_counts_from_there():
    x, y = blobs()
    model = classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4] and len(history.history["loss"]) == 2


def frozen_regressor():
    """y = w·x + b with SGD lr=0: the weights never move, so every number fit reports can be
    recomputed from predict()."""
    tg.manual_seed(1)
    model = nn.Sequential([nn.Dense(1, input_dim=1)])
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse", metrics=["mae"])
    return model


def test_validation_split_takes_the_last_rows_before_shuffling():
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    y = np.where(np.arange(10) < 8, 0.0, 100.0).astype(np.float32)     # only the last two rows are 100
    model = frozen_regressor()
    history = model.fit(x, y, epochs=1, batch_size=3, validation_split=0.2, shuffle=True, verbose=0)
    pred = model.predict(x)[:, 0]
    assert history.history["val_loss"][0] == pytest.approx(np.mean((pred[8:] - 100.0) ** 2), rel=1e-5)
    assert history.history["loss"][0] == pytest.approx(np.mean(pred[:8] ** 2), rel=1e-5)
    assert history.params["samples"] == 8


def test_epoch_loss_is_the_per_sample_mean_even_with_a_short_last_batch():
    x = np.arange(7, dtype=np.float32).reshape(-1, 1)
    y = np.array([0, 0, 0, 0, 0, 0, 50], dtype=np.float32)            # batches of 3, 3 and 1
    model = frozen_regressor()
    loss = model.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0).history["loss"][0]
    squared = (model.predict(x)[:, 0] - y) ** 2
    assert loss == pytest.approx(squared.mean(), rel=1e-5)
    batch_means = [squared[:3].mean(), squared[3:6].mean(), squared[6:].mean()]
    assert loss != pytest.approx(np.mean(batch_means), rel=1e-3)     # the data tells the two apart


def test_class_and_sample_weights_multiply_loss_over_n_weighted_metrics_over_sum_of_weights():
    """Keras: the loss is Σ wᵢ lᵢ / n; ``metrics`` ignore the weights, ``weighted_metrics`` are
    Σ wᵢ mᵢ / Σ wᵢ, and a weighted metric whose name is taken is logged as 'weighted_<name>'."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 2)).astype(np.float32)
    y = (rng.random(50) < 0.3).astype(np.float32)
    sample_weight = rng.uniform(0.5, 2.0, 50)
    class_weight = {0: 1.0, 1: 4.0}
    model = sigmoid_unit()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="binary_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])
    logs = model.fit(x, y, epochs=1, batch_size=16, class_weight=class_weight, sample_weight=sample_weight,
                     verbose=0).history
    p = model.predict(x)[:, 0].astype(np.float64)
    w = sample_weight * np.where(y == 1, 4.0, 1.0)
    per_sample = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    correct = ((p > 0.5) == (y == 1)).astype(np.float64)
    assert logs["loss"][0] == pytest.approx(np.sum(w * per_sample) / 50, rel=1e-5)
    assert logs["weighted_accuracy"][0] == pytest.approx(np.sum(w * correct) / np.sum(w), rel=1e-6)
    assert logs["accuracy"][0] == pytest.approx(correct.mean(), rel=1e-6)
    assert logs["accuracy"][0] != pytest.approx(logs["weighted_accuracy"][0], rel=1e-3)   # the data tells them apart


def test_class_weight_applies_to_training_only_sample_weight_to_validation_too():
    x = np.arange(10, dtype=np.float32).reshape(-1, 1)
    y = np.array([0, 1] * 5, dtype=np.float32)
    sample_weight = np.arange(1, 11, dtype=np.float64)
    model = frozen_regressor()
    logs = model.fit(x, y, epochs=1, validation_split=0.4, class_weight={0: 1.0, 1: 10.0},
                     sample_weight=sample_weight, verbose=0).history
    pred = model.predict(x)[:, 0]
    val_w = sample_weight[6:]
    assert logs["val_loss"][0] == pytest.approx(np.sum(val_w * (pred[6:] - y[6:]) ** 2) / 4, rel=1e-5)
    train_w = sample_weight[:6] * np.where(y[:6] == 1, 10.0, 1.0)
    assert logs["loss"][0] == pytest.approx(np.sum(train_w * (pred[:6] - y[:6]) ** 2) / 6, rel=1e-5)


def test_one_hot_targets_with_class_weight_use_the_argmax():
    x, labels = blobs(30)
    model = classifier()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="categorical_crossentropy", metrics=["accuracy"])
    logs = model.fit(x, np.eye(3)[labels], epochs=1, class_weight={0: 1.0, 1: 2.0, 2: 3.0}, verbose=0).history
    p = model.predict(x).astype(np.float64)
    w = np.array([1.0, 2.0, 3.0])[labels]
    per_sample = -np.log(p[np.arange(30), labels])
    assert logs["loss"][0] == pytest.approx(np.sum(w * per_sample) / 30, rel=1e-5)


def test_fit_is_the_pytorch_loop_it_claims_to_be():
    """fit(shuffle=False) and the hand-written loop on the same data and init give identical weights."""
    x, y = blobs(70)
    by_fit, by_hand = classifier(seed=5), classifier(seed=6)
    by_hand.set_weights(by_fit.get_weights())
    by_fit.compile(optimizer=optim.Adam(lr=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    by_fit.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)

    opt = optim.Adam(by_hand.parameters(), lr=0.01)
    loss_fn = nn.SparseCategoricalCrossentropy()
    for _ in range(3):
        for start in range(0, 70, 16):
            opt.zero_grad()
            loss = loss_fn(y[start:start + 16], by_hand(x[start:start + 16]))
            loss.backward()
            opt.step()
    for a, b in zip(by_fit.get_weights(), by_hand.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_second_fit_continues_training_and_the_optimizer_state():
    x, y = blobs(64)
    model = classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    first = model.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]
    weight = model.layers[0].weight
    assert model.optimizer.state[weight]["step"] == 12
    second = model.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]
    assert model.optimizer.state[weight]["step"] == 24
    assert second[0] < first[-1] and second[-1] < second[0]


def test_shuffle_changes_the_batches_and_manual_seed_repeats_them():
    x, y = blobs(64)

    def run(seed, shuffle):
        model = classifier()
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        tg.manual_seed(seed)
        model.fit(x, y, epochs=2, batch_size=8, shuffle=shuffle, verbose=0)
        return model.get_weights()[0]
    np.testing.assert_array_equal(run(1, True), run(1, True))
    assert not np.array_equal(run(1, True), run(1, False))


def test_multi_input_model_takes_a_list_of_arrays():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(40, 3)).astype(np.float32), rng.normal(size=(40, 2)).astype(np.float32)
    y = a.sum(axis=1, keepdims=True) - b[:, :1]
    tg.manual_seed(0)
    in_a, in_b = nn.Input((3,)), nn.Input((2,))
    out = nn.Dense(1)(nn.concatenate([nn.Dense(4, activation="tanh")(in_a), in_b]))
    model = nn.Model(inputs=[in_a, in_b], outputs=out)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit([a, b], y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    assert len(history.history["val_loss"]) == 3
    assert model.predict([a, b]).shape == (40, 1)
    with pytest.raises(ValueError, match=r"the model takes 2 inputs; give x as a list of 2 arrays, got one array"):
        model.fit(a, y, verbose=0)


def test_single_input_model_accepts_a_one_element_list_as_keras():
    x, y = blobs(20)
    model = compiled()
    np.testing.assert_array_equal(model.predict([x]), model.predict(x))
    assert model.evaluate([x], y, verbose=0) == model.evaluate(x, y, verbose=0)


def test_subclassed_model_with_two_forward_arguments_takes_a_list():
    class TwoInputs(nn.Model):
        def __init__(self):
            super().__init__()
            self.left, self.right = nn.Dense(1, input_dim=2), nn.Dense(1, input_dim=2)

        def forward(self, a, b):
            return self.left(a) + self.right(b)
    x1, x2 = np.ones((6, 2), np.float32), np.zeros((6, 2), np.float32)
    model = TwoInputs()
    model.compile(optimizer="sgd", loss="mse")
    model.fit([x1, x2], np.ones(6, np.float32), epochs=1, verbose=0)
    assert model.predict([x1, x2]).shape == (6, 1)


def test_accuracy_is_resolved_once_per_fit_not_per_batch(monkeypatch):
    calls = []
    real_get = metrics_module.get
    monkeypatch.setattr(metrics_module, "get", lambda *a, **k: calls.append(a) or real_get(*a, **k))
    x, y = blobs(64)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy", "sparse_top_k_categorical_accuracy"])
    calls.clear()
    model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    assert [c[0] for c in calls] == ["accuracy"]      # named functions resolve at compile, 'accuracy' at batch 1


def test_custom_metric_returning_a_batch_mean_counts_each_batch_once_as_keras():
    """Keras's MeanMetricWrapper counts the values a function returns: a scalar batch mean counts once."""
    x = np.arange(8, dtype=np.float32).reshape(-1, 1)
    y = np.zeros(8, dtype=np.float32)

    def first_target(y_true, y_pred):
        return float(y_true[0, 0] + len(y_true))       # 3 for a batch of 3, 2 for the last one (y_true (n, 1))
    model = frozen_regressor()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse", metrics=[first_target])
    logs = model.fit(x, y, batch_size=3, shuffle=False, verbose=0).history
    assert logs["first_target"][0] == pytest.approx((3 + 3 + 2) / 3, rel=1e-6)


def test_fit_leaves_the_model_in_the_mode_it_found():
    x, y = blobs(32)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.eval()
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.25)
    assert model.training is False
    model.train()
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.25)
    assert model.training is True


# ------------------------------------------------------------------ evaluate / predict
def test_evaluate_return_forms_and_values():
    x, y = blobs(50)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    loss = model.evaluate(x, y, batch_size=16, verbose=0)
    p = model.predict(x).astype(np.float64)
    assert isinstance(loss, float)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(50), y])), rel=1e-5)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss_acc = model.evaluate(x, y, verbose=0)
    assert isinstance(loss_acc, list) and len(loss_acc) == 2
    assert loss_acc[1] == pytest.approx(np.mean(p.argmax(axis=1) == y))
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": loss_acc[0], "accuracy": loss_acc[1]}


def test_evaluate_with_sample_weight_weighs_loss_over_n_and_weighted_metrics_over_weights():
    x, y = blobs(40)
    w = np.linspace(0.0, 2.0, 40)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["mse"],
                  weighted_metrics=["accuracy"])
    loss, mse, acc = model.evaluate(x, y, sample_weight=w, verbose=0)
    p = model.predict(x).astype(np.float64)
    assert loss == pytest.approx(np.sum(w * -np.log(p[np.arange(40), y])) / 40, rel=1e-5)
    assert acc == pytest.approx(np.sum(w * (p.argmax(axis=1) == y)) / w.sum())
    assert mse == pytest.approx(np.mean((y[:, None] - p) ** 2), rel=1e-5)    # unweighted; (n,) -> (n, 1)


def test_predict_gives_probabilities_in_eval_mode_without_a_graph():
    x, _ = blobs(70)
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(16, activation="relu", input_dim=2), nn.Dropout(0.5),
                           nn.Dense(3, activation="softmax")])
    out = model.predict(x, batch_size=32)
    assert isinstance(out, np.ndarray) and out.shape == (70, 3)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    # Dropout is off, so batches don't matter (to float32 rounding: BLAS may sum a batch of 7 differently)
    np.testing.assert_allclose(out, model.predict(x, batch_size=7), rtol=1e-5, atol=1e-6)
    assert model.training is True and all(p.grad is None for p in model.parameters())


def test_predict_classes_is_the_argmax_with_a_deprecation_warning():
    x, _ = blobs(20)
    model = classifier()
    with pytest.warns(DeprecationWarning, match=r"predict_classes\(\) is deprecated.*np.argmax"):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, model.predict(x).argmax(axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert model.predict_classes(x).shape == (20,)
        assert sigmoid_unit().predict_classes(x).dtype == np.int32


# ------------------------------------------------------------------ progress output
def fit_output(capsys, verbose, epochs=2, **kwargs):
    x, y = blobs(40)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    capsys.readouterr()
    model.fit(x, y, epochs=epochs, batch_size=16, verbose=verbose, **kwargs)
    return capsys.readouterr().out


NUMBER = r"\d+\.\d{4}(e[+-]\d\d)?"


def test_verbose_1_prints_the_keras_bar_per_epoch_and_no_carriage_returns(capsys):
    out = fit_output(capsys, 1, validation_split=0.2)
    lines = out.splitlines()
    assert "\r" not in out and len(lines) == 4
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    bar = (rf"2/2 \[={{30}}\] - \d+s \d+(s|ms|us)/step - loss: {NUMBER} - accuracy: {NUMBER} - "
           rf"val_loss: {NUMBER} - val_accuracy: {NUMBER}")
    assert re.fullmatch(bar, lines[1]) and re.fullmatch(bar, lines[3])


def test_verbose_2_prints_one_line_per_epoch(capsys):
    lines = fit_output(capsys, 2, epochs=3).splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    for line in lines[1::2]:
        assert re.fullmatch(rf"3/3 - \d+s - loss: {NUMBER} - accuracy: {NUMBER}", line)


def test_verbose_0_is_silent_and_one_epoch_has_no_header(capsys):
    assert fit_output(capsys, 0) == ""
    assert not fit_output(capsys, 1, epochs=1).startswith("Epoch")


def test_evaluate_verbose_prints_a_keras_line(capsys):
    x, y = blobs(40)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    capsys.readouterr()
    model.evaluate(x, y, verbose=1)
    assert re.fullmatch(rf"2/2 \[={{30}}\] - \d+s \d+(s|ms|us)/step - loss: {NUMBER} - accuracy: {NUMBER}\n",
                        capsys.readouterr().out)


# ------------------------------------------------------------------ interrupts and bad input
class InterruptAt(cbks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.current, batch) == (self.epoch, self.batch):
            raise KeyboardInterrupt


def test_keyboard_interrupt_keeps_complete_epochs_and_a_usable_model():
    x, y = blobs(64)
    model = classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.eval()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[InterruptAt(2, 1)])
    assert model.history.epoch == [0, 1]
    assert all(len(v) == 2 for v in model.history.history.values())
    assert model.training is False
    assert model.predict(x).shape == (64, 3)
    again = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert len(again.history["loss"]) == 2 and np.isfinite(again.history["loss"]).all()


def compiled():
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(x=np.zeros((10, 2)), y=np.zeros(9)), ValueError, r"x has 10 \(shape \(10, 2\)\), y has 9 \(shape \(9,\)\)"),
    (dict(x=np.zeros((0, 2)), y=np.zeros(0)), ValueError, r"fit: x has no samples \(shape \(0, 2\)\)"),
    (dict(x=np.array([[0.0, np.nan]] * 4), y=np.zeros(4)), ValueError, r"fit: x contains NaN or Inf \(first at index \(0, 1\)"),
    (dict(x=np.array([[1, "a"]] * 4, dtype=object), y=np.zeros(4)), TypeError, r"fit: x must be numeric, got an array of dtype object"),
    (dict(x=np.zeros((4, 2)), y=np.array(["a"] * 4)), TypeError, r"fit: y must be numeric, got an array of dtype <U1"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), batch_size=0), ValueError, r"fit: batch_size must be a positive integer, got 0"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), batch_size=2.5), ValueError, r"batch_size must be a positive integer, got 2\.5"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), validation_split=1.0), ValueError, r"validation_split must be a number in \[0, 1\), got 1\.0"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), validation_split=-0.1), ValueError, r"validation_split .* got -0\.1"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), validation_split=0.9), ValueError, r"validation_split=0\.9 of 4 samples leaves 0 for training and 4"),
    (dict(x=np.zeros((4, 2)), y=np.array([0, 1, 2, 2]), class_weight={0: 1.0, 1: 2.0}), ValueError,
     r"class_weight has no weight for class\(es\) \[2\] found in y \(its keys are \[0, 1\]\)"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), sample_weight=np.ones(3)), ValueError, r"sample_weight must be 4 numbers.*got shape \(3,\)"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), sample_weight=-np.ones(4)), ValueError, r"sample_weight must be finite and >= 0"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), epochs=-1), ValueError, r"epochs must be a non-negative integer, got -1"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), verbose=3), ValueError, r"verbose must be 0 .*got 3"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), validation_data=(np.zeros((2, 2)),)), ValueError, r"validation_data must be a tuple"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), validation_data=(np.zeros((2, 2)), np.zeros(3))), ValueError, r"x has 2 .*y has 3"),
    (dict(x=np.zeros((4, 2)), y=np.zeros(4), callbacks=["early"]), TypeError, r"callbacks must be nn.callbacks.Callback instances, got 'early'"),
])
def test_bad_fit_arguments_raise_naming_the_argument_and_value(kwargs, error, message):
    with pytest.raises(error, match=message):
        compiled().fit(**{"verbose": 0, **kwargs})


def test_bad_predict_and_evaluate_inputs():
    model = compiled()
    with pytest.raises(ValueError, match=r"predict: batch_size must be a positive integer, got -4"):
        model.predict(np.zeros((3, 2)), batch_size=-4)
    with pytest.raises(ValueError, match=r"evaluate: y contains NaN or Inf"):
        model.evaluate(np.zeros((3, 2)), np.array([0.0, np.nan, 1.0]), verbose=0)
    with pytest.raises(ValueError, match=r"predict: x is required"):
        model.predict(None)


def test_a_layer_added_after_compile_is_trained_too():
    model = nn.Sequential([nn.Dense(4, activation="relu", input_dim=3)])
    model.compile(optimizer=optim.SGD(lr=0.1), loss="mse")
    model.add(nn.Dense(1))
    before = model.layers[1].weight.numpy(force=True).copy()
    x = np.random.default_rng(0).random((16, 3)).astype(np.float32)
    model.fit(x, x.sum(axis=1, keepdims=True), epochs=2, verbose=0)
    assert not np.array_equal(model.layers[1].weight.numpy(force=True), before)


def test_fit_given_a_data_loader_and_y_says_to_yield_tuples():
    model = nn.Sequential([nn.Dense(1, input_dim=2)])
    model.compile(optimizer="sgd", loss="mse")
    loader = nn.DataLoader(np.zeros((4, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"fit: x is a \w*Loader that yields batches, so y must be None"):
        model.fit(loader, np.zeros((4, 1)))
