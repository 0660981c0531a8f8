"""Metrics on a functional model with two outputs, as Keras 2.15 compiles them: a flat list applies to every
output, a dict by output name or a list of lists per output. Key names and order are Keras 2.15's
(keras/engine/compile_utils.py, LossesContainer and MetricsContainer, and the "Multi-input and multi-output
models" section of the keras.io functional API guide): ``loss``, then ``<output>_loss`` per output, then
``<output>_<metric>`` (each output's metrics, then its weighted metrics, prefixed ``<output>_weighted_`` on a
clash), and ``val_`` versions in History. Values are checked against numpy sums by hand."""
import numpy as np
import pytest

import tensorgrad as tg
from nn import keras

RNG = np.random.default_rng(1)
X = RNG.normal(size=(40, 3)).astype(np.float32)
PRICE = (X @ np.array([[1.0], [2.0], [-1.0]], dtype=np.float32)).astype(np.float32)
CLASS = (X[:, 0] > 0).astype(np.float32).reshape(-1, 1)


def _model(seed=0):
    tg.manual_seed(seed)
    inputs = keras.Input((3,), name="features")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    price = keras.layers.Dense(1, name="price")(hidden)
    label = keras.layers.Dense(1, activation="sigmoid", name="label")(hidden)
    return keras.Model(inputs, [price, label])


def _by_hand(model, x=X, price_true=PRICE, class_true=CLASS, weights=None):
    price, label = model.predict(x, verbose=0)
    w = np.ones(len(x)) if weights is None else weights
    return {"price_mse": np.mean((price - price_true) ** 2),
            "price_mae": np.mean(np.abs(price - price_true)),
            "label_mse": np.mean((label - class_true) ** 2),
            "label_mae": np.mean(np.abs(label - class_true)),
            "label_accuracy": np.mean((label > 0.5) == (class_true > 0.5)),
            "label_weighted_accuracy": np.sum(w * ((label > 0.5) == (class_true > 0.5)).ravel()) / np.sum(w)}


def test_a_flat_list_applies_to_every_output_with_keras_names_and_order():
    model = _model()
    model.compile(optimizer="sgd", loss=["mse", "mse"], loss_weights=[1.0, 0.5], metrics=["mae"])
    assert model.metrics_names == []                      # Keras 2.15: empty until the first batch
    model.fit(X, [PRICE, CLASS], epochs=1, batch_size=40, verbose=0)
    assert model.metrics_names == ["loss", "price_loss", "label_loss", "price_mae", "label_mae"]
    hand = _by_hand(model)
    loss, price_loss, label_loss, price_mae, label_mae = model.evaluate(X, [PRICE, CLASS], batch_size=16, verbose=0)
    assert price_loss == pytest.approx(hand["price_mse"], rel=1e-5)
    assert label_loss == pytest.approx(hand["label_mse"], rel=1e-5)       # unweighted, as Keras logs it
    assert loss == pytest.approx(hand["price_mse"] + 0.5 * hand["label_mse"], rel=1e-5)
    assert price_mae == pytest.approx(hand["price_mae"], rel=1e-5)
    assert label_mae == pytest.approx(hand["label_mae"], rel=1e-5)


def test_history_has_per_output_losses_metrics_and_their_validation_versions():
    model = _model()
    model.compile(optimizer="adam", loss={"price": "mse", "label": "binary_crossentropy"},
                  metrics={"label": "accuracy", "price": ["mse", "mae"]})
    history = model.fit(X[:30], [PRICE[:30], CLASS[:30]], epochs=2, batch_size=10, verbose=0,
                        validation_data=(X[30:], [PRICE[30:], CLASS[30:]]))
    names = ["loss", "price_loss", "label_loss", "price_mse", "price_mae", "label_accuracy"]
    assert list(history.history) == names + [f"val_{n}" for n in names]
    hand = _by_hand(model, X[30:], PRICE[30:], CLASS[30:])
    for name in ("price_mse", "price_mae", "label_accuracy"):
        assert history.history[f"val_{name}"][-1] == pytest.approx(hand[name], rel=1e-5)
    assert history.history["val_price_loss"][-1] == pytest.approx(hand["price_mse"], rel=1e-5)
    logs = model.evaluate(X[30:], {"price": PRICE[30:], "label": CLASS[30:]}, verbose=0, return_dict=True)
    assert logs["label_accuracy"] == pytest.approx(hand["label_accuracy"])


def test_a_list_of_lists_gives_each_output_its_own_metrics_and_weighted_ones_get_keras_prefixes():
    model = _model()
    sample_weight = np.linspace(0.1, 2.0, len(X)).astype(np.float32)
    model.compile(optimizer="sgd", loss="mse", metrics=[[], ["accuracy", "mae"]],
                  weighted_metrics=[None, ["accuracy"]])
    model.evaluate(X, [PRICE, CLASS], verbose=0)
    assert model.metrics_names == ["loss", "price_loss", "label_loss", "label_accuracy", "label_mae",
                                   "label_weighted_accuracy"]
    logs = model.evaluate(X, [PRICE, CLASS], sample_weight=sample_weight, verbose=0, return_dict=True)
    hand = _by_hand(model, weights=sample_weight)
    assert logs["label_accuracy"] == pytest.approx(hand["label_accuracy"])
    assert logs["label_weighted_accuracy"] == pytest.approx(hand["label_weighted_accuracy"], rel=1e-5)


def test_a_metric_object_broadcast_to_two_outputs_is_copied_per_output():
    model = _model()
    auc = keras.metrics.MeanAbsoluteError(name="err")
    model.compile(optimizer="sgd", loss="mse", metrics=[auc])
    logs = model.evaluate(X, [PRICE, CLASS], verbose=0, return_dict=True)
    hand = _by_hand(model)
    assert logs["price_err"] == pytest.approx(hand["price_mae"], rel=1e-5)
    assert logs["label_err"] == pytest.approx(hand["label_mae"], rel=1e-5)
    assert auc.name == "err"                                  # the user's object is left as given


def test_one_output_keeps_unprefixed_names():
    tg.manual_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="out")])
    model.compile(optimizer="sgd", loss="mse", metrics={"out": "mae"})
    model.evaluate(X, PRICE, verbose=0)
    assert model.metrics_names == ["loss", "mae"]


def test_a_saved_two_output_model_keeps_its_metrics_when_they_are_names(tmp_path):
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    expected = model.evaluate(X, [PRICE, CLASS], verbose=0, return_dict=True)
    model.save(tmp_path / "two.keras")
    loaded = keras.models.load_model(tmp_path / "two.keras")
    assert loaded.evaluate(X, [PRICE, CLASS], verbose=0, return_dict=True) == pytest.approx(expected, rel=1e-6)
    model.compile(optimizer="sgd", loss="mse", metrics={"label": ["mae", "accuracy"]})
    expected = model.evaluate(X, [PRICE, CLASS], verbose=0, return_dict=True)
    model.save(tmp_path / "dict.keras")
    loaded = keras.models.load_model(tmp_path / "dict.keras")
    assert loaded.evaluate(X, [PRICE, CLASS], verbose=0, return_dict=True) == pytest.approx(expected, rel=1e-6)
    assert loaded.metrics_names == ["loss", "price_loss", "label_loss", "label_mae", "label_accuracy"]
