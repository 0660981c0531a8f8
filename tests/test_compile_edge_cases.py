"""compile as Keras allows it beyond the usual: no loss for a model that adds its own with add_loss, a
model without weights, and weight constraints applied after every update."""
import numpy as np
import pytest

import tensorgrad as tg
from nn import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype(np.float32)


class Autoencoder(keras.Model):
    """Its loss is the reconstruction error it adds itself (the Keras guide's add_loss pattern)."""

    def __init__(self):
        super().__init__()
        self.encode, self.decode = keras.layers.Dense(2), keras.layers.Dense(3)

    def call(self, x):
        out = self.decode(self.encode(x))
        self.add_loss(keras.ops.mean(keras.ops.square(out - x)))
        return out


def test_compile_without_a_loss_trains_on_the_added_loss():
    tg.manual_seed(0)
    model = Autoencoder()
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    history = model.fit(X, epochs=30, batch_size=64, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    reconstruction = float(np.mean((model.predict(X) - X) ** 2))
    assert model.evaluate(X, batch_size=64, verbose=0) == pytest.approx(reconstruction, rel=1e-5)


def test_compile_without_a_loss_and_nothing_added_says_so():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss found: the model was compiled without a loss"):
        model.fit(X, X[:, :1], verbose=0)


def test_a_model_without_weights_compiles_fits_and_evaluates():
    model = keras.Sequential([keras.layers.Lambda(lambda x: x * 2.0, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, 2 * X + 1, epochs=2, verbose=0)
    assert history.history["loss"] == pytest.approx([1.0, 1.0], rel=1e-6)      # (2x − (2x + 1))² = 1
    assert model.evaluate(X, 2 * X, verbose=0) == 0.0
    model.add(keras.layers.Dense(1))                   # weights added later train (compile bound none)
    before = [w.copy() for w in model.get_weights()]
    model.fit(X, X[:, :1], epochs=1, verbose=0)
    assert not np.allclose(before[0], model.get_weights()[0])
