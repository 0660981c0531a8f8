"""A functional model with two outputs compiled Keras's ways: a list of losses, a dict by output name, one
loss for both, loss_weights; the trained loss is Σ weightₖ · lossₖ, checked against the sum by hand, and
each output's unweighted loss is logged as ``<output>_loss`` (Keras 2.15's LossesContainer)."""
import numpy as np
import pytest

import tensorgrad as tg
from nn import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype(np.float32)
PRICE = (X @ np.array([[1.0], [2.0], [-1.0]], dtype=np.float32)).astype(np.float32)
CLASS = (X[:, 0] > 0).astype(np.float32).reshape(-1, 1)


def _model(seed=0):
    tg.manual_seed(seed)
    inputs = keras.Input((3,), name="features")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    price = keras.layers.Dense(1, name="price")(hidden)
    label = keras.layers.Dense(1, activation="sigmoid", name="label")(hidden)
    return keras.Model(inputs, [price, label])


def _by_hand(model, weights=(1.0, 1.0)):
    price, label = model.predict(X)
    mse = np.mean((price - PRICE) ** 2)
    p = np.clip(label, 1e-7, 1 - 1e-7)
    bce = np.mean(-(CLASS * np.log(p) + (1 - CLASS) * np.log(1 - p)))
    return [weights[0] * mse + weights[1] * bce, mse, bce]     # Keras 2.15: loss, price_loss, label_loss


@pytest.mark.parametrize("loss, loss_weights, weights", [
    (["mse", "binary_crossentropy"], None, (1.0, 1.0)),
    ({"label": "binary_crossentropy", "price": "mse"}, {"price": 0.5, "label": 2.0}, (0.5, 2.0)),
    ([keras.losses.MeanSquaredError(), keras.losses.BinaryCrossentropy()], [0.2, 1.0], (0.2, 1.0)),
])
def test_two_outputs_train_on_the_weighted_sum_of_their_losses(loss, loss_weights, weights):
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, loss_weights=loss_weights)
    history = model.fit(X, [PRICE, CLASS], epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(X, [PRICE, CLASS], batch_size=64, verbose=0) == pytest.approx(_by_hand(model, weights),
                                                                                        rel=1e-4)
    by_dict = model.evaluate(X, {"price": PRICE, "label": CLASS}, batch_size=64, verbose=0)
    assert by_dict == pytest.approx(_by_hand(model, weights), rel=1e-4)


def test_one_loss_applies_to_every_output_and_validation_split_splits_every_target():
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, [PRICE, CLASS], epochs=2, validation_split=0.25, verbose=0)
    assert len(history.history["val_loss"]) == 2
    price, label = model.predict(X[48:])
    expected = np.mean((price - PRICE[48:]) ** 2) + np.mean((label - CLASS[48:]) ** 2)
    assert history.history["val_loss"][-1] == pytest.approx(expected, rel=1e-4)
    assert history.history["val_label_loss"][-1] == pytest.approx(np.mean((label - CLASS[48:]) ** 2), rel=1e-4)


def test_mismatches_are_named():
    model = _model()
    with pytest.raises(ValueError, match=r"loss has 3 entries but the model has 2 outputs \['price', 'label'\]"):
        model.compile(optimizer="adam", loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match=r"loss is a dict keyed by \['cost'\], but the model's outputs are named"):
        model.compile(optimizer="adam", loss={"cost": "mse"})
    model.compile(optimizer="adam", loss=["mse", "binary_crossentropy"])
    with pytest.raises(ValueError, match=r"the model has 2 outputs \['price', 'label'\]; give y as a list of 2"):
        model.fit(X, PRICE, verbose=0)
    with pytest.raises(ValueError, match=r"metrics has 3 per-output entries but the model has 2 outputs"):
        model.compile(optimizer="adam", loss="mse", metrics=[["mae"], ["mse"], []])
    with pytest.raises(ValueError, match=r"metrics is a dict with keys \['cost'\] that name no output"):
        model.compile(optimizer="adam", loss="mse", metrics={"cost": "mae"})


def test_loss_weights_on_one_output_scale_its_loss():
    tg.manual_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", loss_weights=[3.0])
    pred = model.predict(X)
    assert model.evaluate(X, PRICE, batch_size=64, verbose=0) == pytest.approx(3 * np.mean((pred - PRICE) ** 2),
                                                                              rel=1e-5)
