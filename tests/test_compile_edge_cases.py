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


# ------------------------------------------------------------------------------ constraints
W = np.array([[3.0, 0.1], [4.0, -0.2]])        # column norms 5 and sqrt(0.05)


def test_constraint_formulas_are_keras_ones():
    """Keras 2.15's keras/constraints.py: norms over axis 0, ε = 1e-7."""
    C = keras.constraints
    norms = np.sqrt((W ** 2).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(C.MaxNorm(2.0)(tg.tensor(W)).data, W * np.clip(norms, 0, 2) / (1e-7 + norms))
    np.testing.assert_allclose(C.UnitNorm()(tg.tensor(W)).data, W / (1e-7 + norms))
    np.testing.assert_allclose(C.NonNeg()(tg.tensor(W)).data, [[3.0, 0.1], [4.0, 0.0]])
    desired = 0.5 * np.clip(norms, 0.5, 1.0) + 0.5 * norms
    np.testing.assert_allclose(C.MinMaxNorm(0.5, 1.0, rate=0.5)(tg.tensor(W)).data, W * desired / (1e-7 + norms))
    assert isinstance(C.get("max_norm"), C.MaxNorm) and C.get({"class_name": "UnitNorm", "config": {"axis": 1}}).axis == 1


def test_kernel_constraint_projects_after_every_update():
    """One SGD step on a Dense kernel with MaxNorm(0.5): w' = project(w − η·∂L/∂w), the gradient by hand."""
    tg.manual_seed(0)
    layer = keras.layers.Dense(2, kernel_constraint=keras.constraints.MaxNorm(0.5),
                               bias_constraint=keras.constraints.NonNeg(), input_shape=(3,))
    model = keras.Sequential([layer])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    w, b = [a.copy() for a in model.get_weights()]
    x, y = X[:8], np.ones((8, 2), np.float32) * 5
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    grad_out = 2 * (x @ w + b - y) / y.size
    w_step, b_step = w - 0.5 * (x.T @ grad_out), b - 0.5 * grad_out.sum(axis=0)
    norms = np.sqrt((w_step ** 2).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(model.get_weights()[0], w_step * np.clip(norms, 0, 0.5) / (1e-7 + norms), rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[1], np.maximum(b_step, 0) * (b_step >= 0), rtol=1e-5)
    model.fit(X, np.ones((64, 2), np.float32) * 5, epochs=3, verbose=0)
    assert np.sqrt((model.get_weights()[0] ** 2).sum(axis=0)).max() <= 0.5 + 1e-6


def test_add_weight_constraint_and_saving_keep_it(tmp_path):
    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones",
                                     constraint=keras.constraints.NonNeg())

        def call(self, x):
            return x * self.w

    tg.manual_seed(0)
    model = keras.Sequential([Scale(input_shape=(3,))])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    model.fit(X, -np.abs(X), epochs=3, verbose=0)          # pushes w below 0: the constraint holds it at 0
    assert (model.get_weights()[0] >= 0).all() and (model.get_weights()[0] == 0).any()
    dense = keras.Sequential([keras.layers.Dense(2, kernel_constraint="max_norm", input_shape=(3,))])
    dense.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[0].kernel_constraint, keras.constraints.MaxNorm)
    assert loaded.layers[0].kernel_constraint.max_value == 2.0


def test_an_integer_weight_is_state_the_optimizer_leaves_alone(tmp_path):
    """add_weight(dtype='int32'): a counter the layer updates itself; compile binds only float weights."""

    class Count(keras.layers.Layer):
        def build(self, input_shape):
            self.seen = self.add_weight(name="seen", shape=(), dtype="int32", trainable=False)
            self.dense = keras.layers.Dense(1)

        def call(self, x, training=None):
            if training:
                self.seen.assign_add(1)
            return self.dense(x)

    tg.manual_seed(0)
    model = keras.Sequential([Count(input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, X[:, :1], batch_size=16, epochs=2, verbose=0)
    layer = model.layers[0]
    assert int(layer.seen.data) == 8 and layer.seen.dtype == np.int32           # 2 epochs of 4 batches
    assert [w.dtype.kind for w in layer.trainable_weights] == ["f", "f"] and len(layer.non_trainable_weights) == 1
    model.save(tmp_path / "count.keras")
    loaded = keras.models.load_model(tmp_path / "count.keras", custom_objects={"Count": Count})
    assert int(loaded.layers[0].seen.data) == 8
