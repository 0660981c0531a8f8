"""The Keras guide "Customizing what happens in fit()" written with tensorgrad's imports: a train_step with
tf.GradientTape, tape.gradient(loss, model.trainable_variables) and optimizer.apply_gradients(zip(...)).
It trains, and its first step equals the built-in fit's first step; tape.gradient of a non-scalar target
is the gradient of its sum (TensorFlow's rule)."""
import numpy as np
import pytest

import nn as tf
import tensorgrad as tg
from nn import keras

RNG = np.random.default_rng(3)
X = RNG.normal(size=(32, 4)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype=np.float32) + 0.3).astype(np.float32)


class GuideModel(keras.Model):
    """The guide's first example, as written there (compiled_loss, apply_gradients, compiled_metrics)."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


loss_tracker = keras.metrics.Mean(name="loss")


class LowLevelModel(keras.Model):
    """The guide's lower-level example: a per-sample loss vector (keras.losses.mean_squared_error), its
    own trackers in `metrics`, no compiled loss."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)        # shape (n,): tape sums it
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        loss_tracker.update_state(loss)
        return {"loss": loss_tracker.result()}

    @property
    def metrics(self):
        return [loss_tracker]


def _functional(cls, seed=0):
    tg.manual_seed(seed)
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="tanh")(inputs)
    return cls(inputs, keras.layers.Dense(1)(hidden))


@pytest.mark.parametrize("optimizer", [lambda: keras.optimizers.SGD(0.05, momentum=0.9),
                                       lambda: keras.optimizers.Adam(0.01, clipnorm=1.0)])
def test_the_guide_train_step_equals_the_built_in_first_step_and_trains(optimizer):
    custom, built_in = _functional(GuideModel), _functional(keras.Model)
    for model in (custom, built_in):
        model.compile(optimizer=optimizer(), loss="mse", metrics=["mae"])
        model.fit(X, Y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(custom.get_weights(), built_in.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert custom.optimizer.iterations == built_in.optimizer.iterations == 1
    history = custom.fit(X, Y, batch_size=8, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert set(history.history) == {"loss", "mae"}


def test_the_low_level_guide_step_trains_on_the_sum_of_a_per_sample_loss():
    model = _functional(LowLevelModel)
    model.compile(optimizer=keras.optimizers.SGD(0.001))
    before = [w.copy() for w in model.get_weights()]
    sgd_sum = _functional(keras.Model)      # the same step by hand: SGD on Σᵢ lᵢ (TensorFlow sums the target)
    pred = sgd_sum(tg.tensor(X))
    per_sample = ((pred - tg.tensor(Y)) ** 2).mean(axis=-1)
    grads = tg.grad(per_sample.sum(), sgd_sum.trainable_variables)
    model.fit(X, Y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    for w0, g, w1 in zip(before, grads, model.get_weights()):
        np.testing.assert_allclose(w1, w0 - 0.001 * g.numpy(force=True), rtol=1e-5, atol=1e-6)
    history = model.fit(X, Y, batch_size=8, epochs=10, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_apply_gradients_updates_only_the_given_variables_and_binds_new_ones():
    a = tf.Variable(np.array([1.0, 2.0], dtype=np.float32))
    b = tf.Variable(np.array([3.0], dtype=np.float32))
    opt = keras.optimizers.SGD(0.1)                         # unbound: apply_gradients binds what it gets
    with tf.GradientTape() as tape:
        loss = (a * a).sum() + b.sum()
    grads = tape.gradient(loss, [a, b])
    b.grad = tg.tensor(np.array([100.0], dtype=np.float32))   # a stale .grad is neither used nor lost
    assert opt.apply_gradients(zip(grads[:1], [a])) == 1
    np.testing.assert_allclose(a.numpy(force=True), [1.0 - 0.2, 2.0 - 0.4], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(force=True), [3.0])
    assert b.grad.numpy(force=True)[0] == 100.0
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        opt.apply_gradients([(None, b), (np.array([1.0, 1.0], dtype=np.float32), a)])
    np.testing.assert_allclose(a.numpy(force=True), [0.7, 1.5], rtol=1e-6)
    with pytest.raises(ValueError, match="no gradients provided for any variable"):
        opt.apply_gradients([(None, a)])
    with pytest.raises(TypeError, match=r"expected \(gradient, variable\) pairs"):
        opt.apply_gradients([a, b])


def test_tape_gradient_of_a_non_scalar_target_is_the_gradient_of_its_sum():
    x = tf.Variable(np.array([1.0, -2.0, 3.0]))
    with tf.GradientTape(persistent=True) as tape:
        y = x * x                                                 # dy/dx of Σ x² is 2x
        z = 3.0 * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, -4.0, 6.0])
    np.testing.assert_allclose(tape.gradient([y, z], x).numpy(), [5.0, -1.0, 9.0])
    weights = np.array([1.0, 0.0, 2.0])
    np.testing.assert_allclose(tape.gradient(y, x, output_gradients=weights).numpy(), [2.0, 0.0, 12.0])
    unused = tf.Variable(np.zeros(2))
    assert tape.gradient(y, [x, unused])[1] is None
    np.testing.assert_allclose(tape.gradient(y, unused, unconnected_gradients="zero").numpy(), [0.0, 0.0])


def test_tape_gradient_of_a_non_scalar_target_matches_finite_differences_of_its_sum():
    x0 = np.array([0.5, -1.5, 2.0])
    x = tf.Variable(x0.copy())
    with tf.GradientTape() as tape:
        y = tg.tanh(x) * x                                        # a vector target
    grad = tape.gradient(y, x).numpy(force=True)
    eps = 1e-6
    for i in range(3):
        step = np.eye(3)[i] * eps
        numeric = (np.sum(np.tanh(x0 + step) * (x0 + step)) - np.sum(np.tanh(x0 - step) * (x0 - step))) / (2 * eps)
        assert grad[i] == pytest.approx(numeric, rel=1e-6)


def test_two_tapes_over_one_forward_each_give_their_gradient():
    """A GAN's train_step: gen_tape and disc_tape record one forward; each gradient is its own closed form."""
    g_w = tf.Variable(np.array([2.0], np.float32))
    d_w = tf.Variable(np.array([3.0], np.float32))
    z = np.array([1.5], np.float32)
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        fake = g_w * z                                  # G(z)
        fake_output = d_w * fake                        # D(G(z)), shared by both losses
        gen_loss = tf.reduce_sum(fake_output ** 2)
        disc_loss = tf.reduce_sum(-fake_output)
    (dg,) = gen_tape.gradient(gen_loss, [g_w])
    (dd,) = disc_tape.gradient(disc_loss, [d_w])         # the first tape's gradient did not free the forward
    np.testing.assert_allclose(dg.numpy(), 2 * (3.0 * 2.0 * 1.5) * 3.0 * 1.5)   # 2·D·∂D/∂g_w
    np.testing.assert_allclose(dd.numpy(), -2.0 * 1.5)                          # -∂D/∂d_w = -G(z)
    with pytest.raises(RuntimeError, match="only be called once on a non-persistent tape"):
        gen_tape.gradient(gen_loss, [g_w])


def test_tf_function_runs_the_function_eagerly():
    calls = []

    @tf.function
    def step(x):
        calls.append(x)
        return x * 2

    @tf.function(jit_compile=True, reduce_retracing=True)
    def other(x):
        return x + 1

    assert step(3) == 6 and other(3) == 4 and calls == [3]
    with pytest.raises(TypeError, match="tf.function: expects a function"):
        tf.function(3)
